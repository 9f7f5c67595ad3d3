use std::path::Path;

use super::*;

fn parse(dir: &str, text: &[u8]) -> Result<Skill, ParseError> {
    let dir = Path::new("/skills").join(dir);
    let file = dir.join("SKILL.md");
    parse_skill(
        text,
        Origin {
            dir: &dir,
            file: &file,
            root: Path::new("/skills"),
            scope: Scope::User,
        },
    )
}

#[test]
fn a_clean_skill_has_no_warnings() {
    let s = parse(
        "pdf",
        b"---\nname: pdf\ndescription: Fill PDF forms.\nlicense: MIT\nallowed-tools: Read Bash\nmetadata:\n  author: me\n---\n# PDF\n\nBody.\n## Steps\n```\n# not a heading\n```\n",
    )
    .unwrap();
    assert_eq!(s.name, "pdf");
    assert_eq!(s.description, "Fill PDF forms.");
    assert_eq!(s.license.as_deref(), Some("MIT"));
    assert_eq!(s.allowed_tools, vec!["Read", "Bash"]);
    assert_eq!(s.metadata.get("author").map(String::as_str), Some("me"));
    assert_eq!(s.headings, vec!["PDF", "Steps"]);
    assert!(s.body.starts_with("# PDF"));
    assert!(s.user_invocable && !s.disable_model_invocation);
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn bom_and_crlf_warn() {
    let s = parse(
        "a",
        b"\xEF\xBB\xBF---\r\nname: a\r\ndescription: d\r\n---\r\nbody\r\n",
    )
    .unwrap();
    assert_eq!(s.description, "d");
    assert_eq!(s.body, "body");
    assert!(s.warnings.iter().any(|w| w.contains("byte order mark")));
    assert!(s.warnings.iter().any(|w| w.contains("CRLF")));
}

#[test]
fn unquoted_colon_falls_back_to_lines() {
    let s = parse("a", b"---\nname: a\ndescription: Use this: for x\n---\n").unwrap();
    assert_eq!(s.description, "Use this: for x");
    assert!(s.warnings[0].contains("not valid YAML"), "{:?}", s.warnings);
}

#[test]
fn list_description_number_name_and_extras() {
    let s = parse(
        "123",
        b"---\nname: 123\ndescription:\n  - one\n  - two\nwhen_to_use: when asked\ndisable-model-invocation: true\nuser-invocable: false\nmodel: opus\nversion: 0.1.0\nmetadata:\n  keywords: [x, y]\n---\n",
    )
    .unwrap();
    assert_eq!(s.name, "123");
    assert_eq!(s.description, "one two");
    assert_eq!(s.when_to_use.as_deref(), Some("when asked"));
    assert!(s.disable_model_invocation);
    assert!(!s.user_invocable);
    assert_eq!(s.keywords, vec!["x", "y"]);
    assert_eq!(s.extra.get("model"), Some(&serde_json::json!("opus")));
    let w = s.warnings.join("\n");
    assert!(w.contains("YAML list"), "{w}");
    assert!(w.contains("number"), "{w}");
    assert!(w.contains("unknown frontmatter keys kept: model"), "{w}");
    assert!(!w.contains("version"), "{w}");
    assert_eq!(s.extra.get("version"), Some(&serde_json::json!("0.1.0")));
}

#[test]
fn name_mismatch_warns() {
    let s = parse("folder", b"---\nname: other\ndescription: d\n---\n").unwrap();
    assert_eq!(s.name, "other");
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("does not match its folder 'folder'"))
    );
}

#[test]
fn refusals_say_why() {
    let cases: &[(&[u8], &str)] = &[
        (b"", "no YAML frontmatter"),
        (b"# Title\n", "no YAML frontmatter"),
        (b"---\nname: a\n", "not closed"),
        (b"---\nname: a\n---\n", "no description"),
        (b"---\nname: a\ndescription: ''\n---\n", "empty description"),
        (b"---\nname: a\ndescription: {x: 1}\n---\n", "mapping"),
        (b"---\n{{{\n---\n", "unparseable frontmatter"),
        (b"---\n- a\n- b\n---\n", "not a mapping"),
    ];
    for (text, why) in cases {
        let e = parse("a", text).unwrap_err();
        assert!(
            e.0.contains(why),
            "{:?}: {e}",
            String::from_utf8_lossy(text)
        );
    }
}

#[test]
fn garbage_never_panics() {
    let mut seed = 7u64;
    for len in [0usize, 1, 3, 4, 17, 300, 5000] {
        for _ in 0..50 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (seed >> 56) as u8
                })
                .collect();
            let _ = parse("g", &bytes);
            let mut framed = b"---\n".to_vec();
            framed.extend_from_slice(&bytes);
            framed.extend_from_slice(b"\n---\n");
            let _ = parse("g", &framed);
        }
    }
}

#[test]
fn non_utf8_is_replaced_with_a_warning() {
    let s = parse("a", b"---\nname: a\ndescription: caf\xE9\n---\n").unwrap();
    assert_eq!(s.description, "caf\u{FFFD}");
    assert!(s.warnings[0].contains("UTF-8"));
}

#[test]
fn deep_nesting_is_not_given_to_the_yaml_parser() {
    assert!(yaml_guard("x: [[[a]]]\n").is_ok());
    let deep = format!("x: {}{}\n", "[".repeat(65), "]".repeat(65));
    assert!(yaml_guard(&deep).unwrap_err().contains("more than 64"));
    let text = format!("---\nname: a\ndescription: d\n{deep}---\n");
    let s = parse("a", text.as_bytes()).unwrap();
    assert!(
        s.warnings[0].contains("brackets nested"),
        "{:?}",
        s.warnings
    );
    let huge = format!(
        "---\nname: a\ndescription: d\nx: {}\n---\n",
        "y".repeat(MAX_FRONTMATTER_BYTES)
    );
    assert!(
        parse("a", huge.as_bytes())
            .unwrap_err()
            .0
            .contains("the limit is 65536")
    );
}

#[test]
fn tags_are_ignored() {
    let s = parse(
        "a",
        b"---\nname: !str a\ndescription: !note Tagged text.\n---\n",
    )
    .unwrap();
    assert_eq!(
        (s.name.as_str(), s.description.as_str()),
        ("a", "Tagged text.")
    );
}

#[test]
fn a_nul_in_the_frontmatter_is_refused_not_cut_at() {
    let e = parse(
        "hidden",
        b"---\nname: hidden\ndescription: A skill.\0\ndisable-model-invocation: true\n---\nBody.\n",
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(e.contains("NUL byte (line 3 of the file)"), "{e}");
}
