//! "Always for this command": the answers remembered for the rest of the
//! session. An "always" for a command that runs the workspace's code
//! outside the sandbox (`make test`, `cargo test`, `./ci.sh`) holds only
//! while that code is as it was when given ([`super::workspace_print`]):
//! after an edit by apply_patch or a sandboxed command, the same command
//! would run the model's new code with the network and the whole disk, so
//! the user is asked again, told what changed. A yes re-arms it.
//! "Always" for a patch writing outside the workspace allows its folders
//! ([`super::outside_folders`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::outside_folders::Allowed;
use super::workspace_print::{self, Difference, Fingerprint};
use super::{ApprovalDecision, ApprovalRequest, Approver};

/// Wraps an approver and remembers "always for this command" answers for
/// the rest of the session.
pub struct RememberingApprover<A> {
    inner: A,
    /// Each key approved for good: `None` holds whatever the files, a
    /// fingerprint only while the command's code is as it shows.
    always: Mutex<HashMap<String, Option<Arc<Fingerprint>>>>,
    /// Keys let through under a fingerprint whose run has not ended: its
    /// end takes the files as the run left them ([`Approver::ran`]) —
    /// unless something else may have written them meanwhile.
    running: Mutex<HashMap<String, Others>>,
    /// How [`Others`] are read ([`Others::now`]; tests give their own).
    others: fn() -> Others,
    /// Folders patches may write under outside the workspace.
    outside: Allowed,
}

/// What else could write the workspace while an approved command ran: a
/// process the model's commands left running, another command started
/// meanwhile (a subagent's), or a patch.
/// The command's own writes are taken as approved only when neither was
/// there; else the files stay compared with what the user approved, so a
/// background edit made during the run is asked about.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Others {
    pub alive: bool,
    pub patches: u64,
    /// Shell commands started so far (the approved one starts after).
    pub started: u64,
}

impl Others {
    pub(crate) fn now() -> Others {
        Others {
            alive: crate::child::commands_alive(),
            patches: crate::tools::apply_patch::patches_committed(),
            started: crate::child::commands_started(),
        }
    }

    /// Whether no other writer was there from `self` until `now`.
    /// The approved command itself is the one command started meanwhile.
    fn none_since(self, now: Others) -> bool {
        !self.alive && !now.alive && now.patches == self.patches && now.started <= self.started + 1
    }
}

impl<A: Approver> RememberingApprover<A> {
    pub fn new(inner: A) -> Self {
        Self::with_others(inner, Others::now)
    }

    pub(crate) fn with_others(inner: A, others: fn() -> Others) -> Self {
        RememberingApprover {
            inner,
            always: Mutex::new(HashMap::new()),
            running: Mutex::new(HashMap::new()),
            others,
            outside: Allowed::default(),
        }
    }

    fn remembered(&self, key: &str) -> Option<Option<Arc<Fingerprint>>> {
        self.always.lock().ok()?.get(key).cloned()
    }

    fn remember(&self, key: &str, print: Option<Fingerprint>) {
        if let Ok(mut always) = self.always.lock() {
            always.insert(key.to_string(), print.map(Arc::new));
        }
    }

    fn mark_running(&self, key: &str) {
        if let Ok(mut running) = self.running.lock() {
            running.insert(key.to_string(), (self.others)());
        }
    }

    /// A request without a command key: a patch writing outside the
    /// workspace under folders allowed before is answered here, and an
    /// "always" for one allows its folders.
    async fn ask_unkeyed(&self, request: ApprovalRequest) -> ApprovalDecision {
        let Some(writes) = request.outside_writes.clone() else {
            return self.inner.ask(request).await;
        };
        if writes.allowed_by(&self.outside.list()) {
            tracing::debug!(paths = ?writes.paths, "outside patch: under a folder allowed this session");
            return ApprovalDecision::Approved;
        }
        let decision = self.inner.ask(request).await;
        if decision == ApprovalDecision::ApprovedAlways {
            self.outside.add(&writes.folders);
        }
        decision
    }
}

/// Why a command "always" was given for is asked about again.
fn asked_again(key: &str, difference: &Difference) -> String {
    match difference {
        Difference::Unknown(why) => format!(
            "quire cannot tell whether the workspace changed since you allowed \"{key}\": {why}"
        ),
        changed => format!(
            "the workspace changed since you allowed \"{key}\": {}",
            changed.describe()
        ),
    }
}

#[async_trait::async_trait]
impl<A: Approver> Approver for RememberingApprover<A> {
    async fn ask(&self, mut request: ApprovalRequest) -> ApprovalDecision {
        let Some(key) = request.always_key.clone() else {
            return self.ask_unkeyed(request).await;
        };
        let code = request.code_in.clone();
        match self.remembered(&key) {
            Some(None) if code.is_empty() => return ApprovalDecision::Approved,
            Some(Some(then)) if !code.is_empty() => {
                let now = workspace_print::take_off_thread(code.clone()).await;
                match then.difference(&now) {
                    Difference::Same => {
                        self.mark_running(&key);
                        return ApprovalDecision::Approved;
                    }
                    difference => request.asked_again = Some(asked_again(&key, &difference)),
                }
            }
            // An "always" given when the command ran no code of the
            // workspace does not stand for it when it does, nor the reverse.
            _ => {}
        }
        let again = request.asked_again.is_some();
        let decision = self.inner.ask(request).await;
        let rearm = decision == ApprovalDecision::ApprovedAlways
            || (again && decision == ApprovalDecision::Approved);
        if rearm {
            let print = match code.is_empty() {
                true => None,
                false => Some(workspace_print::take_off_thread(code).await),
            };
            let watched = print.is_some();
            self.remember(&key, print);
            if watched {
                self.mark_running(&key);
            }
        }
        decision
    }

    super::inner_answers!();

    fn outside_folders(&self) -> Vec<std::path::PathBuf> {
        self.outside.list()
    }

    async fn ran(&self, always_key: &str) {
        let ours = self
            .running
            .lock()
            .ok()
            .and_then(|mut r| r.remove(always_key));
        let Some(others) = ours else {
            return self.inner.ran(always_key).await;
        };
        if !others.none_since((self.others)()) {
            tracing::debug!(
                key = always_key,
                "another writer was about during the approved run: its files stay compared with the approval"
            );
            return;
        }
        if let Some(Some(then)) = self.remembered(always_key) {
            let now = workspace_print::take_off_thread(then.roots().to_vec()).await;
            self.remember(always_key, Some(now));
        }
    }
}

#[cfg(test)]
#[path = "remember_tests.rs"]
mod tests;
