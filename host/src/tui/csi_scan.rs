//! Control sequences picked out of a byte stream written in pieces, for
//! the writer filters that rewrite some of them ([`super::sgr`] colours,
//! [`super::relative`] cursor moves): a sequence begun in one write is
//! held until it ends, so a filter always sees it whole.

/// The scanner's state between writes: a CSI sequence (`ESC [ params
/// final`) begun and not yet ended.
pub struct CsiScan {
    held: Vec<u8>,
    /// A sequence longer than this is no terminal library's: it goes out
    /// as it came.
    longest: usize,
}

impl CsiScan {
    pub fn new(longest: usize) -> CsiScan {
        CsiScan {
            held: Vec::new(),
            longest,
        }
    }

    /// Feeds `buf` into `out`: each byte outside a sequence through
    /// `plain`, each whole CSI sequence through `csi` (its parameters and
    /// final byte), which writes its replacement and returns true, or
    /// returns false to have it written as it came. Other escapes pass
    /// unchanged.
    pub fn feed(
        &mut self,
        buf: &[u8],
        out: &mut Vec<u8>,
        mut plain: impl FnMut(u8, &mut Vec<u8>),
        mut csi: impl FnMut(&[u8], u8, &mut Vec<u8>) -> bool,
    ) {
        for &b in buf {
            if b == 0x1b {
                out.append(&mut self.held);
                self.held.push(b);
            } else if self.held.is_empty() {
                plain(b, out);
            } else {
                self.held.push(b);
                if self.held.len() == 2 && b != b'[' {
                    out.append(&mut self.held);
                } else if self.held.len() > 2 && (0x40..=0x7e).contains(&b) {
                    let params = &self.held[2..self.held.len() - 1];
                    if csi(params, b, out) {
                        self.held.clear();
                    } else {
                        out.append(&mut self.held);
                    }
                } else if self.held.len() > self.longest {
                    out.append(&mut self.held);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `m` sequence replaced by `<m:PARAMS>`, plain bytes upper-cased.
    fn run(scan: &mut CsiScan, pieces: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for p in pieces {
            scan.feed(
                p,
                &mut out,
                |b, o| o.push(b.to_ascii_uppercase()),
                |params, fin, o| {
                    if fin != b'm' {
                        return false;
                    }
                    o.extend(b"<m:");
                    o.extend(params);
                    o.push(b'>');
                    true
                },
            );
        }
        out
    }

    #[test]
    fn a_sequence_split_across_writes_is_seen_whole_and_others_pass() {
        let mut scan = CsiScan::new(16);
        let out = run(&mut scan, &[b"ab\x1b[38;5", b";2mcd\x1b[2J\x1b]0;t\x07"]);
        assert_eq!(out, b"AB<m:38;5;2>CD\x1b[2J\x1b]0;T\x07".to_vec());
        let out = run(&mut scan, &[b"\x1b[", b"1;2;3;4;5;6;7;8;9;10m"]);
        // Too long to be a library's: not rewritten, its rest plain bytes.
        assert_eq!(out, b"\x1b[1;2;3;4;5;6;7;8;9;10M".to_vec(), "too long");
    }
}
