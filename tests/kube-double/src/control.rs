//! Test-only control endpoints under `/test-double/`, outside the Kubernetes API paths, so that a
//! test in another process (the Python end-to-end tests, the demo) can do what Rust tests do
//! through [`crate::KubeTestDouble`]'s methods:
//!
//! | Request | Effect |
//! |---|---|
//! | `GET /test-double/unavailable` | `{"unavailable": bool}` |
//! | `POST /test-double/unavailable` with body `true` or `false` | starts or ends a simulated API outage (every API request answers 503; open watches are cut) |
//! | `POST /test-double/answer-delay` with body `MILLISECONDS` | every later API answer (not watch events) is sent that long after the request took effect; `0` ends it |
//! | `GET /test-double/requests` | request counters: `{"total": n, "requests": [{"verb": "get", "path": "object", "count": n}, ...]}` |
//! | `GET /test-double/simulation` | `{"paused": bool, "errors": [...]}` of the simulated controllers |
//! | `POST /test-double/simulation/paused` with body `true` or `false` | holds or resumes every simulated controller |
//!
//! These requests are not counted and keep working during a simulated outage (the test has to be
//! able to end it).

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::state::Core;

pub(crate) fn routes() -> Router<Arc<Core>> {
    Router::new()
        .route("/test-double/unavailable", get(unavailable).post(set_unavailable))
        .route("/test-double/answer-delay", post(set_answer_delay))
        .route("/test-double/requests", get(requests))
        .route("/test-double/simulation", get(simulation))
        .route("/test-double/simulation/paused", post(set_paused))
}

async fn unavailable(State(core): State<Arc<Core>>) -> Response {
    json_response(StatusCode::OK, &json!({"unavailable": core.is_unavailable()}))
}

async fn set_unavailable(State(core): State<Arc<Core>>, body: String) -> Response {
    match flag(&body) {
        Ok(down) => {
            core.set_unavailable(down);
            json_response(StatusCode::OK, &json!({"unavailable": down}))
        }
        Err(e) => bad_request(&e),
    }
}

async fn set_answer_delay(State(core): State<Arc<Core>>, body: String) -> Response {
    match body.trim().parse::<u64>() {
        Ok(ms) => {
            core.set_answer_delay(std::time::Duration::from_millis(ms));
            json_response(StatusCode::OK, &json!({"answerDelayMs": ms}))
        }
        Err(_) => bad_request(&format!("the body must be a number of milliseconds, not {body:?}")),
    }
}

async fn requests(State(core): State<Arc<Core>>) -> Response {
    let counts = core.counts();
    let total: u64 = counts.values().sum();
    let list: Vec<Value> = counts
        .iter()
        .map(|((verb, path), n)| json!({"verb": format!("{verb:?}").to_lowercase(), "path": format!("{path:?}").to_lowercase(), "count": n}))
        .collect();
    json_response(StatusCode::OK, &json!({"total": total, "requests": list}))
}

async fn simulation(State(core): State<Arc<Core>>) -> Response {
    json_response(StatusCode::OK, &json!({"paused": core.simulation.is_paused(), "errors": core.simulation.errors()}))
}

async fn set_paused(State(core): State<Arc<Core>>, body: String) -> Response {
    match flag(&body) {
        Ok(paused) => {
            core.simulation.set_paused(paused);
            json_response(StatusCode::OK, &json!({"paused": paused}))
        }
        Err(e) => bad_request(&e),
    }
}

fn flag(body: &str) -> Result<bool, String> {
    match body.trim() {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(format!("the body must be true or false, not {other:?}")),
    }
}

fn bad_request(message: &str) -> Response {
    json_response(StatusCode::BAD_REQUEST, &json!({"error": message}))
}

fn json_response(code: StatusCode, body: &Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = code;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
