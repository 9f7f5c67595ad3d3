//! What a tool event's hook sees as `tool_name` and `tool_input`.
//!
//! Claude Code hooks get Claude's tool name and its input field names with
//! absolute paths (`Read`: `file_path`; `Grep`, `Glob`: `pattern`, `path`;
//! `Edit`: `file_path`, `old_string`, `new_string`; `Write`: `file_path`,
//! `content`; `Bash`: `command`), quire's own keys kept beside them. A
//! patch touching several files is one view per file (`Write` for an added
//! file, `Edit` for an update, a delete and both ends of a move), so a
//! guard on `.tool_input.file_path` sees every file.
//!
//! After the call a Claude Code hook's `tool_response` is that view's
//! ([`super::tool_response`]).
//!
//! quire's own hooks get quire's arguments; for `apply_patch` also
//! `file_paths` (every file) and `file_path`: per file before the call
//! (`PreToolUse`, `PermissionRequest`), only when the patch has one file
//! after it.

use std::path::Path;

use serde_json::{Map, Value};

use super::{Hook, HookEvent};

/// One way a hook sees the call (a patch: one per file).
#[derive(Debug, Clone, PartialEq)]
pub struct ToolView {
    /// Claude Code's name for it (`Edit`, `Write`, `Read`, …).
    pub claude_name: String,
    pub claude_input: Value,
    /// quire's arguments (a patch: with this file as `file_path`).
    pub native_input: Value,
    /// A patch: which of its files this is.
    pub file: Option<usize>,
}

impl ToolView {
    /// The Claude Code tools a call of quire's `quire_name` seen this way
    /// would be, for a Claude Code matcher: a patch's added file is
    /// `Write`, a changed one `Edit` and `MultiEdit` (`NotebookEdit` too
    /// for a notebook); another tool every Claude name of it (`Glob`,
    /// `LS`).
    pub fn claude_names<'a>(&'a self, quire_name: &str) -> Vec<&'a str> {
        if quire_name == "apply_patch" {
            if self.claude_name == "Write" {
                return vec!["Write"];
            }
            let notebook = self
                .claude_input
                .get("file_path")
                .and_then(Value::as_str)
                .is_some_and(|p| p.ends_with(".ipynb"));
            return match notebook {
                true => vec!["Edit", "MultiEdit", "NotebookEdit"],
                false => vec!["Edit", "MultiEdit"],
            };
        }
        let mut names: Vec<&str> = super::claude::TOOL_MAP
            .iter()
            .filter(|(_, q)| *q == quire_name)
            .map(|(c, _)| *c)
            .collect();
        if names.is_empty() {
            names.push(&self.claude_name);
        }
        names
    }
}

/// Claude Code's name of a plugin's MCP tool (`mcp__plugin_ckit_srv__ping`
/// for quire's `mcp__ckit_srv__ping`) when that is the name the Claude
/// Code hook's matcher fits it by: the hook sees the tool as it matched it.
fn plugin_mcp_name(hook: &Hook, quire_name: &str) -> Option<String> {
    let rest = quire_name.strip_prefix("mcp__")?;
    let claude = format!("mcp__plugin_{rest}");
    let matcher = hook.claude_matcher.as_ref()?;
    (matcher.is_match(claude.as_str()) && !matcher.is_match(quire_name)).then_some(claude)
}

/// The views of one call.
#[derive(Debug, Clone)]
pub struct ToolViews {
    pub quire_name: String,
    /// quire's arguments as called.
    pub args: Value,
    pub views: Vec<ToolView>,
    /// quire's arguments for events after the call.
    pub native_summary: Value,
}

impl ToolViews {
    pub fn new(name: &str, args: &Value, cwd: &Path) -> ToolViews {
        let (views, native_summary) = if name == "apply_patch" {
            patch_views(args, cwd)
        } else {
            let view = ToolView {
                claude_name: super::claude::claude_name(name).to_string(),
                claude_input: claude_input(name, args, cwd),
                native_input: args.clone(),
                file: None,
            };
            (vec![view], args.clone())
        };
        ToolViews {
            quire_name: name.to_string(),
            args: args.clone(),
            views,
            native_summary,
        }
    }

