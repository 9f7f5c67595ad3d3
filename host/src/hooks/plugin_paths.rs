//! A plugin hook's command may run only files of its plugin: the
//! approval of a plugin hook (and the plugin's lock, which notices a
//! changed plugin) covers the plugin's folder, nothing outside it. So a
//! plugin hook whose command has a `..` path segment anywhere
//! (`${CLAUDE_PLUGIN_ROOT}/../x`, `R=$CLAUDE_PLUGIN_ROOT; bash $R/../x`,
//! `cd ..`) is refused, and so is a word that starts at the plugin's root
//! (`${CLAUDE_PLUGIN_ROOT}`, `$CLAUDE_PLUGIN_ROOT`, `${PLUGIN_ROOT}`,
//! `$PLUGIN_ROOT`) and leaves it through a symbolic link, as a manifest
//! path leaving the plugin is (`plugins::bundle::paths`). So is a word
//! that could spell a way out without writing `..`: the root variable with
//! an operator (`${CLAUDE_PLUGIN_ROOT%/*}`, its parent folder), ANSI-C
//! quoting (`$'\x2e\x2e'`), a brace expansion (`.{.,}` makes `..`) —
//! judged without regard to quotes, as a shell the command hands its text
//! to (`bash -c '…'`) reads them again. A path built at run time
//! (`$(dirname …)`, a variable holding `..`), an absolute path
//! (`bash /opt/x.sh`) and one from the session's directory (`bash
//! tools/x.sh`) are not judged here: README says what the approval of
//! such a hook covers.

use std::path::Path;

const VARS: &[&str] = &[
    "${CLAUDE_PLUGIN_ROOT}",
    "$CLAUDE_PLUGIN_ROOT",
    "${PLUGIN_ROOT}",
    "$PLUGIN_ROOT",
];

/// What a plugin hook may run, said after why one is refused.
const HOOK: &str =
    "a plugin hook may run only the plugin's own files, the only ones its approval covers";
/// The same for a plugin's MCP server (`plugins::bundle::mcp`).
const SERVER: &str =
    "a plugin's MCP server may run only the plugin's own files, the only ones its enabling covers";

/// `Err` naming the first word of `command` (as written, before the plugin
/// root is put in) that reaches outside `root`, the plugin's folder.
pub fn check(command: &str, root: &Path) -> Result<(), String> {
    check_as(command, root, HOOK)
}

/// [`check`] for the command line of a plugin's MCP server (its command
/// and arguments, as written).
pub fn check_server(line: &str, root: &Path) -> Result<(), String> {
    check_as(line, root, SERVER)
}

fn check_as(command: &str, root: &Path, rule: &str) -> Result<(), String> {
    if let Some(word) = parent_step(command) {
        return Err(format!(
            "its command has the path segment `..` (in `{word}`), which can reach outside the plugin's folder {}; {rule}: name them from `${{CLAUDE_PLUGIN_ROOT}}` without `..`",
            root.display()
        ));
    }
    if let Some((word, why)) = spelled_way_out(command) {
        return Err(format!(
            "its command has `{word}`, {why}: it can name a path outside the plugin's folder {}; {rule}: name them as `${{CLAUDE_PLUGIN_ROOT}}/path` (the variable without an operator, no `$'…'`, no `{{a,b}}`), and put anything else in a script of the plugin",
            root.display()
        ));
    }
    for word in super::trust::command_words(command) {
        let word = word.as_str();
        let Some(at) = VARS
            .iter()
            .filter_map(|v| word.find(v).map(|i| (i, v)))
            .min()
        else {
            continue;
        };
        let rest = &word[at.0 + at.1.len()..];
        // `$CLAUDE_PLUGIN_ROOTX` is another variable.
        if rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let rest = rest.trim_start_matches('/');
        // A glob names the folder it lists.
        let rest = match rest.find(['*', '?', '[']) {
            Some(at) => rest[..at].rfind('/').map_or("", |slash| &rest[..slash]),
            None => rest,
        };
        let path = root.join(rest);
        if !linked_inside(root, &path) {
            return Err(format!(
                "its command names `{word}` ({}), outside the plugin's folder {}: it is reached through a symbolic link out of the folder; {rule}",
                path.display(),
                root.display()
            ));
        }
    }
    Ok(())
}

