//! The `colors` capability of a terminal's compiled terminfo entry, read
//! from the file where ncurses looks (no process started, nothing linked).

use std::path::PathBuf;

/// `colors` (max_colors) is the 14th number of an entry.
const MAX_COLORS: usize = 13;

/// How many colours the terminfo entry of `term` gives: 0 when it has no
/// `colors`; `None` when no entry of that name is installed or it cannot
/// be read.
pub fn colors(term: &str) -> Option<u32> {
    if term.is_empty() || term.contains(['/', '\\']) || term.starts_with('.') {
        return None;
    }
    let first = term.chars().next()?;
    let subdirs = [first.to_string(), format!("{:02x}", u32::from(first))];
    dirs().into_iter().find_map(|dir| {
        subdirs
            .iter()
            .find_map(|sub| std::fs::read(dir.join(sub).join(term)).ok())
            .and_then(|bytes| max_colors(&bytes))
    })
}

/// Where entries are looked for, in ncurses' order.
fn dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os("TERMINFO") {
        dirs.push(PathBuf::from(d));
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".terminfo"));
    }
    let defaults = [
        "/etc/terminfo",
        "/lib/terminfo",
        "/usr/share/terminfo",
        "/usr/lib/terminfo",
    ];
    match std::env::var("TERMINFO_DIRS") {
        Ok(list) => {
            for d in list.split(':') {
                if d.is_empty() {
                    dirs.extend(defaults.iter().map(PathBuf::from));
                } else {
                    dirs.push(PathBuf::from(d));
                }
            }
        }
        Err(_) => dirs.extend(defaults.iter().map(PathBuf::from)),
    }
    dirs
}

/// `colors` of a compiled entry (the legacy format, numbers of 16 bits,
/// or the extended one of 32): 0 when absent or cancelled.
fn max_colors(bytes: &[u8]) -> Option<u32> {
    let short = |i: usize| -> Option<i16> {
        let b = bytes.get(i..i + 2)?;
        Some(i16::from_le_bytes([b[0], b[1]]))
    };
    let wide = match short(0)? {
        0o432 => false,
        0o1036 => true,
        _ => return None,
    };
    let count = |i| short(i).and_then(|v| usize::try_from(v).ok());
    let (names, bools, numbers) = (count(2)?, count(4)?, count(6)?);
    if numbers <= MAX_COLORS {
        return Some(0);
    }
    let mut at = 12 + names + bools;
    at += at % 2;
    let value = if wide {
        let b = bytes.get(at + 4 * MAX_COLORS..at + 4 * MAX_COLORS + 4)?;
        i32::from_le_bytes([b[0], b[1], b[2], b[3]])
    } else {
        i32::from(short(at + 2 * MAX_COLORS)?)
    };
    Some(u32::try_from(value).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compiled entry: its name, no booleans, `numbers` as given.
    fn entry(magic: i16, numbers: &[i32]) -> Vec<u8> {
        let name = b"t|test\0";
        let mut out = Vec::new();
        for v in [magic, name.len() as i16, 1, numbers.len() as i16, 0, 0] {
            out.extend(v.to_le_bytes());
        }
        out.extend(name);
        out.push(0); // one boolean
        if out.len() % 2 == 1 {
            out.push(0);
        }
        for &n in numbers {
            if magic == 0o1036 {
                out.extend(n.to_le_bytes());
            } else {
                out.extend((n as i16).to_le_bytes());
            }
        }
        out
    }

    #[test]
    fn the_colors_capability_is_read_from_both_formats() {
        let mut numbers = vec![-1; 15];
        numbers[MAX_COLORS] = 256;
        assert_eq!(max_colors(&entry(0o432, &numbers)), Some(256));
        numbers[MAX_COLORS] = 1 << 24;
        assert_eq!(max_colors(&entry(0o1036, &numbers)), Some(1 << 24));
        numbers[MAX_COLORS] = -1;
        assert_eq!(max_colors(&entry(0o432, &numbers)), Some(0));
        assert_eq!(max_colors(&entry(0o432, &[80])), Some(0), "too few numbers");
        assert_eq!(max_colors(b"not terminfo"), None);
        assert_eq!(max_colors(&[]), None);
    }

    #[test]
    fn names_that_are_paths_are_not_looked_up() {
        assert_eq!(colors("../../etc/passwd"), None);
        assert_eq!(colors(""), None);
    }
}
