//! Skill folders on disk, owned here and nowhere else: the text of a
//! `SKILL.md` (BOM, CRLF and lone CR line ends, the frontmatter split),
//! the files of a skill (listing.rs: the list an activation shows) and a
//! relative path resolved inside its folder
//! without ever leaving it (symlinks included). Activation and the `skill`
//! tool ([`crate::skills::select::content`]), `mcp serve` (`skill://`
//! resources) and `quire skills validate` all go through it.

pub(crate) mod files;
mod frontmatter;
mod inside;
mod link_out;
mod listing;

pub use frontmatter::{normalize, split_frontmatter};
pub use inside::{Located, Refused, locate};
pub use link_out::skill_file_link_out;
pub use listing::listing;
