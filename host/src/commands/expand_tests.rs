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
    let got = pieces(
        body,
        "'x;touch /tmp/p' \"!`touch /tmp/q`\"",
        Numbering::FromOne,
    )
    .unwrap();
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
        pieces(
            "Before\n```!\necho $1\n```\nAfter !`date`",
            "x",
            Numbering::FromOne
        )
        .unwrap()[1..4],
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
        pieces("!`$(echo $1)`", "a", Numbering::FromOne).unwrap()[1],
        Piece::Command {
            line: "$(echo 'a')".into(),
            written: "$(echo $1)".into(),
        }
    );
}

#[test]
fn a_line_whose_placeholder_cannot_be_filled_safely_is_named() {
    let got = pieces("Sum: !`echo $(( $1 + 1 ))`", "2", Numbering::FromOne);
    assert_eq!(
        got,
        Err((
            "echo $(( $1 + 1 ))".to_string(),
            line_args::Refused::Arithmetic
        ))
    );
}

#[test]
fn a_skill_counts_from_zero_and_indexes_arguments() {
    let got: String = pieces(
        "A=$ARGUMENTS 0=$0 1=$1 I0=$ARGUMENTS[0] I1=$ARGUMENTS[1] !`echo $0 $ARGUMENTS[1]`",
        "Bob \"two words\"",
        Numbering::FromZero,
    )
    .unwrap()
    .into_iter()
    .map(|p| match p {
        Piece::Text(t) => t,
        Piece::Command { line, .. } => format!("<{line}>"),
    })
    .collect();
    assert_eq!(
        got,
        "A=Bob \"two words\" 0=Bob 1=two words I0=Bob I1=two words <echo 'Bob' 'two words'>"
    );
    // Commands keep `$1` as the first and leave `$0` alone.
    assert_eq!(substitute("$0 $1 $ARGUMENTS[1]", "a b"), "$0 a b");
    // A skill without a placeholder gets the arguments after it.
    let got = pieces("Hello.", "x y", Numbering::FromZero).unwrap();
    assert_eq!(got.last(), Some(&Piece::Text("\n\nARGUMENTS: x y".into())));
}
