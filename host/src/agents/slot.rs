//! A child's slot (`agents.max_parallel`) for each of its runs: its first
//! task and each follow-up `send_agent` starts on a finished child. A run
//! that waits for a slot is queued; a first run is announced
//! (`session_started`, `agent_spawned`) when it gets one. A run still
//! waiting when its parent's task ends (or stops: its message dropped,
//! `close_agent`; Ctrl-C only for the runs the interrupted task asked for:
//! what an earlier task queued keeps waiting) is dropped instead, never
//! started — whatever frees a slot meanwhile: a child never started, or a
//! follow-up never delivered (the child keeps its earlier runs).
//!
//! Race-free by construction: the end marks every waiting run dropped
//! ([`Slot::drop_if_waiting`]) before it stops any running child, so no
//! slot those free can start it; a run whose child, spawning task or
//! message stopped first (their stop reaches it through a spawned link,
//! maybe after a running child freed a slot) sees that stop itself when
//! it gets the slot ([`Slot::take`]), and the announcement is sent under
//! the same lock as the decision.

use std::sync::{Mutex, PoisonError};

use tokio_util::sync::CancellationToken;

use crate::protocol::interrupt::Stop;

#[derive(Clone, PartialEq, Eq, Debug)]
enum State {
    /// A run waits for a slot; `first`: the child never ran.
    Waiting { first: bool },
    /// It runs, or ran and is idle.
    Started,
    /// Its first run was dropped while it waited: never started.
    Dropped,
    /// A follow-up's run was dropped while it waited (for this reason);
    /// the child ran before.
    FollowUpDropped(String),
}

/// A run that never started, and why.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct NotStarted {
    pub why: String,
    /// The child's first run: the child never started at all.
    pub first: bool,
}

/// Whether a child's run has its slot, and what stops it before.
pub(super) struct Slot {
    state: Mutex<State>,
    /// Cancelled when the waiting run is dropped: it stops waiting.
    wake: Mutex<CancellationToken>,
    /// What stops the child from above (the spawning task, the parent
    /// subagent's run, the message it was started for), checked when a
    /// run gets its slot.
    above: Vec<Stop>,
    /// The task that sent the follow-up now waiting (a first run's is
    /// the spawning one, first in `above`); checked as `above` is.
    asker: Mutex<Option<Stop>>,
}

