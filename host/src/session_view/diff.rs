//! A patch's per-file unified diffs laid out with line numbers, as marked
//! text: the terminal view colours the marks, the line mode prints the text.

use serde_json::Value;

/// What a piece of a diff line is (each front end styles it its own way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// A file's heading: its operation and path.
    Head,
    Added,
    Removed,
    /// Line numbers, gaps between hunks, lines that are not diff lines.
    Dim,
    /// A context line.
    Plain,
}

/// One line of a laid-out diff: its pieces in order.
pub type DiffLine = Vec<(Part, String)>;

/// Lines for the `files` of a patch result (or an approval's diff text).
pub fn files(files: &Value) -> Vec<DiffLine> {
    let mut out = Vec::new();
    for f in files.as_array().into_iter().flatten() {
        let s = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or("");
        let n = |k: &str| f.get(k).and_then(Value::as_u64).unwrap_or(0);
        let tag = match s("status") {
            "added" => "A",
            "deleted" => "D",
            "moved" => "R",
            _ => "M",
        };
        // A move names both ends: `R old → new`; an end outside the
        // workspace is named with where it really is, marked.
        let mut line = vec![(Part::Head, format!("  {tag} "))];
        if !s("from").is_empty() {
            line.extend(end(s("from"), s("outside_from")));
            line.push((Part::Head, " → ".into()));
        }
        line.extend(end(s("path"), s("outside")));
        line.push((Part::Added, format!(" +{}", n("added"))));
        line.push((Part::Removed, format!(" -{}", n("removed"))));
        out.push(line);
        out.extend(unified(s("diff")));
    }
    out
}

/// One end of a file's line: its path, and when it is outside the
/// workspace (`real`, empty when not) where it really is, marked:
/// `vendor/.bashrc → /home/u/.bashrc  (outside the workspace)`.
fn end(path: &str, real: &str) -> Vec<(Part, String)> {
    let mut out = vec![(Part::Head, quire::printable::quoted_name(path).into_owned())];
    if !real.is_empty() {
        if real != path {
            out.push((
                Part::Head,
                format!(" → {}", quire::printable::quoted_name(real)),
            ));
        }
        out.push((Part::Removed, "  (outside the workspace)".into()));
    }
    out
}

/// A unified diff's hunks with old/new line numbers; file headers dropped.
pub fn unified(diff: &str) -> Vec<DiffLine> {
    let (mut old, mut new) = (0u64, 0u64);
    let width = max_line_number(diff).to_string().len().max(2);
    let mut out = Vec::new();
    let mut hunks = 0;
    for line in diff.lines() {
        if line.starts_with("--- ") || line.starts_with("+++ ") {
            continue;
        }
        if let Some((o, n)) = hunk_start(line) {
            if hunks > 0 {
                out.push(vec![(Part::Dim, format!("    {:>width$} ⋮", ""))]);
            }
            hunks += 1;
            (old, new) = (o, n);
            continue;
        }
        let (num, mark, body, part) = match line.chars().next() {
            Some('+') => {
                new += 1;
                (new, "+", &line[1..], Part::Added)
            }
            Some('-') => {
                old += 1;
                (old, "-", &line[1..], Part::Removed)
            }
            Some(' ') => {
                old += 1;
                new += 1;
                (new, " ", &line[1..], Part::Plain)
            }
            _ => {
                out.push(vec![(
                    Part::Dim,
                    format!("    {}", quire::tabs::expand(line)),
                )]);
                continue;
            }
        };
        // Tab stops counted from the start of the file's line, as an
        // editor shows it (a tab in a terminal cell would show as one
        // space).
        let body = quire::tabs::expand(body);
        out.push(vec![
            (Part::Dim, format!("    {num:>width$} ")),
            (part, format!("{mark}{body}")),
        ]);
    }
    out
}

/// The text of a laid-out line.
pub fn text(line: &DiffLine) -> String {
    line.iter().map(|(_, s)| s.as_str()).collect()
}

/// `@@ -3,4 +3,5 @@` → the line before the first of each side.
fn hunk_start(line: &str) -> Option<(u64, u64)> {
    let rest = line.strip_prefix("@@ -")?;
    let (old, rest) = rest.split_once(" +")?;
    let (new, _) = rest.split_once(" @@")?;
    let first = |s: &str| s.split(',').next().and_then(|n| n.parse::<u64>().ok());
    Some((first(old)?.saturating_sub(1), first(new)?.saturating_sub(1)))
}

fn max_line_number(diff: &str) -> u64 {
    diff.lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("@@ -")?;
            let (old, rest) = rest.split_once(" +")?;
            let (new, _) = rest.split_once(" @@")?;
            let end = |s: &str| {
                let mut p = s.split(',');
                let a = p.next()?.parse::<u64>().ok()?;
                let b = p.next().and_then(|b| b.parse::<u64>().ok()).unwrap_or(1);
                Some(a + b)
            };
            Some(end(old)?.max(end(new)?))
        })
        .max()
        .unwrap_or(1)
}
