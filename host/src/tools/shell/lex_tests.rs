//! Tests of the `lex` module: lines read by quire against what bash runs.

use std::process::Command as Process;

use super::*;

/// The simple commands bash runs for `line` (each as its arguments),
/// sorted (a pipeline's and a background job's commands run at once).
/// Every command is one bash cannot find: `command_not_found_handle`,
/// set through BASH_ENV, writes its words to a file of its own.
fn bash_runs(line: &str) -> Vec<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let (work, out) = (dir.path().join("work"), dir.path().join("out"));
    std::fs::create_dir(&work).unwrap();
    std::fs::create_dir(&out).unwrap();
    let env = dir.path().join("env.sh");
    std::fs::write(
        &env,
        "command_not_found_handle() { printf '%s\\037' \"$@\" > \"$OUT/$BASHPID.$RANDOM$RANDOM\"; }\n",
    )
    .unwrap();
    Process::new(super::super::exec::shell_program())
        .arg("-c")
        .arg(line)
        .current_dir(&work)
        .env_clear()
        .env("PATH", dir.path().join("empty"))
        .env("BASH_ENV", &env)
        .env("OUT", &out)
        .output()
        .unwrap();
    let mut runs: Vec<Vec<String>> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
            let args = text.strip_suffix('\x1f').unwrap_or(&text);
            args.split('\x1f').map(String::from).collect()
        })
        .collect();
    runs.sort();
    runs
}

/// The words of each command quire reads in `line`, sorted.
fn quire_reads(line: &str) -> Vec<Vec<String>> {
    let read = read_as(line, true);
    assert_eq!(read.unsure, None, "{line:?} was not read");
    let mut runs: Vec<Vec<String>> = read
        .commands
        .iter()
        .map(|c| {
            assert!(c.words.iter().all(Word::known), "{line:?}: {c:?}");
            let args = c.words.iter().skip_while(|w| w.assigns);
            args.map(|w| w.text.clone()).collect()
        })
        .collect();
    runs.sort();
    runs
}

#[test]
fn bash_is_the_shell_here() {
    assert!(super::super::exec::runs_bash());
}

#[test]
fn commands_and_words_are_those_bash_runs() {
    for line in [
        // The tester's shapes: `$'\''` is one quote, the newline ends `ls`.
        "ls $'\\'' \ntouch /x/ansic #'",
        "cargo test $'\\'' \ntouch /x/always #'",
        "lsx $'\\'' \nrm precious.txt #'",
        // ANSI-C escapes.
        "lsx $'a\\x41\\101\\u0042\\U00000043\\n\\t\\\\\\\"\\?\\e\\E\\a\\b\\f\\v\\r'",
        "lsx $'\\x' $'\\u' $'\\z' $'\\q\\'' x$'y'z",
        "lsx $'\\x2d\\x2dpre' $'-\\144elete'",
        "lsx $'a\nb' $'\\\n'",
        // Locale strings are double quotes; `$'` inside double quotes is plain.
        "lsx $\"a b\" \"x$'y'\" \"q$\"",
        // Plain quoting and escapes.
        "lsx \"b\\\"c\\q\\$\" 'd\\e' f\\ g \"\" ''",
        // Line continuations, in words and between them.
        "lsx a\\\nb c \\\n d \"e\\\nf\"",
        "r\\\nm -f x",
        // Comments only from a word's start, to the end of the line only.
        "lsx x#y a# #c \\\ntouch also-run\ntouch run",
        "lsx; #c\ntouch y",
        "lsx &&#c\ntouch z",
        // Separators.
        "lsx ; touch a ; rm b",
        "lsx & touch a & rm b",
        "lsx | touch a |& rm b",
        // Redirections are not words; descriptors are not words.
        "lsx 2>/dev/null >&2 <<<'here; string' 3< /dev/null 1>| /dev/null 6<>/dev/null",
        "lsx a2>/dev/null \"2\">/dev/null &>/dev/null &>>/dev/null 3<&0",
        // Assignments in front run no command of their own.
        "A=1 B=\"2 3\" lsx y",
        // Non-breaking spaces and carriage returns are word characters.
        "lsx\u{a0}x y\r",
    ] {
        assert_eq!(quire_reads(line), bash_runs(line), "{line:?}");
    }
}

#[test]
fn lists_and_pipes_split_where_bash_splits_them() {
    let read = read_as("a && b || c | d |& e & f; g\nh", true);
    assert_eq!(read.unsure, None);
    assert!(read.background);
    let firsts: Vec<&str> = read
        .commands
        .iter()
        .map(|c| c.words[0].text.as_str())
        .collect();
    assert_eq!(firsts, ["a", "b", "c", "d", "e", "f", "g", "h"]);
    // A newline after an operator continues the list.
    assert_eq!(read_as("a &&\n\nb |\nc", true).commands.len(), 3);
    assert!(read_as("ls > out", true).commands[0].redirected);
}

