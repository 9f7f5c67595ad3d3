//! STUB
use super::*;
pub struct ResponsesClient;
impl ResponsesClient {
    pub fn new(_h: reqwest::Client, _p: ProviderConfig) -> Self {
        ResponsesClient
    }
}
#[async_trait::async_trait]
impl ModelClient for ResponsesClient {
    fn wire_api(&self) -> WireApi {
        WireApi::Responses
    }
    async fn stream(&self, _r: &ModelRequest) -> Result<ModelStream, ModelError> {
        Err(ModelError::Config("stub".into()))
    }
}
