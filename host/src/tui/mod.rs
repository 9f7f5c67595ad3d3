//! The interactive terminal (ratatui + crossterm): a renderer of agent
//! events and the composer, in an inline viewport under the terminal's own
//! scrollback. Ctrl-C and Esc stop a running turn in every state.

mod app;
pub(crate) use app::recorded_usage;
mod approve;
mod backtrack;
mod burst;
mod cells;
pub(crate) mod commands;
pub(crate) mod complete;
mod composer;
mod csi_scan;
mod depth;
mod diff;
mod fit;
mod highlight;
mod history;
mod images;
mod inline;
mod input;
mod keys;
mod line_edit;
mod live_output;

mod known_size;
pub(crate) mod listing;
mod markdown;
mod menu;
pub(crate) mod picker;
mod preview;
mod relative;
mod request_pager;
mod review;
mod run;
mod settle;
mod sgr;
mod signals;
mod soft_wrap;
mod status;
mod stream;
mod style;
mod table;
mod term;
mod terminfo;
mod typed_paste;
mod workspace_files;
mod wrap;

#[cfg(test)]
mod render_tests;

pub use run::run;
pub use term::{answers_cursor_query, typed_meanwhile};
