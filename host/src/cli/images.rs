//! `-i/--image FILE[,FILE…]` of `quire`, `quire exec` and `exec resume`:
//! the files are read and checked before anything is sent, the wire's
//! limit once the provider is known.

use std::path::{Path, PathBuf};

use quire::config::Config;
use quire::images::Image;

/// Images as `-i` named them: the path as given, the image.
pub type Named = Vec<(String, Image)>;

/// The images named by `-i` (relative to the directory quire was started
/// in), each with the path as given; the first bad one is the error.
pub fn load(values: &[PathBuf]) -> Result<Named, String> {
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| Path::new(".").to_path_buf());
    quire::images::load_all(values, &cwd).map_err(|e| e.to_string())
}

/// The images, once the provider's wire takes each of them.
pub fn for_provider(images: Named, config: &Config) -> Result<Vec<Image>, String> {
    let wire = config.resolve_provider().ok().map(|p| p.wire_api);
    images
        .into_iter()
        .map(|(path, image)| match wire {
            Some(w) => image.check_for(w, &path).map(|()| image),
            None => Ok(image),
        })
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())
}
