//! "Always for this command": the answers remembered for the rest of the
//! session. An "always" for a command that runs the workspace's code
//! outside the sandbox (`make test`, `cargo test`, `./ci.sh`) holds only
//! while that code is as it was when given ([`super::workspace_print`]):
//! after an edit by apply_patch or a sandboxed command, the same command
//! would run the model's new code with the network and the whole disk, so
//! the user is asked again, told what changed. A yes re-arms it.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

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
    /// end takes the files as the run left them ([`Approver::ran`]).
    running: Mutex<HashSet<String>>,
}

impl<A: Approver> RememberingApprover<A> {
    pub fn new(inner: A) -> Self {
        RememberingApprover {
            inner,
            always: Mutex::new(HashMap::new()),
            running: Mutex::new(HashSet::new()),
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
            running.insert(key.to_string());
        }
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
            return self.inner.ask(request).await;
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

    async fn ran(&self, always_key: &str) {
        let ours = self
            .running
            .lock()
            .map(|mut r| r.remove(always_key))
            .unwrap_or(false);
        if !ours {
            return self.inner.ran(always_key).await;
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