    /// The inputs `hook` runs with for `event`, from the common `base`:
    /// none when its matcher (a Claude Code one: per view, by Claude's
    /// name of it, [`Hook::fits_tool`]) or its `if` fits no view (relative
    /// patterns from `root`).
    pub fn inputs_for(
        &self,
        hook: &Hook,
        event: HookEvent,
        base: &Map<String, Value>,
        root: &Path,
    ) -> Vec<Map<String, Value>> {
        let fits = |v: &&ToolView| {
            hook.fits_tool(&self.quire_name, &v.claude_names(&self.quire_name))
                && hook.condition.as_ref().is_none_or(|c| {
                    c.matches(&v.claude_name, &self.quire_name, &v.claude_input, root)
                })
        };
        let with = |name: &str, input: &Value| {
            let mut m = base.clone();
            m.insert("tool_name".into(), name.into());
            m.insert("tool_input".into(), input.clone());
            m
        };
        if hook.claude {
            return self
                .views
                .iter()
                .filter(fits)
                .map(|v| {
                    let name = plugin_mcp_name(hook, &self.quire_name);
                    let mut m = with(name.as_deref().unwrap_or(&v.claude_name), &v.claude_input);
                    m.insert("quire_tool_name".into(), self.quire_name.clone().into());
                    if let Some(Value::Object(native)) = base.get("tool_response") {
                        let response = super::tool_response::claude(&self.quire_name, v, native);
                        m.insert("tool_response".into(), response);
                    }
                    m
                })
                .collect();
        }
        if matches!(event, HookEvent::PreToolUse | HookEvent::PermissionRequest) {
            return self
                .views
                .iter()
                .filter(fits)
                .map(|v| with(&self.quire_name, &v.native_input))
                .collect();
        }
        if !self.views.iter().any(|v| fits(&v)) {
            return Vec::new();
        }
        vec![with(&self.quire_name, &self.native_summary)]
    }
}

impl ToolViews {
    /// A Claude Code hook's `updatedInput` for the view it was `shown`,
    /// back in quire's arguments: Claude-only keys it left as shown are
    /// dropped, a changed `file_path` of `read_file` becomes `path`, an
    /// unchanged absolute `path` is quire's own again; a patch's file whose
    /// `content` (Write), `old_string`/`new_string` (Edit) or `file_path`
    /// changed is written back into the patch. Other changes stay (the
    /// registry's schema check refuses what quire cannot run).
    #[cfg(test)]
    pub fn quire_input(&self, shown: &Value, updated: Value) -> Value {
        self.quire_input_over(&self.args, shown, updated)
    }

    /// [`ToolViews::quire_input`] over `args`: the arguments as an earlier
    /// hook's `updatedInput` left them (each file of a patch is its own
    /// run, so their rewrites add up).
    pub fn quire_input_over(&self, args: &Value, shown: &Value, updated: Value) -> Value {
        let (Value::Object(mut new), Some(shown), Some(args)) =
            (updated.clone(), shown.as_object(), args.as_object())
        else {
            return updated;
        };
        if self.quire_name == "read_file"
            && let Some(fp) = new.remove("file_path")
            && Some(&fp) != shown.get("file_path")
        {
            new.insert("path".into(), fp);
        }
        if self.quire_name == "apply_patch" {
            self.patch_back(shown, &mut new, args);
        }
        if self.quire_name == "spawn_agent" {
            for (claude, quire) in [("prompt", "task"), ("subagent_type", "agent_type")] {
                if let Some(v) = new.remove(claude)
                    && Some(&v) != shown.get(claude)
                {
                    new.insert(quire.into(), v);
                }
            }
        }
        for (k, v) in shown {
            if new.get(k) != Some(v) {
                continue;
            }
            match args.get(k) {
                Some(orig) => {
                    new.insert(k.clone(), orig.clone());
                }
                None => {
                    new.remove(k);
                }
            }
        }
        Value::Object(new)
    }
}

impl ToolViews {
    /// A quire hook's `updatedInput` for the `shown` input: the keys quire
    /// added to the call's arguments (a patch's `file_path`, `file_paths`)
    /// that it sent back as shown are dropped, so echoing `tool_input`
    /// with a changed patch is a valid call. A changed one stays (the
    /// schema check refuses it, naming it).
    pub fn native_input_back(&self, shown: &Value, updated: Value) -> Value {
        let (Value::Object(mut new), Some(shown)) = (updated.clone(), shown.as_object()) else {
            return updated;
        };
        let args = self.args.as_object();
        for (k, v) in shown {
            let added = args.is_none_or(|a| !a.contains_key(k));
            if added && new.get(k) == Some(v) {
                new.remove(k);
            }
        }
        Value::Object(new)
    }

    /// The Claude fields of the patch file `shown` that a hook changed in
    /// `new`, written into its `patch` (and taken out of `new`).
    fn patch_back(
        &self,
        shown: &Map<String, Value>,
        new: &mut Map<String, Value>,
        args: &Map<String, Value>,
    ) {
        let Some(index) = self
            .views
            .iter()
            .find(|v| v.claude_input.as_object() == Some(shown))
            .and_then(|v| v.file)
        else {
            return;
        };
        let text =
            |m: &Map<String, Value>, k: &str| m.get(k).and_then(Value::as_str).map(str::to_string);
        let changed = |k: &str| text(new, k).filter(|t| text(shown, k).as_ref() != Some(t));
        let replace =
            (changed("old_string").is_some() || changed("new_string").is_some()).then(|| {
                let either = |k: &str| text(new, k).or_else(|| text(shown, k)).unwrap_or_default();
                (either("old_string"), either("new_string"))
            });
        let rewrite = crate::tools::apply_patch::FileRewrite {
            // The far end of a move is not this file's path.
            path: changed("file_path").filter(|_| !shown.contains_key("moved_from")),
            content: changed("content"),
            replace,
        };
        if rewrite == Default::default() {
            return;
        }
        let patch = text(args, "patch").unwrap_or_default();
        match crate::tools::apply_patch::rewrite_file(&patch, index, rewrite) {
            Ok(p) => {
                for k in ["file_path", "content", "old_string", "new_string"] {
                    new.remove(k);
                }
                new.insert("patch".into(), p.into());
            }
            // The Claude fields stay: the call is refused, naming them.
            Err(e) => tracing::warn!("a hook's edit of the patch cannot be mapped back: {e}"),
        }
    }
}

