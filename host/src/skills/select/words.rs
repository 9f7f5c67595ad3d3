//! Splitting text into the words the index sees, before stemming:
//! identifiers (camelCase, snake_case, paths), file extensions that name a
//! language (`deploy.sh` → shell), `C++`/`C#`, acronyms kept whole, and
//! the vocabulary's senses and synonym groups ([`super::vocab`]).

use super::stem::stem;
use super::vocab::{self, Vocabulary};

/// How much a word inside a path or file name counts: it says where, not
/// what.
pub const PATH_WEIGHT: f32 = 0.5;
/// How much a language implied by a file extension counts.
pub const LANGUAGE_WEIGHT: f32 = 0.7;

/// One word of a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// Lowercase.
    pub lower: String,
    /// Written in capitals (an acronym: not stemmed).
    pub caps: bool,
    pub weight: f32,
    /// A group term (already final: not stemmed, not a stop word).
    pub group: bool,
    /// A word of a synonym group's member, or that group's term: the two
    /// say the same thing (see [`super::synonyms::query_weighted`]).
    pub synonym: bool,
    /// The stem the vocabulary matched on (`lower` itself for acronyms and
    /// group terms).
    pub stem: String,
}

impl Word {
    fn new(lower: String, caps: bool, weight: f32) -> Word {
        Word {
            lower,
            caps,
            weight,
            group: false,
            synonym: false,
            stem: String::new(),
        }
    }
}

/// Punctuation around a file name in prose.
fn trim_punct(chunk: &str) -> &str {
    chunk
        .trim_start_matches(['(', '[', '{', '"', '\'', '`', '<'])
        .trim_end_matches([
            '.', ',', ';', ':', '!', '?', ')', ']', '}', '"', '\'', '`', '>',
        ])
}

/// `C++`, `C#`, `F#` and `.NET` as words.
fn specials(chunk: &str) -> Option<&'static str> {
    if !chunk.contains(['+', '#', '.']) {
        return None;
    }
    match trim_punct(chunk).to_ascii_lowercase().as_str() {
        "c++" => Some("cpp"),
        "c#" => Some("csharp"),
        "f#" => Some("fsharp"),
        ".net" | "asp.net" => Some("dotnet"),
        _ => None,
    }
}

/// A name ending in `++` (`afl++`, `Notepad++`) as one word, spelled as
/// its projects spell it in file and package names (`aflpp`).
fn plus_plus(chunk: &str) -> Option<String> {
    let name = trim_punct(chunk).strip_suffix("++")?;
    (name.len() >= 2 && name.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| format!("{}pp", name.to_ascii_lowercase()))
}

/// `#1203` and `acme/api#482`: how developers name an issue or a pull
/// request of a repository.
fn issue_ref(chunk: &str) -> bool {
    let Some((repo, number)) = trim_punct(chunk).rsplit_once('#') else {
        return false;
    };
    let repo_ok = repo.is_empty()
        || repo.split_once('/').is_some_and(|(owner, name)| {
            let part = |p: &str| {
                !p.is_empty()
                    && p.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            };
            part(owner) && part(name)
        });
    repo_ok && !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())
}

/// `document.title`, `window.__APP_VERSION__`: code run in a web page
/// (a browser global followed by a member).
fn page_script(chunk: &str) -> bool {
    const GLOBALS: [&str; 6] = [
        "document",
        "window",
        "localStorage",
        "sessionStorage",
        "navigator",
        "location",
    ];
    let code = chunk.trim_start_matches(['(', '[', '{', '"', '\'', '`', '<']);
    code.split_once('.').is_some_and(|(global, member)| {
        GLOBALS.contains(&global)
            && member
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
    })
}

/// `./scripts`, `../docs/`, `~/projects`, `/var/log`: a path to a
/// directory as developers write one when they mean the directory itself
/// (anchored at `.`, `..`, `~` or `/`; `parser-rs/` is more often where
/// something is than what to list), not a file name (`bare` has no
/// language extension).
fn directory_path(bare: &str) -> bool {
    let anchored = ["./", "../", "~/"].iter().any(|a| bare.starts_with(a))
        || (bare.starts_with('/') && bare.len() > 1 && !bare.starts_with("//"));
    anchored
        && bare
            .rsplit('/')
            .find(|part| !part.is_empty())
            .is_some_and(|last| !last.contains('.') || last.starts_with('.'))
}

