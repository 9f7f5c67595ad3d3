//! Skills in a real session (library API, real model server on 127.0.0.1):
//! the exact request with catalog and active body (snapshot), explicit
//! mentions, stickiness across turns and compaction, edits applied without
//! a restart, and the `skill` tool refusing reads outside a skill's folder.
use crate::support;

mod edits;

use std::path::PathBuf;
use std::sync::Arc;

use quire::agent::{CompactReason, EventSink, Session, SessionOptions, TaskStatus};
use quire::config::{Config, ProviderEntry};
use quire::model::{Item, WireApi};
use quire::skills::SkillsConfig;
use quire::skills::extension::attach_with;
use quire::skills::select::{Paths, SelectionOptions, testing};
use quire::tools::approval::DenyAll;
use serde_json::json;
use support::model_server::{ModelServer, Reply, Step};
use tokio_util::sync::CancellationToken;

struct Env {
    server: ModelServer,
    home: tempfile::TempDir,
    cwd: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let env = Env {
            server: ModelServer::start(),
            home: tempfile::tempdir().unwrap(),
            cwd: tempfile::tempdir().unwrap(),
        };
        let skills: [(&str, &str, &str); 11] = [
            (
                "pdf-forms",
                "Fill in PDF form fields and flatten forms with pypdf.",
                "# Filling\nRun `python scripts/fill.py FORM DATA` and check the output.\n",
            ),
            (
                "docker-compose",
                "Write and debug Docker Compose stacks and healthchecks.",
                "# Compose\nCheck `docker compose config` first.\n",
            ),
            (
                "release-notes",
                "Draft release notes from the git history since the last tag.",
                "# Notes\nGroup by type.\n",
            ),
            (
                "git-bisect",
                "Find the commit that introduced a regression with git bisect.",
                "# Bisect\nScript it.\n",
            ),
            (
                "sql-migrations",
                "Write reversible database schema migrations without downtime.",
                "# Migrations\nAdd, backfill, switch.\n",
            ),
            (
                "csv-cleaning",
                "Clean CSV data with pandas: duplicates and missing values.",
                "# Cleaning\nDedupe first.\n",
            ),
            (
                "regex-builder",
                "Build and test regular expressions.",
                "# Regex\nTest on samples.\n",
            ),
            (
                "email-drafting",
                "Draft clear, polite emails and replies.",
                "# Email\nShort.\n",
            ),
            (
                "css-layout",
                "Fix CSS layout problems with flexbox and grid.",
                "# Layout\nInspect first.\n",
            ),
            (
                "log-analysis",
                "Search and summarise application logs and error spikes.",
                "# Logs\nGroup by minute.\n",
            ),
            (
                "shell-scripting",
                "Write robust bash scripts with quoting and traps.",
                "# Bash\nset -euo pipefail.\n",
            ),
        ];
        for (name, description, body) in skills {
            let mut s = testing::skill(name, description);
            s.body = body.to_string();
            testing::write(&env.root(), s).unwrap();
        }
        let pdf = env.root().join("pdf-forms");
        std::fs::create_dir_all(pdf.join("scripts")).unwrap();
        std::fs::write(pdf.join("scripts/fill.py"), "print('filled')\n").unwrap();
        env
    }

    fn root(&self) -> PathBuf {
        self.cwd.path().join(".quire/skills")
    }

    fn session(&self, config: SkillsConfig) -> Session {
        let mut cfg = Config {
            provider: "test".into(),
            model: "m".into(),
            ..Config::default()
        };
        // These tests attach selection themselves, with their own loader.
        cfg.skills.enabled = false;
        cfg.providers.insert(
            "test".into(),
            ProviderEntry {
                wire_api: Some(WireApi::Chat),
                base_url: Some(self.server.base_url_openai()),
                ..Default::default()
            },
        );
        let mut session = Session::start(SessionOptions {
            config: cfg,
            home: self.home.path().into(),
            cwd: self.cwd.path().into(),
            resume: None,
            approver: Arc::new(DenyAll),
            events: EventSink::null(),
        })
        .unwrap();
        let root = self.root();
        let opts = SelectionOptions {
            config,
            loader: Arc::new(move || testing::load_root(&root)),
            cache_dir: Some(self.home.path().join("cache/skills-index")),
            paths: Paths {
                workspace: Some(self.cwd.path().into()),
                home: None,
            },
        };
        attach_with(&mut session, opts, 16 * 1024);
        session
    }

    fn redact(&self, raw: &str) -> serde_json::Value {
        let mut s = raw.to_string();
        for p in [
            self.cwd.path().to_path_buf(),
            std::fs::canonicalize(self.cwd.path()).unwrap(),
        ] {
            s = s.replace(&p.display().to_string(), "[CWD]");
        }
        let mut v: serde_json::Value = serde_json::from_str(&s).unwrap();
        let system = v["messages"][0]["content"].as_str().unwrap().to_string();
        let start = system.find("<environment>").unwrap();
        let end = system.find("</environment>").unwrap() + "</environment>".len();
        let system = format!("{}[ENVIRONMENT]{}", &system[..start], &system[end..]);
        v["messages"][0]["content"] = json!(system);
        v
    }
}

