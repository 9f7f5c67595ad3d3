//! What a message implies it asks for, beyond its words: a command line
//! after "run" is a command to run (`run pnpm test`), a file named beside
//! "create" is a file to write (`create a .nvmrc with 20.11.1`). Messages
//! only: a skill's or a tool's text is not read this way.

use super::words::names_a_file;

/// Programs that start a command line (`make test`, `npm run build`).
pub(crate) const COMMANDS: &[&str] = &[
    "make",
    "npm",
    "npx",
    "yarn",
    "pnpm",
    "bun",
    "deno",
    "node",
    "cargo",
    "go",
    "python",
    "python3",
    "pytest",
    "pip",
    "uv",
    "poetry",
    "docker",
    "kubectl",
    "helm",
    "terraform",
    "bash",
    "sh",
    "git",
    "mvn",
    "gradle",
    "dotnet",
    "bundle",
    "rake",
    "rails",
    "php",
    "composer",
    "mix",
    "tox",
    "nox",
    "just",
    "sudo",
];

/// Verbs that bring a file into being.
const CREATE: &[&str] = &[
    "create", "write", "touch", "new", "generate", "scaffold", "save",
];

/// Situations a message describes that tools name in other words: when
/// a word of each list is in the message (lowercase, punctuation
/// trimmed), these words are added.
const SITUATIONS: &[(&[&[&str]], &str)] = &[
    // Notion's API calls a database a data source.
    (
        &[
            &["db", "database", "databases"],
            &[
                "notion",
                "board",
                "sprint",
                "kanban",
                "tracker",
                "tasks",
                "column",
                "property",
                "properties",
            ],
        ],
        "data source",
    ),
    // Marking an item done is setting a property of its page.
    (
        &[
            &["mark", "status", "set"],
            &["done", "complete", "completed", "blocked", "progress"],
        ],
        "update properties",
    ),
    // Adding at the bottom or end is appending.
    (
        &[
            &["bottom", "end"],
            &["add", "put", "insert", "append"],
            &["at", "to"],
        ],
        "append",
    ),
];

/// The words the situations `plain` describes add.
pub(crate) fn situations(plain: &str) -> Vec<&'static str> {
    let words: Vec<String> = plain
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_ascii_lowercase()
        })
        .collect();
    SITUATIONS
        .iter()
        .filter(|(all, _)| {
            all.iter()
                .all(|any| words.iter().any(|w| any.contains(&w.as_str())))
        })
        .map(|(_, add)| *add)
        .collect()
}

/// `run` (or `execute`) followed by a program: a command line to run.
pub(crate) fn runs_a_command(plain: &str) -> bool {
    let words: Vec<String> = plain
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_ascii_lowercase()
        })
        .collect();
    words.windows(2).any(|w| {
        matches!(w[0].as_str(), "run" | "execute" | "exec") && COMMANDS.contains(&w[1].as_str())
    })
}

/// A verb that creates beside a file's name: a file to write.
pub(crate) fn creates_a_file(plain: &str) -> bool {
    let mut verb = false;
    let mut file = false;
    for chunk in plain.split_whitespace() {
        let w = chunk
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_ascii_lowercase();
        verb |= CREATE.contains(&w.as_str());
        file |= names_a_file(chunk);
    }
    verb && file
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn situations_tools_name_in_other_words() {
        assert_eq!(
            situations("P0 bugs from the Bugs db in notion"),
            ["data source"]
        );
        assert_eq!(
            situations("mark the 'migrate auth' card as Done"),
            ["update properties"]
        );
        assert_eq!(
            situations("add a line at the bottom: launch slipped"),
            ["append"]
        );
        assert!(situations("fix the db connection pool").is_empty());
    }

    #[test]
    fn run_then_a_program_is_a_command() {
        assert!(runs_a_command(
            "run pnpm test in the repo and tell me what fails"
        ));
        assert!(runs_a_command("pls run npm run build"));
        assert!(!runs_a_command("the run failed on make"));
        assert!(!runs_a_command("run the tests"));
    }

    #[test]
    fn create_beside_a_file_name_is_a_file_to_write() {
        assert!(creates_a_file(
            "create a .nvmrc at the repo root containing 20.11.1"
        ));
        assert!(creates_a_file("create scripts/seed.sql with an insert"));
        assert!(!creates_a_file("fix the bug in deploy.sh"));
        assert!(!creates_a_file("create a new branch for it"));
    }
}
