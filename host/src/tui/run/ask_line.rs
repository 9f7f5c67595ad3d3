//! A question asked on the plain terminal before the terminal view takes
//! it over (raw mode): the answer is a line typed after the question.

/// Asks on the plain terminal, before it is put in raw mode. What was
/// typed before the question is not its answer (cli/type_ahead.rs): keys
/// the cursor query read (crossterm keeps them) and what the terminal
/// holds, said and dropped. Ctrl-C stops quire saying `error: {stopped}`.
pub(super) fn stdin_line(prompt: &str, stopped: &'static str) -> Option<String> {
    use crate::cli::type_ahead;
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        let mut typed = crate::tui::term::typed_meanwhile().into_bytes();
        typed.extend(type_ahead::take(libc::STDIN_FILENO));
        if let Some(notice) = type_ahead::notice(&typed) {
            crate::cli::pipe::err(&notice);
        }
    }
    let _stop = crate::cli::stop_on_ctrl_c::StopOnCtrlC::install(stopped);
    crate::cli::pipe::err(prompt);
    let mut line = String::new();
    match std::io::stdin().read_line(&mut line) {
        Ok(n) if n > 0 => Some(line),
        _ => None,
    }
}
