//! What Claude Code's settings change of quire's own settings:
//! `permissions.defaultMode` mapped to the sandbox and approval policy,
//! the user's own `env` added to what the model's commands get
//! (`shell_environment.set`; a repository's `env` reaches only sandboxed
//! commands: `Config::shell_env`), `permissions.additionalDirectories`
//! added to `writable_roots` (`super::claude_dirs`). The environment and
//! `-c` (the flags) still win; quire's own config files win over a mode
//! that widens.

use toml::Table;

use super::Config;
use super::claude_settings::{ClaudeSettings, Mode};
use crate::tools::approval::ApprovalPolicy;
use crate::tools::sandbox::SandboxMode;

/// Applies `claude`'s mode and env to `config`. `files`: the merged
/// config files (a key they set is not widened); `later`: the keys the
/// environment and `-c` set (never changed here).
pub fn apply(
    config: &mut Config,
    claude: &ClaudeSettings,
    files: &Table,
    later: &[String],
    warnings: &mut Vec<String>,
) {
    let (mode, notes) = claude.default_mode();
    warnings.extend(notes);
    let free = |key: &str| !later.iter().any(|k| k == key);
    let unset = |key: &str| free(key) && !files.contains_key(key);
    if let Some((mode, path)) = mode {
        let at = path.display();
        match mode {
            // A restriction: over quire's files too.
            Mode::Plan if free("sandbox") => {
                if config.sandbox != SandboxMode::ReadOnly {
                    tracing::info!("defaultMode plan in {at}: read-only sandbox");
                }
                config.sandbox = SandboxMode::ReadOnly;
            }
            Mode::AcceptEdits if unset("approval") => {
                if config.approval == ApprovalPolicy::Untrusted {
                    config.approval = ApprovalPolicy::OnRequest;
                }
            }
            Mode::DontAsk if unset("approval") => config.approval = ApprovalPolicy::Never,
            Mode::Bypass if unset("approval") && unset("sandbox") => {
                config.approval = ApprovalPolicy::Never;
                config.sandbox = SandboxMode::DangerFullAccess;
            }
            _ => warnings.push(format!(
                "{at}: `permissions.defaultMode` is not used: your quire settings (config.toml, QUIRE_* or a flag) choose the sandbox and approvals"
            )),
        }
    }
    // What is not used of the repository's `env`, said once.
    warnings.extend(claude.repository_env().1);
    let (dirs, notes) = super::claude_dirs::writable(claude);
    warnings.extend(notes);
    for dir in dirs {
        if !config.writable_roots.contains(&dir) {
            config.writable_roots.push(dir);
        }
    }
    for (k, v) in claude.user_env() {
        // quire's own `[shell_environment] set` wins.
        config.shell_environment.set.entry(k).or_insert(v);
    }
}
