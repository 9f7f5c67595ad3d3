//! The sandbox and approval lines of the system prompt's environment
//! block stay as the session began (the system prompt is the cached
//! start of every request); a change while it runs (`/approvals`, a
//! resumed session run with other `--sandbox` / `--approval`) is said in
//! a `settings` note right after the next message.

use super::Session;
use super::prompt::Environment;
use crate::config::Config;
use crate::model::Item;
use crate::store::SessionMeta;
use crate::tools::{ApprovalPolicy, SandboxMode};

/// The `source` of the note saying the settings changed.
pub const SETTINGS_SOURCE: &str = "settings";

const HEADER: &str =
    "The session's settings changed; these lines replace those of the <environment> block:";

/// What the environment block says of the sandbox and approval.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct PromptSettings {
    sandbox: SandboxMode,
    network: bool,
    unix_sockets: bool,
    writable_roots: Vec<std::path::PathBuf>,
    approval: ApprovalPolicy,
}

impl PromptSettings {
    /// As the config says now.
    pub(crate) fn of(config: &Config) -> PromptSettings {
        PromptSettings {
            sandbox: config.sandbox,
            network: config.network,
            unix_sockets: config.unix_sockets,
            writable_roots: match config.sandbox {
                SandboxMode::WorkspaceWrite => config.writable_roots.clone(),
                _ => Vec::new(),
            },
            approval: config.approval,
        }
    }

    /// As a session began, by its file's header (the config's where the
    /// header recorded nothing, or differs only in what it cannot say).
    pub(crate) fn recorded(config: &Config, meta: &SessionMeta) -> PromptSettings {
        let mut s = PromptSettings::of(config);
        fn parse<T: serde::de::DeserializeOwned>(v: &Option<String>) -> Option<T> {
            let v = serde_json::Value::String(v.clone()?);
            serde_json::from_value(v).ok()
        }
        if let Some(sandbox) = parse(&meta.sandbox) {
            s.sandbox = sandbox;
            if sandbox != config.sandbox {
                s.writable_roots.clear();
            }
        }
        if let Some(approval) = parse(&meta.approval) {
            s.approval = approval;
        }
        s
    }

    /// `env` with these settings.
    pub(crate) fn apply(&self, env: &mut Environment) {
        env.sandbox = self.sandbox;
        env.network = self.network;
        env.unix_sockets = self.unix_sockets;
        env.writable_roots = self.writable_roots.clone();
        env.approval = self.approval;
    }

    fn lines(&self) -> String {
        let mut env = Environment::default();
        self.apply(&mut env);
        env.settings()
    }
}

impl Session {
    /// After a message: the settings as they are now, when they differ
    /// from what the model was told last (the system prompt, or the last
    /// note).
    pub(crate) fn note_settings_change(&mut self) {
        let now = PromptSettings::of(&self.config).lines();
        let told = match Item::last_context(&self.history, SETTINGS_SOURCE) {
            Some(note) => note
                .split_once('\n')
                .map(|(_, lines)| lines.to_string())
                .unwrap_or_default(),
            None => self.prompt_settings.lines(),
        };
        if now != told {
            self.record(Item::Context {
                source: SETTINGS_SOURCE.to_string(),
                text: format!("{HEADER}\n{now}"),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_without_settings_takes_the_configs() {
        let config = Config::default();
        let meta = SessionMeta {
            id: "x".into(),
            created: String::new(),
            cwd: String::new(),
            provider: String::new(),
            model: String::new(),
            parent: None,
            agent_name: None,
            spawn: None,
            sandbox: Some("read-only".into()),
            approval: Some("nonsense".into()),
        };
        let s = PromptSettings::recorded(&config, &meta);
        assert_eq!(s.sandbox, SandboxMode::ReadOnly);
        assert_eq!(s.approval, config.approval);
    }
}
