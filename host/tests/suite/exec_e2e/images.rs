//! `-i/--image`: the image goes into the first user message in each
//! wire's shape, is checked before any request, comes back on `resume`,
//! and a refusal names it.

use base64::Engine as _;
use serde_json::{Value, json};

use crate::support::model_server::Reply;
use crate::support::quire::{TestEnv, WIRES};

/// A PNG's signature, a header saying 64×32 pixels and a few more bytes
/// (what quire checks is the signature and the size; the bytes go as
/// they are).
fn png_bytes(tag: u8) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    b.extend(64u32.to_be_bytes());
    b.extend(32u32.to_be_bytes());
    b.extend([tag; 32]);
    b
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn put(env: &TestEnv, name: &str, bytes: &[u8]) {
    std::fs::write(env.repo_path().join(name), bytes).unwrap();
}

/// The image parts of the first user message of a request body, as
/// `(media type, base64)`, in each wire's own shape; panics on a shape
/// that is not the wire's.
fn user_images(wire: &str, body: &Value) -> Vec<(String, String)> {
    let (list, text_type) = match wire {
        "responses" => (&body["input"], "input_text"),
        _ => (&body["messages"], "text"),
    };
    let user = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "user")
        .expect("a user message");
    let parts = user["content"].as_array().expect("content parts");
    assert!(
        parts
            .iter()
            .any(|p| p["type"] == text_type && p["text"].as_str().unwrap().starts_with("why")),
        "{wire}: the text is in the same message: {user}"
    );
    parts
        .iter()
        .filter(|p| p["type"] != text_type)
        .map(|p| match wire {
            "responses" => {
                assert_eq!(p["type"], "input_image", "{p}");
                let url = p["image_url"].as_str().unwrap();
                let (head, data) = url.split_once(";base64,").unwrap();
                (head.trim_start_matches("data:").into(), data.into())
            }
            "chat" => {
                assert_eq!(p["type"], "image_url", "{p}");
                let url = p["image_url"]["url"].as_str().unwrap();
                let (head, data) = url.split_once(";base64,").unwrap();
                (head.trim_start_matches("data:").into(), data.into())
            }
            _ => {
                assert_eq!(p["type"], "image", "{p}");
                assert_eq!(p["source"]["type"], "base64", "{p}");
                (
                    p["source"]["media_type"].as_str().unwrap().into(),
                    p["source"]["data"].as_str().unwrap().into(),
                )
            }
        })
        .collect()
}

#[test]
fn every_wire_sends_the_image_in_its_shape() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        let png = png_bytes(1);
        put(&env, "shot.png", &png);
        env.server.push(Reply::text("a red square"));
        let run = env.exec_json("why does this render wrong", &["-i", "shot.png"]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        let reqs = env.server.requests();
        assert_eq!(reqs.len(), 1, "{wire}");
        assert_eq!(
            user_images(wire, &reqs[0].body),
            vec![("image/png".to_string(), b64(&png))],
            "{wire}"
        );
        // The event names the image, without its data.
        let attached = run.of_type("image_attached");
        assert_eq!(attached.len(), 1, "{wire}: {}", run.stdout);
        assert_eq!(attached[0]["name"], "shot.png");
        assert_eq!(attached[0]["media_type"], "image/png");
        assert_eq!(attached[0]["bytes"], png.len());
        assert!(!run.stdout.contains(&b64(&png)), "{wire}: data in events");
    }
}

