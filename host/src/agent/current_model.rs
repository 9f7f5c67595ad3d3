//! The model a session uses now, shared with what it starts: a subagent
//! without a model of its own runs on its parent's current model, also
//! after `/model` or a resumed session's switch.

use std::sync::{Arc, RwLock};

/// A session's current model name, readable by its subagent tools.
#[derive(Clone, Debug, Default)]
pub struct CurrentModel(Arc<RwLock<String>>);

impl CurrentModel {
    pub fn new(model: &str) -> CurrentModel {
        CurrentModel(Arc::new(RwLock::new(model.to_string())))
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
    }
}
