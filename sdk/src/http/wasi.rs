//! Sending a [`Request`] through `wasi:http/outgoing-handler` (plugins only).
//!
//! WASI resources must be dropped child first (stream before body, body
//! before response), which the explicit `drop`s below take care of.

use wasip2::http::outgoing_handler;
use wasip2::http::types::{
    ErrorCode, Fields, IncomingBody, Method as WasiMethod, OutgoingBody, OutgoingRequest,
    Scheme as WasiScheme,
};
use wasip2::io::streams::StreamError;

use super::{HttpError, Method, Request, Response, Scheme, Url};

/// Largest chunk `blocking-write-and-flush` accepts.
const WRITE_CHUNK: usize = 4096;
/// Read this much at a time from the response body.
const READ_CHUNK: u64 = 64 * 1024;

pub(super) fn send(request: &Request, url: &Url) -> Result<Response, HttpError> {
    let failed = |reason: String| HttpError::Failed {
        url: request.url.clone(),
        reason,
    };
    let entries: Vec<(String, Vec<u8>)> = request
        .headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.as_bytes().to_vec()))
        .collect();
    let headers = Fields::from_list(&entries).map_err(|e| match request.headers.first() {
        Some((name, _)) => HttpError::InvalidHeader {
            name: format!("{name} ({e})"),
        },
        None => failed(e.to_string()),
    })?;

    let outgoing = OutgoingRequest::new(headers);
    let setup = || -> Result<(), ()> {
        outgoing.set_method(&wasi_method(&request.method))?;
        outgoing.set_scheme(Some(&match url.scheme {
            Scheme::Http => WasiScheme::Http,
            Scheme::Https => WasiScheme::Https,
        }))?;
        outgoing.set_authority(Some(&url.authority))?;
        outgoing.set_path_with_query(Some(&url.path_with_query))
    };
    setup().map_err(|()| HttpError::InvalidUrl {
        url: request.url.clone(),
        reason: "the host did not accept its method, scheme, host or path".into(),
    })?;
    let body = outgoing
        .body()
        .map_err(|()| failed("could not open the request body".into()))?;

    // Hand the request over first, then stream the body: the host reads it
    // while we write, so a large body cannot fill a buffer and stall.
    let future =
        outgoing_handler::handle(outgoing, None).map_err(|e| error_code(request, url, e))?;
    write_body(&body, &request.body).map_err(failed)?;
    OutgoingBody::finish(body, None).map_err(|e| error_code(request, url, e))?;

    let pollable = future.subscribe();
    pollable.block();
    drop(pollable);
    let response = match future.get() {
        Some(Ok(Ok(response))) => response,
        Some(Ok(Err(e))) => return Err(error_code(request, url, e)),
        Some(Err(())) | None => return Err(failed("the response was not available".into())),
    };
    drop(future);

    let status = response.status();
    let header_fields = response.headers();
    let headers = header_fields
        .entries()
        .into_iter()
        .map(|(n, v)| {
            (
                n.to_ascii_lowercase(),
                String::from_utf8_lossy(&v).into_owned(),
            )
        })
        .collect();
    drop(header_fields);
    let incoming = response
        .consume()
        .map_err(|()| failed("could not open the response body".into()))?;
    drop(response);
    let body = read_body(&incoming, request, url)?;
    drop(IncomingBody::finish(incoming));
    Ok(Response {
        url: request.url.clone(),
        status,
        headers,
        body,
    })
}

fn write_body(body: &OutgoingBody, bytes: &[u8]) -> Result<(), String> {
    if bytes.is_empty() {
        return Ok(());
    }
    let stream = body
        .write()
        .map_err(|()| "could not write the request body".to_owned())?;
    for chunk in bytes.chunks(WRITE_CHUNK) {
        stream
            .blocking_write_and_flush(chunk)
            .map_err(|e| format!("writing the request body: {}", stream_error(e)))?;
    }
    drop(stream);
    Ok(())
}

fn read_body(incoming: &IncomingBody, request: &Request, url: &Url) -> Result<Vec<u8>, HttpError> {
    let stream = incoming.stream().map_err(|()| HttpError::Failed {
        url: request.url.clone(),
        reason: "could not read the response body".into(),
    })?;
    let mut body = Vec::new();
    loop {
        match stream.blocking_read(READ_CHUNK) {
            Ok(chunk) => {
                if body.len() + chunk.len() > request.max_body {
                    return Err(HttpError::BodyTooLarge {
                        url: request.url.clone(),
                        limit: request.max_body,
                    });
                }
                body.extend_from_slice(&chunk);
            }
            Err(StreamError::Closed) => break,
            Err(StreamError::LastOperationFailed(e)) => {
                let reason = match wasip2::http::types::http_error_code(&e) {
                    Some(code) => return Err(error_code(request, url, code)),
                    None => e.to_debug_string(),
                };
                return Err(HttpError::Failed {
                    url: request.url.clone(),
                    reason: format!("reading the response body: {reason}"),
                });
            }
        }
    }
    drop(stream);
    Ok(body)
}

fn wasi_method(method: &Method) -> WasiMethod {
    match method {
        Method::Get => WasiMethod::Get,
        Method::Head => WasiMethod::Head,
        Method::Post => WasiMethod::Post,
        Method::Put => WasiMethod::Put,
        Method::Patch => WasiMethod::Patch,
        Method::Delete => WasiMethod::Delete,
        Method::Options => WasiMethod::Options,
        Method::Other(m) => WasiMethod::Other(m.clone()),
    }
}

fn stream_error(e: StreamError) -> String {
    match e {
        StreamError::Closed => "the stream was closed".into(),
        StreamError::LastOperationFailed(e) => e.to_debug_string(),
    }
}

/// `http-request-denied` is what the host answers for a host that is not
/// granted; everything else is a failure with the WASI error code named.
fn error_code(request: &Request, url: &Url, code: ErrorCode) -> HttpError {
    match code {
        ErrorCode::HttpRequestDenied => HttpError::Refused {
            host: url.host.clone(),
        },
        ErrorCode::InternalError(Some(message)) => HttpError::Failed {
            url: request.url.clone(),
            reason: message,
        },
        other => HttpError::Failed {
            url: request.url.clone(),
            reason: format!("{other:?}"),
        },
    }
}
