use super::*;
use serde::Deserialize;
use serde_json::json;

/// Arguments of a test tool.
#[derive(Deserialize, JsonSchema)]
struct Greet {
    /// Who to greet.
    name: String,
    /// How often.
    #[serde(default)]
    times: Option<u32>,
    mood: Mood,
}

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Mood {
    Happy,
    Grumpy,
}

fn greet(args: Greet) -> Result<String, ToolError> {
    if args.name.is_empty() {
        return Err(ToolError::invalid_arguments("`name` is empty; give a name"));
    }
    let word = match args.mood {
        Mood::Happy => "hello",
        Mood::Grumpy => "hm",
    };
    Ok(vec![format!("{word} {}", args.name); args.times.unwrap_or(1) as usize].join(" "))
}

#[derive(Serialize)]
struct Count {
    n: usize,
}

fn count(args: Greet) -> Result<Json<Count>, std::io::Error> {
    Ok(Json(Count { n: args.name.len() }))
}

static TOOLS: Toolbox = Toolbox::new(&[
    Tool {
        name: "greet",
        doc: &[" Greets someone.", "", " Say who with `name`."],
        read_only: true,
        schema: schema_json::<Greet>,
        call: |a| invoke("greet", a, greet),
    },
    Tool {
        name: "count",
        doc: &[" Counts."],
        read_only: false,
        schema: schema_json::<Greet>,
        call: |a| invoke("count", a, count),
    },
]);

#[test]
fn schema_is_an_inlined_object_schema_with_field_docs() {
    let schema = schema_for::<Greet>();
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["properties"]["name"]["type"], "string");
    assert_eq!(schema["properties"]["name"]["description"], "Who to greet.");
    assert_eq!(schema["description"], "Arguments of a test tool.");
    assert_eq!(
        schema["properties"]["mood"]["enum"],
        json!(["happy", "grumpy"])
    );
    let required = schema["required"].as_array().unwrap();
    assert!(required.contains(&json!("name")) && required.contains(&json!("mood")));
    assert!(
        !required.contains(&json!("times")),
        "defaulted fields are optional"
    );
    for key in ["$schema", "title", "$defs"] {
        assert!(schema.get(key).is_none(), "{key} in {schema}");
    }
}

#[test]
fn list_reports_each_tool_with_description_schema_and_hint() {
    let list = TOOLS.list();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].name, "greet");
    assert_eq!(
        list[0].description,
        "Greets someone.\n\nSay who with `name`."
    );
    assert!(list[0].read_only);
    assert!(!list[1].read_only);
    let schema: serde_json::Value = serde_json::from_str(&list[0].input_schema).unwrap();
    assert_eq!(schema, schema_for::<Greet>());
}

#[test]
fn call_decodes_arguments_and_runs_the_tool() {
    let out = TOOLS.call("greet", r#"{"name": "Ada", "times": 2, "mood": "happy"}"#);
    assert_eq!(out.unwrap(), "hello Ada hello Ada");
    let out = TOOLS.call("count", r#"{"name": "Ada", "mood": "grumpy"}"#);
    assert_eq!(out.unwrap(), r#"{"n":3}"#);
}

#[test]
fn bad_arguments_are_invalid_arguments_naming_the_tool_and_the_problem() {
    let err = TOOLS.call("greet", r#"{"mood": "happy"}"#).unwrap_err();
    let ToolError::InvalidArguments(msg) = err else {
        panic!("{err:?}")
    };
    assert!(
        msg.contains("`greet`") && msg.contains("missing field `name`"),
        "{msg}"
    );

    let err = TOOLS
        .call("greet", r#"{"name": "A", "mood": "sad"}"#)
        .unwrap_err();
    assert!(
        matches!(&err, ToolError::InvalidArguments(m) if m.contains("sad")),
        "{err:?}"
    );

    let err = TOOLS.call("greet", "not json").unwrap_err();
    assert!(matches!(err, ToolError::InvalidArguments(_)));
}

#[test]
fn arguments_that_are_not_an_object_are_refused_naming_what_they_are() {
    // serde would read `Greet` from an array of its fields, a `String`
    // argument from a JSON string: both are refused.
    for (args, kind) in [
        (r#"["Ada", "happy"]"#, "an array"),
        (r#""Ada""#, "a string"),
        ("42", "a number"),
        ("null", "null"),
        (" true", "a boolean"),
    ] {
        let err = TOOLS.call("greet", args).unwrap_err();
        let ToolError::InvalidArguments(msg) = err else {
            panic!("{args}: {err:?}")
        };
        assert!(
            msg.contains("`greet`") && msg.contains(&format!("are {kind}, not a JSON object")),
            "{args}: {msg}"
        );
    }
    fn shout(text: String) -> String {
        text.to_uppercase()
    }
    let err = invoke("shout", r#""hi""#, shout).unwrap_err();
    assert!(
        matches!(&err, ToolError::InvalidArguments(m) if m.contains("are a string")),
        "{err:?}"
    );
    assert_eq!(
        TOOLS
            .call("greet", r#" {"name": "Ada", "mood": "happy"}"#)
            .unwrap(),
        "hello Ada"
    );
}

#[test]
fn errors_from_the_tool_keep_their_kind_or_become_failed() {
    let err = TOOLS
        .call("greet", r#"{"name": "", "mood": "happy"}"#)
        .unwrap_err();
    assert_eq!(
        err,
        ToolError::invalid_arguments("`name` is empty; give a name")
    );
    fn broken(_: Greet) -> Result<String, std::io::Error> {
        Err(std::io::Error::other("disk on fire"))
    }
    let err = invoke("broken", r#"{"name": "a", "mood": "happy"}"#, broken).unwrap_err();
    assert_eq!(err, ToolError::failed("disk on fire"));
}

#[test]
fn unknown_tool_lists_the_known_ones() {
    let err = TOOLS.call("nope", "{}").unwrap_err();
    assert_eq!(
        err,
        ToolError::UnknownTool(
            "this plugin has no tool `nope`; its tools are: greet, count".into()
        )
    );
}

#[test]
fn empty_arguments_count_as_an_empty_object() {
    #[derive(Deserialize, JsonSchema)]
    struct NoArgs {}
    fn ping(_: NoArgs) -> String {
        "pong".into()
    }
    assert_eq!(invoke("ping", "", ping).unwrap(), "pong");
    assert_eq!(invoke("ping", " {} ", ping).unwrap(), "pong");
    assert_eq!(schema_for::<NoArgs>()["type"], "object");
}

#[test]
fn description_joins_doc_lines_without_the_leading_space() {
    assert_eq!(description_from_doc(&[]), "");
    assert_eq!(description_from_doc(&[" One.", " Two  "]), "One.\nTwo");
    assert_eq!(
        description_from_doc(&["", " Indented:", "     code", ""]),
        "Indented:\n    code"
    );
    // `/** ... */` block comments arrive as one literal with newlines.
    assert_eq!(description_from_doc(&["\n Block\n text\n"]), "Block\ntext");
}

#[test]
fn tool_names_follow_the_wit_rule() {
    for ok in ["a", "word_count", "fs-search2"] {
        assert!(valid_tool_name(ok), "{ok}");
    }
    let long = "a".repeat(65);
    for bad in ["", "Word", "2x", "_x", "r#type", "a b", "é", long.as_str()] {
        assert!(!valid_tool_name(bad), "{bad}");
    }
}
