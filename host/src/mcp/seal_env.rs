//! What a stdio server's own `env` changes of the programs it runs, for
//! [`super::seal`]: the child looks its bare command up on the `PATH`
//! that `env` gives it (not quire's), and a shell it runs first runs the
//! file `BASH_ENV` (bash) or `ENV` (sh) names. A repository that sets
//! `PATH = "bin:/usr/bin"` for `command = "python3"` runs its own
//! `bin/python3`: that file is what trust must record.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The variables whose file a shell runs before anything else.
const STARTUP_FILES: [&str; 2] = ["BASH_ENV", "ENV"];

/// The program the bare name `command` runs in a child started in `cwd`
/// with the server's `env` (quire's own `PATH` when `env` sets none): the
/// first executable file of that name on its `PATH`, relative entries
/// (and an empty one, the working folder) taken from `cwd`, as `execvp`
/// finds it after the child changed to `cwd`.
pub fn on_path(command: &str, cwd: &Path, env: &BTreeMap<String, String>) -> Option<PathBuf> {
    if command.is_empty() || command.contains('/') {
        return None;
    }
    let path = match env.get("PATH") {
        Some(p) => p.into(),
        None => std::env::var_os("PATH")?,
    };
    std::env::split_paths(&path)
        .map(|dir| cwd.join(dir).join(command))
        .find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The files `env` makes a shell run before its command (`BASH_ENV`,
/// `ENV`), relative ones taken from `cwd`.
pub fn startup_files(cwd: &Path, env: &BTreeMap<String, String>) -> Vec<PathBuf> {
    STARTUP_FILES
        .iter()
        .filter_map(|k| env.get(*k))
        .filter(|v| !v.is_empty())
        .map(|v| cwd.join(v))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn executable(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn a_bare_command_is_found_on_the_path_the_child_gets() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = dir.path();
        executable(&cwd.join("bin/python3"));
        std::fs::create_dir_all(cwd.join("plain")).unwrap();
        std::fs::write(cwd.join("plain/python3"), "").unwrap();
        let env = |p: &str| BTreeMap::from([("PATH".to_string(), p.to_string())]);
        assert_eq!(
            on_path("python3", cwd, &env("bin:/usr/bin")),
            Some(cwd.join("bin/python3"))
        );
        let absolute = format!("{}:/usr/bin", cwd.join("bin").display());
        assert_eq!(
            on_path("python3", cwd, &env(&absolute)),
            Some(cwd.join("bin/python3"))
        );
        // A file that is not executable is passed over, as execvp does.
        assert_eq!(
            on_path("python3", cwd, &env("plain:bin")),
            Some(cwd.join("bin/python3"))
        );
        assert_eq!(on_path("python3", cwd, &env("plain")), None);
        assert_eq!(on_path("./bin/python3", cwd, &env("bin")), None);
    }

    #[test]
    fn bash_env_and_env_name_files_a_shell_runs() {
        let env = BTreeMap::from([
            ("BASH_ENV".to_string(), "./benv.sh".to_string()),
            ("ENV".to_string(), "/etc/shrc".to_string()),
            ("HOME".to_string(), "/h".to_string()),
        ]);
        assert_eq!(
            startup_files(Path::new("/r"), &env),
            [PathBuf::from("/r/./benv.sh"), PathBuf::from("/etc/shrc")]
        );
    }
}