#[test]
fn what_quire_cannot_read_is_unsure() {
    for line in [
        "echo $(rm x)",
        "echo \"$(rm x)\"",
        "echo `rm x`",
        "echo \"`rm x`\"",
        "echo $((1+2))",
        "echo $[1+2]",
        "echo ${x:-$(rm y)}",
        "echo \"${HOME}\"",
        "(rm x)",
        "{ rm x; }",
        "ls {a,b}",
        "ls -{delete,}",
        "ls <(rm x)",
        "ls >(rm x)",
        "((x=1))",
        "cat <<EOF\nrm x\nEOF",
        "cat <<-'EOF'\nrm x\nEOF",
        "if true; then rm x; fi",
        "while false; do rm x; done",
        "for f in a; do rm $f; done",
        "! if x; then y; fi",
        "case x in x) rm;; esac",
        "a ;& b",
        "a ;; b",
        "f() { rm x; }; f",
        "function f { rm x; }",
        "coproc rm x",
        "echo 'open",
        "echo \"open",
        "echo $'open",
        "echo $'open\\'",
        "echo open\\",
        "; ls",
        "ls && ; rm x",
        "ls | | rm x",
        "ls >",
        "ls > ; rm x",
        "ls > #x\nrm y",
        "ls > > x",
    ] {
        assert!(read_as(line, true).unsure.is_some(), "{line:?}");
    }
    // A POSIX sh has no `$'…'`: where its string ends is not bash's.
    assert!(read_as("ls $'a\\' ; rm x #'", false).unsure.is_some());
    assert!(read_as("ls $\"a\"", false).unsure.is_some());
    assert_eq!(read_as("ls 'a' \"b\"", false).unsure, None);
}

#[test]
fn expansions_and_globs_mark_their_words() {
    let words = |line: &str| read_as(line, true).commands.remove(0).words;
    let w = words("ls $x \"$1\" $@ a$- plain 'q' *.rs src/*.rs -* a[bc] [ ]] ~/x");
    let flags: Vec<(bool, bool)> = w.iter().map(|w| (w.known(), w.may_be_option())).collect();
    assert_eq!(
        flags,
        [
            (true, false),  // ls
            (false, true),  // $x
            (false, true),  // "$1"
            (false, true),  // $@
            (false, true),  // a$-
            (true, false),  // plain
            (true, false),  // 'q'
            (false, true),  // *.rs: any file name, `-rf` too
            (false, false), // src/*.rs: names starting with src/
            (false, true),  // -*
            (false, false), // a[bc]
            (true, false),  // [
            (true, false),  // ]]
            (true, false),  // ~/x
        ]
    );
    assert!(!words("'*'")[0].globs);
    assert!(words("\"\"*")[0].may_be_option());
    // Escapes whose value quire does not decode exactly.
    for line in [
        "x $'\\ca'",
        "x $'a\\0b'",
        "x $'\\xe9'",
        "x $'\\u00e9'",
        "x $'\\400'",
    ] {
        assert!(!words(line)[1].known(), "{line}");
    }
    assert!(words("$'\\c''x'")[0].expands);
}

#[test]
fn assignments_and_plain_words_are_told_apart() {
    let words = read_as("A=1 b+=2 'C=3' D\\=4 5=x ! e=", true)
        .commands
        .remove(0)
        .words;
    let assigns: Vec<bool> = words.iter().map(|w| w.assigns).collect();
    assert_eq!(assigns, [true, true, false, false, false, false, true]);
    assert!(words[5].plain);
    assert!(!read_as("\\!", true).commands[0].words[0].plain);
}

/// Random lines of shell syntax: each line quire reads with certainty
/// must run no command quire did not see (a command may not run at all:
/// `&&`, a failed redirection).
#[test]
fn random_lines_run_only_what_quire_reads() {
    let pieces = [
        "a", "b", "x1", " ", " ", "\t", "\n", ";", "&", "|", "'", "'", "\"", "\"", "\\", "\\", "$",
        "#", "<", ">", "2", "=", "\\'", "$'", "$\"", "*", "?", "[", "]", "-", ">&-", "$x", "A=",
        "$'\\\\'", ";\n",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut read_surely = 0;
    for _ in 0..400 {
        let line: String = (0..3 + next(24))
            .map(|_| pieces[next(pieces.len())])
            .collect();
        let read = read_as(&line, true);
        if read.unsure.is_some() {
            continue;
        }
        read_surely += 1;
        for ran in bash_runs(&line) {
            let seen = read.commands.iter().any(|c| {
                let mut words = c.words.iter().skip_while(|w| w.assigns || w.leads());
                let Some(first) = words.next() else {
                    return false;
                };
                // A word quire cannot know may be anything.
                if !first.known() {
                    return true;
                }
                let rest: Vec<&Word> = words.collect();
                first.text == ran[0]
                    && (rest.iter().any(|w| !w.known())
                        || rest.iter().map(|w| &w.text).eq(ran[1..].iter()))
            });
            assert!(seen, "{line:?}: bash ran {ran:?}, quire read {read:?}");
        }
    }
    assert!(read_surely > 100, "{read_surely}");
}
