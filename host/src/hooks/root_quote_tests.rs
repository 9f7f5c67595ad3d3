use super::*;

/// Folders that break a command when pasted as plain text.
const HOSTILE: &[&str] = &[
    "/tmp/my repo/kit",
    "/tmp/w9 $(touch PWNED)/kit",
    "/tmp/a'b\"c/kit",
    "/tmp/`touch PWNED`/kit",
    "/tmp/back\\slash $HOME/kit",
    "/tmp/line\nEOF\ntouch PWNED\n/kit",
    "/tmp/x;touch PWNED&&y|z/kit",
    "/tmp/$'x\\n'/kit ${HOME}",
    "/tmp/*?[ab]~/kit",
];

/// `command` with `root` put in, run by bash (as hooks run) in a fresh
/// folder with the root in its environment: its stdout, and whether
/// anything was made in that folder.
fn run(command: &str, root: &str) -> (String, bool) {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(substitute(command, root))
        .current_dir(dir.path())
        .env("CLAUDE_PLUGIN_ROOT", root)
        .output()
        .unwrap();
    let made = std::fs::read_dir(dir.path()).unwrap().next().is_some();
    (String::from_utf8_lossy(&out.stdout).into_owned(), made)
}

#[test]
fn any_folder_stays_one_literal_word_wherever_the_variable_sits() {
    let commands = [
        "printf '<%s>\\n' ${CLAUDE_PLUGIN_ROOT}/x.sh",
        "printf '<%s>\\n' \"${CLAUDE_PLUGIN_ROOT}/x.sh\"",
        "printf '<%s>\\n' '${CLAUDE_PLUGIN_ROOT}/x.sh'",
        "printf '<%s>\\n' $'${CLAUDE_PLUGIN_ROOT}/x.sh'",
        "printf '<%s>\\n' ${PLUGIN_ROOT}/x.sh",
        "printf '<%s>\\n' \"$(printf '%s' ${CLAUDE_PLUGIN_ROOT}/x.sh)\"",
        "printf '<%s>\\n' \"$(printf '%s' \"${CLAUDE_PLUGIN_ROOT}/x.sh\")\"",
        "printf '<%s>\\n' \"`printf '%s' ${CLAUDE_PLUGIN_ROOT}/x.sh`\"",
        "x=${CLAUDE_PLUGIN_ROOT}/x.sh; printf '<%s>\\n' \"$x\"",
    ];
    for root in HOSTILE {
        let want = format!("<{root}/x.sh>\n");
        for command in commands {
            let (got, made) = run(command, root);
            assert_eq!(got, want, "{command:?} with {root:?}");
            assert!(!made, "{command:?} with {root:?} ran something");
        }
    }
}

#[test]
fn here_documents_and_comments_run_nothing_either() {
    for root in HOSTILE {
        let (got, made) = run(
            "cat <<EOF\nat ${CLAUDE_PLUGIN_ROOT}/x\nEOF\necho done",
            root,
        );
        assert_eq!(got, format!("at {root}/x\ndone\n"), "{root:?}");
        assert!(!made, "{root:?}");
        let (got, made) = run(
            "cat <<-'EOF'\n\tat ${CLAUDE_PLUGIN_ROOT}\n\tEOF\necho done",
            root,
        );
        // A folder with a line that would end the body is left to the
        // shell (here: as written, the body being literal).
        let put = match root.split('\n').any(|l| l == "EOF") {
            true => "${CLAUDE_PLUGIN_ROOT}",
            false => root,
        };
        assert_eq!(got, format!("at {put}\ndone\n"), "{root:?}");
        assert!(!made, "{root:?}");
        let (got, made) = run("echo ok # ${CLAUDE_PLUGIN_ROOT}\necho two", root);
        assert_eq!(got, "ok\ntwo\n", "{root:?}");
        assert!(!made, "{root:?}");
    }
}

#[test]
fn a_plain_folder_is_put_in_as_it_is() {
    let root = "/home/me/.agents/plugins/kit-1.2";
    for (command, want) in [
        (
            "bash ${CLAUDE_PLUGIN_ROOT}/hooks/a.sh",
            "bash /home/me/.agents/plugins/kit-1.2/hooks/a.sh",
        ),
        (
            "python3 \"${PLUGIN_ROOT}/a.py\" '$x'",
            "python3 \"/home/me/.agents/plugins/kit-1.2/a.py\" '$x'",
        ),
        ("echo $CLAUDE_PLUGIN_ROOT", "echo $CLAUDE_PLUGIN_ROOT"),
    ] {
        assert_eq!(substitute(command, root), want);
    }
    assert_eq!(
        substitute("bash ${CLAUDE_PLUGIN_ROOT}/a.sh", "/my repo/k"),
        "bash '/my repo/k'/a.sh"
    );
    assert_eq!(
        substitute("bash \"${CLAUDE_PLUGIN_ROOT}/a.sh\"", "/w $(x)/k"),
        "bash \"/w \\$(x)/k/a.sh\""
    );
}