async fn run(session: &mut Session, text: &str) {
    let out = session.run_task(text, CancellationToken::new()).await;
    assert_eq!(out.status, TaskStatus::Done, "{out:?}");
}

/// The skills catalog of a request: on the Chat wire it is text of the
/// user message it follows (the system prompt never carries it), up to
/// the skill bodies that may come after it.
fn catalog_of(body: &serde_json::Value) -> String {
    let system = body["messages"][0]["content"].as_str().unwrap();
    assert!(!system.contains("# Skills"), "{system}");
    let text = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .filter(|m| m["role"] == "user")
        .filter_map(|m| m["content"].as_str())
        .find_map(|c| c.rfind("# Skills").map(|at| &c[at..]))
        .unwrap_or_default();
    text.split("\n\n<skill_content")
        .next()
        .unwrap_or_default()
        .to_string()
}

fn activated(history: &[Item], skill: &str) -> bool {
    history
        .iter()
        .any(|i| matches!(i, Item::SkillActivation { name, .. } if name == skill))
}

#[tokio::test]
async fn the_request_carries_the_catalog_and_the_active_body() {
    let env = Env::new();
    env.server.push(Reply::text("done"));
    let mut session = env.session(SkillsConfig::default());
    run(
        &mut session,
        "$pdf-forms fill in the W-9 form from the CSV, then draft an email reply",
    )
    .await;
    let req = &env.server.requests()[0];
    let body = env.redact(&req.raw_body);
    insta::assert_json_snapshot!("skills_request_chat", body);
    assert!(matches!(&session.history()[1], Item::Context { source, .. } if source == "skills"));
    // One user message: the text, the catalog, then the skill's body.
    let Item::SkillActivation { name, body: skill } = &session.history()[2] else {
        panic!("{:?}", session.history()[2]);
    };
    assert_eq!(name, "pdf-forms");
    let sent = body["messages"][1]["content"]
        .as_str()
        .unwrap()
        .replace("[CWD]", &env.cwd.path().display().to_string());
    assert!(sent.ends_with(&format!("\n\n{skill}")), "{sent}");
}

#[tokio::test]
async fn active_skills_stick_across_turns_and_compaction() {
    let env = Env::new();
    env.server.push_all([
        Reply::text("first"),
        Reply::text("second"),
        Reply::text("THE-SUMMARY"),
        Reply::text("third"),
    ]);
    let mut session = env.session(SkillsConfig::default());
    let marker = "Run `python scripts/fill.py FORM DATA`";

    run(&mut session, "/pdf-forms please fill the tax form").await;
    run(&mut session, "again with $pdf-forms, the other form").await;
    let reqs = env.server.requests();
    assert_eq!(reqs[0].raw_body.matches(marker).count(), 1);
    assert_eq!(
        reqs[1].raw_body.matches(marker).count(),
        1,
        "no duplicate injection"
    );
    let catalog = catalog_of(&reqs[1].body);
    assert!(
        catalog.contains("Active skills (their instructions are in the conversation): pdf-forms.")
    );
    assert!(
        !catalog.contains("- pdf-forms:"),
        "active skills are not listed again"
    );

    session
        .compact(CompactReason::Manual, &CancellationToken::new())
        .await
        .unwrap();
    let history = session.history();
    let at = history
        .iter()
        .position(|i| matches!(i, Item::CompactionSummary { .. }))
        .unwrap();
    assert!(matches!(&history[at + 1], Item::Context { source, .. } if source == "skills"));
    assert!(activated(&history[at..], "pdf-forms"));

    run(&mut session, "and the last one").await;
    let last = &env.server.requests()[3].raw_body;
    assert!(last.contains("THE-SUMMARY"));
    assert_eq!(
        last.matches(marker).count(),
        1,
        "re-injected once after compaction"
    );
}

#[tokio::test]
async fn a_clear_winner_is_activated_unless_switched_off() {
    let env = Env::new();
    env.server
        .push_all([Reply::text("one"), Reply::text("two")]);
    let msg = "debug the docker compose healthchecks of my stack";
    let mut session = env.session(SkillsConfig::default());
    run(&mut session, msg).await;
    assert!(activated(session.history(), "docker-compose"));
    let off = SkillsConfig {
        auto_activate: false,
        ..SkillsConfig::default()
    };
    let mut quiet = env.session(off);
    run(&mut quiet, msg).await;
    assert!(
        !quiet
            .history()
            .iter()
            .any(|i| matches!(i, Item::SkillActivation { .. }))
    );
    let catalog = catalog_of(&env.server.requests()[1].body);
    assert!(
        catalog.contains("best first:\n- docker-compose: Write and debug"),
        "{catalog}"
    );
}

