//! Images of the terminal view: `-i` files start as placeholders in the
//! composer (sent with the first message), and a message's images are
//! checked against the session's wire when it is sent.

use quire::agent::Session;
use quire::images::Image;

use super::app::App;

/// The `-i` images once the provider's wire takes them; the error is
/// printed (before the terminal view starts).
pub(super) fn checked(
    images: crate::cli::images::Named,
    config: &quire::config::Config,
) -> Result<Vec<Image>, ()> {
    crate::cli::images::for_provider(images, config)
        .map_err(|e| crate::cli::pipe::err_clean(&format!("error: {e}\n")))
}

/// Puts the `-i` images into the composer; with a message given on the
/// command line, it is submitted with them at once (what to send first).
pub(super) fn start(app: &mut App, images: Vec<Image>, first: Option<String>) -> Option<String> {
    if images.is_empty() {
        return first;
    }
    for image in images {
        app.composer.attach_image(image);
    }
    let first = first?;
    app.composer.insert_str(&format!(" {first}"));
    Some(app.composer.submit())
}

/// Attaches the images of `message` (submitted with their placeholders)
/// to the session's next task; an error when the wire refuses one. A
/// message with none, typed as an earlier one was (↑ and Enter), gets the
/// images that one was sent with: the note saying so is returned. A
/// message naming an `[image: …]` placeholder with no image to attach (↑
/// to a message of another session) gets a warning: it goes as text.
/// `mentioned`: the images the message names as `@shot.png`.
pub(super) fn attach(
    app: &mut App,
    session: &mut Session,
    message: &str,
    mentioned: Vec<Image>,
) -> Result<Option<String>, String> {
    let mut images = app.composer.take_images_of(message);
    let mut note = None;
    if images.is_empty() && !session.has_pending_images() {
        images = session.images_sent_with(message);
        note = crate::session_view::rewind::attached_again(&images);
    }
    for image in mentioned {
        if !images.iter().any(|i| i.bytes == image.bytes) {
            images.push(image);
        }
    }
    // ↑ brings back a message of another session with its placeholders
    // but not its images (their data is not kept in the input history):
    // sent as is, the model would get the words and no image.
    if images.is_empty()
        && note.is_none()
        && let Some(placeholder) = unattached_placeholder(message)
    {
        note = Some(format!(
            "warning: {placeholder} went as text only: no image is attached to it (the images of a message from another session are not kept in the input history); Esc Esc gives the message back to paste or drop the file again"
        ));
    }
    let wire = session.wire_api();
    if let Some(e) = images.iter().find_map(|i| i.check_for(wire, &i.name).err()) {
        return Err(e.to_string());
    }
    session.attach_images(images);
    Ok(note)
}

/// The first `[image: NAME]` placeholder in `message`, as the composer
/// writes them.
fn unattached_placeholder(message: &str) -> Option<&str> {
    let start = message.find("[image: ")?;
    let end = message[start..].find(']')? + start + 1;
    Some(&message[start..end])
}

#[cfg(test)]
mod tests {
    use super::unattached_placeholder;

    #[test]
    fn a_placeholder_in_a_message_is_found() {
        assert_eq!(
            unattached_placeholder("look at [image: shot.png #2] please"),
            Some("[image: shot.png #2]")
        );
        assert_eq!(unattached_placeholder("no images [image"), None);
        assert_eq!(unattached_placeholder("plain"), None);
    }
}
