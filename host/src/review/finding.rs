//! A finding as data, and the repair of what a model returned: a finding
//! that does not fit the schema is repaired where the intent is clear
//! (`"high"` → P1, `"80%"` → 0.8, `"12-14"` → lines 12 to 14) or dropped,
//! with a warning either way.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::place::Reviewed;

/// How bad a finding is: P0 (must not ship) to P3 (nit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    P0,
    P1,
    P2,
    P3,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "p0" | "0" | "critical" | "blocker" => Some(Severity::P0),
            "p1" | "1" | "high" | "major" | "error" => Some(Severity::P1),
            "p2" | "2" | "medium" | "moderate" | "warning" => Some(Severity::P2),
            "p3" | "3" | "low" | "minor" | "nit" | "info" | "note" => Some(Severity::P3),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::P0 => "P0",
            Severity::P1 => "P1",
            Severity::P2 => "P2",
            Severity::P3 => "P3",
        }
    }
}

/// The categories a finding may have.
pub const CATEGORIES: &[&str] = &[
    "correctness",
    "security",
    "concurrency",
    "tests",
    "api",
    "performance",
    "maintainability",
    "style",
    "other",
];

/// One finding: where, how bad, what, why, and optionally a fix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable id (from file, line and title): `quire review apply ID`.
    pub id: String,
    /// Path relative to the repository root.
    pub file: String,
    /// Lines in the new version, 1-based, inclusive.
    pub line_start: u32,
    pub line_end: u32,
    pub severity: Severity,
    pub category: String,
    pub title: String,
    pub explanation: String,
    /// 0 to 1.
    pub confidence: f64,
    /// A patch in apply_patch format (`*** Begin Patch` …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggested_patch: Option<String>,
    /// Why the model's suggested patch was refused (it touched another
    /// file, `.git/` or a path outside the repository): set in place of
    /// `suggested_patch`, which is then left out so nothing applies it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggested_patch_refused: Option<String>,
}

