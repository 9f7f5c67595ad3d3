//! `update_plan`: the model's short, visible plan for a multi-step task.

use schemars::JsonSchema;
use serde::Deserialize;

use super::typed::{Typed, TypedTool};
use super::{ToolContext, ToolError, ToolOutput};
use crate::protocol::{Event, PlanStep};

const STATUSES: [&str; 3] = ["pending", "in_progress", "completed"];

const DESCRIPTION: &str = "Keep a short plan for a multi-step task, shown to the user. \
Send the whole plan each time: a few concise steps, each `pending`, `in_progress` or \
`completed`, with at most one `in_progress`. Update it as you start and finish steps, and \
add `explanation` when the plan changes. Skip it for simple one-step requests.";

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// Optional: why the plan is what it is or what changed.
    explanation: Option<String>,
    /// The full plan, in order.
    plan: Vec<Step>,
}

// One step as the model sends it (a `PlanStep` once checked); no doc
// comment: it would become a description the model pays for.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Step {
    /// One short step, e.g. "Add the parser tests".
    step: String,
    #[schemars(extend("enum" = STATUSES))]
    status: String,
}

/// The `update_plan` tool ([`UpdatePlan`] as a [`super::Tool`]).
pub type UpdatePlanTool = Typed<UpdatePlan>;

#[derive(Default)]
pub struct UpdatePlan;

impl TypedTool for UpdatePlan {
    type Args = Args;
    const NAME: &'static str = "update_plan";
    const DESCRIPTION: &'static str = DESCRIPTION;
    const READ_ONLY: bool = true;
    const DESTRUCTIVE: bool = false;

    async fn run(&self, args: Args, ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        let plan: Vec<PlanStep> = args
            .plan
            .into_iter()
            .map(|s| PlanStep {
                step: s.step,
                status: s.status,
            })
            .collect();
        check(&plan)?;
        let explanation = args
            .explanation
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty());
        let structured = serde_json::json!({"explanation": explanation, "plan": plan});
        ctx.events.send(Event::PlanUpdated { explanation, plan });
        Ok(ToolOutput {
            text: "Plan updated.".into(),
            structured: Some(structured),
            is_error: false,
        })
    }
}

fn check(plan: &[PlanStep]) -> Result<(), ToolError> {
    for (i, step) in plan.iter().enumerate() {
        if step.step.trim().is_empty() {
            return Err(ToolError::InvalidArguments(format!(
                "plan[{i}].step is empty; describe the step in a few words"
            )));
        }
        if !STATUSES.contains(&step.status.as_str()) {
            return Err(ToolError::InvalidArguments(format!(
                "plan[{i}].status is {:?}; use one of pending, in_progress, completed",
                step.status
            )));
        }
    }
    let active: Vec<&str> = plan
        .iter()
        .filter(|s| s.status == "in_progress")
        .map(|s| s.step.as_str())
        .collect();
    if active.len() > 1 {
        return Err(ToolError::InvalidArguments(format!(
            "{} steps are in_progress ({}); at most one may be. Mark the others pending or completed.",
            active.len(),
            active
                .iter()
                .map(|s| format!("{s:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;
    use tokio_util::sync::CancellationToken;

    use super::*;
    use crate::protocol::EventSink;
    use crate::tools::Tool;
    use crate::tools::{ApprovalPolicy, SandboxMode, approval::DenyAll, schema};

    fn ctx(events: EventSink) -> ToolContext {
        ToolContext {
            cwd: ".".into(),
            workspace: ".".into(),
            sandbox: SandboxMode::ReadOnly,
            network: false,
            unix_sockets: false,
            writable_roots: Vec::new(),
            plugin_data: Vec::new(),
            approval_policy: ApprovalPolicy::Never,
            sandbox_fixed: false,
            approver: Arc::new(DenyAll),
            cancel: CancellationToken::new(),
            events,
            call_id: None,
            shell_env: Default::default(),
        }
    }

    fn step(step: &str, status: &str) -> PlanStep {
        PlanStep {
            step: step.into(),
            status: status.into(),
        }
    }

    #[tokio::test]
    async fn emits_plan_updated() {
        let (sink, mut rx) = EventSink::channel();
        let args = json!({
            "explanation": "Tests first.",
            "plan": [
                {"step": "Write tests", "status": "completed"},
                {"step": "Implement", "status": "in_progress"},
                {"step": "Update docs", "status": "pending"}
            ]
        });
        let out = UpdatePlanTool::new().call(args, &ctx(sink)).await.unwrap();
        assert_eq!(out.text, "Plan updated.");
        assert!(!out.is_error);
        let plan = vec![
            step("Write tests", "completed"),
            step("Implement", "in_progress"),
            step("Update docs", "pending"),
        ];
        assert_eq!(
            rx.try_recv().unwrap(),
            Event::PlanUpdated {
                explanation: Some("Tests first.".into()),
                plan: plan.clone(),
            }
        );
        assert_eq!(
            out.structured.unwrap()["plan"],
            serde_json::to_value(&plan).unwrap()
        );
    }

    #[tokio::test]
    async fn rejects_two_in_progress_steps_and_sends_nothing() {
        let (sink, mut rx) = EventSink::channel();
        let args = json!({"plan": [
            {"step": "A", "status": "in_progress"},
            {"step": "B", "status": "in_progress"}
        ]});
        let msg = UpdatePlanTool::new()
            .call(args, &ctx(sink))
            .await
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("2 steps are in_progress (\"A\", \"B\")"),
            "{msg}"
        );
        assert!(rx.try_recv().is_err());
    }

    #[tokio::test]
    async fn rejects_unknown_status_and_empty_step() {
        let tool = UpdatePlanTool::new();
        let bad = json!({"plan": [{"step": "A", "status": "done"}]});
        // The registry's schema check catches it first; the tool checks too.
        assert!(schema::validate(&bad, &tool.spec().parameters).is_err());
        let msg = tool
            .call(bad, &ctx(EventSink::null()))
            .await
            .unwrap_err()
            .to_string();
        assert!(msg.contains("plan[0].status is \"done\""), "{msg}");
        let empty = json!({"plan": [{"step": "  ", "status": "pending"}]});
        let msg = tool
            .call(empty, &ctx(EventSink::null()))
            .await
            .unwrap_err()
            .to_string();
        assert!(msg.contains("plan[0].step is empty"), "{msg}");
    }

    #[test]
    fn schema_is_strict() {
        let spec = UpdatePlanTool::new().spec().clone();
        assert!(spec.read_only);
        assert_eq!(spec.parameters["additionalProperties"], json!(false));
        assert_eq!(spec.parameters["required"], json!(["plan"]));
        let ok = json!({"plan": [{"step": "A", "status": "pending"}]});
        assert!(schema::validate(&ok, &spec.parameters).is_ok());
        let extra = json!({"plan": [], "note": "x"});
        assert!(schema::validate(&extra, &spec.parameters).is_err());
    }
}
