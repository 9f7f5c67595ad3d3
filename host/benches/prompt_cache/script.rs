//! The scripted session: 100 generated skills, 200 tools named like the
//! tools of ten MCP servers, and ten messages with their model replies
//! (three tool round trips each, then the answer).

use quire::skills::Skill;
use quire::skills::select::testing;
use quire::tools::{Tool, ToolContext, ToolError, ToolOutput, ToolSpec};
use serde_json::{Value, json};

/// Ten services, five objects each; four verbs make 20 tools a server.
const SERVERS: [(&str, [&str; 5]); 10] = [
    (
        "github",
        ["issue", "pull_request", "branch", "release", "workflow"],
    ),
    ("jira", ["ticket", "sprint", "board", "epic", "comment"]),
    (
        "slack",
        ["message", "channel", "thread", "reaction", "user"],
    ),
    ("postgres", ["table", "query", "index", "schema", "role"]),
    (
        "kubernetes",
        ["pod", "deployment", "service", "namespace", "event"],
    ),
    (
        "sentry",
        ["error", "issue_event", "release_health", "alert", "project"],
    ),
    (
        "stripe",
        ["charge", "refund", "customer", "invoice", "subscription"],
    ),
    (
        "notion",
        ["page", "database", "block", "comment", "template"],
    ),
    (
        "calendar",
        ["meeting", "calendar", "attendee", "room", "reminder"],
    ),
    (
        "storage",
        ["bucket", "object", "upload", "policy", "lifecycle_rule"],
    ),
];
const VERBS: [&str; 4] = ["list", "get", "create", "update"];

/// A tool that answers with fixed text, named like an MCP tool.
pub struct Canned {
    spec: ToolSpec,
    output: String,
}

#[async_trait::async_trait]
impl Tool for Canned {
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }
    async fn call(&self, _args: Value, _ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        Ok(ToolOutput::text(self.output.clone()))
    }
}

/// The 200 tools.
pub fn tools() -> Vec<Canned> {
    let mut out = Vec::new();
    for (server, objects) in SERVERS {
        for object in objects {
            let words = object.replace('_', " ");
            for verb in VERBS {
                let (what, props) = match verb {
                    "list" => (
                        format!("Lists the {words}s in {server}, newest first, with filters."),
                        json!({"filter": {"type": "string", "description": format!("Only {words}s matching this text.")},
                               "limit": {"type": "integer", "description": "At most this many results (default 20)."}}),
                    ),
                    "get" => (
                        format!("Gets one {words} from {server} by id, with all its fields."),
                        json!({"id": {"type": "string", "description": format!("The {words} id.")}}),
                    ),
                    "create" => (
                        format!("Creates a {words} in {server}. Returns the new id and its URL."),
                        json!({"title": {"type": "string", "description": "A short title."},
                               "body": {"type": "string", "description": "The full text (Markdown)."}}),
                    ),
                    _ => (
                        format!(
                            "Updates fields of a {words} in {server}; fields left out stay as they are."
                        ),
                        json!({"id": {"type": "string", "description": format!("The {words} id.")},
                               "fields": {"type": "object", "description": "Field names and new values."}}),
                    ),
                };
                out.push(Canned {
                    spec: ToolSpec {
                        name: format!("mcp__{server}__{verb}_{object}"),
                        description: what,
                        parameters: json!({"type": "object", "properties": props}),
                        read_only: verb == "list" || verb == "get",
                        destructive: false,
                    },
                    output: canned_output(server, object),
                });
            }
        }
    }
    out
}

