//! The one reading of a command line as bash reads it, for what must know
//! what a line runs before it runs: the approval classifier (`safe.rs`:
//! read-only commands, "always" keys; `runs_code.rs`) and a hook's
//! `if: Bash(...)` rule (`hooks/subcommands.rs`).
//!
//! The line is split into simple commands at `;`, `&&`, `||`, `|`, `|&`,
//! `&` and newlines, each command into words after quote removal: '…',
//! "…", `\x`, `$'…'` (its escapes decoded), `$"…"`, line continuations,
//! a comment from a word's start to the end of its line, redirections set
//! apart. Whatever it cannot read with certainty makes the line `unsure`:
//! command and process substitution, subshells and groups, compound
//! commands (`if`, `for`, `case`, …), here-documents, `${…}` and
//! arithmetic, braces, an unclosed quote, a syntax error. Callers take an
//! unsure line as one that may run anything.

/// One word of a simple command.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Word {
    /// The word after quote removal.
    pub text: String,
    /// A parameter expansion (`$x`, `$1`, `$@`) or an escape quire does
    /// not decode exactly is in it: `text` is not what the command gets.
    pub expands: bool,
    /// An unquoted glob (`*`, `?`, `[…]`) is in it: it may stand for
    /// file names instead.
    pub globs: bool,
    /// `globs`, with nothing before the glob: the names it stands for may
    /// begin with anything, `-` too.
    glob_first: bool,
    /// `NAME=value` with the name unquoted: an assignment when it comes
    /// before the command word.
    pub assigns: bool,
    /// Written without quotes, escapes or expansions (a reserved word or
    /// `!` counts only so).
    pub plain: bool,
    /// An unquoted `[` at this text length (the start of a bracket glob
    /// once a `]` follows).
    bracket: Option<usize>,
}

impl Word {
    /// Whether `text` is exactly the one argument the command gets.
    pub fn known(&self) -> bool {
        !self.expands && !self.globs
    }

    /// Whether what the command gets for this word may begin with `-`
    /// although `text` does not say so, or stand for several options.
    pub fn may_be_option(&self) -> bool {
        self.expands || (self.globs && (self.glob_first || self.text.starts_with('-')))
    }

    /// `!`, `time` or its `-p`, before a command's first word.
    fn leads(&self) -> bool {
        self.plain && matches!(self.text.as_str(), "!" | "time" | "-p")
    }

    fn new() -> Word {
        Word {
            plain: true,
            ..Word::default()
        }
    }
}

/// One simple command: its words, redirections left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Command {
    pub words: Vec<Word>,
    /// It has a redirection (`>`, `<`, `2>&1`, `<<<`).
    pub redirected: bool,
}

/// A command line read.
#[derive(Debug, Default, PartialEq)]
pub struct Line {
    pub commands: Vec<Command>,
    /// A command of it runs in the background (`&`).
    pub background: bool,
    /// What quire cannot read with certainty, when something is: the
    /// line may then run anything.
    pub unsure: Option<&'static str>,
}

/// Reserved words that open or continue a compound command.
const RESERVED: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "in", "case",
    "esac", "select", "function", "coproc",
];

/// `line` read the way the shell that runs commands reads it.
pub fn read(line: &str) -> Line {
    read_as(line, super::exec::runs_bash())
}

/// `line` read as bash reads it (`bash` true) or as a plain POSIX sh,
/// which has no `$'…'` nor `$"…"`: those are then unsure.
pub(crate) fn read_as(line: &str, bash: bool) -> Line {
    let mut lexer = Lexer {
        chars: line.chars().peekable(),
        bash,
        line: Line::default(),
        command: Command::default(),
        word: None,
        target: false,
    };
    lexer.run();
    lexer.line
}

struct Lexer<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    bash: bool,
    line: Line,
    command: Command,
    word: Option<Word>,
    /// The next word is a redirection's target, not an argument.
    target: bool,
}

