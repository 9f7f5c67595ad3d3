//! The wait a rate-limit message asks for in its text ("Please try again
//! in 11.054s", "in 500ms", "in 1m30s"), for errors without a
//! `Retry-After` header: an HTTP 429 body, or OpenAI's `rate_limit_exceeded`
//! inside a stream (no header to send once the stream began).

use std::time::Duration;

/// The longest wait taken from a message.
const LONGEST: Duration = Duration::from_secs(24 * 60 * 60);

/// The delay after "try again in" in `text`, if it names one.
pub fn asked_wait(text: &str) -> Option<Duration> {
    let lower = text.to_ascii_lowercase();
    let needle = "try again in ";
    let mut rest = &lower[lower.find(needle)? + needle.len()..];
    let mut secs = 0f64;
    let mut any = false;
    loop {
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let Ok(n) = rest[..end].parse::<f64>() else {
            break;
        };
        let after = &rest[end..];
        let (scale, unit_len) = if after.starts_with("ms") {
            (0.001, 2)
        } else if after.starts_with('s') {
            (1.0, 1)
        } else if after.starts_with('m') {
            (60.0, 1)
        } else if after.starts_with('h') {
            (3600.0, 1)
        } else {
            break;
        };
        secs += n * scale;
        any = true;
        rest = &after[unit_len..];
    }
    let d = Duration::try_from_secs_f64(secs).ok().filter(|_| any)?;
    Some(d.min(LONGEST))
}

#[cfg(test)]
mod tests {
    use super::asked_wait;
    use std::time::Duration;

    #[test]
    fn reads_the_wait_openai_writes() {
        let ms = |n| Some(Duration::from_millis(n));
        assert_eq!(
            asked_wait("Rate limit reached for gpt-5. Please try again in 11.054s. Visit"),
            ms(11_054)
        );
        assert_eq!(asked_wait("Please try again in 1.5s."), ms(1_500));
        assert_eq!(asked_wait("Please try again in 500ms."), ms(500));
        assert_eq!(asked_wait("Please try again in 1m30s."), ms(90_000));
        assert_eq!(asked_wait("Please try again in 12s"), ms(12_000));
    }

    #[test]
    fn no_wait_when_none_is_named() {
        assert_eq!(asked_wait("Please try again later."), None);
        assert_eq!(asked_wait("Rate limit reached."), None);
        assert_eq!(asked_wait("try again in a moment"), None);
    }
}
