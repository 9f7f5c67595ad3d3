//! Tests of `line_args`: lines filled by quire against what bash does
//! with them.

use std::process::Command as Process;

use super::*;

/// Arguments that run code or add words when put in as they are.
const HOSTILE: [&str; 7] = [
    "$(touch pwn)",
    "`touch pwn`",
    "x\" --output=pwn \"y",
    "a'b;touch pwn;'",
    "back\\slash\\",
    "two\nlines;touch pwn",
    "'; touch pwn #",
];

/// What bash prints for `template` filled with the one argument `arg`
/// (quoted so that it is one), and whether a file `pwn` appeared.
fn bash_prints(template: &str, arg: &str) -> (String, bool) {
    let dir = tempfile::tempdir().unwrap();
    let typed = format!("\"{arg}\"");
    let typed = if arg.contains('"') {
        format!("'{arg}'")
    } else {
        typed
    };
    assert_eq!(split_args(&typed), [arg], "{typed}");
    let line = fill_line(template, &typed).unwrap();
    let out = Process::new("bash")
        .arg("-c")
        .arg(&line)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (text, dir.path().join("pwn").exists())
}

#[test]
fn an_argument_stays_one_literal_word_wherever_the_placeholder_sits() {
    for arg in HOSTILE {
        for (template, want) in [
            ("printf '[%s]' $1", format!("[{arg}]")),
            ("printf '[%s]' \"--grep=$1\"", format!("[--grep={arg}]")),
            ("printf '[%s]' '<$1>'", format!("[<{arg}>]")),
            ("printf '[%s]' $'<$1>'", format!("[<{arg}>]")),
            ("printf '[%s]' \"$(printf '%s' $1)\"", format!("[{arg}]")),
            (
                "printf '[%s]' \"$(printf '%s' \"$1\")\"",
                format!("[{arg}]"),
            ),
            ("printf '[%s]' \"${QUIRE_UNSET_Q}$1\"", format!("[{arg}]")),
            ("printf '[%s]' $ARGUMENTS", format!("[{arg}]")),
            ("cat <<'EOF'\n[$1]\nEOF", format!("[{arg}]\n")),
        ] {
            let (got, pwned) = bash_prints(template, arg);
            assert_eq!(got, want, "{template} with {arg:?}");
            assert!(!pwned, "{template} with {arg:?} ran the argument");
        }
    }
}

#[test]
fn quoted_arguments_are_what_was_typed_and_unquoted_ones_words() {
    assert_eq!(
        fill_line(
            "git log --grep=\"$ARGUMENTS\" -- $ARGUMENTS",
            "fix \"the bug\""
        )
        .unwrap(),
        "git log --grep=\"fix \\\"the bug\\\"\" -- 'fix' 'the bug'"
    );
    assert_eq!(fill_line("echo $2 '$3'", "a").unwrap(), "echo '' ''");
}

#[test]
fn an_escaped_dollar_and_a_comment_keep_the_placeholder_as_written() {
    assert_eq!(
        fill_line("echo \\$1 \"\\$1\" $1 # not $1", "$(x)").unwrap(),
        "echo \\$1 \"\\$1\" '$(x)' # not $1"
    );
}

#[test]
fn where_no_form_is_literal_the_line_is_refused() {
    for (template, why) in [
        ("echo $(( $1 + 1 ))", Refused::Arithmetic),
        ("echo \"$(( $1 ))\"", Refused::Arithmetic),
        ("(( $1 > 2 )) && echo big", Refused::Arithmetic),
        ("echo `basename $1`", Refused::Backquotes),
        ("echo \"`echo '$1'`\"", Refused::Backquotes),
        ("cat <<EOF\n$1\nEOF", Refused::ExpandingHeredoc),
        ("echo \"${X:-$1}\"", Refused::Unclear),
        ("echo \"$(case a in a) echo;; esac) $1\"", Refused::Unclear),
    ] {
        assert_eq!(fill_line(template, "a"), Err(why), "{template}");
    }
    assert_eq!(
        fill_line("cat <<'END'\n$1\nEND", "\"x\nEND\""),
        Err(Refused::HeredocEnd)
    );
    // Lines that read a quoted value as code elsewhere are refused whole.
    for (template, what) in [
        ("[[ $1 -gt 0 ]] && echo big", "[["),
        ("[[ -v \"$1\" ]]", "[["),
        ("let n=\"$1\"+1; echo $n", "arithmetic"),
        ("declare -i n=\"$1\"; echo $n", "arithmetic"),
        ("echo $[ 1 + 2 ] '$1'", "arithmetic"),
        ("a[\"$1\"]=x; echo ok", "subscript"),
        ("eval \"echo $1\"", "eval"),
        ("bash -c \"echo $1\"", "eval"),
        ("bash -x -c \"echo $1\"", "eval"),
        ("sh -o pipefail -c \"echo $ARGUMENTS\"", "eval"),
        ("if [ -v \"$1\" ]; then echo set; fi", "name"),
        ("test -v \"$ARGUMENTS\"", "name"),
        ("printf -v \"$1\" %s hello", "name"),
        ("echo value | read \"$1\"", "name"),
    ] {
        assert_eq!(
            fill_line(template, "a[$(touch pwned)]"),
            Err(Refused::Evaluating(what)),
            "{template}"
        );
    }
    // `export`, `local` without -i, `[ … ]` are plain.
    assert!(fill_line("export X=\"$1\"; [ \"$X\" = a ] && echo y", "a").is_ok());
    // Arithmetic, backquotes and here-documents without a placeholder run.
    assert_eq!(
        fill_line("echo $((1 << 2)) `date` $1", "a").unwrap(),
        "echo $((1 << 2)) `date` 'a'"
    );
}
