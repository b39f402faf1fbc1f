//! In front of `AsyncAgentService`: CreateTask is read and decoded under a concurrency limit and
//! checked against the global caps on its wire bytes first; failures of tonic's own decoding get
//! the codes a caller can act on.
//!
//! - A CreateTask body is read at once, up to `maxMessageBytes` (more is RESOURCE_EXHAUSTED, as
//!   grpc-go answers) and within `maxBufferedBytes` for all CreateTasks being held (more is
//!   RESOURCE_EXHAUSTED at once).
//! - Then it waits for one of `createConcurrency` turns and keeps it until the backend has
//!   decoded it and built its object ([`crate::limits::decoding_done`]), so a flood of
//!   CreateTasks queues here while GetTask (a small request answered from the watch cache) never
//!   waits behind it. In its turn [`crate::wire::check`] walks the bytes first: over a cap is
//!   INVALID_ARGUMENT naming the field, before prost allocates anything.
//! - tonic answers a message over the limit with OUT_OF_RANGE and a protobuf decode error with
//!   INTERNAL; both are the caller's fault, so they become RESOURCE_EXHAUSTED and
//!   INVALID_ARGUMENT. Each such failure is logged once here (it never reaches the handler).

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use http_body_util::BodyExt;
use prost_reflect::MessageDescriptor;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
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
    /// Decoding turns (`createConcurrency`).
    turns: Arc<Semaphore>,
    /// KiB of CreateTask bodies being held (`maxBufferedBytes`).
    buffered: Arc<Semaphore>,
    create_request: MessageDescriptor,
}

impl<S> Guarded<S> {
    pub(crate) fn new(inner: S, limits: Limits, max_message_bytes: usize) -> Self {
        let pool = prost_reflect::DescriptorPool::decode(crate::FLYTEIDL_DESCRIPTOR_SET).expect("the compiled flyteidl descriptors decode");
        let create_request = pool.get_message_by_name("flyteidl.admin.CreateTaskRequest").expect("CreateTaskRequest is in the subset");
        let turns = Arc::new(Semaphore::new(limits.create_concurrency.get()));
        let buffered = Arc::new(Semaphore::new((limits.max_buffered_bytes / 1024).clamp(1, Semaphore::MAX_PERMITS)));
        Self { inner, shared: Arc::new(Shared { limits, max_message_bytes, turns, buffered, create_request }) }
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
            // The body is read at once, without waiting for a turn: unread bodies of waiting
            // calls would fill the connection's HTTP/2 window, and then no other call on it
            // (GetTask included) could send its request. The read bytes count against
            // `maxBufferedBytes` until the call ends.
            let read = match tokio::time::timeout(BODY_TIMEOUT, shared.read(request)).await {
                Ok(read) => read,
                Err(_) => Err(Status::cancelled(format!("the request body did not arrive within {} s", BODY_TIMEOUT.as_secs()))),
            };
            let (request, message, _held) = match read {
                Ok(read) => read,
                Err(status) => return Ok(refused(status)),
            };
            // Closed never: the semaphore lives as long as the server.
            let turn = shared.turns.clone().acquire_owned().await.expect("the semaphore is never closed");
            if let Some(Err(e)) = message.map(|m| crate::wire::check(&shared.create_request, &m, &shared.limits)) {
                return Ok(refused(Status::invalid_argument(e.to_string())));
            }
            // tonic's decoding and the backend's run in the turn, up to `decoding_done`.
            crate::limits::with_decode_turn(turn, inner.call(request)).await.map(recoded)
        })
    }
}

/// A failure of the guard's own: the only log line of it (the handler never sees the call).
fn refused(status: Status) -> http::Response<Body> {
    tracing::warn!(rpc = "CreateTask", code = ?status.code(), message = status.message(), "failed");
    status.into_http()
}

impl Shared {
    /// Reads a CreateTask body (one gRPC frame) within the size limit and the budget of buffered
    /// bytes. Returns a request tonic can decode as usual, the message bytes to check (none for
    /// a compressed or oddly framed body, which is tonic's to refuse) and the budget it holds.
    async fn read(&self, request: http::Request<Body>) -> Result<(http::Request<Body>, Option<tonic::codegen::Bytes>, Option<OwnedSemaphorePermit>), Status> {
        let (parts, mut body) = request.into_parts();
        let limit = self.max_message_bytes.saturating_add(5);
        let mut bytes = Vec::new();
        let mut held = None;
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| Status::cancelled(format!("the request body could not be read: {e}")))?;
            if let Ok(data) = frame.into_data() {
                bytes.extend_from_slice(&data);
            }
            // The declared length settles the limit and the budget as soon as the header is in.
            if let (None, Some(len)) = (&held, declared_length(&bytes)) {
                if len > self.max_message_bytes {
                    return Err(too_large(len, self.max_message_bytes));
                }
                held = Some(self.reserve(len)?);
            }
            if bytes.len() > limit {
                return Err(too_large(bytes.len() - 5, self.max_message_bytes));
            }
        }
        let bytes = tonic::codegen::Bytes::from(bytes);
        let message = declared_length(&bytes).filter(|_| bytes[0] == 0).map(|len| bytes.slice(5..bytes.len().min(5usize.saturating_add(len))));
        Ok((http::Request::from_parts(parts, Body::new(http_body_util::Full::new(bytes))), message, held))
    }

    /// Takes `len` bytes (in KiB) of the buffered-bytes budget, or refuses the call at once:
    /// waiting would stop reading, which blocks the connection (see `call`).
    fn reserve(&self, len: usize) -> Result<OwnedSemaphorePermit, Status> {
        let kib = u32::try_from(len.div_ceil(1024).max(1)).unwrap_or(u32::MAX);
        self.buffered.clone().try_acquire_many_owned(kib).map_err(|_| {
            Status::resource_exhausted(format!(
                "CreateTask requests of more than {} MiB in all are being read (limits.maxBufferedBytes); retry",
                self.limits.max_buffered_bytes / (1024 * 1024)
            ))
        })
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
