//! The 16 ANSI colours written as the 16-colour terminal reads them.
//!
//! crossterm writes every colour as an index of the 256 palette
//! (`ESC[38;5;2m` for green); a terminal of 16 colours knows only
//! `ESC[32m`, and one that reads 38, 5 and 2 as separate attributes
//! blinks. Colours 0–15 are rewritten to the codes every colour terminal
//! takes (30–37, 90–97, their backgrounds); the rest passes unchanged.

use std::io::{self, Write};

use super::csi_scan::CsiScan;

/// The longest control sequence held back whole; a longer one is not
/// ratatui's and goes out as it came.
const LONGEST: usize = 64;

/// A writer passing what it is given to `W`, colours 0–15 rewritten.
pub struct Ansi16<W> {
    inner: W,
    scan: CsiScan,
    out: Vec<u8>,
}

impl<W: Write> Ansi16<W> {
    pub fn new(inner: W) -> Ansi16<W> {
        Ansi16 {
            inner,
            scan: CsiScan::new(LONGEST),
            out: Vec::new(),
        }
    }
}

impl<W: Write> Write for Ansi16<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.scan.feed(
            buf,
            &mut self.out,
            |b, out| out.push(b),
            |params, fin, out| {
                if fin != b'm' {
                    return false;
                }
                out.extend_from_slice(b"\x1b[");
                out.extend(sgr16(params));
                out.push(b'm');
                true
            },
        );
        self.inner.write_all(&self.out)?;
        self.out.clear();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The parameters of one SGR sequence with `38;5;N` and `48;5;N` for
/// N < 16 as their 16-colour codes.
fn sgr16(params: &[u8]) -> Vec<u8> {
    let parts: Vec<&[u8]> = params.split(|&b| b == b';').collect();
    let mut out: Vec<Vec<u8>> = Vec::with_capacity(parts.len());
    let mut i = 0;
    while i < parts.len() {
        let index = |at: usize| std::str::from_utf8(parts.get(at)?).ok()?.parse::<u8>().ok();
        let base = match parts[i] {
            b"38" => Some(30),
            b"48" => Some(40),
            _ => None,
        };
        match (base, parts.get(i + 1).copied(), index(i + 2)) {
            (Some(base), Some(b"5"), Some(n)) if n < 16 => {
                let code = if n < 8 { base + n } else { base + 60 + n - 8 };
                out.push(code.to_string().into_bytes());
                i += 3;
            }
            // An RGB colour: its numbers are not parameters of their own.
            (Some(_), Some(b"2"), _) => {
                let end = (i + 5).min(parts.len());
                out.extend(parts[i..end].iter().map(|p| p.to_vec()));
                i = end;
            }
            (Some(_), Some(b"5"), _) => {
                let end = (i + 3).min(parts.len());
                out.extend(parts[i..end].iter().map(|p| p.to_vec()));
                i = end;
            }
            _ => {
                out.push(parts[i].to_vec());
                i += 1;
            }
        }
    }
    out.join(&b';')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(pieces: &[&[u8]]) -> String {
        let mut w = Ansi16::new(Vec::new());
        for p in pieces {
            w.write_all(p).expect("written into memory");
        }
        String::from_utf8(w.inner).expect("utf-8")
    }

    #[test]
    fn the_16_colours_are_written_as_16_colour_codes() {
        assert_eq!(through(&[b"\x1b[38;5;2mok"]), "\x1b[32mok");
        assert_eq!(through(&[b"\x1b[38;5;10;48;5;0m"]), "\x1b[92;40m");
        assert_eq!(through(&[b"\x1b[38;5;15;49m"]), "\x1b[97;49m");
        // As crossterm writes it: in pieces.
        assert_eq!(
            through(&[b"\x1b[", b"38;", b"5;9", b";", b"49", b"m", b"x"]),
            "\x1b[91;49mx"
        );
    }

    #[test]
    fn everything_else_passes_unchanged() {
        for seq in [
            "\x1b[38;5;131m",
            "\x1b[38;2;5;5;5;48;2;1;2;3m",
            "\x1b[1;4m",
            "\x1b[39;49m",
            "\x1b[0m",
            "\x1b[2;5H",
            "\x1b[?2026h",
            "\x1b]0;t\x07",
            "plain ✓ text",
        ] {
            assert_eq!(through(&[seq.as_bytes()]), seq, "{seq:?}");
        }
    }
}
