//! What `quire plugins install` says about an installed bundle besides
//! its files: problems found in it (parts not loaded) and the grants of
//! its WASM components.

use std::path::Path;

use quire::plugins::bundle;

/// Prints the problems of the bundle in `dir` as warnings (the ones
/// `plugins validate` reports about its manifests: inline parts not
/// loaded, unknown fields, missing folders).
pub(super) fn problems(dir: &Path) {
    let Ok(b) = bundle::detect(dir) else {
        return;
    };
    for p in &b.problems {
        eprintln!("warning: {p}");
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
