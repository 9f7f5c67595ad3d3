//! `/approvals` (also `/permissions`, Codex's newer name): with no
//! argument, the sandbox and approval policy in effect and the presets;
//! a preset (`read-only`, `auto`, `full-access`) sets both, a policy
//! (`never`, `on-request`, `untrusted`) the approval alone. Full Access
//! takes `--yes`: typed alone it only says what it would allow. The
//! sandbox names (`workspace-write`, `danger-full-access`) name their
//! presets.

use quire::agent::Session;
use quire::tools::{ApprovalPolicy, SandboxMode};

use super::{Said, Status, Tone};

/// The flag that confirms Full Access.
const YES: &str = "--yes";

/// A preset: a sandbox with an approval policy, as Codex names them.
struct Preset {
    arg: &'static str,
    title: &'static str,
    sandbox: SandboxMode,
    approval: ApprovalPolicy,
    allows: &'static str,
}

const PRESETS: [Preset; 3] = [
    Preset {
        arg: "read-only",
        title: "Read Only",
        sandbox: SandboxMode::ReadOnly,
        approval: ApprovalPolicy::OnRequest,
        allows: "commands read files but write none (patches refused); quire asks before a command leaves the sandbox",
    },
    Preset {
        arg: "auto",
        title: "Auto",
        sandbox: SandboxMode::WorkspaceWrite,
        approval: ApprovalPolicy::OnRequest,
        allows: "commands and patches write in the workspace; quire asks before writing outside it or leaving the sandbox",
    },
    Preset {
        arg: "full-access",
        title: "Full Access",
        sandbox: SandboxMode::DangerFullAccess,
        approval: ApprovalPolicy::Never,
        allows: "no sandbox and no questions: commands may change any file your user can and use the network",
    },
];

/// What `/approvals ARG` does to `session`, and says. `command` is the
/// name typed (`/approvals` or its alias `/permissions`): every message
/// names that one.
pub fn approvals(
    command: &str,
    arg: &str,
    session: &mut Session,
    status: &mut Status,
) -> Vec<Said> {
    let (name, yes) = match parse(command, arg) {
        Ok(parsed) => parsed,
        Err(why) => return vec![bad(why)],
    };
    let Some(name) = name else {
        return match yes {
            false => panel(command, session),
            true => vec![yes_alone(command)],
        };
    };
    if let Some(policy) = policy(name) {
        if yes {
            return vec![yes_alone(command)];
        }
        session.set_approval(policy);
        status.approval = policy.to_string();
        return vec![Said::Note(Tone::Accent, current(session))];
    }
    // The sandbox's own names (`--sandbox workspace-write`) are taken for
    // the preset that sets them.
    let Some(preset) = PRESETS
        .iter()
        .find(|p| p.arg == name || p.sandbox.to_string() == name)
    else {
        return vec![unknown(command, name)];
    };
    let full = preset.sandbox == SandboxMode::DangerFullAccess;
    if yes && !full {
        return vec![yes_alone(command)];
    }
    if full && !yes {
        return vec![bad(format!(
            "Full Access runs the model's commands without a sandbox and never asks: they may change or delete any file your user can and use the network. Nothing was changed; to allow it, type {command} full-access {YES}"
        ))];
    }
    if let Err(e) = session.set_permissions(preset.sandbox, preset.approval) {
        return vec![bad(format!("{command} {}: {e}", preset.arg))];
    }
    status.sandbox = session.sandbox().to_string();
    status.approval = session.approval().to_string();
    let mut said = vec![Said::Note(
        Tone::Accent,
        format!(
            "{}: {} (from the next tool call on)",
            preset.title,
            current(session)
        ),
    )];
    if full {
        said.push(bad(format!(
            "warning: Full Access: no sandbox, no approval questions; {command} auto goes back"
        )));
    }
    said
}

