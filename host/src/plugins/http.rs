//! `wasi:http` outgoing requests pass this hook: a host not on the plugin's
//! allow-list is refused before any connection is made, with an error that
//! names it.

use std::sync::{Arc, Mutex};

use wasmtime_wasi_http::{WasiBody, WasiHttpHooks};

use super::grants::HostAllowList;

/// The hook of one store.
pub struct AllowListHooks {
    pub plugin: Arc<str>,
    pub allow: Arc<HostAllowList>,
    /// Hosts refused during this call, for the error the model sees.
    pub refused: Arc<Mutex<Vec<String>>>,
}

type ResponseFuture = Box<
    dyn std::future::Future<
            Output = wasmtime_wasi_http::Result<(
                http::Response<WasiBody>,
                Box<dyn std::future::Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
            )>,
        > + Send,
>;

impl WasiHttpHooks for AllowListHooks {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<wasmtime_wasi_http::RequestOptions>,
        fut: Box<dyn std::future::Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
    ) -> ResponseFuture {
        let host = request.uri().host().unwrap_or("").to_string();
        if !self.allow.allows(&host) {
            tracing::warn!(plugin = %self.plugin, host = %host, "plugin HTTP request refused");
            if let Ok(mut r) = self.refused.lock()
                && !r.contains(&host)
            {
                r.push(host.clone());
            }
            let message = refusal(&self.plugin, &host);
            return Box::new(async move {
                Err(wasmtime_wasi_http::Error::InternalError(Some(message)))
            });
        }
        tracing::debug!(plugin = %self.plugin, uri = %request.uri(), "plugin HTTP request");
        let _ = fut;
        Box::new(async move {
            use http_body_util::BodyExt;
            let (res, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            Ok((
                res.map(BodyExt::boxed_unsync),
                Box::new(io) as Box<dyn std::future::Future<Output = _> + Send>,
            ))
        })
    }
}

/// The message for a refused host.
pub fn refusal(plugin: &str, host: &str) -> String {
    format!(
        "quire refused the HTTP request of plugin '{plugin}' to host '{host}': it is not in the plugin's permissions.net"
    )
}
