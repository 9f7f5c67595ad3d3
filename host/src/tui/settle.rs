//! A window being resized (its edge dragged) sends a resize every few
//! tens of milliseconds. The live area is placed again after a resize from
//! where the terminal reports the cursor ([`super::inline::Inline::fit_screen`]);
//! a resize landing between that report and the frame drawn from it moves
//! the rows under the frame (tmux pulls history rows into a taller screen
//! and pushes them out of a shorter one). That no frame then draws over
//! the transcript above the live area is [`super::relative`]'s part (its
//! moves down are line feeds); here the resizes are taken together, so
//! the area is placed once, at the size reached: the size is read until
//! it stops changing, and only that last size is acted on.

use std::time::{Duration, Instant};

use ratatui::layout::Size;

/// How long the size must stay the same to count as settled: longer than
/// the gap between a drag's resizes.
pub(super) const STEP: Duration = Duration::from_millis(150);

/// The longest wait for a size that keeps changing (the drag is then
/// drawn at the size reached).
pub(super) const MOST: Duration = Duration::from_millis(1500);

/// The window's size once it stopped changing, `read` giving the current
/// one and `shown` the one the live area was laid out for: no wait when
/// the size is still `shown`.
pub(super) fn settled(
    shown: Size,
    step: Duration,
    most: Duration,
    mut read: impl FnMut() -> Size,
) -> Size {
    let mut size = read();
    if size == shown {
        return size;
    }
    let deadline = Instant::now() + most;
    loop {
        std::thread::sleep(step);
        let now = read();
        if now == size || Instant::now() >= deadline {
            return now;
        }
        size = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(height: u16) -> Size {
        Size { width: 100, height }
    }

    #[test]
    fn an_unchanged_size_is_taken_at_once() {
        let mut reads = 0;
        let got = settled(
            size(30),
            Duration::from_secs(5),
            Duration::from_secs(5),
            || {
                reads += 1;
                size(30)
            },
        );
        assert_eq!((got, reads), (size(30), 1));
    }

    #[test]
    fn resizes_in_a_row_are_taken_as_the_last_one() {
        let mut seen = vec![size(44), size(5), size(44), size(20), size(20)].into_iter();
        let got = settled(
            size(30),
            Duration::from_millis(1),
            Duration::from_secs(5),
            || seen.next().unwrap_or(size(99)),
        );
        assert_eq!(got, size(20));
    }

    #[test]
    fn a_size_that_keeps_changing_is_taken_after_the_longest_wait() {
        let mut h = 0;
        let got = settled(
            size(30),
            Duration::from_millis(1),
            Duration::from_millis(20),
            || {
                h += 1;
                size(h)
            },
        );
        assert!(got.height > 1);
    }
}
