//! Images attached to the next message: set by the front end before
//! [`Session::run_task`], recorded as [`Item::Image`]s right after the
//! user message (an `ImageAttached` event each).

use super::{Event, Session};
use crate::images::Image;
use crate::model::Item;

impl Session {
    /// Images for the next message [`Session::run_task`] sends (replacing
    /// any set before and not sent).
    pub fn attach_images(&mut self, images: Vec<Image>) {
        self.pending_images = images;
    }

    /// The wire API the session's requests go out on (whose limits an
    /// image must meet: [`Image::check_for`]).
    pub fn wire_api(&self) -> crate::model::WireApi {
        self.client.wire_api()
    }

    pub(crate) fn record_images(&mut self, images: Vec<Image>) {
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
        Item::Image { name, .. } => Item::User {
            text: Item::image_note(name),
        },
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
                text: "[image: shot.png]".into()
            }
        );
        let text = Item::User { text: "why".into() };
        assert_eq!(without_data(&text), text);
        let record = super::super::handoff::record_of(&[text, image], 10_000);
        assert!(record.contains("user: [image: shot.png]"), "{record}");
        assert!(!record.contains("iVBOR"), "{record}");
    }
}
