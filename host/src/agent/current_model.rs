//! The model a session uses now, shared with what it starts: a subagent
//! without a model of its own runs on its parent's current model, also
//! after `/model` or a resumed session's switch. The same for the
//! approval policy and the sandbox after `/approvals`: a subagent asks
//! as its parent does now and runs in its parent's sandbox of now (still
//! narrowed by its definition), not as the session began.

use std::sync::{Arc, RwLock};

use crate::tools::{ApprovalPolicy, SandboxMode};

/// A session's current model name (and approval policy and sandbox once
/// changed), readable by its subagent tools.
#[derive(Clone, Debug, Default)]
pub struct CurrentModel(
    Arc<RwLock<String>>,
    Arc<RwLock<Option<ApprovalPolicy>>>,
    Arc<RwLock<Option<SandboxMode>>>,
);

impl CurrentModel {
    pub fn new(model: &str) -> CurrentModel {
        CurrentModel(
            Arc::new(RwLock::new(model.to_string())),
            Arc::default(),
            Arc::default(),
        )
    }

    /// The sandbox `/approvals` set (`None`: as the config says).
    pub fn sandbox(&self) -> Option<SandboxMode> {
        match self.2.read() {
            Ok(s) => *s,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }

    pub fn set_sandbox(&self, mode: SandboxMode) {
        match self.2.write() {
            Ok(mut s) => *s = Some(mode),
            Err(poisoned) => *poisoned.into_inner() = Some(mode),
        }
    }

    /// The approval policy `/approvals` set (`None`: as the config says).
    pub fn approval(&self) -> Option<ApprovalPolicy> {
        match self.1.read() {
            Ok(a) => *a,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }

    pub fn set_approval(&self, policy: ApprovalPolicy) {
        match self.1.write() {
            Ok(mut a) => *a = Some(policy),
            Err(poisoned) => *poisoned.into_inner() = Some(policy),
        }
    }

    /// The model now (empty when never set).
    pub fn get(&self) -> String {
        match self.0.read() {
            Ok(m) => m.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn set(&self, model: &str) {
        let mut m = match self.0.write() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        model.clone_into(&mut m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clone_sees_the_switch() {
        let a = CurrentModel::new("one");
        let b = a.clone();
        a.set("two");
        assert_eq!(b.get(), "two");
        assert_eq!(b.approval(), None);
        a.set_approval(ApprovalPolicy::Untrusted);
        assert_eq!(b.approval(), Some(ApprovalPolicy::Untrusted));
        assert_eq!(b.sandbox(), None);
        a.set_sandbox(SandboxMode::DangerFullAccess);
        assert_eq!(b.sandbox(), Some(SandboxMode::DangerFullAccess));
    }
}
