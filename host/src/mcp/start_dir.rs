//! Where the user's own stdio servers start in a workspace that is not
//! trusted.
//!
//! A server started in the repository runs what the repository puts
//! there: `npx -y @scope/server` takes `node_modules/@scope/server` of the
//! folder it starts in (npm looks for `node_modules` from there upward),
//! `python3 -m pkg` imports `pkg/` from it, `node -e "require('x')"`
//! resolves from it. A repository the user has not trusted must not run
//! anything this way, so there a server of the user's config.toml without
//! a `cwd` of its own starts in `$QUIRE_HOME/mcp-cwd` instead: a folder no
//! repository can write (the sandbox keeps `$QUIRE_HOME` read-only, see
//! `config::protected`), holding only an empty `node_modules`, so npm's
//! search for a project stops there rather than climbing on to `$HOME`.
//! `$HOME` itself is no such folder: it may hold the user's own
//! `node_modules` or Python files, and a session started in `$HOME` may
//! write it.
//!
//! In a trusted repository servers start in the repository, as before;
//! a server whose `cwd` is set starts there in every workspace. quire
//! sends no MCP roots: a server that works on the project is given it by
//! its arguments (or a `cwd`). The environment is the user's own: quire
//! adds nothing that points into the repository (no `PYTHONPATH` or
//! `NODE_PATH`), and relative entries of the user's variables now resolve
//! in the empty folder.

use std::path::{Path, PathBuf};

use super::config::McpServers;
use super::spec::{ServerSpec, Source, Transport};

/// The folder's name under `$QUIRE_HOME`.
const FOLDER: &str = "mcp-cwd";

/// The folder servers of the user start in outside a trusted repository,
/// made when missing. `/` when it cannot be made (no repository writes
/// there either).
pub fn untrusted_cwd(home: &Path) -> PathBuf {
    let dir = home.join(FOLDER);
    match std::fs::create_dir_all(dir.join("node_modules")) {
        Ok(()) => dir,
        Err(e) => {
            tracing::warn!(
                "cannot make {}: {e}; MCP servers start in / instead",
                dir.display()
            );
            PathBuf::from("/")
        }
    }
}

/// Moves the user's stdio servers (`[mcp_servers]` without a `cwd`) out
/// of the workspace into [`untrusted_cwd`]. Only for a workspace that is
/// not trusted: there every `[mcp_servers]` entry is the user's own.
pub fn move_out(specs: &mut [ServerSpec], servers: &McpServers, home: &Path) {
    let mut dir = None;
    for spec in specs {
        let own_cwd = servers.0.get(&spec.name).is_some_and(|c| c.cwd.is_some());
        if spec.source != Source::Config || spec.plugin.is_some() || own_cwd {
            continue;
        }
        if let Transport::Stdio { cwd, .. } = &mut spec.transport {
            *cwd = dir.get_or_insert_with(|| untrusted_cwd(home)).clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mcp::McpServerConfig;

    #[test]
    fn only_the_users_servers_without_a_cwd_move() {
        let home = tempfile::tempdir().unwrap();
        let ws = Path::new("/repo");
        let mut servers = McpServers::default();
        let plain = McpServerConfig::stdio("npx", vec!["-y".into(), "srv".into()]);
        let mut placed = plain.clone();
        placed.cwd = Some("tools".into());
        servers.0.insert("plain".into(), plain.clone());
        servers.0.insert("placed".into(), placed.clone());
        let mut specs = vec![
            ServerSpec::new("plain", Source::Config, &plain, ws),
            ServerSpec::new("placed", Source::Config, &placed, ws),
            ServerSpec::new(
                "web",
                Source::Config,
                &McpServerConfig::http("http://h"),
                ws,
            ),
        ];
        move_out(&mut specs, &servers, home.path());
        let cwd = |s: &ServerSpec| match &s.transport {
            Transport::Stdio { cwd, .. } => Some(cwd.clone()),
            Transport::Http { .. } => None,
        };
        let dir = home.path().join(FOLDER);
        assert_eq!(cwd(&specs[0]), Some(dir.clone()));
        assert_eq!(cwd(&specs[1]), Some(ws.join("tools")));
        assert_eq!(cwd(&specs[2]), None);
        // npm's search for a project stops in it.
        assert!(dir.join("node_modules").is_dir());
    }
}
