//! Capping through the registry: every tool hands over raw output; the
//! registry keeps head and tail at the session's limit, or at a tool's own
//! smaller limit (a plugin's `limits.output_kb`).

use std::sync::Arc;

use serde_json::{Value, json};

use super::ToolRegistry;
use crate::protocol::{ToolCall, ToolError, ToolOutput, ToolSpec};
use crate::tools::{Tool, ToolContext};

struct Loud {
    spec: ToolSpec,
    own_limit: Option<usize>,
}

#[async_trait::async_trait]
impl Tool for Loud {
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }
    async fn call(&self, _args: Value, _ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        Ok(ToolOutput::text(format!("HEAD{}TAIL", "x".repeat(10_000))))
    }
    fn output_limit(&self) -> Option<usize> {
        self.own_limit
    }
}

fn loud(name: &str, own_limit: Option<usize>) -> Arc<dyn Tool> {
    Arc::new(Loud {
        spec: ToolSpec {
            name: name.into(),
            description: "test".into(),
            parameters: json!({"type": "object"}),
            read_only: true,
            destructive: false,
        },
        own_limit,
    })
}

async fn run(reg: &ToolRegistry, name: &str) -> crate::protocol::CallResult {
    let ctx = ToolContext::standalone(&std::env::temp_dir());
    let call = ToolCall {
        call_id: "c1".into(),
        name: name.into(),
        arguments: "{}".into(),
    };
    reg.run_calls(&[call], &ctx, &mut |_| {}).await.remove(0)
}

#[tokio::test]
async fn the_registry_caps_at_the_smaller_of_the_session_and_the_tool_limit() {
    let mut reg = ToolRegistry::new(4000);
    reg.register(loud("plain", None));
    reg.register(loud("own", Some(1000)));
    reg.register(loud("generous", Some(1 << 20)));
    let total = 10_008;
    for (name, limit) in [("plain", 4000), ("own", 1000), ("generous", 4000)] {
        let r = run(&reg, name).await;
        assert_eq!(r.truncated_bytes, total - limit, "{name}");
        assert!(r.output.starts_with("HEAD"), "{name}: head kept");
        assert!(r.output.ends_with("TAIL"), "{name}: tail kept");
        assert!(
            r.output
                .contains(&format!("[… {} bytes cut from the middle", total - limit)),
            "{name}"
        );
    }
}
