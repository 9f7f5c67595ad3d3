//! A plugin whose `list-tools` goes wrong (the `odd-list` guest): tools
//! whose input schema is not an object schema are left out of sessions
//! (providers refuse the whole request otherwise) and flagged by
//! `plugins validate` and `inspect`, as are tools whose text holds a
//! hidden character; a listing that never returns is
//! stopped at its own short limit, plugins loading side by side.

use crate::support::guests::odd_plugin;
use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;

fn warnings(run: &crate::support::quire::Run) -> Vec<String> {
    run.of_type("warning")
        .iter()
        .map(|w| w["message"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_tool_without_an_object_schema_is_left_out_and_flagged() {
    let env = TestEnv::new("responses");
    let dir = odd_plugin(
        &env.repo.path().join(".quire/plugins/odd"),
        "odd",
        "schema",
        "",
    );
    env.server.push(Reply::text("ok"));
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings = warnings(&run);
    for (tool, schema) in [("shout", r#"{"type":"string"}"#), ("listy", "[]")] {
        let want = format!(
            "plugin 'odd': tool '{tool}' has the input schema {schema} which is not an object schema"
        );
        assert!(
            warnings.iter().any(|w| w.contains(&want)),
            "{want}\n{warnings:?}"
        );
    }
    let tools = env.server.requests()[0].body["tools"].clone();
    let named = |n: &str| {
        tools
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == n)
            .cloned()
    };
    assert!(
        named("odd__shout").is_none() && named("odd__listy").is_none(),
        "{tools}"
    );
    assert_eq!(named("odd__fine").unwrap()["parameters"]["type"], "object");
    // A schema without `type` is an object schema once it says so.
    let bare = named("odd__bare").expect("odd__bare offered");
    assert_eq!(bare["parameters"]["type"], "object", "{bare}");
    assert_eq!(bare["parameters"]["properties"]["text"]["type"], "string");

    let folder = dir.to_str().unwrap();
    let validate = env.run(&["plugins", "validate", folder]);
    assert_eq!(validate.code, 1, "{}{}", validate.stdout, validate.stderr);
    assert!(
        validate.stderr.contains("plugin 'odd': tool 'shout' has the input schema {\"type\":\"string\"} which is not an object schema")
            && validate.stderr.contains("tool 'listy' has the input schema []"),
        "{}",
        validate.stderr
    );
    assert!(
        !validate.stderr.contains("tool 'fine'"),
        "{}",
        validate.stderr
    );
    assert!(
        !validate.stderr.contains("tool 'bare'"),
        "{}",
        validate.stderr
    );
    let inspect = env.run(&["plugins", "inspect", folder]);
    assert_eq!(inspect.code, 0, "{}", inspect.stderr);
    assert!(
        inspect
            .stderr
            .contains("warning: plugin 'odd': tool 'shout' has the input schema")
            && inspect.stderr.contains("sessions leave it out"),
        "{}",
        inspect.stderr
    );
}

/// Two plugins whose `list-tools` loops, each allowed 10 minutes a call:
/// the session starts once the listing's own limit (10 s) is reached,
/// both named in a warning.
#[test]
fn a_listing_that_never_returns_is_stopped_at_its_own_limit() {
    let env = TestEnv::new("responses");
    for name in ["spin-a", "spin-b"] {
        odd_plugin(
            &env.repo.path().join(".quire/plugins").join(name),
            name,
            "spin",
            "[limits]\ntimeout_ms = 600000",
        );
    }
    env.server.push(Reply::text("ok"));
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings = warnings(&run);
    for name in ["spin-a", "spin-b"] {
        let want = format!("plugin '{name}' did not list its tools within 10000 ms");
        assert!(
            warnings.iter().any(|w| w.contains(&want)),
            "{want}\n{warnings:?}"
        );
    }
    assert!(
        warnings.iter().all(|w| !w.contains("600000")),
        "{warnings:?}"
    );
}

/// A component over quire's size limit is refused before it is read,
/// the plugin named.
#[test]
fn an_oversized_component_is_refused_unread() {
    let env = TestEnv::new("responses");
    let dir = env.repo.path().join(".quire/plugins/huge");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("plugin.toml"),
        "name = \"huge\"\nversion = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"c.wasm\"\n",
    )
    .unwrap();
    let file = std::fs::File::create(dir.join("c.wasm")).unwrap();
    std::io::Write::write_all(&mut &file, b"\0asm\x0d\x00\x01\x00").unwrap();
    file.set_len(300 << 20).unwrap();
    let folder = dir.to_str().unwrap();
    let inspect = env.run(&["plugins", "inspect", folder]);
    assert_eq!(inspect.code, 2, "{}", inspect.stderr);
    assert!(
        inspect.stderr.contains("plugin 'huge'")
            && inspect
                .stderr
                .contains("is 314572800 bytes, over the limit of 256 MiB for a component"),
        "{}",
        inspect.stderr
    );
    let validate = env.run(&["plugins", "validate", folder]);
    assert_eq!(validate.code, 1, "{}", validate.stderr);
    assert!(
        validate.stderr.contains("over the limit of 256 MiB"),
        "{}",
        validate.stderr
    );
    env.server.push(Reply::text("ok"));
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings = warnings(&run);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("plugin 'huge' was not loaded")
                && w.contains("over the limit of 256 MiB")),
        "{warnings:?}"
    );
}

/// A tool whose description or parameter description holds a character a
/// terminal hides (a bidi override, ESC, Unicode tags) is left out of
/// sessions like a skill with one, the plugin, the tool and the
/// character named; `validate` calls it a problem, `inspect` warns.
#[test]
fn a_tool_with_hidden_characters_is_left_out_naming_the_character() {
    let env = TestEnv::new("responses");
    let dir = odd_plugin(
        &env.repo.path().join(".quire/plugins/odd"),
        "odd",
        "hidden",
        "",
    );
    env.server.push(Reply::text("ok"));
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings = warnings(&run);
    for want in [
        "plugin 'odd': tool 'sneaky' has the invisible character U+202E in its description",
        "plugin 'odd': tool 'tagged' has the invisible character U+E0049 in its input schema (description of properties.q)",
    ] {
        assert!(
            warnings.iter().any(|w| w.contains(want)),
            "{want}\n{warnings:?}"
        );
    }
    let request = &env.server.requests()[0];
    let names: Vec<&str> = request.body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .filter(|n| n.starts_with("odd__"))
        .collect();
    assert_eq!(names, ["odd__fine"], "{names:?}");
    assert!(!request.raw_body.contains("ignore previous"));

    let folder = dir.to_str().unwrap();
    let validate = env.run(&["plugins", "validate", folder]);
    assert_eq!(validate.code, 1, "{}{}", validate.stdout, validate.stderr);
    assert!(
        validate
            .stderr
            .contains("tool 'sneaky' has the invisible character U+202E"),
        "{}",
        validate.stderr
    );
    let inspect = env.run(&["plugins", "inspect", folder]);
    assert_eq!(inspect.code, 0, "{}", inspect.stderr);
    assert!(
        inspect
            .stderr
            .contains("warning: plugin 'odd': tool 'tagged' has the invisible character U+E0049"),
        "{}",
        inspect.stderr
    );
}
