//! A transport that drops responses to requests quire never sent. A server
//! that prints a stray response (a leftover id, a response to a request of
//! an earlier run) before answering `initialize` would otherwise fail the
//! handshake; after it, rmcp would report it as an unknown response. Such
//! a message is logged and skipped — and once the handshake is done, it is
//! a fault ([`StdoutFaults`]) that fails the calls waiting at once: the
//! server answered under an id quire never sent, so the answer they wait
//! for may never come. A `tools/call` result rmcp cannot read is explained
//! (which field is wrong) for the error the call returns.

use std::sync::{Arc, Mutex};

use rmcp::RoleClient;
use rmcp::model::{CallToolResult, ClientRequest, JsonRpcMessage, RequestId, ServerResult};
use rmcp::service::{RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::Transport;

use super::stdout_guard::StdoutFaults;

/// `inner` with responses matched against the requests sent through it.
pub struct Correlated<T> {
    inner: T,
    server: String,
    /// Requests sent and not answered, and whether each is `tools/call`.
    pending: Arc<Mutex<Vec<(RequestId, bool)>>>,
    faults: Arc<StdoutFaults>,
    /// A response answered a request: the handshake is under way or done.
    answered: bool,
}

impl<T> Correlated<T> {
    pub fn new(inner: T, server: &str, faults: Arc<StdoutFaults>) -> Correlated<T> {
        Correlated {
            inner,
            server: server.to_string(),
            pending: Arc::default(),
            faults,
            answered: false,
        }
    }

    /// Whether `id` answers a pending request (numbers may come back as
    /// strings), and whether that was `tools/call`; it is no longer pending
    /// afterwards.
    fn answers(&self, id: &RequestId) -> Option<bool> {
        let Ok(mut pending) = self.pending.lock() else {
            return Some(false);
        };
        let text = id.to_string();
        let i = pending.iter().position(|(p, _)| p.to_string() == text)?;
        Some(pending.swap_remove(i).1)
    }
}

impl<T: Transport<RoleClient>> Transport<RoleClient> for Correlated<T> {
    type Error = T::Error;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleClient>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        if let JsonRpcMessage::Request(r) = &item
            && let Ok(mut pending) = self.pending.lock()
        {
            let call = matches!(r.request, ClientRequest::CallToolRequest(_));
            pending.push((r.id.clone(), call));
        }
        self.inner.send(item)
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleClient>> {
        loop {
            let message = self.inner.receive().await?;
            let id = match &message {
                JsonRpcMessage::Response(r) => Some(&r.id),
                JsonRpcMessage::Error(e) => e.id.as_ref(),
                _ => None,
            };
            let Some(id) = id else {
                return Some(message);
            };
            match self.answers(id) {
                None if self.answered => {
                    self.faults.record(format!(
                        "answered under the id {id}, which no request of quire's had (a reply with the wrong id?)"
                    ));
                }
                None => {
                    tracing::warn!(server = %self.server, %id, "MCP: skipped a response to a request quire did not send");
                }
                Some(call) => {
                    self.answered = true;
                    if call
                        && let JsonRpcMessage::Response(r) = &message
                        && let ServerResult::CustomResult(custom) = &r.result
                        && let Err(e) = serde_json::from_value::<CallToolResult>(custom.0.clone())
                    {
                        self.faults.explain_result(format!("{e}"));
                    }
                    return Some(message);
                }
            }
        }
    }

    fn close(&mut self) -> impl Future<Output = Result<(), Self::Error>> + Send {
        self.inner.close()
    }
}
