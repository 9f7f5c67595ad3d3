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
        let url = "urn:quire:review-schema";
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
}
