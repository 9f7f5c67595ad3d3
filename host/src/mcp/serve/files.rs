//! The files of one skill folder and their `skill://` URIs live in
//! [`crate::skills::folder::files`], the one owner of skill folders on
//! disk; re-exported here at their old path.

pub use crate::skills::folder::files::*;
