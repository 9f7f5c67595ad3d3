//! A message the model never answered: its task was interrupted or failed
//! before the model said or did anything. Sent again (the terminal view
//! gives it back to edit, the line mode's ↑ brings it back), it replaces
//! the unanswered copy, so the history holds it once; another message sent
//! instead leaves it in place with a note for the model that it got no
//! answer — unless the model refused its images: then it is withdrawn
//! with them, or every later request would carry them and be refused too.

use super::Session;
use super::turn::TaskStatus;
use crate::model::Item;

/// The unanswered message: where its `User` item is in the history, its
/// text and why it got no answer.
#[derive(Debug, Clone)]
pub(crate) struct Unanswered {
    at: usize,
    /// The history's length when the task ended.
    end: usize,
    text: String,
    why: String,
}

impl Unanswered {
    /// Whether it is the message typed as `text` and the model refused
    /// its images.
    pub(crate) fn images_refused(&self, text: &str) -> bool {
        self.why.contains(crate::model::IMAGES_REFUSED)
            && crate::store::as_typed(&self.text).trim() == text
    }
}

impl Session {
    /// After a task: remembers its message when the task ended interrupted
    /// or failed with nothing but the message, its images and its context
    /// recorded (images a text-only model refused leave with it).
    pub(crate) fn note_unanswered(&mut self, at: usize, text: &str, status: &TaskStatus) {
        self.unanswered = None;
        let why = match status {
            TaskStatus::Interrupted => {
                "the user interrupted it before the answer began".to_string()
            }
            TaskStatus::Failed(msg) => format!("the request failed ({msg})"),
            _ => return,
        };
        let is_message =
            matches!(self.history.get(at), Some(Item::User { text: t, .. }) if t == text);
        let only_context = self.history.iter().skip(at + 1).all(|i| {
            matches!(
                i,
                Item::Context { .. } | Item::SkillActivation { .. } | Item::Image { .. }
            )
        });
        if is_message && only_context {
            self.unanswered = Some(Unanswered {
                at,
                end: self.history.len(),
                text: text.to_string(),
                why,
            });
        }
    }

    /// A resumed session whose last message got no answer (`why`, read
    /// from its file): the next message settles it as in the session that
    /// sent it (replaced when sent again, else noted as unanswered).
    pub(crate) fn resume_unanswered(&mut self, why: Option<String>) {
        self.unanswered = None;
        let Some(why) = why else { return };
        let Some(at) = self
            .history
            .iter()
            .rposition(|i| matches!(i, Item::User { .. }))
        else {
            return;
        };
        if let Some(Item::User { text, .. }) = self.history.get(at) {
            self.unanswered = Some(Unanswered {
                at,
                end: self.history.len(),
                text: text.clone(),
                why,
            });
        }
    }

    /// Removes the unanswered message (and the context recorded with it)
    /// from the history and the session file, and returns its text: the
    /// caller gives it back to the user to edit or send again.
    pub fn take_back_unanswered(&mut self) -> Option<String> {
        let u = self.unanswered.take()?;
        // Anything recorded since (a note from `/undo`) keeps it in place.
        let fits =
            matches!(self.history.get(u.at), Some(Item::User { text, .. }) if *text == u.text);
        if !fits || self.history.len() != u.end {
            return None;
        }
        let count = self.history.len() - u.at;
        if let Err(e) = self.writer.append_withdrawn(count) {
            self.events.send(super::Event::Warning {
                message: format!("session file not updated: {e}"),
            });
        }
        self.history.truncate(u.at);
        self.scopes_cut();
        for ext in &self.extensions {
            ext.sync_history(&self.history);
        }
        Some(u.text)
    }

    /// Before a new message is recorded: the same text sent again replaces
    /// the unanswered copy; other text leaves it, with a note saying it got
    /// no answer. A message whose images the model refused is withdrawn
    /// either way (the user is told), so the new one goes without them.
    pub(crate) fn settle_unanswered(&mut self, user_text: &str) {
        let Some(u) = self.unanswered.clone() else {
            return;
        };
        if u.text.trim() == user_text.trim() {
            self.take_back_unanswered();
            return;
        }
        let refused = self.refused_images(&u);
        if !refused.is_empty() && self.take_back_unanswered().is_some() {
            self.sent_images.forget(&u.text);
            self.warn(format!(
                "the earlier message the model refused is withdrawn from the conversation with {} ({}), so this one goes without them; to send images, pick a vision-capable model (-m NAME, /model NAME) and attach them again",
                crate::plural::counted(refused.len(), "image"),
                refused.join(", ")
            ));
            return;
        }
        let why = u.why;
        self.unanswered = None;
        self.record(Item::Context {
            source: "quire".to_string(),
            text: format!("The user message above got no answer: {why}."),
        });
    }

    /// The names of the images of `u` when its request was refused for
    /// them (`model::IMAGES_REFUSED` in why it failed); empty otherwise.
    fn refused_images(&self, u: &Unanswered) -> Vec<String> {
        if !u.why.contains(crate::model::IMAGES_REFUSED) {
            return Vec::new();
        }
        let end = u.end.min(self.history.len());
        self.history
            .get(u.at..end)
            .unwrap_or_default()
            .iter()
            .filter_map(|i| match i {
                Item::Image { name, .. } => Some(name.clone()),
                _ => None,
            })
            .collect()
    }
}
