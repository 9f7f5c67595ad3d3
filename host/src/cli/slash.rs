//! Custom slash commands in the three front ends (`quire exec "/name
//! args"`, the line REPL, the terminal view): loaded once per process,
//! expanded just before the message is sent, with the command's `model`
//! used for that one task.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::SystemTime;

use quire::agent::Session;
use quire::commands::{self, CommandRoots, ExpandContext, SlashCommand};
use quire::config::Config;
use tokio_util::sync::CancellationToken;

use crate::session_view::skills::UserSkill;

/// The commands of this process.
pub struct Slash {
    pub commands: Vec<SlashCommand>,
    /// Each command file's modification time when it was read, by path.
    read_at: HashMap<PathBuf, Option<SystemTime>>,
    network: bool,
    unix_sockets: bool,
    writable_roots: Vec<PathBuf>,
    shell_env: quire::tools::shell::ShellEnvironment,
    /// Where the skills a user may call as `/name args` are found.
    skills: Option<quire::skills::DiscoverOptions>,
}

static LOADED: OnceLock<Slash> = OnceLock::new();

/// Every command folder of a session in `cwd` (also plugins' folders).
pub fn roots(config: &Config, home: &Path, cwd: &Path) -> CommandRoots {
    let mut roots = CommandRoots::standard(cwd, config.project_trusted, home);
    roots.plugins = quire::plugins::bundle::command_folders(config, home, cwd);
    roots
}

/// Reads the commands (once per process) and returns them.
pub fn init(config: &Config, home: &Path, cwd: &Path) -> &'static Slash {
    LOADED.get_or_init(|| {
        let found = commands::discover(&roots(config, home, cwd));
        for p in &found.problems {
            tracing::warn!("commands: {p}");
        }
        let read_at = found
            .commands
            .iter()
            .map(|c| (c.path.clone(), modified(&c.path)))
            .collect();
        Slash {
            read_at,
            commands: found.commands,
            network: config.network,
            unix_sockets: config.unix_sockets,
            writable_roots: config.writable_roots.clone(),
            shell_env: config.shell_env(),
            skills: super::slash_skill::options(config, home, cwd),
        }
    })
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// A warning when the file of `cmd` changed (or went) since it was read
/// at the start: commands are read once per process, so the version run
/// is the one read then.
fn changed_note(slash: &Slash, cmd: &SlashCommand) -> Option<String> {
    let then = slash.read_at.get(&cmd.path)?;
    let now = modified(&cmd.path);
    (now != *then).then(|| {
        format!(
            "/{} ({}) changed since the session started; this runs the version read then — restart quire to reload it",
            cmd.name,
            cmd.path.display()
        )
    })
}

/// The loaded commands, once [`init`] ran.
pub fn loaded() -> Option<&'static Slash> {
    LOADED.get()
}

/// Whether `/name` is a custom command.
/// Whether a typed `text` is a `/command`: it starts with `/` and its
/// first word has no other `/` (`/usr/bin/python3 crashes` is a message
/// about a path, never a command; a leading space makes any text one).
pub fn is_command(text: &str) -> bool {
    text.strip_prefix('/')
        .is_some_and(|rest| !rest.split_whitespace().next().unwrap_or("").contains('/'))
}

pub fn known(name: &str) -> bool {
    loaded().is_some_and(|s| commands::find(&s.commands, name).is_some())
}

/// The `/` menu entries of the custom commands starting with `typed`.
pub fn menu(typed: &str) -> Vec<(String, String)> {
    let Some(s) = loaded() else {
        return Vec::new();
    };
    menu_of(&s.commands, typed)
}

/// Whether `/name` is a built-in command of the interactive sessions
/// (the terminal view's list, `/exit` too): a custom command of that name
/// is shadowed there and runs only through `quire exec "/name"`.
pub fn builtin(name: &str) -> bool {
    let slashed = format!("/{name}");
    slashed == "/exit"
        || crate::tui::complete::COMMANDS
            .iter()
            .any(|(c, _)| *c == slashed)
}

/// The menu entries of `commands` starting with `typed`; a command named
/// like a built-in is left out (the built-in's entry is the one that runs).
fn menu_of(commands: &[SlashCommand], typed: &str) -> Vec<(String, String)> {
    commands
        .iter()
        .filter(|c| !builtin(&c.name))
        .map(|c| (format!("/{}", c.name), c))
        .filter(|(name, _)| name.starts_with(typed))
        .map(|(name, c)| {
            // From files of the repository: escape sequences go whole, as
            // in `quire commands list` (the terminal view's net,
            // `tui::term::drop_controls`, only drops the ESC and would
            // leave `[31m` on screen).
            let clean = quire::printable::one_line;
            let hint = c
                .argument_hint
                .as_deref()
                .map(|h| format!(" {}", clean(h)))
                .unwrap_or_default();
            let what = super::summary::clip(&clean(&c.description), 60);
            (clean(&name), format!("command{hint}: {what}"))
        })
        .collect()
}

