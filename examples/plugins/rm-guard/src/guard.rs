//! The check itself, plain Rust (tested on the host with `cargo test`).

/// `Err(reason)` when `command` runs `rm` recursively and forcibly on a
/// path outside `workspace`. `workdir` is the shell tool's own
/// (relative to the workspace).
pub fn check(command: &str, workspace: &str, workdir: Option<&str>) -> Result<(), String> {
    let base = match workdir {
        Some(w) => resolve(workspace, w),
        None => normalize(workspace),
    };
    for segment in command.split(['\n', ';', '&', '|', '(', ')']) {
        let words: Vec<&str> = segment.split_whitespace().collect();
        let Some(at) = words.iter().position(|w| is_rm(w)) else {
            continue;
        };
        let args = &words[at + 1..];
        let (mut recursive, mut force) = (false, false);
        let mut paths = Vec::new();
        let mut options_done = false;
        for a in args {
            if !options_done && *a == "--" {
                options_done = true;
            } else if !options_done && a.starts_with("--") {
                recursive |= *a == "--recursive";
                force |= *a == "--force";
            } else if !options_done && a.starts_with('-') && a.len() > 1 {
                recursive |= a.contains(['r', 'R']);
                force |= a.contains('f');
            } else {
                paths.push(a.trim_matches(['"', '\'']));
            }
        }
        if !(recursive && force) {
            continue;
        }
        for p in paths {
            if let Some(why) = outside(p, &base, workspace) {
                return Err(format!(
                    "`rm -rf {p}` {why}; quire's workspace is {workspace}. Delete files inside the workspace only, or ask the user to do it."
                ));
            }
        }
    }
    Ok(())
}

fn is_rm(word: &str) -> bool {
    word == "rm" || word.ends_with("/rm")
}

/// Why deleting `path` (from `base`) is not allowed, if it is not.
fn outside(path: &str, base: &str, workspace: &str) -> Option<&'static str> {
    if path.starts_with('~') || path.contains(['$', '`']) {
        return Some("names a path that depends on the environment");
    }
    let target = resolve(base, path);
    let root = normalize(workspace);
    if target == root {
        return Some("deletes the whole workspace");
    }
    if !target.starts_with(&format!("{}/", root.trim_end_matches('/'))) {
        return Some("deletes outside the workspace");
    }
    None
}

/// `path` relative to `base` (or absolute), with `.` and `..` resolved
/// lexically.
fn resolve(base: &str, path: &str) -> String {
    if path.starts_with('/') {
        normalize(path)
    } else {
        normalize(&format!("{base}/{path}"))
    }
}

fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::check;

    const WS: &str = "/home/u/project";

    #[test]
    fn rm_rf_inside_the_workspace_is_allowed() {
        for cmd in [
            "rm -rf target",
            "rm -rf ./build/out",
            "cargo clean && rm -fr /home/u/project/tmp",
            "rm -r -f a/b -- c",
            "rm -rf *",
            "rm /etc/passwd",
            "echo rm -rf",
        ] {
            assert_eq!(check(cmd, WS, None), Ok(()), "{cmd}");
        }
    }

    #[test]
    fn rm_rf_outside_or_unknowable_is_blocked() {
        for cmd in [
            "rm -rf /",
            "rm -rf ../other",
            "ls; rm -Rf /etc",
            "rm --recursive --force ~/x",
            "rm -rf $HOME",
            "rm -rf .",
            "sudo /bin/rm -rf /var/lib",
        ] {
            let err = check(cmd, WS, None).unwrap_err();
            assert!(err.contains("workspace"), "{cmd}: {err}");
        }
        assert!(check("rm -rf ../../x", WS, Some("sub")).is_err());
        assert!(check("rm -rf ../x", WS, Some("sub")).is_ok());
    }
}