/// `390x844`, `1280×720`: a screen or window size.
fn screen_size(bare: &str) -> bool {
    let Some((w, h)) = bare.split_once(['x', '×']) else {
        return false;
    };
    let dim = |d: &str| (3..=4).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit());
    dim(w) && dim(h)
}

/// The tool a dotfile named `.<tool>rc` configures (`.shellcheckrc`,
/// `~/.bashrc`, `.eslintrc.json`): `run` is an alphanumeric run of
/// `chunk`, and counts when a `.` opens its path component.
fn rc_file_tool<'a>(chunk: &str, run: &'a str) -> Option<&'a str> {
    let tool = run.strip_suffix("rc")?;
    if tool.len() < 3 || !tool.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let start = (run.as_ptr() as usize).checked_sub(chunk.as_ptr() as usize)?;
    let before = chunk.get(..start)?.strip_suffix('.')?;
    let opens =
        before.is_empty() || before.ends_with(['/', '\\', '~', '(', '[', '"', '\'', '`', '<']);
    opens.then_some(tool)
}

/// `chunk` (a whitespace-separated piece of text) names a file: an
/// extension that names a language, or a tool's rc file (`.nvmrc`).
pub(crate) fn names_a_file(chunk: &str) -> bool {
    let bare = trim_punct(chunk);
    let language = bare
        .rsplit_once('.')
        .filter(|(stem, _)| stem.chars().last().is_some_and(char::is_alphanumeric))
        .and_then(|(_, ext)| vocab::get().languages(ext));
    language.is_some()
        || chunk
            .split(|c: char| !c.is_alphanumeric())
            .any(|run| !run.is_empty() && rc_file_tool(chunk, run).is_some())
}

/// The parts of one alphanumeric run: camelCase identifiers
/// (`getUserName`, `TestAccWidget`) split; two-part brand names
/// (`GitHub`, `PyTorch`) kept whole; `PRs` is the acronym `PR`.
fn split_run(run: &str, weight: f32, out: &mut Vec<Word>) {
    // Most words of prose: nothing to split.
    if run
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        out.push(Word::new(run.to_string(), false, weight));
        return;
    }
    let chars: Vec<char> = run.chars().collect();
    let upper = |c: char| c.is_uppercase();
    let n = chars.len();
    if n >= 3 && chars[n - 1] == 's' && chars[..n - 1].iter().all(|&c| upper(c)) {
        out.push(Word::new(run[..run.len() - 1].to_lowercase(), true, weight));
        return;
    }
    let mut bounds = vec![0];
    for i in 1..n {
        let (p, c) = (chars[i - 1], chars[i]);
        let next_lower = chars.get(i + 1).is_some_and(|x| x.is_lowercase());
        if (p.is_lowercase() && upper(c)) || (upper(p) && upper(c) && next_lower) {
            bounds.push(i);
        }
    }
    bounds.push(n);
    let parts: Vec<String> = bounds
        .windows(2)
        .map(|w| chars[w[0]..w[1]].iter().collect())
        .collect();
    let identifier = parts.len() >= 3 || (parts.len() == 2 && chars[0].is_lowercase());
    if !identifier {
        let caps = chars.iter().any(|&c| upper(c))
            && chars.iter().all(|&c| upper(c) || c.is_ascii_digit());
        out.push(Word::new(run.to_lowercase(), caps, weight));
        return;
    }
    for p in parts {
        let caps = p.chars().count() >= 2 && p.chars().all(upper);
        out.push(Word::new(p.to_lowercase(), caps, weight));
    }
}

