//! The `export NAME=value` lines of a hook's `CLAUDE_ENV_FILE`, read one
//! assignment a line: names a hook may not set refused, values bounded
//! one by one and in all.

use super::value::{Bad, value_of};

/// Names a hook may not set: they change how programs load or a shell
/// starts, for every command of the session.
const REFUSED: &[&str] = &[
    "LD_*",
    "DYLD_*",
    "BASH_ENV",
    "ENV",
    "BASH_FUNC_*",
    "SHELLOPTS",
    "BASHOPTS",
    "PROMPT_COMMAND",
    "PS4",
    "IFS",
    "GLOBIGNORE",
    crate::child::MARK_VAR,
];

/// The longest value a variable may get: every later command carries it,
/// and the kernel refuses one string over 128 KiB.
const MAX_VALUE: usize = 32 * 1024;

/// The most the session's hook variables may take in all (`NAME=value`
/// and its end byte each): Linux runs no program whose arguments and
/// environment together pass its limit (`ARG_MAX`, mostly 2 MiB), and
/// the rest of the environment and a long command need room too.
pub(super) const MAX_TOTAL: usize = 256 * 1024;

/// The most bytes one file's values may grow to by `$NAME`s, kept or
/// not: past it nothing more of the file is expanded (a few lines each
/// putting in a long value would otherwise take time and memory).
const MAX_WORK: usize = 4 * 1024 * 1024;

/// Variables left out for [`MAX_TOTAL`] named in its warning.
const NAMED: usize = 10;

/// What one file gave: the variables, and the lines skipped (why).
#[derive(Debug, Default, PartialEq)]
pub struct Parsed {
    pub vars: Vec<(String, String)>,
    pub skipped: Vec<String>,
    /// Variables not set because the hooks' variables would pass
    /// [`MAX_TOTAL`] (from the first such line on, none is read).
    pub left_out: Vec<String>,
}

/// What `NAME=value` takes of a command's environment.
pub(super) fn size(name: &str, value: &str) -> usize {
    name.len() + value.len() + 2
}

/// The warning about the variables [`MAX_TOTAL`] left out.
pub(super) fn left_out(names: &[String]) -> String {
    let mut shown: Vec<&str> = names.iter().take(NAMED).map(String::as_str).collect();
    if names.len() > NAMED {
        shown.push("…");
    }
    format!(
        "sets too much: {} not set ({}): the hooks' variables may take {} KiB in all, as every command of the session is given them (the system refuses to run a command whose environment is too big); set fewer or shorter ones",
        crate::plural::counted(names.len(), "variable"),
        shown.join(", "),
        MAX_TOTAL / 1024
    )
}