/// The first word of `command` with a `..` path segment: split at blanks
/// and at what separates paths in a command (`/ = : ; & | ( ) < > { } ,`),
/// quotes and backslashes dropped, so `".."`, `.\.` and `$R/../x` count.
fn parent_step(command: &str) -> Option<&str> {
    let separators = |c: char| {
        matches!(
            c,
            '/' | '=' | ':' | ';' | '&' | '|' | '(' | ')' | '<' | '>' | '{' | '}' | ','
        )
    };
    command.split(char::is_whitespace).find(|word| {
        word.split(separators).any(|segment| {
            let bare: String = segment
                .chars()
                .filter(|c| !matches!(c, '"' | '\'' | '\\' | '`' | '$'))
                .collect();
            bare == ".."
        })
    })
}

/// The first word of `command` (split at blanks) that could make a path
/// out of the plugin without writing `..`, and how.
fn spelled_way_out(command: &str) -> Option<(&str, &'static str)> {
    command.split(char::is_whitespace).find_map(|word| {
        let why = if root_with_operator(word) {
            "the plugin root variable with an operator (`${CLAUDE_PLUGIN_ROOT%/*}` is its parent folder)"
        } else if word.contains("$'") {
            "ANSI-C quoting `$'…'` (its escapes `\\x2e`, `\\056` spell `.`)"
        } else if brace_expansion(word) {
            "a brace expansion (`.{.,}` makes `..`)"
        } else {
            return None;
        };
        Some((word, why))
    })
}

/// Whether `word` has `${CLAUDE_PLUGIN_ROOT…}` or `${PLUGIN_ROOT…}` with
/// anything but the name between the braces (`%`, `#`, `/`, `:`, `^`,
/// `,`, `@`, `[`, a leading `#` or `!`).
fn root_with_operator(word: &str) -> bool {
    word.match_indices("${").any(|(at, _)| {
        let inside = &word[at + 2..];
        let bare = inside.trim_start_matches(['#', '!']);
        ["CLAUDE_PLUGIN_ROOT", "PLUGIN_ROOT"].iter().any(|name| {
            let Some(after) = bare.strip_prefix(name) else {
                return false;
            };
            // `${PLUGIN_ROOTS}` is another variable.
            let other = after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
            !other && (bare.len() != inside.len() || !after.starts_with('}'))
        })
    })
}

/// Whether `word` has a brace expansion: `{…}` (not `${…}`) holding a
/// `,`, or a sequence `{x..y}` whose ends are not both numbers.
fn brace_expansion(word: &str) -> bool {
    let bytes = word.as_bytes();
    word.match_indices('{').any(|(at, _)| {
        if at > 0 && bytes[at - 1] == b'$' {
            return false;
        }
        let Some(len) = word[at + 1..].find('}') else {
            return false;
        };
        let inside: String = word[at + 1..at + 1 + len]
            .chars()
            .filter(|c| !matches!(c, '"' | '\'' | '\\'))
            .collect();
        if inside.contains(',') {
            return true;
        }
        let number = |s: &str| {
            let digits = s.strip_prefix('-').unwrap_or(s);
            !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
        };
        let parts: Vec<&str> = inside.split("..").collect();
        parts.len() > 1 && !parts.iter().all(|p| number(p))
    })
}

