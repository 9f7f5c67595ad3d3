//! What `quire plugins install` says about an installed bundle besides
//! its files: problems found in it (parts not loaded) and the grants of
//! its WASM components.

use std::path::Path;

use quire::plugins::bundle;

/// Prints the problems of the bundle `name` just installed in `dir` as
/// warnings — every one `plugins validate` reports, of its manifests and
/// its parts —, then how many and how to see them again. The same for
/// both scopes and both commands (`plugins install`, `share add`).
pub(crate) fn problems(name: &str, dir: &Path, seen: bundle::validate::Seen) {
    let v = bundle::validate::validate(dir, seen);
    for n in &v.notes {
        elistln!("note: {n}");
    }
    for p in v.problems.iter().chain(&v.warnings) {
        elistln!("warning: {p}");
    }
    let count = v.counted();
    if !count.is_empty() {
        elistln!(
            "warning: plugin {name} has {count}: some of the parts named are skipped, others loaded with a warning (`quire plugins validate {}` lists them again)",
            dir.display()
        );
    }
}

/// Shows the grants of the bundle's WASM components and records consent
/// with `yes`; without it they load only after `quire plugins add`.
pub(super) fn consent(home: &Path, dir: &Path, yes: bool) -> bool {
    let Ok(b) = bundle::detect(dir) else {
        return true;
    };
    let mut store = quire::plugins::consent::ConsentStore::open(home);
    for c in &b.components {
        let file = c.join(quire::plugins::manifest::MANIFEST_FILE);
        let Ok(m) = quire::plugins::manifest::load(&file) else {
            continue;
        };
        let grants = bundle::validate::grant_lines(&m);
        println!(
            "  WASM component {}: {}",
            m.name,
            if grants.is_empty() {
                "no grants".to_string()
            } else {
                grants.join(", ")
            }
        );
        if grants.is_empty() {
            continue;
        }
        if yes {
            if let Err(e) = store.accept(&m) {
                eprintln!("error: {e}");
                return false;
            }
        } else {
            println!("    not accepted: run again with --yes to accept these grants");
        }
    }
    true
}

/// Warns when the bundle just installed in `dir` shares its name with one
/// of the other scope: the user's always wins (`plugins::bundle::clash`),
/// so a repository's copy next to the user's own is not loaded.
pub(crate) fn name_clash(dir: &Path, user_scope: bool, cwd: &Path) {
    let Ok(b) = bundle::detect(dir) else {
        return;
    };
    let (found, _) = if user_scope {
        bundle::scan_at(Some(cwd), None)
    } else {
        bundle::scan_at(None, bundle::user_plugins_dir())
    };
    // The same folder seen from both scopes (quire run in the home
    // folder) is one plugin, not two.
    let Some(other) = found
        .iter()
        .find(|i| i.bundle.name == b.name && !bundle::same_folder(&i.bundle.root, dir))
    else {
        return;
    };
    let name = quire::printable::quoted_name(&b.name);
    if user_scope {
        eprintln!(
            "warning: this repository's plugin {name} ({}) has the same name as the one installed at {}: yours wins, so the repository's is not loaded here (a user plugin always wins over a repository's of one name)",
            other.bundle.root.display(),
            dir.display()
        );
    } else {
        eprintln!(
            "warning: your own plugin {name} ({}) has the same name as the one installed at {}: yours wins, so the repository's copy is not loaded (a user plugin always wins over a repository's of one name); rename one of them, or remove yours with `quire share remove --user {}` to use the repository's",
            other.bundle.root.display(),
            dir.display(),
            b.name
        );
    }
}
