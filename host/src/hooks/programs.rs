//! What a repository hook's command runs beyond the words it names: an
//! interpreter's script imports or sources its neighbours (`python3
//! tools/check.py` imports `tools/lib.py`), `python3 -m pkg.mod` runs the
//! package `pkg/`, `./tools/x.sh` sources `tools/common.sh`. The approval
//! of such a hook covers the whole folder tree of the script (bounded as a
//! plugin's folder is, [`super::plugin_folder`]) or the package, so an
//! edit by the model's sandboxed commands stops the hook. A script can load
//! files from elsewhere too (`../common.sh`, `node_modules`, a path it
//! builds), so a hook running one is always "partly covered"
//! ([`unknown_note`] says what is covered), as is one whose files quire
//! cannot tell at all (inline code given with `-c`/`-e`, a module flag of
//! a program it does not know).

/// The programs of one command line, read from its words.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Programs {
    /// Folders (as written, relative to the repository) whose whole tree
    /// the command can run: a script's folder, a Python package.
    pub folders: Vec<String>,
    /// Python modules run with `-m` from the working directory: the
    /// repository's top-level importable files can shadow what they import.
    pub python_modules: bool,
    /// A script at the top of the repository: it is covered (and, run by
    /// Python, the top-level modules), not every folder it may load from.
    pub top_level: bool,
    /// The repository's scripts and modules it runs (as written, the
    /// folder of a `cd` before them joined in).
    pub scripts: Vec<String>,
    /// Why the files the command runs cannot be told (each in words).
    pub unknown: Vec<String>,
}

const PYTHONS: &[&str] = &["python", "python2", "python3", "pypy", "pypy3"];
const SHELLS: &[&str] = &["bash", "sh", "zsh", "dash", "ksh", "fish"];
const OTHERS: &[&str] = &[
    "node", "nodejs", "deno", "bun", "tsx", "ts-node", "ruby", "perl", "php", "lua", "Rscript",
];
/// Words that run the command after them (`env X=1 python3 …`).
const WRAPPERS: &[&str] = &[
    "env", "exec", "command", "nohup", "time", "nice", "npx", "uv",
];
/// Flags of an interpreter whose value is inline code (a shell's: `-c`).
const CODE_FLAGS: &[&str] = &["-c", "-e", "-E", "-r", "--eval", "-p", "--print"];
/// Flags of an interpreter that take the next word as their value.
const VALUE_FLAGS: &[&str] = &["-W", "-X", "-I", "--require", "--import", "--loader"];