/// The warning for `quire exec "/word …"` when `/word` is no custom
/// command and no skill the user may call (by name or handle, as the
/// message's mentions activate it): the text goes to the model as it is.
/// `None` for any other prompt, for a command or such a skill, and for a
/// path that exists (`/tmp is full`), as the terminal view sends such
/// text as a message. `skills` is asked only for a `/word` that is no
/// command.
pub fn exec_warning(
    prompt: &str,
    commands: &[SlashCommand],
    skills: impl FnOnce() -> Vec<UserSkill>,
) -> Option<String> {
    if !is_command(prompt) {
        return None;
    }
    let (name, _) = commands::split_invocation(prompt)?;
    if commands::find(commands, name).is_some() || Path::new(&format!("/{name}")).exists() {
        return None;
    }
    let skills = skills();
    if skills.iter().any(|s| s.call == name || s.name == name) {
        return None;
    }
    let name = quire::printable::one_line(name);
    Some(if builtin(&name) {
        format!(
            "/{name} is a command of interactive sessions, not of `quire exec`; the text is sent to the model as a message{}",
            if name == "review" {
                " (`quire review` reviews a change from a script)"
            } else {
                ""
            }
        )
    } else {
        let known = commands
            .iter()
            .map(|c| c.name.as_str())
            .chain(skills.iter().map(|s| s.call.as_str()));
        format!(
            "no command or skill /{name}{} (`quire commands list` and `quire skills list` show them); the text is sent to the model as a message (start it with a space to do so without this warning)",
            quire::suggest::did_you_mean(&name, known)
        )
    })
}

/// A command's message, ready to send.
pub struct Prepared {
    pub text: String,
    /// Where the files the command attached begin in `text` (its length
    /// when it attached none).
    pub files_at: usize,
    /// Whether `text` has its `@path` files attached already (a custom
    /// command's expansion attaches those its own text and arguments
    /// name, not those of its `!` lines' output): then they are not
    /// attached again.
    pub files_attached: bool,
    /// The model to go back to after the task, when the command chose one.
    pub previous_model: Option<String>,
}

/// Expands `line` when it calls a custom command (`None` otherwise),
/// switching the session to the command's model.
pub async fn prepare(
    line: &str,
    session: &mut Session,
    cancel: &CancellationToken,
) -> Result<Option<Prepared>, String> {
    let Some(slash) = loaded() else {
        return Ok(None);
    };
    let Some((name, args)) = commands::split_invocation(line) else {
        return Ok(None);
    };
    let Some(cmd) = commands::find(&slash.commands, name) else {
        // A skill called with arguments: its instructions filled in; the
        // line itself goes as the message, which activates it.
        let ctx = |s: &Session| context(slash, s, cancel);
        super::slash_skill::prepare(slash.skills.as_ref(), (name, args), session, ctx).await?;
        return Ok(None);
    };
    if let Some(note) = changed_note(slash, cmd) {
        session.warn(note);
    }
    // A misspelt key (`allowed_tools`) is said before the command runs,
    // so a refusal that follows from it is understood.
    for w in &cmd.warnings {
        session.warn(format!("/{} ({}): {w}", cmd.name, cmd.path.display()));
    }
    // Its `` !`…` `` lines get what SessionStart hooks set.
    session.run_start_hooks().await;
    let ctx = context(slash, session, cancel);
    let expanded = commands::expand(cmd, args, &ctx)
        .await
        .map_err(|e| e.to_string())?;
    for w in expanded.warnings {
        session.warn(w);
    }
    let previous_model = match expanded.model.as_deref() {
        Some(m) if m != session.model() => {
            let before = session.model().to_string();
            session.set_model(m);
            Some(before)
        }
        _ => None,
    };
    Ok(Some(Prepared {
        files_at: expanded.files_at,
        text: expanded.text,
        files_attached: true,
        previous_model,
    }))
}

/// Where and how the `` !`…` `` lines of a command (or skill) run now.
fn context(slash: &Slash, session: &Session, cancel: &CancellationToken) -> ExpandContext {
    ExpandContext {
        cwd: session.cwd().to_path_buf(),
        // As the model's commands: the repository's root is writable when
        // the session started in a folder of it.
        workspace: session.workspace().to_path_buf(),
        // The sandbox in effect now (`/approvals` may have changed it):
        // the one the model's next command would get.
        sandbox: session.sandbox(),
        network: slash.network,
        unix_sockets: slash.unix_sockets,
        writable_roots: slash.writable_roots.clone(),
        cancel: cancel.clone(),
        // With what the session's SessionStart hooks set.
        shell_env: slash
            .shell_env
            .clone()
            .with_hook_set(session.hook_shell_vars()),
    }
}

