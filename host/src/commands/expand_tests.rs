use super::*;

#[test]
fn arguments_fill_placeholders() {
    assert_eq!(
        substitute(
            "Fix issue $1 with priority $2: $ARGUMENTS",
            "123 \"very high\""
        ),
        "Fix issue 123 with priority very high: 123 \"very high\""
    );
    assert_eq!(substitute("Cost is $5 or $x", ""), "Cost is  or $x");
}

#[test]
fn without_placeholders_arguments_follow_the_body() {
    assert_eq!(
        substitute("Review.\n", "src/"),
        "Review.\n\nARGUMENTS: src/"
    );
    assert_eq!(substitute("Review.\n", ""), "Review.\n");
}

#[test]
fn arguments_in_a_command_line_are_quoted_words_and_never_make_one() {
    let body = "Echo: !`echo $1`\nAll: !`grep -r $ARGUMENTS .`\nSecond: $2";
    let got = pieces(body, "'x;touch /tmp/p' \"!`touch /tmp/q`\"").unwrap();
    let commands: Vec<&str> = got
        .iter()
        .filter_map(|p| match p {
            Piece::Command { line, .. } => Some(line.as_str()),
            Piece::Text(_) => None,
        })
        .collect();
    assert_eq!(
        commands,
        [
            "echo 'x;touch /tmp/p'",
            "grep -r 'x;touch /tmp/p' '!`touch /tmp/q`' ."
        ]
    );
    // In text the argument stays text: it is not a new command line.
    assert!(matches!(got.last(), Some(Piece::Text(t)) if t == "\nSecond: !`touch /tmp/q`"));
    assert_eq!(
        pieces("Before\n```!\necho $1\n```\nAfter !`date`", "x").unwrap()[1..4],
        [
            Piece::Command {
                line: "echo 'x'".into(),
                written: "echo $1".into(),
            },
            Piece::Text("\nAfter ".into()),
            Piece::Command {
                line: "date".into(),
                written: "date".into(),
            },
        ]
    );
    assert_eq!(
        pieces("!`$(echo $1)`", "a").unwrap()[1],
        Piece::Command {
            line: "$(echo 'a')".into(),
            written: "$(echo $1)".into(),
        }
    );
}

#[test]
fn a_line_whose_placeholder_cannot_be_filled_safely_is_named() {
    let got = pieces("Sum: !`echo $(( $1 + 1 ))`", "2");
    assert_eq!(
        got,
        Err((
            "echo $(( $1 + 1 ))".to_string(),
            line_args::Refused::Arithmetic
        ))
    );
}
