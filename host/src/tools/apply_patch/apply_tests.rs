use super::*;
use crate::tools::apply_patch::parse::{FileOp, parse};

/// Applies the hunks of a one-file update patch body to `content`.
fn run(content: &str, body: &str) -> Result<String, HunkError> {
    patched(content, body).map(|p| p.text)
}

/// [`run`], with the diff.
fn patched(content: &str, body: &str) -> Result<Patched, HunkError> {
    let ops = parse(&format!(
        "*** Begin Patch\n*** Update File: f.txt\n{body}\n*** End Patch"
    ))
    .unwrap();
    let FileOp::Update { hunks, .. } = &ops[0] else {
        panic!("{ops:?}");
    };
    apply_hunks("f.txt", content, hunks)
}

#[test]
fn replaces_lines_between_context() {
    let out = run("a\nb\nc\nd\n", "@@\n a\n-b\n+B\n c").unwrap();
    assert_eq!(out, "a\nB\nc\nd\n");
}

#[test]
fn several_hunks_apply_in_order() {
    let out = run("x\ny\nx\ny\n", "@@\n x\n-y\n+1\n@@\n x\n-y\n+2").unwrap();
    assert_eq!(out, "x\n1\nx\n2\n");
}

#[test]
fn header_narrows_where_the_hunk_applies() {
    let content = "fn a() {\n    return 0;\n}\nfn b() {\n    return 0;\n}\n";
    let out = run(content, "@@ fn b() {\n-    return 0;\n+    return 1;").unwrap();
    assert_eq!(
        out,
        "fn a() {\n    return 0;\n}\nfn b() {\n    return 1;\n}\n"
    );
    // A header that is only part of the line also works.
    let out = run(content, "@@ fn b\n-    return 0;\n+    return 2;").unwrap();
    assert!(out.ends_with("fn b() {\n    return 2;\n}\n"), "{out}");
}

#[test]
fn end_of_file_anchors_at_the_end() {
    let out = run("end\nmid\nend\n", "@@\n-end\n+last\n*** End of File").unwrap();
    assert_eq!(out, "end\nmid\nlast\n");
    let e = run("end\nmid\n", "@@\n-end\n+last\n*** End of File").unwrap_err();
    assert!(e.to_string().contains("not at the end"), "{e}");
}

#[test]
fn pure_additions_go_to_the_end_or_after_the_header() {
    assert_eq!(run("a\nb\n", "@@\n+c").unwrap(), "a\nb\nc\n");
    assert_eq!(run("a\nb\n", "@@ a\n+a2").unwrap(), "a\na2\nb\n");
    assert_eq!(run("", "@@\n+first").unwrap(), "first\n");
}

#[test]
fn whitespace_differences_are_tolerated() {
    // Trailing whitespace in the file.
    assert_eq!(run("a  \nb\n", "@@\n a\n-b\n+c").unwrap(), "a  \nc\n");
    // Indentation differs.
    assert_eq!(run("    a\n\tb\n", "@@\n a\n-b\n+c").unwrap(), "    a\nc\n");
}

#[test]
fn exact_match_is_preferred_over_a_lenient_one() {
    let out = run(" a\na\n", "@@\n-a\n+b").unwrap();
    assert_eq!(out, " a\nb\n");
}

#[test]
fn keeps_crlf_and_a_missing_final_newline() {
    assert_eq!(run("a\r\nb\r\n", "@@\n a\n-b\n+c").unwrap(), "a\r\nc\r\n");
    assert_eq!(run("a\nb", "@@\n a\n-b\n+c").unwrap(), "a\nc");
}

#[test]
fn each_line_keeps_its_own_end_in_a_file_mixing_lf_and_crlf() {
    // Only the changed line is written; it keeps the end of the line it
    // replaces.
    let p = patched("l1\nl2\r\nl3\nl4\n", "@@\n l3\n-l4\n+L4").unwrap();
    assert_eq!(p.text, "l1\nl2\r\nl3\nL4\n");
    assert_eq!(p.diff.text, "@@ -1,4 +1,4 @@\n l1\n l2\r\n l3\n-l4\n+L4\n");
    let p = patched("a\nb\r\nc\n", "@@\n-a\n+A\n b").unwrap();
    assert_eq!(p.text, "A\nb\r\nc\n");
    assert_eq!(p.diff.text, "@@ -1,3 +1,3 @@\n-a\n+A\n b\r\n c\n");
    // An added line ends as the line above it; at the start, as the
    // line below it.
    assert_eq!(
        run("a\nb\r\nc\n", "@@\n b\n+x\n c").unwrap(),
        "a\nb\r\nx\r\nc\n"
    );
    assert_eq!(
        run("a\r\nb\nc\n", "@@\n+x\n a").unwrap(),
        "x\r\na\r\nb\nc\n"
    );
    // Appended to a file without a final newline: the old last line gets
    // the ending most lines have.
    assert_eq!(
        run("a\r\nb\r\nc\nd", "@@\n d\n+e\n*** End of File").unwrap(),
        "a\r\nb\r\nc\nd\r\ne"
    );
    // A '\r' with no newline after it is part of the last line.
    assert_eq!(run("a\r\nb\r", "@@\n-a\n+A").unwrap(), "A\r\nb\r");
}

