//! Images `view_image` calls bring (tools/view_image.rs): each is recorded
//! as an [`Item::Image`] after the results of the calls of one response
//! (so tool results stay together, as Chat Completions needs), with an
//! `ImageAttached` event. The wires send it where they send an image
//! after anything but a user message: a user message of its own on
//! Responses (`input_image`, as Codex does) and Chat (an `image_url`
//! part), an image block after the `tool_result` blocks of the user
//! message on Anthropic.
//!
//! quire cannot know beforehand whether the model takes images, so the
//! tool is always offered. A request refused for the images calls just
//! attached takes them back out of the history (the session file too),
//! tells the model they did not reach it, and is sent again; from then
//! on `view_image` results are errors saying the model takes no images.

use super::{Event, Session};
use crate::images::Image;
use crate::model::{Item, ModelError, WireApi};
use crate::protocol::CallResult;
use crate::tools::view_image;

/// What a finished call adds: its result item, and the image a
/// `view_image` result carries (recorded after the response's results).
/// An image the wire cannot take, or any once the model refused images,
/// makes the result an error that says why, without the image.
pub(crate) fn result_item(r: &CallResult, wire: WireApi, refused: bool) -> (Item, Option<Image>) {
    let image = view_image::attached(r).and_then(|item| Image::from_item(&item));
    // The tool checked as the session stood before the calls
    // (`view_image::Intake`); checked again for what changed since.
    let checked = image.map(|image| match view_image::refusal(&image, wire, refused) {
        Some(why) => Err(why),
        None => Ok(image),
    });
    let (output, is_error, image) = match checked {
        Some(Err(why)) => (why, true, None),
        Some(Ok(image)) => (r.output.clone(), r.is_error, Some(image)),
        None => (r.output.clone(), r.is_error, None),
    };
    let item = Item::ToolResult {
        call_id: r.call_id.clone(),
        output,
        is_error,
    };
    (item, image)
}

impl Session {
    /// After a refused request: when it was refused for images (`model::
    /// IMAGES_REFUSED`) and the history ends with images `view_image`
    /// attached after a call's result, they are taken back, the model is
    /// told and later calls of the tool fail; true when the request is
    /// to be sent again.
    pub(crate) fn withdraw_refused_tool_images(&mut self, e: &ModelError) -> bool {
        // (A 413 is a request too large, not images refused.)
        let refused = matches!(e, ModelError::Http { status: 400 | 415 | 422, body, .. }
            if body.contains(crate::model::IMAGES_REFUSED));
        let trailing = self
            .history
            .iter()
            .rev()
            .take_while(|i| matches!(i, Item::Image { .. }))
            .count();
        let after_result = self
            .history
            .len()
            .checked_sub(trailing + 1)
            .is_some_and(|at| matches!(self.history[at], Item::ToolResult { .. }));
        if !refused || trailing == 0 || !after_result {
            return false;
        }
        let at = self.history.len() - trailing;
        let names: Vec<String> = self.history[at..]
            .iter()
            .filter_map(|i| match i {
                Item::Image { name, .. } => Some(name.clone()),
                _ => None,
            })
            .collect();
        if let Err(e) = self.writer.append_refused_images(trailing) {
            self.events.send(Event::Warning {
                message: format!("session file not updated: {e}"),
            });
        }
        self.history.truncate(at);
        for ext in &self.extensions {
            ext.sync_history(&self.history);
        }
        self.images_refused = true;
        let names = names.join(", ");
        self.warn(format!(
            "the model refused the image view_image attached ({names}): it takes no images; the image is taken out of the conversation and the request sent again without it"
        ));
        self.record(Item::Context {
            source: "quire".to_string(),
            text: format!(
                "The image view_image attached above ({names}) did not reach you: this model takes no images. view_image cannot show images in this session."
            ),
        });
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::CallStatus;

    fn result(structured: Option<serde_json::Value>) -> CallResult {
        CallResult {
            call_id: "c1".into(),
            name: view_image::NAME.into(),
            output: "attached image a.png".into(),
            is_error: false,
            truncated_bytes: 0,
            duration_ms: 0,
            status: CallStatus::Ok,
            exit_code: None,
            files: None,
            structured,
            rewritten: None,
        }
    }

    #[test]
    fn an_image_too_big_for_anthropic_or_after_a_refusal_is_an_error() {
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        bytes.resize(4 * 1024 * 1024, 0);
        let image = Image {
            name: "big.png".into(),
            media_type: "image/png",
            bytes,
        };
        let structured = serde_json::json!({ view_image::IMAGE_KEY: image.item() });
        let r = result(Some(structured));

        let (item, got) = result_item(&r, WireApi::Responses, false);
        assert_eq!(got.map(|i| i.name), Some("big.png".to_string()));
        assert!(matches!(
            item,
            Item::ToolResult {
                is_error: false,
                ..
            }
        ));

        let (item, got) = result_item(&r, WireApi::Anthropic, false);
        assert!(got.is_none());
        let Item::ToolResult {
            output, is_error, ..
        } = item
        else {
            panic!("{item:?}");
        };
        assert!(is_error && output.contains("Anthropic's API refuses images over 5 MB"));

        let (item, got) = result_item(&r, WireApi::Chat, true);
        assert!(got.is_none());
        assert!(
            matches!(&item, Item::ToolResult { output, is_error: true, .. } if output.contains("takes no images")),
            "{item:?}"
        );
    }
}
