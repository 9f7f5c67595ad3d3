//! The environment of the commands the model runs (the `shell` tool, a
//! custom command's `` !`cmd` `` lines): `[shell_environment]`, named and
//! built as Codex CLI's `shell_environment_policy`.
//!
//! 1. Start from quire's environment (`inherit = "all"`), a few core
//!    variables (`"core"`) or nothing (`"none"`).
//! 2. Unless `ignore_default_excludes`, drop every variable whose name
//!    matches `*KEY*`, `*SECRET*` or `*TOKEN*` (case-insensitive).
//! 3. Drop the variables holding the providers' API keys (`api_key_env`)
//!    and those that point at the user's terminal, multiplexer or desktop
//!    session ([`SESSION_CONTROL`]: `TMUX`, `STY`, …), always, and those
//!    matching `exclude`.
//! 4. Add what the session's SessionStart hooks left in their
//!    `CLAUDE_ENV_FILE` ([`ShellEnvironment::hook_set`]), then `set`; in
//!    the sandbox only, then a repository's Claude Code `env`
//!    ([`ShellEnvironment::sandboxed_set`]) where `set` is silent.
//! 5. When `include_only` is not empty, keep only the variables matching it.
//!
//! Hooks and MCP servers are not under this policy: the user configures
//! them and they may need their tokens; commands the model writes are run
//! with what the model may see.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};

use serde::{Deserialize, Serialize};

/// The default exclusions (Codex's).
const DEFAULT_EXCLUDES: &[&str] = &["*KEY*", "*SECRET*", "*TOKEN*"];

/// Variables that name a way to drive the user's terminal, multiplexer,
/// editor or desktop session: with `TMUX`, `tmux send-keys y` types into
/// quire's own approval prompt; kitty's, wezterm's, zellij's, Konsole's
/// remote control, a parent Neovim's or VS Code's socket, a window
/// manager's IPC (`swaymsg exec`) likewise. A command the model writes
/// gets none of them (`set` may give one back). The sockets themselves
/// stay where they are: see the README, "Sandbox".
const SESSION_CONTROL: &[&str] = &[
    "TMUX",
    "TMUX_PANE",
    "STY",
    "WINDOW",
    "KITTY_*",
    "WEZTERM_*",
    "ZELLIJ*",
    "KONSOLE_DBUS_*",
    "TERMINATOR_DBUS_*",
    "GNOME_TERMINAL_*",
    "TILIX_ID",
    "ALACRITTY_SOCKET",
    "NVIM",
    "NVIM_LISTEN_ADDRESS",
    "VSCODE_IPC_HOOK*",
    "I3SOCK",
    "SWAYSOCK",
    "NIRI_SOCKET",
    "HYPRLAND_INSTANCE_SIGNATURE",
];

/// What `inherit = "core"` keeps.
const CORE_VARS: &[&str] = &[
    "HOME", "LOGNAME", "PATH", "SHELL", "USER", "USERNAME", "TMPDIR", "TEMP", "TMP", "LANG",
    "LC_ALL", "LC_CTYPE", "TERM", "TZ",
];

/// Where the environment starts from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Inherit {
    /// quire's whole environment.
    #[default]
    All,
    /// Only HOME, PATH, USER, SHELL, the temp and locale variables.
    Core,
    /// Nothing (only `set`).
    None,
}

/// `[shell_environment]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShellEnvironmentConfig {
    pub inherit: Inherit,
    /// Keep variables named like `*KEY*`, `*SECRET*`, `*TOKEN*`.
    pub ignore_default_excludes: bool,
    /// More names to drop (`*` and `?` wildcards, case-insensitive).
    pub exclude: Vec<String>,
    /// Variables set for every command.
    pub set: BTreeMap<String, String>,
    /// When not empty, only names matching one of these are kept.
    pub include_only: Vec<String>,
}

/// The policy of a session: the config plus the names that are always
/// dropped (the providers' `api_key_env`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShellEnvironment {
    pub config: ShellEnvironmentConfig,
    pub always_excluded: Vec<String>,
    /// Variables set only for commands run in the sandbox: a repository's
    /// Claude Code `env` (`config::claude_settings`), which a sandboxed
    /// command may have written; never for a command run outside it (an
    /// escalated one, the user's own `!COMMAND`).
    pub sandboxed_set: BTreeMap<String, String>,
    /// Variables SessionStart hooks set for the session (their
    /// `CLAUDE_ENV_FILE`, `hooks::env_file`): for every command, under
    /// `set`.
    pub hook_set: BTreeMap<String, String>,
}

