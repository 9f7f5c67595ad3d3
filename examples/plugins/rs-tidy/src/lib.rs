//! rs-tidy: a hook-only quire plugin. After every patch it tidies the
//! Rust files the patch touched: trailing whitespace removed, CRLF line
//! endings made LF, blank lines at the end dropped and exactly one final
//! newline. It is not rustfmt (a WebAssembly component cannot start
//! processes); it does what it can do itself, through its granted folder
//! only. A Rust file outside that folder is reported, not touched.

mod tidy;

use quire_sdk::prelude::*;

quire_sdk::plugin! {
    /// Tidies the Rust files of a patch.
    #[hook(PostToolUse)]
    fn rs_tidy(event: HookEvent) -> HookDecision {
        let mut tidied = Vec::new();
        let mut refused = Vec::new();
        for path in event.file_paths().iter().filter(|p| p.ends_with(".rs")) {
            match tidy::tidy_file(path) {
                Ok(true) => tidied.push(path.clone()),
                Ok(false) => {}
                Err(e) => refused.push(format!("{path} ({e})")),
            }
        }
        let mut decision = HookDecision::allow();
        if !tidied.is_empty() {
            decision = decision.with_context(format!("rs-tidy tidied {}", tidied.join(", ")));
        }
        if !refused.is_empty() {
            decision = decision.with_message(format!(
                "rs-tidy could not tidy {}: only files in its granted folder (plugin.toml [permissions] fs)",
                refused.join(", ")
            ));
        }
        decision
    }
}
