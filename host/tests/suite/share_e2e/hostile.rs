//! A hostile `quire.lock` (arriving in a pull request) cannot make `quire
//! share` write or delete outside the repository: an `installed` path that
//! is relative with `..`, absolute, or runs through a symlinked folder is
//! refused by `verify`, `sync`, `sync --force` and `remove --force`, which
//! name the entry and exit 2, and nothing outside changes. The digests in
//! each lock match the source, so only the path check stops it.

use std::path::{Path, PathBuf};

use super::support::quire::TestEnv;
use super::{sha, write};

const SKILL: &str = "---\nname: pdf\ndescription: Fill in PDF forms.\n---\nSteps.\n";

/// A repository with a skill folder to "restore" from, and a scratch
/// folder beside it that plays the victim.
struct Scene {
    env: TestEnv,
    outside: tempfile::TempDir,
}

impl Scene {
    fn new() -> Scene {
        let env = TestEnv::new("responses");
        write(&env.repo_path().join("shared/pdf/SKILL.md"), SKILL);
        Scene {
            env,
            outside: tempfile::tempdir().unwrap(),
        }
    }

    fn victim(&self) -> PathBuf {
        std::fs::canonicalize(self.outside.path())
            .unwrap()
            .join("victim")
    }

    /// Writes a lock whose one entry installs at `installed`.
    fn lock(&self, installed: &str) {
        let text = format!(
            "version = 1\n\n[[entry]]\nkind = \"skill\"\nname = \"pdf\"\nsource = \"shared/pdf\"\ninstalled = {installed:?}\n\n[entry.files]\n\"SKILL.md\" = {:?}\n",
            sha(SKILL.as_bytes())
        );
        std::fs::write(self.env.repo_path().join("quire.lock"), text).unwrap();
    }

    /// Runs `quire share ARGS`, expecting a refusal naming the entry.
    fn refused(&self, args: &[&str]) {
        let mut all = vec!["share"];
        all.extend_from_slice(args);
        let run = self.env.run(&all);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains("skill entry 'pdf'") || run.stderr.contains("symbolic link"),
            "{args:?}: {}",
            run.stderr
        );
    }
}

/// Every file under `dir` with its contents.
fn contents(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = walk(dir)
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            (p.display().to_string(), text)
        })
        .collect();
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    rd.flatten()
        .flat_map(|e| {
            let p = e.path();
            if p.is_dir() { walk(&p) } else { vec![p] }
        })
        .collect()
}

#[test]
fn relative_and_absolute_paths_out_of_the_repository_are_refused() {
    let s = Scene::new();
    let relative = pathdiff(&s.victim(), &s.env.repo_path());
    for installed in [relative, s.victim().display().to_string()] {
        s.lock(&installed);
        s.refused(&["verify"]);
        s.refused(&["sync"]);
        assert!(
            !s.victim().exists(),
            "sync created {}",
            s.victim().display()
        );
        // A folder that is there: --force would replace its files.
        write(&s.victim().join("keep.txt"), "mine\n");
        let before = contents(s.outside.path());
        s.refused(&["sync", "--force"]);
        s.refused(&["remove", "pdf", "--force"]);
        assert_eq!(contents(s.outside.path()), before, "{installed}");
        std::fs::remove_dir_all(s.victim()).unwrap();
    }
}

#[test]
fn a_symlinked_install_folder_is_refused() {
    let s = Scene::new();
    let quire_dir = s.env.repo_path().join(".quire");
    std::fs::create_dir_all(&quire_dir).unwrap();
    std::fs::create_dir_all(s.victim()).unwrap();
    std::os::unix::fs::symlink(s.victim(), quire_dir.join("skills")).unwrap();
    s.lock(".quire/skills/pdf");
    s.refused(&["verify"]);
    s.refused(&["sync"]);
    s.refused(&["sync", "--force"]);
    assert!(
        contents(s.outside.path()).is_empty(),
        "wrote through the link"
    );
    write(&s.victim().join("pdf/keep.txt"), "mine\n");
    s.refused(&["remove", "pdf", "--force"]);
    assert!(s.victim().join("pdf/keep.txt").exists());
}

#[test]
fn file_names_out_of_the_install_folder_are_refused() {
    let s = Scene::new();
    let text = format!(
        "version = 1\n\n[[entry]]\nkind = \"skill\"\nname = \"pdf\"\nsource = \"shared/pdf\"\ninstalled = \".quire/skills/pdf\"\n\n[entry.files]\n\"SKILL.md\" = {:?}\n\"../../../escape.md\" = {:?}\n",
        sha(SKILL.as_bytes()),
        sha(SKILL.as_bytes())
    );
    std::fs::write(s.env.repo_path().join("quire.lock"), text).unwrap();
    s.refused(&["sync", "--force"]);
    s.refused(&["verify"]);
}

