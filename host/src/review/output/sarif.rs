//! SARIF 2.1.0 for code-scanning UIs: one run of the `quire` tool, a rule
//! per category, a result per finding with its place and a stable
//! fingerprint (the finding's id). A failed review is a run whose
//! invocation was not successful, with why.

use serde_json::{Value, json};

use super::super::report::Report;

/// The SARIF version written.
pub const VERSION: &str = "2.1.0";
const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The report as a SARIF log.
pub fn render(report: &Report) -> Value {
    let mut categories: Vec<&str> = report
        .findings
        .iter()
        .map(|f| f.category.as_str())
        .collect();
    categories.sort_unstable();
    categories.dedup();
    let rules: Vec<Value> = categories
        .iter()
        .map(|c| {
            json!({
                "id": format!("quire-review/{c}"),
                "name": c,
                "shortDescription": { "text": format!("{c} problems found by quire review") },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let index = categories
                .iter()
                .position(|c| *c == f.category)
                .unwrap_or(0);
            let text = if f.explanation.is_empty() {
                f.title.clone()
            } else {
                format!("{}: {}", f.title, f.explanation)
            };
            let mut properties = json!({
                "severity": f.severity.label(),
                "confidence": f.confidence,
                "id": f.id,
                "hasSuggestedPatch": f.suggested_patch.is_some()
            });
            if let Some(why) = &f.suggested_patch_refused {
                // As in the JSON report: a refused patch is not offered.
                properties["suggestedPatchRefused"] = json!(why);
            }
            json!({
                "ruleId": format!("quire-review/{}", f.category),
                "ruleIndex": index,
                "level": super::level(f.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&f.file), "uriBaseId": "%SRCROOT%" },
                        "region": { "startLine": f.line_start, "endLine": f.line_end }
                    }
                }],
                "partialFingerprints": { "quireFindingId/v1": f.id },
                "properties": properties
            })
        })
        .collect();
    let mut run = json!({
        "tool": { "driver": {
            "name": "quire",
            "version": env!("CARGO_PKG_VERSION"),
            "rules": rules
        }},
        "automationDetails": { "description": { "text": report.target } },
        "results": results
    });
    let mut notifications = Vec::new();
    if let Some(why) = super::failure(report) {
        // The review failed: a CI upload still gets a valid log saying so.
        notifications.push(json!({
            "level": "error",
            "message": { "text": why },
            "descriptor": { "id": "quire-review/failed" }
        }));
    }
    if let Some(why) = &report.not_reviewed {
        // Every changed file was skipped: the run looked at nothing.
        let level = if report.gate_refusal().is_some() {
            "error"
        } else {
            "note"
        };
        notifications.push(json!({
            "level": level,
            "message": { "text": why },
            "descriptor": { "id": "quire-review/nothing-reviewed" }
        }));
    }
    if let Some(why) = &report.size_limited {
        notifications.push(json!({
            "level": "error",
            "message": { "text": why },
            "descriptor": { "id": "quire-review/size-limited" }
        }));
    }
    if let Some(why) = &report.text_as_binary {
        notifications.push(json!({
            "level": "error",
            "message": { "text": why },
            "descriptor": { "id": "quire-review/text-as-binary" }
        }));
    }
    if !notifications.is_empty() {
        run["invocations"] = json!([{
            "executionSuccessful": report.error.is_none() && report.gate_refusal().is_none(),
            "toolExecutionNotifications": notifications
        }]);
    }
    json!({
        "$schema": SCHEMA_URI,
        "version": VERSION,
        "runs": [run]
    })
}

/// A repository-relative path as a URI reference: every byte but the
/// unreserved ones and `/` percent-encoded (`new%0Aline.txt`, `a%20b.rs`).
fn uri(path: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~')
        .remove(b'/');
    percent_encoding::utf8_percent_encode(path, KEEP).to_string()
}

#[cfg(test)]
mod uri_tests {
    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(super::uri("src/a_b-c.rs"), "src/a_b-c.rs");
        assert_eq!(super::uri("new\nline 1%.txt"), "new%0Aline%201%25.txt");
        assert_eq!(super::uri("ü.rs"), "%C3%BC.rs");
    }
}
