//! A plugin's MCP server may run only the plugin's own files: its
//! enabling (`quire plugins enable`) seals the plugin's folder and nothing
//! else (`mcp::seal::Sealed::plugin`). So, as for a plugin hook
//! (`hooks::plugin_paths`), a server whose command, arguments or folder
//! name a path out of the plugin (`${CLAUDE_PLUGIN_ROOT}/../../x.py`, a
//! symbolic link out, `${CLAUDE_PLUGIN_ROOT%/*}`) is refused, and so is
//! one running an absolute path outside the plugin's folder and its data
//! folder (`python3 /tmp/x/srv.py`): a command or a checkout may rewrite
//! such a file, and the server would run it outside the sandbox. A path
//! it is given as data (`server-filesystem /home/me/src`) is not run. So is one
//! naming a file from the home folder (`~/x.py`, `$HOME/x.py`), and one
//! whose `env` names code out of the plugin ([`super::mcp_env_paths`]).
//! A program on `PATH` is named by its bare name (`python3`, `node`).

use std::path::Path;

use crate::mcp::McpServerConfig;

/// `Err` saying why the server `c` (as written, before `${…}` are put in)
/// of the plugin in `root` may not run.
pub(super) fn check(c: &McpServerConfig, root: &Path, data: &Path) -> Result<(), String> {
    let Some(command) = &c.command else {
        return Ok(());
    };
    let mut line = vec![command.clone()];
    line.extend(c.args.iter().cloned());
    line.extend(c.cwd.iter().map(|d| d.display().to_string()));
    let line = line.join(" ");
    crate::hooks::plugin_paths::check_server(&line, root)?;
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    // What the line runs: its program and the scripts or folders it
    // hands an interpreter. Any other absolute path is data the server
    // is given (a folder to serve, a database, a file it writes).
    let programs = crate::hooks::programs::programs(&line);
    let runs = |word: &str| {
        word == command.as_str()
            || programs.scripts.iter().any(|s| s == word)
            || programs.folders.iter().any(|f| f == word)
    };
    for word in crate::hooks::trust::command_words(&line) {
        let word = word.rsplit_once('=').map_or(word.as_str(), |(_, v)| v);
        if ["~", "$HOME", "${HOME}"]
            .iter()
            .any(|h| word.starts_with(h))
        {
            return Err(format!(
                "it names `{word}`, a path from the home folder, outside the plugin's folder {}; a plugin's MCP server may run only the plugin's own files, the only ones its enabling covers: name them from `${{CLAUDE_PLUGIN_ROOT}}`",
                root.display()
            ));
        }
        if !word.starts_with('/') || !runs(word) {
            continue;
        }
        let path = Path::new(word);
        let inside = |top: &Path| {
            path.starts_with(top)
                && path.canonicalize().map_or(true, |real| {
                    real.starts_with(&real_root) || real.starts_with(data)
                })
        };
        if !(inside(root) || inside(&real_root) || path.starts_with(data)) {
            return Err(format!(
                "it names `{word}`, outside the plugin's folder {}; a plugin's MCP server may run only the plugin's own files, the only ones its enabling covers: name them from `${{CLAUDE_PLUGIN_ROOT}}`, and a program on the PATH by its bare name (`python3`, `node`)",
                root.display()
            ));
        }
    }
    linked_out(c, command, &programs, root)?;
    super::mcp_env_paths::check(&c.env, root, data)
}

