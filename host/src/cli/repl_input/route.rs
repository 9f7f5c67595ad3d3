//! Which read the terminal's reader serves next, and which asker a line
//! goes to. A subagent working in the background may ask for approval
//! while the main prompt waits for a line: that read is under way (it
//! cannot be taken back from rustyline), so the line typed under the
//! question is handed to the question, never sent to the model as a
//! message; the main prompt is read again once every question is closed.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::mpsc;

use super::{Input, ReadRequest};

/// What the reader's thread receives.
pub(in crate::cli) enum Msg {
    Read(ReadRequest),
    /// A question was closed: the main prompt may be read again.
    Closed,
}

/// The questions open and whether the main prompt's read is under way,
/// shared by the askers and the reader's thread.
#[derive(Default)]
pub(in crate::cli) struct Questions(Mutex<State>);

#[derive(Default)]
struct State {
    open: usize,
    main_reading: bool,
}

impl Questions {
    fn state(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The main prompt's read may start: no question is open.
    fn start_main(&self) -> bool {
        let mut s = self.state();
        s.main_reading = s.open == 0;
        s.main_reading
    }

    /// The main prompt's read ended; whether a question opened meanwhile.
    fn end_main(&self) -> bool {
        let mut s = self.state();
        s.main_reading = false;
        s.open > 0
    }

    pub(super) fn any_open(&self) -> bool {
        self.state().open > 0
    }
}

/// An open question (an approval): the main prompt waits until it is
/// dropped.
pub(in crate::cli) struct Question {
    questions: Arc<Questions>,
    wake: mpsc::UnboundedSender<Msg>,
    /// The main prompt's read was under way when the question opened: the
    /// line typed there is this question's answer (its choices are not
    /// the prompt shown, so they are said).
    pub(in crate::cli) main_waits: bool,
}

impl Question {
    pub(super) fn open(questions: Arc<Questions>, wake: mpsc::UnboundedSender<Msg>) -> Question {
        let main_waits = {
            let mut s = questions.state();
            s.open += 1;
            s.main_reading
        };
        Question {
            questions,
            wake,
            main_waits,
        }
    }
}

impl Drop for Question {
    fn drop(&mut self) {
        {
            let mut s = self.questions.state();
            s.open = s.open.saturating_sub(1);
        }
        let _ = self.wake.send(Msg::Closed);
    }
}

/// The reads asked for, in the order they are served: questions at once,
/// the main prompt's once no question is open.
pub(super) struct Router {
    rx: mpsc::UnboundedReceiver<Msg>,
    questions: Arc<Questions>,
    /// The main prompt's read, waiting for the questions to close.
    main: Option<ReadRequest>,
    /// Questions' reads received while waiting for another's.
    backlog: VecDeque<ReadRequest>,
}

impl Router {
    pub(super) fn new(rx: mpsc::UnboundedReceiver<Msg>, questions: Arc<Questions>) -> Router {
        Router {
            rx,
            questions,
            main: None,
            backlog: VecDeque::new(),
        }
    }

    pub(super) fn questions(&self) -> Arc<Questions> {
        self.questions.clone()
    }

    /// The next read to serve; `None` once nobody can ask any more.
    fn next(&mut self) -> Option<ReadRequest> {
        loop {
            // An asker gone (a turn interrupted at its question) gets no line.
            if let Some(r) = self.backlog.pop_front() {
                if r.reply.is_closed() {
                    continue;
                }
                return Some(r);
            }
            if self.main.is_some() && self.questions.start_main() {
                return self.main.take();
            }
            match self.rx.blocking_recv()? {
                Msg::Closed => {}
                Msg::Read(r) if r.history && self.main.is_none() => self.main = Some(r),
                Msg::Read(r) if r.reply.is_closed() => {}
                Msg::Read(r) => return Some(r),
            }
        }
    }

    /// The read of the question opened while the main prompt's line was
    /// typed; `None` when it closed meanwhile (the line is the prompt's).
    fn question(&mut self) -> Option<ReadRequest> {
        loop {
            while let Some(r) = self.backlog.pop_front() {
                if !r.reply.is_closed() {
                    return Some(r);
                }
            }
            if !self.questions.any_open() {
                return None;
            }
            match self.rx.blocking_recv()? {
                Msg::Closed => {}
                Msg::Read(r) if r.history && self.main.is_none() => self.main = Some(r),
                Msg::Read(r) => self.backlog.push_back(r),
            }
        }
    }
}

/// Serves the reads with `read` (`None`: the read was abandoned, its
/// asker gone) until nobody can ask any more.
pub(super) fn serve(mut router: Router, mut read: impl FnMut(&ReadRequest) -> Option<Input>) {
    while let Some(mut req) = router.next() {
        let input = read(&req);
        let opened = req.history && router.questions.end_main();
        let Some(input) = input else { continue };
        if opened && let Some(q) = router.question() {
            let _ = q.reply.send(input);
            // Read again once the questions are closed, from scratch.
            req.initial.clear();
            router.main = Some(req);
            continue;
        }
        let _ = req.reply.send(input);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::oneshot;

    fn read(history: bool) -> (Msg, oneshot::Receiver<Input>) {
        let (reply, rx) = oneshot::channel();
        let prompt = if history { "›" } else { "[y] yes" }.to_string();
        let r = ReadRequest {
            prompt,
            history,
            fresh: !history,
            initial: String::new(),
            reply,
        };
        (Msg::Read(r), rx)
    }

    fn line(input: Result<Input, oneshot::error::RecvError>) -> String {
        match input {
            Ok(Input::Line(l)) => l,
            _ => "(no line)".into(),
        }
    }

    #[test]
    fn a_line_typed_at_the_main_prompt_answers_a_question_opened_meanwhile() {
        let (tx, rx) = mpsc::unbounded_channel();
        let questions = Arc::new(Questions::default());
        let router = Router::new(rx, questions.clone());
        // The terminal: each read says its prompt, then gets a typed line.
        let (prompts_tx, prompts) = std::sync::mpsc::channel::<String>();
        let (typed, typed_rx) = std::sync::mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            serve(router, |r| {
                let _ = prompts_tx.send(r.prompt.clone());
                typed_rx.recv().ok().map(Input::Line)
            })
        });
        let (msg, main) = read(true);
        let _ = tx.send(msg);
        assert_eq!(prompts.recv().as_deref(), Ok("›"));
        let question = Question::open(questions.clone(), tx.clone());
        assert!(question.main_waits);
        let (msg, answer) = read(false);
        let _ = tx.send(msg);
        let _ = typed.send("y".into());
        assert_eq!(line(answer.blocking_recv()), "y");
        // A second read of the question is shown as its own.
        let (msg, again) = read(false);
        let _ = tx.send(msg);
        assert_eq!(prompts.recv().as_deref(), Ok("[y] yes"));
        let _ = typed.send("n".into());
        assert_eq!(line(again.blocking_recv()), "n");
        // Closed: the main prompt is read again, and gets the next line.
        drop(question);
        assert_eq!(prompts.recv().as_deref(), Ok("›"));
        let _ = typed.send("hello".into());
        assert_eq!(line(main.blocking_recv()), "hello");
        drop(tx);
        let _ = reader.join();
    }
}