/// Every word of `text`, in order, with the vocabulary applied (stop
/// words still in: the caller drops them).
pub fn words(text: &str) -> Vec<Word> {
    let vocab = vocab::get();
    // About one word per six bytes of prose.
    let mut out: Vec<Word> = Vec::with_capacity(text.len() / 6 + 1);
    for chunk in text.split_whitespace() {
        if let Some(w) = specials(chunk) {
            out.push(Word::new(w.to_string(), false, 1.0));
            continue;
        }
        if let Some(w) = plus_plus(chunk) {
            out.push(Word::new(w, false, 1.0));
            continue;
        }
        if issue_ref(chunk) {
            for w in ["issue", "pr"] {
                out.push(Word::new(w.to_string(), false, LANGUAGE_WEIGHT));
            }
        }
        if page_script(chunk) {
            for w in ["javascript", "page", "script"] {
                out.push(Word::new(w.to_string(), false, LANGUAGE_WEIGHT));
            }
        }
        let bare = trim_punct(chunk);
        let language = bare
            .rsplit_once('.')
            .filter(|(stem, _)| stem.chars().last().is_some_and(char::is_alphanumeric))
            .and_then(|(_, ext)| vocab.languages(ext));
        let path = language.is_some() || (bare.len() > 1 && bare.contains(['/', '\\']));
        let directory = language.is_none() && directory_path(bare);
        // `http://localhost:3000/login`: a page to go to.
        if bare.starts_with("http://") || bare.starts_with("https://") {
            out.push(Word::new("url".to_string(), false, LANGUAGE_WEIGHT));
        }
        // `DEBUG = True -> DEBUG = False`: one text replaced by another.
        if matches!(chunk, "->" | "→" | "=>") {
            for w in ["replace", "edit"] {
                out.push(Word::new(w.to_string(), false, LANGUAGE_WEIGHT));
            }
            continue;
        }
        if screen_size(bare) {
            for w in ["resize", "viewport"] {
                out.push(Word::new(w.to_string(), false, LANGUAGE_WEIGHT));
            }
        }
        let weight = if path { PATH_WEIGHT } else { 1.0 };
        let mut config = false;
        for run in chunk.split(|c: char| !c.is_alphanumeric()) {
            if run.is_empty() {
                continue;
            }
            match rc_file_tool(chunk, run) {
                Some(tool) => {
                    config = true;
                    split_run(tool, weight, &mut out);
                }
                None => split_run(run, weight, &mut out),
            }
        }
        if config {
            out.push(Word::new("config".to_string(), false, LANGUAGE_WEIGHT));
        }
        if directory {
            out.push(Word::new("directory".to_string(), false, LANGUAGE_WEIGHT));
        }
        for l in language.into_iter().flatten() {
            out.push(Word::new(l.clone(), false, LANGUAGE_WEIGHT));
        }
    }
    apply_vocabulary(vocab, out)
}

/// What the vocabulary does to one word of a text.
enum Fate<'v> {
    Keep,
    Drop,
    /// Its other sense: these words instead.
    Means(&'v [String]),
}