/// What every command gets, as it has no terminal: an editor that exits
/// at once (`git commit` without `-m` then stops with git's "Aborting
/// commit due to empty commit message", `git rebase --continue` keeps the
/// message), and git never asks for a password.
const NO_TERMINAL: &[(&str, &str)] = &[
    ("GIT_EDITOR", "true"),
    ("GIT_SEQUENCE_EDITOR", "true"),
    ("EDITOR", "true"),
    ("VISUAL", "true"),
    ("GIT_TERMINAL_PROMPT", "0"),
];

impl ShellEnvironment {
    pub fn new(config: ShellEnvironmentConfig, always_excluded: Vec<String>) -> Self {
        ShellEnvironment {
            config,
            always_excluded,
            sandboxed_set: BTreeMap::new(),
            hook_set: BTreeMap::new(),
        }
    }

    /// With the variables the session's hooks set ([`Self::hook_set`]).
    pub fn with_hook_set(mut self, set: BTreeMap<String, String>) -> Self {
        self.hook_set = set;
        self
    }

    /// With `set` given to sandboxed commands only ([`Self::sandboxed_set`]).
    pub fn with_sandboxed_set(mut self, set: BTreeMap<String, String>) -> Self {
        self.sandboxed_set = set;
        self
    }

    /// The variables a command gets, built from quire's own environment;
    /// `sandboxed`: it runs in the sandbox.
    pub fn build(&self, sandboxed: bool) -> Vec<(OsString, OsString)> {
        self.build_from(std::env::vars_os(), sandboxed)
    }

    /// The variables a command gets, built from `vars`.
    pub fn build_from(
        &self,
        vars: impl IntoIterator<Item = (OsString, OsString)>,
        sandboxed: bool,
    ) -> Vec<(OsString, OsString)> {
        let c = &self.config;
        let mut env: BTreeMap<OsString, OsString> = vars
            .into_iter()
            .filter(|(name, _)| match c.inherit {
                Inherit::All => true,
                Inherit::Core => CORE_VARS.iter().any(|v| OsStr::new(v) == name),
                Inherit::None => false,
            })
            .filter(|(name, _)| {
                let name = name.to_string_lossy();
                let default_out = !c.ignore_default_excludes
                    && DEFAULT_EXCLUDES.iter().any(|p| matches(p, &name));
                let always_out = self.always_excluded.iter().any(|v| *v == name)
                    || SESSION_CONTROL.iter().any(|p| matches(p, &name));
                let user_out = c.exclude.iter().any(|p| matches(p, &name));
                !(default_out || always_out || user_out)
            })
            .collect();
        for (k, v) in &self.hook_set {
            env.insert(k.into(), v.into());
        }
        for (k, v) in &c.set {
            env.insert(k.into(), v.into());
        }
        if sandboxed {
            for (k, v) in &self.sandboxed_set {
                if !c.set.contains_key(k) {
                    env.insert(k.into(), v.into());
                }
            }
        }
        if !c.include_only.is_empty() {
            env.retain(|name, _| {
                let name = name.to_string_lossy();
                c.include_only.iter().any(|p| matches(p, &name))
            });
        }
        // No terminal: an editor or a credential prompt could only wait
        // for the whole timeout. These replace the user's own (an inherited
        // `EDITOR=vim` would hang the same way); only `set` overrides them.
        for (k, v) in NO_TERMINAL {
            if !c.set.contains_key(*k) && !self.hook_set.contains_key(*k) {
                env.insert(k.into(), v.into());
            }
        }
        env.into_iter().collect()
    }

    /// Sets `cmd`'s environment to [`Self::build`]'s.
    pub fn apply(&self, cmd: &mut tokio::process::Command, sandboxed: bool) {
        cmd.env_clear().envs(self.build(sandboxed));
    }
}

