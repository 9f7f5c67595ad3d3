//! A teammate pulls a lock the team lead updated: `sync` replaces the
//! files quire installed from the older lock without asking, and still
//! refuses to discard the teammate's own edits.

use super::*;

/// The lead commits `quire.lock`; the teammate pulls it (real git).
fn publish(lead: &TestEnv, message: &str) {
    git(lead.repo.path(), &["add", "quire.lock", ".gitignore"]);
    git(lead.repo.path(), &["commit", "-q", "-m", message]);
}

fn pull(mate: &TestEnv, lead: &TestEnv) {
    let from = lead.repo_path().display().to_string();
    git(
        mate.repo.path(),
        &["pull", "-q", "--no-rebase", &from, "HEAD"],
    );
}

#[test]
fn sync_after_a_pulled_update_replaces_untouched_files_only() {
    let up = Upstream::new();
    let (lead, mate) = (TestEnv::new("responses"), TestEnv::new("responses"));
    lead.write(".gitignore", ".quire/\n");
    let run = up.add_pdf_forms(&lead, "v1", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    publish(&lead, "lock pdf-forms v1");
    pull(&mate, &lead);
    let run = mate.run(&["share", "--allow-local-sources", "sync"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        mate.read(".quire/skills/pdf-forms/scripts/fill.py"),
        FILL_V1
    );

    // The lead takes the moved tag; the teammate edited nothing.
    git(&up.path, &["tag", "-f", "v1", "HEAD"]);
    let run = lead.run(&["share", "--allow-local-sources", "update", "--yes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    publish(&lead, "update pdf-forms");
    pull(&mate, &lead);
    let run = mate.run(&["share", "--allow-local-sources", "sync"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("restored skill pdf-forms"),
        "{}",
        run.stdout
    );
    assert_eq!(
        mate.read(".quire/skills/pdf-forms/scripts/fill.py"),
        "print('fill v2')\n"
    );
    assert_eq!(mate.run(&["share", "verify"]).code, 0);

    // Another update, but this time the teammate changed a file: refused.
    write(
        &up.path.join("skills/pdf-forms/scripts/fill.py"),
        "print('fill v3')\n",
    );
    git(&up.path, &["commit", "-q", "-am", "v3"]);
    git(&up.path, &["tag", "-f", "v1", "HEAD"]);
    let run = lead.run(&["share", "--allow-local-sources", "update", "--yes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    publish(&lead, "update pdf-forms again");
    mate.write(".quire/skills/pdf-forms/SKILL.md", "my own notes\n");
    pull(&mate, &lead);
    let run = mate.run(&["share", "--allow-local-sources", "sync"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    // Only the teammate's own edit is a local change; the file the new
    // lock changes is named apart.
    assert!(
        run.stderr
            .contains("local changes (changed: SKILL.md); the lock also updates: scripts/fill.py;"),
        "{}",
        run.stderr
    );
    assert_eq!(
        mate.read(".quire/skills/pdf-forms/SKILL.md"),
        "my own notes\n"
    );
    let run = mate.run(&["share", "--allow-local-sources", "sync", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        mate.read(".quire/skills/pdf-forms/scripts/fill.py"),
        "print('fill v3')\n"
    );
}
