//! The selection as a session uses it: a registry, requests' tools,
//! `tool_search`, history.

use std::sync::Arc;

use serde_json::{Value, json};

use super::*;
use crate::tools::Extension;
use crate::tools::{Tool, ToolContext, ToolError, ToolOutput};

struct Fake(ToolSpec);

#[async_trait::async_trait]
impl Tool for Fake {
    fn spec(&self) -> &ToolSpec {
        &self.0
    }
    async fn call(&self, _: Value, _: &ToolContext) -> Result<ToolOutput, ToolError> {
        Ok(ToolOutput::text("ok"))
    }
}

fn tool(name: &str, description: &str) -> Arc<dyn Tool> {
    Arc::new(Fake(ToolSpec {
        name: name.into(),
        description: description.into(),
        parameters: json!({"type": "object", "properties": {"id": {"type": "string"}}}),
        read_only: false,
        destructive: false,
    }))
}

/// `shell` (built in), `tool_search`, then `n` MCP tools of a "crm"
/// server about contacts and one per topic below.
/// Tools join by growing the list (`join = "list"`).
fn session_tools(n: usize) -> (ToolRegistry, Arc<ToolSelection>, ToolSearchTool) {
    session_tools_joining(n, Join::List)
}

fn session_tools_joining(
    n: usize,
    join: Join,
) -> (ToolRegistry, Arc<ToolSelection>, ToolSearchTool) {
    let mut reg = ToolRegistry::new(16 * 1024);
    let shell = reg.register(tool("shell", "Runs a shell command."));
    let config = ToolSelectionConfig {
        join,
        ..ToolSelectionConfig::default()
    };
    let selection = Arc::new(ToolSelection::new(config, [shell]));
    let search = ToolSearchTool::new(selection.clone());
    reg.register(Arc::new(ToolSearchTool::new(selection.clone())));
    for i in 0..n {
        reg.register(tool(
            &format!("mcp__crm__contact_{i:02}"),
            "Looks up a contact record.",
        ));
    }
    reg.register(tool(
        "mcp__jira__create_issue",
        "Create a Jira issue in a project.",
    ));
    reg.register(tool(
        "mcp__slack__post_message",
        "Post a message to a Slack channel.",
    ));
    reg.register(tool("pdf__merge", "Merges PDF documents into one file."));
    selection.refresh(&reg);
    (reg, selection, search)
}

fn names(specs: &[ToolSpec]) -> Vec<String> {
    specs.iter().map(|s| s.name.clone()).collect()
}

fn user(text: &str) -> Item {
    Item::User {
        typed: None,
        text: text.into(),
    }
}

#[test]
fn few_tools_all_go_and_tool_search_stays_home() {
    let (_reg, selection, _) = session_tools(10);
    let specs = selection.turn_specs(&[user("hello")], "hello");
    assert_eq!(specs.len(), 14, "{:?}", names(&specs));
    assert!(!names(&specs).contains(&"tool_search".to_string()));
    assert_eq!(selection.note(), None);
    assert!(selection.on_user_message("hello").is_empty());
}

#[test]
fn many_tools_send_the_builtins_the_best_ranked_and_tool_search() {
    let (_reg, selection, _) = session_tools(60);
    let msg = "file a jira issue about the crash";
    let specs = names(&selection.turn_specs(&[user(msg)], msg));
    assert!(specs.len() <= 21, "{specs:?}");
    assert_eq!(specs.first().map(String::as_str), Some("shell"));
    assert!(
        specs.contains(&"mcp__jira__create_issue".to_string()),
        "{specs:?}"
    );
    assert_eq!(specs.last().map(String::as_str), Some("tool_search"));
    assert!(!specs.contains(&"mcp__slack__post_message".to_string()));
    let items = selection.on_user_message(msg);
    let [Item::Context { source, text: note }] = &items[..] else {
        panic!("one note: {items:?}");
    };
    assert_eq!(source, CONTEXT_SOURCE);
    assert!(
        selection.on_user_message("next").is_empty(),
        "said once while it holds"
    );
    assert!(note.contains("This session has 64 tools"), "{note}");
    assert!(
        note.contains("MCP servers crm (60), jira (1), slack (1); plugins pdf (1)"),
        "{note}"
    );
}

