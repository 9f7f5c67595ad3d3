//! A tool call that has started writing files says so
//! ([`started`]: apply_patch once its approval is through). When the turn
//! is interrupted then, the registry waits for the call's own result,
//! which says what was written, instead of giving up after its grace and
//! reporting "interrupted" while the write goes on, or after it finished.
//! The mark lives in the task running the call ([`watched`]).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

tokio::task_local! {
    static WRITING: Arc<AtomicBool>;
}

/// The running call writes files from now on. Nothing outside a
/// [`watched`] call.
pub fn started() {
    let _ = WRITING.try_with(|w| w.store(true, Ordering::SeqCst));
}

/// Runs `fut` with a mark its tool can set; the mark, to read while it runs.
pub fn watched<F: Future>(fut: F) -> (Arc<AtomicBool>, impl Future<Output = F::Output>) {
    let mark = Arc::new(AtomicBool::new(false));
    (mark.clone(), WRITING.scope(mark, fut))
}

/// Whether the call marked `mark` started writing.
pub fn is_writing(mark: &AtomicBool) -> bool {
    mark.load(Ordering::SeqCst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_mark_is_the_watched_call_s_own() {
        let (mark, fut) = watched(async { started() });
        assert!(!is_writing(&mark));
        fut.await;
        assert!(is_writing(&mark));
        // Outside a watched call: nothing to mark, no panic.
        started();
    }
}
