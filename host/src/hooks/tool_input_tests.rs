use serde_json::json;

use super::*;

#[test]
fn every_file_of_a_patch_is_its_own_claude_view() {
    let patch = "*** Begin Patch\n*** Update File: a.txt\n@@\n-a\n+b\n*** Add File: .env\n+K=1\n*** Delete File: old.txt\n*** Update File: x.txt\n*** Move to: sub/../y.txt\n@@\n-x\n+z\n*** End Patch\n";
    let v = ToolViews::new("apply_patch", &json!({"patch": patch}), Path::new("/w"));
    let seen: Vec<(&str, &str)> = v
        .views
        .iter()
        .map(|v| {
            (
                v.claude_name.as_str(),
                v.claude_input["file_path"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("Edit", "/w/a.txt"),
            ("Write", "/w/.env"),
            ("Edit", "/w/old.txt"),
            ("Edit", "/w/x.txt"),
            ("Edit", "/w/y.txt")
        ]
    );
    assert_eq!(v.views[0].claude_input["old_string"], "a\n");
    assert_eq!(v.views[0].claude_input["new_string"], "b\n");
    assert_eq!(v.views[1].claude_input["content"], "K=1\n");
    assert_eq!(v.views[2].claude_input["operation"], "delete");
    assert_eq!(v.views[3].claude_input["move_to"], "/w/y.txt");
    assert_eq!(v.views[4].claude_input["moved_from"], "/w/x.txt");
    assert_eq!(v.views[1].native_input["file_path"], "/w/.env");
    // After the call quire's hooks get every file, no single file_path.
    assert!(v.native_summary.get("file_path").is_none());
    assert_eq!(v.native_summary["file_paths"].as_array().unwrap().len(), 5);
}

#[test]
fn mapped_tools_carry_claude_field_names_with_absolute_paths() {
    let cwd = Path::new("/w/sub");
    let read = ToolViews::new("read_file", &json!({"path": "../a.txt", "limit": 3}), cwd);
    assert_eq!(read.views[0].claude_name, "Read");
    assert_eq!(read.views[0].claude_input["file_path"], "/w/a.txt");
    assert_eq!(read.views[0].claude_input["limit"], 3);
    assert_eq!(
        read.views[0].native_input,
        json!({"path": "../a.txt", "limit": 3})
    );
    let grep = ToolViews::new("grep", &json!({"pattern": "x"}), cwd);
    assert_eq!(grep.views[0].claude_name, "Grep");
    assert_eq!(
        grep.views[0].claude_input,
        json!({"pattern": "x", "path": "/w/sub"})
    );
    let glob = ToolViews::new("list_dir", &json!({"path": "src", "depth": 1}), cwd);
    assert_eq!(glob.views[0].claude_name, "Glob");
    assert_eq!(glob.views[0].claude_input["path"], "/w/sub/src");
    assert_eq!(glob.views[0].claude_input["pattern"], "*");
    let bash = ToolViews::new("shell", &json!({"command": "ls"}), cwd);
    assert_eq!(bash.views[0].claude_name, "Bash");
    assert_eq!(bash.views[0].claude_input, json!({"command": "ls"}));
}

#[test]
fn a_claude_hooks_updated_input_goes_back_into_quires_arguments() {
    let cwd = Path::new("/w");
    let read = ToolViews::new("read_file", &json!({"path": "a.txt"}), cwd);
    let shown = &read.views[0].claude_input;
    let mut moved = shown.clone();
    moved["file_path"] = json!("/w/b.txt");
    assert_eq!(read.quire_input(shown, moved), json!({"path": "/w/b.txt"}));
    assert_eq!(
        read.quire_input(shown, shown.clone()),
        json!({"path": "a.txt"})
    );
    let grep = ToolViews::new("grep", &json!({"pattern": "x"}), cwd);
    let shown = &grep.views[0].claude_input;
    let mut other = shown.clone();
    other["pattern"] = json!("y");
    assert_eq!(grep.quire_input(shown, other), json!({"pattern": "y"}));
    let bash = ToolViews::new("shell", &json!({"command": "ls"}), cwd);
    let shown = &bash.views[0].claude_input;
    assert_eq!(
        bash.quire_input(shown, json!({"command": "ls -a"})),
        json!({"command": "ls -a"})
    );
}
