//! Programs that run code the hook's command does not name (`make`, `npm
//! run`, `gradle`…): which files an approval covers for each, and the
//! "partly covered" note for `quire hooks list` and `quire trust`.

/// A program that runs code the command does not name: what it reads to
/// decide (`make` its Makefile, `npm run` its package.json) is covered
/// by the approval, what that in turn runs is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Runner {
    pub name: &'static str,
    /// Files and folders (relative to the repository) the approval covers.
    pub files: &'static [&'static str],
}

const MAKEFILES: &[&str] = &["Makefile", "makefile", "GNUmakefile"];
const PACKAGE: &[&str] = &["package.json"];
const PYPROJECT: &[&str] = &["pyproject.toml"];
const GRADLE: &[&str] = &[
    "build.gradle",
    "build.gradle.kts",
    "settings.gradle",
    "settings.gradle.kts",
];
const RUNNERS: &[Runner] = &[
    Runner {
        name: "make",
        files: MAKEFILES,
    },
    Runner {
        name: "gmake",
        files: MAKEFILES,
    },
    Runner {
        name: "npm",
        files: PACKAGE,
    },
    Runner {
        name: "npx",
        files: PACKAGE,
    },
    Runner {
        name: "yarn",
        files: PACKAGE,
    },
    Runner {
        name: "pnpm",
        files: PACKAGE,
    },
    Runner {
        name: "bun",
        files: PACKAGE,
    },
    Runner {
        name: "cargo",
        files: &["Cargo.toml", ".cargo", "xtask"],
    },
    Runner {
        name: "just",
        files: &["justfile", "Justfile", ".justfile"],
    },
    Runner {
        name: "task",
        files: &["Taskfile.yml", "Taskfile.yaml"],
    },
    Runner {
        name: "rake",
        files: &["Rakefile"],
    },
    Runner {
        name: "gradle",
        files: GRADLE,
    },
    Runner {
        name: "gradlew",
        files: GRADLE,
    },
    Runner {
        name: "mvn",
        files: &["pom.xml"],
    },
    Runner {
        name: "tox",
        files: &["tox.ini"],
    },
    Runner {
        name: "nox",
        files: &["noxfile.py"],
    },
    Runner {
        name: "poetry",
        files: PYPROJECT,
    },
    Runner {
        name: "uv",
        files: PYPROJECT,
    },
    Runner {
        name: "pdm",
        files: PYPROJECT,
    },
    Runner {
        name: "hatch",
        files: PYPROJECT,
    },
    Runner {
        name: "deno",
        files: &["deno.json", "deno.jsonc"],
    },
    Runner {
        name: "go",
        files: &["go.mod"],
    },
];

/// The runners `command` calls (a word whose file name is one), each once.
pub fn runners(command: &str) -> Vec<Runner> {
    let mut out: Vec<Runner> = Vec::new();
    for name in words(command) {
        if let Some(r) = RUNNERS.iter().find(|r| r.name == name)
            && !out.contains(r)
        {
            out.push(*r);
        }
    }
    out
}

/// Whether `command` calls git (a word whose file name is `git`).
pub(crate) fn names_git(command: &str) -> bool {
    words(command).any(|name| name == "git")
}

/// The file names of `command`'s words.
fn words(command: &str) -> impl Iterator<Item = &str> {
    command
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')' | '<' | '>'))
        .map(|word| {
            let word = word.trim_matches(|c| matches!(c, '"' | '\'' | '`'));
            word.rsplit('/').next().unwrap_or(word)
        })
}

/// What an approval of `command` does not cover, in words for `quire
/// hooks list` and `quire trust` (`None` when it names its files).
pub fn coverage_note(command: &str) -> Option<String> {
    with_unknown(command, super::programs::unknown_note(command))
}

/// [`coverage_note`] for the hook of the plugin in the folder `root`: its
/// approval covers the whole folder.
pub fn plugin_coverage_note(command: &str, root: &std::path::Path) -> Option<String> {
    let root = root.display().to_string();
    with_unknown(
        command,
        super::programs::plugin_unknown_note(command, root.trim_end_matches('/')),
    )
}

/// The note for a command that runs git: what the repository's git
/// setup names runs too.
const GIT_NOTE: &str = "`git` runs what the repository's git setup names (.git/hooks, an fsmonitor, filters, aliases, an external diff), which the approval does not cover; once that setup changes during a session, quire runs hooks' git with them switched off";

/// The runners' note for `command`, joined with `unknown` (what the
/// files it runs may reach).
fn with_unknown(command: &str, unknown: Option<String>) -> Option<String> {
    let unknown = match (names_git(command), unknown) {
        (false, u) => u,
        (true, None) => Some(GIT_NOTE.to_string()),
        (true, Some(u)) => Some(format!("{u}; {GIT_NOTE}")),
    };
    let found = runners(command);
    let unknown = unknown
        .map(|why| format!("partly covered: {why}: approve only if you trust what it reaches"));
    if found.is_empty() {
        return unknown;
    }
    let names: Vec<String> = found.iter().map(|r| format!("`{}`", r.name)).collect();
    let mut files: Vec<&str> = found.iter().flat_map(|r| r.files.iter().copied()).collect();
    files.dedup();
    let runner = format!(
        "partly covered: {} runs code the command does not name; the approval covers {} (a change to them stops the hook), not the files those run: approve only if you trust what they reach",
        names.join(", "),
        files.join(", ")
    );
    Some(match unknown {
        Some(u) => format!("{runner}; {u}"),
        None => runner,
    })
}
