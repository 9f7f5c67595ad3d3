//! Turning a stopped call (trap, panic, limit, deadline) into a sentence
//! the model can act on: which plugin, what happened, which limit.

use wasmtime::Trap;

use super::limits::DeadlineReached;
use super::manifest::Manifest;
use super::state::CallTrace;

/// Whether `error` is the stop at a call's deadline.
pub fn is_deadline(error: &wasmtime::Error) -> bool {
    error.downcast_ref::<DeadlineReached>().is_some()
        || matches!(error.downcast_ref::<Trap>(), Some(Trap::Interrupt))
}

/// Explains `error`, the failure of one call of `manifest`'s plugin.
pub fn explain(manifest: &Manifest, error: &wasmtime::Error, trace: &CallTrace) -> String {
    let plugin = &manifest.name;
    let file = manifest.path.display();
    let limits = &manifest.limits;
    if is_deadline(error) {
        return format!(
            "plugin '{plugin}' was stopped at its time limit of {} ms (limits.timeout_ms in {file})",
            limits.timeout_ms
        );
    }
    let refused = if trace.refused_hosts.is_empty() {
        String::new()
    } else {
        format!(
            " (quire refused its HTTP requests to {}: not in permissions.net)",
            trace.refused_hosts.join(", ")
        )
    };
    if trace.memory_limit_hit {
        return format!(
            "plugin '{plugin}' ran out of memory: it may use {} MiB (limits.memory_mb in {file}){refused}",
            limits.memory_mb
        );
    }
    if let Some(exit) = error.downcast_ref::<wasmtime_wasi::I32Exit>() {
        return format!(
            "plugin '{plugin}' exited with status {} instead of returning a result{refused}",
            exit.0
        );
    }
    match error.downcast_ref::<Trap>() {
        Some(Trap::StackOverflow) => format!(
            "plugin '{plugin}' overflowed its call stack (unbounded recursion?) and was stopped{refused}"
        ),
        Some(Trap::UnreachableCodeReached) => match panic_message(&trace.stderr.text) {
            Some(p) => format!("plugin '{plugin}' panicked: {p}{refused}"),
            None => format!(
                "plugin '{plugin}' aborted (wasm trap: unreachable code){}{refused}",
                stderr_tail(&trace.stderr.text)
            ),
        },
        Some(trap) => {
            let what = trap.to_string();
            let what = what.strip_prefix("wasm trap: ").unwrap_or(&what);
            let hint = if *trap == Trap::MemoryOutOfBounds {
                " (in Rust guests also the sign of a stack overflow: unbounded recursion?)"
            } else {
                ""
            };
            format!(
                "plugin '{plugin}' crashed (wasm trap: {what}){hint}{}{refused}",
                stderr_tail(&trace.stderr.text)
            )
        }
        None => format!("plugin '{plugin}' failed: {}{refused}", first_line(error)),
    }
}

/// `thread '…' panicked at src/lib.rs:3:5:\nmessage` → `message (at src/lib.rs:3:5)`.
fn panic_message(stderr: &str) -> Option<String> {
    let start = stderr.find("panicked at ")?;
    let rest = &stderr[start + "panicked at ".len()..];
    let (location, body) = match rest.split_once(":\n") {
        Some((loc, body)) => (loc.trim(), body),
        None => ("", rest),
    };
    let message: Vec<&str> = body
        .lines()
        .take_while(|l| !l.starts_with("note: run with `RUST_BACKTRACE"))
        .collect();
    let message = clip(message.join("\n").trim(), 1000);
    if location.is_empty() {
        Some(message)
    } else {
        Some(format!("{message} (at {location})"))
    }
}

fn stderr_tail(stderr: &str) -> String {
    let t = stderr.trim();
    if t.is_empty() {
        return String::new();
    }
    let mut start = t.len().saturating_sub(500);
    while !t.is_char_boundary(start) {
        start += 1;
    }
    format!("; its stderr ends with: {}", &t[start..])
}

fn first_line(error: &wasmtime::Error) -> String {
    let text = format!("{error:#}");
    clip(text.lines().next().unwrap_or(""), 1000)
}

pub(crate) fn clip(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_message_is_found_in_stderr() {
        let stderr = "thread '<unnamed>' panicked at src/lib.rs:89:24:\nboom\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
        assert_eq!(
            panic_message(stderr).as_deref(),
            Some("boom (at src/lib.rs:89:24)")
        );
        assert_eq!(panic_message("nothing"), None);
    }
}
