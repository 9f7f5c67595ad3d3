//! Tabs and lines too long for the view: tabs in code blocks and diffs go
//! to the next stop (4 columns, `quire::tabs`) instead of showing as one
//! space (in a table cell, as in prose, a tab is a space between words); a diff line or file name too long wraps under its
//! content column after a dim `↪`, never at column 0 across the numbers.

use serde_json::json;

use super::super::style::Palette;
use super::super::{diff, markdown};
use super::each;

const TABBED: &str = "Tabs:\n\n```go\nfunc main() {\n\tif ok {\n\t\treturn\n\t}\n}\n```\n\n| key | value |\n|-----|-------|\n| a\tb | 中\tx |\n";

#[test]
fn tabs_in_code_blocks_keep_their_indentation() {
    each("markdown_tabs", |w, pal| markdown::render(TABBED, w, pal));
    let text: Vec<String> = markdown::render(TABBED, 80, &Palette::new(false))
        .iter()
        .map(|l| l.to_string())
        .collect();
    let text = text.join("\n");
    assert!(text.contains("\n    if ok {\n"), "{text}");
    assert!(text.contains("\n        return\n"), "{text}");
    // A cell's words, as in prose.
    assert!(text.contains("a b"), "{text}");
}

fn long_patch() -> serde_json::Value {
    let name = format!("{}.txt", "ファイル名_".repeat(14));
    let long = format!("\tlet total = {};", "first + second + third + ".repeat(5));
    json!([{"status": "added", "path": name, "added": 2, "removed": 0,
        "diff": format!("--- /dev/null\n+++ b/x\n@@ -0,0 +1,2 @@\n+\tshort\n+{long}\n")}])
}

#[test]
fn long_diff_lines_and_names_wrap_under_their_content() {
    let patch = long_patch();
    each("diff_long", |w, pal| diff::files(&patch, w, pal));
    let lines = diff::files(&patch, 80, &Palette::new(false));
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    assert!(
        lines.iter().all(|l| l.width() <= 80),
        "every line fits: {text:#?}"
    );
    // The name: `  A ` leads, its continuation under the name.
    assert!(text[0].starts_with("  A ファイル名_"), "{text:#?}");
    assert!(text[1].starts_with("    ↪ "), "{text:#?}");
    // The tab at the start of a line is 4 columns, after the mark.
    assert_eq!(text.iter().filter(|t| t.contains("short")).count(), 1);
    let short = text.iter().find(|t| t.contains("short")).unwrap();
    assert!(short.ends_with(" 1 +    short"), "{short:?}");
    // The long line: numbers lead, the rest under the `+` after `↪`,
    // nothing lost.
    let at = text.iter().position(|t| t.contains("let total")).unwrap();
    assert!(text[at].starts_with("     2 +    let total"), "{text:#?}");
    let continued: Vec<&String> = text[at + 1..].iter().collect();
    assert!(!continued.is_empty(), "{text:#?}");
    assert!(
        continued.iter().all(|t| t.starts_with("       ↪ ")),
        "{text:#?}"
    );
    let joined: String = std::iter::once(text[at].trim_start_matches("     2 +"))
        .chain(continued.iter().map(|t| t.trim_start_matches("       ↪ ")))
        .collect();
    assert_eq!(
        joined,
        format!("    let total = {};", "first + second + third + ".repeat(5))
    );
}
