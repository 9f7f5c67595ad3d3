//! Images in the composer: a paste that is the path of one image file
//! (as terminals drop a dragged file) attaches it as an `[image: NAME]`
//! placeholder, edited as one unit like a long paste's. The images of a
//! submitted message wait until it is sent.

use quire::images::Image;

use super::Composer;

impl Composer {
    /// Attaches `image` at the cursor: its placeholder (`[image: NAME]`,
    /// numbered when the name is attached now: `[image: NAME #2]`) is
    /// inserted.
    pub fn attach_image(&mut self, image: Image) {
        // Images whose placeholder was deleted are no longer attached.
        let text = self.text();
        self.images.retain(|(p, _)| text.contains(p.as_str()));
        let placeholder = placeholders(&image.name)
            .find(|p| !self.images.iter().any(|(q, _)| q == p))
            .unwrap_or_default();
        self.insert_str(&placeholder);
        self.images.push((placeholder, image));
    }

    /// A message gone back to (Esc Esc, `/rewind N`) in the input, its
    /// images attached again: each to its placeholder in `text`, or, when
    /// it has none (`-i` of exec), to one put at the start.
    pub fn give_back(&mut self, text: &str, images: Vec<Image>) {
        self.clear();
        self.set(text);
        // Those of the last message sent are not this one's.
        self.images.clear();
        let mut unplaced = Vec::new();
        for image in images {
            let free = in_text(text, &image.name)
                .into_iter()
                .find(|p| !self.images.iter().any(|(q, _)| q == p));
            match free {
                Some(p) => self.images.push((p, image)),
                None => unplaced.push(image),
            }
        }
        if unplaced.is_empty() {
            return;
        }
        (self.row, self.col) = (0, 0);
        for image in unplaced {
            self.attach_image(image);
        }
        if !text.is_empty() && !text.starts_with(char::is_whitespace) {
            self.insert(' ');
        }
        self.row = self.lines.len() - 1;
        self.col = self.lines[self.row].len();
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

/// The placeholders of an image named `name`, in the order they are
/// given: `[image: NAME]`, `[image: NAME #2]`, …
fn placeholders(name: &str) -> impl Iterator<Item = String> + '_ {
    (1..).map(move |n| match n {
        1 => format!("[image: {name}]"),
        n => format!("[image: {name} #{n}]"),
    })
}

/// The placeholders of images named `name` in `text`, in its order.
fn in_text(text: &str, name: &str) -> Vec<String> {
    let head = format!("[image: {name}");
    text.match_indices(&head)
        .filter_map(|(at, _)| {
            let rest = &text[at + head.len()..];
            let tail = match rest.strip_prefix(" #") {
                Some(r) => {
                    let digits = r.len() - r.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                    (digits > 0 && r[digits..].starts_with(']')).then(|| &rest[..digits + 3])?
                }
                None => rest.starts_with(']').then_some("]")?,
            };
            Some(format!("{head}{tail}"))
        })
        .collect()
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

    #[test]
    fn placeholders_are_numbered_by_the_images_attached_now() {
        let mut c = Composer::new(Vec::new());
        c.attach_image(png("a.png"));
        c.backspace();
        c.attach_image(png("a.png"));
        assert_eq!(c.text(), "[image: a.png]");
        c.attach_image(png("a.png"));
        assert_eq!(c.text(), "[image: a.png][image: a.png #2]");
        let sent = c.submit();
        assert_eq!(c.take_images_of(&sent).len(), 2);
    }

    #[test]
    fn a_message_gone_back_to_gets_its_images_again() {
        let mut c = Composer::new(Vec::new());
        let text = "see [image: b.png] and [image: a.png #2]";
        c.give_back(text, vec![png("a.png"), png("b.png")]);
        assert_eq!(c.text(), text);
        let sent = c.submit();
        let names: Vec<String> = c
            .take_images_of(&sent)
            .into_iter()
            .map(|i| i.name)
            .collect();
        assert_eq!(names, ["a.png", "b.png"]);
        // Sent with `-i` of exec, the text names none: they go first.
        c.give_back("why", vec![png("a.png"), png("a.png")]);
        assert_eq!(c.text(), "[image: a.png][image: a.png #2] why");
        assert_eq!(c.cursor(), (0, c.text().len()));
        let sent = c.submit();
        assert_eq!(c.take_images_of(&sent).len(), 2);
        // The images of the last message sent are not given back with it.
        c.attach_image(png("c.png"));
        let sent = c.submit();
        c.take_images_of(&sent);
        c.give_back("[image: c.png]", Vec::new());
        let sent = c.submit();
        assert!(c.take_images_of(&sent).is_empty());
    }
}