/// `add` rewrites the whole lock: another entry's hostile path (relative
/// with `..`, absolute) or name refuses it as `remove` is refused, naming
/// that entry, and nothing is installed, written or removed.
#[test]
fn add_refuses_a_lock_with_a_hostile_entry_elsewhere() {
    let s = Scene::new();
    write(
        &s.env.repo_path().join("shared/notes/SKILL.md"),
        "---\nname: notes\ndescription: Take notes.\n---\nSteps.\n",
    );
    let relative = pathdiff(&s.victim(), &s.env.repo_path());
    let bad_name = format!(
        "version = 1\n\n[[entry]]\nkind = \"skill\"\nname = \"../pdf\"\nsource = \"shared/pdf\"\ninstalled = \".quire/skills/../pdf\"\n\n[entry.files]\n\"SKILL.md\" = {:?}\n",
        sha(SKILL.as_bytes())
    );
    let lock = s.env.repo_path().join("quire.lock");
    for (installed, needle) in [
        (
            Some(relative.clone()),
            format!("has installed = \"{relative}\""),
        ),
        (
            Some(s.victim().display().to_string()),
            format!("has installed = \"{}\"", s.victim().display()),
        ),
        (None, "has a name that cannot be a folder name".to_string()),
    ] {
        match &installed {
            Some(path) => s.lock(path),
            None => std::fs::write(&lock, &bad_name).unwrap(),
        }
        write(&s.victim().join("keep.txt"), "mine\n");
        let text = std::fs::read_to_string(&lock).unwrap();
        let outside = contents(s.outside.path());
        let run = s.env.run(&["share", "add", "shared/notes"]);
        assert_eq!(run.code, 2, "{needle}: {}{}", run.stdout, run.stderr);
        for part in [
            "quire.lock: the skill entry '",
            needle.as_str(),
            "fix or remove the entry",
            "nothing was added",
        ] {
            assert!(run.stderr.contains(part), "{part}: {}", run.stderr);
        }
        assert_eq!(std::fs::read_to_string(&lock).unwrap(), text, "{needle}");
        assert!(!s.env.repo_path().join(".quire/skills/notes").exists());
        assert_eq!(contents(s.outside.path()), outside, "{needle}");
    }
}

