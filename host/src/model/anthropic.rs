//! STUB
use super::*;
pub struct AnthropicClient;
impl AnthropicClient {
    pub fn new(_h: reqwest::Client, _p: ProviderConfig) -> Self {
        AnthropicClient
    }
}
#[async_trait::async_trait]
impl ModelClient for AnthropicClient {
    fn wire_api(&self) -> WireApi {
        WireApi::Anthropic
    }
    async fn stream(&self, _r: &ModelRequest) -> Result<ModelStream, ModelError> {
        Err(ModelError::Config("stub".into()))
    }
}