fn is_python(name: &str) -> bool {
    PYTHONS.contains(&name)
        || name
            .strip_prefix("python")
            .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// The programs `command` runs, one simple command (split at `; & | ( )`
/// and newlines) at a time. A `cd DIR` moves the folder the scripts after
/// it are found from; a shell's inline code (`sh -c 'cd sub && ./run'`)
/// is read as the command is.
pub fn programs(command: &str) -> Programs {
    let mut out = Programs::default();
    let mut cwd = String::new();
    for simple in command.split(['\n', ';', '&', '|', '(', ')']) {
        let words: Vec<String> = simple
            .split_whitespace()
            .map(|w| {
                w.chars()
                    .filter(|c| !matches!(c, '"' | '\'' | '`'))
                    .collect()
            })
            .collect();
        let words = without_redirections(&words);
        one(&words, &mut cwd, &mut out);
    }
    out.folders.sort();
    out.folders.dedup();
    out.scripts.dedup();
    out.unknown.dedup();
    out
}

/// `words` without redirections (`<<EOF`, `> out.log`, `2>/dev/null`):
/// what they name is read or written, not run.
fn without_redirections(words: &[String]) -> Vec<&str> {
    let mut kept = Vec::with_capacity(words.len());
    let mut skip_next = false;
    for w in words {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        let op = w.trim_start_matches(|c: char| c.is_ascii_digit());
        if op.starts_with(['<', '>']) {
            // A bare operator (`<<`, `>`, `2>`): its target is the next word.
            skip_next = op.chars().all(|c| matches!(c, '<' | '>' | '-'));
            continue;
        }
        kept.push(w.as_str());
    }
    kept
}

fn one(words: &[&str], cwd: &mut String, out: &mut Programs) {
    let assignment = |w: &&&str| {
        w.split_once('=').is_some_and(|(k, _)| {
            !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    };
    let mut rest = words.iter().copied().skip_while(|w| assignment(&w));
    let mut prog = rest.next();
    while let Some(p) = prog {
        let name = p.rsplit('/').next().unwrap_or(p);
        if !WRAPPERS.contains(&name) {
            break;
        }
        // `uv run x.py`, `npx --yes tsx x.ts`, `env -i X=1 python3`.
        prog = rest
            .by_ref()
            .find(|w| !w.starts_with('-') && !w.contains('=') && *w != "run");
    }
    // A URL (an http hook's) runs nothing of the repository.
    let Some(prog) = prog.filter(|p| !p.contains("://")) else {
        return;
    };
    let name = prog.rsplit('/').next().unwrap_or(prog);
    let args: Vec<&str> = rest.collect();
    let python = is_python(name);
    if matches!(prog, "cd" | "pushd") {
        *cwd = match args.iter().find(|a| !a.starts_with('-')) {
            Some(dir) => join(cwd, dir),
            None => String::new(),
        };
    } else if matches!(prog, "source" | ".") {
        if let Some(file) = args.first() {
            script(&join(cwd, file), out);
        }
    } else if python || SHELLS.contains(&name) || OTHERS.contains(&name) {
        interpreter(name, python, &args, cwd, out);
    } else if prog.contains('/') {
        // `./x.sh`, `tools/check`, `$CLAUDE_PROJECT_DIR/.claude/x.sh`.
        script(&join(cwd, prog), out);
    } else if args.iter().any(|a| *a == "-m" || a.starts_with("--module")) {
        out.unknown.push(format!(
            "`{name}` runs a module by its name and quire cannot tell which files it loads"
        ));
    }
}

fn interpreter(name: &str, python: bool, args: &[&str], cwd: &mut String, out: &mut Programs) {
    let shell = SHELLS.contains(&name);
    let mut i = 0;
    while let Some(&a) = args.get(i) {
        if python && a == "-m" {
            if let Some(module) = args.get(i + 1) {
                module_folder(module, cwd, out);
            }
            return;
        }
        if python && let Some(module) = a.strip_prefix("-m").filter(|m| !m.is_empty()) {
            module_folder(module, cwd, out);
            return;
        }
        let code = match shell {
            // `-c`, `-ec`, `-xc`: a cluster of short flags with `c`.
            true => a.starts_with('-') && !a.starts_with("--") && a.contains('c'),
            false => CODE_FLAGS.contains(&a) || (python && a.starts_with("-c")),
        };
        // A shell's inline code is a command line as the hook's own is,
        // read the same way; one built at run time (`"$(…)"`, `$X`) is not.
        let inline = &args[(i + 1).min(args.len())..];
        let readable = inline
            .first()
            .is_some_and(|w| !w.starts_with('$') || w.contains('/'));
        if code && shell && readable {
            one(inline, cwd, out);
            return;
        }
        if code {
            out.unknown.push(format!(
                "`{name} {a}` runs inline code and quire cannot tell which of the repository's files it loads"
            ));
            return;
        }
        if VALUE_FLAGS.contains(&a) {
            i += 2;
            continue;
        }
        if a.starts_with('-') || matches!(a, "run" | "exec") {
            i += 1;
            continue;
        }
        script(&join(cwd, a), out);
        // Its folder comes first on Python's path: at the top, the
        // repository's top-level modules are what it imports.
        out.python_modules |= python && out.top_level;
        return;
    }
}

/// Project folder variables: a script in their folder is at the top.
const TOPS: &[&str] = &[
    ".",
    "$CLAUDE_PROJECT_DIR",
    "${CLAUDE_PROJECT_DIR}",
    "$QUIRE_PROJECT_DIR",
    "${QUIRE_PROJECT_DIR}",
];

/// `path` as found from the folder `cwd` (relative to the repository,
/// empty at its top): `./`, `.` and `..` resolved where they can be. A
/// path from `/` or a variable (`$CLAUDE_PROJECT_DIR/x`) stands alone.
fn join(cwd: &str, path: &str) -> String {
    if path.starts_with(['/', '$', '~']) {
        return path.to_string();
    }
    let lead = if cwd.starts_with('/') { "/" } else { "" };
    let mut parts: Vec<&str> = cwd.split('/').filter(|p| !matches!(*p, "" | ".")).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts
                .last()
                .is_some_and(|p| *p != ".." && !p.starts_with('$')) =>
            {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    match parts.is_empty() {
        true if lead.is_empty() => ".".to_string(),
        _ => format!("{lead}{}", parts.join("/")),
    }
}

/// The script `path` runs: its folder's tree, or the top of the
/// repository.
fn script(path: &str, out: &mut Programs) {
    let folder = parent(path);
    out.scripts.push(path.to_string());
    match TOPS.contains(&folder.as_str()) {
        true => out.top_level = true,
        false => out.folders.push(folder),
    }
}

/// `pkg.mod` runs the package folder `pkg/` (or `pkg.py`, a top-level
/// file covered with the others), found from the working directory.
fn module_folder(module: &str, cwd: &str, out: &mut Programs) {
    out.python_modules = true;
    let top = module.split('.').next().unwrap_or(module);
    if !top.is_empty() {
        out.folders.push(join(cwd, top));
        out.scripts.push(module.to_string());
    }
}

/// The folder of the script `path` (`.` for a bare name).
fn parent(path: &str) -> String {
    match path.rfind('/') {
        Some(0) => "/".to_string(),
        Some(at) => path[..at].to_string(),
        None => ".".to_string(),
    }
}

/// Whether `name`, a top-level entry of the working directory, can be
/// imported by Python in place of another module (`json.py`, `x.so`).
pub fn python_importable(name: &str) -> bool {
    [".py", ".pyc", ".pth", ".so", ".pyd"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// In words, what an approval of `command` cannot cover (`None`: it runs
/// none of the repository's code).
///
/// A script or module of the repository can read and run any file of it
/// by a path it builds (`. "$(dirname "$0")/../common.sh"`,
/// `require('../lib/x')`, `exec(open('../settings.py').read())`), a
/// package of `node_modules`, a module on Python's path: no reading of the
/// command or of the script tells them all. Covering the whole repository
/// instead would stop a guard at the model's first edit. So such a hook
/// is always "partly covered", and the note says what is.
pub fn unknown_note(command: &str) -> Option<String> {
    use super::outside::{Place, place};
    let p = programs(command);
    let mut why = p.unknown.clone();
    let quote = |s: &String| format!("`{s}`");
    let at = |want: Place| -> Vec<String> {
        let of = p.scripts.iter().filter(|s| place(s) == want);
        of.map(quote).collect()
    };
    let (outside, unknown) = (at(Place::Outside), at(Place::Unknown));
    if !outside.is_empty() {
        why.push(format!(
            "it runs {} outside the repository: the approval covers that file's own content (a change to it stops the hook), not its folder nor what it loads",
            outside.join(", ")
        ));
    }
    let assigned: Vec<String> = super::trust::command_words(command)
        .iter()
        .flat_map(|w| {
            let given = super::outside::assigned_paths(w);
            given.into_iter().map(str::to_string).collect::<Vec<_>>()
        })
        .filter(|v| place(v) == Place::Outside)
        .map(|v| format!("`{v}`"))
        .collect();
    if !assigned.is_empty() {
        why.push(format!(
            "it gives {} outside the repository as a value (`NAME=path`, `--flag=path`): the approval covers that file's own content (a change to it stops the hook), not a folder's files nor what it loads",
            assigned.join(", ")
        ));
    }
    if !unknown.is_empty() {
        why.push(format!(
            "it runs {}, a path only the shell resolves: the approval does not cover it, and a change to it does not stop the hook",
            unknown.join(", ")
        ));
    }
    let scripts = at(Place::Inside);
    if !scripts.is_empty() {
        let inside = p.folders.iter().filter(|f| place(f) == Place::Inside);
        let mut covered: Vec<String> = inside.map(|f| format!("`{f}/`")).collect();
        if p.top_level {
            covered.push("the scripts it names at the top of the repository".to_string());
        }
        if p.python_modules {
            covered.push(
                "the repository's top-level Python modules and packages (each package's whole folder)"
                    .to_string(),
            );
        }
        why.push(format!(
            "it runs the repository's {} and those can load files outside what the approval covers ({}) — a parent folder's file (`../common.sh`), a package in `node_modules`, a module on the interpreter's path, any path built at run time — and quire cannot tell which",
            scripts.join(", "),
            covered.join(", ")
        ));
    }
    (!why.is_empty()).then(|| why.join("; "))
}

/// [`unknown_note`] for a plugin's hook, whose approval covers every
/// file of the plugin's folder `root` (`hooks::plugin_folder`): what its
/// scripts may load from outside it is not covered.
pub fn plugin_unknown_note(command: &str, root: &str) -> Option<String> {
    let p = programs(command);
    let mut why = p.unknown.clone();
    // An absolute path elsewhere (`bash /opt/x.sh`) is not the plugin's:
    // the approval covers not even that file.
    let (outside, own): (Vec<&String>, Vec<&String>) = p
        .scripts
        .iter()
        .partition(|s| s.starts_with('/') && !std::path::Path::new(s.as_str()).starts_with(root));
    if !outside.is_empty() {
        let files: Vec<String> = outside.iter().map(|s| format!("`{s}`")).collect();
        why.push(format!(
            "it runs {}, outside the plugin's folder `{root}/`: the approval does not cover it (a change to it does not stop the hook), nor what it loads",
            files.join(", ")
        ));
    }
    if !own.is_empty() {
        let scripts: Vec<String> = own.iter().map(|s| format!("`{s}`")).collect();
        why.push(format!(
            "it runs the plugin's {}; the approval covers every file of the plugin's folder `{root}/` (a change to any of them stops the hook), not what those load from outside it — a package in `node_modules`, a module on the interpreter's path, any path built at run time — and quire cannot tell which",
            scripts.join(", ")
        ));
    }
    (!why.is_empty()).then(|| why.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_modules_and_inline_code() {
        let p = programs("python3 -m hkmod.check");
        assert_eq!(p.folders, ["hkmod"]);
        assert!(p.python_modules && p.unknown.is_empty());
        assert_eq!(
            programs("python3 -u tools/a/x.py --fast").folders,
            ["tools/a"]
        );
        assert_eq!(programs("X=1 node .claude/h/x.js").folders, [".claude/h"]);
        assert_eq!(programs("npx tsx scripts/x.ts").folders, ["scripts"]);
        let p = programs("cd a && ./run.sh; bash -e b/c.sh");
        // The `cd` holds for the rest of the line, as in a shell.
        assert_eq!(p.folders, ["a", "a/b"]);
        assert!(!p.top_level && p.unknown.is_empty());
        assert!(programs("./run.sh").top_level);
        assert!(programs("python3.12 x.py").top_level);
        assert!(programs("python3 x.py").python_modules);
        assert!(unknown_note("./x.sh").is_some());
        assert!(programs("bash -ec 'source lib.sh'").top_level);
        assert_eq!(programs("bash -c \"$(cat x)\"").unknown.len(), 1);
        assert_eq!(
            programs("\"$CLAUDE_PROJECT_DIR\"/.claude/hooks/x.sh").folders,
            ["$CLAUDE_PROJECT_DIR/.claude/hooks"]
        );
        assert!(programs("echo hi").folders.is_empty());
        assert_eq!(programs("python3 -c 'import hkmod'").unknown.len(), 1);
        assert_eq!(programs("node -e 'require(\"./x\")'").unknown.len(), 1);
        assert_eq!(programs("mytool -m pkg.check").unknown.len(), 1);
        assert!(unknown_note("echo hi; jq .x").is_none());
        assert!(unknown_note("http://h/c").is_none());
    }

    /// A script can load any file of the repository by a path it builds:
    /// every hook running one is partly covered, and the note says what
    /// is covered.
    #[test]
    fn a_hook_running_the_repositorys_code_is_partly_covered() {
        for command in [
            "bash sh/x.sh",
            "node tools/g.js",
            "python3 tools2/p.py",
            "python3 -m hkmod.check",
            "./x.sh",
            ". ./lib.sh",
        ] {
            let note = unknown_note(command).unwrap_or_default();
            assert!(
                note.contains("`../common.sh`") && note.contains("`node_modules`"),
                "{command}: {note}"
            );
        }
        let note = unknown_note("bash sh/x.sh").unwrap_or_default();
        assert!(
            note.contains("`sh/x.sh`") && note.contains("(`sh/`)"),
            "{note}"
        );
        let note = unknown_note("python3 -m hkmod.check").unwrap_or_default();
        assert!(note.contains("each package's whole folder"), "{note}");
    }

    /// A script outside the repository is not "the repository's", and
    /// its folder is not covered: only the file itself is.
    #[test]
    fn a_script_outside_the_repository_is_covered_by_itself_only() {
        for command in [
            "bash \"$CLAUDE_PROJECT_DIR\"/../ci/lint.sh",
            "bash /tmp/x/lint.sh",
            "cd /opt/ci && ./lint.sh",
        ] {
            let note = unknown_note(command).unwrap_or_default();
            assert!(
                note.contains(
                    "outside the repository: the approval covers that file's own content"
                ) && !note.contains("the repository's `")
                    && !note.contains("ci/`"),
                "{command}: {note}"
            );
        }
        let note = unknown_note("bash ~/bin/x.sh").unwrap_or_default();
        assert!(note.contains("does not cover it"), "{note}");
        let note = unknown_note("bash tools/x.sh; bash ../ci/y.sh").unwrap_or_default();
        assert!(
            note.contains("the repository's `tools/x.sh`") && note.contains("(`tools/`)"),
            "{note}"
        );
    }

    /// `sh -c 'cd sub && ./run'` runs `sub/run`: its folder is covered,
    /// the note names it and not a script at the top.
    #[test]
    fn a_redirection_is_no_script() {
        assert!(programs("bash <<EOF\necho hi\nEOF").scripts.is_empty());
        assert!(programs("bash << 'EOF'").scripts.is_empty());
        assert!(
            programs("python3 < input.txt 2> err.log")
                .scripts
                .is_empty()
        );
        assert_eq!(
            programs("bash ./check.sh >/dev/null 2>&1").scripts,
            vec!["check.sh".to_string()]
        );
    }

    #[test]
    fn a_cd_before_a_script_moves_where_it_is_found() {
        let p = programs("sh -c 'cd sub && ./run'");
        assert_eq!(p.folders, ["sub"]);
        assert_eq!(p.scripts, ["sub/run"]);
        assert!(!p.top_level && p.unknown.is_empty(), "{p:?}");
        let note = unknown_note("sh -c 'cd sub && ./run'").unwrap_or_default();
        assert!(
            note.contains("`sub/run`") && !note.contains("top of the repository"),
            "{note}"
        );
        assert_eq!(programs("cd a/b && ../c/x.py").folders, ["a/c"]);
        assert_eq!(programs("cd a; cd ..; tools/x.sh").folders, ["tools"]);
        assert_eq!(
            programs("cd \"$CLAUDE_PROJECT_DIR\"/h && ./x.sh").folders,
            ["$CLAUDE_PROJECT_DIR/h"]
        );
        assert_eq!(programs("cd sub && python3 -m pkg.m").folders, ["sub/pkg"]);
    }
}