/// Senses, capitals-only words and synonym groups. Words are moved, not
/// copied: this runs over every word of every skill indexed.
fn apply_vocabulary(vocab: &Vocabulary, mut words: Vec<Word>) -> Vec<Word> {
    for w in &mut words {
        w.stem = stem_of(w);
    }
    let fates: Vec<Fate> = {
        let mut present: Option<foldhash::HashSet<&str>> = None;
        let mut lines: Option<(Vec<&str>, Vec<&str>)> = None;
        words
            .iter()
            .enumerate()
            .map(|(at, w)| {
                if vocab.caps_only.contains(&w.lower) && !w.caps {
                    return Fate::Drop;
                }
                let Some(s) = vocab.senses.get(&w.lower) else {
                    return Fate::Keep;
                };
                // A word that starts an absorbing phrase is that phrase's
                // ("set up" is not the "set" of setting every record).
                let (stems, lower) = lines.get_or_insert_with(|| {
                    (
                        words.iter().map(|w| w.stem.as_str()).collect(),
                        words.iter().map(|w| w.lower.as_str()).collect(),
                    )
                });
                if let Some((len, group)) = vocab.phrase_at(stems, lower, at)
                    && len > 1
                    && vocab.groups[group].absorb
                {
                    return Fate::Keep;
                }
                let present =
                    present.get_or_insert_with(|| words.iter().map(|w| w.lower.as_str()).collect());
                let context = s.when.iter().any(|c| present.contains(c.as_str()));
                if context && !s.means.is_empty() {
                    Fate::Means(&s.means)
                } else if context || !s.drop {
                    Fate::Keep
                } else {
                    Fate::Drop
                }
            })
            .collect()
    };
    let mut kept: Vec<Word> = Vec::with_capacity(words.len());
    for (w, fate) in words.into_iter().zip(fates) {
        match fate {
            Fate::Keep => kept.push(w),
            Fate::Drop => {}
            Fate::Means(means) => {
                kept.extend(means.iter().map(|m| {
                    let mut word = Word::new(m.clone(), false, w.weight);
                    word.stem = stem_of(&word);
                    word
                }));
            }
        }
    }
    let mut out: Vec<Word> = Vec::with_capacity(kept.len() + 4);
    // Where a group phrase starts: its length and group; and, inside a
    // phrase that keeps its words, the shorter phrase or word each word
    // starts ("figure out" inside "figure out why").
    let (found, inner) = {
        let stems: Vec<&str> = kept.iter().map(|w| w.stem.as_str()).collect();
        let lower: Vec<&str> = kept.iter().map(|w| w.lower.as_str()).collect();
        let found: Vec<Option<(usize, usize)>> = (0..stems.len())
            .map(|at| vocab.phrase_at(&stems, &lower, at))
            .collect();
        let mut inner: Vec<Option<(usize, usize)>> = vec![None; stems.len()];
        for (at, f) in found.iter().enumerate() {
            if let Some((len, group)) = *f
                && len > 1
                && !vocab.groups[group].absorb
            {
                for i in at..at + len {
                    // Not the phrase itself: at its start, one word shorter.
                    let end = if i == at { at + len - 1 } else { at + len };
                    inner[i] = vocab.phrase_at(&stems[i..end], &lower[i..end], 0);
                }
            }
        }
        (found, inner)
    };
    let mut kept = kept.into_iter().enumerate();
    while let Some((at, first)) = kept.next() {
        let Some((len, group)) = found[at] else {
            out.push(first);
            continue;
        };
        let mut phrase = vec![first];
        phrase.extend(kept.by_ref().take(len - 1).map(|(_, w)| w));
        let weight = phrase.iter().map(|w| w.weight).fold(0.0, f32::max);
        let g = &vocab.groups[group];
        if !(g.absorb && len > 1) {
            let mut words = phrase.into_iter().enumerate();
            while let Some((k, w)) = words.next() {
                // A word of a phrase keeps its own group ("new directory"
                // is also a directory), unless it starts an absorbing one.
                match (len > 1).then(|| inner[at + k]).flatten() {
                    Some((n, own)) if n > 1 && vocab.groups[own].absorb => {
                        let weight = words
                            .by_ref()
                            .take(n - 1)
                            .map(|(_, w)| w.weight)
                            .fold(w.weight, f32::max);
                        out.push(group_word(vocab, own, weight));
                    }
                    Some((1, own)) => {
                        let word = group_word(vocab, own, w.weight);
                        out.push(Word { synonym: true, ..w });
                        out.push(word);
                    }
                    _ => out.push(Word { synonym: true, ..w }),
                }
            }
        }
        out.push(group_word(vocab, group, weight));
    }
    out
}

/// A word's stem: words in capitals are kept as written.
fn stem_of(w: &Word) -> String {
    if w.caps {
        w.lower.clone()
    } else {
        stem(&w.lower)
    }
}

/// The term of vocabulary group `group`, as a word.
fn group_word(vocab: &Vocabulary, group: usize, weight: f32) -> Word {
    let term = vocab.groups[group].term.clone();
    Word {
        stem: term.clone(),
        lower: term,
        caps: false,
        weight,
        group: true,
        synonym: true,
    }
}

#[cfg(test)]
#[path = "words_tests.rs"]
mod tests;