#[test]
fn comma_lists_and_repeats_keep_their_order_and_types() {
    let env = TestEnv::new("chat");
    let (a, c) = (png_bytes(2), png_bytes(3));
    let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F'];
    put(&env, "a.png", &a);
    // The bytes decide the type, not the name.
    put(&env, "b.png", &jpeg);
    put(&env, "c.gif", &c);
    env.server.push(Reply::text("seen"));
    let run = env.exec_json("why three", &["-i", "a.png,b.png", "--image", "c.gif"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    assert_eq!(
        user_images("chat", &reqs[0].body),
        vec![
            ("image/png".to_string(), b64(&a)),
            ("image/jpeg".to_string(), b64(&jpeg)),
            ("image/png".to_string(), b64(&c)),
        ]
    );
}

#[test]
fn bad_files_are_refused_before_any_request() {
    let env = TestEnv::new("responses");
    std::fs::create_dir(env.repo_path().join("pics")).unwrap();
    env.write("fake.png", "just text, not a picture\n");
    let fifo = env.repo_path().join("pipe.png");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    // Sparse: over the limit without taking the space.
    let huge = std::fs::File::create(env.repo_path().join("huge.png")).unwrap();
    huge.set_len(20 * 1024 * 1024 + 1).unwrap();
    let cases = [
        ("nope.png", "no such file"),
        ("pics", "is a directory, not a regular file"),
        ("pipe.png", "is a named pipe, not a regular file"),
        ("fake.png", "is not a PNG, JPEG, GIF or WebP image"),
        // Exact: "20.0 MiB, over the limit of 20 MiB" would not show it.
        (
            "huge.png",
            "is 20,971,521 bytes (20.00 MiB), over quire's limit of 20 MiB (20,971,520 bytes)",
        ),
    ];
    for (file, why) in cases {
        let run = env.exec_json("why", &["-i", file]);
        assert_eq!(run.code, 2, "{file}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("image {file}")) && run.stderr.contains(why),
            "{file}: {}",
            run.stderr
        );
        let errors = run.of_type("error");
        assert!(
            errors[0]["message"].as_str().unwrap().contains(why),
            "{file}: {}",
            run.stdout
        );
    }
    assert!(env.server.requests().is_empty(), "a request was sent");
    assert!(env.session_files().is_empty(), "a session was started");
    // The terminal view's `-i` too (the line mode here: no terminal).
    let run = env.run(&["-i", "fake.png", "why is it red"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("image fake.png is not a PNG"),
        "{}",
        run.stderr
    );
    drop(huge);
}

#[test]
fn anthropic_refuses_an_image_over_5_mb_others_take() {
    let mut big = png_bytes(4);
    big.resize(4 * 1024 * 1024, 7);
    for wire in WIRES {
        let env = TestEnv::new(wire);
        put(&env, "big.png", &big);
        env.server.push(Reply::text("big"));
        let run = env.exec_json("why", &["-i", "big.png"]);
        if wire == "anthropic" {
            assert_eq!(run.code, 2, "{}", run.stderr);
            assert!(
                run.stderr.contains("image big.png is 4.0 MiB")
                    && run
                        .stderr
                        .contains("Anthropic's API refuses images over 5 MB"),
                "{}",
                run.stderr
            );
            assert!(env.server.requests().is_empty());
        } else {
            assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
            assert_eq!(env.server.requests().len(), 1, "{wire}");
        }
    }
}

#[test]
fn resume_sends_the_image_again() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        let (first, second) = (png_bytes(5), png_bytes(6));
        put(&env, "one.png", &first);
        put(&env, "two.png", &second);
        env.server
            .push_all([Reply::text("one seen"), Reply::text("both seen")]);
        let run = env.exec_json("why one", &["-i", "one.png"]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        let run = env.run(&[
            "exec", "--json", "resume", "--last", "-i", "two.png", "why two",
        ]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        let reqs = env.server.requests();
        assert_eq!(reqs.len(), 2, "{wire}");
        let raw = &reqs[1].raw_body;
        let (at_one, at_two) = (raw.find(&b64(&first)), raw.find(&b64(&second)));
        assert!(
            at_one.is_some() && at_two.is_some() && at_one < at_two,
            "{wire}: both images, in order, in the resumed request"
        );
        // The first request's prefix is the resumed one's.
        let first_user = user_images(wire, &reqs[0].body);
        assert_eq!(user_images(wire, &reqs[1].body), first_user, "{wire}");
    }
}

#[test]
fn a_refusal_names_the_image() {
    let env = TestEnv::new("chat");
    put(&env, "shot.png", &png_bytes(8));
    env.server.push(Reply::status_with_body(
        400,
        json!({"error": {"message": "image input is not supported by this model"}}),
    ));
    let run = env.exec_json("why", &["-i", "shot.png"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(
        said.contains("image input is not supported by this model")
            && said.contains("the request carried 1 image (shot.png)")
            && said.contains("pick a vision-capable model"),
        "{said}"
    );
    // Text alone gets no such hint.
    env.server.push(Reply::status_with_body(
        400,
        json!({"error": {"message": "bad request"}}),
    ));
    let run = env.exec_json("why", &[]);
    assert_eq!(run.code, 1);
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(
        said.contains("bad request") && !said.contains("vision-capable"),
        "{said}"
    );
}

/// The text parts of a chat request's user messages and the count of its
/// image parts.
fn chat_user_parts(body: &Value) -> (String, usize) {
    let mut text = String::new();
    let mut images = 0;
    for m in body["messages"].as_array().unwrap() {
        if m["role"] != "user" {
            continue;
        }
        match m["content"].as_array() {
            Some(parts) => {
                for p in parts {
                    match p["type"].as_str() {
                        Some("text") => text.push_str(p["text"].as_str().unwrap()),
                        _ => images += 1,
                    }
                }
            }
            None => text.push_str(m["content"].as_str().unwrap()),
        }
    }
    (text, images)
}

#[test]
fn a_message_whose_image_was_refused_is_withdrawn_on_resume() {
    let env = TestEnv::new("chat");
    put(&env, "shot.png", &png_bytes(9));
    let refusal = || {
        Reply::status_with_body(
            400,
            json!({"error": {"message": "image_url is only supported by certain models"}}),
        )
    };
    env.server
        .push_all([refusal(), Reply::text("hi there"), Reply::text("hi again")]);
    let run = env.exec_json("DESCRIBE-IT", &["-i", "shot.png"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let run = env.run(&["exec", "resume", "--last", "FORGET-THE-IMAGE"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "the earlier message the model refused is withdrawn from the conversation with 1 image (shot.png)"
        ),
        "{}",
        run.stderr
    );
    let run = env.run(&["exec", "resume", "--last", "HI-AGAIN"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 3);
    for (i, words) in [(1, "FORGET-THE-IMAGE"), (2, "HI-AGAIN")] {
        let (text, images) = chat_user_parts(&reqs[i].body);
        assert_eq!(images, 0, "request {i} carries the refused image: {text}");
        assert!(text.contains(words), "{text}");
        assert!(!text.contains("DESCRIBE-IT"), "request {i}: {text}");
    }
    // The session file records the withdrawal (read back by the second
    // resume above).
    assert!(
        env.session_records()
            .iter()
            .any(|r| r["record"] == "withdrawn")
    );
}

/// `@shot.png` attaches the image, as `-i` does (not "not UTF-8 text"),
/// after the `-i` images.
#[test]
fn an_image_mentioned_with_at_goes_as_an_image() {
    let env = TestEnv::new("chat");
    let (shot, other) = (png_bytes(7), png_bytes(8));
    put(&env, "shot.png", &shot);
    put(&env, "other.png", &other);
    env.server.push(Reply::text("a square"));
    let run = env.exec_json("why is @shot.png wrong", &["-i", "other.png"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("not UTF-8"), "{}", run.stdout);
    let reqs = env.server.requests();
    assert_eq!(
        user_images("chat", &reqs[0].body),
        vec![
            ("image/png".to_string(), b64(&other)),
            ("image/png".to_string(), b64(&shot))
        ]
    );
}
