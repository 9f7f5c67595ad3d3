use super::*;

fn s(t: &str) -> Value {
    Value::String(t.into())
}

#[test]
fn scalars_keep_their_text_and_types() {
    let v =
        from_str("a: 0123\nb: true\nc: ~\nd: 'q: x'\ne: [x, y]\nf: !!str 12\ng: 1.5\n").unwrap();
    assert_eq!(v.get("a"), Some(&Value::Number("0123".into())));
    assert_eq!(v.get("b"), Some(&Value::Bool(true)));
    assert_eq!(v.get("c"), Some(&Value::Null));
    assert_eq!(v.get("d"), Some(&s("q: x")));
    assert_eq!(v.get("e"), Some(&Value::Sequence(vec![s("x"), s("y")])));
    assert_eq!(v.get("f"), Some(&s("12")));
    assert_eq!(v.get("g"), Some(&Value::Number("1.5".into())));
}

fn name(i: usize) -> String {
    if i == 0 { "a".into() } else { format!("b{i}") }
}

#[test]
fn order_aliases_and_errors() {
    let v = from_str("z: &a one\ny: *a\n").unwrap();
    let Value::Mapping(m) = &v else { panic!() };
    let keys: Vec<String> = m.iter().map(|(k, _)| k.text()).collect();
    assert_eq!(keys, ["z", "y"]);
    assert_eq!(v.get("y"), Some(&s("one")));
    let e = from_str("a: 1\na: 2\n").unwrap_err();
    assert_eq!(e.message, "duplicate entry with key \"a\"");
    assert_eq!(e.line, 2);
    let e = from_str("description: Use this: for x\n").unwrap_err();
    assert!(
        e.message.contains("mapping values are not allowed"),
        "{e:?}"
    );
    assert!(from_str("description: \"unterminated\n").is_err());
    assert_eq!(from_str("").unwrap(), Value::Null);
    // A "billion laughs" document is refused, not expanded.
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..12 {
        let (p, n) = (i, i + 1);
        bomb.push_str(&format!(
            "b{n}: &b{n} [*{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}]\n",
            name(p),
            name(p),
            name(p),
            name(p),
            name(p),
            name(p),
            name(p),
            name(p),
            name(p),
            name(p)
        ));
    }
    let e = from_str(&bomb).unwrap_err();
    assert!(e.message.contains("aliases expand"), "{e:?}");
}
