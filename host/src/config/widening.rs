//! The settings of a repository's `.quire/config.toml` that widen what
//! runs or what is exposed, one line each for `quire trust` and the trust
//! question ([`super::trust_review`]): the sandbox, approvals, the
//! network, Unix sockets and more writable folders (`writable_roots`); what commands get of the user's environment
//! (`[shell_environment]`: secrets kept, variables set — `BASH_ENV`,
//! `LD_PRELOAD`, `PATH` named for what they do); the program `notify`
//! runs after every turn; folders plugins and
//! skills are loaded from; Claude Code's hooks; where embeddings requests
//! (the user's messages) go. Text from the file is shown escaped.

use toml::{Table, Value};

fn q(text: &str) -> std::borrow::Cow<'_, str> {
    crate::printable::shown_command(text)
}

/// The lines for `table`, the repository's config, appended to `out`.
pub fn lines(table: &Table, out: &mut Vec<String>) {
    let word = |key: &str| table.get(key).and_then(Value::as_str);
    match word("approval") {
        Some("never") => out.push("approval = \"never\": commands run without asking".into()),
        Some("on-request") => out.push(
            "approval = \"on-request\": asks only before a command leaves the sandbox".into(),
        ),
        _ => {}
    }
    match word("sandbox") {
        Some("danger-full-access") => {
            out.push("sandbox = \"danger-full-access\": no sandbox at all".into())
        }
        Some("workspace-write") => {
            out.push("sandbox = \"workspace-write\": commands may write the workspace".into())
        }
        _ => {}
    }
    if table.get("network").and_then(Value::as_bool) == Some(true) {
        out.push("network = true: commands may use the network".into());
    }
    if table.get("unix_sockets").and_then(Value::as_bool) == Some(true) {
        out.push(
            "unix_sockets = true: commands may connect to Unix sockets, such as Docker's and ssh-agent's, which act outside the sandbox"
                .into(),
        );
    }
    // A folder loading refuses is said as refused, not as one more place
    // commands may write: with it the settings do not load at all.
    let (refused, roots): (Vec<_>, Vec<_>) = strings(table.get("writable_roots"))
        .into_iter()
        .map(|r| {
            (
                super::ranges::writable_root_refused(std::path::Path::new(&r)),
                r,
            )
        })
        .partition(|(why, _)| why.is_some());
    let roots: Vec<String> = roots.into_iter().map(|(_, r)| r).collect();
    if !roots.is_empty() {
        out.push(format!(
            "writable_roots = [{}]: commands may write there too",
            listed(&roots)
        ));
    }
    for why in refused.into_iter().filter_map(|(why, _)| why) {
        out.push(format!("{} (quire will refuse it)", q(&why)));
    }
    let notify = strings(table.get("notify"));
    if !notify.is_empty() {
        out.push(format!(
            "notify = [{}]: runs that program, outside the sandbox, after every turn",
            listed(&notify)
        ));
    }
    if let Some(env) = table.get("shell_environment").and_then(Value::as_table) {
        shell_environment(env, out);
    }
    for (section, what) in [
        ("plugins", "WASM plugins (tools) are loaded from there"),
        (
            "skills",
            "skills (instructions for the model) are read from there",
        ),
    ] {
        let paths = strings(table.get(section).and_then(|t| t.get("paths")));
        if !paths.is_empty() {
            out.push(format!("{section}.paths = [{}]: {what}", listed(&paths)));
        }
    }
    if table
        .get("hooks")
        .and_then(|h| h.get("claude_compat"))
        .and_then(Value::as_bool)
        == Some(true)
    {
        out.push(
            "hooks.claude_compat = true: the hooks of Claude Code's settings.json files run too"
                .into(),
        );
    }
    let selection = |k: &str| {
        table
            .get("selection")
            .and_then(|s| s.get(k))
            .and_then(Value::as_str)
    };
    if let Some(url) = selection("embeddings_url") {
        out.push(format!(
            "selection.embeddings_url = \"{}\": your messages are sent there (for embeddings)",
            q(&super::shown_url::shown_url(url))
        ));
    }
    if let Some(var) = selection("embeddings_key_env").map(q) {
        out.push(format!(
            "selection.embeddings_key_env = \"{var}\": the key sent there is read from ${var}"
        ));
    }
}

/// `[shell_environment]`: what the commands the model runs get.
fn shell_environment(env: &Table, out: &mut Vec<String>) {
    if env.get("inherit").and_then(Value::as_str) == Some("all") {
        out.push("shell_environment.inherit = \"all\": commands get your whole environment".into());
    }
    if env.get("ignore_default_excludes").and_then(Value::as_bool) == Some(true) {
        out.push(
            "shell_environment.ignore_default_excludes = true: commands get your secrets, the variables named *KEY*, *SECRET*, *TOKEN* (GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY…)"
                .into(),
        );
    }
    for key in ["exclude", "include_only"] {
        if let Some(v) = env.get(key) {
            out.push(format!(
                "shell_environment.{key} = [{}]: replaces your own `{key}` list",
                listed(&strings(Some(v)))
            ));
        }
    }
    for (name, value) in env
        .get("set")
        .and_then(Value::as_table)
        .into_iter()
        .flatten()
    {
        let value = value.as_str().map(q).unwrap_or_default();
        out.push(format!(
            "shell_environment.set.{} = \"{value}\": {}",
            q(name),
            set_note(name)
        ));
    }
}

