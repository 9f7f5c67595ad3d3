//! A path argument holding a NUL byte: no file name can, and the system
//! refuses it as "invalid input", which the file tools would otherwise
//! report as a missing or irregular file.

use super::ToolError;

/// Refuses `path` (the argument `arg` of a tool) when it holds a NUL.
pub(crate) fn refuse_nul(arg: &str, path: &str) -> Result<(), ToolError> {
    if !path.contains('\0') {
        return Ok(());
    }
    Err(ToolError::InvalidArguments(format!(
        "the {arg} {} contains a NUL byte (\\0), which no file name can hold: give the {arg} without it.",
        crate::printable::quoted_name(path)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_in_a_path_is_named_and_other_paths_pass() {
        let e = refuse_nul("path", "src/a\0b.rs").unwrap_err().to_string();
        assert!(e.contains("the path") && e.contains("NUL byte"), "{e}");
        assert!(!e.contains('\0'), "{e:?}");
        assert!(refuse_nul("path", "src/ab.rs").is_ok());
    }
}
