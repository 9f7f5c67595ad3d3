//! The seam skills plug into: static instructions, items added after the
//! user's message (context and activations), and re-injection after
//! compaction. The system prompt stays byte-identical across a session. Driven through the
//! library API against the real model server.
use crate::support;

use std::sync::Arc;

use quire::agent::{CompactReason, EventSink, Extension, Session, SessionOptions, TaskStatus};
use quire::config::{Config, ProviderEntry};
use quire::model::{Item, WireApi};
use quire::tools::approval::DenyAll;
use support::model_server::{ModelServer, Reply};
use tokio_util::sync::CancellationToken;

struct FakeSkills;

impl Extension for FakeSkills {
    fn instructions(&self) -> Option<String> {
        Some("STATIC-RULES".into())
    }

    fn on_user_message(&self, user_text: &str) -> Vec<Item> {
        let mut items = vec![Item::Context {
            source: "fake".into(),
            text: format!("CATALOG-FOR: {user_text}"),
        }];
        if user_text.contains("$demo") {
            items.push(activation());
        }
        items
    }

    fn after_compaction(&self) -> Vec<Item> {
        vec![activation()]
    }
}

fn activation() -> Item {
    Item::SkillActivation {
        name: "demo".into(),
        body: "DEMO-SKILL-BODY".into(),
    }
}

#[tokio::test]
async fn extensions_shape_the_prompt_and_survive_compaction() {
    let server = ModelServer::start();
    server.push_all([
        Reply::text("first"),
        Reply::text("THE-SUMMARY"),
        Reply::text("second"),
    ]);
    let home = tempfile::tempdir().unwrap();
    let cwd = tempfile::tempdir().unwrap();
    let mut config = Config {
        provider: "test".into(),
        model: "m".into(),
        ..Config::default()
    };
    // Only the fake extension adds to the prompt.
    config.skills.enabled = false;
    config.providers.insert(
        "test".into(),
        ProviderEntry {
            wire_api: Some(WireApi::Chat),
            base_url: Some(server.base_url_openai()),
            ..Default::default()
        },
    );
    let mut session = Session::start(SessionOptions {
        config,
        home: home.path().into(),
        cwd: cwd.path().into(),
        resume: None,
        approver: Arc::new(DenyAll),
        events: EventSink::null(),
    })
    .unwrap();
    session.add_extension(Arc::new(FakeSkills));

    let out = session
        .run_task("use $demo please", CancellationToken::new())
        .await;
    assert_eq!(out.status, TaskStatus::Done);
    let reqs = server.requests();
    let messages = &reqs[0].body["messages"];
    // On the Chat wire the context is text of the message it follows.
    assert_eq!(messages[1]["role"], "user");
    assert!(
        messages[1]["content"]
            .as_str()
            .unwrap()
            .starts_with("use $demo please\n\nCATALOG-FOR: use $demo please"),
        "the context right after the message: {}",
        messages[1]
    );
    assert!(reqs[0].raw_body.contains("DEMO-SKILL-BODY"));

    session
        .compact(CompactReason::Manual, &CancellationToken::new())
        .await
        .unwrap();
    let history = session.history();
    let summary_at = history
        .iter()
        .position(|i| matches!(i, Item::CompactionSummary { .. }))
        .unwrap();
    assert_eq!(
        history[summary_at + 1],
        activation(),
        "re-injected after the summary"
    );

    let out = session.run_task("and now?", CancellationToken::new()).await;
    assert_eq!(out.status, TaskStatus::Done);
    let last = &server.requests()[2].raw_body;
    assert!(last.contains("THE-SUMMARY"));
    assert!(last.contains("DEMO-SKILL-BODY"));
    assert!(last.contains("CATALOG-FOR: and now?"));
    assert_eq!(
        last.matches("DEMO-SKILL-BODY").count(),
        1,
        "no duplicate injection"
    );
    let reqs = server.requests();
    let system = &reqs[0].body["messages"][0];
    assert!(
        system["content"]
            .as_str()
            .unwrap()
            .ends_with("STATIC-RULES")
    );
    assert!(
        reqs.iter().all(|r| r.body["messages"][0] == *system),
        "one system prompt for the whole session"
    );
}
