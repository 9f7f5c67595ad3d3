//! What a stdio server's own `env` changes of the programs it runs, for
//! [`super::seal`]: the child looks its bare command up on the `PATH`
//! that `env` gives it (not quire's), and a shell it runs first runs the
//! file `BASH_ENV` (bash) or `ENV` (sh) names. A repository that sets
//! `PATH = "bin:/usr/bin"` for `command = "python3"` runs its own
//! `bin/python3`: that file is what trust must record. Loader variables
//! (`LD_PRELOAD`, `PYTHONPATH`, `NODE_OPTIONS`, …) name libraries and
//! modules the program loads before its own code: the files and folders
//! they name are recorded too ([`loaded_paths`]).

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The variables whose file a shell runs before anything else.
pub(crate) const STARTUP_FILES: [&str; 2] = ["BASH_ENV", "ENV"];

/// Variables whose value names code a program loads (libraries, module
/// folders, files required first, bytecode, a home whose user packages
/// Python's `site` runs) before or beside its own. A variable naming data
/// (`DATA_DIR`) is not one: the server may write there.
pub(crate) const LOADER_VARS: [&str; 26] = [
    "HOME",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "PYTHONPYCACHEPREFIX",
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "LD_AUDIT",
    "PYTHONPATH",
    "PYTHONSTARTUP",
    "PYTHONHOME",
    "PYTHONUSERBASE",
    "NODE_OPTIONS",
    "NODE_PATH",
    "PERL5LIB",
    "PERLLIB",
    "PERL5OPT",
    "RUBYLIB",
    "RUBYOPT",
    "GEM_HOME",
    "GEM_PATH",
    "CLASSPATH",
    "JAVA_TOOL_OPTIONS",
    "_JAVA_OPTIONS",
    "JDK_JAVA_OPTIONS",
    "LUA_PATH",
    "LUA_INIT",
];

/// The loader variables that are search paths, where an empty entry
/// (`":lib"`, `"lib:"`, `"a::b"`) means the working folder.
pub(crate) const PATH_LISTS: [&str; 7] = [
    "PYTHONPATH",
    "LD_LIBRARY_PATH",
    "NODE_PATH",
    "PERL5LIB",
    "PERLLIB",
    "RUBYLIB",
    "CLASSPATH",
];

/// The paths the server's loader variables name (see [`LOADER_VARS`]),
/// relative ones taken from `cwd`: each word of the value and each part
/// of it between `:`, `;`, `=` or `,` (`-javaagent:lib/a.jar`,
/// `--require=./pre.js`, `lib:vendor`), `?` patterns cut at their folder
/// (`lib/?.lua`). Options themselves (`--require`) are no paths; which of
/// the rest exist is for the caller to find.
pub fn loaded_paths(cwd: &Path, env: &BTreeMap<String, String>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    // An empty entry of a search path is the working folder.
    for (_, value) in env.iter().filter(|(k, _)| PATH_LISTS.contains(&k.as_str())) {
        if !value.is_empty() && value.split(':').any(str::is_empty) {
            out.push(cwd.to_path_buf());
        }
    }
    for value in LOADER_VARS.iter().filter_map(|k| env.get(*k)) {
        for part in value
            .split(char::is_whitespace)
            .flat_map(|w| w.split([':', ';', '=', ',']))
        {
            let part = part.trim_matches(['"', '\'']);
            let part = match part.find('?') {
                Some(at) => part[..at].rsplit_once('/').map_or("", |(dir, _)| dir),
                None => part,
            };
            if part.is_empty() || part.starts_with('-') {
                continue;
            }
            out.push(cwd.join(part));
        }
    }
    out
}

/// The entries of the server's search-path variables ([`PATH_LISTS`]),
/// relative ones taken from `cwd`: folders whose files the program loads
/// (`PYTHONPATH = "/opt/tools"`), sealed even outside the repository
/// (`super::seal_folder`). Not `HOME` and the like: a home holds far more
/// than code.
pub fn folder_paths(cwd: &Path, env: &BTreeMap<String, String>) -> Vec<PathBuf> {
    PATH_LISTS
        .iter()
        .filter_map(|k| env.get(*k))
        .flat_map(|v| v.split(':'))
        .map(|part| part.trim_matches(['"', '\'']))
        .filter(|part| !part.is_empty())
        .map(|part| cwd.join(part))
        .collect()
}

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
    fn loader_variables_name_their_files_and_folders_options_left_out() {
        let env = BTreeMap::from([
            (
                "LD_PRELOAD".to_string(),
                "/r/lib/pre.so libx.so".to_string(),
            ),
            ("PYTHONPATH".to_string(), "lib:vendor".to_string()),
            (
                "NODE_OPTIONS".to_string(),
                "--require ./pre.js --max-old-space-size=4096".to_string(),
            ),
            (
                "JAVA_TOOL_OPTIONS".to_string(),
                "-javaagent:agent.jar".to_string(),
            ),
            ("LUA_PATH".to_string(), "lua/?.lua;;".to_string()),
            ("DATA_DIR".to_string(), "data".to_string()),
        ]);
        let got = loaded_paths(Path::new("/r"), &env);
        for want in [
            "/r/lib/pre.so",
            "/r/libx.so",
            "/r/lib",
            "/r/vendor",
            "/r/./pre.js",
            "/r/agent.jar",
            "/r/lua",
        ] {
            assert!(got.contains(&PathBuf::from(want)), "{want} not in {got:?}");
        }
        assert!(!got.contains(&PathBuf::from("/r/data")), "{got:?}");
        assert!(!got.contains(&PathBuf::from("/r")), "{got:?}");
        for empty_entry in [":lib", "lib:", "a::b"] {
            let env = BTreeMap::from([("PYTHONPATH".to_string(), empty_entry.to_string())]);
            assert!(
                loaded_paths(Path::new("/r"), &env).contains(&PathBuf::from("/r")),
                "{empty_entry}"
            );
        }
        assert!(
            !got.iter().any(|p| p.to_string_lossy().contains("--")),
            "{got:?}"
        );
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
