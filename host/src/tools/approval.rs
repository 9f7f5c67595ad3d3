//! Approval policy: which actions need the user's consent, and the
//! [`Approver`] that asks.

mod outside_folders;
mod paused;
mod remember;
pub mod workspace_print;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::apply_patch::FileDiff;
pub use outside_folders::OutsideWrites;
pub use paused::PausedWhileAsking;
pub use remember::RememberingApprover;

/// When quire asks before acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ApprovalPolicy {
    /// Never ask: sandboxed actions run, requests to leave the sandbox are
    /// refused and the model is told.
    Never,
    /// Ask only when the model requests to run outside the sandbox.
    #[default]
    OnRequest,
    /// Ask before every command that is not known to be read-only, and
    /// before every patch.
    Untrusted,
}

impl std::fmt::Display for ApprovalPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ApprovalPolicy::Never => "never",
            ApprovalPolicy::OnRequest => "on-request",
            ApprovalPolicy::Untrusted => "untrusted",
        })
    }
}

/// What is being asked.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ApprovalRequest {
    /// The tool asking (`shell`, `apply_patch`, …).
    pub tool: String,
    /// A one-line summary shown to the user (the command, the files).
    pub summary: String,
    /// Why the model wants it, when it said.
    pub reason: Option<String>,
    /// A key that "always for this command" remembers (for shell: the
    /// command's first word(s)).
    pub always_key: Option<String>,
    /// What exactly a patch would do: each file with its operation (added,
    /// modified, deleted, moved from where) and its unified diff, shown in
    /// full. Empty for requests that change no files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileDiff>,
    /// Who asks when it is not the session itself: a subagent, as
    /// `agent NAME` (a child without a definition: `agent ID`). Shown apart
    /// from the command, never as part of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// The command would run OUTSIDE the sandbox (network, the whole
    /// disk): its own question and its own `always_key`
    /// ([`escalated_key`]), never answered by an "always" given for a
    /// sandboxed run.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub escalated: bool,
    /// Where the code an escalated command runs lives (the workspace, the
    /// folder it runs in, the script it names): an "always" for it holds
    /// while their files stay as they were when it was given
    /// ([`workspace_print`]). Empty for commands that run none.
    #[serde(skip)]
    pub code_in: Vec<PathBuf>,
    /// Why a command "always" was given for is asked about again (its
    /// code changed since), said by quire, never by the model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked_again: Option<String>,
    /// Programs of an escalated command that are files the model's
    /// sandboxed commands can write (the first `pytest` on `PATH` is the
    /// workspace's `.venv/bin/pytest`, `./x`): shown with a warning.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub workspace_programs: Vec<WorkspaceProgram>,
    /// A patch writing outside the workspace: where, and the folders an
    /// "always" answer allows such patches under for the session.
    #[serde(skip)]
    pub outside_writes: Option<OutsideWrites>,
}

impl ApprovalRequest {
    /// Whether the question offers "always": for a command's prefix, or
    /// for the folders of a patch writing outside the workspace.
    pub fn offers_always(&self) -> bool {
        self.always_key.is_some()
            || self
                .outside_writes
                .as_ref()
                .is_some_and(OutsideWrites::offers_always)
    }
}

/// A word of a command and the file it runs, which lies where the
/// model's sandboxed commands can write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkspaceProgram {
    /// As written in the command (`pytest`, `./x`).
    pub word: String,
    /// The file it runs, as found (a link in `.venv/bin` not followed).
    pub path: PathBuf,
}

/// The "always" key of a command run outside the sandbox: `key` of the
/// same command in the sandbox, marked so neither answers the other.
pub fn escalated_key(key: &str) -> String {
    format!("{key} (outside the sandbox)")
}

/// The user's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalDecision {
    Approved,
    /// Approved, and the same `always_key` is approved for the rest of the
    /// session without asking.
    ApprovedAlways,
    Denied,
}

/// Asks the user. Interactive front ends prompt; `exec` denies.
#[async_trait::async_trait]
pub trait Approver: Send + Sync {
    async fn ask(&self, request: ApprovalRequest) -> ApprovalDecision;

    /// Whether a person answers (false for non-interactive runs, whose
    /// denials tell the model so).
    fn is_interactive(&self) -> bool {
        true
    }

