//! Errors a tool returns. Each becomes the WIT `tool-error` the model reads.

use std::fmt;

/// Why a tool call failed. The message goes to the model, so say what was
/// wrong and what to do instead ("no file `a.txt` in the workspace; list the
/// directory first").
///
/// Anything that converts into a `ToolError` can be returned with `?`:
/// `std::io::Error`, `serde_json::Error`, `std::env::VarError`,
/// [`crate::http::HttpError`], `String` and `&str` all become
/// [`ToolError::Failed`]. Add context with
/// [`Context::context`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ToolError {
    /// The arguments do not fit the tool's schema.
    InvalidArguments(String),
    /// No tool of that name.
    UnknownTool(String),
    /// The tool ran and failed.
    Failed(String),
}

impl ToolError {
    /// The tool ran and failed, with this message for the model.
    pub fn failed(message: impl Into<String>) -> Self {
        Self::Failed(message.into())
    }

    /// The arguments are wrong (beyond what the schema catches, e.g. an empty
    /// pattern), with this message for the model.
    pub fn invalid_arguments(message: impl Into<String>) -> Self {
        Self::InvalidArguments(message.into())
    }

    /// The message, whatever the kind.
    pub fn message(&self) -> &str {
        match self {
            Self::InvalidArguments(m) | Self::UnknownTool(m) | Self::Failed(m) => m,
        }
    }

    /// The same kind of error with `context: ` put before its message.
    fn with_context(self, context: &str) -> Self {
        let wrap = |m: String| format!("{context}: {m}");
        match self {
            Self::InvalidArguments(m) => Self::InvalidArguments(wrap(m)),
            Self::UnknownTool(m) => Self::UnknownTool(wrap(m)),
            Self::Failed(m) => Self::Failed(wrap(m)),
        }
    }
}

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidArguments(m) => write!(f, "invalid arguments: {m}"),
            Self::UnknownTool(m) => write!(f, "unknown tool: {m}"),
            Self::Failed(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ToolError {}

impl From<String> for ToolError {
    fn from(message: String) -> Self {
        Self::Failed(message)
    }
}

impl From<&str> for ToolError {
    fn from(message: &str) -> Self {
        Self::Failed(message.to_owned())
    }
}

impl From<std::io::Error> for ToolError {
    fn from(err: std::io::Error) -> Self {
        Self::Failed(err.to_string())
    }
}

impl From<serde_json::Error> for ToolError {
    fn from(err: serde_json::Error) -> Self {
        Self::Failed(err.to_string())
    }
}

impl From<std::env::VarError> for ToolError {
    fn from(err: std::env::VarError) -> Self {
        Self::Failed(format!(
            "an environment variable is missing ({err}); grant it in [permissions] env"
        ))
    }
}

impl From<std::fmt::Error> for ToolError {
    fn from(err: std::fmt::Error) -> Self {
        Self::Failed(err.to_string())
    }
}

impl From<ToolError> for crate::bindings::quire::plugin::types::ToolError {
    fn from(err: ToolError) -> Self {
        use crate::bindings::quire::plugin::types::ToolError as Wit;
        match err {
            ToolError::InvalidArguments(m) => Wit::InvalidArguments(m),
            ToolError::UnknownTool(m) => Wit::UnknownTool(m),
            ToolError::Failed(m) => Wit::Failed(m),
        }
    }
}

/// Adds context to an error on its way out of a tool:
/// `fs::read_to_string(&path).context(format!("reading {path}"))?`.
pub trait Context<T> {
    /// Puts `context: ` before the error's message.
    fn context(self, context: impl fmt::Display) -> Result<T, ToolError>;
}

impl<T, E: Into<ToolError>> Context<T> for Result<T, E> {
    fn context(self, context: impl fmt::Display) -> Result<T, ToolError> {
        self.map_err(|e| e.into().with_context(&context.to_string()))
    }
}

impl<T> Context<T> for Option<T> {
    fn context(self, context: impl fmt::Display) -> Result<T, ToolError> {
        self.ok_or_else(|| ToolError::Failed(context.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bindings::quire::plugin::types::ToolError as Wit;

    #[test]
    fn converts_into_the_wit_variant_of_the_same_kind() {
        let wit: Wit = ToolError::invalid_arguments("bad").into();
        assert!(matches!(wit, Wit::InvalidArguments(m) if m == "bad"));
        let wit: Wit = ToolError::UnknownTool("x".into()).into();
        assert!(matches!(wit, Wit::UnknownTool(m) if m == "x"));
        let wit: Wit = ToolError::failed("boom").into();
        assert!(matches!(wit, Wit::Failed(m) if m == "boom"));
    }

    #[test]
    fn std_errors_become_failed_with_their_message() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        assert_eq!(ToolError::from(io), ToolError::failed("no such file"));
        let json = serde_json::from_str::<u8>("x").unwrap_err();
        assert!(matches!(ToolError::from(json), ToolError::Failed(m) if m.contains("expected")));
        let var = ToolError::from(std::env::VarError::NotPresent);
        assert!(matches!(var, ToolError::Failed(m) if m.contains("[permissions] env")));
    }

    #[test]
    fn context_prefixes_the_message_and_keeps_the_kind() {
        let r: Result<(), ToolError> = Err(ToolError::invalid_arguments("empty pattern"));
        assert_eq!(
            r.context("searching src").unwrap_err(),
            ToolError::invalid_arguments("searching src: empty pattern")
        );
        let io: Result<(), std::io::Error> = Err(std::io::ErrorKind::NotFound.into());
        let err = io.context("reading a.txt").unwrap_err();
        assert!(matches!(err, ToolError::Failed(m) if m.starts_with("reading a.txt: ")));
        assert_eq!(
            None::<u8>.context("no match").unwrap_err(),
            ToolError::failed("no match")
        );
    }
}
