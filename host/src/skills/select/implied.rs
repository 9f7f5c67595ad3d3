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

/// First parts of a path that name a folder of a project, not a GitHub
/// owner.
const FOLDERS: &[&str] = &[
    "src",
    "lib",
    "app",
    "apps",
    "test",
    "tests",
    "docs",
    "doc",
    "bin",
    "pkg",
    "cmd",
    "internal",
    "components",
    "packages",
    "scripts",
    "config",
    "configs",
    "build",
    "dist",
    "public",
    "static",
    "assets",
    "api",
    "web",
    "server",
    "client",
    "tools",
    "examples",
    "infra",
    "deploy",
    "charts",
    "modules",
    "services",
    "home",
    "tmp",
    "var",
    "etc",
    "usr",
    "data",
    "logs",
    "migrations",
    "spec",
    "specs",
    "vendor",
    "node_modules",
    "target",
    "include",
];

/// `owner/name` written bare (`hashicorp/terraform-provider-aws`): a
/// repository on a forge, not a folder of this one.
pub(crate) fn names_a_repository(plain: &str) -> bool {
    // "yes/no", "read/write": prose alternatives are joined the same way;
    // a repository's name usually has a hyphen, or the message says where.
    let lower = plain.to_ascii_lowercase();
    let forge = [
        "github", "gitlab", "repo", "readme", "stars", "fork", "upstream",
    ]
    .iter()
    .any(|w| lower.contains(w));
    plain.split_whitespace().any(|chunk| {
        let bare = chunk.trim_matches(|c: char| !c.is_alphanumeric());
        let Some((owner, name)) = bare.split_once('/') else {
            return false;
        };
        let slug = |p: &str| {
            p.len() >= 2
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        };
        slug(owner)
            && slug(name)
            && (forge || owner.contains('-') || name.contains('-'))
            && !name.contains('.')
            && !owner.contains('.')
            && !FOLDERS.contains(&owner.to_ascii_lowercase().as_str())
            && !chunk.starts_with(['.', '/', '~'])
    })
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
    fn owner_slash_name_is_a_repository_and_folders_are_not() {
        assert!(names_a_repository(
            "show me the README of hashicorp/terraform-provider-aws"
        ));
        assert!(names_a_repository(
            "where in kubernetes/kubernetes is it used on github"
        ));
        assert!(!names_a_repository(
            "split users.name into first_name/last_name"
        ));
        assert!(!names_a_repository("fix the bug in src/utils"));
        assert!(!names_a_repository("open ./foo/bar"));
        assert!(!names_a_repository("edit app/main.py"));
        assert!(!names_a_repository("is it yes/no"));
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
