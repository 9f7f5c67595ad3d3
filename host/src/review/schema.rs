//! JSON Schema checks: the report's own documented schema
//! (`report.schema.json`, versioned) and a user's `--output-schema`.

use serde_json::Value;

use super::ReviewError;

/// The schema of `quire review --json` (version [`SCHEMA_VERSION`]).
pub const REPORT_SCHEMA: &str = include_str!("report.schema.json");
/// The report format's version (`schema_version`).
pub const SCHEMA_VERSION: u32 = 1;

/// A compiled schema.
pub struct Checker {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Checker {
    /// Compiles `schema`; `name` says where it came from in errors.
    pub fn new(schema: Value, name: &str) -> Result<Checker, ReviewError> {
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        // A `$ref` is resolved within the schema given, never by reading a
        // file or the network (a `file:///…` ref would read any file and
        // show its values in the errors; a FIFO would hang).
        compiler.use_loader(Box::new(NoLoading));
        let url = "urn:quire:schema";
        let unusable = |e: boon::CompileError| {
            ReviewError::Usage(format!("{name} is not a usable JSON Schema: {e:#}"))
        };
        compiler.add_resource(url, schema).map_err(unusable)?;
        let index = compiler.compile(url, &mut schemas).map_err(unusable)?;
        Ok(Checker { schemas, index })
    }

    /// The report schema.
    pub fn report() -> Result<Checker, ReviewError> {
        let v: Value = serde_json::from_str(REPORT_SCHEMA)
            .map_err(|e| ReviewError::Schema(format!("the report schema is not JSON: {e}")))?;
        Checker::new(v, "the report schema")
    }

    /// `Ok` when `instance` fits; else every error, one per line.
    pub fn check(&self, instance: &Value) -> Result<(), String> {
        self.schemas
            .validate(instance, self.index)
            .map_err(|e| format!("{e}"))
    }
}

/// Refuses every `$ref` outside the schema itself.
struct NoLoading;

impl boon::UrlLoader for NoLoading {
    fn load(&self, url: &str) -> Result<Value, Box<dyn std::error::Error>> {
        Err(format!(
            "{url} is outside the schema: quire resolves a $ref only within the schema given (put the definition in its $defs)"
        )
        .into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_report_schema_compiles_and_rejects_a_bad_severity() {
        let c = Checker::report().unwrap();
        let mut report = json!({
            "schema_version": 1, "target": "staged changes", "findings": [{
                "id": "R0011aabb", "file": "a.rs", "line_start": 1, "line_end": 2,
                "severity": "P1", "category": "correctness", "title": "t",
                "explanation": "e", "confidence": 0.5
            }],
            "stats": {"hunks": 1, "flagged": 1, "requests": 3, "input_tokens": 10, "output_tokens": 5}
        });
        c.check(&report).unwrap();
        report["findings"][0]["severity"] = json!("high");
        assert!(c.check(&report).is_err());
    }

    #[test]
    fn a_ref_outside_the_schema_is_never_read_and_one_inside_works() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("secret.json");
        std::fs::write(&secret, r#"{"const": "SECRET-TOKEN-123"}"#).unwrap();
        let url = format!("file://{}", secret.display());
        let err = Checker::new(json!({"$ref": url}), "--output-schema s.json")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("outside the schema"), "{err}");
        assert!(!err.contains("SECRET"), "{err}");
        let inside = json!({"$defs": {"n": {"type": "integer"}}, "$ref": "#/$defs/n"});
        let c = Checker::new(inside, "s").unwrap();
        assert!(c.check(&json!(3)).is_ok() && c.check(&json!("x")).is_err());
        // The drafts' own meta-schemas are built in, not loaded.
        for draft in [
            "https://json-schema.org/draft/2020-12/schema",
            "http://json-schema.org/draft-07/schema#",
        ] {
            Checker::new(json!({"$schema": draft, "type": "object"}), "s").unwrap();
        }
    }
}
