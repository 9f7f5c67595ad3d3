//! How many bytes of images one request may carry. Each image is checked
//! alone (`Image::check_for`), but a request is refused whole past the
//! provider's size limit (Anthropic: 32 MB, answered with 413
//! `request_too_large`; OpenAI: 50 MB of images), and every later request
//! of the session carries the same images. So images count against a
//! budget per request ([`limit`]), below the provider's limit to leave
//! room for the text:
//!
//! - the images `view_image` attaches after one response's calls may not
//!   pass it together: the call that would fails and says why ([`Room`],
//!   kept by `tools::view_image::Intake`);
//! - a history whose images pass it (earlier turns' images, a resumed
//!   session) is sent with its oldest images replaced by a note naming
//!   them ([`within`]); the history itself keeps them.

use super::base64_len;
use crate::model::{Item, WireApi};
use crate::plural::size_in_words;

/// Bytes of base64 image data one request may carry on `wire`.
pub fn limit(wire: WireApi) -> u64 {
    const MIB: u64 = 1024 * 1024;
    match wire {
        // Anthropic refuses requests over 32 MB.
        WireApi::Anthropic => 24 * MIB,
        // OpenAI takes 50 MB of images per request.
        _ => 40 * MIB,
    }
}

/// The provider a limit is named after in messages.
fn provider(wire: WireApi) -> &'static str {
    match wire {
        WireApi::Anthropic => "Anthropic",
        _ => "OpenAI",
    }
}

/// The bytes `item` carries as image data.
fn size(item: &Item) -> u64 {
    match item {
        Item::Image { data, .. } => data.len() as u64,
        _ => 0,
    }
}

/// What is left of the budget for the images of one response's calls.
#[derive(Debug)]
pub struct Room {
    wire: WireApi,
    left: u64,
}

impl Room {
    pub fn new(wire: WireApi) -> Room {
        Room {
            wire,
            left: limit(wire),
        }
    }

    /// Takes an image of `bytes` (raw) named `name`; the reason it cannot
    /// be attached when the images before it in this round took the room.
    pub fn take(&mut self, name: &str, bytes: usize) -> Result<(), String> {
        let need = base64_len(bytes);
        if need > self.left {
            let limit = limit(self.wire);
            return Err(format!(
                "{name} not attached: the images attached by these calls already take {} of the {} one request may carry ({}'s request size limit), and this one needs {}; view fewer images at once, or smaller ones (cropped or scaled down)",
                size_in_words(limit - self.left),
                size_in_words(limit),
                provider(self.wire),
                size_in_words(need),
            ));
        }
        self.left -= need;
        Ok(())
    }
}

/// The note an image left out of a request is replaced by.
fn left_out(name: &str, wire: WireApi) -> Item {
    Item::User {
        typed: None,
        text: format!(
            "{} (left out of this request: the conversation's images passed the {} a request may carry; view it again if you still need it)",
            Item::image_note(name),
            size_in_words(limit(wire))
        ),
    }
}

/// `history` as a request on `wire` carries it: unchanged while its
/// images fit [`limit`], else with its oldest images replaced by a note,
/// as many as it takes to fit.
pub fn within(history: &[Item], wire: WireApi) -> Vec<Item> {
    let total: u64 = history.iter().map(size).sum();
    let mut over = total.saturating_sub(limit(wire));
    if over == 0 {
        return history.to_vec();
    }
    let mut dropped = 0;
    let sent = history
        .iter()
        .map(|item| match item {
            Item::Image { name, .. } if over > 0 => {
                over = over.saturating_sub(size(item));
                dropped += 1;
                left_out(name, wire)
            }
            other => other.clone(),
        })
        .collect();
    tracing::info!(total, dropped, "images over the request budget left out");
    sent
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(name: &str, len: usize) -> Item {
        Item::Image {
            name: name.into(),
            media_type: "image/png".into(),
            data: "A".repeat(len),
        }
    }

    #[test]
    fn the_oldest_images_make_way_until_the_rest_fit() {
        let mib = 1024 * 1024;
        let user = Item::User {
            typed: None,
            text: "look".into(),
        };
        let fits = vec![user.clone(), image("a.png", 10 * mib)];
        assert_eq!(within(&fits, WireApi::Anthropic), fits);

        let history = vec![
            user.clone(),
            image("a.png", 10 * mib),
            image("b.png", 10 * mib),
            image("c.png", 10 * mib),
        ];
        let sent = within(&history, WireApi::Anthropic);
        assert_eq!(sent.len(), 4);
        assert_eq!(sent[0], user);
        assert!(
            matches!(&sent[1], Item::User { text, .. } if text.starts_with("[image: a.png] (left out")),
            "{:?}",
            sent[1]
        );
        assert_eq!(sent[2..], history[2..]);
        // OpenAI's larger budget takes all three.
        assert_eq!(within(&history, WireApi::Responses), history);
    }

    #[test]
    fn one_rounds_images_stop_at_the_budget() {
        let mut room = Room::new(WireApi::Anthropic);
        let raw = 3_600_000;
        let taken = (0..10)
            .take_while(|i| room.take(&format!("m{i}.png"), raw).is_ok())
            .count();
        assert!(taken as u64 * base64_len(raw) <= limit(WireApi::Anthropic));
        assert_eq!(taken, 5);
        let e = room.take("m9.png", raw).unwrap_err();
        assert!(
            e.starts_with("m9.png not attached") && e.contains("Anthropic's request size limit"),
            "{e}"
        );
        // A small one still fits.
        assert!(room.take("tiny.png", 1000).is_ok());
    }
}