/// Reads `text`'s `export NAME=value` (or `NAME=value`) lines; `known`
/// gives the value of a `$NAME` not set earlier in `text`. The
/// variables kept take at most `room` bytes ([`size`]); from the first
/// that does not fit on, none is expanded or kept (`left_out`).
pub fn parse(text: &str, known: &dyn Fn(&str) -> Option<String>, room: usize) -> Parsed {
    let mut out = Parsed::default();
    let (mut used, mut work, mut over) = (0usize, 0usize, false);
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let shown = || {
            let cut: String = t.chars().take(60).collect();
            format!("line {} (`{cut}`)", i + 1)
        };
        let rest = match t.strip_prefix("export") {
            Some(r) if r.starts_with([' ', '\t']) => r.trim_start(),
            _ => t,
        };
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let (name, value) = rest.split_at(name_len);
        let Some(value) = value.strip_prefix('=') else {
            out.skipped.push(format!(
                "{} is not read: quire reads only `export NAME=value` lines (it runs no shell on the file)",
                shown()
            ));
            continue;
        };
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            out.skipped
                .push(format!("{}: not a variable name", shown()));
            continue;
        }
        if REFUSED.iter().any(|p| match p.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => name == *p,
        }) {
            out.skipped.push(format!(
                "{}: {name} is not set: a hook may not set it for the session's commands",
                shown()
            ));
            continue;
        }
        if over {
            if !out.left_out.iter().any(|n| n == name) {
                out.left_out.push(name.to_string());
            }
            continue;
        }
        let fits = room.saturating_sub(used).saturating_sub(size(name, ""));
        let limit = fits.min(MAX_VALUE);
        let lookup = |n: &str| {
            out.vars
                .iter()
                .rev()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone())
                .or_else(|| known(n))
        };
        match value_of(value, &lookup, limit) {
            Ok(v) if v.contains('\0') => out.skipped.push(format!(
                "{}: {name} is not set: its value holds a NUL byte, which no command can be given",
                shown()
            )),
            Ok(v) => {
                work += v.len();
                used += size(name, &v);
                out.vars.push((name.to_string(), v));
            }
            Err(Bad::TooLong) if fits > MAX_VALUE => {
                work += limit;
                out.skipped.push(format!(
                    "{}: {name} is not set: its value has more than the {MAX_VALUE} bytes a variable may have",
                    shown()
                ));
            }
            Err(Bad::TooLong) => {
                over = true;
                out.left_out.push(name.to_string());
            }
            Err(Bad::Shell(why)) => out.skipped.push(format!("{} is not read: {why}", shown())),
        }
        if work > MAX_WORK {
            over = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(name: &str) -> Option<String> {
        match name {
            "PATH" => Some("/usr/bin:/bin".into()),
            "HOME" => Some("/home/u".into()),
            _ => None,
        }
    }

    fn vars(text: &str) -> Vec<(String, String)> {
        parse(text, &known, MAX_TOTAL).vars
    }

    #[test]
    fn export_lines_are_read_without_a_shell() {
        let text = "export A=1\nB='two words'\nexport C=\"x $A ${HOME}/y\" # note\n\n# c\nexport D=a\\ b;\nexport PATH=\"$HOME/.nvm/bin:$PATH\"\nexport E='$A'\nexport F=\n";
        let got = vars(text);
        let want: Vec<(String, String)> = [
            ("A", "1"),
            ("B", "two words"),
            ("C", "x 1 /home/u/y"),
            ("D", "a b"),
            ("PATH", "/home/u/.nvm/bin:/usr/bin:/bin"),
            ("E", "$A"),
            ("F", ""),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .into();
        assert_eq!(got, want);
    }

    #[test]
    fn what_needs_a_shell_or_changes_how_programs_start_is_skipped() {
        let text = "export A=$(id)\nexport B=`id`\nexport C=${X:-y}\nsource venv/bin/activate\nexport LD_PRELOAD=/tmp/x.so\nBASH_ENV=/tmp/x\nexport D=1 E=2\nexport G='open\nexport OK=yes\n";
        let p = parse(text, &known, MAX_TOTAL);
        assert_eq!(p.vars, [("OK".to_string(), "yes".to_string())]);
        assert_eq!(p.skipped.len(), 8, "{:#?}", p.skipped);
        assert!(
            p.skipped[4].contains("LD_PRELOAD is not set"),
            "{}",
            p.skipped[4]
        );
    }

    #[test]
    fn values_with_a_nul_byte_or_too_long_are_skipped() {
        let big = "x".repeat(MAX_VALUE + 1);
        let text = format!("export GOOD=1\nexport NULVAR=ab\0cd\nexport BIG={big}\n");
        let p = parse(&text, &known, MAX_TOTAL);
        assert_eq!(p.vars, [("GOOD".to_string(), "1".to_string())]);
        assert_eq!(p.skipped.len(), 2, "{:#?}", p.skipped);
        assert!(
            p.skipped[0].contains("NULVAR is not set"),
            "{}",
            p.skipped[0]
        );
        assert!(p.skipped[1].contains("BIG is not set"), "{}", p.skipped[1]);
    }

    #[test]
    fn past_the_total_nothing_more_is_expanded_or_kept() {
        let big = "y".repeat(MAX_VALUE - 100);
        let mut text = format!("export BIG={big}\nexport SMALL=1\n");
        for i in 0..3000 {
            text.push_str(&format!("V{i}=$BIG\n"));
        }
        text.push_str("export LATE=1\n");
        let p = parse(&text, &known, MAX_TOTAL);
        let kept: usize = p.vars.iter().map(|(k, v)| size(k, v)).sum();
        assert!(kept <= MAX_TOTAL, "{kept}");
        let names: Vec<&str> = p.vars.iter().map(|v| v.0.as_str()).collect();
        assert_eq!(names.len(), 9, "BIG, SMALL, V0 to V6: {names:?}");
        assert_eq!(p.left_out.len(), 3000 - 7 + 1, "V7… and LATE");
        assert_eq!(p.left_out[0], "V7");
        assert!(p.skipped.is_empty(), "{:?}", p.skipped);
        let warning = left_out(&p.left_out);
        assert!(
            warning.contains("2994 variables not set (V7, V8,"),
            "{warning}"
        );
        // Less room (what earlier files set): fewer kept.
        let p = parse(&text, &known, 1000);
        assert!(p.vars.is_empty(), "{:?}", p.vars);
        assert_eq!(p.left_out[0], "BIG");
    }
}
