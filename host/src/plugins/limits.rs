//! Enforcing a manifest's `[limits]` inside one store: a memory limiter and
//! the epoch deadline.

use std::time::Instant;

use wasmtime::{ResourceLimiter, StoreContextMut, UpdateDeadline};

/// Table elements one call may hold (funcref tables of big guests such as
/// CPython stay far below this).
pub const MAX_TABLE_ELEMENTS: usize = 1 << 20;

/// Caps the linear memory of all instances in one store together.
#[derive(Debug)]
pub struct MemoryLimiter {
    limit: usize,
    used: usize,
    last_grant: usize,
    /// Set when a growth was refused because of the limit.
    pub hit: bool,
}

impl MemoryLimiter {
    pub fn new(limit: usize) -> MemoryLimiter {
        MemoryLimiter {
            limit,
            used: 0,
            last_grant: 0,
            hit: false,
        }
    }
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let grow = desired.saturating_sub(current);
        let total = self.used.saturating_add(grow);
        if total > self.limit {
            self.hit = true;
            tracing::debug!(
                used = self.used,
                desired,
                limit = self.limit,
                "memory limit"
            );
            return Ok(false);
        }
        self.used = total;
        self.last_grant = grow;
        Ok(true)
    }

    fn memory_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        self.used = self.used.saturating_sub(self.last_grant);
        self.last_grant = 0;
        Ok(())
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > MAX_TABLE_ELEMENTS {
            self.hit = true;
            return Ok(false);
        }
        Ok(true)
    }
}

/// The error a store's epoch callback raises at the deadline; found again
/// by downcasting when the call's error is explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the call ran past its deadline")]
pub struct DeadlineReached;

/// Sets `store` to check the wall clock on every epoch tick: before
/// `deadline` the guest yields to the async executor (so an outer timeout or
/// a cancellation can drop the call), at the deadline it traps.
pub fn set_deadline<T: 'static>(store: &mut wasmtime::Store<T>, deadline: Instant) {
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(move |_ctx: StoreContextMut<'_, T>| {
        if Instant::now() >= deadline {
            Err(wasmtime::Error::new(DeadlineReached))
        } else {
            Ok(UpdateDeadline::Yield(1))
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_is_capped_across_memories() {
        let mut l = MemoryLimiter::new(4 << 16);
        assert!(l.memory_growing(0, 2 << 16, None).unwrap());
        assert!(l.memory_growing(0, 2 << 16, None).unwrap());
        assert!(!l.hit);
        assert!(!l.memory_growing(2 << 16, 3 << 16, None).unwrap());
        assert!(l.hit);
    }

    #[test]
    fn failed_growth_is_given_back() {
        let mut l = MemoryLimiter::new(2 << 16);
        assert!(l.memory_growing(0, 2 << 16, None).unwrap());
        l.memory_grow_failed(wasmtime::Error::msg("os said no"))
            .unwrap();
        assert!(l.memory_growing(0, 2 << 16, None).unwrap());
    }
}