#[test]
fn tool_search_enables_what_it_finds_for_the_rest_of_the_session() {
    let (_reg, selection, search) = session_tools(60);
    let msg = "look up contacts";
    let before = names(&selection.turn_specs(&[user(msg)], msg));
    assert!(!before.contains(&"mcp__slack__post_message".to_string()));
    let out = search.run(Some("post to a slack channel"), &[], Some(1));
    assert!(!out.is_error, "{}", out.text);
    assert!(
        out.text.contains(
            "- mcp__slack__post_message: Post a message to a Slack channel. (parameters: id)"
        ),
        "{}",
        out.text
    );
    assert_eq!(
        search::enabled_in(&out.text),
        vec!["mcp__slack__post_message"]
    );
    let after = names(&selection.turn_specs(&[user(msg)], msg));
    assert!(
        after.contains(&"mcp__slack__post_message".to_string()),
        "{after:?}"
    );
    // A later turn about something else keeps it.
    let later = names(&selection.turn_specs(&[user(msg), user("merge pdfs")], "merge pdfs"));
    assert!(later.contains(&"mcp__slack__post_message".to_string()));
    assert!(later.contains(&"pdf__merge".to_string()));
}

#[test]
fn tool_search_by_name_and_its_errors() {
    let (_reg, selection, search) = session_tools(60);
    let out = search.run(None, &["pdf__merge".to_string()], None);
    assert!(!out.is_error, "{}", out.text);
    assert!(selection.is_kept("pdf__merge"));
    let out = search.run(None, &["jira_create".to_string()], None);
    assert!(out.is_error);
    assert!(
        out.text
            .contains("No tool is named `jira_create`; close names: mcp__jira__create_issue"),
        "{}",
        out.text
    );
    let out = search.run(Some("quantum chromodynamics"), &[], None);
    assert!(out.is_error);
    assert!(
        out.text
            .contains("No tool matches \"quantum chromodynamics\""),
        "{}",
        out.text
    );
    let out = search.run(Some("  "), &[], None);
    assert!(
        out.is_error && out.text.contains("give a `query`"),
        "{}",
        out.text
    );
}

#[tokio::test]
async fn tool_search_rejects_unknown_arguments() {
    let (_reg, _selection, search) = session_tools(1);
    let ctx = ToolContext::standalone(std::path::Path::new("."));
    let err = search.call(json!({"q": "x"}), &ctx).await.err().unwrap();
    assert!(err.to_string().contains("unknown field `q`"), "{err}");
}

#[test]
fn tools_the_model_called_stay_listed() {
    let (_reg, selection, _) = session_tools(60);
    let history = vec![
        user("merge the pdfs"),
        Item::ToolCall {
            call_id: "c1".into(),
            name: "pdf__merge".into(),
            arguments: "{}".into(),
        },
        user("now something unrelated"),
    ];
    let specs = names(&selection.turn_specs(&history, "now something unrelated"));
    assert!(specs.contains(&"pdf__merge".to_string()), "{specs:?}");
}

#[test]
fn a_resumed_history_restores_enabled_tools_and_a_new_one_clears_them() {
    let (_reg, selection, _) = session_tools(60);
    let history = vec![
        user("tell the team"),
        Item::ToolCall {
            call_id: "s1".into(),
            name: "tool_search".into(),
            arguments: r#"{"query":"slack"}"#.into(),
        },
        Item::ToolResult {
            call_id: "s1".into(),
            output: "Enabled for this session (call them by name):\n- mcp__slack__post_message: Post a message.".into(),
            is_error: false,
        },
    ];
    selection.sync_history(&history);
    assert!(selection.is_kept("mcp__slack__post_message"));
    selection.sync_history(&[]);
    assert!(!selection.is_kept("mcp__slack__post_message"));
    assert!(selection.is_kept("shell"));
}

#[test]
fn tools_that_join_later_are_indexed_at_the_next_refresh() {
    let (mut reg, selection, search) = session_tools(60);
    assert!(search.run(Some("kubernetes pods"), &[], None).is_error);
    reg.register(tool("mcp__k8s__list_pods", "Lists Kubernetes pods."));
    selection.refresh(&reg);
    let out = search.run(Some("kubernetes pods"), &[], None);
    assert!(out.text.contains("mcp__k8s__list_pods"), "{}", out.text);
    reg.unregister("mcp__k8s__list_pods");
    selection.refresh(&reg);
    assert_eq!(selection.index().len(), 64);
}

