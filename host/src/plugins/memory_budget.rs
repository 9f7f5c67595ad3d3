//! A plugin's memory across the calls it runs at once. `limits.memory_mb`
//! caps one call's store, and read-only calls of one model response run
//! side by side, so without a cap of its own a plugin's host memory would
//! be N × memory_mb. Each call (and hook, and the listing of its tools)
//! reserves its `memory_mb` from the plugin's budget before it starts: the
//! larger of [`BUDGET_MB`] and one call's `memory_mb`. A call that would go
//! over it waits until calls before it end (its time limit starts once it
//! runs), so the plugin's calls together never hold more than the budget
//! and none fails for another's memory.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// MiB a plugin's calls running at once may hold together (one call of a
/// plugin whose `memory_mb` is larger runs alone).
pub const BUDGET_MB: u32 = 1024;

pub struct MemoryBudget {
    permits: Arc<Semaphore>,
    per_call: u32,
    total: u32,
}

/// One call's share of the budget, given back when dropped.
pub struct Reservation {
    _permit: Option<OwnedSemaphorePermit>,
    /// Whether the call waited for other calls to end first.
    pub waited: bool,
}

impl MemoryBudget {
    /// The budget of a plugin whose calls may each use `memory_mb` MiB.
    pub fn new(memory_mb: u64) -> MemoryBudget {
        let per_call = u32::try_from(memory_mb).unwrap_or(u32::MAX).max(1);
        let total = per_call.max(BUDGET_MB);
        MemoryBudget {
            permits: Arc::new(Semaphore::new(total as usize)),
            per_call,
            total,
        }
    }

    /// MiB the plugin's calls may hold together.
    pub fn total_mb(&self) -> u32 {
        self.total
    }

    /// MiB reserved by calls running now.
    pub fn in_use_mb(&self) -> u32 {
        let free = u32::try_from(self.permits.available_permits()).unwrap_or(self.total);
        self.total.saturating_sub(free)
    }

    /// Reserves one call's `memory_mb`, waiting while the calls running
    /// hold too much of the budget for it.
    pub async fn reserve(&self) -> Reservation {
        if let Ok(p) = self.permits.clone().try_acquire_many_owned(self.per_call) {
            return Reservation {
                _permit: Some(p),
                waited: false,
            };
        }
        // The semaphore is never closed: `Err` cannot happen; the call
        // would then run unreserved rather than not at all.
        let permit = self
            .permits
            .clone()
            .acquire_many_owned(self.per_call)
            .await
            .ok();
        Reservation {
            _permit: permit,
            waited: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now<F: std::future::Future>(f: F) -> Option<F::Output> {
        let waker = futures::task::noop_waker();
        let mut cx = std::task::Context::from_waker(&waker);
        let mut f = Box::pin(f);
        match f.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(v) => Some(v),
            std::task::Poll::Pending => None,
        }
    }

    #[test]
    fn calls_over_the_budget_wait_for_the_ones_running() {
        // Two calls each of 60% of the budget: the second waits.
        let budget = MemoryBudget::new(615);
        assert_eq!(budget.total_mb(), 1024);
        let first = now(budget.reserve()).expect("the first call runs at once");
        assert!(!first.waited);
        assert_eq!(budget.in_use_mb(), 615);
        let second = budget.reserve();
        let mut second = Box::pin(second);
        let waker = futures::task::noop_waker();
        let mut cx = std::task::Context::from_waker(&waker);
        assert!(second.as_mut().poll(&mut cx).is_pending());
        assert!(budget.in_use_mb() <= budget.total_mb());
        drop(first);
        let std::task::Poll::Ready(second) = second.as_mut().poll(&mut cx) else {
            panic!("the second call runs once the first ended")
        };
        assert!(second.waited);
        assert_eq!(budget.in_use_mb(), 615);
    }

    #[test]
    fn small_calls_run_side_by_side_and_a_big_one_alone() {
        let budget = MemoryBudget::new(64);
        let held: Vec<Reservation> = (0..16).filter_map(|_| now(budget.reserve())).collect();
        assert_eq!(held.len(), 16);
        assert_eq!(budget.in_use_mb(), 1024);
        assert!(now(budget.reserve()).is_none(), "a 17th waits");
        drop(held);

        let big = MemoryBudget::new(4096);
        assert_eq!(big.total_mb(), 4096);
        let one = now(big.reserve()).expect("one call of a big plugin runs");
        assert!(now(big.reserve()).is_none());
        drop(one);
        assert!(now(big.reserve()).is_some());
    }
}
