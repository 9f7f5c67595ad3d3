//! Images in the composer: a paste that is the path of one image file
//! (as terminals drop a dragged file) attaches it as an `[image: NAME]`
//! placeholder, edited as one unit like a long paste's. The images of a
//! submitted message wait until it is sent.

use quire::images::Image;

use super::Composer;

impl Composer {
    /// Attaches `image` at the cursor: its placeholder (`[image: NAME]`,
    /// numbered when the name is already attached) is inserted.
    pub fn attach_image(&mut self, image: Image) {
        let base = format!("[image: {}]", image.name);
        let mut placeholder = base.clone();
        let mut n = 1;
        while self.images.iter().any(|(p, _)| *p == placeholder) {
            n += 1;
            placeholder = format!("{} #{n}]", base.trim_end_matches(']'));
        }
        self.insert_str(&placeholder);
        self.images.push((placeholder, image));
    }

    /// A paste that names one image file attaches it; `false` when the
    /// paste is anything else (then it is text to insert).
    pub fn paste_image(&mut self, text: &str, cwd: &std::path::Path) -> bool {
        let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
        let Some(path) = quire::images::pasted_path(text, home.as_deref()) else {
            return false;
        };
        match Image::load(&cwd.join(path)) {
            Ok(image) => {
                self.attach_image(image);
                true
            }
            Err(e) => {
                tracing::debug!(error = %e, "a pasted path is no image to attach");
                false
            }
        }
    }

    /// At submit: the images whose placeholder the message still holds
    /// (the others were deleted) wait for it to be sent.
    pub(super) fn keep_submitted_images(&mut self, text: &str) {
        for (placeholder, image) in std::mem::take(&mut self.images) {
            if text.contains(&placeholder) {
                self.submitted_images.push((placeholder, image));
            }
        }
    }

    /// The images of a submitted `message` about to be sent.
    pub fn take_images_of(&mut self, message: &str) -> Vec<Image> {
        let (mine, others): (Vec<_>, Vec<_>) = std::mem::take(&mut self.submitted_images)
            .into_iter()
            .partition(|(p, _)| message.contains(p.as_str()));
        self.submitted_images = others;
        self.sent_images = mine.clone();
        mine.into_iter().map(|(_, image)| image).collect()
    }

    /// Text put back into the composer (a message given back after an
    /// interruption or a failure, ↑ to the last one sent) gets the images
    /// of the last message sent back whose placeholders it holds.
    pub(super) fn restore_images(&mut self, text: &str) {
        for (placeholder, image) in &self.sent_images {
            if text.contains(placeholder.as_str())
                && !self.images.iter().any(|(p, _)| p == placeholder)
            {
                self.images.push((placeholder.clone(), image.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(name: &str) -> Image {
        Image {
            name: name.into(),
            media_type: "image/png",
            bytes: b"\x89PNG\r\n\x1a\n".to_vec(),
        }
    }

    #[test]
    fn a_placeholder_is_removed_whole_and_its_image_with_it() {
        let mut c = Composer::new(Vec::new());
        c.insert_str("look ");
        c.attach_image(png("a.png"));
        assert_eq!(c.text(), "look [image: a.png]");
        c.backspace();
        assert_eq!(c.text(), "look ");
        let sent = c.submit();
        assert!(c.take_images_of(&sent).is_empty());
    }

    #[test]
    fn the_images_go_with_their_message() {
        let mut c = Composer::new(Vec::new());
        c.attach_image(png("a.png"));
        c.attach_image(png("a.png"));
        c.insert_str(" why");
        let sent = c.submit();
        assert_eq!(sent, "[image: a.png][image: a.png #2] why");
        assert_eq!(c.take_images_of("other").len(), 0);
        assert_eq!(c.take_images_of(&sent).len(), 2);
        // A message given back (its task failed) keeps its images.
        c.set(&sent);
        let again = c.submit();
        assert_eq!(c.take_images_of(&again).len(), 2);
    }
}
