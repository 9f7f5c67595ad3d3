//! The system prompt's `date:` is the day the session started (its file's
//! `created`), also when it is resumed on a later day, so the cached
//! prefix holds; a new session is of today.

use super::support::model_server::Reply;
use super::support::quire::TestEnv;

/// Noon UTC: the same calendar day in nearly every time zone.
const CREATED: &str = "2020-03-04T12:00:00+00:00";

fn system_prompt(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    v["messages"][0]["content"].as_str().unwrap().to_string()
}

#[test]
fn a_resumed_session_keeps_the_day_it_started() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::text("first"),
        Reply::text("second"),
        Reply::text("third"),
        Reply::text("fourth"),
    ]);
    let run = env.exec_json("first message", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let file = env.session_files().pop().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut meta: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(meta["record"], "meta", "{}", lines[0]);
    meta["created"] = CREATED.into();
    lines[0] = meta.to_string();
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();

    let started = chrono::DateTime::parse_from_rfc3339(CREATED)
        .unwrap()
        .with_timezone(&chrono::Local)
        .format("date: %Y-%m-%d")
        .to_string();
    let today = chrono::Local::now().format("date: %Y-%m-%d").to_string();

    for msg in ["second message", "third message"] {
        let run = env.exec_json(msg, &["--resume", "last"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    // A new session (as after `/new`) is of today.
    let run = env.exec_json("fourth message", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 4);
    let system: Vec<String> = reqs.iter().map(|r| system_prompt(&r.raw_body)).collect();
    assert!(system[0].contains(&today), "{}", system[0]);
    for (i, s) in system[1..3].iter().enumerate() {
        assert!(s.contains(&started), "resumed request {}: {s}", i + 1);
    }
    assert_eq!(
        system[1], system[2],
        "one system prompt for the resumed session"
    );
    assert!(system[3].contains(&today), "new session: {}", system[3]);
    assert!(reqs[3].raw_body.contains("fourth message"));
    assert!(!reqs[3].raw_body.contains("third message"), "a new session");
}