impl Finding {
    /// Sets `id` from file, first line and title.
    pub fn with_id(mut self) -> Finding {
        let mut h = Sha256::new();
        h.update(self.file.as_bytes());
        h.update(self.line_start.to_le_bytes());
        h.update(self.title.to_lowercase().as_bytes());
        let digest = h.finalize();
        self.id = format!(
            "R{}",
            digest[..4]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        self
    }
}

/// Repairs one finding the model returned, its path made the one the
/// diff of `at` uses ([`Reviewed::path`]); `Err` says why it was dropped.
/// Warnings say what was repaired.
pub fn repair(v: &Value, at: &Reviewed<'_>) -> Result<(Finding, Vec<String>), String> {
    let mut notes = Vec::new();
    let obj = v.as_object().ok_or("a finding must be a JSON object")?;
    let text = |k: &str| obj.get(k).and_then(Value::as_str).map(str::trim);
    let file = match text("file").filter(|f| !f.is_empty()) {
        Some(f) => f,
        None => {
            let f = text("path")
                .filter(|f| !f.is_empty())
                .ok_or("it names no file")?;
            notes.push("`path` read as `file`".to_string());
            f
        }
    };
    // A name the prompt showed quoted (`"new\nline.txt"`, as git quotes
    // names with control characters) is the decoded name.
    let unquoted;
    let file = if file.len() >= 2 && file.starts_with('"') && file.ends_with('"') {
        unquoted = super::diff::unquote(file);
        unquoted.as_str()
    } else {
        file
    };
    let file = at.path(file)?;
    let (start, end) = lines(obj)?;
    if !matches!(obj.get("line_start"), Some(Value::Number(_))) {
        notes.push(format!("lines read as {start}-{end}"));
    }
    let raw_severity = match obj.get("severity") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let severity = match Severity::parse(&raw_severity) {
        Some(s) => {
            if raw_severity != s.label() {
                notes.push(format!("severity \"{raw_severity}\" read as {}", s.label()));
            }
            s
        }
        None => {
            notes.push(format!("severity \"{raw_severity}\" unknown, set to P2"));
            Severity::P2
        }
    };
    let raw_category = text("category").unwrap_or("");
    let category = raw_category.to_ascii_lowercase();
    let category = if CATEGORIES.contains(&category.as_str()) {
        if category != raw_category {
            notes.push(format!("category \"{raw_category}\" read as {category}"));
        }
        category
    } else {
        notes.push(format!("category \"{raw_category}\" unknown, set to other"));
        "other".to_string()
    };
    let explanation = text("explanation")
        .or_else(|| text("body"))
        .or_else(|| text("description"))
        .unwrap_or("")
        .to_string();
    let title = match text("title").filter(|t| !t.is_empty()) {
        Some(t) => t.to_string(),
        None if !explanation.is_empty() => {
            notes.push("title missing, taken from the explanation".to_string());
            explanation
                .split(['.', '\n'])
                .next()
                .unwrap_or("")
                .chars()
                .take(80)
                .collect()
        }
        None => return Err("it has neither a title nor an explanation".into()),
    };
    let confidence = match confidence(obj.get("confidence")) {
        Some(c) => {
            if obj.get("confidence").and_then(Value::as_f64) != Some(c) {
                notes.push(format!("confidence read as {c}"));
            }
            c
        }
        None => {
            notes.push("confidence missing or not a number, set to 0.5".to_string());
            0.5
        }
    };
    let suggested_patch = text("suggested_patch")
        .or_else(|| text("patch"))
        .filter(|p| !p.is_empty())
        .map(str::to_string);
    let finding = Finding {
        id: String::new(),
        file,
        line_start: start,
        line_end: end.max(start),
        severity,
        category,
        title,
        explanation,
        confidence,
        suggested_patch,
        suggested_patch_refused: None,
    }
    .with_id();
    Ok((finding, notes))
}

/// The finding's lines, 1-based: `line_start`/`line_end` (or `line`,
/// `start_line`, `end_line`), as numbers or text, or `"lines": "12-14"`.
fn lines(obj: &serde_json::Map<String, Value>) -> Result<(u32, u32), String> {
    let num = |v: &Value| -> Option<u32> {
        match v {
            Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    };
    let from_zero = |given: &str| format!("its line {given} is not a line: lines start at 1");
    if let Some(Value::String(s)) = obj.get("lines").or_else(|| obj.get("line"))
        && let Some((a, b)) = s.split_once('-')
    {
        let bad = || format!("its lines \"{s}\" are not FROM-TO line numbers");
        let a: u32 = a.trim().parse().map_err(|_| bad())?;
        let b: u32 = b.trim().parse().map_err(|_| bad())?;
        if a == 0 {
            return Err(from_zero(&format!("\"{s}\"")));
        }
        return Ok((a, b));
    }
    let given = obj
        .get("line_start")
        .or_else(|| obj.get("line"))
        .or_else(|| obj.get("start_line"))
        .or_else(|| obj.get("lines"))
        .ok_or("it has no line number")?;
    let start = num(given).ok_or_else(|| format!("its line {given} is not a line number"))?;
    if start == 0 {
        return Err(from_zero(&given.to_string()));
    }
    let end = obj
        .get("line_end")
        .or_else(|| obj.get("end_line"))
        .and_then(num)
        .unwrap_or(start);
    Ok((start, end))
}

fn confidence(v: Option<&Value>) -> Option<f64> {
    let x = match v? {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => {
            let s = s.trim();
            match s.strip_suffix('%') {
                Some(p) => p.trim().parse::<f64>().ok()? / 100.0,
                None => match s.to_ascii_lowercase().as_str() {
                    "high" => 0.9,
                    "medium" => 0.6,
                    "low" => 0.3,
                    other => other.parse().ok()?,
                },
            }
        }
        _ => return None,
    };
    let x = if x > 1.0 && x <= 100.0 { x / 100.0 } else { x };
    (0.0..=1.0).contains(&x).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn repair(v: &Value) -> Result<(Finding, Vec<String>), String> {
        let files = ["src/db.rs", "a.rs"];
        let at = Reviewed {
            repo: std::path::Path::new("/nonexistent/repo"),
            target: &super::super::Target::Staged,
            files: &files,
        };
        super::repair(v, &at)
    }

    #[test]
    fn clear_intent_is_repaired_with_notes() {
        let (f, notes) = repair(&json!({
            "path": "src/db.rs", "lines": "12-14", "severity": "high",
            "category": "Security", "explanation": "SQL built from user input. Use the builder.",
            "confidence": "80%"
        }))
        .unwrap();
        assert_eq!((f.line_start, f.line_end), (12, 14));
        assert_eq!(f.severity, Severity::P1);
        assert_eq!(f.category, "security");
        assert_eq!(f.title, "SQL built from user input");
        assert!((f.confidence - 0.8).abs() < 1e-9);
        assert!(f.id.starts_with('R'));
        assert_eq!(notes.len(), 6, "{notes:?}");
        let (_, clean) = repair(&json!({
            "file": "a.rs", "line_start": 3, "line_end": 3, "severity": "P3",
            "category": "tests", "title": "t", "explanation": "e", "confidence": 0.5
        }))
        .unwrap();
        assert!(clean.is_empty(), "{clean:?}");
    }

    #[test]
    fn findings_without_a_place_or_outside_the_repo_are_dropped() {
        assert!(repair(&json!({"title": "x", "line": 3})).is_err());
        assert!(repair(&json!({"file": "../etc/passwd", "line": 1, "title": "x"})).is_err());
        assert!(repair(&json!({"file": "/etc/passwd", "line": 1, "title": "x"})).is_err());
        assert!(repair(&json!({"file": "a.rs", "title": "x"})).is_err());
        for zero in [
            json!({"lines": "0-3"}),
            json!({"line": "0-3"}),
            json!({"line": "0"}),
        ] {
            let mut v = json!({"file": "a.rs", "title": "x"});
            v.as_object_mut()
                .unwrap()
                .extend(zero.as_object().unwrap().clone());
            let why = repair(&v).unwrap_err();
            assert!(why.contains("lines start at 1"), "{why}");
        }
        assert!(repair(&json!("just text")).is_err());
    }
}
