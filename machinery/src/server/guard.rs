//! In front of `AsyncAgentService`: CreateTask is read and decoded under a concurrency limit and
//! checked against the global caps on its wire bytes first; failures of tonic's own decoding get
//! the codes a caller can act on.
//!
//! - CreateTask waits for one of `createConcurrency` turns before its body is even read, and
//!   keeps it until the backend has decoded it and built its object
//!   ([`crate::limits::decoding_done`]), so a flood of CreateTasks queues here while GetTask (a
//!   small request answered from the watch cache) never waits behind it.
//! - The body is read up to `maxMessageBytes` (more is RESOURCE_EXHAUSTED, as grpc-go answers),
//!   then [`crate::wire::check`] walks it: over a cap is INVALID_ARGUMENT naming the field,
//!   before prost allocates anything.
//! - tonic answers a message over the limit with OUT_OF_RANGE and a protobuf decode error with
//!   INTERNAL; both are the caller's fault, so they become RESOURCE_EXHAUSTED and
//!   INVALID_ARGUMENT. Each such failure is logged once here (it never reaches the handler).

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use http_body_util::BodyExt;
use prost_reflect::MessageDescriptor;
use tokio::sync::Semaphore;
use tonic::body::Body;
use tonic::codegen::{BoxFuture, Service, http};
use tonic::server::NamedService;
use tonic::{Code, Status};

use crate::echo::capped;
use crate::limits::Limits;

const CREATE_TASK_PATH: &str = "/flyteidl.service.AsyncAgentService/CreateTask";
/// A CreateTask body must arrive within this while it holds a turn: propeller sends it at once,
/// and a caller trickling bytes must not keep every other CreateTask waiting.
const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
/// The start of prost's decode error text (`prost::DecodeError`'s Display).
const PROST_DECODE_ERROR: &str = "failed to decode Protobuf message";
/// The start of tonic's text for a message over the size limit.
const TONIC_TOO_LARGE: &str = "Error, decoded message length too large";

#[derive(Clone)]
pub(crate) struct Guarded<S> {
    inner: S,
    shared: Arc<Shared>,
}

/// What every call of one server shares.
struct Shared {
    limits: Limits,
    max_message_bytes: usize,
    permits: Arc<Semaphore>,
    create_request: MessageDescriptor,
}

impl<S> Guarded<S> {
    pub(crate) fn new(inner: S, limits: Limits, max_message_bytes: usize) -> Self {
        let pool = prost_reflect::DescriptorPool::decode(crate::FLYTEIDL_DESCRIPTOR_SET).expect("the compiled flyteidl descriptors decode");
        let create_request = pool.get_message_by_name("flyteidl.admin.CreateTaskRequest").expect("CreateTaskRequest is in the subset");
        let permits = Arc::new(Semaphore::new(limits.create_concurrency.get()));
        Self { inner, shared: Arc::new(Shared { limits, max_message_bytes, permits, create_request }) }
    }
}

impl<S: NamedService> NamedService for Guarded<S> {
    const NAME: &'static str = S::NAME;
}

impl<S> Service<http::Request<Body>> for Guarded<S>
where
    S: Service<http::Request<Body>, Response = http::Response<Body>, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        // The clone that was polled ready serves this call (tower's usual hand-over).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let shared = self.shared.clone();
        Box::pin(async move {
            if request.uri().path() != CREATE_TASK_PATH {
                return inner.call(request).await.map(recoded);
            }
            // Closed never: the semaphore lives as long as the server.
            let turn = shared.permits.clone().acquire_owned().await.expect("the semaphore is never closed");
            let screened = match tokio::time::timeout(BODY_TIMEOUT, shared.screen(request)).await {
                Ok(screened) => screened,
                Err(_) => Err(Status::cancelled(format!("the request body did not arrive within {} s", BODY_TIMEOUT.as_secs()))),
            };
            match screened {
                // tonic's decoding and the backend's run in the turn, up to `decoding_done`.
                Ok(request) => crate::limits::with_decode_turn(turn, inner.call(request)).await.map(recoded),
                Err(status) => {
                    tracing::warn!(rpc = "CreateTask", code = ?status.code(), message = status.message(), "failed");
                    Ok(status.into_http())
                }
            }
        })
    }
}

impl Shared {
    /// Reads a CreateTask body (one gRPC frame) within the size limit and checks its message
    /// against the caps; hands on a request tonic can decode as usual.
    async fn screen(&self, request: http::Request<Body>) -> Result<http::Request<Body>, Status> {
        let (parts, mut body) = request.into_parts();
        let limit = self.max_message_bytes.saturating_add(5);
        let mut bytes = Vec::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| Status::cancelled(format!("the request body could not be read: {e}")))?;
            if let Ok(data) = frame.into_data() {
                bytes.extend_from_slice(&data);
            }
            // The declared length settles it as soon as the frame header is in.
            if let Some(len) = declared_length(&bytes).filter(|len| *len > self.max_message_bytes) {
                return Err(too_large(len, self.max_message_bytes));
            }
            if bytes.len() > limit {
                return Err(too_large(bytes.len() - 5, self.max_message_bytes));
            }
        }
        // Compressed or oddly framed bodies are tonic's to refuse; only a plain frame is walked.
        if let Some(len) = declared_length(&bytes).filter(|_| bytes[0] == 0) {
            let message = bytes.get(5..5usize.saturating_add(len)).unwrap_or(&bytes[5..]);
            crate::wire::check(&self.create_request, message, &self.limits).map_err(|e| Status::invalid_argument(e.to_string()))?;
        }
        Ok(http::Request::from_parts(parts, Body::new(http_body_util::Full::new(tonic::codegen::Bytes::from(bytes)))))
    }
}

/// The message length of a gRPC frame (after the flag byte), once its 5-byte header is in.
fn declared_length(bytes: &[u8]) -> Option<usize> {
    let header: [u8; 4] = bytes.get(1..5)?.try_into().ok()?;
    usize::try_from(u32::from_be_bytes(header)).ok()
}

fn too_large(len: usize, limit: usize) -> Status {
    Status::resource_exhausted(format!("the request is {len} bytes, more than the limit of {limit} (server.maxMessageBytes)"))
}

/// tonic's codes for a caller's bad message, as the caller should see them.
fn recoded(mut response: http::Response<Body>) -> http::Response<Body> {
    let Some(status) = Status::from_header_map(response.headers()) else { return response };
    let code = match status.code() {
        Code::OutOfRange if status.message().starts_with(TONIC_TOO_LARGE) => Code::ResourceExhausted,
        Code::Internal if status.message().starts_with(PROST_DECODE_ERROR) => Code::InvalidArgument,
        _ => return response,
    };
    let status = Status::new(code, capped(status.message(), crate::echo::MAX_MESSAGE_CHARS));
    tracing::warn!(code = ?status.code(), message = status.message(), "request refused before reaching the backend");
    let headers = response.headers_mut();
    headers.remove("grpc-status");
    headers.remove("grpc-message");
    headers.remove("grpc-status-details-bin");
    let _ = status.add_header(headers);
    response
}