impl Lexer<'_> {
    fn run(&mut self) {
        while let Some(c) = self.chars.next() {
            match c {
                ' ' | '\t' => self.end_word(),
                '\n' => self.end_command(true),
                ';' if self.eat(';') || self.eat('&') => self.unsure("`;;` or `;&` outside `case`"),
                ';' => self.end_command(false),
                '&' if self.eat('&') => self.end_command(false),
                '&' if self.eat('>') => {
                    self.eat('>');
                    self.redirect();
                }
                '&' => {
                    self.line.background = true;
                    self.end_command(false);
                }
                '|' => {
                    let _ = self.eat('|') || self.eat('&');
                    self.end_command(false);
                }
                '<' | '>' => self.redirection(c),
                '(' | ')' => self.unsure("a subshell, group, function or process substitution"),
                '{' | '}' => self.unsure("braces (a group or brace expansion)"),
                '`' => self.unsure("command substitution"),
                '#' if self.word.is_none() => while self.chars.next_if(|&c| c != '\n').is_some() {},
                '\\' => match self.chars.next() {
                    Some('\n') => {}
                    Some(e) => self.push_quoted(e),
                    None => self.unsure("a backslash at the end"),
                },
                '\'' => self.single_quoted(),
                '"' => self.double_quoted(),
                '$' => self.dollar(false),
                '*' | '?' => {
                    let w = self.word();
                    w.glob_first |= w.text.is_empty();
                    w.globs = true;
                    w.text.push(c);
                }
                '[' if self.subscript() => {
                    self.unsure("an array subscript at the start of a command")
                }
                '[' => {
                    let w = self.word();
                    w.bracket.get_or_insert(w.text.len());
                    w.text.push(c);
                }
                ']' => {
                    let w = self.word();
                    if let Some(at) = w.bracket {
                        w.globs = true;
                        w.glob_first |= at == 0;
                    }
                    w.text.push(c);
                }
                '=' => {
                    let w = self.word();
                    w.assigns |= w.plain && is_name(w.text.strip_suffix('+').unwrap_or(&w.text));
                    w.text.push(c);
                }
                _ => self.word().text.push(c),
            }
            if self.line.unsure.is_some() {
                return;
            }
        }
        self.end_word();
        if self.target {
            return self.unsure("a redirection without a target");
        }
        let last = std::mem::take(&mut self.command);
        if !last.words.is_empty() || last.redirected {
            self.push_command(last);
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.chars.next_if_eq(&c).is_some()
    }

    /// `a` when it is next, else `b` when it is next: whether it was `a`.
    fn eat_either(&mut self, a: char, b: char) -> bool {
        let first = self.eat(a);
        if !first {
            self.eat(b);
        }
        first
    }

    fn unsure(&mut self, why: &'static str) {
        self.line.unsure.get_or_insert(why);
    }

    fn word(&mut self) -> &mut Word {
        self.word.get_or_insert_with(Word::new)
    }

    /// Whether a `[` now follows a name where bash reads `name[…]` as an
    /// array element being assigned: the first word of a command, where
    /// blanks and separators inside the brackets do not split.
    fn subscript(&self) -> bool {
        self.word
            .as_ref()
            .is_some_and(|w| w.plain && is_name(&w.text))
            && self.command.words.iter().all(|w| w.assigns || w.leads())
    }

    fn push_quoted(&mut self, c: char) {
        let w = self.word();
        w.plain = false;
        w.text.push(c);
    }

    fn end_word(&mut self) {
        let Some(word) = self.word.take() else {
            return;
        };
        if std::mem::take(&mut self.target) {
            return;
        }
        self.command.words.push(word);
    }

    /// The command ends at a separator (a newline when `newline`).
    fn end_command(&mut self, newline: bool) {
        self.end_word();
        if self.target {
            return self.unsure("a redirection without a target");
        }
        let command = std::mem::take(&mut self.command);
        if command.words.is_empty() && !command.redirected {
            // `; ls`, `ls && ; x`: a syntax error (empty lines are fine).
            if !newline {
                self.unsure("an empty command");
            }
            return;
        }
        self.push_command(command);
    }

    fn push_command(&mut self, command: Command) {
        let head = command.words.iter().find(|w| !w.leads());
        if head.is_some_and(|w| w.plain && RESERVED.contains(&w.text.as_str())) {
            return self.unsure("a compound command (`if`, `for`, `while`, `case`, …)");
        }
        self.line.commands.push(command);
    }

    /// `<` or `>` read: a redirection, its operator completed.
    fn redirection(&mut self, c: char) {
        // `2>x`: digits right before are the descriptor, not a word.
        if self.word.as_ref().is_some_and(|w| {
            w.plain && !w.text.is_empty() && w.text.bytes().all(|b| b.is_ascii_digit())
        }) {
            self.word = None;
        }
        self.end_word();
        if self.target {
            return self.unsure("a redirection without a target");
        }
        // `<<<`, `<&`, `<>`, `<`; `>>`, `>&`, `>|`, `>`.
        let dup = match c {
            '<' if self.eat('<') => {
                if !self.eat('<') {
                    return self.unsure("a here-document");
                }
                false
            }
            '<' => self.eat_either('&', '>'),
            _ if self.eat('>') => false,
            _ => self.eat_either('&', '|'),
        };
        self.redirect();
        // `>&-` closes the descriptor: bash reads the `-` as a token of
        // its own, even after blanks (`>& -x` is `>&-` and the word `x`).
        if dup {
            self.skip_blanks();
            if self.eat('-') {
                self.target = false;
            }
        }
    }

    /// Blanks and line continuations.
    fn skip_blanks(&mut self) {
        loop {
            if self.chars.next_if(|c| matches!(c, ' ' | '\t')).is_some() {
                continue;
            }
            let mut ahead = self.chars.clone();
            if ahead.next() == Some('\\') && ahead.next() == Some('\n') {
                self.chars = ahead;
                continue;
            }
            return;
        }
    }

    fn redirect(&mut self) {
        self.end_word();
        if self.target {
            return self.unsure("a redirection without a target");
        }
        self.command.redirected = true;
        self.target = true;
    }

    fn single_quoted(&mut self) {
        let mut text = String::new();
        loop {
            match self.chars.next() {
                Some('\'') => break,
                Some(c) => text.push(c),
                None => return self.unsure("an unclosed quote"),
            }
        }
        let w = self.word();
        w.plain = false;
        w.text.push_str(&text);
    }

    fn double_quoted(&mut self) {
        self.word().plain = false;
        loop {
            let Some(c) = self.chars.next() else {
                return self.unsure("an unclosed quote");
            };
            match c {
                '"' => return,
                '\\' => match self
                    .chars
                    .next_if(|e| matches!(e, '$' | '`' | '"' | '\\' | '\n'))
                {
                    Some('\n') => {}
                    Some(e) => self.word().text.push(e),
                    None => self.word().text.push('\\'),
                },
                '`' => return self.unsure("command substitution"),
                '$' => {
                    self.dollar(true);
                    if self.line.unsure.is_some() {
                        return;
                    }
                }
                c => self.word().text.push(c),
            }
        }
    }

    /// `$` read, inside double quotes when `quoted`.
    fn dollar(&mut self, quoted: bool) {
        match self.chars.peek().copied() {
            Some('(') => self.unsure("command substitution or arithmetic"),
            Some('{') => self.unsure("a `${…}` expansion"),
            Some('[') => self.unsure("arithmetic"),
            Some('\'' | '"') if !quoted && !self.bash => {
                self.unsure("`$'…'` or `$\"…\"` in a shell other than bash")
            }
            Some('\'') if !quoted => {
                self.chars.next();
                self.ansi_c();
            }
            Some('"') if !quoted => {
                self.chars.next();
                self.double_quoted();
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                while self
                    .chars
                    .next_if(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .is_some()
                {}
                self.expanded();
            }
            Some(c) if c.is_ascii_digit() || "@*#?$!-".contains(c) => {
                self.chars.next();
                self.expanded();
            }
            _ => self.word().text.push('$'),
        }
    }

    fn expanded(&mut self) {
        let w = self.word();
        w.plain = false;
        w.expands = true;
    }

    /// The rest of `$'…'`: a backslash escapes the character after it
    /// (`\'` does not end the string); escapes decoded as bash does.
    fn ansi_c(&mut self) {
        let mut text = String::new();
        let mut exact = true;
        loop {
            let Some(c) = self.chars.next() else {
                return self.unsure("an unclosed quote");
            };
            if c == '\'' {
                break;
            }
            if c != '\\' {
                text.push(c);
                continue;
            }
            let Some(e) = self.chars.next() else {
                return self.unsure("an unclosed quote");
            };
            let simple = match e {
                'a' => Some('\x07'),
                'b' => Some('\x08'),
                'e' | 'E' => Some('\x1b'),
                'f' => Some('\x0c'),
                'n' => Some('\n'),
                'r' => Some('\r'),
                't' => Some('\t'),
                'v' => Some('\x0b'),
                '\\' | '\'' | '"' | '?' => Some(e),
                _ => None,
            };
            if let Some(s) = simple {
                text.push(s);
                continue;
            }
            let code = match e {
                '0'..='7' => Some(self.digits(8, 2, e.to_digit(8))),
                'x' => self.digits_after(16, 2),
                'u' => self.digits_after(16, 4),
                'U' => self.digits_after(16, 8),
                // `\cX` is a control character; which one takes rules of
                // its own (`\c\\`): not decoded, the word is not known.
                'c' => {
                    exact = false;
                    None
                }
                _ => None,
            };
            match code {
                // ASCII only: 0 ends the word in bash, other values are
                // bytes or depend on the locale.
                Some(v) if (1..0x80).contains(&v) => text.extend(char::from_u32(v)),
                Some(_) => exact = false,
                None => {
                    text.push('\\');
                    text.push(e);
                }
            }
        }
        let w = self.word();
        w.plain = false;
        w.expands |= !exact;
        w.text.push_str(&text);
    }

    /// Up to `max` more digits of `radix` after a first one.
    fn digits(&mut self, radix: u32, max: usize, first: Option<u32>) -> u32 {
        let mut v = first.unwrap_or(0);
        for _ in 0..max {
            match self.chars.peek().and_then(|c| c.to_digit(radix)) {
                Some(d) => {
                    self.chars.next();
                    v = v.saturating_mul(radix).saturating_add(d);
                }
                None => break,
            }
        }
        v
    }

    /// One to `max` digits of `radix`; `None` when there is none.
    fn digits_after(&mut self, radix: u32, max: usize) -> Option<u32> {
        let first = self.chars.next_if(|c| c.is_digit(radix))?.to_digit(radix);
        Some(self.digits(radix, max - 1, first))
    }
}

/// A shell variable's name.
fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
#[path = "lex_tests.rs"]
mod tests;
