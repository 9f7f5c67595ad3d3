//! Tests of the `safe` module.

use super::*;

use super::super::git_config::tests::git_in;

#[tokio::test]
async fn git_is_not_safe_where_its_config_names_a_program_it_runs() {
    let repo = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| git_in(repo.path(), args);
    git(&["init", "-q"]);
    // A developer's own global config may name such programs already.
    let clean = is_known_safe_in("git status", repo.path()).await;
    git(&["config", "core.fsmonitor", "true"]);
    assert_eq!(is_known_safe_in("git status", repo.path()).await, clean);
    git(&["config", "core.fsmonitor", "/tmp/fsm.sh"]);
    assert!(!is_known_safe_in("git status", repo.path()).await);
    assert!(!is_known_safe_in("ls && git log", repo.path()).await);
    // Commands without git do not look at git's config.
    assert!(is_known_safe_in("ls -la", repo.path()).await);
    git(&["config", "--unset", "core.fsmonitor"]);
    git(&["config", "diff.pdf.textconv", "pdftotext"]);
    assert!(!is_known_safe_in("git diff", repo.path()).await);
}

#[tokio::test]
async fn always_for_git_lapses_where_its_config_names_a_program() {
    let repo = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| git_in(repo.path(), args);
    git(&["init", "-q"]);
    let clean = always_key_in("git status", repo.path()).await;
    assert!(clean.is_none() || clean.as_deref() == Some("git status"));
    git(&["config", "core.fsmonitor", "/tmp/fsm.sh"]);
    assert_eq!(always_key_in("git status", repo.path()).await, None);
    assert_eq!(always_key_in("/usr/bin/git log", repo.path()).await, None);
    // Other programs keep their key.
    assert_eq!(
        always_key_in("cargo test", repo.path()).await.as_deref(),
        Some("cargo test")
    );
}

#[test]
fn a_git_alias_is_never_approved_always() {
    for cmd in [
        "git st",
        "git x",
        "git lfs pull",
        "git difftool",
        "git mergetool",
    ] {
        assert_eq!(always_key(cmd), None, "{cmd}");
    }
    for cmd in ["git status", "git push origin", "git cherry-pick abc"] {
        assert!(always_key(cmd).is_some(), "{cmd}");
    }
}

