use crate::config::ConfigError;
use crate::model::ModelError;
use crate::store::StoreError;
use crate::tools::sandbox::SandboxError;

/// Errors that stop a session from starting or going on.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("interrupted")]
    Interrupted,
}

impl AgentError {
    /// Errors the user fixes by changing configuration or arguments.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            AgentError::Config(_)
                | AgentError::Sandbox(_)
                | AgentError::Model(ModelError::Config(_))
        ) || matches!(self, AgentError::Store(e) if e.is_usage())
    }
}