#[tokio::test]
async fn edits_apply_without_restart() {
    let env = Env::new();
    env.server
        .push_all([Reply::text("one"), Reply::text("two")]);
    let off = SkillsConfig {
        auto_activate: false,
        ..SkillsConfig::default()
    };
    let mut session = env.session(off);
    let msg = "terraform, spreadsheets";
    run(&mut session, msg).await;
    let catalog = catalog_of(&env.server.requests()[0].body);
    assert!(!catalog.contains("terraform") && !catalog.contains("spreadsheets"));

    // A new skill and an edited description count from the next message.
    let mut s = testing::skill(
        "terraform-aws",
        "Plan and apply Terraform for AWS infrastructure.",
    );
    s.body = "# Terraform\nRead the plan.\n".into();
    testing::write(&env.root(), s).unwrap();
    let mut csv = testing::read_skill(&env.root().join("csv-cleaning"), &env.root()).unwrap();
    csv.description = "Clean spreadsheets and tabular data exports.".into();
    testing::write(&env.root(), csv).unwrap();
    run(&mut session, msg).await;
    let catalog = catalog_of(&env.server.requests()[1].body);
    assert!(
        catalog.contains("- terraform-aws: Plan and apply Terraform"),
        "{catalog}"
    );
    assert!(catalog.contains("- csv-cleaning: Clean spreadsheets and tabular data exports."));
    assert!(catalog.contains("10 more skills are installed"));
}

#[tokio::test]
async fn the_skill_tool_searches_activates_and_never_reads_outside_the_folder() {
    let env = Env::new();
    std::fs::write(env.cwd.path().join("secret.txt"), "TOP-SECRET").unwrap();
    let pdf = env.root().join("pdf-forms");
    std::os::unix::fs::symlink(env.cwd.path().join("secret.txt"), pdf.join("link.txt")).unwrap();
    std::os::unix::fs::symlink(env.cwd.path(), pdf.join("up")).unwrap();
    let secret_abs = env.cwd.path().join("secret.txt").display().to_string();
    let read = |id: &str, path: &str| {
        Step::tool_call(
            id,
            "skill",
            json!({"action": "read", "name": "pdf-forms", "path": path}),
        )
    };
    env.server.push_all([
        Reply::tool_calls(vec![
            Step::tool_call(
                "s",
                "skill",
                json!({"action": "search", "query": "regression commit"}),
            ),
            Step::tool_call(
                "a",
                "skill",
                json!({"action": "activate", "name": "pdf-forms"}),
            ),
            read("ok", "scripts/fill.py"),
            read("dotdot", "../../../secret.txt"),
            read("abs", &secret_abs),
            read("link", "link.txt"),
            read("dirlink", "up/secret.txt"),
            read("sneaky", "scripts/../../pdf-forms/../../secret.txt"),
        ]),
        Reply::text("done"),
        Reply::text("later"),
    ]);
    let mut session = env.session(SkillsConfig::default());
    run(&mut session, "hello").await;
    let result = |id: &str| {
        session
            .history()
            .iter()
            .find_map(|i| match i {
                Item::ToolResult {
                    call_id,
                    output,
                    is_error,
                } if call_id == id => Some((output.clone(), *is_error)),
                _ => None,
            })
            .unwrap()
    };
    let (search, _) = result("s");
    assert!(
        search.starts_with(
            "Skills matching \"regression commit\", best first:\n1. git-bisect (score "
        ),
        "{search}"
    );
    let (activated, err) = result("a");
    assert!(!err);
    assert!(activated.starts_with("<skill_content name=\"pdf-forms\">"));
    assert!(activated.contains("- scripts/fill.py\n"));
    assert_eq!(result("ok"), ("print('filled')\n".to_string(), false));
    for id in ["dotdot", "abs", "link", "dirlink", "sneaky"] {
        let (out, err) = result(id);
        assert!(err, "{id}: {out}");
        assert!(out.contains("outside the skill's folder"), "{id}: {out}");
        assert!(!out.contains("TOP-SECRET"), "{id}: {out}");
        // A link is named as one, not answered with advice about `..`.
        let linked = id.contains("link");
        assert_eq!(out.contains("symbolic link"), linked, "{id}: {out}");
        assert_eq!(out.contains("without '..'"), !linked, "{id}: {out}");
    }

    // Activated by the tool: sticky, so a later mention injects nothing.
    run(&mut session, "$pdf-forms again").await;
    assert!(
        !session
            .history()
            .iter()
            .any(|i| matches!(i, Item::SkillActivation { .. }))
    );
}
