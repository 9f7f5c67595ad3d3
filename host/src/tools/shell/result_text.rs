//! A shell result's text as [`super::format_outcome`] writes it — status
//! lines (`Exit code: N` or `Killed by signal …`, `Wall time: …`, `Output
//! truncated: …`), then `Output:` and what the command printed — and the
//! one reader of it for those who show a result again (the terminal
//! view's cells and resumed history, `quire sessions show`).

/// The status line of a command that exited.
pub const EXIT_CODE: &str = "Exit code: ";
/// The start of the status line of a command a signal killed.
pub const KILLED: &str = "Killed by signal ";
/// The status line of the command's run time.
pub const WALL_TIME: &str = "Wall time: ";
/// The line after the status lines.
pub const OUTPUT: &str = "Output:\n";
const DROPPED: (&str, &str) = ("Output truncated: ", " bytes dropped from the middle");

/// The line saying how many bytes were dropped from the middle.
pub(super) fn dropped_line(dropped: u64) -> String {
    format!("{}{dropped}{}\n", DROPPED.0, DROPPED.1)
}

/// The status lines and what the command printed; `None` for a result
/// that is not a shell result's text.
pub fn split(output: &str) -> Option<(&str, &str)> {
    output.split_once(OUTPUT)
}

/// What the command printed (the whole text when it has no status lines).
pub fn printed(output: &str) -> &str {
    split(output).map_or(output, |(_, p)| p)
}

/// The exit code, from the first line.
pub fn exit_code(output: &str) -> Option<i32> {
    output
        .lines()
        .next()?
        .strip_prefix(EXIT_CODE)?
        .trim()
        .parse()
        .ok()
}

/// The signal that killed the command, from the first line (`Killed by
/// signal 9 (SIGKILL)`).
pub fn signal(output: &str) -> Option<i32> {
    output
        .lines()
        .next()?
        .strip_prefix(KILLED)?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// A killed command's reason for people: `killed by SIGKILL (signal 9)`,
/// `killed by signal 40` for a signal without a usual name.
pub fn killed_by(sig: i32) -> String {
    match super::exec::signal_name(sig) {
        Some(name) => format!("killed by {name} (signal {sig})"),
        None => format!("killed by signal {sig}"),
    }
}

/// The run time as written (`0.3 s`).
pub fn wall_time(output: &str) -> Option<&str> {
    let (status, _) = split(output)?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(WALL_TIME))
        .map(str::trim)
}

/// Bytes dropped from the middle of the output before the output cap.
pub fn dropped(output: &str) -> u64 {
    let status = split(output).map_or("", |(s, _)| s);
    status
        .lines()
        .find_map(|l| {
            l.strip_prefix(DROPPED.0)?
                .strip_suffix(DROPPED.1)?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_reads_back_as_written() {
        let text = format!(
            "{EXIT_CODE}2\n{WALL_TIME}0.3 s\n{}{OUTPUT}boom\n",
            dropped_line(40)
        );
        assert_eq!(exit_code(&text), Some(2));
        assert_eq!(wall_time(&text), Some("0.3 s"));
        assert_eq!(dropped(&text), 40);
        assert_eq!(printed(&text), "boom\n");
        assert_eq!(printed("plain"), "plain");
        assert_eq!(exit_code("Killed by signal 9 (SIGKILL)\nOutput:\n"), None);
        assert_eq!(signal("Killed by signal 9 (SIGKILL)\nOutput:\n"), Some(9));
        assert_eq!(signal("Killed by signal 40\nOutput:\n"), Some(40));
        assert_eq!(signal(&text), None);
        assert_eq!(killed_by(9), "killed by SIGKILL (signal 9)");
        assert_eq!(killed_by(40), "killed by signal 40");
    }
}