impl Slot {
    /// A child that runs now (`started`: a slot taken at spawn, or one
    /// reopened after a resume) or waits for a slot.
    pub fn new(started: bool, above: Vec<Stop>) -> Slot {
        let state = if started {
            State::Started
        } else {
            State::Waiting { first: true }
        };
        Slot {
            state: Mutex::new(state),
            wake: Mutex::default(),
            above,
            asker: Mutex::default(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wake(&self) -> std::sync::MutexGuard<'_, CancellationToken> {
        self.wake.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// It runs or ran (not waiting for a slot, not dropped).
    pub fn is_started(&self) -> bool {
        *self.state() == State::Started
    }

    /// A run of it waits for a slot.
    pub fn is_waiting(&self) -> bool {
        matches!(*self.state(), State::Waiting { .. })
    }

    /// Its first run was dropped: it never started.
    pub fn never_started(&self) -> bool {
        *self.state() == State::Dropped
    }

    /// A follow-up's run of a child that ran, sent by the task `asker`
    /// stops: it waits for a slot from now on. A child that never started
    /// stays so.
    pub fn queue_follow_up(&self, asker: Option<Stop>) {
        let mut state = self.state();
        if !matches!(*state, State::Started | State::FollowUpDropped(_)) {
            return;
        }
        *self.wake() = CancellationToken::new();
        *self.asker.lock().unwrap_or_else(PoisonError::into_inner) = asker;
        *state = State::Waiting { first: false };
    }

    /// The task that asked for the waiting run (spawned the child, sent
    /// the follow-up) was stopped: Ctrl-C drops such a run, and only such.
    pub fn asked_by_stopped_task(&self) -> bool {
        match *self.state() {
            State::Waiting { first: true } => self.above.first().is_some_and(Stop::is_stopped),
            State::Waiting { first: false } => self.asker_stopped().is_some(),
            _ => false,
        }
    }

    /// Why the follow-up's sender stopped, if it did.
    fn asker_stopped(&self) -> Option<String> {
        let asker = self.asker.lock().unwrap_or_else(PoisonError::into_inner);
        asker.as_ref().filter(|s| s.is_stopped()).map(Stop::why)
    }

    /// What stops it from above (its spawning task, its message) stopped:
    /// its run is stopping or will never start.
    pub fn stopped_above(&self) -> bool {
        self.above.iter().any(Stop::is_stopped)
    }

    /// Cancelled when the run now waiting is dropped.
    pub fn dropped_signal(&self) -> CancellationToken {
        self.wake().clone()
    }

    /// The end of the parent's task: a run still waiting for a slot is
    /// dropped (`true`) and will never start; a child that never started
    /// is stopped (`own`) for `why`. A follow-up's child keeps its
    /// earlier runs (what ends the task stops it too, when it should).
    pub fn drop_if_waiting(&self, own: &Stop, why: &str) -> bool {
        let mut state = self.state();
        let State::Waiting { first } = *state else {
            return false;
        };
        if first {
            *state = State::Dropped;
            own.stop(why);
        } else {
            *state = State::FollowUpDropped(why.to_string());
        }
        self.wake().cancel();
        true
    }

    /// The run got its slot: started (`announce` run under the lock, so
    /// no end comes between the decision and the announcement), unless it
    /// was dropped or `own` or what is above it stopped: then why, and it
    /// never starts.
    pub fn take(&self, own: &Stop, announce: impl FnOnce()) -> Result<(), NotStarted> {
        let mut state = self.state();
        let first = match &*state {
            State::Started => {
                announce();
                return Ok(());
            }
            State::Dropped => {
                return Err(NotStarted {
                    why: own.why(),
                    first: true,
                });
            }
            State::FollowUpDropped(why) => {
                let why = why.clone();
                *state = State::Started;
                return Err(NotStarted { why, first: false });
            }
            State::Waiting { first } => *first,
        };
        let stopped = if own.is_stopped() {
            Some(own.why())
        } else if !first && let Some(why) = self.asker_stopped() {
            // A follow-up whose sender stopped (Ctrl-C): dropped, the
            // child kept.
            *state = State::Started;
            return Err(NotStarted { why, first });
        } else {
            self.above.iter().find(|s| s.is_stopped()).map(Stop::why)
        };
        if let Some(why) = stopped {
            own.stop(&why);
            *state = if first {
                State::Dropped
            } else {
                State::Started
            };
            return Err(NotStarted {
                why: own.why(),
                first,
            });
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
        let slot = Slot::new(false, Vec::new());
        let woken = slot.dropped_signal();
        assert!(slot.drop_if_waiting(&own, TASK_ENDED));
        assert!(own.is_stopped() && woken.is_cancelled());
        let mut announced = false;
        let not = slot.take(&own, || announced = true).unwrap_err();
        assert_eq!(not.why, TASK_ENDED);
        assert!(not.first && !announced && !slot.is_started() && slot.never_started());
        // A follow-up to it does not make it a child that ran.
        slot.queue_follow_up(None);
        assert!(slot.never_started());

        // Its message stopped, its own stop not reached yet: dropped too.
        let above = Stop::default();
        let slot = Slot::new(false, vec![above.clone()]);
        above.stop(TASK_ENDED);
        let own = Stop::default();
        let not = slot.take(&own, || announced = true).unwrap_err();
        assert_eq!(not.why, TASK_ENDED);
        assert!(!announced && own.is_stopped());
        assert!(!slot.drop_if_waiting(&own, TASK_ENDED));

        let slot = Slot::new(false, vec![Stop::default()]);
        assert_eq!(slot.take(&Stop::default(), || announced = true), Ok(()));
        assert!(announced && slot.is_started());
        assert!(
            !slot.drop_if_waiting(&Stop::default(), TASK_ENDED),
            "a started child is not dropped"
        );
    }

    #[test]
    fn a_follow_up_waiting_for_a_slot_is_dropped_and_the_child_stays() {
        let own = Stop::default();
        let slot = Slot::new(true, Vec::new());
        slot.queue_follow_up(None);
        assert!(!slot.is_started(), "waiting for a slot is not running");
        let woken = slot.dropped_signal();
        assert!(slot.drop_if_waiting(&own, TASK_ENDED));
        assert!(woken.is_cancelled());
        assert!(!own.is_stopped(), "the child itself is not stopped");
        let mut announced = false;
        let not = slot.take(&own, || announced = true).unwrap_err();
        assert_eq!(
            not,
            NotStarted {
                why: TASK_ENDED.into(),
                first: false
            }
        );
        assert!(!announced && slot.is_started() && !slot.never_started());

        // A later follow-up waits afresh and starts.
        slot.queue_follow_up(None);
        assert!(!slot.dropped_signal().is_cancelled());
        assert_eq!(slot.take(&own, || announced = true), Ok(()));
        assert!(announced && slot.is_started());

        // The child stopped (closed) while its follow-up waited.
        slot.queue_follow_up(None);
        own.stop(TASK_ENDED);
        let not = slot.take(&own, || ()).unwrap_err();
        assert!(!not.first && not.why == TASK_ENDED && slot.is_started());
    }

    #[test]
    fn ctrl_c_drops_only_the_runs_the_interrupted_task_asked_for() {
        let (earlier, interrupted) = (Stop::default(), Stop::default());
        // A child an earlier task spawned waits on; the interrupted
        // task's does not.
        let kept = Slot::new(false, vec![earlier.clone()]);
        let own = Slot::new(false, vec![interrupted.clone()]);
        interrupted.stop(TASK_ENDED);
        assert!(!kept.asked_by_stopped_task() && own.asked_by_stopped_task());
        assert!(own.stopped_above() && !kept.stopped_above());

        // A follow-up the interrupted task sent to an earlier child.
        let slot = Slot::new(true, vec![earlier.clone()]);
        let asker = Stop::default();
        slot.queue_follow_up(Some(asker.clone()));
        assert!(!slot.asked_by_stopped_task());
        asker.stop(TASK_ENDED);
        assert!(slot.asked_by_stopped_task());
        let child = Stop::default();
        let not = slot.take(&child, || ()).unwrap_err();
        assert!(!not.first && not.why == TASK_ENDED);
        assert!(!child.is_stopped() && slot.is_started(), "the child stays");
        // Its next follow-up, from a task still running, starts.
        slot.queue_follow_up(Some(Stop::default()));
        assert_eq!(slot.take(&child, || ()), Ok(()));
    }
}
