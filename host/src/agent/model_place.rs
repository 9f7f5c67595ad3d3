//! Where a session's model name was set, when it is not where a user sets
//! one (`-m`, `/model`, config.toml): a subagent definition's `model:`,
//! the `model` argument of `spawn_agent`. A server that does not know the
//! model then gets that place named in the error's hint.

use super::Session;
use crate::model::retry::CompleteError;

impl Session {
    /// The model name of this session was set in `place` (words for the
    /// hint: "`model:` in PATH").
    pub fn model_set_in(&mut self, place: String) {
        self.model_place = Some(place);
    }

    /// `e` with the place the model was set in named, when that is known.
    pub(crate) fn with_model_place(&self, mut e: CompleteError) -> CompleteError {
        if let (CompleteError::Model(m), Some(place)) = (&mut e, &self.model_place) {
            crate::model::not_found::model_set_in(m, place);
        }
        e
    }
}
