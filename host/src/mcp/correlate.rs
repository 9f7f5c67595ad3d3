//! A transport that drops responses to requests quire never sent. A server
//! that prints a stray response (a leftover id, a response to a request of
//! an earlier run) before answering `initialize` would otherwise fail the
//! handshake; after it, rmcp would report it as an unknown response. Such
//! a message is logged and skipped.

use std::sync::{Arc, Mutex};

use rmcp::RoleClient;
use rmcp::model::{JsonRpcMessage, RequestId};
use rmcp::service::{RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::Transport;

/// `inner` with responses matched against the requests sent through it.
pub struct Correlated<T> {
    inner: T,
    server: String,
    pending: Arc<Mutex<Vec<RequestId>>>,
}

impl<T> Correlated<T> {
    pub fn new(inner: T, server: &str) -> Correlated<T> {
        Correlated {
            inner,
            server: server.to_string(),
            pending: Arc::default(),
        }
    }

    /// Whether `id` answers a pending request (numbers may come back as
    /// strings); it is no longer pending afterwards.
    fn answers(&self, id: &RequestId) -> bool {
        let Ok(mut pending) = self.pending.lock() else {
            return true;
        };
        let text = id.to_string();
        match pending.iter().position(|p| p.to_string() == text) {
            Some(i) => {
                pending.swap_remove(i);
                true
            }
            None => false,
        }
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
            pending.push(r.id.clone());
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
            match id {
                Some(id) if !self.answers(id) => {
                    tracing::warn!(server = %self.server, %id, "MCP: skipped a response to a request quire did not send");
                }
                _ => return Some(message),
            }
        }
    }

    fn close(&mut self) -> impl Future<Output = Result<(), Self::Error>> + Send {
        self.inner.close()
    }
}