#[test]
fn lexer_splits_and_unquotes() {
    let p = parse(r#"grep -n "a b" 'c;d' e\ f && ls | wc -l; pwd"#);
    assert!(!p.complex);
    assert_eq!(
        p.segments,
        vec![
            vec!["grep", "-n", "a b", "c;d", "e f"],
            vec!["ls"],
            vec!["wc", "-l"],
            vec!["pwd"],
        ]
    );
    assert!(parse("echo 'open").complex);
    assert!(parse("echo \"$(rm x)\"").complex);
    assert!(!parse("echo '$(literal)' # > comment").complex);
}

#[test]
fn read_only_commands_are_known_safe() {
    for cmd in [
        "ls",
        "ls -la src",
        "cat README.md",
        "head -n 5 a.txt",
        "grep -rn 'fn main' src | head -20",
        "rg TODO && git status",
        "rg -n --no-search-zip TODO src",
        "find . -name '*.rs' -type f",
        "git log --oneline -5",
        "git diff HEAD~1",
        "git branch -a",
        "wc -l src/*.rs; pwd",
        "echo hello",
        "which cargo",
        "du -sh .",
    ] {
        assert!(is_known_safe(cmd), "{cmd}");
    }
}

#[test]
fn everything_else_needs_approval() {
    for cmd in [
        "rm x",
        "",
        "ls > out.txt",
        "cat a 2>/dev/null",
        "echo $(rm -rf /)",
        "echo `rm x`",
        "ls; rm x",
        "ls && touch y",
        "cat x | sh",
        "find . -delete",
        "find . -name x -exec rm {} ;",
        "find . -fprint out",
        "rg --pre ./evil x",
        "rg --pre=./evil x",
        "rg --hostname-bin=touch a",
        "rg --hostname-bin touch a",
        "rg -z secret",
        "rg --search-zip secret",
        "rg -inz secret",
        "git push",
        "git branch new-feature",
        "git branch -D main",
        "git diff --output=x",
        "git -c core.pager=sh log",
        "file -C -m magic",
        "sleep 1 &",
        "(ls)",
        "FOO=1 ls",
        "./ls",
        "cargo build",
        "echo 'unterminated",
    ] {
        assert!(!is_known_safe(cmd), "{cmd}");
    }
}

#[test]
fn always_key_is_the_command_prefix() {
    assert_eq!(always_key("rm -rf target"), None, "asked every time");
    assert_eq!(always_key("/bin/rm -rf target"), None);
    assert_eq!(always_key("sudo make install"), None);
    assert_eq!(always_key("mkfs.ext4 /dev/sdb1"), None);
    assert_eq!(always_key("python3 x.py").as_deref(), Some("python3 x.py"));
    assert_eq!(always_key("git push origin").as_deref(), Some("git push"));
    assert_eq!(always_key("cargo test -q").as_deref(), Some("cargo test"));
    assert_eq!(always_key("npm install").as_deref(), Some("npm install"));
    assert_eq!(always_key("git").as_deref(), Some("git"));
    // Subcommands that run whatever follows, and project scripts.
    assert_eq!(always_key("uv run pytest"), None);
    assert_eq!(always_key("npm exec -- eslint ."), None);
    assert_eq!(always_key("poetry run rm -rf ~"), None);
    assert_eq!(always_key("bundle exec rake"), None);
    assert_eq!(
        always_key("npm run build --silent").as_deref(),
        Some("npm run build")
    );
    assert_ne!(always_key("npm run deploy"), always_key("npm run build"));
    assert_eq!(always_key("npm run"), None);
    assert_eq!(always_key("uv sync").as_deref(), Some("uv sync"));
    assert_eq!(always_key("git push; rm -rf ~"), None);
    assert_eq!(always_key("cargo test > log"), None);
}

#[test]
fn wrappers_and_interpreters_are_never_approved_always() {
    for cmd in [
        "timeout 5 touch t.txt",
        "timeout 5 rm -f file2.txt",
        "env FOO=1 make",
        "nice -n 5 cargo build",
        "nohup ./server",
        "stdbuf -oL make",
        "xargs rm",
        "time cargo test",
        "command rm x",
        "exec rm x",
        "doas make install",
        "bash -c \"touch x\"",
        "sh -c 'rm -f file1.txt'",
        "/bin/zsh -c ls",
        "dash -c ls",
        "python3 -c 'import os'",
        "python -c 1",
        "python3.12 -m http.server",
        "node -e 1",
        "perl -e 1",
        "ruby -e 1",
        "git -c alias.x=!sh x",
        "git -C elsewhere push",
        "FOO=1 rm x",
        "ssh host rm -rf /",
    ] {
        assert_eq!(always_key(cmd), None, "{cmd}");
    }
    // A wrapper's key could never match a compound command anyway.
    for cmd in [
        "touch a; rm -rf ~",
        "touch a && rm b",
        "touch a | sh",
        "touch $(rm b)",
        "touch `rm b`",
        "touch a || rm b",
    ] {
        assert_eq!(always_key(cmd), None, "{cmd}");
    }
    // Scripts and plain programs keep their own keys.
    assert_eq!(
        always_key("bash build.sh").as_deref(),
        Some("bash build.sh")
    );
    assert_eq!(always_key("touch t.txt").as_deref(), Some("touch t.txt"));
}

#[test]
fn what_bash_reads_otherwise_is_never_known_safe() {
    for cmd in [
        // `$'\''` is a quote: the newline ends `ls`, `touch` runs.
        "ls $'\\'' \ntouch x #'",
        "ls $'\\'' ; touch x #'",
        "ls \\\n; touch x",
        "ls # \\\ntouch x",
        // Escapes and expansions that make an option.
        "find . $'-\\x64elete'",
        "find . $\"-delete\"",
        "find . -{delete,}",
        "rg --{pre=./evil,} x",
        "find . ${x:--delete}",
        "ls $HOME",
        // Globs that may stand for options (a file named `--pre=./x`).
        "rg x *",
        "git diff *",
        "find . -delet?",
        "file *",
        // What quire does not read.
        "cat <<EOF\nx\nEOF",
        "cat <<<x",
        "cat <(touch x)",
        "if true; then ls; fi",
        "{ ls; }",
        "((x=1))",
        "ls ;& pwd",
        "a[$x]=1 ls",
    ] {
        assert!(!is_known_safe(cmd), "{cmd:?}");
    }
    // Programs that only read take any glob; others one that names files.
    for cmd in [
        "ls *",
        "cat *.md",
        "wc -l src/*.rs",
        "git log -- src/*",
        "ls $'a b'",
    ] {
        assert!(is_known_safe(cmd), "{cmd:?}");
    }
}

#[test]
fn always_keys_are_of_what_bash_runs() {
    assert_eq!(always_key("cargo test $'\\'' \ntouch x #'"), None);
    assert_eq!(always_key("cargo test \"$x\""), None);
    assert_eq!(always_key("cargo test foo*"), None);
    assert_eq!(always_key("cargo $'test'").as_deref(), Some("cargo test"));
    assert_eq!(
        always_key("cargo te\\\nst -q").as_deref(),
        Some("cargo test")
    );
}
