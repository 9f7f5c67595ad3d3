//! A message sent with images and gone back to (Esc Esc, `/rewind N`):
//! the terminal view gives it back with its images attached again; the
//! line mode, which cannot attach them, says so. A message whose images
//! the model refused is withdrawn with them when the line mode goes on
//! with another.

use base64::Engine as _;
use serde_json::{Value, json};

use super::line_session::line_mode_args;
use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const ESC: &str = "\x1b";

fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    b.extend([5; 30]);
    b
}

/// The last user message of a chat request: its text and its images
/// (base64).
fn last_user(body: &Value) -> (String, Vec<String>) {
    let user = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .rfind(|m| m["role"] == "user")
        .expect("a user message");
    let Some(parts) = user["content"].as_array() else {
        return (user["content"].as_str().unwrap().to_string(), Vec::new());
    };
    let text = parts
        .iter()
        .filter_map(|p| p["text"].as_str())
        .collect::<String>();
    let images = parts
        .iter()
        .filter_map(|p| p["image_url"]["url"].as_str())
        .map(|u| u.split_once(";base64,").unwrap().1.to_string())
        .collect();
    (text, images)
}

#[test]
fn esc_esc_gives_a_message_back_with_its_image() {
    let env = TestEnv::new("chat");
    let image = png();
    std::fs::write(env.repo_path().join("shot.png"), &image).unwrap();
    env.server.push_all([
        Reply::text("ANSWER-ONE"),
        Reply::text("ANSWER-TWO"),
        Reply::text("ANSWER-AGAIN"),
    ]);
    let mut pty = Pty::spawn(env.command(&["-i", "shot.png", "LOOK-AT-IT"]), 30, 100);
    pty.wait_text("ANSWER-ONE");
    pty.send("SECOND\r");
    pty.wait_text("ANSWER-TWO");
    pty.send(ESC);
    pty.wait_text("Esc again to edit a previous message");
    pty.send(ESC);
    pty.wait_text("message 2 of 2: SECOND");
    pty.send(ESC);
    pty.wait_text("message 1 of 2: [image: shot.png] LOOK-AT-IT");
    pty.send("\r");
    pty.wait_text("── back to message 1");
    pty.send(" AGAIN\r");
    pty.wait_text("ANSWER-AGAIN");
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 3);
    let (text, images) = last_user(&reqs[2].body);
    assert!(
        text.starts_with("[image: shot.png] LOOK-AT-IT AGAIN"),
        "{text}"
    );
    let b64 = base64::engine::general_purpose::STANDARD.encode(&image);
    assert_eq!(images, [b64], "the image goes again, once");
    assert!(!reqs[2].raw_body.contains("SECOND"));
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn the_line_mode_says_a_message_gone_back_to_goes_without_its_image() {
    let env = TestEnv::new("chat");
    std::fs::write(env.repo_path().join("shot.png"), png()).unwrap();
    env.server.push_all([
        Reply::text("ANSWER-ONE"),
        Reply::text("ANSWER-TWO"),
        Reply::text("ANSWER-AGAIN"),
    ]);
    let input = "LOOK-AT-IT\nSECOND\n/rewind 1\nLOOK-AGAIN\n";
    let r = line_mode_args(&env, &["-i", "shot.png"], input, &[]);
    assert!(
        r.stderr.contains(
            "its image (shot.png) not attached again: sent now, the message goes without it"
        ),
        "{}",
        r.stderr
    );
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 3);
    let (text, images) = last_user(&reqs[2].body);
    assert!(text.contains("LOOK-AGAIN"), "{text}");
    assert!(images.is_empty(), "{text}");
}

#[test]
fn the_line_mode_goes_on_without_a_refused_image() {
    let env = TestEnv::new("chat");
    std::fs::write(env.repo_path().join("shot.png"), png()).unwrap();
    env.server.push_all([
        Reply::status_with_body(
            400,
            json!({"error": {"message": "image_url is only supported by certain models"}}),
        ),
        Reply::text("HI-THERE"),
    ]);
    let r = line_mode_args(&env, &["-i", "shot.png"], "DESCRIBE-IT\nSAY-HI\n", &[]);
    assert!(
        r.stderr
            .contains("the earlier message the model refused is withdrawn"),
        "{}",
        r.stderr
    );
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 2);
    let (text, images) = last_user(&reqs[1].body);
    assert!(text.contains("SAY-HI"), "{text}");
    assert!(images.is_empty(), "the refused image went again: {text}");
    assert!(!reqs[1].raw_body.contains("DESCRIBE-IT"));
}

#[test]
fn an_image_view_image_attached_is_shown_and_not_given_back_with_the_message() {
    let env = TestEnv::new("chat");
    std::fs::write(env.repo_path().join("shot.png"), png()).unwrap();
    env.server.push_all([
        Reply::tool_call("v1", "view_image", json!({"path": "shot.png"})),
        Reply::text("ANSWER-ONE"),
        Reply::text("ANSWER-TWO"),
        Reply::text("ANSWER-AGAIN"),
    ]);
    let input = "LOOK-AT-IT\nSECOND\n/rewind 1\nLOOK-AGAIN\n";
    let r = line_mode_args(&env, &[], input, &[]);
    assert!(r.stderr.contains("[image: shot.png]"), "{}", r.stderr);
    // The image came with the turn, not with the message.
    assert!(!r.stderr.contains("not attached again"), "{}", r.stderr);
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 4);
    let (text, images) = last_user(&reqs[3].body);
    assert!(text.contains("LOOK-AGAIN"), "{text}");
    assert!(images.is_empty(), "{text}");
}
