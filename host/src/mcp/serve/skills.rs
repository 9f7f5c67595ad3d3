//! quire's skills over the MCP skills extension (`io.modelcontextprotocol/skills`,
//! SEP-2640): `skills/list` and `skills/get` entries with the frontmatter
//! and a sha256 manifest of every file (their modes in the entry's
//! `_meta`, [`file_modes`]), each file a `skill://NAME/PATH`
//! resource (`resources/list`, `resources/read`), and
//! `resources/directory/read` for the folders.
//!
//! Skills are found once, when the server starts (the same discovery and
//! precedence as a session); their files are read at each request, so
//! digests always describe the bytes a following read returns.

use base64::Engine as _;
use rmcp::ErrorData;
use rmcp::model::{
    CacheScope, DIRECTORY_MIME_TYPE, GetSkillResult, ListResourcesResult, ListSkillsResult,
    ReadResourceResult, Resource, ResourceContents, Skill as Entry, SkillFrontmatter,
    SkillResource, SkillResources,
};

use super::file_modes;
use super::files::{self, SKILL_MD, SkillFile, Target};
use super::frontmatter::frontmatter;
use crate::skills::Skill;

/// The skills a server offers.
#[derive(Debug, Clone, Default)]
pub struct SkillCatalog {
    skills: Vec<Skill>,
}

impl SkillCatalog {
    /// `skills` as discovered (names unique, highest precedence first).
    /// Skills whose name cannot be a skills-extension name are left out
    /// with a warning.
    pub fn new(skills: Vec<Skill>) -> SkillCatalog {
        let skills = skills
            .into_iter()
            .filter(|s| {
                let probe = Entry::new(
                    files::uri(&s.name, SKILL_MD),
                    SkillFrontmatter::new(s.name.clone(), s.description.clone()),
                    SkillResources::Dynamic,
                );
                match probe.validate() {
                    Ok(()) => true,
                    Err(e) => {
                        tracing::warn!(skill = %s.name, error = %e, "not served over MCP: the skills extension cannot name it");
                        false
                    }
                }
            })
            .collect();
        SkillCatalog { skills }
    }

    pub fn names(&self) -> Vec<&str> {
        self.skills.iter().map(|s| s.name.as_str()).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.skills.is_empty()
    }

    fn find(&self, name: &str) -> Option<&Skill> {
        self.skills.iter().find(|s| s.name == name)
    }

    /// The entry of one skill: frontmatter and the digest and size of
    /// every file, read now.
    pub fn entry(&self, skill: &Skill) -> Result<Entry, String> {
        let files = files::list(skill)?;
        let mut resources = Vec::with_capacity(files.len());
        let mut modes = std::collections::BTreeMap::new();
        let mut front = None;
        for f in &files {
            let bytes = std::fs::read(&f.path)
                .map_err(|e| format!("cannot read {}: {e}", f.path.display()))?;
            if f.rel == SKILL_MD {
                front = Some(frontmatter(&bytes, skill));
            }
            let uri = files::uri(&skill.name, &f.rel);
            modes.insert(uri.clone(), file_modes::of_file(&f.path));
            resources.push(SkillResource::from_bytes(uri, &bytes));
        }
        let Some(mut extra) = front else {
            if let Some(why) = crate::skills::folder::skill_file_link_out(skill) {
                return Err(format!("the skill '{}' is not served: {why}", skill.name));
            }
            return Err(format!(
                "the skill '{}' has no readable {}",
                skill.name,
                skill.file.display()
            ));
        };
        let mut fm = SkillFrontmatter::new(skill.name.clone(), skill.description.clone());
        if let Some(serde_json::Value::String(d)) = extra.remove("description") {
            fm.description = d;
        }
        extra.remove("name");
        fm.extra = extra;
        let entry = Entry::new(
            files::uri(&skill.name, SKILL_MD),
            fm,
            SkillResources::Files(resources),
        )
        .with_meta(file_modes::meta(modes));
        entry.validate().map_err(|e| e.to_string())?;
        Ok(entry)
    }

    /// `skills/list`: every skill that can be served, in one page.
    pub fn list(&self) -> ListSkillsResult {
        let mut skills = Vec::new();
        for s in &self.skills {
            match self.entry(s) {
                Ok(e) => skills.push(e),
                Err(e) => {
                    tracing::warn!(skill = %s.name, error = %e, "skill left out of skills/list")
                }
            }
        }
        let mut result = ListSkillsResult::with_all_items(skills);
        result.ttl_ms = Some(0);
        result.cache_scope = Some(CacheScope::Private);
        result
    }

    /// `skills/get`: the entry for the skill whose `SKILL.md` is `uri`.
    pub fn get(&self, uri: &str) -> Result<GetSkillResult, ErrorData> {
        let not_served = || {
            ErrorData::invalid_params(
                format!(
                    "No skill is served at {uri}; skills/list shows the skills this server has"
                ),
                None,
            )
        };
        let (name, rel) = files::parse_uri(uri).ok_or_else(not_served)?;
        if rel != SKILL_MD {
            return Err(not_served());
        }
        let skill = self.find(&name).ok_or_else(not_served)?;
        let entry = self
            .entry(skill)
            .map_err(|e| ErrorData::internal_error(e, None))?;
        Ok(GetSkillResult::new(entry)
            .with_ttl_ms(0)
            .with_cache_scope(CacheScope::Private))
    }

