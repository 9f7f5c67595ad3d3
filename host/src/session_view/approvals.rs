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
        allows: "no sandbox and no questions: commands may change any file your user can and use the network (type /approvals full-access --yes)",
    },
];

/// What `/approvals ARG` does to `session`, and says.
pub fn approvals(arg: &str, session: &mut Session, status: &mut Status) -> Vec<Said> {
    let words: Vec<&str> = arg.split_whitespace().collect();
    let yes = words.contains(&YES);
    let named: Vec<&str> = words.iter().copied().filter(|w| *w != YES).collect();
    let name = match named.as_slice() {
        [] if !yes => return panel(session),
        [one] => *one,
        _ => return vec![unknown(arg)],
    };
    if let Some(policy) = policy(name) {
        if yes {
            return vec![bad(format!(
                "{YES} confirms only /approvals full-access; nothing was changed"
            ))];
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
        return vec![unknown(arg)];
    };
    let full = preset.sandbox == SandboxMode::DangerFullAccess;
    if yes && !full {
        return vec![bad(format!(
            "{YES} confirms only /approvals full-access; nothing was changed"
        ))];
    }
    if full && !yes {
        return vec![bad(format!(
            "Full Access runs the model's commands without a sandbox and never asks: they may change or delete any file your user can and use the network. Nothing was changed; to allow it, type /approvals full-access {YES}"
        ))];
    }
    if let Err(e) = session.set_permissions(preset.sandbox, preset.approval) {
        return vec![bad(format!("/approvals {}: {e}", preset.arg))];
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
        said.push(bad(
            "warning: Full Access: no sandbox, no approval questions; /approvals auto goes back"
                .to_string(),
        ));
    }
    said
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

fn unknown(arg: &str) -> Said {
    bad(format!(
        "unknown setting {arg:?}: use read-only, auto or full-access (sandbox and approval), or never, on-request or untrusted (approval alone); /approvals lists them"
    ))
}

fn current(session: &Session) -> String {
    format!(
        "sandbox {} · approval {}",
        session.sandbox(),
        session.approval()
    )
}

/// The settings in effect and what each preset allows.
fn panel(session: &Session) -> Vec<Said> {
    let mut lines = vec![current(session)];
    for p in &PRESETS {
        let mark = match p.sandbox == session.sandbox() && p.approval == session.approval() {
            true => "*",
            false => " ",
        };
        lines.push(format!(
            "{mark} /approvals {:<12} {} ({} · {}): {}",
            p.arg, p.title, p.sandbox, p.approval, p.allows
        ));
    }
    lines.push(
        "  /approvals never|on-request|untrusted   the approval policy alone, the sandbox kept"
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
