//! A plugin's command hook runs only from a folder whose path no shell
//! can act on. `hooks::root_quote` quotes `${CLAUDE_PLUGIN_ROOT}` for the
//! shell that runs the command, but a command may hand its text to
//! another shell that reads it again (`bash -c 'bash ${CLAUDE_PLUGIN_ROOT}/g.sh'`,
//! `eval`, a here-document fed to `bash`), and no quoting survives that:
//! a folder named `w $(touch x)` would run `touch x`. So a plugin whose
//! path holds anything but letters and digits (any script), blanks, and
//! `- _ . / + @ , : % =` has its command hooks refused where they load and
//! where they would run (the folder can be moved after its install); a
//! guard refused so blocks what it guards. A blank only splits the path in
//! two for such a shell: a wrong path, nothing run.

use std::path::Path;

/// What a path may hold besides letters and digits.
const ALLOWED: &[char] = &[' ', '-', '_', '.', '/', '+', '@', ',', ':', '%', '='];

/// `Err` saying which folder of `root`'s path holds which character a
/// shell could act on, and what to do.
pub fn check(root: &Path) -> Result<(), String> {
    let text = root.to_string_lossy();
    let Some(bad) = text
        .chars()
        .find(|c| !c.is_alphanumeric() && !ALLOWED.contains(c))
    else {
        return Ok(());
    };
    let folder = root
        .iter()
        .map(|part| part.to_string_lossy())
        .find(|part| part.contains(bad))
        .unwrap_or_else(|| text.clone());
    Err(format!(
        "the plugin's folder {} is under the folder {:?}, whose name has {}: a shell that reads the hook's command again (`bash -c '…'`, `eval`, a here-document) could run part of the name, so its command hooks do not run; move the plugin, or rename that folder, to a path of only letters, digits, blanks and `- _ . / + @ , : % =`",
        text.escape_debug(),
        folder,
        named(bad)
    ))
}

/// `c` in words for a message.
fn named(c: char) -> String {
    match c {
        '\n' => "a line break".to_string(),
        '\t' => "a tab".to_string(),
        '`' => "a backquote".to_string(),
        char::REPLACEMENT_CHARACTER => "a byte that is not UTF-8".to_string(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_path_a_shell_cannot_act_on_is_accepted() {
        for ok in [
            "/home/ann/my repo/.agents/plugins/kit",
            "/srv/a-b_c.d/e+f@g,h:i%j=k",
            "/home/zoë/Проекты/仓库/kit",
        ] {
            assert!(check(Path::new(ok)).is_ok(), "{ok}");
        }
        for (bad, said) in [
            ("/r/w $(touch X3)/kit", "`$`"),
            ("/r/a`touch y`/kit", "a backquote"),
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
            let e = check(Path::new(bad)).unwrap_err();
            assert!(e.contains(said), "{bad:?}: {e}");
            assert!(e.contains("rename that folder"), "{e}");
        }
        let e = check(Path::new("/r/w $(touch X3)/kit")).unwrap_err();
        assert!(e.contains("under the folder \"w $(touch X3)\""), "{e}");
        assert!(e.contains("/r/w $(touch X3)/kit"), "{e}");
    }
}
