//! STUB
use super::*;
pub struct ChatClient;
impl ChatClient {
    pub fn new(_h: reqwest::Client, _p: ProviderConfig) -> Self {
        ChatClient
    }
}
#[async_trait::async_trait]
impl ModelClient for ChatClient {
    fn wire_api(&self) -> WireApi {
        WireApi::Chat
    }
    async fn stream(&self, _r: &ModelRequest) -> Result<ModelStream, ModelError> {
        Err(ModelError::Config("stub".into()))
    }
}
