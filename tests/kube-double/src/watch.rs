//! `?watch=true`: newline-delimited JSON events, replay from a resourceVersion, 410 for a
//! resourceVersion older than the retained history, bookmarks, `timeoutSeconds`.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};

use crate::selector::{FieldSelector, LabelSelector};
use crate::state::{Core, Event, EventType, Inner, with_api_version};
use crate::status::ApiError;

/// What one watch request asks for.
pub(crate) struct WatchRequest {
    pub crd: usize,
    pub api_version: String,
    pub namespace: Option<String>,
    pub labels: LabelSelector,
    pub fields: FieldSelector,
    pub resource_version: Option<String>,
    pub bookmarks: bool,
    pub send_initial_events: bool,
    pub timeout: Duration,
}

impl WatchRequest {
    fn wants(&self, event: &Event) -> Option<(&'static str, Value)> {
        if event.crd != self.crd || self.namespace.as_ref().is_some_and(|ns| *ns != event.namespace) {
            return None;
        }
        let matches = |o: &Value| self.labels.matches(o) && self.fields.matches(o);
        let now = matches(&event.object);
        let before = event.previous.as_ref().is_some_and(matches);
        let kind = match event.kind {
            EventType::Added => now.then_some(EventType::Added),
            EventType::Deleted => (now || before).then_some(EventType::Deleted),
            // A change that moves an object into or out of the selection is an ADDED or DELETED
            // for this watch.
            EventType::Modified => match (before, now) {
                (true, true) => Some(EventType::Modified),
                (false, true) => Some(EventType::Added),
                (true, false) => Some(EventType::Deleted),
                (false, false) => None,
            },
        }?;
        Some((kind.as_str(), with_api_version(&event.object, &self.api_version)))
    }

    fn bookmark(&self, kind: &str, rv: u64, initial_events_end: bool) -> Bytes {
        let mut object = json!({"kind": kind, "apiVersion": self.api_version, "metadata": {"resourceVersion": rv.to_string()}});
        if initial_events_end {
            object["metadata"]["annotations"] = json!({"k8s.io/initial-events-end": "true"});
        }
        line("BOOKMARK", &object)
    }
}

fn line(kind: &str, object: &Value) -> Bytes {
    let mut text = json!({"type": kind, "object": object}).to_string();
    text.push('\n');
    Bytes::from(text)
}

/// Starts a watch: computes what to replay and subscribes under the store lock (so nothing is
/// missed or repeated), then streams from a task until timeout, outage, shutdown or client exit.
pub(crate) fn start(core: Arc<Core>, req: WatchRequest) -> Result<mpsc::Receiver<Bytes>, ApiError> {
    let requested = match req.resource_version.as_deref() {
        None | Some("") | Some("0") => None,
        Some(rv) => Some(rv.parse::<u64>().map_err(|_| ApiError::bad_request(format!("invalid resource version: {rv}")))?),
    };
    let kind = core.crds[req.crd].kind.clone();
    let (initial, events, cut, from_rv) = {
        let inner = core.lock();
        let mut initial = Vec::new();
        let from_rv = match requested {
            Some(rv) if !req.send_initial_events && rv < inner.compacted_through => {
                // Real API servers answer 200 and put the 410 in an ERROR event.
                let status = ApiError::gone(format!("too old resource version: {rv} ({})", inner.compacted_through)).to_json();
                let (tx, rx) = mpsc::channel(1);
                let _ = tx.try_send(line("ERROR", &status));
                return Ok(rx);
            }
            Some(rv) if !req.send_initial_events => {
                initial.extend(inner.history.iter().filter(|e| e.rv > rv).filter_map(|e| req.wants(e)).map(|(t, o)| line(t, &o)));
                rv.max(inner.history.back().map_or(0, |e| e.rv))
            }
            _ => {
                // No resourceVersion (or "0"), or a streaming list: the current state as ADDED.
                initial.extend(current_objects(&inner, &req).map(|o| line("ADDED", &o)));
                if req.send_initial_events && req.bookmarks {
                    initial.push(req.bookmark(&kind, inner.rv, true));
                }
                inner.rv
            }
        };
        (initial, core.events.subscribe(), core.cut_watches.subscribe(), from_rv)
    };
    let (tx, rx) = mpsc::channel(64);
    tokio::spawn(stream(core, req, kind, initial, events, cut, from_rv, tx));
    Ok(rx)
}

fn current_objects<'a>(inner: &'a Inner, req: &'a WatchRequest) -> impl Iterator<Item = Value> + 'a {
    inner
        .objects
        .iter()
        .filter(move |((crd, ns, _), _)| *crd == req.crd && req.namespace.as_ref().is_none_or(|n| n == ns))
        .filter(move |(_, o)| req.labels.matches(o) && req.fields.matches(o))
        .map(move |(_, o)| with_api_version(o, &req.api_version))
}

#[allow(clippy::too_many_arguments)]
async fn stream(
    core: Arc<Core>,
    req: WatchRequest,
    kind: String,
    initial: Vec<Bytes>,
    mut events: broadcast::Receiver<Arc<Event>>,
    mut cut: tokio::sync::watch::Receiver<u64>,
    mut last_rv: u64,
    tx: mpsc::Sender<Bytes>,
) {
    // Counts this stream as open until the function returns, however it returns.
    struct Open(Arc<Core>);
    impl Drop for Open {
        fn drop(&mut self) {
            self.0.open_watches.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        }
    }
    core.open_watches.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let _open = Open(core.clone());
    for l in initial {
        if tx.send(l).await.is_err() {
            return;
        }
    }
    let deadline = tokio::time::sleep(req.timeout);
    tokio::pin!(deadline);
    // Without bookmarks the tick still runs but does nothing.
    let mut tick = tokio::time::interval(core.bookmark_interval.max(Duration::from_millis(10)));
    tick.reset();
    loop {
        let out = tokio::select! {
            _ = &mut deadline => return,
            _ = cut.changed() => return,
            _ = tx.closed() => return,
            received = events.recv() => match received {
                Ok(event) if event.rv > last_rv => {
                    last_rv = event.rv;
                    req.wants(&event).map(|(t, o)| vec![line(t, &o)]).unwrap_or_default()
                }
                Ok(_) => Vec::new(),
                // Fell behind the broadcast buffer or the double is gone: end the watch, the
                // client re-watches from its last resourceVersion as it would after a real
                // server closed the stream.
                Err(_) => return,
            },
            _ = tick.tick(), if req.bookmarks => {
                // Drain under the lock so the bookmark's resourceVersion covers every event
                // already committed (writes publish while holding the same lock).
                let inner = core.lock();
                let mut out = Vec::new();
                loop {
                    match events.try_recv() {
                        Ok(event) if event.rv > last_rv => {
                            last_rv = event.rv;
                            out.extend(req.wants(&event).map(|(t, o)| line(t, &o)));
                        }
                        Ok(_) => {}
                        Err(broadcast::error::TryRecvError::Empty) => break,
                        Err(_) => return,
                    }
                }
                last_rv = last_rv.max(inner.rv);
                out.push(req.bookmark(&kind, last_rv, false));
                out
            },
        };
        for l in out {
            if tx.send(l).await.is_err() {
                return;
            }
        }
    }
}
