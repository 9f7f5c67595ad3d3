//! JSON files saved with a UTF-8 byte order mark (Windows Notepad,
//! PowerShell's `Set-Content`) are read as without it: settings.json,
//! marketplace.json, plugin.json, hooks.json, .mcp.json.

use std::path::Path;

use super::support::quire::TestEnv;
use super::{git, run};

const BOM: &str = "\u{feff}";

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, format!("{BOM}{}", text.replace('\n', "\r\n"))).unwrap();
}

#[test]
fn json_files_with_a_byte_order_mark_are_read() {
    let env = TestEnv::new("responses");
    // The repository's own Claude Code settings and .mcp.json.
    write(
        &env.repo.path().join(".claude/settings.json"),
        "{\n  \"hooks\": {\n    \"PreToolUse\": [\n      { \"matcher\": \"Bash\", \"hooks\": [ { \"type\": \"command\", \"command\": \"echo bom-hook\" } ] }\n    ]\n  }\n}\n",
    );
    write(
        &env.repo.path().join(".mcp.json"),
        "{ \"mcpServers\": { \"bommem\": { \"command\": \"bom-server-cmd\" } } }\n",
    );
    let r = run(&env, &["hooks", "list"]);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("echo bom-hook"), "{all}");
    assert!(!all.contains("not valid"), "{all}");
    let r = run(&env, &["mcp", "list"]);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("bommem"), "{all}");
    assert!(!all.contains("not valid JSON"), "{all}");

    // A marketplace and a plugin whose every JSON file has one.
    let market = env.home.path().join("bom-market");
    write(
        &market.join(".claude-plugin/marketplace.json"),
        "{\n  \"name\": \"bom-tools\",\n  \"owner\": { \"name\": \"T\" },\n  \"plugins\": [ { \"name\": \"bomkit\", \"source\": \"./plugins/bomkit\", \"description\": \"BOM kit\" } ]\n}\n",
    );
    let kit = market.join("plugins/bomkit");
    write(
        &kit.join(".claude-plugin/plugin.json"),
        "{ \"name\": \"bomkit\", \"version\": \"1.0.0\", \"description\": \"BOM kit\" }\n",
    );
    write(
        &kit.join("hooks/hooks.json"),
        "{ \"hooks\": { \"Stop\": [ { \"hooks\": [ { \"type\": \"command\", \"command\": \"echo kit-stop\" } ] } ] } }\n",
    );
    write(
        &kit.join(".mcp.json"),
        "{ \"mcpServers\": { \"memory\": { \"command\": \"kit-memory-cmd\" } } }\n",
    );
    git(&market, &["init", "-q", "-b", "main"]);
    git(&market, &["add", "-A"]);
    git(&market, &["commit", "-q", "-m", "market"]);
    let src = market.display().to_string();
    let r = run(&env, &["plugins", "marketplace", "add", &src]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run(&env, &["plugins", "install", "bomkit"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run(&env, &["plugins", "list"]);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("bomkit"), "{all}");
    assert!(!all.contains("not valid"), "{all}");
    let r = run(&env, &["hooks", "list"]);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("echo kit-stop"), "{all}");
    assert!(!all.contains("not valid"), "{all}");
    let r = run(&env, &["mcp", "list"]);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("bomkit_memory"), "{all}");
}
