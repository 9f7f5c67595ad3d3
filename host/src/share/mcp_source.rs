//! Skills served by an MCP server (the `io.modelcontextprotocol/skills`
//! extension, as `quire mcp serve` offers it) as a sharing source: every
//! file is read as a resource and checked against the size and sha256 the
//! server lists for it before it is written, executable when the server
//! says so (`quire mcp serve` sends each file's mode, [`file_modes`]; a
//! file without one is a plain file).

use std::path::Path;
use std::time::Duration;

use rmcp::model::{ReadResourceRequestParams, ResourceContents, SkillResources};

use super::ShareError;
use crate::mcp::ServerSpec;
use crate::mcp::client::{self, ProcessInfo};
use crate::mcp::serve::file_modes;

/// Writes the skills `spec`'s server serves — all of them, or the one
/// named `skill` — into `into/<name>/`. Blocking: the MCP session runs on
/// a thread of its own, and a stdio server is stopped afterwards.
pub fn fetch_skills(spec: &ServerSpec, skill: Option<&str>, into: &Path) -> Result<(), ShareError> {
    crate::own_thread::apart(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ShareError::Invalid(format!("cannot start a runtime: {e}")))?;
        rt.block_on(fetch(spec, skill, into))
    })
    .unwrap_or_else(|e| Err(ShareError::Invalid(format!("the MCP fetch failed: {e}"))))
}

async fn fetch(spec: &ServerSpec, skill: Option<&str>, into: &Path) -> Result<(), ShareError> {
    let server = &spec.name;
    let fail = |what: String| ShareError::Invalid(format!("MCP server '{server}': {what}"));
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let mut pgid = None;
    let mut noise = None;
    let mut on_spawn = |p: &ProcessInfo| {
        pgid = Some(p.pgid);
        noise = Some(p.stdout_noise.clone());
    };
    let connecting = client::connect(spec, tx, &mut on_spawn);
    let started = tokio::time::timeout(spec.startup_timeout, connecting).await;
    let explain = |what: String| match &noise {
        Some(n) => n.explain(&what),
        None => what,
    };
    let conn = match started {
        Ok(r) => r.map_err(|e| fail(explain(e)))?,
        Err(_) => {
            return Err(fail(explain(format!(
                "did not start within {} s",
                spec.startup_timeout.as_secs()
            ))));
        }
    };
    let result = async {
        let serves = conn
            .service
            .peer_info()
            .is_some_and(|i| i.capabilities.supports_skills());
        if !serves {
            return Err(fail(
                "does not serve skills (the io.modelcontextprotocol/skills extension)".into(),
            ));
        }
        let listed = conn
            .service
            .list_all_skills()
            .await
            .map_err(|e| fail(format!("skills/list failed: {e}")))?;
        let chosen: Vec<_> = listed
            .iter()
            .filter(|s| skill.is_none_or(|n| s.name() == n))
            .collect();
        if chosen.is_empty() {
            let names: Vec<&str> = listed.iter().map(|s| s.name()).collect();
            return Err(fail(match skill {
                Some(n) => format!("serves no skill '{n}' (it serves: {})", names.join(", ")),
                None => "serves no skills".into(),
            }));
        }
        // Every name and path is checked before anything is written: they
        // come from the server and become folders under `into`.
        let mut planned = Vec::new();
        for s in &chosen {
            let name = s.name();
            if !super::check::is_safe_name(name) {
                return Err(fail(format!(
                    "serves a skill named '{}', which cannot be a folder name ({}); nothing was written — ask the server's owner to rename it",
                    name.escape_debug(),
                    super::check::NAME_RULE
                )));
            }
            if planned.iter().any(|(n, _, _)| *n == name) {
                return Err(fail(format!(
                    "serves two skills named '{}'; nothing was written",
                    name.escape_debug()
                )));
            }
            let SkillResources::Files(files) = &s.resources else {
                return Err(fail(format!("skill '{}' lists no files to copy", s.name())));
            };
            let base = s.uri.strip_suffix("SKILL.md").unwrap_or(&s.uri);
            let mut rels = Vec::new();
            for f in files {
                let rel = f
                    .uri
                    .strip_prefix(base)
                    .filter(|r| super::check::is_inside(r))
                    .ok_or_else(|| {
                        fail(format!(
                            "{} is not a file of {} (a file's URI must be the skill's folder followed by a relative path without '..'); nothing was written",
                            f.uri.escape_debug(),
                            s.uri.escape_debug()
                        ))
                    })?;
                rels.push((f, rel));
            }
            planned.push((name, rels, s.meta.as_ref()));
        }
        for (name, rels, meta) in planned {
            let dir = into.join(name);
            for (f, rel) in rels {
                let read = conn
                    .service
                    .read_resource(ReadResourceRequestParams::new(&f.uri))
                    .await
                    .map_err(|e| fail(format!("cannot read {}: {e}", f.uri)))?;
                let bytes =
                    contents(&read.contents).map_err(|e| fail(format!("{}: {e}", f.uri)))?;
                f.verify(&bytes).map_err(|e| fail(e.to_string()))?;
                let path = dir.join(rel);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| ShareError::Io {
                        path: parent.to_path_buf(),
                        message: e.to_string(),
                    })?;
                }
                std::fs::write(&path, &bytes).map_err(|e| ShareError::Io {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
                if file_modes::executable(meta, &f.uri) {
                    make_executable(&path)?;
                }
            }
        }
        Ok(())
    }
    .await;
    let _ = conn.service.cancel().await;
    if let Some(g) = pgid {
        crate::mcp::process::terminate_groups(&[g], Duration::from_millis(500));
    }
    result
}

/// Lets whoever may read the file at `path` run it too, as git checks out
/// an executable file (the umask applied when it was written stays).
fn make_executable(path: &Path) -> Result<(), ShareError> {
    use std::os::unix::fs::PermissionsExt;
    let io = |e: std::io::Error| ShareError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mode = std::fs::metadata(path).map_err(io)?.permissions().mode();
    std::fs::set_permissions(
        path,
        std::fs::Permissions::from_mode(mode | (mode & 0o444) >> 2),
    )
    .map_err(io)
}

/// The bytes of a one-part `resources/read` result.
fn contents(parts: &[ResourceContents]) -> Result<Vec<u8>, String> {
    use base64::Engine as _;
    match parts {
        [ResourceContents::TextResourceContents { text, .. }] => Ok(text.as_bytes().to_vec()),
        [ResourceContents::BlobResourceContents { blob, .. }] => {
            base64::engine::general_purpose::STANDARD
                .decode(blob)
                .map_err(|e| format!("not valid base64: {e}"))
        }
        _ => Err(format!("expected one part, got {}", parts.len())),
    }
}
