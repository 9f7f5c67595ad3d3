use super::*;

fn plugin() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("my kit");
    std::fs::create_dir_all(root.join("hooks")).unwrap();
    let write = |name: &str, mode: u32| {
        let p = root.join("hooks").join(name);
        std::fs::write(&p, "#!/bin/sh\nexit 0\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    write("run.sh", 0o755);
    write("plain.sh", 0o644);
    (dir, root)
}

#[test]
fn a_script_of_the_plugin_run_as_the_program_must_exist_and_be_executable() {
    let (_dir, root) = plugin();
    for ok in [
        "${CLAUDE_PLUGIN_ROOT}/hooks/run.sh",
        "\"${CLAUDE_PLUGIN_ROOT}/hooks/run.sh\" --fast",
        "'${CLAUDE_PLUGIN_ROOT}'/hooks/run.sh",
        "$PLUGIN_ROOT/hooks/run.sh; echo done",
        "X=1 ${CLAUDE_PLUGIN_ROOT}/hooks/run.sh",
        "bash ${CLAUDE_PLUGIN_ROOT}/hooks/plain.sh",
        "python3 \"${CLAUDE_PLUGIN_ROOT}/hooks/plain.sh\"",
    ] {
        assert_eq!(check(ok, &root), Ok(()), "{ok}");
    }
    let e = check("${CLAUDE_PLUGIN_ROOT}/hooks/plain.sh", &root).unwrap_err();
    let file = root.join("hooks/plain.sh").display().to_string();
    assert!(e.contains(&format!("{file} is not executable")), "{e}");
    assert!(e.contains(&format!("run `chmod +x '{file}'`")), "{e}");
    let e = check("\"$CLAUDE_PLUGIN_ROOT/hooks/missing.sh\" a b", &root).unwrap_err();
    let file = root.join("hooks/missing.sh").display().to_string();
    assert!(e.contains(&format!("{file} does not exist")), "{e}");
    assert!(e.contains("add hooks/missing.sh to the plugin"), "{e}");
    let e = check("node ${CLAUDE_PLUGIN_ROOT}/hooks/gone.js", &root).unwrap_err();
    assert!(e.contains("gone.js does not exist"), "{e}");
    let e = check("${CLAUDE_PLUGIN_ROOT}/hooks", &root).unwrap_err();
    assert!(e.contains("is not a file"), "{e}");
}

#[test]
fn any_other_shell_is_not_guessed_at() {
    let (_dir, root) = plugin();
    for other in [
        "echo ${CLAUDE_PLUGIN_ROOT}/hooks/missing.sh",
        "cd ${CLAUDE_PLUGIN_ROOT} && ./missing.sh",
        "bash -e ${CLAUDE_PLUGIN_ROOT}/hooks/missing.sh",
        "${CLAUDE_PLUGIN_ROOT}/hooks/$NAME.sh",
        "${CLAUDE_PLUGIN_ROOT}/hooks/*.sh",
        "'$CLAUDE_PLUGIN_ROOT/hooks/missing.sh'",
        "${CLAUDE_PLUGIN_ROOT}/../missing.sh",
        "\"${CLAUDE_PLUGIN_ROOT}/hooks/missing.sh",
        "$CLAUDE_PLUGIN_ROOTX/missing.sh",
        "/usr/bin/true",
        "",
    ] {
        assert_eq!(check(other, &root), Ok(()), "{other}");
    }
}
