//! Counts in words for people: `1 file`, `2 files`, `0 checks`,
//! `3 matches`, `2 entries`.

/// `n` and `noun`, the noun in the plural unless `n` is 1 (English's
/// regular plurals: `-es` after s, x, ch, sh; `-ies` for a consonant and
/// y).
pub fn counted(n: impl std::fmt::Display, noun: &str) -> String {
    let n = n.to_string();
    if n == "1" {
        return format!("1 {noun}");
    }
    format!("{n} {}", plural(noun))
}

/// `n` with its thousands separated by commas: 199400 as "199,400".
pub fn thousands(n: impl std::fmt::Display) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// The regular English plural of `noun`.
fn plural(noun: &str) -> String {
    if ["s", "x", "ch", "sh"].iter().any(|e| noun.ends_with(e)) {
        return format!("{noun}es");
    }
    if let Some(stem) = noun.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        return format!("{stem}ies");
    }
    format!("{noun}s")
}

/// A size in bytes for people: `"6.2 MiB"`, `"830 KiB"`, `"12 bytes"`.
pub fn size_in_words(n: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if n >= MIB {
        format!("{:.1} MiB", n as f64 / MIB as f64)
    } else if n >= 1024 {
        format!("{} KiB", n / 1024)
    } else {
        counted(n, "byte")
    }
}

#[cfg(test)]
mod tests {
    use super::counted;

    #[test]
    fn one_is_singular_and_others_plural() {
        assert_eq!(counted(1, "check"), "1 check");
        assert_eq!(counted(0, "check"), "0 checks");
        assert_eq!(counted(2usize, "file"), "2 files");
        assert_eq!(counted(3, "match"), "3 matches");
        assert_eq!(counted(2, "pass"), "2 passes");
        assert_eq!(counted(2, "entry"), "2 entries");
        assert_eq!(counted(2, "key"), "2 keys");
        assert_eq!(counted("1", "byte"), "1 byte");
    }

    #[test]
    fn thousands_are_separated() {
        use super::thousands;
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(20_971_520u64), "20,971,520");
    }
}