    /// Why the user said no to the last request, when they said (taken
    /// once; goes back to the model with the denial).
    fn denial_reason(&self) -> Option<String> {
        None
    }

    /// Why a rule of the run, not a person, refuses requests like the
    /// last one (a review's deep pass runs read-only commands only): goes
    /// back to the model instead of "the user declined".
    fn rule_denial(&self) -> Option<String> {
        None
    }

    /// Why a hook (`PermissionRequest`) refused the last request in the
    /// user's place, when one did (taken once; goes back to the model
    /// instead of "the user declined").
    fn hook_denial(&self) -> Option<String> {
        None
    }

    /// The command approved under `always_key` has run: an "always" that
    /// holds while its code is unchanged takes the files as the run left
    /// them (what the approved command wrote itself is no change).
    async fn ran(&self, _always_key: &str) {}

    /// The folders patches may write under outside the workspace without
    /// asking, allowed by "always" answers this session.
    fn outside_folders(&self) -> Vec<PathBuf> {
        Vec::new()
    }
}

/// Characters of a call's arguments shown when asking.
const SHOWN_ARGUMENTS: usize = 2_000;

/// A call from outside quire's own tools (an MCP server's, a plugin's)
/// that is not known to be read-only: under `untrusted` it asks first,
/// as commands not known to be read-only do.
pub fn asks_first(policy: ApprovalPolicy, read_only: bool) -> bool {
    policy == ApprovalPolicy::Untrusted && !read_only
}

/// A call as an approval question shows it: a shell command as the
/// command itself (as the shell tool's own question does), any other call
/// by its tool's name and its arguments, cut at [`SHOWN_ARGUMENTS`]
/// characters.
pub fn shown_call(tool: &str, arguments: &serde_json::Value) -> String {
    if tool == "shell"
        && let Some(command) = arguments.get("command").and_then(|c| c.as_str())
    {
        return match arguments.get("workdir").and_then(|w| w.as_str()) {
            Some(dir) => format!("{command}    (in {dir})"),
            None => command.to_string(),
        };
    }
    let shown = arguments.to_string();
    let count = shown.chars().count();
    if count > SHOWN_ARGUMENTS {
        let head: String = shown.chars().take(SHOWN_ARGUMENTS).collect();
        return format!("{tool} {head}… [{count} characters]");
    }
    format!("{tool} {shown}")
}

/// Asks the user before calling `tool` with `arguments` (shown cut at
/// [`SHOWN_ARGUMENTS`] characters); `reason` says why it asks, `what`
/// names it in a denial. A denial is the tool's result.
pub async fn ask_before_call(
    approver: &dyn Approver,
    tool: &str,
    arguments: &serde_json::Value,
    reason: String,
    what: &str,
) -> Result<(), crate::tools::ToolError> {
    let shown = arguments.to_string();
    let count = shown.chars().count();
    let shown = if count > SHOWN_ARGUMENTS {
        let head: String = shown.chars().take(SHOWN_ARGUMENTS).collect();
        format!("{head}… [{count} characters]")
    } else {
        shown
    };
    let request = ApprovalRequest {
        tool: tool.to_string(),
        summary: format!("{tool} {shown}"),
        reason: Some(reason),
        always_key: Some(tool.to_string()),
        files: Vec::new(),
        agent: None,
        escalated: false,
        code_in: Vec::new(),
        asked_again: None,
        workspace_programs: Vec::new(),
        outside_writes: None,
    };
    match approver.ask(request).await {
        ApprovalDecision::Approved | ApprovalDecision::ApprovedAlways => Ok(()),
        ApprovalDecision::Denied => {
            Err(crate::tools::ToolError::Denied(denial_text(approver, what)))
        }
    }
}

/// The text a tool returns when `what` was not approved.
pub fn denial_text(approver: &dyn Approver, what: &str) -> String {
    if let Some(reason) = approver.hook_denial() {
        format!(
            "{what} was denied by a PermissionRequest hook: {reason}. Do not retry it unchanged."
        )
    } else if let Some(rule) = approver.rule_denial() {
        format!("{what} was not run: {rule}")
    } else if let Some(reason) = approver.denial_reason() {
        format!("the user declined {what} and said: {reason}")
    } else if approver.is_interactive() {
        format!(
            "the user declined {what}. Do not retry it unchanged: ask the user, or find another way within the sandbox."
        )
    } else {
        format!("{what} was not run: {NON_INTERACTIVE_DENIAL}")
    }
}