/// `ARG`'s setting (at most one) and whether `--yes` was given; a
/// second setting, an option other than `--yes` or `--yes` twice is
/// refused by name.
fn parse<'a>(command: &str, arg: &'a str) -> Result<(Option<&'a str>, bool), String> {
    let mut name = None;
    let mut yes = false;
    for word in arg.split_whitespace() {
        if word == YES {
            if yes {
                return Err(format!(
                    "{YES} is given twice; nothing was changed. {}",
                    usage(command)
                ));
            }
            yes = true;
        } else if word.starts_with('-') {
            return Err(format!(
                "unknown option {word}; nothing was changed. {}",
                usage(command)
            ));
        } else if let Some(first) = name {
            return Err(format!(
                "one setting at a time: \"{word}\" is unexpected after \"{first}\"; nothing was changed. {}",
                usage(command)
            ));
        } else {
            name = Some(word);
        }
    }
    Ok((name, yes))
}

/// How `command` is typed.
fn usage(command: &str) -> String {
    format!(
        "Usage: {command} [read-only | auto | full-access --yes | never | on-request | untrusted]; {command} alone lists them"
    )
}

/// `--yes` where it confirms nothing.
fn yes_alone(command: &str) -> Said {
    bad(format!(
        "{YES} confirms only {command} full-access; nothing was changed"
    ))
}

fn policy(name: &str) -> Option<ApprovalPolicy> {
    match name {
        "never" => Some(ApprovalPolicy::Never),
        "on-request" => Some(ApprovalPolicy::OnRequest),
        "untrusted" => Some(ApprovalPolicy::Untrusted),
        _ => None,
    }
}

fn bad(text: String) -> Said {
    Said::Note(Tone::Bad, text)
}

fn unknown(command: &str, name: &str) -> Said {
    bad(format!(
        "unknown setting {name:?}: use read-only, auto or full-access (sandbox and approval), or never, on-request or untrusted (approval alone); {command} lists them"
    ))
}

fn current(session: &Session) -> String {
    format!(
        "sandbox {} · approval {}",
        session.sandbox(),
        session.approval()
    )
}

/// The settings in effect and what each preset allows: each preset's
/// line as typed, then what it sets and allows on lines of their own,
/// indented, so a narrow window wraps them under their own text.
fn panel(command: &str, session: &Session) -> Vec<Said> {
    let mut lines = vec![current(session)];
    for p in &PRESETS {
        let mark = match p.sandbox == session.sandbox() && p.approval == session.approval() {
            true => "*",
            false => " ",
        };
        let yes = match p.sandbox == SandboxMode::DangerFullAccess {
            true => format!(" {YES}"),
            false => String::new(),
        };
        lines.push(format!("{mark} {command} {}{yes}", p.arg));
        lines.push(format!(
            "    {} ({} · {}): {}",
            p.title, p.sandbox, p.approval, p.allows
        ));
    }
    lines.push(format!("  {command} POLICY"));
    lines.push(
        "    never, on-request or untrusted: the approval policy alone, the sandbox kept"
            .to_string(),
    );
    let folders = session.outside_folders_allowed();
    if !folders.is_empty() {
        let named: Vec<String> = folders
            .iter()
            .map(|f| quire::printable::quoted_name(&f.display().to_string()).into_owned())
            .collect();
        lines.push(format!(
            "patches outside the workspace allowed without asking this session, under: {}",
            named.join(", ")
        ));
    }
    vec![Said::Lines(lines)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_setting_and_one_yes_are_read() {
        assert_eq!(
            parse("/approvals", "full-access --yes"),
            Ok((Some("full-access"), true))
        );
        assert_eq!(parse("/approvals", "--yes auto"), Ok((Some("auto"), true)));
        assert_eq!(parse("/permissions", ""), Ok((None, false)));
    }

    #[test]
    fn a_second_setting_an_unknown_option_or_yes_twice_is_refused_by_name() {
        let twice = parse("/permissions", "full-access --yes --yes").unwrap_err();
        assert!(twice.starts_with("--yes is given twice;"), "{twice}");
        assert!(twice.contains("Usage: /permissions [read-only"), "{twice}");
        let option = parse("/approvals", "auto --force").unwrap_err();
        assert!(option.starts_with("unknown option --force;"), "{option}");
        let second = parse("/approvals", "auto never").unwrap_err();
        assert!(
            second.starts_with("one setting at a time: \"never\" is unexpected after \"auto\""),
            "{second}"
        );
    }
}
