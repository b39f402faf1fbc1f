//! Caps on what one request may make the backend decode, so that no request under the message
//! size limit can cost more than a known amount of memory and CPU.
//!
//! Without them one CreateTask of 16 MiB (a LiteralCollection of 8 million empty literals, two
//! bytes each on the wire) became about 3 GiB of decoded structures. The caps are checked on the
//! wire bytes before protobuf decoding ([`crate::wire`]) and on MessagePack input bytes before
//! they are decoded ([`crate::inputs`]); a request over a cap is INVALID_ARGUMENT naming where.
//!
//! Worst case (the defaults, 64-bit): CreateTask bodies read and waiting, at most
//! `maxBufferedBytes` (64 MiB), and for the one being decoded tonic's copy of its bytes
//! (`maxMessageBytes`, 16 MiB) plus at most `maxValues` decoded values in up to four forms each (the prost message, the JSON of `custom`
//! or the input value, the decoded payload, the object built from it). A value costs at most
//! about 2 KiB over all forms (measured: a prost `Literal` is 336 bytes plus a 120-byte boxed
//! `Scalar`, a `serde_json::Value` 72 bytes plus its map entry), so 20,000 values are 40 MiB;
//! strings add their bytes once per form (4 x 16 MiB). `createConcurrency` (1) request decodes
//! at a time: about 184 MiB in all. With the watch cache and the runtime (tens of MiB) that fits
//! the bundle's memory limit of 512 Mi with room to spare.
//!
//! The same turn bounds GetTask's latency during a flood: decoding is CPU work on the runtime's
//! worker threads, so with one CreateTask decoding at a time the others stay free for GetTask,
//! and the caps bound how long one decode takes (milliseconds). The turn ends when the backend
//! has built its object ([`decoding_done`]), so the Kubernetes API calls that follow (with
//! their retries) never hold up the next CreateTask.

use std::num::NonZeroUsize;

/// Defaults: generous for real tasks (payloads of a few hundred fields, lists of tens of items and
/// strings of a few KiB), small enough for the worst case above.
pub const DEFAULT_MAX_VALUES: usize = 20_000;
pub const DEFAULT_MAX_LIST_LENGTH: usize = 10_000;
pub const DEFAULT_MAX_MAP_SIZE: usize = 10_000;
pub const DEFAULT_MAX_STRING_BYTES: usize = 1024 * 1024;
/// 64 levels of nested messages (or MessagePack arrays and maps): far below prost's own limit
/// of 100 and the stack of a debug build (about 495 MessagePack levels overflowed it).
pub const DEFAULT_MAX_DEPTH: usize = 64;
/// 64 MiB of CreateTask bodies held at once (four of the largest): legitimate requests are a
/// few KiB; only a flood of big ones reaches it.
pub const DEFAULT_MAX_BUFFERED_BYTES: usize = 64 * 1024 * 1024;
/// 1: the bundle gives the backend one CPU; more CreateTasks decoding at once would only take
/// the worker threads GetTask needs.
pub const DEFAULT_CREATE_CONCURRENCY: usize = 1;

/// Global caps on a request's contents (on top of each field's own validation).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Limits {
    /// Most values (protobuf messages, MessagePack values) in one request.
    pub max_values: usize,
    /// Most items in one list (repeated field, collection, MessagePack array).
    pub max_list_length: usize,
    /// Most entries in one map (map field, MessagePack map).
    pub max_map_size: usize,
    /// Longest string or bytes value, in bytes.
    pub max_string_bytes: usize,
    /// Deepest nesting of messages, or of MessagePack arrays and maps.
    pub max_depth: usize,
    /// Bytes of CreateTask bodies held at once (read, waiting for their turn); more is refused.
    pub max_buffered_bytes: usize,
    /// CreateTask requests decoded at once; others wait (GetTask never does).
    pub create_concurrency: NonZeroUsize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_values: DEFAULT_MAX_VALUES,
            max_list_length: DEFAULT_MAX_LIST_LENGTH,
            max_map_size: DEFAULT_MAX_MAP_SIZE,
            max_string_bytes: DEFAULT_MAX_STRING_BYTES,
            max_depth: DEFAULT_MAX_DEPTH,
            max_buffered_bytes: DEFAULT_MAX_BUFFERED_BYTES,
            create_concurrency: NonZeroUsize::new(DEFAULT_CREATE_CONCURRENCY).expect("non-zero"),
        }
    }
}

tokio::task_local! {
    /// The CreateTask turn of the request being served (see the module comment).
    static DECODE_TURN: std::cell::RefCell<Option<tokio::sync::OwnedSemaphorePermit>>;
}

/// Runs `call` (one CreateTask) holding `turn` until [`decoding_done`] or the end.
pub async fn with_decode_turn<F: std::future::Future>(turn: tokio::sync::OwnedSemaphorePermit, call: F) -> F::Output {
    DECODE_TURN.scope(std::cell::RefCell::new(Some(turn)), call).await
}

/// Ends the current CreateTask's decoding turn: the request is decoded and its object built, what
/// follows waits on the Kubernetes API. Does nothing outside a server (a direct call).
pub fn decoding_done() {
    let _ = DECODE_TURN.try_with(|turn| turn.borrow_mut().take());
}

/// Counts what one request has used of [`Limits::max_values`], across every part of it.
#[derive(Debug)]
pub struct Budget<'a> {
    pub limits: &'a Limits,
    values: usize,
}

impl<'a> Budget<'a> {
    pub fn new(limits: &'a Limits) -> Self {
        Self { limits, values: 0 }
    }

    /// Counts one more value; the error says where the cap was reached.
    pub fn value(&mut self, path: &str) -> Result<(), crate::plugin::InvalidInput> {
        self.values += 1;
        if self.values > self.limits.max_values {
            return Err(crate::plugin::InvalidInput::new(
                path,
                format!("the request holds more than {} values (limits.maxValues)", self.limits.max_values),
            ));
        }
        Ok(())
    }

    pub fn depth(&self, depth: usize, path: &str) -> Result<(), crate::plugin::InvalidInput> {
        if depth > self.limits.max_depth {
            return Err(crate::plugin::InvalidInput::new(path, format!("nested deeper than {} levels (limits.maxDepth)", self.limits.max_depth)));
        }
        Ok(())
    }

    pub fn list(&self, len: usize, path: &str) -> Result<(), crate::plugin::InvalidInput> {
        if len > self.limits.max_list_length {
            return Err(crate::plugin::InvalidInput::new(path, format!("a list of more than {} items (limits.maxListLength)", self.limits.max_list_length)));
        }
        Ok(())
    }

    pub fn map(&self, len: usize, path: &str) -> Result<(), crate::plugin::InvalidInput> {
        if len > self.limits.max_map_size {
            return Err(crate::plugin::InvalidInput::new(path, format!("a map of more than {} entries (limits.maxMapSize)", self.limits.max_map_size)));
        }
        Ok(())
    }

    pub fn string(&self, len: usize, path: &str) -> Result<(), crate::plugin::InvalidInput> {
        if len > self.limits.max_string_bytes {
            return Err(crate::plugin::InvalidInput::new(path, format!("a value of {len} bytes, more than {} (limits.maxStringBytes)", self.limits.max_string_bytes)));
        }
        Ok(())
    }
}
