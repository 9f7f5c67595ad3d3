//! word-count: a quire plugin that only computes (no files, no network).

use std::collections::HashMap;

use quire_sdk::prelude::*;

/// A text to analyse.
#[derive(Deserialize, JsonSchema)]
struct CountArgs {
    /// The text.
    text: String,
}

#[derive(Debug, PartialEq, Serialize)]
struct Counts {
    words: usize,
    lines: usize,
    chars: usize,
    bytes: usize,
}

/// A text and how many of its most frequent words to report.
#[derive(Deserialize, JsonSchema)]
struct TopArgs {
    /// The text.
    text: String,
    /// How many words to report (default 10, at most 1000).
    #[serde(default)]
    n: Option<usize>,
    /// Ignore words shorter than this many characters (default 1).
    #[serde(default)]
    min_length: Option<usize>,
}

#[derive(Debug, PartialEq, Serialize)]
struct WordCount {
    word: String,
    count: usize,
}

quire_sdk::plugin! {
    /// Counts the words, lines, characters and bytes of a text, like `wc`.
    /// Returns JSON: {"words", "lines", "chars", "bytes"}.
    #[tool(read_only)]
    fn count(args: CountArgs) -> Result<Json<Counts>, ToolError> {
        Ok(Json(counts(&args.text)))
    }

    /// Lists the most frequent words of a text (case-insensitive, letters
    /// and digits only), most frequent first. Returns a JSON array of
    /// {"word", "count"}.
    #[tool(read_only)]
    fn top_words(args: TopArgs) -> Result<Json<Vec<WordCount>>, ToolError> {
        let n = args.n.unwrap_or(10);
        if n == 0 || n > 1000 {
            return Err(ToolError::invalid_arguments(format!(
                "`n` is {n}; ask for 1 to 1000 words"
            )));
        }
        let top = top(&args.text, n, args.min_length.unwrap_or(1));
        quire_sdk::debug!("top_words: {} distinct words reported", top.len());
        Ok(Json(top))
    }
}

fn counts(text: &str) -> Counts {
    Counts {
        words: text.split_whitespace().count(),
        lines: text.lines().count(),
        chars: text.chars().count(),
        bytes: text.len(),
    }
}

fn top(text: &str, n: usize, min_length: usize) -> Vec<WordCount> {
    let mut freq: HashMap<String, usize> = HashMap::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.chars().count() >= min_length)
    {
        *freq.entry(word.to_lowercase()).or_default() += 1;
    }
    let mut all: Vec<WordCount> = freq
        .into_iter()
        .map(|(word, count)| WordCount { word, count })
        .collect();
    all.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.word.cmp(&b.word)));
    all.truncate(n);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_like_wc() {
        let c = counts("one two\nthree é\n");
        assert_eq!(
            c,
            Counts {
                words: 4,
                lines: 2,
                chars: 16,
                bytes: 17
            }
        );
    }

    #[test]
    fn top_words_through_the_toolbox() {
        let out = TOOLBOX
            .call(
                "top_words",
                r#"{"text": "the cat, the hat; The end", "n": 2}"#,
            )
            .unwrap();
        assert_eq!(
            out,
            r#"[{"word":"the","count":3},{"word":"cat","count":1}]"#
        );
        let err = TOOLBOX
            .call("top_words", r#"{"text": "", "n": 0}"#)
            .unwrap_err();
        assert!(matches!(err, ToolError::InvalidArguments(_)));
    }
}