/// `Err` when what the server runs at a relative path (its command
/// `./run.sh`, a script `bash run.sh`, a package `python3 -m pkg`),
/// resolved from its folder (the plugin's, or its `cwd` there), leaves
/// the plugin's folder through a symbolic link: it would run a file the
/// enabling does not cover.
fn linked_out(
    c: &McpServerConfig,
    command: &str,
    programs: &crate::hooks::programs::Programs,
    root: &Path,
) -> Result<(), String> {
    let relative = |w: &str| !w.is_empty() && !w.starts_with(['/', '$', '~', '-']);
    let base = match &c.cwd {
        Some(d) => {
            let d = d.display().to_string();
            let d = ["${CLAUDE_PLUGIN_ROOT}", "${PLUGIN_ROOT}"]
                .iter()
                .fold(d, |d, v| d.replace(v, &root.display().to_string()));
            root.join(d)
        }
        None => root.to_path_buf(),
    };
    let named = (command.contains('/') && relative(command)).then_some(command);
    let run = named.into_iter().chain(
        programs
            .scripts
            .iter()
            .chain(&programs.folders)
            .map(String::as_str)
            .filter(|w| relative(w)),
    );
    for word in run {
        let path = base.join(word.trim_start_matches("./"));
        if !crate::hooks::plugin_paths::linked_inside(root, &path) {
            let real = path.canonicalize().unwrap_or_else(|_| path.clone());
            return Err(format!(
                "it runs `{word}` ({}), which is reached through a symbolic link out of the plugin's folder {} (to {}); a plugin's MCP server may run only the plugin's own files, the only ones its enabling covers: put the file in the plugin instead of a link to it",
                path.display(),
                root.display(),
                real.display()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(command: &str, args: &[&str]) -> McpServerConfig {
        McpServerConfig::stdio(
            command.to_string(),
            args.iter().map(|a| a.to_string()).collect(),
        )
    }

    #[test]
    fn paths_out_of_the_plugin_are_refused() {
        let root = Path::new("/nonexistent/plugins/pp");
        let data = Path::new("/nonexistent/home/plugin-data/pp");
        let ok = |c: &McpServerConfig| check(c, root, data);
        assert!(ok(&server("python3", &["${CLAUDE_PLUGIN_ROOT}/srv.py"])).is_ok());
        assert!(ok(&server("node", &["/nonexistent/plugins/pp/x.js"])).is_ok());
        // Data it is given, not code it runs.
        assert!(
            ok(&server(
                "npx",
                &["-y", "server-filesystem", "/srv/projects"]
            ))
            .is_ok()
        );
        assert!(
            ok(&server(
                "python3",
                &["${CLAUDE_PLUGIN_ROOT}/srv.py", "/tmp/out/db.sqlite"]
            ))
            .is_ok()
        );
        assert!(ok(&server("python3", &["/tmp/x/srv.py"])).is_err());
        assert!(
            ok(&server(
                "npx",
                &["-y", "pkg", "--db=${CLAUDE_PLUGIN_DATA}/x"]
            ))
            .is_ok()
        );
        let err = ok(&server("python3", &["${CLAUDE_PLUGIN_ROOT}/../../x.py"])).unwrap_err();
        assert!(err.contains("`..`") && err.contains("MCP server"), "{err}");
        let err = ok(&server("python3", &["/tmp/x/srv.py"])).unwrap_err();
        assert!(err.contains("`/tmp/x/srv.py`"), "{err}");
        assert!(ok(&server("/usr/bin/python3", &["srv.py"])).is_err());
        assert!(ok(&server("sh", &["-c", "python3 /tmp/x.py"])).is_err());
        let err = ok(&server("sh", &["-c", "exec python3 ~/x.py"])).unwrap_err();
        assert!(
            err.contains("`~/x.py`, a path from the home folder"),
            "{err}"
        );
        assert!(ok(&server("python3", &["$HOME/x.py"])).is_err());
        assert!(ok(&server("python3", &["${HOME}/x.py"])).is_err());
    }

    #[test]
    fn a_script_run_through_a_link_out_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("rk");
        std::fs::create_dir_all(root.join("bin")).unwrap();
        std::fs::write(dir.path().join("x.sh"), "echo out\n").unwrap();
        std::os::unix::fs::symlink(dir.path().join("x.sh"), root.join("run.sh")).unwrap();
        std::fs::write(root.join("own.sh"), "echo in\n").unwrap();
        let data = dir.path().join("data");
        let ok = |c: &McpServerConfig| check(c, &root, &data);
        for c in [
            server("./run.sh", &[]),
            server("bash", &["run.sh"]),
            server("bash", &["./bin/../run.sh"]),
        ] {
            let err = ok(&c).unwrap_err();
            assert!(err.contains("run.sh"), "{err}");
        }
        let err = ok(&server("./run.sh", &[])).unwrap_err();
        assert!(err.contains("symbolic link out"), "{err}");
        assert!(ok(&server("./own.sh", &[])).is_ok());
        assert!(ok(&server("bash", &["own.sh"])).is_ok());
        assert!(ok(&server("bash", &["missing.sh"])).is_ok());
    }
}