#[test]
fn the_list_only_grows_and_is_chosen_afresh_after_compaction() {
    let (_reg, selection, _) = session_tools(60);
    let first_msg = "look up the contact record";
    let mut history = vec![user(first_msg)];
    let first = names(&selection.turn_specs(&history, first_msg));
    assert!(!first.contains(&"mcp__jira__create_issue".to_string()));
    // Another round trip of the same message: the same list.
    assert_eq!(names(&selection.turn_specs(&history, first_msg)), first);
    // A message the list already serves: nothing joins.
    history.push(user("and the next contact"));
    let same = names(&selection.turn_specs(&history, "and the next contact"));
    assert_eq!(same, first);
    // A message that needs a tool: it joins at the end, the rest stays.
    let msg = "create a jira issue for it";
    history.push(user(msg));
    let grown = names(&selection.turn_specs(&history, msg));
    assert_eq!(grown[..first.len()], first[..], "{grown:?}");
    assert_eq!(&grown[first.len()..], ["mcp__jira__create_issue"]);
    // Compaction: chosen afresh for the message.
    selection.after_compaction();
    let fresh = names(&selection.turn_specs(&history, msg));
    assert!(fresh.contains(&"mcp__jira__create_issue".to_string()));
    assert_eq!(fresh.last().map(String::as_str), Some("tool_search"));
    assert_ne!(fresh, grown, "in the index order again");
}

