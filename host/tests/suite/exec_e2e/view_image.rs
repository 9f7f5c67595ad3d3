//! `view_image`: the model names an image file, the next request carries
//! the image in the wire's shape after the call's result; bad files are
//! error results naming them; a resumed session sends the same bytes; a
//! model that refuses images gets the request again without them.

use base64::Engine as _;
use serde_json::{Value, json};

use crate::support::model_server::{Reply, Step};
use crate::support::quire::{TestEnv, WIRES};

/// A PNG header saying 64×32 pixels, and a few more bytes.
fn png() -> Vec<u8> {
    png_of(64, 32, 54)
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The conversation of a request body: Responses' `input`, the others'
/// `messages`.
fn conversation(wire: &str, body: &Value) -> Vec<Value> {
    let key = if wire == "responses" {
        "input"
    } else {
        "messages"
    };
    body[key].as_array().unwrap().clone()
}

/// The `(tool result text, image data URL or base64)` of the last tool
/// result of a request and the image that follows it, in the wire's shape;
/// panics when the shape is not the wire's.
fn result_then_image(wire: &str, body: &Value) -> (String, String) {
    let list = conversation(wire, body);
    let (key, value, text, part_type) = match wire {
        "responses" => ("type", "function_call_output", "output", "input_image"),
        "chat" => ("role", "tool", "content", "image_url"),
        _ => return anthropic_result_then_image(&list),
    };
    let at = list
        .iter()
        .rposition(|i| i[key] == value)
        .expect("a tool result");
    let next = &list[at + 1];
    assert_eq!(next["role"], "user", "{next}");
    let part = &next["content"][0];
    assert_eq!(part["type"], part_type, "{next}");
    let url = match wire {
        "responses" => &part["image_url"],
        _ => &part["image_url"]["url"],
    };
    (
        list[at][text].as_str().unwrap().into(),
        url.as_str().unwrap().into(),
    )
}

/// On Anthropic: the last user message holds the tool result, then the
/// image.
fn anthropic_result_then_image(list: &[Value]) -> (String, String) {
    let last = list.last().unwrap();
    assert_eq!(last["role"], "user", "{last}");
    let blocks = last["content"].as_array().unwrap();
    assert_eq!(blocks[0]["type"], "tool_result", "{last}");
    assert_eq!(blocks[1]["type"], "image", "{last}");
    assert_eq!(blocks[1]["source"]["media_type"], "image/png", "{last}");
    (
        blocks[0]["content"].as_str().unwrap().into(),
        blocks[1]["source"]["data"].as_str().unwrap().into(),
    )
}

/// Messages without Anthropic's cache breakpoints (they move to the
/// newest block).
fn without_breakpoints(mut list: Vec<Value>) -> Vec<Value> {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => {
                map.remove("cache_control");
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    list.iter_mut().for_each(strip);
    list
}

#[test]
fn every_wire_carries_the_viewed_image_after_the_result_and_resume_sends_it_again() {
    let png = png();
    for wire in WIRES {
        let env = TestEnv::new(wire);
        std::fs::create_dir(env.repo_path().join("out")).unwrap();
        std::fs::write(env.repo_path().join("out/shot.png"), &png).unwrap();
        env.server.push_all([
            Reply::tool_call("c1", "view_image", json!({"path": "out/shot.png"})),
            Reply::text("a grey bar"),
            Reply::text("still grey"),
        ]);
        let run = env.exec_json("what does the screenshot show", &[]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        let reqs = env.server.requests();
        assert_eq!(reqs.len(), 2, "{wire}");
        // Offered like the other built-in tools.
        assert!(
            reqs[0].raw_body.contains("\"view_image\""),
            "{wire}: not offered"
        );
        let (text, image) = result_then_image(wire, &reqs[1].body);
        assert_eq!(
            text, "attached image shot.png, 64×32 PNG, 54 bytes; it follows this result",
            "{wire}"
        );
        assert!(image.ends_with(&b64(&png)), "{wire}: {image}");
        if wire != "anthropic" {
            assert_eq!(image, format!("data:image/png;base64,{}", b64(&png)));
        }
        // The event kind of an attached image, without its data.
        let attached = run.of_type("image_attached");
        assert_eq!(attached.len(), 1, "{wire}: {}", run.stdout);
        assert_eq!(attached[0]["name"], "shot.png");
        assert_eq!(attached[0]["bytes"], png.len());
        assert!(!run.stdout.contains(&b64(&png)), "{wire}: data in events");

        // Resumed: the same conversation goes out again, byte for byte,
        // before the new message.
        let run = env.run(&["exec", "resume", "--last", "and now"]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        let reqs = env.server.requests();
        let before = conversation(wire, &reqs[1].body);
        let after = conversation(wire, &reqs[2].body);
        if wire == "anthropic" {
            // The breakpoint moves to the newest block; the rest is equal.
            let (before, after) = (without_breakpoints(before), without_breakpoints(after));
            assert_eq!(after[..before.len()], before[..], "{wire}");
        } else {
            assert_eq!(after[..before.len()], before[..], "{wire}");
        }

        let show = env.run(&["sessions", "show", "last"]);
        assert_eq!(show.code, 0, "{}", show.stderr);
        assert!(
            show.stdout.contains("view_image: out/shot.png")
                && show
                    .stdout
                    .contains("[image: shot.png, image/png, 54 bytes]"),
            "{wire}: {}",
            show.stdout
        );
    }
}

#[test]
fn bad_files_are_error_results_naming_them_and_paths_outside_are_read_as_read_file_reads() {
    let env = TestEnv::new("chat");
    env.write("notes.png", "just text, not a picture\n");
    let outside = tempfile::tempdir().unwrap();
    let elsewhere = outside.path().join("plot.png");
    std::fs::write(&elsewhere, png()).unwrap();
    env.server.push_all([
        Reply::tool_calls(vec![
            Step::tool_call("a", "view_image", json!({"path": "notes.png"})),
            Step::tool_call("b", "view_image", json!({"path": "gone/nope.png"})),
            Step::tool_call("c", "view_image", json!({"path": elsewhere})),
            Step::tool_call("d", "read_file", json!({"path": elsewhere})),
        ]),
        Reply::text("done"),
    ]);
    let run = env.exec_json("look", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    let list = conversation("chat", &reqs[1].body);
    let result = |id: &str| {
        list.iter()
            .find(|m| m["role"] == "tool" && m["tool_call_id"] == id)
            .map(|m| m["content"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert!(
        result("a").contains(
            "image notes.png is not a PNG, JPEG, GIF or WebP image (its bytes say so, whatever its name)"
        ),
        "{}",
        result("a")
    );
    assert!(
        result("b").contains("image gone/nope.png: no such file"),
        "{}",
        result("b")
    );
    // read_file reads a file outside the workspace; so does view_image.
    assert!(result("d").contains("is a binary file"), "{}", result("d"));
    assert!(
        result("c").starts_with("attached image plot.png, 64×32 PNG"),
        "{}",
        result("c")
    );
    // The calls run at once: their events come as each ends.
    let mut failed: Vec<_> = run
        .of_type("tool_completed")
        .into_iter()
        .filter(|e| e["is_error"] == true)
        .map(|e| e["call_id"].as_str().unwrap().to_string())
        .collect();
    failed.sort();
    assert_eq!(failed, ["a", "b", "d"]);
    // Only the image that loaded follows the results, after all of them.
    let images: Vec<usize> = list
        .iter()
        .enumerate()
        .filter(|(_, m)| m["role"] == "user" && m["content"].is_array())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(images, [list.len() - 1], "{list:?}");
    assert_eq!(run.of_type("image_attached").len(), 1);
}

#[test]
fn a_model_that_refuses_the_image_gets_the_request_again_without_it() {
    let env = TestEnv::new("chat");
    std::fs::write(env.repo_path().join("shot.png"), png()).unwrap();
    env.server.push_all([
        Reply::tool_call("c1", "view_image", json!({"path": "shot.png"})),
        Reply::status_with_body(
            400,
            json!({"error": {"message": "image_url is only supported by certain models"}}),
        ),
        Reply::tool_call("c2", "view_image", json!({"path": "shot.png"})),
        Reply::text("I cannot see images"),
        Reply::text("fine"),
    ]);
    let run = env.exec_json("look at shot.png", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warned = run.of_type("warning");
    assert!(
        warned.iter().any(|w| w["message"]
            .as_str()
            .unwrap()
            .contains("the model refused the image view_image attached (shot.png)")),
        "{}",
        run.stdout
    );
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 4, "{}", run.stderr);
    let has_image = |i: usize| reqs[i].raw_body.contains("image_url");
    assert!(has_image(1) && !has_image(2) && !has_image(3));
    let said = |i: usize| reqs[i].raw_body.clone();
    assert!(said(2).contains("did not reach you: this model takes no images"));
    // The next call's image is not sent: its result says why.
    assert!(
        said(3).contains("shot.png not attached: this model takes no images"),
        "{}",
        said(3)
    );
    // The session file took the image back: a resumed session sends none.
    let run = env.run(&["exec", "resume", "--last", "and now"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    assert!(
        !reqs[4].raw_body.contains("image_url"),
        "{}",
        reqs[4].raw_body
    );
    assert!(reqs[4].raw_body.contains("and now"));
    let show = env.run(&["sessions", "show", "last"]);
    assert!(
        show.stdout
            .contains("── 1 image taken back (the model takes no images) ──"),
        "{}",
        show.stdout
    );
}

/// A PNG header saying `width`×`height` pixels, `len` bytes in all.
fn png_of(width: u32, height: u32, len: usize) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    b.extend(width.to_be_bytes());
    b.extend(height.to_be_bytes());
    b.resize(len.max(b.len()), 9);
    b
}

#[test]
fn an_image_anthropic_refuses_fails_the_call_not_just_the_result() {
    let env = TestEnv::new("anthropic");
    // Over 5 MB of base64; over 8000 pixels wide; one that fits.
    std::fs::write(
        env.repo_path().join("big.png"),
        png_of(64, 32, 4 * 1024 * 1024),
    )
    .unwrap();
    std::fs::write(env.repo_path().join("wide.png"), png_of(9000, 100, 80)).unwrap();
    std::fs::write(env.repo_path().join("ok.png"), png()).unwrap();
    env.server.push_all([
        Reply::tool_calls(vec![
            Step::tool_call("big", "view_image", json!({"path": "big.png"})),
            Step::tool_call("wide", "view_image", json!({"path": "wide.png"})),
            Step::tool_call("ok", "view_image", json!({"path": "ok.png"})),
        ]),
        Reply::text("done"),
    ]);
    let run = env.exec_json("look", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let completed = |id: &str| {
        run.of_type("tool_completed")
            .into_iter()
            .find(|e| e["call_id"] == id)
            .unwrap_or_else(|| panic!("{id}: {}", run.stdout))
            .clone()
    };
    for (id, why) in [
        (
            "big",
            "image big.png is 4.0 MiB: Anthropic's API refuses images over 5 MB",
        ),
        (
            "wide",
            "image wide.png is 9000×100 pixels: Anthropic's API refuses images over 8000 pixels on a side",
        ),
    ] {
        let done = completed(id);
        assert_eq!(
            (&done["is_error"], &done["status"]),
            (&json!(true), &json!("failed")),
            "{done}"
        );
        assert!(done["output"].as_str().unwrap().contains(why), "{done}");
    }
    assert_eq!(completed("ok")["status"], "ok");
    // The model reads the same: two errors, and the one image after the
    // results.
    let reqs = env.server.requests();
    let last = conversation("anthropic", &reqs[1].body);
    let blocks = last.last().unwrap()["content"].as_array().unwrap().clone();
    let errors: Vec<bool> = blocks
        .iter()
        .filter(|b| b["type"] == "tool_result")
        .map(|b| b["is_error"] == true)
        .collect();
    assert_eq!(errors, [true, true, false], "{blocks:?}");
    assert_eq!(
        blocks.iter().filter(|b| b["type"] == "image").count(),
        1,
        "{blocks:?}"
    );
    assert_eq!(run.of_type("image_attached").len(), 1);
}

/// The names of the images a request carries, and the notes of those
/// left out (`[image: NAME] (left out…`), on Anthropic.
fn anthropic_images(body: &Value) -> (usize, Vec<String>) {
    let mut images = 0;
    let mut notes = Vec::new();
    for message in conversation("anthropic", body) {
        for block in message["content"].as_array().into_iter().flatten() {
            if block["type"] == "image" {
                images += 1;
            }
            if let Some(t) = block["text"].as_str()
                && t.contains("(left out of this request")
            {
                notes.push(t.split(']').next().unwrap_or_default().to_string() + "]");
            }
        }
    }
    (images, notes)
}

#[test]
fn a_requests_images_stay_under_anthropics_request_size_limit() {
    // Each image fits Anthropic's 5 MB alone (4.8 MB of base64); six would
    // make a request of about 29 MB of images, 40 MB with four more.
    let env = TestEnv::new("anthropic");
    let big = png_of(64, 32, 3_600_000);
    for i in 0..8 {
        std::fs::write(env.repo_path().join(format!("m{i}.png")), &big).unwrap();
    }
    let view = |ids: std::ops::Range<usize>| {
        Reply::tool_calls(
            ids.map(|i| {
                Step::tool_call(
                    format!("v{i}"),
                    "view_image",
                    json!({"path": format!("m{i}.png")}),
                )
            })
            .collect(),
        )
    };
    env.server
        .push_all([view(0..6), view(6..8), Reply::text("done")]);
    let run = env.exec_json("look at them all", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    // One response's calls: five fit, the sixth call fails and says why.
    let failed: Vec<Value> = run
        .of_type("tool_completed")
        .into_iter()
        .filter(|e| e["status"] == "failed")
        .cloned()
        .collect();
    assert_eq!(failed.len(), 1, "{}", run.stdout);
    let why = failed[0]["output"].as_str().unwrap();
    assert!(
        why.contains("not attached: the images attached by these calls already take 22.9 MiB of the 24.0 MiB one request may carry (Anthropic's request size limit)")
            && why.contains("view fewer images at once"),
        "{why}"
    );
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 3);
    let limit = 32_000_000;
    assert_eq!(anthropic_images(&reqs[1].body), (5, vec![]));
    assert!(reqs[1].raw_body.len() < limit, "{}", reqs[1].raw_body.len());
    // The next round's two images make room: the two oldest are left out
    // of the request, named in their place; the history keeps them.
    let (images, notes) = anthropic_images(&reqs[2].body);
    assert_eq!(images, 5);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(reqs[2].raw_body.len() < limit, "{}", reqs[2].raw_body.len());
    assert!(run.of_type("image_attached").len() == 7);
    drop(reqs);

    // Resumed, the same: under the limit.
    env.server.push(Reply::text("still"));
    let run = env.run(&["exec", "resume", "--last", "and now"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    assert_eq!(anthropic_images(&reqs[3].body).0, 5);
    assert!(reqs[3].raw_body.len() < limit);
}

#[test]
fn a_request_too_large_is_explained_with_what_to_do() {
    let env = TestEnv::new("anthropic");
    env.server.push(Reply::status(413));
    let run = env.run(&["exec", "hi"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr
            .contains("HTTP 413: Request exceeds the maximum allowed number of bytes.")
            && run.stderr.contains("/compact")
            && run.stderr.contains("/rewind")
            && !run.stderr.contains("request_too_large"),
        "{}",
        run.stderr
    );
    // Not taken for a model that refuses images.
    assert!(!run.stderr.contains("takes no images"), "{}", run.stderr);
}
