//! Images in the terminal view: a pasted image path (as terminals drop a
//! dragged file: a `file://` URL, backslash-escaped spaces) becomes an
//! `[image: NAME]` placeholder that Backspace removes whole, and Enter
//! sends the text with the images; `-i FILE` starts with one.

use base64::Engine as _;

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

/// A PNG header saying 64×32 pixels, and a few more bytes.
fn png(tag: u8) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    b.extend(64u32.to_be_bytes());
    b.extend(32u32.to_be_bytes());
    b.extend([tag; 22]);
    b
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn paste(pty: &mut Pty, text: &str) {
    pty.send(&format!("\x1b[200~{text}\x1b[201~"));
}

#[test]
fn a_pasted_image_path_is_attached_and_backspace_removes_it() {
    let env = TestEnv::new("chat");
    let (kept, dropped) = (png(1), png(2));
    let dir = env.repo_path();
    std::fs::write(dir.join("my shot.png"), &kept).unwrap();
    std::fs::create_dir(dir.join("my pics")).unwrap();
    std::fs::write(dir.join("my pics/other.png"), &dropped).unwrap();
    env.write("notes.txt", "text\n");
    env.server.push(Reply::text("a red square"));
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    // A file:// URL, percent-encoded.
    let url = format!("file://{}/my%20shot.png", dir.display());
    paste(&mut pty, &url);
    pty.wait_text("[image: my shot.png]");
    // A path with its space escaped, removed by one Backspace.
    pty.send(" ");
    paste(
        &mut pty,
        &format!("{}/my pics/other.png", dir.display()).replace(' ', "\\ "),
    );
    pty.wait_text("[image: other.png]");
    pty.send("\x7f");
    pty.wait_for("the placeholder removed whole", |s| {
        !s.contains("[image: other.png]") && !s.contains("[image: other.png")
    });
    // A path that is no image is pasted as text.
    paste(&mut pty, &format!("{}/notes.txt", dir.display()));
    pty.wait_text("notes.txt");
    pty.send(" what is this\r");
    pty.wait_text("a red square");
    let reqs = env.server.requests();
    let raw = &reqs[0].raw_body;
    assert!(raw.contains(&b64(&kept)), "the attached image was sent");
    assert!(!raw.contains(&b64(&dropped)), "the removed one was not");
    let user = reqs[0].body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "user")
        .cloned()
        .unwrap();
    let parts = user["content"].as_array().unwrap();
    assert!(
        parts[0]["text"]
            .as_str()
            .unwrap()
            .starts_with("[image: my shot.png]"),
        "{user}"
    );
    assert_eq!(parts[1]["type"], "image_url", "{user}");
    pty.send("\x03\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn dash_i_sends_the_image_with_the_first_message() {
    let env = TestEnv::new("anthropic");
    let image = png(3);
    std::fs::write(env.repo_path().join("shot.png"), &image).unwrap();
    env.server.push(Reply::text("seen it"));
    let mut pty = Pty::spawn(env.command(&["-i", "shot.png", "why is it red"]), 30, 100);
    pty.wait_text("seen it");
    let body = &env.server.requests()[0].body;
    let blocks = body["messages"][0]["content"].as_array().unwrap();
    let img = blocks.iter().find(|b| b["type"] == "image").unwrap();
    assert_eq!(img["source"]["media_type"], "image/png");
    assert_eq!(img["source"]["data"], b64(&image));
    pty.send("\x03\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn a_refused_message_comes_back_with_its_image() {
    let env = TestEnv::new("chat");
    let image = png(4);
    std::fs::write(env.repo_path().join("shot.png"), &image).unwrap();
    env.server.push_all([
        Reply::status_with_body(
            400,
            serde_json::json!({"error": {"message": "this model takes no image input"}}),
        ),
        Reply::text("now I see it"),
    ]);
    let mut pty = Pty::spawn(env.command(&[]), 30, 120);
    pty.wait_text("/help for keys");
    paste(&mut pty, &format!("{}/shot.png", env.repo_path().display()));
    pty.wait_text("[image: shot.png]");
    pty.send(" what is it\r");
    pty.wait_text("pick a vision-capable model");
    pty.wait_text("your message is back in the input");
    pty.send("\r");
    pty.wait_text("now I see it");
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 2);
    let raw = &reqs[1].raw_body;
    assert_eq!(raw.matches(&b64(&image)).count(), 1, "the image, once");
    assert_eq!(raw.matches("what is it").count(), 1, "the message, once");
    pty.send("\x03\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn a_placeholder_is_numbered_by_the_images_attached_now() {
    let env = TestEnv::new("chat");
    let image = png(5);
    std::fs::write(env.repo_path().join("shot.png"), &image).unwrap();
    env.server.push(Reply::text("one image"));
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    let path = format!("{}/shot.png", env.repo_path().display());
    paste(&mut pty, &path);
    pty.wait_text("[image: shot.png]");
    pty.send("\x7f");
    pty.wait_for("the placeholder removed", |s| {
        !s.contains("[image: shot.png")
    });
    paste(&mut pty, &path);
    pty.wait_text("[image: shot.png]");
    pty.send(" look\r");
    pty.wait_text("one image");
    let body = &env.server.requests()[0].body;
    let parts = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "user")
        .unwrap()["content"]
        .as_array()
        .unwrap()
        .clone();
    let text = parts[0]["text"].as_str().unwrap();
    assert!(text.starts_with("[image: shot.png] look"), "not #2: {text}");
    assert_eq!(parts.iter().filter(|p| p["type"] == "image_url").count(), 1);
    pty.send("\x03\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn an_image_view_image_attached_is_shown_live_and_when_resumed() {
    let env = TestEnv::new("chat");
    std::fs::write(env.repo_path().join("plot.png"), png(6)).unwrap();
    env.server.push_all([
        Reply::tool_call("v1", "view_image", serde_json::json!({"path": "plot.png"})),
        Reply::text("A-RISING-LINE"),
    ]);
    let mut pty = Pty::spawn(env.command(&["LOOK-AT-THE-PLOT"]), 30, 100);
    pty.wait_text("A-RISING-LINE");
    pty.wait_text("[image: plot.png]");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);

    let mut pty = Pty::spawn(env.command(&["resume", "--last"]), 30, 100);
    pty.wait_text("A-RISING-LINE");
    pty.wait_text("[image: plot.png]");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}
