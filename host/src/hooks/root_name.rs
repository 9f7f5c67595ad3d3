//! The path put into a plugin's command hook for its folder — the folder
//! itself when plain, else its alias under `$QUIRE_HOME`
//! ([`super::root_alias`]) — must be one no shell can act on, even one
//! that reads the command again (`bash -c '…'`, `eval`, a here-document):
//! a `$QUIRE_HOME` named `q $(touch x)` would run `touch x`, one with a
//! blank would split in two. The alias is plain unless `$QUIRE_HOME`'s own
//! path is not, so a path holding anything but letters and digits (any
//! script) and `- _ . / + @ , : % =` has the plugin's command hooks
//! refused where they load and where they would run; a guard refused so
//! blocks what it guards.

use std::path::Path;

/// What a path may hold besides letters and digits.
const ALLOWED: &[char] = &['-', '_', '.', '/', '+', '@', ',', ':', '%', '='];

/// `Err` saying which folder of `put` (the path put in for the plugin
/// folder `root`: itself, or its alias) holds which character a shell
/// could act on, and what to do.
pub fn check(put: &Path, root: &Path) -> Result<(), String> {
    let text = put.to_string_lossy();
    let Some(bad) = text
        .chars()
        .find(|c| !c.is_alphanumeric() && !ALLOWED.contains(c))
    else {
        return Ok(());
    };
    let folder = put
        .iter()
        .map(|part| part.to_string_lossy())
        .find(|part| part.contains(bad))
        .unwrap_or_else(|| text.clone());
    let (what, fix) = match put == root {
        true => (
            format!("the plugin's folder {}", text.escape_debug()),
            "move the plugin, or rename that folder, to a path of only letters, digits and `- _ . / + @ , : % =`".to_string(),
        ),
        false => (
            format!(
                "the link {} to the plugin's folder {}, in $QUIRE_HOME,",
                text.escape_debug(),
                root.to_string_lossy().escape_debug()
            ),
            "set QUIRE_HOME to a folder whose path has only letters, digits and `- _ . / + @ , : % =`, or move the plugin to a path of only ASCII letters, digits and `/ . _ - + , @ %` (it then runs from its own folder)".to_string(),
        ),
    };
    Err(format!(
        "{what} is under the folder {folder:?}, whose name has {}: a shell that reads the hook's command again (`bash -c '…'`, `eval`, a here-document) could split or run part of the name, so its command hooks do not run; {fix}",
        named(bad)
    ))
}

/// `c` in words for a message.
fn named(c: char) -> String {
    match c {
        '\n' => "a line break".to_string(),
        '\t' => "a tab".to_string(),
        ' ' => "a blank".to_string(),
        '`' => "a backquote".to_string(),
        char::REPLACEMENT_CHARACTER => "a byte that is not UTF-8".to_string(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_root(root: &str) -> Result<(), String> {
        check(Path::new(root), Path::new(root))
    }

    #[test]
    fn only_a_path_a_shell_cannot_act_on_is_accepted() {
        for ok in ["/srv/a-b_c.d/e+f@g,h:i%j=k", "/home/zoë/Проекты/仓库/kit"] {
            assert!(check_root(ok).is_ok(), "{ok}");
        }
        for (bad, said) in [
            ("/r/my repo/kit", "a blank"),
            ("/r/w$(touch-X3)/kit", "`$`"),
            ("/r/a`touch-y`/kit", "a backquote"),
            ("/r/it's/kit", "`'`"),
            ("/r/a\"b/kit", "`\"`"),
            ("/r/a\\b/kit", "`\\`"),
            ("/r/a;b/kit", "`;`"),
            ("/r/a&b/kit", "`&`"),
            ("/r/a|b/kit", "`|`"),
            ("/r/a<b/kit", "`<`"),
            ("/r/a>b/kit", "`>`"),
            ("/r/a(b/kit", "`(`"),
            ("/r/a{b}/kit", "`{`"),
            ("/r/a[b]/kit", "`[`"),
            ("/r/a*/kit", "`*`"),
            ("/r/a?/kit", "`?`"),
            ("/r/a!/kit", "`!`"),
            ("/r/#a/kit", "`#`"),
            ("/r/~a/kit", "`~`"),
            ("/r/a\nb/kit", "a line break"),
            ("/r/a\tb/kit", "a tab"),
            ("/r/a\u{7}b/kit", "U+0007"),
        ] {
            let e = check_root(bad).unwrap_err();
            assert!(e.contains(said), "{bad:?}: {e}");
            assert!(e.contains("rename that folder"), "{e}");
        }
        let e = check_root("/r/w $(touch X3)/kit").unwrap_err();
        assert!(e.contains("under the folder \"w $(touch X3)\""), "{e}");
        assert!(e.contains("/r/w $(touch X3)/kit"), "{e}");
    }

    #[test]
    fn a_link_under_a_quire_home_a_shell_can_act_on_names_it() {
        let link = Path::new("/h/q $(id)/.quire/cache/plugin-roots/0123456789abcdef");
        let e = check(link, Path::new("/r/my kit")).unwrap_err();
        assert!(e.contains("under the folder \"q $(id)\""), "{e}");
        assert!(
            e.contains("/r/my kit") && e.contains("set QUIRE_HOME"),
            "{e}"
        );
    }
}