/// Whether the deepest part of `path` that exists is, by its real path,
/// inside `root` (a file not made yet is judged by its folder).
pub(crate) fn linked_inside(root: &Path, path: &Path) -> bool {
    let Ok(real_root) = root.canonicalize() else {
        return true;
    };
    let mut at = Some(path);
    while let Some(p) = at {
        if let Ok(real) = p.canonicalize() {
            return real.starts_with(&real_root);
        }
        at = p.parent();
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_parent_step_or_link_out_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("kit");
        std::fs::create_dir_all(root.join("hooks")).unwrap();
        std::fs::write(root.join("hooks/a.sh"), "exit 0").unwrap();
        for ok in [
            "bash ${CLAUDE_PLUGIN_ROOT}/hooks/a.sh",
            "python3 \"$PLUGIN_ROOT/hooks/a.py\" --x",
            "for f in ${CLAUDE_PLUGIN_ROOT}/hooks/*.sh; do sh $f; done",
            "bash ${CLAUDE_PLUGIN_ROOT}/./hooks/./a.sh",
            "echo ... && echo ..x x.. {1..3} {-2..10..2}",
            "find ${CLAUDE_PLUGIN_ROOT}/hooks -name '*.sh' -exec sh {} \\;",
            "awk '{ print $1, $2 }' ${PLUGIN_ROOT}/x",
            "echo ${PLUGIN_ROOTS%/*} $X",
        ] {
            assert!(check(ok, &root).is_ok(), "{ok}");
        }
        for bad in [
            "bash ${CLAUDE_PLUGIN_ROOT}/../../../../evil.sh",
            "R=${CLAUDE_PLUGIN_ROOT}; bash $R/../../../../tmp/evil.sh",
            "sh '$CLAUDE_PLUGIN_ROOT'/hooks/../../x.sh",
            "cd ${PLUGIN_ROOT}/.. && ./x.sh",
            "bash ${CLAUDE_PLUGIN_ROOT}/hooks/../hooks/a.sh",
            "cd \"$CLAUDE_PLUGIN_ROOT\"; cd ..; ./x.sh",
            "cd $R; cd '..'",
            "cd .\\.",
            "PYTHONPATH=..:x python3 -m y",
        ] {
            let e = check(bad, &root).unwrap_err();
            assert!(e.contains("path segment `..`"), "{bad}: {e}");
            assert!(e.contains(&root.display().to_string()), "{e}");
        }
        for (bad, said) in [
            ("bash ${CLAUDE_PLUGIN_ROOT%/*}/x.sh", "an operator"),
            ("R=${CLAUDE_PLUGIN_ROOT%/*/*}; bash $R/x.sh", "an operator"),
            ("bash ${PLUGIN_ROOT%%kit}x.sh", "an operator"),
            ("bash ${CLAUDE_PLUGIN_ROOT/kit/}x.sh", "an operator"),
            ("bash \"${CLAUDE_PLUGIN_ROOT:0:9}/x.sh\"", "an operator"),
            ("bash ${CLAUDE_PLUGIN_ROOT#/}", "an operator"),
            ("bash ${CLAUDE_PLUGIN_ROOT^^}", "an operator"),
            ("bash ${CLAUDE_PLUGIN_ROOT,}", "an operator"),
            ("bash ${CLAUDE_PLUGIN_ROOT@Q}", "an operator"),
            ("bash ${!PLUGIN_ROOT}", "an operator"),
            ("bash ${CLAUDE_PLUGIN_ROOT}/$'\\x2e\\x2e'/x.sh", "ANSI-C"),
            (
                "bash -c 'bash ${CLAUDE_PLUGIN_ROOT}/$'\"'\"'\\056.'\"'\"'/x.sh'",
                "ANSI-C",
            ),
            (
                "bash ${CLAUDE_PLUGIN_ROOT}/.{.,}/.{.,}/x.sh",
                "brace expansion",
            ),
            (
                "bash ${CLAUDE_PLUGIN_ROOT}/'.'{'.',}/x.sh",
                "brace expansion",
            ),
            (
                "bash ${CLAUDE_PLUGIN_ROOT}/{-../}{-../}/x.sh",
                "brace expansion",
            ),
        ] {
            let e = check(bad, &root).unwrap_err();
            assert!(e.contains(said), "{bad}: {e}");
            assert!(
                e.contains("a path outside the plugin's folder"),
                "{bad}: {e}"
            );
        }
        let e = check("true; bash ${CLAUDE_PLUGIN_ROOT%/*}/x.sh", &root).unwrap_err();
        assert!(e.contains("has `${CLAUDE_PLUGIN_ROOT%/*}/x.sh`, "), "{e}");
        let e = check("R=${CLAUDE_PLUGIN_ROOT}; bash $R/../x.sh", &root).unwrap_err();
        assert!(e.contains("(in `$R/../x.sh`)"), "{e}");
        // A link out of the plugin.
        std::os::unix::fs::symlink(dir.path(), root.join("out")).unwrap();
        let e = check("bash ${CLAUDE_PLUGIN_ROOT}/out/evil.sh", &root).unwrap_err();
        assert!(e.contains("symbolic link"), "{e}");
    }
}