const PLAIN: &str = "every command runs with it";

/// What setting the variable `name` for every command does.
fn set_note(name: &str) -> &'static str {
    match name {
        "BASH_ENV" | "ENV" => "a shell runs that file before every command",
        "LD_PRELOAD"
        | "LD_LIBRARY_PATH"
        | "LD_AUDIT"
        | "DYLD_INSERT_LIBRARIES"
        | "DYLD_LIBRARY_PATH" => "every program loads the libraries it names",
        "PATH" => "commands are looked up there",
        "PYTHONPATH" | "PYTHONSTARTUP" | "PYTHONHOME" | "NODE_PATH" | "NODE_OPTIONS"
        | "PERL5LIB" | "PERL5OPT" | "RUBYOPT" | "RUBYLIB" => {
            "interpreters load code from what it names"
        }
        "HOME" | "XDG_CONFIG_HOME" | "XDG_DATA_HOME" | "PYTHONUSERBASE" => {
            "programs read their settings and user packages from there"
        }
        "PYTHONPYCACHEPREFIX"
        | "CLASSPATH"
        | "JAVA_TOOL_OPTIONS"
        | "_JAVA_OPTIONS"
        | "JDK_JAVA_OPTIONS"
        | "GEM_HOME"
        | "GEM_PATH"
        | "LUA_PATH"
        | "LUA_INIT" => "interpreters load code from what it names",
        n if n.starts_with("GIT_") => "git takes settings or programs from it",
        _ => PLAIN,
    }
}

/// What setting `name` changes of which programs run or what they load
/// (`PATH`, `LD_PRELOAD`, `BASH_ENV`, `PYTHONPATH`, `GIT_*`…); `None`
/// for a plain variable.
pub(crate) fn loader_note(name: &str) -> Option<&'static str> {
    let note = set_note(name);
    (note != PLAIN).then_some(note)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect()
}

fn listed(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("\"{}\"", q(s)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_that_expose_secrets_or_load_code_are_each_a_line() {
        let table: Table = r#"
sandbox = "workspace-write"
writable_roots = ["/srv/data"]
notify = ["python3", "notify.py"]
unix_sockets = true
[shell_environment]
inherit = "all"
ignore_default_excludes = true
exclude = []
set = { BASH_ENV = "/r/.bashenv", LD_PRELOAD = "/r/x.so", FOO = "1" }
[plugins]
paths = ["../../"]
[hooks]
claude_compat = true
"#
        .parse()
        .unwrap();
        let mut out = Vec::new();
        lines(&table, &mut out);
        let want = [
            "sandbox = \"workspace-write\": commands may write the workspace",
            "writable_roots = [\"/srv/data\"]: commands may write there too",
            "notify = [\"python3\", \"notify.py\"]: runs that program, outside the sandbox, after every turn",
            "unix_sockets = true: commands may connect to Unix sockets, such as Docker's and ssh-agent's, which act outside the sandbox",
            "shell_environment.inherit = \"all\": commands get your whole environment",
            "shell_environment.exclude = []: replaces your own `exclude` list",
            "shell_environment.set.BASH_ENV = \"/r/.bashenv\": a shell runs that file before every command",
            "shell_environment.set.FOO = \"1\": every command runs with it",
            "shell_environment.set.LD_PRELOAD = \"/r/x.so\": every program loads the libraries it names",
            "plugins.paths = [\"../../\"]: WASM plugins (tools) are loaded from there",
            "hooks.claude_compat = true: the hooks of Claude Code's settings.json files run too",
        ];
        for w in want {
            assert!(out.iter().any(|l| l == w), "{w}\n{out:#?}");
        }
        assert!(
            out.iter().any(|l| l.starts_with(
                "shell_environment.ignore_default_excludes = true: commands get your secrets"
            ) && l.contains("GITHUB_TOKEN")),
            "{out:#?}"
        );
        // A folder loading refuses is not listed as writable.
        let mut refused = Vec::new();
        let table = "writable_roots = [\"/srv/data\", \"/\", \"rel\"]"
            .parse()
            .unwrap();
        lines(&table, &mut refused);
        assert_eq!(refused.len(), 3, "{refused:#?}");
        assert_eq!(
            refused[0],
            "writable_roots = [\"/srv/data\"]: commands may write there too"
        );
        assert!(
            refused[1].starts_with("writable_roots: \"/\" holds your home folder")
                && refused[1].ends_with("write (quire will refuse it)"),
            "{refused:#?}"
        );
        assert!(
            refused[2].contains("\"rel\" must be an absolute path"),
            "{refused:#?}"
        );
        let mut none = Vec::new();
        lines(
            &"sandbox = \"read-only\"\napproval = \"untrusted\"\n"
                .parse()
                .unwrap(),
            &mut none,
        );
        assert!(none.is_empty(), "{none:?}");
    }
}
