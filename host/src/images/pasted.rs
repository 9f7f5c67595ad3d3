//! A paste that is the path of one file, as terminals drop a dragged file:
//! a plain path, a `file://` URL (percent-encoded), a path in single or
//! double quotes, or one with backslash-escaped spaces.

use std::path::PathBuf;

/// The path the pasted text names, when the whole paste is one path (an
/// absolute path, `~/…`, `./…` or `../…`, or a `file://` URL); `home`
/// stands for `~`. Whether a file is there is not checked.
pub fn pasted_path(text: &str, home: Option<&std::path::Path>) -> Option<PathBuf> {
    let text = text.trim();
    if text.is_empty() || text.contains('\n') {
        return None;
    }
    let unquoted = unquote(text)?;
    let path = match unquoted.strip_prefix("file://") {
        Some(rest) => {
            // `file://localhost/p` and `file:///p`.
            let rest = rest.strip_prefix("localhost").unwrap_or(rest);
            if !rest.starts_with('/') {
                return None;
            }
            percent_encoding::percent_decode_str(rest)
                .decode_utf8()
                .ok()?
                .into_owned()
        }
        None => unquoted,
    };
    if let Some(rest) = path.strip_prefix("~/") {
        return home.map(|h| h.join(rest));
    }
    let looks_like_path =
        path.starts_with('/') || path.starts_with("./") || path.starts_with("../");
    looks_like_path.then(|| PathBuf::from(path))
}

/// The text without its surrounding quotes, or with its backslash escapes
/// undone; `None` for text with an unescaped space (words, not a path).
fn unquote(text: &str) -> Option<String> {
    for q in ['\'', '"'] {
        if let Some(inner) = text.strip_prefix(q).and_then(|t| t.strip_suffix(q))
            && !inner.is_empty()
            && !inner.contains(q)
        {
            return Some(inner.to_string());
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?),
            c if c.is_whitespace() => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn the_ways_terminals_drop_a_file() {
        let p = |t: &str| pasted_path(t, Some(Path::new("/home/u")));
        assert_eq!(p("/tmp/shot.png"), Some("/tmp/shot.png".into()));
        assert_eq!(p("  /tmp/shot.png \n"), Some("/tmp/shot.png".into()));
        assert_eq!(p("'/tmp/my shot.png'"), Some("/tmp/my shot.png".into()));
        assert_eq!(p("\"/tmp/my shot.png\""), Some("/tmp/my shot.png".into()));
        assert_eq!(p("/tmp/my\\ shot.png"), Some("/tmp/my shot.png".into()));
        assert_eq!(
            p("file:///tmp/my%20shot.png"),
            Some("/tmp/my shot.png".into())
        );
        assert_eq!(p("file://localhost/tmp/a.png"), Some("/tmp/a.png".into()));
        assert_eq!(p("~/a.png"), Some("/home/u/a.png".into()));
        assert_eq!(p("./a.png"), Some("./a.png".into()));
    }

    #[test]
    fn text_is_no_path() {
        let p = |t: &str| pasted_path(t, None);
        assert_eq!(p("fix /tmp/a.png please"), None);
        assert_eq!(p("a.png"), None);
        assert_eq!(p("/tmp/a.png\n/tmp/b.png"), None);
        assert_eq!(p("file://host/a.png"), None);
        assert_eq!(p("~/a.png"), None);
        assert_eq!(p(""), None);
    }
}