/// Whether `name` matches the wildcard `pattern` (`*` any run, `?` one
/// character), ignoring ASCII case.
pub fn matches(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().map(|c| c.to_ascii_uppercase()).collect();
    let n: Vec<char> = name.chars().map(|c| c.to_ascii_uppercase()).collect();
    // Iterative glob with one backtrack point.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some(c) if *c == '?' || *c == n[ni] => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(OsString, OsString)> {
        pairs.iter().map(|(k, v)| (k.into(), v.into())).collect()
    }

    /// The names, without the no-terminal ones every command gets.
    fn names(env: &[(OsString, OsString)]) -> Vec<String> {
        env.iter()
            .filter(|(k, _)| !NO_TERMINAL.iter().any(|(n, _)| OsStr::new(n) == k))
            .map(|(k, _)| k.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn wildcards_ignore_case() {
        assert!(matches("*KEY*", "openai_api_key"));
        assert!(matches("*TOKEN*", "GITHUB_TOKEN"));
        assert!(matches("A?C", "abc"));
        assert!(!matches("*SECRET*", "PATH"));
        assert!(matches("*", ""));
        assert!(!matches("AB", "ABC"));
    }

    #[test]
    fn default_drops_secret_names_and_provider_keys() {
        let env = ShellEnvironment::new(Default::default(), vec!["MY_LLM".into()]);
        let got = env.build_from(
            vars(&[
                ("PATH", "/bin"),
                ("OPENAI_API_KEY", "x"),
                ("GITHUB_TOKEN", "x"),
                ("Db_Secret", "x"),
                ("MY_LLM", "x"),
                ("PAGER", "less"),
            ]),
            true,
        );
        assert_eq!(names(&got), ["PAGER", "PATH"]);
    }

    #[test]
    fn editors_exit_at_once_unless_set_says_otherwise() {
        let config = ShellEnvironmentConfig {
            set: [("VISUAL".to_string(), "mine".to_string())].into(),
            ..Default::default()
        };
        let env = ShellEnvironment::new(config, Vec::new());
        let got = env.build_from(vars(&[("EDITOR", "vi"), ("GIT_EDITOR", "vim")]), true);
        let value = |name: &str| {
            got.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.to_string_lossy().into_owned())
        };
        assert_eq!(value("EDITOR").as_deref(), Some("true"));
        assert_eq!(value("GIT_EDITOR").as_deref(), Some("true"));
        assert_eq!(value("GIT_SEQUENCE_EDITOR").as_deref(), Some("true"));
        assert_eq!(value("GIT_TERMINAL_PROMPT").as_deref(), Some("0"));
        assert_eq!(value("VISUAL").as_deref(), Some("mine"));
    }

    #[test]
    fn what_drives_the_users_terminal_is_never_passed_on() {
        let config = ShellEnvironmentConfig {
            ignore_default_excludes: true,
            set: [("STY".to_string(), "mine".to_string())].into(),
            ..Default::default()
        };
        let env = ShellEnvironment::new(config, Vec::new());
        let got = env.build_from(
            vars(&[
                ("TMUX", "/tmp/tmux-1000/default,42,0"),
                ("TMUX_PANE", "%0"),
                ("KITTY_LISTEN_ON", "unix:/tmp/kitty"),
                ("WEZTERM_UNIX_SOCKET", "/run/user/1000/wezterm/sock"),
                ("ZELLIJ_SESSION_NAME", "z"),
                ("NVIM", "/run/user/1000/nvim.1.0"),
                ("SWAYSOCK", "/run/user/1000/sway-ipc.sock"),
                ("TERM", "xterm"),
                ("PATH", "/bin"),
            ]),
            true,
        );
        // Only what the user's own `set` names comes back.
        assert_eq!(names(&got), ["PATH", "STY", "TERM"]);
    }

    #[test]
    fn config_keys_follow_codex_order() {
        let config = ShellEnvironmentConfig {
            inherit: Inherit::Core,
            ignore_default_excludes: true,
            exclude: vec!["HOME".into()],
            set: [("CI".to_string(), "1".to_string())].into(),
            include_only: vec!["CI".into(), "PATH".into(), "*TOKEN*".into()],
        };
        let env = ShellEnvironment::new(config, vec!["PROVIDER_TOKEN".into()]);
        let got = env.build_from(
            vars(&[
                ("PATH", "/bin"),
                ("HOME", "/h"),
                ("USER", "u"),
                ("EDITOR", "vi"),
                ("PROVIDER_TOKEN", "x"),
            ]),
            true,
        );
        assert_eq!(names(&got), ["CI", "PATH"]);
    }

    #[test]
    fn a_sandboxed_set_reaches_only_sandboxed_commands_and_set_wins() {
        let config = ShellEnvironmentConfig {
            set: [("CI".to_string(), "mine".to_string())].into(),
            ..Default::default()
        };
        let repo: BTreeMap<String, String> = [("CI", "repo"), ("PYTHONUSERBASE", "/w/ub")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .into();
        let env = ShellEnvironment::new(config, vec![]).with_sandboxed_set(repo);
        let inside = env.build_from(vars(&[("PATH", "/bin")]), true);
        let outside = env.build_from(vars(&[("PATH", "/bin")]), false);
        assert_eq!(names(&inside), ["CI", "PATH", "PYTHONUSERBASE"]);
        assert_eq!(names(&outside), ["CI", "PATH"]);
        let ci =
            |e: &[(OsString, OsString)]| e.iter().find(|(k, _)| k == "CI").map(|(_, v)| v.clone());
        assert_eq!(ci(&inside), Some("mine".into()));
    }
}
