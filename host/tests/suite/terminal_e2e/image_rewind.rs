//! A message sent with images and gone back to (Esc Esc, `/rewind N`),
//! after a compaction too: the terminal view gives it back with its
//! images attached again; the line mode sends them with the next message
//! and says so. A message sent again as it was typed (↑ and Enter) goes
//! with its images again. A message whose images the model refused is
//! withdrawn with them when the line mode goes on with another.

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

/// The terminal view started with `-i shot.png LOOK-AT-IT`, answered
/// `first` (ending in ANSWER-ONE), then SECOND sent and answered; `later`
/// are the replies after those. Returns the view and the image's base64.
fn two_messages_one_image(env: &TestEnv, first: Reply, later: Vec<Reply>) -> (Pty, String) {
    let image = png();
    std::fs::write(env.repo_path().join("shot.png"), &image).unwrap();
    env.server.push_all([first, Reply::text("ANSWER-TWO")]);
    env.server.push_all(later);
    let mut pty = Pty::spawn(env.command(&["-i", "shot.png", "LOOK-AT-IT"]), 30, 100);
    pty.wait_text("ANSWER-ONE");
    pty.send("SECOND\r");
    pty.wait_text("ANSWER-TWO");
    (
        pty,
        base64::engine::general_purpose::STANDARD.encode(&image),
    )
}

/// Esc Esc back to the first of two messages, sent again with " AGAIN".
fn back_to_the_first_and_again(pty: &mut Pty) {
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
}

#[test]
fn esc_esc_gives_a_message_back_with_its_image() {
    let env = TestEnv::new("chat");
    let (mut pty, b64) = two_messages_one_image(
        &env,
        Reply::text("ANSWER-ONE"),
        vec![Reply::text("ANSWER-AGAIN")],
    );
    back_to_the_first_and_again(&mut pty);
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 3);
    let (text, images) = last_user(&reqs[2].body);
    assert!(
        text.starts_with("[image: shot.png] LOOK-AT-IT AGAIN"),
        "{text}"
    );
    assert_eq!(images, [b64], "the image goes again, once");
    assert!(!reqs[2].raw_body.contains("SECOND"));
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}

/// The line mode started with `-i shot.png`, three answers scripted, fed
/// `input`: it said `said`; the third message went with the image, the
/// second without; returns the third message's text.
fn line_mode_third_has_the_image(input: &str, said: &str) -> String {
    let env = TestEnv::new("chat");
    let image = png();
    std::fs::write(env.repo_path().join("shot.png"), &image).unwrap();
    env.server.push_all([
        Reply::text("ANSWER-ONE"),
        Reply::text("ANSWER-TWO"),
        Reply::text("ANSWER-AGAIN"),
    ]);
    let r = line_mode_args(&env, &["-i", "shot.png"], input, &[]);
    assert!(r.stderr.contains(said), "{}", r.stderr);
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 3);
    assert!(last_user(&reqs[1].body).1.is_empty(), "SECOND had no image");
    let (text, images) = last_user(&reqs[2].body);
    let b64 = base64::engine::general_purpose::STANDARD.encode(&image);
    assert_eq!(images, [b64], "the image goes with {text}");
    text
}

#[test]
fn the_line_mode_sends_a_message_gone_back_to_with_its_image() {
    let text = line_mode_third_has_the_image(
        "LOOK-AT-IT\nSECOND\n/rewind 1\nLOOK-AGAIN\n",
        "its image (shot.png) goes with the message you send next, edited or not",
    );
    assert!(text.contains("LOOK-AGAIN"), "{text}");
}

/// The line mode: a line typed as an earlier message was (what ↑ and
/// Enter send) goes with that message's image again.
#[test]
fn the_line_mode_sends_a_message_again_with_its_image() {
    let text = line_mode_third_has_the_image(
        "LOOK-AT-IT\nSECOND\nLOOK-AT-IT\n",
        "its image (shot.png) attached again, as when this message was sent before",
    );
    assert!(text.contains("LOOK-AT-IT"), "{text}");
}

/// A compaction took the image out of the history; the message gone
/// back to still gets it.
#[test]
fn esc_esc_after_a_compaction_gives_a_message_back_with_its_image() {
    let env = TestEnv::new("chat");
    let long = "words ".repeat(600);
    let (mut pty, b64) = two_messages_one_image(
        &env,
        Reply::text(format!("{long} ANSWER-ONE")),
        vec![Reply::text("THE-SUMMARY"), Reply::text("ANSWER-AGAIN")],
    );
    pty.send("/compact\r");
    pty.wait_text("context compacted");
    back_to_the_first_and_again(&mut pty);
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 4);
    let (text, images) = last_user(&reqs[3].body);
    assert!(text.contains("LOOK-AT-IT AGAIN"), "{text}");
    assert_eq!(images, [b64], "the image goes again, once");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}

/// The terminal view: ↑ brings an earlier message back with its
/// placeholder (the composer keeps only the last message's images);
/// sent, it goes with its image again.
#[test]
fn up_and_enter_sends_an_earlier_message_again_with_its_image() {
    let env = TestEnv::new("chat");
    let (mut pty, b64) = two_messages_one_image(
        &env,
        Reply::text("ANSWER-ONE"),
        vec![Reply::text("ANSWER-AGAIN")],
    );
    pty.send("\x1b[A");
    pty.wait_for("the second message back in the input", |s| {
        s.lines().filter(|l| l.trim() == "› SECOND").count() >= 2
    });
    pty.send("\x1b[A");
    pty.wait_for("the first message back in the input", |s| {
        s.lines()
            .filter(|l| l.trim() == "› [image: shot.png] LOOK-AT-IT")
            .count()
            >= 2
    });
    pty.send("\r");
    pty.wait_text("ANSWER-AGAIN");
    pty.wait_text("its image (shot.png) attached again, as when this message was sent before");
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(last_user(&reqs[2].body).1, [b64]);
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
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
    assert!(
        !r.stderr.contains("with the message you send next"),
        "{}",
        r.stderr
    );
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 4);
    let (text, images) = last_user(&reqs[3].body);
    assert!(text.contains("LOOK-AGAIN"), "{text}");
    assert!(images.is_empty(), "{text}");
}

/// ↑ in a new session brings back a message of an earlier one with its
/// placeholder but not its image (the input history keeps text): sent,
/// it says the placeholder went as text only (tester T25).
#[test]
fn a_placeholder_from_another_session_s_history_is_said_to_go_as_text() {
    let env = TestEnv::new("chat");
    let (mut pty, _) = two_messages_one_image(&env, Reply::text("ANSWER-ONE"), Vec::new());
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);

    env.server.push(Reply::text("ANSWER-NEW"));
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.send("\x1b[A");
    pty.wait_text("› SECOND");
    pty.send("\x1b[A");
    pty.wait_text("› [image: shot.png] LOOK-AT-IT");
    pty.send("\r");
    pty.wait_text("ANSWER-NEW");
    pty.wait_text("went as text only");
    let reqs = env.server.requests();
    assert!(last_user(&reqs.last().unwrap().body).1.is_empty());
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}