/// `path` made absolute against `cwd`, `.` and `..` resolved as written.
pub fn absolute(cwd: &Path, path: &str) -> String {
    crate::lexical_path::normalize(&cwd.join(path))
        .display()
        .to_string()
}

fn claude_input(name: &str, args: &Value, cwd: &Path) -> Value {
    let Some(obj) = args.as_object() else {
        return args.clone();
    };
    let mut m = obj.clone();
    let path = obj.get("path").and_then(Value::as_str);
    let abs = |p: Option<&str>| Value::from(absolute(cwd, p.unwrap_or(".")));
    match name {
        "read_file" => {
            m.insert("file_path".into(), abs(path));
        }
        "grep" => {
            m.insert("path".into(), abs(path));
            if let Some(i) = obj.get("case_insensitive") {
                m.insert("-i".into(), i.clone());
            }
        }
        "list_dir" => {
            m.insert("path".into(), abs(path));
            let depth = obj.get("depth").and_then(Value::as_u64).unwrap_or(2);
            let pattern = if depth <= 1 { "*" } else { "**/*" };
            m.insert("pattern".into(), pattern.into());
        }
        // Claude Code's Task/Agent: `prompt`, `subagent_type`, `description`.
        "spawn_agent" => {
            if let Some(task) = obj.get("task").and_then(Value::as_str) {
                m.insert("prompt".into(), task.into());
                let first = task.lines().next().unwrap_or_default();
                let end = first.char_indices().nth(80).map_or(first.len(), |(i, _)| i);
                m.insert("description".into(), first[..end].into());
            }
            if let Some(t) = obj.get("agent_type") {
                m.insert("subagent_type".into(), t.clone());
            }
        }
        _ => {}
    }
    Value::Object(m)
}

fn patch_views(args: &Value, cwd: &Path) -> (Vec<ToolView>, Value) {
    let patch = args.get("patch").and_then(Value::as_str).unwrap_or("");
    let files = crate::tools::apply_patch::patch_files(patch);
    let all: Vec<Value> = crate::tools::apply_patch::affected_paths(patch)
        .iter()
        .map(|p| absolute(cwd, p).into())
        .collect();
    let base = |file: Option<&Value>| {
        let mut m = args.as_object().cloned().unwrap_or_default();
        if let Some(f) = file {
            m.insert("file_path".into(), f.clone());
        }
        m.insert("file_paths".into(), Value::Array(all.clone()));
        m
    };
    let summary = Value::Object(base(if all.len() == 1 { all.first() } else { None }));
    let mut views = Vec::new();
    for (index, f) in files.iter().enumerate() {
        let mut ends = vec![(f.path.clone(), "file_path")];
        ends.extend(f.move_to.clone().map(|to| (to, "move_to")));
        for (path, end) in ends {
            let file = Value::from(absolute(cwd, &path));
            let mut claude = base(Some(&file));
            claude.insert("operation".into(), f.operation.into());
            let name = if f.operation == "add" {
                claude.insert("content".into(), f.new_text.clone().into());
                "Write"
            } else {
                claude.insert("old_string".into(), f.old_text.clone().into());
                claude.insert("new_string".into(), f.new_text.clone().into());
                claude.insert("replace_all".into(), false.into());
                "Edit"
            };
            if let Some(to) = &f.move_to {
                let (key, other) = if end == "file_path" {
                    ("move_to", to)
                } else {
                    ("moved_from", &f.path)
                };
                claude.insert(key.into(), absolute(cwd, other).into());
            }
            views.push(ToolView {
                claude_name: name.into(),
                claude_input: Value::Object(claude),
                native_input: Value::Object(base(Some(&file))),
                file: Some(index),
            });
        }
    }
    if views.is_empty() {
        // Not a patch quire can read (it fails): seen whole, as an edit.
        views.push(ToolView {
            claude_name: "Edit".into(),
            claude_input: Value::Object(base(None)),
            native_input: Value::Object(base(None)),
            file: None,
        });
    }
    (views, summary)
}

#[cfg(test)]
#[path = "tool_input_tests.rs"]
mod tests;
