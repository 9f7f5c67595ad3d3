//! The tidying, plain Rust (tested on the host with `cargo test`).

/// Tidies the file at `path` in place; `Ok(true)` when it changed.
pub fn tidy_file(path: &str) -> std::io::Result<bool> {
    let text = std::fs::read_to_string(path)?;
    let tidy = tidy(&text);
    if tidy == text {
        return Ok(false);
    }
    std::fs::write(path, tidy)?;
    Ok(true)
}

/// `text` without trailing whitespace on any line, with LF line endings
/// and exactly one final newline (an empty file stays empty).
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let kept = out.trim_end_matches('\n').len();
    out.truncate(kept);
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::tidy;

    #[test]
    fn whitespace_line_endings_and_the_final_newline_are_fixed() {
        assert_eq!(
            tidy("fn main() {  \r\n    let x = 1;\t\r\n}\n\n\n"),
            "fn main() {\n    let x = 1;\n}\n"
        );
        assert_eq!(tidy("fn a() {}"), "fn a() {}\n");
        assert_eq!(tidy("fn a() {}\n"), "fn a() {}\n");
        assert_eq!(tidy(""), "");
        assert_eq!(tidy("  \n\n"), "");
    }
}
