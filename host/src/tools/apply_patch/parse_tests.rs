use super::*;

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn parses_every_operation() {
    let ops = parse(
        "*** Begin Patch\n\
         *** Add File: new.txt\n\
         +one\n\
         +two\n\
         *** Update File: src/lib.rs\n\
         *** Move to: src/renamed.rs\n\
         @@ fn main\n \
         keep\n\
         -old\n\
         +new\n\
         @@\n \
         tail\n\
         +more\n\
         *** End of File\n\
         *** Delete File: gone.txt\n\
         *** End Patch",
    )
    .unwrap();
    assert_eq!(ops.len(), 3);
    assert_eq!(
        ops[0],
        FileOp::Add {
            path: "new.txt".into(),
            lines: s(&["one", "two"])
        }
    );
    let FileOp::Update {
        path,
        move_to,
        hunks,
    } = &ops[1]
    else {
        panic!("expected an update: {:?}", ops[1]);
    };
    assert_eq!(path, "src/lib.rs");
    assert_eq!(move_to.as_deref(), Some("src/renamed.rs"));
    assert_eq!(hunks.len(), 2);
    assert_eq!(hunks[0].header.as_deref(), Some("fn main"));
    assert_eq!(hunks[0].old_lines(), s(&["keep", "old"]));
    assert_eq!(hunks[0].new_lines(), s(&["keep", "new"]));
    assert!(!hunks[0].end_of_file);
    assert_eq!(hunks[1].header, None);
    assert_eq!(hunks[1].old_lines(), s(&["tail"]));
    assert_eq!(hunks[1].new_lines(), s(&["tail", "more"]));
    assert!(hunks[1].end_of_file);
    assert_eq!(
        ops[2],
        FileOp::Delete {
            path: "gone.txt".into()
        }
    );
}

#[test]
fn lenient_with_whitespace_crlf_heredoc_and_case() {
    let text = "apply_patch <<'EOF'\r\n\r\n  *** Begin Patch  \r\n*** update file:  a.txt \r\n@@\r\n-x\r\n+y\r\n\r\n*** End Patch\r\nEOF";
    let ops = parse(text).unwrap();
    let FileOp::Update { path, hunks, .. } = &ops[0] else {
        panic!("{ops:?}");
    };
    assert_eq!(path, "a.txt");
    // The blank line before the end marker is not a context line.
    assert_eq!(hunks[0].old_lines(), s(&["x"]));
    assert_eq!(hunks[0].new_lines(), s(&["y"]));
}

#[test]
fn blank_lines_inside_hunks_are_empty_context() {
    let ops = parse("*** Begin Patch\n*** Update File: a\n@@\n a\n\n-b\n*** End Patch\n").unwrap();
    let FileOp::Update { hunks, .. } = &ops[0] else {
        panic!("{ops:?}");
    };
    assert_eq!(hunks[0].old_lines(), s(&["a", "", "b"]));
    assert_eq!(hunks[0].new_lines(), s(&["a", ""]));
}

#[test]
fn first_hunk_may_omit_the_at_line_and_headers_may_be_unified_ranges() {
    let ops = parse(
        "*** Begin Patch\n*** Update File: a\n-x\n+y\n@@ -10,3 +10,3 @@ impl Foo\n-p\n+q\n*** End Patch",
    )
    .unwrap();
    let FileOp::Update { hunks, .. } = &ops[0] else {
        panic!("{ops:?}");
    };
    assert_eq!(hunks.len(), 2);
    assert_eq!(hunks[0].header, None);
    assert_eq!(hunks[1].header.as_deref(), Some("impl Foo"));
}

#[test]
fn malformed_patches_say_what_is_wrong() {
    assert_eq!(parse(""), Err(ParseError::Empty));
    assert_eq!(parse("  \n\n"), Err(ParseError::Empty));
    let e = parse("*** Update File: a\n-x\n*** End Patch").unwrap_err();
    assert!(
        e.to_string()
            .contains("must start with the line '*** Begin Patch'")
    );
    assert!(e.to_string().contains("*** Update File: a"));
    let e = parse("*** Begin Patch\n*** Delete File: a\n").unwrap_err();
    assert!(
        e.to_string()
            .contains("must end with the line '*** End Patch'")
    );
    assert_eq!(
        parse("*** Begin Patch\n*** End Patch"),
        Err(ParseError::NoOps)
    );
    let e = parse("*** Begin Patch\n*** Rename File: a\n*** End Patch").unwrap_err();
    assert_eq!(
        e,
        ParseError::UnknownMarker {
            line: 2,
            text: "*** Rename File: a".into()
        }
    );
    assert!(e.to_string().contains("line 2"));
    let e = parse("*** Begin Patch\n*** Add File: n\nno plus\n*** End Patch").unwrap_err();
    assert!(matches!(e, ParseError::AddLine { line: 3, .. }), "{e}");
    let e = parse("*** Begin Patch\n*** Update File: a\n@@\n x\nbad\n*** End Patch").unwrap_err();
    assert!(matches!(e, ParseError::HunkLine { line: 5, .. }), "{e}");
    assert!(e.to_string().contains("'bad'"));
    let e = parse("*** Begin Patch\n*** Update File: a\n*** End Patch").unwrap_err();
    assert!(matches!(e, ParseError::EmptyUpdate { .. }), "{e}");
    let e = parse("*** Begin Patch\n*** Update File: a\n@@\n@@\n-x\n*** End Patch").unwrap_err();
    assert!(matches!(e, ParseError::EmptyHunk { .. }), "{e}");
    let e = parse("*** Begin Patch\n*** Delete File:  \n*** End Patch").unwrap_err();
    assert!(matches!(e, ParseError::NoPath { line: 2, .. }), "{e}");
}

#[test]
fn pure_move_needs_no_hunks() {
    let ops = parse("*** Begin Patch\n*** Update File: a\n*** Move to: b\n*** End Patch").unwrap();
    assert_eq!(
        ops,
        vec![FileOp::Update {
            path: "a".into(),
            move_to: Some("b".into()),
            hunks: vec![]
        }]
    );
}

#[test]
fn add_file_keeps_inner_blank_lines_and_drops_trailing_ones() {
    let ops = parse("*** Begin Patch\n*** Add File: n\n+a\n\n+b\n\n*** End Patch").unwrap();
    assert_eq!(
        ops[0],
        FileOp::Add {
            path: "n".into(),
            lines: s(&["a", "", "b"])
        }
    );
}
