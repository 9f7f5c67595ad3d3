//! Tests of [`super`]: serde's messages as sentences, and where they are placed.

use super::*;

#[test]
fn serde_messages_become_sentences() {
    assert_eq!(
        humanize("invalid type: string \"abc\", expected u32", "max_turns"),
        "max_turns must be a whole number from 1 to 4294967295, got \"abc\""
    );
    assert_eq!(
        humanize("invalid value: integer `-1`, expected u32", "max_turns"),
        "max_turns must be a whole number from 1 to 4294967295, got -1"
    );
    assert_eq!(
        humanize(
            "invalid value: integer `-5`, expected u64",
            "shell_timeout_ms"
        ),
        "shell_timeout_ms must be a whole number of milliseconds, at least 1, got -5"
    );
    assert_eq!(
        humanize("invalid value: integer `-1`, expected u32", "max_retries"),
        "max_retries must be a whole number, 0 or more, got -1"
    );
    assert_eq!(
        choice_error("wanted string or table", "approval", "3").as_deref(),
        Some("approval must be one of never, on-request, untrusted, got 3")
    );
    assert!(choice_error("wanted string or table", "model", "3").is_none());
    assert_eq!(
        humanize(
            "unknown variant `loose`, expected one of `read-only`, `workspace-write`, `danger-full-access`",
            "sandbox"
        ),
        "sandbox must be one of read-only, workspace-write, danger-full-access, got \"loose\""
    );
    assert!(
        humanize(
            "unknown field `enabeld`, expected one of `enabled`, `paths`",
            "x"
        )
        .starts_with("unknown config key 'enabeld'; did you mean 'enabled'?")
    );
}

#[test]
fn a_table_header_for_a_single_value_says_what_to_write() {
    let text = "[provider]\nkind = \"openai\"\n";
    let err = toml::from_str::<Config>(text).unwrap_err();
    let message = header_for_a_value("[provider]", err.message()).unwrap();
    assert!(
        message.starts_with("[provider] makes `provider` a table"),
        "{message}"
    );
    assert!(message.contains("[providers.NAME]"), "{message}");
    assert_eq!(
        header_for_a_value("[providers.x]", "unknown field `a`"),
        None
    );
    assert_eq!(
        header_for_a_value("[[hooks.Stop]]", "invalid type: map"),
        None
    );
}

#[test]
fn an_unknown_key_in_a_table_names_it_and_a_top_level_one_says_to_move_it() {
    let text =
        "model = \"a\"\n[providers.x]\nwire_api = \"chat\"\nmax_turns = 3\nbaseurl = \"u\"\n";
    assert_eq!(
        table_hint(text, 4),
        "; it is inside [providers.x]: a top-level key must come before the file's first [table]"
    );
    assert_eq!(table_hint(text, 5), " (in [providers.x])");
    assert_eq!(table_hint(text, 1), "");
    // The header's own line names its table, without its comment.
    let text = "[providers.x]\nn = 1\n[[hooks.Stop]] # mine\nurl = \"u\"\n";
    assert_eq!(table_hint(text, 3), " (in [[hooks.Stop]])");
    assert_eq!(table_hint(text, 4), " (in [[hooks.Stop]])");
}

#[test]
fn lines_of_keys_and_tables() {
    let text =
        "model = \"a\"\n\n[skills]\n# c\nenabled = true\n[providers.x]\nwire_api = \"chat\"\n";
    assert_eq!(line_of(text, &["model"]), Some(1));
    assert_eq!(line_of(text, &["skills", "enabled"]), Some(5));
    assert_eq!(line_of(text, &["providers", "x"]), Some(6));
    assert_eq!(line_of(text, &["providers", "x", "wire_api"]), Some(7));
    assert_eq!(line_of(text, &["nope"]), None);
}
