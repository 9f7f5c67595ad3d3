//! Input typed before a question appeared is no answer to it: a line the
//! user typed for the next message (or "y" for an earlier question) must
//! not approve a command they never read. The line mode's approval
//! questions, and the questions asked before a session starts, take what
//! the terminal holds away first and say so.

use std::os::fd::RawFd;

/// Takes every byte the terminal `fd` holds unread, partial lines too: the
/// terminal is switched to non-canonical, non-blocking reads for the
/// moment (which makes a canonical terminal's unfinished line readable),
/// then put back as it was. Nothing when `fd` is no terminal (a pipe's
/// lines are the answers, given in advance on purpose).
pub(crate) fn take(fd: RawFd) -> Vec<u8> {
    // SAFETY: tcgetattr fills one termios from an open fd.
    let mut saved: libc::termios = unsafe { std::mem::zeroed() };
    if unsafe { libc::tcgetattr(fd, &mut saved) } != 0 {
        return Vec::new();
    }
    let mut now = saved;
    now.c_lflag &= !libc::ICANON;
    now.c_cc[libc::VMIN] = 0;
    now.c_cc[libc::VTIME] = 0;
    // SAFETY: tcsetattr reads one termios. TCSANOW keeps the input.
    if unsafe { libc::tcsetattr(fd, libc::TCSANOW, &now) } != 0 {
        return Vec::new();
    }
    let mut taken = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        // SAFETY: read writes at most buf.len() bytes into buf.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        match usize::try_from(n) {
            Ok(n) if n > 0 => taken.extend_from_slice(&buf[..n]),
            _ => break,
        }
        // A terminal holds a few KiB at most; a stream that never ends is
        // not waited out.
        if taken.len() > 1 << 20 {
            break;
        }
    }
    // SAFETY: tcsetattr reads one termios, saved from this fd.
    unsafe { libc::tcsetattr(fd, libc::TCSANOW, &saved) };
    taken
}

/// What is said about input taken away before a question: `None` when
/// there was none.
pub(crate) fn notice(taken: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(taken);
    let text: String = text
        .chars()
        .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect();
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let shown: String = text.chars().take(60).collect();
    let more = if text.chars().count() > 60 { "…" } else { "" };
    Some(format!(
        "(typed before this question, so not taken as its answer: \"{shown}{more}\")\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::notice;

    #[test]
    fn nothing_typed_says_nothing() {
        assert_eq!(notice(b""), None);
        assert_eq!(notice(b"\r\n"), None);
    }

    #[test]
    fn the_typed_text_is_shown_on_one_line() {
        let said = notice(b"okay, and after that\ry\r").unwrap_or_default();
        assert_eq!(
            said,
            "(typed before this question, so not taken as its answer: \"okay, and after that y\")\n"
        );
    }
}
