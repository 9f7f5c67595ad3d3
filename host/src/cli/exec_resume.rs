//! Codex's resume words: `quire exec resume --last "TASK"` and `quire
//! exec resume ID "TASK"` are `quire exec --resume last|ID "TASK"` (every
//! other exec flag still applies); `quire resume --last` is `quire resume
//! last`. `quire exec resume` naming no session is refused rather than
//! sending the word "resume" to the model.

use std::ffi::OsString;

use super::args::{ExecArgs, ExecCommand, ResumeArgs};

/// The session the words name (`last` for --last, `None` for neither)
/// and the task, if one was given. `command` is how the user called it
/// (`quire exec resume`), for the messages.
pub fn session_and_task(
    r: &ResumeArgs,
    command: &str,
) -> Result<(Option<String>, Option<OsString>), String> {
    match (r.last, &r.id, &r.prompt) {
        (true, Some(id), Some(_)) => Err(format!(
            "--last already names the session (the one used last), so '{id}' cannot be one too: {command} --last \"TASK\", or {command} ID \"TASK\" without --last"
        )),
        // With --last, the first word is the task (as in Codex).
        (true, Some(task), None) => Ok((Some("last".into()), Some(task.into()))),
        (true, None, task) => Ok((Some("last".into()), task.clone())),
        (false, Some(id), _) if id.contains(char::is_whitespace) => Err(format!(
            "'{id}' is not a session id: to continue the session used last with it as the task, {command} --last \"{id}\" (`quire sessions list` shows the ids)"
        )),
        (false, id, prompt) => Ok((id.clone(), prompt.clone())),
    }
}

/// `quire exec`'s task and the session to resume: the task and
/// `--resume`, or the `resume` words.
pub fn exec_task(args: &ExecArgs) -> Result<(Option<OsString>, Option<String>), String> {
    let Some(ExecCommand::Resume(r)) = &args.command else {
        return Ok((args.prompt.clone(), args.resume.clone()));
    };
    if args.resume.is_some() || args.prompt.is_some() {
        return Err(
            "`resume` comes right after `exec` and names the session itself: quire exec resume --last \"TASK\" or quire exec resume ID \"TASK\" (or, without it, quire exec --resume last|ID \"TASK\")"
                .into(),
        );
    }
    let (session, task) = session_and_task(r, "quire exec resume")?;
    let Some(session) = session else {
        return Err(
            "quire exec resume needs the session to continue: quire exec resume --last \"TASK\" (the session of this directory used last) or quire exec resume ID \"TASK\" (`quire sessions list` shows the ids), as quire exec --resume last|ID \"TASK\" does; a task that is the one word \"resume\" needs more words"
                .into(),
        );
    };
    Ok((task, Some(session)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(id: Option<&str>, prompt: Option<&str>, last: bool) -> ResumeArgs {
        ResumeArgs {
            id: id.map(str::to_string),
            prompt: prompt.map(OsString::from),
            last,
        }
    }

    fn read(r: &ResumeArgs) -> Result<(Option<String>, Option<String>), String> {
        session_and_task(r, "quire exec resume")
            .map(|(s, t)| (s, t.map(|t| t.to_string_lossy().into_owned())))
    }

    #[test]
    fn last_takes_the_first_word_as_the_task() {
        let some = |s: &str| Some(s.to_string());
        assert_eq!(
            read(&words(Some("go on"), None, true)),
            Ok((some("last"), some("go on")))
        );
        assert_eq!(read(&words(None, None, true)), Ok((some("last"), None)));
        assert_eq!(
            read(&words(Some("01ab"), Some("go on"), false)),
            Ok((some("01ab"), some("go on")))
        );
        assert_eq!(read(&words(None, None, false)), Ok((None, None)));
        let both = read(&words(Some("01ab"), Some("go on"), true)).unwrap_err();
        assert!(both.contains("'01ab' cannot be one too"), "{both}");
        let task = read(&words(Some("fix the tests"), None, false)).unwrap_err();
        assert!(
            task.contains("quire exec resume --last \"fix the tests\""),
            "{task}"
        );
    }
}