/// The approver of non-interactive runs: every request is denied, and the
/// message tells the model why.
pub struct DenyAll;

pub const NON_INTERACTIVE_DENIAL: &str = "it needs the user's approval, and this run is non-interactive (quire exec). Work within the sandbox, or tell the user what you would need and why.";

#[async_trait::async_trait]
impl Approver for DenyAll {
    async fn ask(&self, _request: ApprovalRequest) -> ApprovalDecision {
        ApprovalDecision::Denied
    }

    fn is_interactive(&self) -> bool {
        false
    }
}

/// The answers' side of an approver wrapping `self.inner`: whether a
/// person answers, why the last request was refused, all the inner's.
macro_rules! inner_answers {
    () => {
        fn is_interactive(&self) -> bool {
            self.inner.is_interactive()
        }

        fn denial_reason(&self) -> Option<String> {
            self.inner.denial_reason()
        }

        fn hook_denial(&self) -> Option<String> {
            self.inner.hook_denial()
        }

        fn rule_denial(&self) -> Option<String> {
            self.inner.rule_denial()
        }
    };
}
pub(crate) use inner_answers;

/// Wraps an approver and adds up how long the user took to answer, so a
/// call's duration can leave the wait out.
pub struct TimedApprover {
    inner: std::sync::Arc<dyn Approver>,
    waited_us: std::sync::atomic::AtomicU64,
}

impl TimedApprover {
    pub fn new(inner: std::sync::Arc<dyn Approver>) -> Self {
        TimedApprover {
            inner,
            waited_us: Default::default(),
        }
    }

    /// Time spent waiting for answers so far.
    pub fn waited(&self) -> std::time::Duration {
        let us = self.waited_us.load(std::sync::atomic::Ordering::Relaxed);
        std::time::Duration::from_micros(us)
    }
}

/// Adds the time since `started` to `into` when dropped.
struct Wait<'a> {
    started: std::time::Instant,
    into: &'a std::sync::atomic::AtomicU64,
}

impl Drop for Wait<'_> {
    fn drop(&mut self) {
        let us = u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.into
            .fetch_add(us, std::sync::atomic::Ordering::Relaxed);
    }
}

#[async_trait::async_trait]
impl Approver for TimedApprover {
    async fn ask(&self, request: ApprovalRequest) -> ApprovalDecision {
        // Counted when the ask ends or is dropped: an interrupt at the
        // prompt drops it, and that wait is not the call's time either.
        let _wait = Wait {
            started: std::time::Instant::now(),
            into: &self.waited_us,
        };
        self.inner.ask(request).await
    }

    inner_answers!();

    async fn ran(&self, always_key: &str) {
        self.inner.ran(always_key).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_untrusted_asks_first_and_only_for_tools_not_marked_read_only() {
        assert!(asks_first(ApprovalPolicy::Untrusted, false));
        assert!(!asks_first(ApprovalPolicy::Untrusted, true));
        assert!(!asks_first(ApprovalPolicy::OnRequest, false));
        assert!(!asks_first(ApprovalPolicy::Never, false));
    }

    /// A user who never answers.
    struct Silent;

    #[async_trait::async_trait]
    impl Approver for Silent {
        async fn ask(&self, _: ApprovalRequest) -> ApprovalDecision {
            std::future::pending().await
        }
    }

    #[tokio::test]
    async fn a_wait_cut_short_by_an_interrupt_is_counted_too() {
        let timed = TimedApprover::new(std::sync::Arc::new(Silent));
        let request = ApprovalRequest {
            tool: "shell".into(),
            summary: "touch x".into(),
            reason: None,
            always_key: None,
            files: Vec::new(),
            agent: None,
            escalated: false,
            code_in: Vec::new(),
            asked_again: None,
            workspace_programs: Vec::new(),
            outside_writes: None,
        };
        let pause = std::time::Duration::from_millis(30);
        // The interrupt drops the ask, as the registry's select does.
        let asked = tokio::time::timeout(pause, timed.ask(request)).await;
        assert!(asked.is_err(), "never answered");
        assert!(timed.waited() >= pause, "{:?}", timed.waited());
    }
}
