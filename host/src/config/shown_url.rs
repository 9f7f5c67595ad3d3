//! A URL as shown or recorded: its credentials masked. The password of
//! its user information (`http://alice:***@host/v1`), a user name that is
//! a token by itself (`https://***@github.com/org/repo.git`, GitHub's form
//! for a personal access token: [`secret_user`]), and the value of a query
//! parameter named like a credential (`?token=***`, `access_token=***`:
//! [`secret_param`]); where asked, the values of its whole query string
//! ([`masked_query`]). A provider's `base_url` or a shared source's git
//! URL may carry credentials; they must not reach `quire doctor`, errors,
//! the JSON event stream, the session file, `quire.lock` or
//! `marketplaces.json` (a URL that [`shown_url`] changes is refused there).

use std::borrow::Cow;

/// What stands for a masked password.
const MASK: &str = "***";

/// The prefixes of the tokens hosts give for git over HTTPS: GitHub's
/// (personal, OAuth, user-to-server, server-to-server, refresh, and
/// fine-grained personal), GitLab's (personal, deploy, pipeline trigger,
/// OAuth application) and Hugging Face's.
const TOKEN_PREFIXES: [&str; 11] = [
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "gldt-",
    "glptt-",
    "gloas-",
    "hf_",
];

/// Whether `user`, the user information of a URL without a password, is
/// a token: a host's token prefix, what [`looks_like_key`] takes for a
/// key, or (for `http`/`https`, where a user name alone is how a token is
/// given) 20 characters or more. `git@` and a short login are not.
///
/// [`looks_like_key`]: super::key_env::looks_like_key
pub fn secret_user(user: &str, http: bool) -> bool {
    TOKEN_PREFIXES.iter().any(|p| user.starts_with(p))
        || super::key_env::looks_like_key(user)
        || (http && user.chars().count() >= 20)
}

/// Whether a query parameter named `name` holds a credential: `token`,
/// `access_token`, `private_token`, `api-key`, `key`, `secret`,
/// `password`, `auth`, a signature.
pub fn secret_param(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace('-', "_");
    ["token", "secret", "passw", "credential"]
        .iter()
        .any(|w| n.contains(w))
        || n.ends_with("key")
        || matches!(n.as_str(), "auth" | "sig" | "signature" | "pat" | "pass")
}

/// `text` with the credentials of every URL in it masked: the password
/// of its user information (`scheme://user:***@`), a user name that is a
/// token ([`secret_user`]: `scheme://***@`), the value of a query
/// parameter named like one ([`secret_param`]: `?token=***`); unchanged
/// (borrowed) when there is none.
pub fn shown_url(text: &str) -> Cow<'_, str> {
    // The byte ranges to mask, in order.
    let mut masks: Vec<(usize, usize)> = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("://") {
        let start = from + at + 3;
        let scheme = text[..from + at]
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let http = matches!(scheme.as_str(), "http" | "https" | "git+http" | "git+https");
        let authority_len = text[start..]
            .find(|c: char| matches!(c, '/' | '?' | '#') || ends_url(c))
            .unwrap_or(text.len() - start);
        let authority = &text[start..start + authority_len];
        if let Some(userinfo_len) = authority.rfind('@') {
            match authority[..userinfo_len].find(':') {
                Some(colon) if colon + 1 < userinfo_len => {
                    masks.push((start + colon + 1, start + userinfo_len));
                }
                Some(_) => {}
                None if userinfo_len > 0 && secret_user(&authority[..userinfo_len], http) => {
                    masks.push((start, start + userinfo_len));
                }
                None => {}
            }
        }
        let after = start + authority_len;
        let end = text[after..]
            .find(ends_url)
            .map_or(text.len(), |n| after + n);
        if let Some(q) = text[after..end].find('?') {
            let query_start = after + q + 1;
            let query_end = text[query_start..end]
                .find('#')
                .map_or(end, |n| query_start + n);
            let mut at = query_start;
            for param in text[query_start..query_end].split('&') {
                if let Some((name, value)) = param.split_once('=')
                    && !value.is_empty()
                    && value != MASK
                    && secret_param(name)
                {
                    let v = at + name.len() + 1;
                    masks.push((v, v + value.len()));
                }
                at += param.len() + 1;
            }
        }
        from = end.max(start);
    }
    if masks.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for (a, b) in masks {
        out.push_str(&text[done..a]);
        out.push_str(MASK);
        done = b;
    }
    out.push_str(&text[done..]);
    Cow::Owned(out)
}

/// Whether `c` ends a URL written in running text or a message.
fn ends_url(c: char) -> bool {
    c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>')
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
    fn a_token_given_as_the_user_name_is_masked() {
        assert_eq!(
            shown_url("cannot clone https://ghp_SECRETTOKEN123@github.com/o/r.git: no"),
            "cannot clone https://***@github.com/o/r.git: no"
        );
        assert_eq!(shown_url("http://glpat-abc@h/r.git"), "http://***@h/r.git");
        // Long enough to be a token, over HTTP(S) where a lone user name is one.
        assert_eq!(
            shown_url("https://0123456789abcdef0123@h/r"),
            "https://***@h/r"
        );
        for plain in [
            "https://alice@h/r.git",
            "ssh://git@github.com/o/r.git",
            "git@github.com:o/r.git",
            "ssh://a-rather-long-login-name@h/r",
        ] {
            assert!(matches!(shown_url(plain), Cow::Borrowed(_)), "{plain}");
        }
    }

    #[test]
    fn a_credential_in_the_query_is_masked_in_running_text() {
        assert_eq!(
            shown_url("cannot clone 'http://h:9/r.git?token=ghp_X&ref=main': no"),
            "cannot clone 'http://h:9/r.git?token=***&ref=main': no"
        );
        assert_eq!(
            shown_url("http://h/r?access_token=A#x http://h/s?private_token=B"),
            "http://h/r?access_token=***#x http://h/s?private_token=***"
        );
        assert_eq!(shown_url("http://h/r?api-key=K"), "http://h/r?api-key=***");
        assert!(matches!(
            shown_url("http://h/r?ref=main&page=2"),
            Cow::Borrowed(_)
        ));
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
