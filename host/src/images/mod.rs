//! Images the user attaches to a message (`-i FILE`, a pasted image path):
//! checked before any request (a regular file, PNG/JPEG/GIF/WebP by its
//! bytes, not over the size limit), then recorded as [`Item::Image`] after
//! the user message they belong to.

pub mod budget;
mod dimensions;
mod pasted;

pub use dimensions::dimensions;
pub use pasted::pasted_path;

use std::io::Read;
use std::path::{Path, PathBuf};

use base64::Engine as _;

use crate::model::{Item, WireApi};

/// The largest image quire attaches: 20 MiB (OpenAI's limit per image).
pub const MAX_BYTES: u64 = 20 * 1024 * 1024;

/// Anthropic's API refuses an image whose base64 form is over 5 MB
/// (5,242,880 bytes), a file of about 3.75 MiB.
pub const ANTHROPIC_MAX_BASE64: u64 = 5 * 1024 * 1024;

/// Anthropic's API refuses an image wider or taller than 8000 pixels.
pub const ANTHROPIC_MAX_SIDE: u32 = 8000;

/// Tokens an image counts for in the context estimate, whatever its size
/// (about what a large screenshot costs on Anthropic; OpenAI's high detail
/// counts less).
pub const IMAGE_TOKENS: u64 = 1600;

/// Why an image file cannot be attached; each message names the file.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("image {path}: no such file; check the path")]
    Missing { path: String },
    #[error(
        "image {path} is {kind}, not a regular file; give an image file (PNG, JPEG, GIF or WebP)"
    )]
    NotFile { path: String, kind: &'static str },
    #[error("image {path} cannot be read: {error}")]
    Unreadable { path: String, error: String },
    #[error(
        "image {path} is not a PNG, JPEG, GIF or WebP image (its bytes say so, whatever its name); convert it to one of those, or leave it out"
    )]
    NotImage { path: String },
    #[error(
        "image {path} is {size}, over quire's limit of 20 MiB ({limit} bytes) per image; scale it down or save it as JPEG"
    )]
    TooBig {
        path: String,
        size: String,
        limit: String,
    },
    #[error(
        "image {path} is {size}: Anthropic's API refuses images over 5 MB (about 3.75 MiB of file, as base64 makes it a third larger); scale it down or save it as JPEG, or use another provider"
    )]
    TooBigForAnthropic { path: String, size: String },
    #[error(
        "image {path} is {width}×{height} pixels: Anthropic's API refuses images over 8000 pixels on a side; scale it down, or use another provider"
    )]
    TooLargeForAnthropic {
        path: String,
        width: u32,
        height: u32,
    },
}

/// An image file read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    /// The file's name (its last path component).
    pub name: String,
    /// `image/png`, `image/jpeg`, `image/gif` or `image/webp`.
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

impl Image {
    /// Reads `path` and checks that it is an image quire can send.
    pub fn load(path: &Path) -> Result<Image, ImageError> {
        Image::load_as(path, &path.display().to_string())
    }

    /// [`Image::load`], errors naming the file as `shown` (as the user
    /// gave it).
    pub fn load_as(path: &Path, shown: &str) -> Result<Image, ImageError> {
        let shown = shown.to_string();
        let file = crate::file_kind::open_regular(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ImageError::Missing {
                path: shown.clone(),
            },
            _ => match std::fs::metadata(path) {
                Ok(m) if !m.is_file() => ImageError::NotFile {
                    path: shown.clone(),
                    kind: crate::file_kind::name(m.file_type()),
                },
                _ => ImageError::Unreadable {
                    path: shown.clone(),
                    error: e.to_string(),
                },
            },
        })?;
        let unreadable = |e: std::io::Error| ImageError::Unreadable {
            path: shown.clone(),
            error: e.to_string(),
        };
        let len = file.metadata().map_err(unreadable)?.len();
        if len > MAX_BYTES {
            return Err(too_big(shown, len));
        }
        let mut bytes = Vec::new();
        file.take(MAX_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
        if bytes.len() as u64 > MAX_BYTES {
            return Err(too_big(shown, bytes.len() as u64));
        }
        let Some(media_type) = media_type(&bytes) else {
            return Err(ImageError::NotImage { path: shown });
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or(shown);
        Ok(Image {
            name,
            media_type,
            bytes,
        })
    }

    /// Whether the wire takes this image: Anthropic's limits are smaller
    /// than quire's (5 MB of base64, 8000 pixels on a side). `path` is
    /// how the user named the file.
    pub fn check_for(&self, wire: WireApi, path: &str) -> Result<(), ImageError> {
        if wire != WireApi::Anthropic {
            return Ok(());
        }
        if let Some((width, height)) = dimensions(&self.bytes)
            && width.max(height) > ANTHROPIC_MAX_SIDE
        {
            return Err(ImageError::TooLargeForAnthropic {
                path: path.to_string(),
                width,
                height,
            });
        }
        if base64_len(self.bytes.len()) > ANTHROPIC_MAX_BASE64 {
            return Err(ImageError::TooBigForAnthropic {
                path: path.to_string(),
                size: crate::plural::size_in_words(self.bytes.len() as u64),
            });
        }
        Ok(())
    }

    /// The image an [`Item::Image`] carries (to attach it again: a
    /// message gone back to gets its images back); `None` for another
    /// item or data that is no image quire sends.
    pub fn from_item(item: &Item) -> Option<Image> {
        let Item::Image { name, data, .. } = item else {
            return None;
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data)
            .ok()?;
        Some(Image {
            name: name.clone(),
            media_type: media_type(&bytes)?,
            bytes,
        })
    }

    /// The history item that carries it.
    pub fn item(&self) -> Item {
        Item::Image {
            name: self.name.clone(),
            media_type: self.media_type.to_string(),
            data: base64::engine::general_purpose::STANDARD.encode(&self.bytes),
        }
    }
}

/// Images named by `-i` values, each with the path as the user gave it.
/// Relative paths are read from `cwd`. The first bad file stops it.
pub fn load_all(values: &[PathBuf], cwd: &Path) -> Result<Vec<(String, Image)>, ImageError> {
    values
        .iter()
        .map(|v| {
            let shown = v.display().to_string();
            let image = Image::load_as(&cwd.join(v), &shown)?;
            Ok((shown, image))
        })
        .collect()
}

/// The media type the bytes say (magic numbers), if an image quire sends.
pub fn media_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// Bytes of `n` bytes in base64 (padded).
pub fn base64_len(n: usize) -> u64 {
    (n as u64).div_ceil(3) * 4
}

/// The bytes an [`Item::Image`]'s base64 `data` decodes to, counted from
/// its length.
pub fn decoded_len(data: &str) -> u64 {
    let pad = data.bytes().rev().take_while(|b| *b == b'=').count() as u64;
    (data.len() as u64 / 4 * 3).saturating_sub(pad)
}

/// A file over [`MAX_BYTES`]: its exact size says by how much, where
/// "20.0 MiB" would not.
fn too_big(path: String, len: u64) -> ImageError {
    ImageError::TooBig {
        path,
        size: format!(
            "{} bytes ({:.2} MiB)",
            crate::plural::thousands(len),
            len as f64 / (1024.0 * 1024.0)
        ),
        limit: crate::plural::thousands(MAX_BYTES),
    }
}

#[cfg(test)]
mod tests;