    /// `resources/list`: every file of every skill.
    pub fn resources(&self) -> Vec<Resource> {
        let mut out = Vec::new();
        for s in &self.skills {
            match files::list(s) {
                Ok(fs) => out.extend(fs.iter().map(|f| file_resource(s, f))),
                Err(e) => tracing::warn!(skill = %s.name, error = %e, "skill files not listed"),
            }
        }
        out
    }

    /// `resources/read` of a `skill://` URI: text when the file is UTF-8,
    /// else base64.
    pub fn read(&self, uri: &str) -> Result<ReadResourceResult, ErrorData> {
        let not_found = || {
            ErrorData::resource_not_found(
                format!("no skill file is served at {uri}; resources/list shows them"),
                None,
            )
        };
        let (name, rel) = files::parse_uri(uri).ok_or_else(not_found)?;
        let skill = self.find(&name).ok_or_else(not_found)?;
        let path = match files::resolve(skill, &rel) {
            Some(Target::File(p)) => p,
            Some(Target::Dir(_)) => {
                return Err(ErrorData::invalid_params(
                    format!("{uri} is a folder: read it with resources/directory/read"),
                    None,
                ));
            }
            None if rel == SKILL_MD => {
                return Err(match crate::skills::folder::skill_file_link_out(skill) {
                    Some(why) => {
                        ErrorData::resource_not_found(format!("{uri} is not served: {why}"), None)
                    }
                    None => not_found(),
                });
            }
            None => return Err(not_found()),
        };
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        if size > files::MAX_BYTES {
            return Err(ErrorData::invalid_params(
                format!(
                    "{uri} is {size} bytes, over the {} a skill may hold",
                    files::MAX_BYTES
                ),
                None,
            ));
        }
        let bytes = std::fs::read(&path).map_err(|e| {
            ErrorData::internal_error(format!("cannot read {}: {e}", path.display()), None)
        })?;
        let mime = mime_type(&rel, &bytes);
        let contents = match String::from_utf8(bytes) {
            Ok(text) => ResourceContents::text(text, uri),
            Err(e) => ResourceContents::blob(
                base64::engine::general_purpose::STANDARD.encode(e.into_bytes()),
                uri,
            ),
        };
        Ok(ReadResourceResult::new(vec![contents.with_mime_type(mime)]))
    }

    /// `resources/directory/read` of `skill://NAME` or a folder below it.
    pub fn read_dir(&self, uri: &str) -> Result<ListResourcesResult, ErrorData> {
        let not_dir = || {
            ErrorData::invalid_params(
                format!("{uri} is not a directory resource of a skill"),
                None,
            )
        };
        let (name, rel) = files::parse_uri(uri).ok_or_else(not_dir)?;
        let skill = self.find(&name).ok_or_else(not_dir)?;
        let dir = if rel.is_empty() {
            std::fs::canonicalize(&skill.dir).map_err(|_| not_dir())?
        } else {
            match files::resolve(skill, &rel) {
                Some(Target::Dir(d)) => d,
                _ => return Err(not_dir()),
            }
        };
        let children = files::read_dir(skill, &dir, &rel)
            .into_iter()
            .map(|(child, is_dir, size)| {
                let child_rel = if rel.is_empty() {
                    child.clone()
                } else {
                    format!("{rel}/{child}")
                };
                let uri = files::uri(&skill.name, &child_rel);
                if is_dir {
                    Resource::new(uri, child).with_mime_type(DIRECTORY_MIME_TYPE)
                } else {
                    let r = Resource::new(uri, child)
                        .with_mime_type(mime_type(&child_rel, &[]))
                        .with_size(size);
                    if child_rel == SKILL_MD {
                        r.with_description(skill.description.clone())
                    } else {
                        r
                    }
                }
            })
            .collect();
        Ok(ListResourcesResult::with_all_items(children))
    }
}

fn file_resource(skill: &Skill, f: &SkillFile) -> Resource {
    let uri = files::uri(&skill.name, &f.rel);
    if f.rel == SKILL_MD {
        return Resource::new(uri, skill.name.clone())
            .with_description(skill.description.clone())
            .with_mime_type("text/markdown")
            .with_size(f.size);
    }
    let name = f.rel.rsplit('/').next().unwrap_or(&f.rel).to_string();
    Resource::new(uri, name)
        .with_description(format!("{} of the skill {}", f.rel, skill.name))
        .with_mime_type(mime_type(&f.rel, &[]))
        .with_size(f.size)
}

/// The MIME type of a skill file by its extension; unknown extensions are
/// `text/plain` when `bytes` (possibly empty: not read) are UTF-8.
fn mime_type(rel: &str, bytes: &[u8]) -> &'static str {
    let ext = rel
        .rsplit('/')
        .next()
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "md" | "markdown" => "text/markdown",
        "txt" => "text/plain",
        "py" => "text/x-python",
        "sh" | "bash" => "text/x-shellscript",
        "js" | "mjs" => "text/javascript",
        "ts" => "text/typescript",
        "html" | "htm" => "text/html",
        "css" => "text/css",
        "csv" => "text/csv",
        "json" => "application/json",
        "yaml" | "yml" => "application/yaml",
        "toml" => "application/toml",
        "xml" => "application/xml",
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "zip" => "application/zip",
        _ if std::str::from_utf8(bytes).is_ok() => "text/plain",
        _ => "application/octet-stream",
    }
}