/// `to` relative to `from` (both absolute), with `..` parts.
fn pathdiff(to: &Path, from: &Path) -> String {
    let to: Vec<_> = to.components().collect();
    let from: Vec<_> = from.components().collect();
    let common = to.iter().zip(&from).take_while(|(a, b)| a == b).count();
    let mut parts = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// A folder `source` the lock names is read (its file names appear in a
/// drift, its files are copied when the digests match): in a repository's
/// lock it must stay inside the repository or a sibling checkout. An
/// absolute path, `../../…` or a link out of the repository is refused
/// before the folder is read; the user's own lock may name any folder.
#[test]
fn folder_sources_out_of_the_repository_are_refused() {
    let s = Scene::new();
    let secret = s.victim();
    write(&secret.join("SKILL.md"), SKILL);
    write(&secret.join("known_hosts"), "host\n");
    let lock = |source: &str| {
        let text = format!(
            "version = 1\n\n[[entry]]\nkind = \"skill\"\nname = \"pdf\"\nsource = {source:?}\ninstalled = \".quire/skills/pdf\"\n\n[entry.files]\n\"SKILL.md\" = {:?}\n\"known_hosts\" = {:?}\n",
            sha(SKILL.as_bytes()),
            sha(b"host\n")
        );
        std::fs::write(s.env.repo_path().join("quire.lock"), &text).unwrap();
        text
    };
    let installed = s.env.repo_path().join(".quire/skills/pdf");
    // Up to the root and down again: lexically out of the repository.
    let relative = format!("../..{}", secret.display());
    for source in [secret.display().to_string(), relative] {
        lock(&source);
        for args in [
            &["sync"][..],
            &["sync", "--force"],
            &["verify"],
            &["update", "--yes"],
        ] {
            let mut all = vec!["share"];
            all.extend_from_slice(args);
            let run = s.env.run(&all);
            assert_eq!(
                run.code, 2,
                "{source} {args:?}: {}{}",
                run.stdout, run.stderr
            );
            assert!(
                run.stderr.contains("skill entry 'pdf' has source")
                    && run
                        .stderr
                        .contains("inside the repository or in a sibling checkout"),
                "{source} {args:?}: {}",
                run.stderr
            );
        }
        assert!(!installed.exists(), "{source}: copied into the repository");
    }

    // A link inside the repository does not lead out of it either (to a
    // folder outside the repository's parent folder).
    // The first of these folders outside it, wherever the repository
    // under test was cloned (under /tmp, its sources are beside the
    // test's repository).
    let repo = s.env.repo_path();
    let parent = repo.parent().unwrap();
    let far = [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/share"),
        PathBuf::from("/usr/share"),
        PathBuf::from("/etc"),
    ]
    .into_iter()
    .filter_map(|p| std::fs::canonicalize(p).ok())
    .find(|p| p.is_dir() && !p.starts_with(parent))
    .expect("a folder outside the repository's parent");
    std::os::unix::fs::symlink(&far, repo.join("shared/out")).unwrap();
    lock("shared/out");
    let run = s.env.run(&["share", "sync"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("failed skill pdf: the folder shared/out leads through a symbolic link"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("check.rs"), "{}", run.stderr);
    assert!(!installed.exists(), "copied through the link");

    // The user's own lock: any folder of theirs.
    let home = s.env.home.path();
    let text = lock(&secret.display().to_string()).replace(".quire/skills/pdf", "skills/pdf");
    std::fs::write(home.join("quire.lock"), text).unwrap();
    let run = s.env.run(&["share", "--user", "sync"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(home.join("skills/pdf/known_hosts").is_file());
}

/// Two entries of the same name (a bad merge) would make `sync` and
/// `verify` contradict each other: the lock is refused, naming both lines.
#[test]
fn a_lock_with_two_entries_of_one_name_is_refused() {
    let s = Scene::new();
    s.lock(".quire/skills/pdf");
    let one = std::fs::read_to_string(s.env.repo_path().join("quire.lock")).unwrap();
    let entry = &one[one.find("[[entry]]").unwrap()..];
    std::fs::write(
        s.env.repo_path().join("quire.lock"),
        format!("{one}\n{entry}"),
    )
    .unwrap();
    for args in [&["sync"][..], &["verify"], &["list"], &["remove", "pdf"]] {
        let mut all = vec!["share"];
        all.extend_from_slice(args);
        let run = s.env.run(&all);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains(
                "quire.lock has two skill entries named 'pdf' (lines 5 and 14); remove one"
            ),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert!(!s.env.repo_path().join(".quire/skills/pdf").exists());
}

/// A lock entry saying `kind = "plugin"` of a folder that holds a skill
/// (no plugin.toml): `sync` refuses it naming the entry and what the
/// folder holds, and installs nothing into `.quire/plugins`.
#[test]
fn a_plugin_entry_whose_source_is_no_plugin_is_refused() {
    let s = Scene::new();
    let text = format!(
        "version = 1\n\n[[entry]]\nkind = \"plugin\"\nname = \"pdf\"\nsource = \"shared/pdf\"\ninstalled = \".quire/plugins/pdf\"\n\n[entry.files]\n\"SKILL.md\" = {:?}\n",
        sha(SKILL.as_bytes())
    );
    std::fs::write(s.env.repo_path().join("quire.lock"), text).unwrap();
    let run = s.env.run(&["share", "sync"]);
    assert_ne!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(
            "the plugin entry 'pdf' is no plugin: its source shared/pdf has no plugin.toml, it holds a skill (SKILL.md)"
        ),
        "{}",
        run.stderr
    );
    assert!(!s.env.repo_path().join(".quire/plugins/pdf").exists());
}

/// `verify` runs the same kind check on what is installed: a skill folder
/// under `.quire/plugins` that a lock calls a plugin, with every digest
/// matching, is reported as drifted, naming the entry and what it holds.
#[test]
fn verify_reports_an_installed_folder_that_is_not_its_entrys_kind() {
    let s = Scene::new();
    let text = format!(
        "version = 1\n\n[[entry]]\nkind = \"plugin\"\nname = \"pdf\"\nsource = \"shared/pdf\"\ninstalled = \".quire/plugins/pdf\"\n\n[entry.files]\n\"SKILL.md\" = {:?}\n",
        sha(SKILL.as_bytes())
    );
    std::fs::write(s.env.repo_path().join("quire.lock"), text).unwrap();
    let folder = s.env.repo_path().join(".quire/plugins/pdf");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("SKILL.md"), SKILL).unwrap();
    let run = s.env.run(&["share", "verify"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(
            "drifted  plugin pdf: quire.lock: the plugin entry 'pdf' is no plugin: its folder .quire/plugins/pdf has no plugin.toml, it holds a skill (SKILL.md)"
        ),
        "{}",
        run.stdout
    );
    let json = s.env.run(&["share", "verify", "--json"]);
    assert!(
        json.stdout.contains("\"ok\":false")
            && json
                .stdout
                .contains("\"wrong_kind\":\"quire.lock: the plugin entry"),
        "{}",
        json.stdout
    );
}

/// A lock comes with the repository: one above 4 MiB is refused before it
/// is parsed, naming the file and the limit, and nothing is installed.
#[test]
fn an_oversized_lock_is_refused_naming_the_limit() {
    let s = Scene::new();
    s.lock(".quire/skills/pdf");
    let one = std::fs::read_to_string(s.env.repo_path().join("quire.lock")).unwrap();
    let padding = "# padding\n".repeat(420_000);
    std::fs::write(
        s.env.repo_path().join("quire.lock"),
        format!("{one}\n{padding}"),
    )
    .unwrap();
    for args in [&["sync"][..], &["list"]] {
        let mut all = vec!["share"];
        all.extend_from_slice(args);
        let run = s.env.run(&all);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains("quire.lock has ")
                && run
                    .stderr
                    .contains("more than the 4194304 (4 MiB) a lock may have"),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert!(!s.env.repo_path().join(".quire/skills/pdf").exists());
}
