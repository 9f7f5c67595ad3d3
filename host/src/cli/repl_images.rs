//! Images of the line mode's messages sent again: a message gone back to
//! (`/rewind N`) takes its images along to the next message sent, edited
//! or not; a line typed as an earlier message was (↑ and Enter) gets the
//! images that message was sent with. The line mode has no other way to
//! attach images than `-i` at start.

use quire::agent::Session;
use quire::images::Image;

use crate::session_view::{Said, rewind};

/// The images a `/rewind` gave back, waiting for the next message.
#[derive(Default)]
pub(super) struct Carried(Vec<Image>);

impl Carried {
    /// A message was gone back to with `images`: they wait for the next
    /// message; what is said of them.
    pub(super) fn rewound(&mut self, images: Vec<Image>) -> Option<Said> {
        let said = rewind::carried(&images);
        self.0 = images;
        said
    }

    /// Another conversation: nothing waits.
    pub(super) fn clear(&mut self) {
        self.0.clear();
    }

    /// Before `line` is sent as a message: the images it goes with are
    /// attached to the session; what is said of those attached again.
    pub(super) fn attach(&mut self, session: &mut Session, line: &str) -> Option<String> {
        if !self.0.is_empty() {
            session.attach_images(std::mem::take(&mut self.0));
            return None;
        }
        // `-i` images of the first message are its own.
        if session.has_pending_images() {
            return None;
        }
        let again = session.images_sent_with(line);
        let said = rewind::attached_again(&again);
        session.attach_images(again);
        said
    }
}
