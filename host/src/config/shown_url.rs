//! A URL as shown or recorded: the password of its user information
//! masked (`http://alice:***@host/v1`), and where asked the values of its
//! query string ([`masked_query`]). A provider's `base_url` may carry
//! credentials; they must not reach `quire doctor`, errors, the JSON
//! event stream or the session file.

use std::borrow::Cow;

/// What stands for a masked password.
const MASK: &str = "***";

/// `text` with the password of every URL in it (`scheme://user:pass@`)
/// masked; unchanged (borrowed) when there is none.
pub fn shown_url(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut done = 0;
    let mut from = 0;
    while let Some(at) = text[from..].find("://") {
        let start = from + at + 3;
        let authority_len = text[start..]
            .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace() || c == '"')
            .unwrap_or(text.len() - start);
        let authority = &text[start..start + authority_len];
        if let Some(userinfo_len) = authority.rfind('@')
            && let Some(colon) = authority[..userinfo_len].find(':')
            && colon + 1 < userinfo_len
        {
            out.push_str(&text[done..start + colon + 1]);
            out.push_str(MASK);
            done = start + userinfo_len;
        }
        from = start + authority_len;
    }
    if done == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[done..]);
    Cow::Owned(out)
}

/// `url` with the value of each parameter of its query string and its
/// fragment masked (`…/v1?api-key=***&v=***`): either may hold a key.
pub fn masked_query(url: &str) -> Cow<'_, str> {
    let Some(at) = url.find(['?', '#']) else {
        return Cow::Borrowed(url);
    };
    let (base, rest) = url.split_at(at);
    let (query, fragment) = match rest.find('#') {
        Some(f) => (&rest[..f], Some(&rest[f..])),
        None => (rest, None),
    };
    let mut out = base.to_string();
    if let Some(q) = query.strip_prefix('?') {
        out.push('?');
        let params: Vec<String> = q
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, _)) => format!("{k}={MASK}"),
                None if p.is_empty() => String::new(),
                None => MASK.to_string(),
            })
            .collect();
        out.push_str(&params.join("&"));
    }
    if fragment.is_some() {
        out.push('#');
        out.push_str(MASK);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_of_a_url_is_masked_wherever_it_is() {
        assert_eq!(
            shown_url("http://alice:s3cretpw@127.0.0.1:9/v1"),
            "http://alice:***@127.0.0.1:9/v1"
        );
        assert_eq!(
            shown_url("cannot reach https://a:b@h/v1/x: refused (see http://u:p@q)"),
            "cannot reach https://a:***@h/v1/x: refused (see http://u:***@q)"
        );
        assert!(matches!(
            shown_url("http://127.0.0.1:9/v1?a=b@c"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(shown_url("http://alice@h/v1"), Cow::Borrowed(_)));
        assert_eq!(shown_url("x://a:p@@h"), "x://a:***@h");
    }

    #[test]
    fn query_values_and_fragments_are_masked() {
        assert_eq!(
            masked_query("http://h/v1?api-key=K&api-version=2024"),
            "http://h/v1?api-key=***&api-version=***"
        );
        assert_eq!(masked_query("http://h/v1?K#frag"), "http://h/v1?***#***");
        assert_eq!(masked_query("http://h/v1#k=v"), "http://h/v1#***");
        assert!(matches!(masked_query("http://h/v1"), Cow::Borrowed(_)));
    }
}
