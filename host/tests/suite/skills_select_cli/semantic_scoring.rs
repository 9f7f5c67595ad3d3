//! Semantic scoring's parts (`quire::skills::select::semantic`) against
//! the test model server's `/v1/embeddings` (real HTTP, vectors scripted
//! per test): a follow-up is scored with the message before it, and
//! tools found only by meaning stay within the request's byte budget.

use std::collections::BTreeSet;
use std::sync::Arc;

use quire::skills::select::semantic::{Endpoint, Semantic};
use quire::tools::ToolSpec;
use quire::tools::select::pick::pick;
use quire::tools::select::{ToolIndex, ToolSelectionConfig};
use serde_json::json;

use crate::support::model_server::ModelServer;

fn semantic(server: &ModelServer) -> Arc<Semantic> {
    let endpoint = Endpoint {
        base_url: server.base_url_openai(),
        model: "test-embed".into(),
        api_key: None,
    };
    // Any warning fails the test; the one notice of a background job is
    // expected.
    let warn = Arc::new(|w: String| assert!(w.contains("in the background"), "{w}"));
    Arc::new(Semantic::new(endpoint, None, warn))
}

#[test]
fn a_follow_up_is_scored_by_meaning_with_the_message_before_it() {
    let server = ModelServer::start();
    server.embed_rule("tax paperwork", &[1.0, 0.0]);
    server.embed_rule("PDF form", &[0.9, 0.2]);
    server.embed_rule("Compose", &[0.0, 1.0]);
    let sem = semantic(&server);
    let docs = vec![
        "docker-compose: Write and debug Docker Compose stacks.".to_string(),
        "pdf-forms: Fill in PDF form fields and flatten forms.".to_string(),
    ];
    // "still failing" alone says nothing either skill's text says.
    let alone = sem.similarities(&docs, "still failing", None).unwrap();
    assert!(alone.iter().all(|s| *s <= 0.0), "{alone:?}");
    // After a message about the tax paperwork, the PDF skill is nearest.
    let after = sem
        .similarities(
            &docs,
            "still failing",
            Some("my tax paperwork needs completing"),
        )
        .unwrap();
    assert!(after[1] > 0.3 && after[0] <= 0.0, "{after:?}");
    // Both messages' vectors are kept: asking again embeds nothing.
    let requests = server.embedding_requests().len();
    sem.similarities(
        &docs,
        "still failing",
        Some("my tax paperwork needs completing"),
    )
    .unwrap();
    assert_eq!(server.embedding_requests().len(), requests);
}

fn tool(name: &str, description: &str, schema_bytes: usize) -> ToolSpec {
    ToolSpec {
        name: name.into(),
        description: description.into(),
        parameters: json!({
            "type": "object",
            "properties": {"pipeline": {"type": "string", "description": "x".repeat(schema_bytes)}},
        }),
        read_only: false,
        destructive: false,
    }
}

#[test]
fn tools_found_only_by_meaning_stay_within_the_byte_budget() {
    let server = ModelServer::start();
    server.embed_rule("mkdir", &[1.0, 0.0]);
    server.embed_rule("Create a folder", &[0.95, 0.1]);
    server.embed_rule("aggregation pipeline", &[0.9, 0.3]);
    let mut specs: Vec<ToolSpec> = (0..45)
        .map(|i| tool(&format!("mcp__farm__fruit_{i}"), "Counts apples.", 10))
        .collect();
    specs.push(tool(
        "mcp__db__aggregate",
        "Run an aggregation pipeline on a collection.",
        12 * 1024,
    ));
    specs.push(tool("mcp__fs__make_dir", "Create a folder.", 10));
    let sem = semantic(&server);
    let index = ToolIndex::build(specs, 1).with_semantic(Some(sem.clone()));
    let config = ToolSelectionConfig::default();
    // 47 tool texts are embedded in the background: the first pick is
    // lexical; the next one, once they are in, fuses.
    pick(&index, &config, &BTreeSet::new(), "mkdir docs/adr", None);
    sem.wait_for_background();
    let picked = pick(&index, &config, &BTreeSet::new(), "mkdir docs/adr", None);
    let names: Vec<&str> = picked
        .tools
        .iter()
        .map(|&i| index.specs[i].name.as_str())
        .collect();
    // No word of the message is in any tool: meaning finds both, the
    // nearest goes; the 12 KB one does not fit `ranked_bytes` (8 KB) and,
    // found by meaning alone, is not sure enough to go past it.
    assert_eq!(names, vec!["mcp__fs__make_dir"]);
    assert!(config.ranked_bytes < 12 * 1024);
}