#[test]
fn the_diff_of_a_file_with_a_byte_order_mark_shows_it_on_line_1() {
    let p = patched("\u{feff}bom1\r\nbom2\r\n", "@@\n-bom1\n+BOM1").unwrap();
    assert_eq!(p.text, "\u{feff}BOM1\r\nbom2\r\n");
    assert_eq!(
        p.diff.text,
        "@@ -1,2 +1,2 @@\n-\u{feff}bom1\r\n+\u{feff}BOM1\r\n bom2\r\n"
    );
    assert!(p.exact);
    // As context too.
    let p = patched("\u{feff}x1\nx2\n", "@@\n x1\n-x2\n+X2").unwrap();
    assert_eq!(p.diff.text, "@@ -1,2 +1,2 @@\n \u{feff}x1\n-x2\n+X2\n");
    // A mark alone in the old or new file is in no line: not exact.
    assert!(!patched("\u{feff}a\n", "@@\n-a").unwrap().exact);
    assert!(patched("a\n", "@@\n-a").unwrap().exact);
}

#[test]
fn trailing_empty_context_may_stand_for_the_final_newline() {
    let out = run("a\nb\n", "@@\n a\n-b\n+c\n \n").unwrap();
    assert_eq!(out, "a\nc\n");
}

#[test]
fn mismatch_names_the_file_and_the_missing_line() {
    let e = run("one\ntwo\nthree\n", "@@\n one\n-deux\n+2").unwrap_err();
    assert_eq!(e.index, 1);
    let msg = e.to_string();
    assert!(msg.contains("hunk 1 of f.txt does not match"), "{msg}");
    assert!(msg.contains("    deux"), "{msg}");
    assert!(msg.contains("line 2 of the file is:\n    two"), "{msg}");
    assert!(msg.contains("The hunk:\n@@\n one\n-deux\n+2"), "{msg}");

    let e = run("a\nb\n", "@@\n-zzz\n+y").unwrap_err();
    assert!(
        e.to_string().contains("This line was not found:\n    zzz"),
        "{e}"
    );
}

#[test]
fn hunks_out_of_order_are_explained() {
    let e = run("a\nb\nc\n", "@@\n-c\n+C\n@@\n-a\n+A").unwrap_err();
    assert_eq!(e.index, 2);
    assert!(e.to_string().contains("must be in file order"), "{e}");
}

#[test]
fn missing_header_is_reported() {
    let e = run("a\n", "@@ fn nowhere\n-a\n+b").unwrap_err();
    assert!(
        e.to_string().contains("'@@ fn nowhere' line was not found"),
        "{e}"
    );
}

#[test]
fn new_file_ends_with_a_newline() {
    assert_eq!(new_file(&["a".into(), "b".into()]), "a\nb\n");
    assert_eq!(new_file(&[]), "");
}

#[test]
fn a_byte_order_mark_is_set_aside_and_kept() {
    let file = "\u{feff}bom1\nbom2\n";
    // Lines written without the mark match the first line.
    assert_eq!(
        run(file, "@@\n-bom1\n+BOM1\n bom2").unwrap(),
        "\u{feff}BOM1\nbom2\n"
    );
    // Lines copied with it match too, and the mark is not doubled.
    assert_eq!(
        run(file, "@@\n-\u{feff}bom1\n+\u{feff}BOM1").unwrap(),
        "\u{feff}BOM1\nbom2\n"
    );
    // Removing the first line keeps the mark at the start of the file.
    assert_eq!(run(file, "@@\n-bom1\n bom2").unwrap(), "\u{feff}bom2\n");
    // A file without one gets none.
    assert_eq!(run("bom1\n", "@@\n-bom1\n+x").unwrap(), "x\n");
}
