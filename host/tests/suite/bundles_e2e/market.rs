//! Added marketplaces are known by the name their catalog gives itself:
//! another source naming itself the same is refused, not swapped in.

use super::install::marketplace;
use super::run;
use super::support::quire::TestEnv;

#[test]
fn a_marketplace_naming_itself_like_an_added_one_is_refused_until_replaced() {
    let env = TestEnv::new("responses");
    let team = marketplace(&env.home.path().join("team"));
    let other = marketplace(&env.home.path().join("other"));
    let team_src = team.canonicalize().expect("team").display().to_string();
    let other_src = other.canonicalize().expect("other").display().to_string();

    let r = run(&env, &["plugins", "marketplace", "add", &team_src]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The same source again refreshes.
    let r = run(&env, &["plugins", "marketplace", "add", &team_src]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("added marketplace team-tools"),
        "{}",
        r.stdout
    );

    let r = run(&env, &["plugins", "marketplace", "add", &other_src]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    for needle in [
        team_src.as_str(),
        other_src.as_str(),
        "quire plugins marketplace remove team-tools",
        "--replace",
    ] {
        assert!(r.stderr.contains(needle), "lacks {needle}: {}", r.stderr);
    }
    let r = run(&env, &["plugins", "marketplace", "list"]);
    assert!(
        r.stdout.contains(&format!("team-tools  {team_src}")),
        "{}",
        r.stdout
    );

    let r = run(
        &env,
        &["plugins", "marketplace", "add", &other_src, "--replace"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&env, &["plugins", "marketplace", "list"]);
    assert!(
        r.stdout.contains(&format!("team-tools  {other_src}")),
        "{}",
        r.stdout
    );

    let r = run(&env, &["plugins", "marketplace", "remove", "team-tools"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&env, &["plugins", "marketplace", "list"]);
    assert!(!r.stdout.contains("team-tools"), "{}", r.stdout);
    let r = run(&env, &["plugins", "install", "claude-kit"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}
