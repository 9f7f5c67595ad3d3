//! `share add` runs at the same time in one repository: each one's entry
//! is in `quire.lock` afterwards (writers take turns).

use super::*;

#[test]
fn adds_at_the_same_time_all_keep_their_lock_entries() {
    let env = TestEnv::new("responses");
    let shared = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    for round in 0..3 {
        let batch: Vec<String> = (0..8).map(|i| format!("s{round}x{i}")).collect();
        for name in &batch {
            write(
                &shared.path().join(name).join("SKILL.md"),
                &format!("---\nname: {name}\ndescription: Skill {name}.\n---\nSteps.\n"),
            );
        }
        let children: Vec<_> = batch
            .iter()
            .map(|name| {
                let src = shared.path().join(name).display().to_string();
                let mut cmd = env.command(&["share", "add", &src]);
                cmd.stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped());
                cmd.spawn().unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        names.extend(batch);
    }
    let lock = std::fs::read_to_string(env.repo_path().join("quire.lock")).unwrap();
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| !lock.contains(&format!("name = \"{n}\"")))
        .collect();
    assert!(missing.is_empty(), "lost: {missing:?}\n{lock}");
    let run = env.run(&["share", "verify"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}
