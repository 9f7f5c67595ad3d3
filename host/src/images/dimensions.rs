//! An image's width and height read from its header (PNG IHDR, GIF
//! logical screen, JPEG start-of-frame, WebP VP8/VP8L/VP8X): no decoding.

/// `(width, height)` in pixels of the image `bytes` hold, when its header
/// says them; `None` for a header cut short or not understood.
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    match super::media_type(bytes)? {
        "image/png" => Some((be32(bytes, 16)?, be32(bytes, 20)?)),
        "image/gif" => Some((u32::from(le16(bytes, 6)?), u32::from(le16(bytes, 8)?))),
        "image/jpeg" => jpeg(bytes),
        "image/webp" => webp(bytes),
        _ => None,
    }
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le24(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 3)?;
    Some(u32::from(s[0]) | u32::from(s[1]) << 8 | u32::from(s[2]) << 16)
}

/// The first start-of-frame marker's height and width, walking the
/// segments from the start.
fn jpeg(b: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        if *b.get(at)? != 0xFF {
            return None;
        }
        let marker = *b.get(at + 1)?;
        match marker {
            // Fill bytes, standalone markers without a length.
            0xFF => at += 1,
            0x01 | 0xD0..=0xD7 => at += 2,
            // SOF0..SOF15, but DHT (C4), JPG (C8) and DAC (CC).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let h = be16(b, at + 5)?;
                let w = be16(b, at + 7)?;
                return Some((u32::from(w), u32::from(h)));
            }
            // Start of scan or end of image before any frame.
            0xDA | 0xD9 => return None,
            _ => at += 2 + usize::from(be16(b, at + 2)?),
        }
    }
}

/// The first chunk's dimensions: lossy (`VP8 `), lossless (`VP8L`) or
/// extended (`VP8X`).
fn webp(b: &[u8]) -> Option<(u32, u32)> {
    match b.get(12..16)? {
        b"VP8 " => {
            // Frame tag (3 bytes), start code (3), then 14-bit sizes.
            let w = le16(b, 26)? & 0x3FFF;
            let h = le16(b, 28)? & 0x3FFF;
            Some((u32::from(w), u32::from(h)))
        }
        b"VP8L" => {
            let bits = u32::from_le_bytes(b.get(21..25)?.try_into().ok()?);
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        b"VP8X" => Some((le24(b, 24)? + 1, le24(b, 27)? + 1)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_gif_jpeg_and_webp_headers_give_their_size() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&1280u32.to_be_bytes());
        png.extend_from_slice(&720u32.to_be_bytes());
        assert_eq!(dimensions(&png), Some((1280, 720)));

        let gif = b"GIF89a\x40\x01\xF0\x00".to_vec();
        assert_eq!(dimensions(&gif), Some((320, 240)));

        // SOI, an APP0 segment of 4 bytes, then SOF0: height 600, width 800.
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x02,
            0x58, 0x03, 0x20,
        ];
        assert_eq!(dimensions(&jpeg), Some((800, 600)));

        let mut webp = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0".to_vec();
        webp.extend_from_slice(&[0x3F, 0x01, 0x00, 0xC7, 0x00, 0x00]);
        assert_eq!(dimensions(&webp), Some((320, 200)));

        assert_eq!(dimensions(b"\x89PNG\r\n\x1a\n"), None, "cut short");
        assert_eq!(dimensions(&[0xFF, 0xD8, 0xFF, 0xD9]), None);
    }
}