#[test]
fn in_context_mode_the_list_never_changes_and_needed_tools_are_described() {
    let (_reg, selection, _) = session_tools_joining(60, Join::Context);
    let first_msg = "look up the contact record";
    let mut history = vec![user(first_msg)];
    assert!(
        selection.on_user_message(first_msg).len() == 1,
        "only the note"
    );
    let first = names(&selection.turn_specs(&history, first_msg));
    assert_eq!(
        &first[first.len() - 2..],
        ["tool_search", "call_tool"],
        "{first:?}"
    );
    assert!(!first.contains(&"mcp__jira__create_issue".to_string()));
    let msg = "create a jira issue for it";
    history.push(user(msg));
    let items = selection.on_user_message(msg);
    let [Item::Context { source, text }] = &items[..] else {
        panic!("one description: {items:?}");
    };
    assert_eq!(source, join::SOURCE);
    assert!(text.contains("## mcp__jira__create_issue\n"), "{text}");
    assert!(text.contains(r#""id":{"type":"string"}"#), "{text}");
    assert!(text.contains("`call_tool`"), "{text}");
    assert_eq!(names(&selection.turn_specs(&history, msg)), first);
    // Described once: the same need later adds nothing.
    assert!(
        selection
            .on_user_message("another jira issue please")
            .is_empty()
    );
    // The model calls it through call_tool; after compaction the list is
    // chosen afresh and keeps what was called.
    history.push(Item::ToolCall {
        call_id: "c1".into(),
        name: "call_tool".into(),
        arguments: r#"{"name":"mcp__jira__create_issue","arguments":{}}"#.into(),
    });
    assert_eq!(names(&selection.turn_specs(&history, msg)), first);
    selection.after_compaction();
    let fresh = names(&selection.turn_specs(&history, "thanks"));
    assert!(
        fresh.contains(&"mcp__jira__create_issue".to_string()),
        "{fresh:?}"
    );
}

#[test]
fn in_context_mode_tool_search_describes_what_the_list_lacks() {
    let (_reg, selection, search) = session_tools_joining(60, Join::Context);
    let msg = "look up contacts";
    let before = names(&selection.turn_specs(&[user(msg)], msg));
    let out = search.run(Some("post to a slack channel"), &[], Some(1));
    assert!(!out.is_error, "{}", out.text);
    assert_eq!(
        search::enabled_in(&out.text),
        vec!["mcp__slack__post_message"]
    );
    assert!(
        out.text.contains("## mcp__slack__post_message\n") && out.text.contains("`call_tool`"),
        "{}",
        out.text
    );
    assert_eq!(names(&selection.turn_specs(&[user(msg)], msg)), before);
    // A tool the list has is not described again.
    let listed = search.run(None, &["shell".to_string()], None);
    assert!(!listed.text.contains("## shell"), "{}", listed.text);
}

#[test]
fn the_order_of_a_fresh_list_does_not_depend_on_when_mcp_tools_arrived() {
    // The same tools, the MCP ones (and `mcp_resources`) registered in
    // another order: as servers come up, or as cached lists are read.
    let first_list = |mcp: &[&str]| {
        let mut reg = ToolRegistry::new(16 * 1024);
        let shell = reg.register(tool("shell", "Runs a shell command."));
        let selection = Arc::new(ToolSelection::new(ToolSelectionConfig::default(), [shell]));
        reg.register(Arc::new(ToolSearchTool::new(selection.clone())));
        reg.register(tool("pdf__merge", "Merges PDF documents into one file."));
        for name in mcp {
            reg.register(tool(name, "Works on contact records."));
        }
        selection.refresh(&reg);
        names(&selection.turn_specs(&[], "look up a contact record"))
    };
    let live = first_list(&[
        "mcp__zoo__feed",
        "mcp_resources",
        "mcp__crm__find",
        "mcp__crm__add",
    ]);
    let cached = first_list(&[
        "mcp__crm__find",
        "mcp__crm__add",
        "mcp__zoo__feed",
        "mcp_resources",
    ]);
    assert_eq!(live, cached);
    assert_eq!(
        live,
        [
            "shell",
            "pdf__merge",
            "mcp__crm__add",
            "mcp__crm__find",
            "mcp__zoo__feed",
            "mcp_resources"
        ]
    );
}

#[test]
fn tool_search_names_tools_described_earlier_instead_of_repeating_them() {
    let (_reg, selection, search) = session_tools_joining(60, Join::Context);
    let first_msg = "look up the contact record";
    let mut history = vec![user(first_msg)];
    selection.on_user_message(first_msg);
    selection.turn_specs(&history, first_msg);
    let msg = "create a jira issue for it";
    history.push(user(msg));
    let items = selection.on_user_message(msg);
    assert!(
        matches!(&items[..], [Item::Context { text, .. }] if text.contains("## mcp__jira__create_issue\n")),
        "{items:?}"
    );
    let out = search.run(
        None,
        &[
            "mcp__jira__create_issue".into(),
            "mcp__slack__post_message".into(),
        ],
        None,
    );
    assert!(!out.is_error, "{}", out.text);
    // Both are enabled and summed up in a line; only the new one's schema.
    assert_eq!(
        search::enabled_in(&out.text),
        ["mcp__jira__create_issue", "mcp__slack__post_message"]
    );
    assert!(
        out.text
            .contains("- mcp__jira__create_issue: Create a Jira issue"),
        "{}",
        out.text
    );
    assert!(
        out.text
            .contains("- mcp__jira__create_issue (described earlier in this conversation)"),
        "{}",
        out.text
    );
    assert!(
        !out.text.contains("## mcp__jira__create_issue"),
        "{}",
        out.text
    );
    assert!(
        out.text.contains("## mcp__slack__post_message\n"),
        "{}",
        out.text
    );
    // A resumed history: what it describes (after a message or in a
    // search result) counts as described.
    history.push(Item::Context {
        source: join::SOURCE.into(),
        text: format!(
            "# Tools for this message\n\n{}",
            join::describe(&ToolSpec {
                name: "mcp__jira__create_issue".into(),
                description: "Create a Jira issue.\nIn a project.".into(),
                parameters: json!({}),
                read_only: false,
                destructive: false,
            })
        ),
    });
    history.push(Item::ToolCall {
        call_id: "s1".into(),
        name: search::NAME.into(),
        arguments: "{}".into(),
    });
    history.push(Item::ToolResult {
        call_id: "s1".into(),
        output: out.text.clone(),
        is_error: false,
    });
    selection.sync_history(&history);
    selection.turn_specs(&history, msg);
    let again = search.run(
        None,
        &[
            "mcp__jira__create_issue".into(),
            "mcp__slack__post_message".into(),
        ],
        None,
    );
    assert!(!again.text.contains("## "), "{}", again.text);
    assert!(
        again
            .text
            .contains("- mcp__slack__post_message (described earlier in this conversation)"),
        "{}",
        again.text
    );
}
