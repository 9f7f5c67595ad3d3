//! File names from an upstream repository reach the update review and
//! `verify` quoted, never as escape sequences or line breaks: the review is
//! where new hooks and servers are approved, so upstream text must not be
//! able to fake its lines.

use super::*;

const ODD: &str = "na\nme\u{1b}[31m.md";
const QUOTED: &str = "\"na\\nme\\033[31m.md\"";

#[test]
fn odd_file_names_are_quoted_in_the_update_review_and_verify() {
    let up = Upstream::new();
    let env = TestEnv::new("responses");
    let run = up.add_pdf_forms(&env, "v1", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    write(&up.path.join("skills/pdf-forms").join(ODD), "odd\n");
    git(&up.path, &["add", "-A"]);
    git(&up.path, &["commit", "-q", "-m", "odd"]);
    git(&up.path, &["tag", "-f", "v1", "HEAD"]);
    // No terminal to ask on: the review is shown, nothing is installed.
    let run = env.run(&["share", "--allow-local-sources", "update"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(&format!("files added: {QUOTED}")),
        "{:?}",
        run.stdout
    );
    for text in [&run.stdout, &run.stderr] {
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(!text.contains("\nme"), "{text:?}");
    }

    // The same name added to the installed folder, as verify shows it.
    write(
        &env.repo_path().join(".quire/skills/pdf-forms").join(ODD),
        "x",
    );
    let run = env.run(&["share", "verify"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(&format!("added: {QUOTED}")),
        "{:?}",
        run.stdout
    );
    assert!(!run.stdout.contains('\u{1b}'), "{:?}", run.stdout);
    // --json keeps the exact name.
    let run = env.run(&["share", "verify", "--json"]);
    assert!(
        run.stdout.contains("na\\nme\\u001b[31m.md"),
        "{}",
        run.stdout
    );
}
