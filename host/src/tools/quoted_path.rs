//! A path the file tools showed quoted, taken back. `list_dir` and `grep`
//! show an odd name the way git quotes it (`"caf\351.txt"`,
//! `"new\nline.txt"`, [`crate::printable::quoted_os_name`]); a model that
//! gives that text back as a path means the name it stands for. It is
//! unquoted only when the text is wholly one quoted name and nothing
//! exists at the literal path, so a file really named with quotes still
//! wins.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

/// The bytes a git-quoted `text` stands for: `"` … `"` with `\n`, `\t`,
/// `\r`, `\"`, `\\`, `\a`, `\b`, `\f`, `\v` and three-digit octal bytes
/// (`\351`); `None` when `text` is not wholly one such string, or it
/// holds no escape (a plain name in quotes is taken as written).
pub fn unquote(text: &str) -> Option<OsString> {
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = Vec::with_capacity(inner.len());
    let mut bytes = inner.bytes();
    let mut escaped = false;
    while let Some(b) = bytes.next() {
        match b {
            b'"' => return None,
            b'\\' => {
                escaped = true;
                let e = bytes.next()?;
                out.push(match e {
                    b'n' => b'\n',
                    b't' => b'\t',
                    b'r' => b'\r',
                    b'a' => 0x07,
                    b'b' => 0x08,
                    b'f' => 0x0c,
                    b'v' => 0x0b,
                    b'"' | b'\\' => e,
                    b'0'..=b'3' => {
                        let (d2, d3) = (bytes.next()?, bytes.next()?);
                        let digit = |d: u8| (b'0'..=b'7').contains(&d).then(|| d - b'0');
                        (digit(e)? << 6) | (digit(d2)? << 3) | digit(d3)?
                    }
                    _ => return None,
                });
            }
            _ => out.push(b),
        }
    }
    (escaped && !out.contains(&0)).then(|| OsString::from_vec(out))
}

/// `path` as given, joined to `cwd` when relative; when nothing exists
/// there and `path` is wholly a quoted name ([`unquote`]), the name it
/// stands for instead.
pub fn resolve(cwd: &Path, path: &str) -> PathBuf {
    let join = |p: &Path| {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            cwd.join(p)
        }
    };
    let literal = join(Path::new(path));
    if let Some(name) = unquote(path)
        && std::fs::symlink_metadata(&literal).is_err()
    {
        return join(Path::new(&name));
    }
    literal
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn git_quoted_names_are_unquoted() {
        let bytes = |t: &str| unquote(t).map(|n| n.as_bytes().to_vec());
        assert_eq!(bytes(r#""caf\351.txt""#).unwrap(), b"caf\xe9.txt");
        assert_eq!(bytes(r#""new\nline.txt""#).unwrap(), b"new\nline.txt");
        assert_eq!(bytes(r#""a\"b\\c""#).unwrap(), b"a\"b\\c");
        assert_eq!(
            bytes(r#""a\342\200\256b""#).unwrap(),
            "a\u{202e}b".as_bytes()
        );
        // Not wholly one quoted name, no escape, a bad escape, a NUL.
        for text in [
            "plain.txt",
            r#""plain.txt""#,
            r#""a"b\n""#,
            r#""a\qb""#,
            r#""a\9""#,
            r#""a\000b""#,
            r#""tail\""#,
            "\"",
        ] {
            assert_eq!(unquote(text), None, "{text}");
        }
    }

    #[test]
    fn the_literal_name_wins_when_it_exists() {
        let dir = tempfile::tempdir().unwrap();
        let quoted = r#""new\nline.txt""#;
        assert_eq!(
            resolve(dir.path(), quoted),
            dir.path().join("new\nline.txt")
        );
        std::fs::write(dir.path().join(quoted), "x").unwrap();
        assert_eq!(resolve(dir.path(), quoted), dir.path().join(quoted));
        assert_eq!(resolve(dir.path(), "/abs/x"), PathBuf::from("/abs/x"));
    }
}