/// [`prepare`] in an interactive session, where the built-in `/init`
/// (`session_view::init`) comes before a custom command of that name.
pub async fn prepare_interactive(
    line: &str,
    session: &mut Session,
    cancel: &CancellationToken,
) -> Result<Option<Prepared>, String> {
    if is_command(line)
        && let Some(("init", args)) = commands::split_invocation(line)
    {
        let text = crate::session_view::init::message(session.cwd(), args)?;
        return Ok(Some(Prepared {
            files_at: text.len(),
            text,
            files_attached: false,
            previous_model: None,
        }));
    }
    prepare(line, session, cancel).await
}

impl Prepared {
    /// Where the command's files begin, when it attached any.
    pub fn files(&self) -> Option<usize> {
        (self.files_at < self.text.len()).then_some(self.files_at)
    }
}

/// Goes back to the model used before the command.
pub fn restore(session: &mut Session, prepared: &Prepared) {
    if let Some(m) = &prepared.previous_model {
        session.set_model(m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(name: &str) -> SlashCommand {
        SlashCommand {
            name: name.into(),
            description: format!("{name} override"),
            argument_hint: None,
            allowed_tools: Vec::new(),
            model: None,
            body: "Body".into(),
            path: format!(".quire/commands/{name}.md").into(),
            source: commands::CommandSource::Project,
            plugin_root: None,
            plugin_data: None,
            warnings: Vec::new(),
        }
    }

    #[test]
    fn exec_warns_of_a_slash_word_that_is_no_command() {
        let cmds = [command("fix-issue")];
        let exec_warning = |p: &str, c: &[SlashCommand]| exec_warning(p, c, Vec::new);
        let w = exec_warning("/nosuchcmd foo", &cmds).unwrap_or_default();
        assert!(w.starts_with("no command or skill /nosuchcmd ("), "{w}");
        assert!(w.contains("sent to the model as a message"), "{w}");
        let w = exec_warning("/fix-isue 12", &cmds).unwrap_or_default();
        assert!(w.contains("did you mean 'fix-issue'?"), "{w}");
        let w = exec_warning("/review src/main.rs", &cmds).unwrap_or_default();
        assert!(w.contains("command of interactive sessions"), "{w}");
        assert!(w.contains("`quire review`"), "{w}");
        // A command, a path, a leading space, plain text: no warning.
        assert_eq!(exec_warning("/fix-issue 12", &cmds), None);
        assert_eq!(exec_warning("/etc/hosts is wrong", &cmds), None);
        assert_eq!(exec_warning("/tmp is full", &cmds), None);
        assert_eq!(exec_warning(" /nosuchcmd", &cmds), None);
        assert_eq!(exec_warning("say hi", &cmds), None);
    }

    /// `/name` of a skill the user may call activates it: no warning;
    /// one mistyped is suggested as commands are.
    #[test]
    fn exec_takes_a_skill_for_what_it_is_and_suggests_a_mistyped_one() {
        let cmds = [command("fix-issue")];
        let skills = || {
            vec![UserSkill {
                call: "hookify:writing-rules".into(),
                name: "hookify:Writing Hookify Rules".into(),
                description: "Write rules.".into(),
            }]
        };
        assert_eq!(
            exec_warning("/hookify:writing-rules x", &cmds, skills),
            None
        );
        assert_eq!(exec_warning("/fix-issue 12", &cmds, skills), None);
        let w = exec_warning("/hookify:writing-rulez x", &cmds, skills).unwrap_or_default();
        assert!(w.contains("did you mean 'hookify:writing-rules'?"), "{w}");
    }

    #[test]
    fn menu_entries_carry_no_escape_sequences() {
        let mut c = command("colour");
        c.description = "\u{1b}[31mred\u{1b}[0m \u{1b}]0;title\u{7}done".into();
        c.argument_hint = Some("[\u{1b}[1mpr\u{1b}[0m]".into());
        let menu = menu_of(&[c], "/col");
        assert_eq!(menu[0].1, "command [pr]: red done");
    }

    #[test]
    fn a_command_named_like_a_builtin_is_not_in_the_menu() {
        let cmds = [command("help"), command("helper"), command("exit")];
        let menu = menu_of(&cmds, "/he");
        assert_eq!(menu.len(), 1, "{menu:?}");
        assert_eq!(menu[0].0, "/helper");
        assert!(menu_of(&cmds, "/ex").is_empty());
        assert!(builtin("help") && builtin("review") && builtin("exit"));
        assert!(!builtin("helper"));
    }
}
