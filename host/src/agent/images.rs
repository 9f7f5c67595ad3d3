//! Images attached to the next message: set by the front end before
//! [`Session::run_task`], recorded as [`Item::Image`]s right after the
//! user message (an `ImageAttached` event each). The images a message of
//! this process was sent with are kept beside the history too, so that
//! the message sent again (↑ and Enter) or gone back to after a
//! compaction took them out of the history still has them
//! ([`Session::images_sent_with`]).

use super::{Event, Session};
use crate::images::Image;
use crate::model::Item;
use crate::store;

/// The images the user messages of this process were sent with, by the
/// message as typed (the newest last; a message sent without images
/// removes the same text's entry).
#[derive(Default)]
pub(crate) struct SentImages(Vec<(String, Vec<Image>)>);

impl SentImages {
    fn sent(&mut self, text: &str, images: &[Image]) {
        let text = store::as_typed(text).trim();
        self.0.retain(|(t, _)| t != text);
        if !images.is_empty() {
            self.0.push((text.to_string(), images.to_vec()));
        }
    }

    /// The message typed as `text` goes without its images from now on
    /// (the model refused them).
    pub(crate) fn forget(&mut self, text: &str) {
        self.sent(text, &[]);
    }

    fn of(&self, text: &str) -> Option<&[Image]> {
        self.0
            .iter()
            .rev()
            .find(|(t, _)| t == text)
            .map(|(_, i)| i.as_slice())
    }
}

/// The images right after the item at `at` (a user message's: those
/// `view_image` calls attached later in its turn are not the message's).
pub(crate) fn images_after(history: &[Item], at: usize) -> Vec<Image> {
    history
        .get(at + 1..)
        .unwrap_or_default()
        .iter()
        .take_while(|i| matches!(i, Item::Image { .. }))
        .filter_map(Image::from_item)
        .collect()
}

impl Session {
    /// Images for the next message [`Session::run_task`] sends (replacing
    /// any set before and not sent).
    pub fn attach_images(&mut self, images: Vec<Image>) {
        self.pending_images = images;
    }

    /// More images for the next message (an `@shot.png` of it), after
    /// those set before (`-i`), leaving out any of those again.
    pub fn add_images(&mut self, images: Vec<Image>) {
        let before = self.pending_images.len();
        for image in images {
            if !self.pending_images[..before]
                .iter()
                .any(|i| i.bytes == image.bytes)
            {
                self.pending_images.push(image);
            }
        }
    }

    /// The wire API the session's requests go out on (whose limits an
    /// image must meet: [`Image::check_for`]).
    pub fn wire_api(&self) -> crate::model::WireApi {
        self.client.wire_api()
    }

    /// Whether images wait for the next message (`-i` of the first).
    pub fn has_pending_images(&self) -> bool {
        !self.pending_images.is_empty()
    }

    /// The images the message typed as `text` was sent with, for it to
    /// go with them again: the latest message with that text this
    /// process sent, else the latest the history holds (a resumed
    /// session's). Empty when it went without, or when the model refused
    /// them (the message is unanswered for that).
    pub fn images_sent_with(&self, text: &str) -> Vec<Image> {
        let text = store::as_typed(text).trim();
        if text.is_empty() {
            return Vec::new();
        }
        if self
            .unanswered
            .as_ref()
            .is_some_and(|u| u.images_refused(text))
        {
            return Vec::new();
        }
        if let Some(images) = self.sent_images.of(text) {
            return images.to_vec();
        }
        self.history
            .iter()
            .rposition(|i| matches!(i, Item::User { text: t, typed } if store::typed_part(t, *typed).trim() == text))
            .map(|at| images_after(&self.history, at))
            .unwrap_or_default()
    }

    /// The images of the message at `at` (a user message), for going
    /// back to it: those after it in the history, or, when a compaction
    /// took them out, those this process sent it with.
    pub(crate) fn images_of_message(&self, at: usize) -> Vec<Image> {
        let after = images_after(&self.history, at);
        let compacted = self.history[..at.min(self.history.len())]
            .iter()
            .any(|i| matches!(i, Item::CompactionSummary { .. }));
        match &self.history.get(at) {
            Some(Item::User { text, typed }) if after.is_empty() && compacted => self
                .sent_images
                .of(store::typed_part(text, *typed).trim())
                .map(<[Image]>::to_vec)
                .unwrap_or_default(),
            _ => after,
        }
    }

    pub(crate) fn record_images(&mut self, images: Vec<Image>) {
        if let Some(Item::User { text, typed }) = self.history.last() {
            let text = store::typed_part(text, *typed).to_string();
            self.sent_images.sent(&text, &images);
        }
        for image in images {
            self.events.send(Event::ImageAttached {
                name: image.name.clone(),
                media_type: image.media_type.to_string(),
                bytes: image.bytes.len() as u64,
            });
            self.record(image.item());
        }
    }
}

/// `item`, an image replaced by a user note naming it (`[image: NAME]`):
/// what a compaction's hand-off request sends.
pub(crate) fn without_data(item: &Item) -> Item {
    match item {
        Item::Image { name, .. } => Item::user(Item::image_note(name)),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_sending_of_a_text_decides_its_images() {
        let png = Image::from_item(&Item::Image {
            name: "a.png".into(),
            media_type: "image/png".into(),
            data: "iVBORw0KGgoAAAANSUhEUg==".into(),
        })
        .expect("a png");
        let mut sent = SentImages::default();
        sent.sent(
            " look \n\n<file path=\"x\">\n…\n</file>",
            std::slice::from_ref(&png),
        );
        assert_eq!(sent.of("look").map(<[Image]>::len), Some(1));
        sent.sent("look", &[]);
        assert_eq!(sent.of("look"), None, "sent again without it");
        sent.sent("look", std::slice::from_ref(&png));
        sent.forget("look");
        assert_eq!(sent.of("look"), None, "refused");
    }

    #[test]
    fn the_hand_off_names_an_image_without_its_data() {
        let image = Item::Image {
            name: "shot.png".into(),
            media_type: "image/png".into(),
            data: "iVBORw0KGgo=".into(),
        };
        assert_eq!(
            without_data(&image),
            Item::User {
                typed: None,
                text: "[image: shot.png]".into()
            }
        );
        let text = Item::User {
            typed: None,
            text: "why".into(),
        };
        assert_eq!(without_data(&text), text);
        let record = super::super::handoff::record_of(&[text, image], 10_000);
        assert!(record.contains("user: [image: shot.png]"), "{record}");
        assert!(!record.contains("iVBOR"), "{record}");
    }
}
