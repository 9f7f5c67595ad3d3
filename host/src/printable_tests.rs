use super::{as_terminal_line, clean, quoted_name, quoted_os_name};

#[test]
fn plain_text_is_borrowed_untouched() {
    let s = "fn main() {\n\tprintln!(\"日本語 🚀\");\n}\n";
    assert!(matches!(clean(s), std::borrow::Cow::Borrowed(_)));
    assert_eq!(clean(s), s);
}

#[test]
fn sequences_that_act_on_the_terminal_are_dropped_whole() {
    let cases = [
        // OSC 52: write the clipboard, ended by BEL and by ST.
        ("a\x1b]52;c;Y3VybCBldmlsfHNo\x07b", "ab"),
        ("a\x1b]52;c;Y3VybA==\x1b\\b", "ab"),
        // Clear the screen, move the cursor, colour.
        ("x\x1b[2J\x1b[H\x1b[1;31my", "xy"),
        // OSC 8 hyperlink hiding its target.
        ("\x1b]8;;https://evil\x1b\\click\x1b]8;;\x1b\\", "click"),
        // DCS, charset selection, a two-character sequence.
        ("a\x1bPq#0;2;0;0;0\x1b\\b\x1b(Bc\x1bcd", "abcd"),
        // 8-bit CSI and OSC.
        ("a\u{9b}2Jb\u{9d}52;c;x\u{9c}c", "abc"),
        // A bare carriage return would overwrite the line; backspace, bell, DEL.
        ("safe\rrm -rf /\x08\x07\x7f", "saferm -rf /"),
        // A sequence cut at the end of the text.
        ("tail\x1b[", "tail"),
        ("tail\x1b", "tail"),
    ];
    for (input, want) in cases {
        assert_eq!(clean(input), want, "{input:?}");
    }
}

#[test]
fn line_ends_and_tabs_stay() {
    assert_eq!(clean("a\r\nb\tc\n"), "a\nb\tc\n");
}

#[test]
fn a_sequence_split_across_stream_pieces_is_dropped_whole() {
    let text = "before\x1b]52;c;Y3VybCBldmlsLnNofHNo\x07\x1b[2Jafter\x1b[1;3";
    let whole = clean(text);
    for cut in 0..=text.len() {
        if !text.is_char_boundary(cut) {
            continue;
        }
        let mut stream = super::Stream::default();
        let got = stream.push(&text[..cut]) + &stream.push(&text[cut..]);
        assert_eq!(got, whole, "cut at {cut}");
    }
    assert_eq!(whole, "beforeafter");
}

#[test]
fn a_sequence_that_never_ends_is_not_held_without_bound() {
    let mut stream = super::Stream::default();
    assert_eq!(stream.push("a\x1b]52;"), "a");
    let long = "x".repeat(super::HELD_MAX + 1);
    assert_eq!(stream.push(&long), "");
    assert_eq!(stream.push("visible"), "visible");
}

#[test]
fn names_with_controls_are_quoted_with_visible_escapes() {
    assert_eq!(quoted_name("src/ünï cødé.rs"), "src/ünï cødé.rs");
    assert_eq!(quoted_name("new\nline.txt"), "\"new\\nline.txt\"");
    // The name that reads like the escape is told apart from it.
    assert_eq!(quoted_name("new\\nline.txt"), "\"new\\\\nline.txt\"");
    assert_eq!(quoted_name("a\x1b[2Jb\"c"), "\"a\\033[2Jb\\\"c\"");
}

#[test]
fn names_that_are_not_utf8_show_their_bytes_in_octal() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    assert_eq!(quoted_os_name(OsStr::new("plain.txt")), "plain.txt");
    assert_eq!(
        quoted_os_name(OsStr::from_bytes(b"caf\xe9.txt")),
        "\"caf\\351.txt\""
    );
    assert_eq!(
        quoted_os_name(OsStr::from_bytes(b"\xff\xfe/new\nline \x80\"q\"")),
        "\"\\377\\376/new\\nline \\200\\\"q\\\"\""
    );
}

#[test]
fn bidirectional_controls_are_dropped_and_shown_escaped_in_names() {
    // Every embedding, override, isolate and mark: none may reorder text.
    let bidi = "\u{202a}\u{202b}\u{202c}\u{202d}\u{202e}\u{2066}\u{2067}\u{2068}\u{2069}\u{200e}\u{200f}\u{61c}";
    assert_eq!(clean(&format!("H {bidi} I")), "H  I");
    assert_eq!(super::one_line("a\u{202e}b\nc"), "ab c");
    let mut stream = super::Stream::default();
    assert_eq!(stream.push("x\u{2067}y"), "xy");
    // Right-to-left text itself stays.
    assert_eq!(clean("שלום عربي"), "שלום عربي");
    assert_eq!(
        quoted_name("a\u{202e}txt.exe"),
        "\"a\\342\\200\\256txt.exe\""
    );
    assert_eq!(quoted_name("שלום.txt"), "שלום.txt");
}

#[test]
fn commands_are_shown_as_written_unless_they_hold_controls() {
    use super::shown_command;
    assert_eq!(
        shown_command(r#"find . -exec sh {} \; "x""#),
        r#"find . -exec sh {} \; "x""#
    );
    assert_eq!(shown_command("ls\r\u{1b}[2Kok"), "\"ls\\r\\033[2Kok\"");
    assert_eq!(shown_command("a\nb"), "\"a\\nb\"");
}

#[test]
fn escaped_line_keeps_one_line_and_shows_breaks() {
    use super::escaped_line;
    assert_eq!(escaped_line("bug in new\nline.rs"), "bug in new\\nline.rs");
    assert_eq!(escaped_line("a\r\nb\x1b[2Jc"), "a\\r\\nbc");
    assert_eq!(escaped_line("plain\ttitle"), "plain\ttitle");
}

#[test]
fn a_terminal_line_ends_as_its_last_frame_without_colours() {
    assert_eq!(
        as_terminal_line("progress 10%\rprogress 50%\rprogress 100%"),
        "progress 100%"
    );
    assert_eq!(as_terminal_line("abcdef\rxy"), "xycdef");
    assert_eq!(
        as_terminal_line("\u{1b}[32mPASSED\u{1b}[0m test_a \u{1b}[31mFAILED\u{1b}[0m"),
        "PASSED test_a FAILED"
    );
    assert_eq!(as_terminal_line("done\r"), "done");
    assert_eq!(as_terminal_line("\u{1b}]0;title\u{7}plain"), "plain");
}
