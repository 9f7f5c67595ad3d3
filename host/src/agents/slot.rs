//! A child's first slot (`agents.max_parallel`). A child spawned while
//! that many run waits for one and is announced (`agent_spawned`) when
//! it gets it. One still waiting when its parent's task ends (or stops:
//! Ctrl-C, its message dropped, `close_agent`) is dropped instead, never
//! started — whatever frees a slot meanwhile.
//!
//! Race-free by construction: the end marks every waiting child dropped
//! ([`FirstSlot::drop_if_waiting`]) before it stops any running one, so
//! no slot those free can start it; a child whose spawning task or
//! message stopped first (their stop reaches it through a spawned link,
//! maybe after a running child's freed a slot) sees that stop itself
//! when it gets the slot ([`FirstSlot::take`]), and the announcement is
//! sent under the same lock as the decision.

use std::sync::{Mutex, PoisonError};

use crate::protocol::interrupt::Stop;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    /// Its first run waits for a slot.
    Waiting,
    /// It had one.
    Started,
    /// Dropped while it waited: never started.
    Dropped,
}

/// Whether a child has had its first slot, and what stops it before.
pub(super) struct FirstSlot {
    state: Mutex<State>,
    /// What stops the child from above (the spawning task, the parent
    /// subagent's run, the message it was started for), checked when it
    /// gets its slot.
    above: Vec<Stop>,
}

impl FirstSlot {
    /// A child that runs now (`started`: a slot taken at spawn, or one
    /// reopened after a resume) or waits for a slot.
    pub fn new(started: bool, above: Vec<Stop>) -> FirstSlot {
        let state = if started {
            State::Started
        } else {
            State::Waiting
        };
        FirstSlot {
            state: Mutex::new(state),
            above,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn is_started(&self) -> bool {
        *self.state() == State::Started
    }

    pub fn is_waiting(&self) -> bool {
        *self.state() == State::Waiting
    }

    /// The end of the parent's task: a child still waiting is dropped
    /// and `own` stopped for `why` (`true`); it will never start.
    pub fn drop_if_waiting(&self, own: &Stop, why: &str) -> bool {
        let mut state = self.state();
        if *state != State::Waiting {
            return false;
        }
        *state = State::Dropped;
        own.stop(why);
        true
    }

    /// The child got its slot: started (`announce` run under the lock, so
    /// no end comes between the decision and the announcement), unless it
    /// was dropped or `own` or what is above it stopped: then the reason,
    /// and it never starts.
    pub fn take(&self, own: &Stop, announce: impl FnOnce()) -> Result<(), String> {
        let mut state = self.state();
        let stopped = match *state {
            State::Started => {
                announce();
                return Ok(());
            }
            State::Dropped => Some(own.why()),
            State::Waiting if own.is_stopped() => Some(own.why()),
            State::Waiting => self.above.iter().find(|s| s.is_stopped()).map(Stop::why),
        };
        if let Some(why) = stopped {
            *state = State::Dropped;
            own.stop(&why);
            return Err(own.why());
        }
        *state = State::Started;
        announce();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::interrupt::TASK_ENDED;

    #[test]
    fn a_dropped_child_never_starts_and_a_stop_above_drops_it() {
        let own = Stop::default();
        let slot = FirstSlot::new(false, Vec::new());
        assert!(slot.is_waiting());
        assert!(slot.drop_if_waiting(&own, TASK_ENDED));
        assert!(own.is_stopped());
        let mut announced = false;
        assert_eq!(slot.take(&own, || announced = true), Err(TASK_ENDED.into()));
        assert!(!announced && !slot.is_started() && !slot.is_waiting());

        // Its message stopped, its own stop not reached yet: dropped too.
        let above = Stop::default();
        let slot = FirstSlot::new(false, vec![above.clone()]);
        above.stop(TASK_ENDED);
        let own = Stop::default();
        assert_eq!(slot.take(&own, || announced = true), Err(TASK_ENDED.into()));
        assert!(!announced && own.is_stopped());
        assert!(!slot.drop_if_waiting(&own, TASK_ENDED));

        let slot = FirstSlot::new(false, vec![Stop::default()]);
        assert_eq!(slot.take(&Stop::default(), || announced = true), Ok(()));
        assert!(announced && slot.is_started());
        assert!(
            !slot.drop_if_waiting(&Stop::default(), TASK_ENDED),
            "a started child is not dropped"
        );
    }
}
