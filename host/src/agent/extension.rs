//! The seam through which skills and other sources shape each turn lives
//! in [`crate::tools::extension`] (so tool sources need not import
//! `agent`); re-exported here at its old path.

pub use crate::tools::extension::{Extension, ToolChange};
