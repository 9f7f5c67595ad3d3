//! One-line summaries of tool calls and token usage for the human view.

use quire::model::Usage;
use serde_json::Value;

/// `tokens: 12400 in (11800 cached) · 310 out` (with `N written` beside
/// `cached` when the provider reports cache writes).
pub fn usage_line(u: &Usage) -> String {
    let mut cached = format!("{} cached", u.cached_input_tokens);
    if u.cache_write_input_tokens > 0 {
        cached.push_str(&format!(", {} written", u.cache_write_input_tokens));
    }
    format!(
        "tokens: {} in ({cached}) · {} out",
        u.input_tokens, u.output_tokens
    )
}

/// `shell: cargo test`, `read_file: src/lib.rs:10-40`, …
pub fn tool_line(name: &str, args: &Value) -> String {
    let s = |k: &str| args.get(k).and_then(Value::as_str).unwrap_or("");
    let detail = match name {
        "shell" => s("command").to_string(),
        "read_file" => {
            let mut d = s("path").to_string();
            if let Some(o) = args.get("offset").and_then(Value::as_u64) {
                d.push_str(&format!(":{o}"));
            }
            d
        }
        "list_dir" => args
            .get("path")
            .and_then(Value::as_str)
            .unwrap_or(".")
            .to_string(),
        "grep" => format!("{} {}", s("pattern"), s("path")).trim().to_string(),
        "apply_patch" => patch_files(s("patch")),
        "update_plan" => "plan".to_string(),
        _ => match args {
            Value::String(raw) => raw.clone(),
            other => other.to_string(),
        },
    };
    let detail = detail.replace('\n', " ⏎ ");
    format!("{name}: {}", clip(&detail, 100))
}

fn patch_files(patch: &str) -> String {
    let files: Vec<String> = patch
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            for (marker, tag) in [
                ("*** Add File: ", "A"),
                ("*** Update File: ", "M"),
                ("*** Delete File: ", "D"),
            ] {
                if let Some(p) = l.strip_prefix(marker) {
                    return Some(format!("{tag} {p}"));
                }
            }
            None
        })
        .collect();
    files.join(", ")
}

pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn summaries_name_the_essentials() {
        assert_eq!(
            tool_line("shell", &json!({"command": "ls -la"})),
            "shell: ls -la"
        );
        assert_eq!(
            tool_line(
                "apply_patch",
                &json!({"patch": "*** Begin Patch\n*** Update File: a.rs\n@@\n-x\n+y\n*** End Patch"})
            ),
            "apply_patch: M a.rs"
        );
        assert!(tool_line("shell", &json!({"command": "x".repeat(300)})).ends_with('…'));
    }
}