fn canned_output(server: &str, object: &str) -> String {
    (1..=12)
        .map(|i| {
            format!("{{\"id\": \"{object}-{i}\", \"source\": \"{server}\", \"title\": \"{object} number {i} from the weekly report\", \"state\": \"open\"}}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The 100 skills: ten per service.
pub fn skills() -> Vec<Skill> {
    const KINDS: [(&str, &str); 10] = [
        (
            "triage",
            "Triage new {s} items: label, prioritise and assign them.",
        ),
        (
            "report",
            "Write a weekly {s} report with numbers and trends.",
        ),
        ("cleanup", "Clean up stale {s} items older than a month."),
        (
            "audit",
            "Audit {s} permissions and settings against the team policy.",
        ),
        (
            "migrate",
            "Migrate {s} data between projects without losing history.",
        ),
        (
            "onboard",
            "Onboard a new teammate to {s}: access, conventions, first tasks.",
        ),
        (
            "incident",
            "Handle an incident that involves {s}: timeline, owners, follow-ups.",
        ),
        ("automate", "Automate a recurring {s} chore with a script."),
        ("review", "Review {s} changes before they go live."),
        ("export", "Export {s} data to CSV for analysis."),
    ];
    let mut out = Vec::new();
    for (server, _) in SERVERS {
        for (kind, text) in KINDS {
            let mut s = testing::skill(&format!("{server}-{kind}"), &text.replace("{s}", server));
            s.body = format!(
                "# {server} {kind}\n\n{}\n\n1. Gather the {server} items.\n2. Do the {kind} steps.\n3. Write down what changed.\n",
                s.description
            );
            out.push(s);
        }
    }
    out
}

/// One message: its text and the tool the model calls first (an MCP
/// tool, or a built-in one).
pub struct Message {
    pub text: &'static str,
    pub tool: &'static str,
    pub args: Value,
}

fn m(text: &'static str, tool: &'static str, args: Value) -> Message {
    Message { text, tool, args }
}

/// A bug-fix session: the bug comes from a GitHub issue, most messages work
/// on the code with the built-in tools, the end reports in Jira and Slack.
pub fn one_task() -> Vec<Message> {
    vec![
        m(
            "Look at the open github issues labelled bug and pick the checkout crash.",
            "mcp__github__list_issue",
            json!({"filter": "label:bug"}),
        ),
        m(
            "Get the full github issue with the stack trace.",
            "mcp__github__get_issue",
            json!({"id": "issue-3"}),
        ),
        m(
            "Find where the checkout total is computed in the code.",
            "grep",
            json!({"pattern": "total"}),
        ),
        m(
            "Read that file and explain why the total can be negative.",
            "read_file",
            json!({"path": "README.md"}),
        ),
        m(
            "Fix it so discounts never make the total negative.",
            "read_file",
            json!({"path": "README.md"}),
        ),
        m(
            "Add a test for a discount larger than the cart.",
            "list_dir",
            json!({}),
        ),
        m(
            "Run the tests and show me what fails, if anything.",
            "list_dir",
            json!({}),
        ),
        m(
            "Comment on the github issue with what was wrong and the fix.",
            "mcp__github__update_issue",
            json!({"id": "issue-3"}),
        ),
        m(
            "Create a jira ticket to follow up on the refunds this bug caused.",
            "mcp__jira__create_ticket",
            json!({"title": "Refunds after checkout bug"}),
        ),
        m(
            "Summarise the whole fix in three lines for the release notes.",
            "list_dir",
            json!({}),
        ),
    ]
}

/// The worst case: every message needs another service's tools.
pub fn ten_services() -> Vec<Message> {
    vec![
        m(
            "List the open github issues labelled bug and summarise them for me.",
            "mcp__github__list_issue",
            json!({"filter": "label:bug"}),
        ),
        m(
            "Create a jira ticket for the login crash described in the first issue.",
            "mcp__jira__create_ticket",
            json!({"title": "Login crash"}),
        ),
        m(
            "Post a short summary of both to the team's slack channel.",
            "mcp__slack__create_message",
            json!({"title": "Summary"}),
        ),
        m(
            "Query the postgres orders table for yesterday's failed payments.",
            "mcp__postgres__list_query",
            json!({"filter": "failed"}),
        ),
        m(
            "Which kubernetes pods of the checkout deployment restarted in the last hour?",
            "mcp__kubernetes__list_pod",
            json!({"filter": "checkout"}),
        ),
        m(
            "Look up the sentry errors for the checkout service since the last release.",
            "mcp__sentry__list_error",
            json!({"filter": "checkout"}),
        ),
        m(
            "Refund the stripe charge of the customer who reported the double payment.",
            "mcp__stripe__create_refund",
            json!({"title": "double payment"}),
        ),
        m(
            "Write the incident notes into a new notion page with a timeline.",
            "mcp__notion__create_page",
            json!({"title": "Incident notes"}),
        ),
        m(
            "Schedule a postmortem meeting on the team calendar for Friday.",
            "mcp__calendar__create_meeting",
            json!({"title": "Postmortem"}),
        ),
        m(
            "Upload the final report to the storage bucket for the quarter.",
            "mcp__storage__create_upload",
            json!({"title": "report.md"}),
        ),
    ]
}

/// A README the model reads in each message.
pub fn readme() -> String {
    let mut s = String::from("# Shop\n\nThe checkout service and its tools.\n\n");
    for i in 0..40 {
        s.push_str(&format!(
            "- Step {i}: run `make step-{i}` and check the output for errors.\n"
        ));
    }
    s
}
