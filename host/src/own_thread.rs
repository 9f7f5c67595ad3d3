//! Work run on a thread of its own — a read done beside other work, a
//! blocking runtime of its own inside async code — and what happens when
//! no thread can be started (a process limit reached: `ulimit -u`, a
//! container's pids limit): the work runs on the calling thread when it
//! can, else the error says which limit. Never a panic (`thread::Scope::spawn`
//! panics when the thread cannot start).

use std::sync::Mutex;
use std::thread::Builder;

/// Why work meant for a thread of its own did not finish there.
#[derive(Debug, thiserror::Error)]
pub enum OwnThreadError {
    #[error(
        "cannot start a thread ({0}): a process limit is too low (`ulimit -u`, a container's pids limit)"
    )]
    NoThread(std::io::Error),
    #[error("its thread stopped unexpectedly")]
    Panicked,
}

/// Runs `a` on a thread of its own while `b` runs on this one; `a`'s
/// result is `None` when its thread panicked. When no thread can be
/// started, both run here, `a` first.
pub fn beside<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (Option<A>, B) {
    beside_with(Builder::new, a, b)
}

fn beside_with<A: Send, B>(
    builder: impl Fn() -> Builder,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B,
) -> (Option<A>, B) {
    let slot = Mutex::new(Some(a));
    let take = || slot.lock().ok().and_then(|mut g| g.take());
    std::thread::scope(
        |scope| match builder().spawn_scoped(scope, || take().map(|a| a())) {
            Ok(handle) => {
                let b = b();
                (handle.join().ok().flatten(), b)
            }
            Err(e) => {
                tracing::debug!(error = %e, "no thread: working on this one");
                (take().map(|a| a()), b())
            }
        },
    )
}

/// Runs `work` on a thread of its own and waits for it: work that starts
/// a runtime of its own, which cannot run inside the caller's. When no
/// thread can be started it runs here if this thread is in no async
/// runtime; else the error says why.
pub fn apart<T: Send>(work: impl FnOnce() -> T + Send) -> Result<T, OwnThreadError> {
    apart_with(Builder::new(), work)
}

fn apart_with<T: Send>(
    builder: Builder,
    work: impl FnOnce() -> T + Send,
) -> Result<T, OwnThreadError> {
    let slot = Mutex::new(Some(work));
    let take = || slot.lock().ok().and_then(|mut g| g.take());
    std::thread::scope(
        |scope| match builder.spawn_scoped(scope, || take().map(|w| w())) {
            Ok(handle) => handle.join().ok().flatten().ok_or(OwnThreadError::Panicked),
            Err(e) if tokio::runtime::Handle::try_current().is_err() => {
                tracing::debug!(error = %e, "no thread: working on this one");
                take().map(|w| w()).ok_or(OwnThreadError::Panicked)
            }
            Err(e) => Err(OwnThreadError::NoThread(e)),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A builder whose threads cannot start: a stack no system gives.
    fn no_thread() -> Builder {
        Builder::new().stack_size(1 << 60)
    }

    #[test]
    fn the_builder_of_the_tests_cannot_start_a_thread() {
        let spawned = std::thread::scope(|s| no_thread().spawn_scoped(s, || ()).map(|_| ()));
        assert!(spawned.is_err());
    }

    #[test]
    fn beside_runs_both_with_or_without_a_thread() {
        let (a, b) = beside(|| 1 + 1, || "here");
        assert_eq!((a, b), (Some(2), "here"));
        let (a, b) = beside_with(no_thread, || 1 + 1, || "here");
        assert_eq!((a, b), (Some(2), "here"));
    }

    #[test]
    fn apart_works_here_when_no_thread_starts_outside_a_runtime() {
        assert_eq!(apart(|| 40 + 2).unwrap(), 42);
        assert_eq!(apart_with(no_thread(), || 40 + 2).unwrap(), 42);
        assert!(matches!(
            apart_with(Builder::new(), || panic!("boom")),
            Err(OwnThreadError::Panicked)
        ));
    }

    #[test]
    fn apart_says_why_inside_a_runtime_when_no_thread_starts() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let said = rt.block_on(async { apart_with(no_thread(), || 42) });
        let e = said.expect_err("no thread, no running here");
        assert!(e.to_string().contains("ulimit -u"), "{e}");
    }
}
