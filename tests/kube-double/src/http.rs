//! The HTTP face of the test double: routes Kubernetes API paths to the store and renders
//! answers the way the API server does.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::selector::{FieldSelector, LabelSelector};
use crate::state::{Core, FieldValidation, Part};
use crate::status::ApiError;
use crate::watch::{self, WatchRequest};
use crate::{PathKind, Verb};

/// The API server's request body limit.
const MAX_BODY: usize = 3 * 1024 * 1024;

enum Route<'a> {
    Version,
    Api,
    ApiV1,
    Apis,
    Group(&'a str),
    GroupVersion(&'a str, &'a str),
    Collection { group: &'a str, version: &'a str, namespace: Option<&'a str>, plural: &'a str },
    Object { group: &'a str, version: &'a str, namespace: &'a str, plural: &'a str, name: &'a str, status: bool },
    Unknown,
}

fn route<'a>(segments: &[&'a str]) -> Route<'a> {
    match *segments {
        ["version"] => Route::Version,
        ["api"] => Route::Api,
        ["api", "v1"] => Route::ApiV1,
        ["apis"] => Route::Apis,
        ["apis", g] => Route::Group(g),
        ["apis", g, v] => Route::GroupVersion(g, v),
        ["apis", group, version, plural] => Route::Collection { group, version, namespace: None, plural },
        ["apis", group, version, "namespaces", ns, plural] => Route::Collection { group, version, namespace: Some(ns), plural },
        ["apis", group, version, "namespaces", namespace, plural, name] => Route::Object { group, version, namespace, plural, name, status: false },
        ["apis", group, version, "namespaces", namespace, plural, name, "status"] => Route::Object { group, version, namespace, plural, name, status: true },
        _ => Route::Unknown,
    }
}

fn classify(method: &Method, route: &Route<'_>, watch: bool) -> (Verb, PathKind) {
    let kind = match route {
        Route::Version | Route::Api | Route::ApiV1 | Route::Apis | Route::Group(_) | Route::GroupVersion(..) => PathKind::Discovery,
        Route::Collection { namespace: Some(_), .. } => PathKind::Collection,
        Route::Collection { namespace: None, .. } => PathKind::AllNamespaces,
        Route::Object { status: false, .. } => PathKind::Object,
        Route::Object { status: true, .. } => PathKind::Status,
        Route::Unknown => PathKind::Other,
    };
    let verb = match (method, route) {
        (&Method::GET, Route::Collection { .. }) if watch => Verb::Watch,
        (&Method::GET, Route::Collection { .. }) => Verb::List,
        (&Method::GET, _) => Verb::Get,
        (&Method::POST, _) => Verb::Create,
        (&Method::PUT, _) => Verb::Update,
        (&Method::PATCH, _) => Verb::Patch,
        (&Method::DELETE, _) => Verb::Delete,
        _ => Verb::Other,
    };
    (verb, kind)
}

pub(crate) async fn handle(State(core): State<Arc<Core>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_string();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let query: HashMap<String, String> = parts.uri.query().map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect()).unwrap_or_default();
    let watch = query.get("watch").is_some_and(|w| w == "true" || w == "1");
    let route = route(&segments);
    let (verb, kind) = classify(&parts.method, &route, watch);
    core.count(verb, kind);
    if core.is_unavailable() {
        return error(&ApiError::unavailable());
    }
    let body = match to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return error(&ApiError::new(413, "RequestEntityTooLarge", "the request body is too large")),
    };
    let response = match dispatch(&core, &parts.method, &parts.headers, route, &query, watch, &body) {
        Ok(response) => response,
        Err(e) => error(&e),
    };
    // The request has taken effect; only its answer is late (a slow or partitioned API server).
    let delay = core.answer_delay();
    if !watch && !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    response
}

fn dispatch(core: &Arc<Core>, method: &Method, headers: &HeaderMap, route: Route<'_>, query: &HashMap<String, String>, watch: bool, body: &Bytes) -> Result<Response, ApiError> {
    let fv = match query.get("fieldValidation").map(String::as_str) {
        Some("Strict") => FieldValidation::Strict,
        Some("Ignore") => FieldValidation::Ignore,
        None | Some("Warn") => FieldValidation::Warn,
        Some(other) => return Err(ApiError::bad_request(format!("fieldValidation must be Ignore, Warn or Strict, not {other:?}"))),
    };
    match (method, route) {
        (&Method::GET, Route::Version) => Ok(json_response(StatusCode::OK, &version_info(), &[])),
        (&Method::GET, Route::Api) => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
            let body = json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": host}]});
            Ok(json_response(StatusCode::OK, &body, &[]))
        }
        (&Method::GET, Route::ApiV1) => Ok(json_response(StatusCode::OK, &json!({"kind": "APIResourceList", "groupVersion": "v1", "resources": []}), &[])),
        (&Method::GET, Route::Apis) => Ok(json_response(StatusCode::OK, &group_list(core), &[])),
        (&Method::GET, Route::Group(g)) => {
            let group = group_list(core)["groups"].as_array().and_then(|gs| gs.iter().find(|x| x["name"] == g).cloned()).ok_or_else(ApiError::no_route)?;
            let mut group = group;
            group["kind"] = json!("APIGroup");
            group["apiVersion"] = json!("v1");
            Ok(json_response(StatusCode::OK, &group, &[]))
        }
        (&Method::GET, Route::GroupVersion(g, v)) => Ok(json_response(StatusCode::OK, &resource_list(core, g, v)?, &[])),
        (_, Route::Collection { group, version, namespace, plural }) => {
            let (crd, _) = core.resolve(group, version, plural).ok_or_else(ApiError::no_route)?;
            let api_version = format!("{group}/{version}");
            match *method {
                Method::GET if watch => watch_response(core, crd, api_version, namespace, query),
                Method::GET => {
                    let labels = LabelSelector::parse(query.get("labelSelector").map_or("", String::as_str)).map_err(ApiError::bad_request)?;
                    let fields = FieldSelector::parse(query.get("fieldSelector").map_or("", String::as_str)).map_err(ApiError::bad_request)?;
                    let limit = query.get("limit").and_then(|l| l.parse().ok());
                    if query.get("resourceVersionMatch").is_some_and(|m| m == "Exact") {
                        // Only the current state is kept, so an exact read of another version is gone.
                        let current = core.lock().rv.to_string();
                        if query.get("resourceVersion").is_some_and(|rv| *rv != current) {
                            return Err(ApiError::gone("too old resource version"));
                        }
                    }
                    let list = core.list(crd, &api_version, namespace, &labels, &fields, limit, query.get("continue").map(String::as_str));
                    Ok(json_response(StatusCode::OK, &list, &[]))
                }
                Method::POST => {
                    let ns = namespace.ok_or_else(|| ApiError::new(405, "MethodNotAllowed", "create needs a namespace in the path"))?;
                    let (object, warnings) = core.create(crd, version, ns, parse_body(body)?, fv)?;
                    Ok(json_response(StatusCode::CREATED, &object, &warnings))
                }
                _ => Err(ApiError::new(405, "MethodNotAllowed", format!("the server does not allow this method on the requested resource ({method})"))),
            }
        }
        (_, Route::Object { group, version, namespace, plural, name, status }) => {
            let (crd, v) = core.resolve(group, version, plural).ok_or_else(ApiError::no_route)?;
            if status && !v.status_subresource {
                return Err(ApiError::no_route());
            }
            let part = if status { Part::Status } else { Part::Main };
            let api_version = format!("{group}/{version}");
            match *method {
                Method::GET => Ok(json_response(StatusCode::OK, &crate::state::with_api_version(&core.get(crd, namespace, name)?, &api_version), &[])),
                Method::PUT => {
                    let (object, warnings) = core.replace(crd, version, namespace, name, parse_body(body)?, part, fv)?;
                    Ok(json_response(StatusCode::OK, &object, &warnings))
                }
                Method::PATCH => {
                    let content_type = headers.get(header::CONTENT_TYPE).and_then(|h| h.to_str().ok()).unwrap_or_default();
                    if content_type.split(';').next().map(str::trim) != Some("application/merge-patch+json") {
                        return Err(ApiError::new(
                            415,
                            "UnsupportedMediaType",
                            format!("the test double accepts only application/merge-patch+json patches, not {content_type:?}"),
                        ));
                    }
                    let (object, warnings) = core.patch(crd, version, namespace, name, parse_body(body)?, part, fv)?;
                    Ok(json_response(StatusCode::OK, &object, &warnings))
                }
                Method::DELETE if !status => {
                    let options = if body.is_empty() { Value::Null } else { parse_body(body)? };
                    Ok(json_response(StatusCode::OK, &core.delete(crd, version, namespace, name, &options)?, &[]))
                }
                _ => Err(ApiError::new(405, "MethodNotAllowed", format!("the server does not allow this method on the requested resource ({method})"))),
            }
        }
        _ => Err(ApiError::no_route()),
    }
}

fn watch_response(core: &Arc<Core>, crd: usize, api_version: String, namespace: Option<&str>, query: &HashMap<String, String>) -> Result<Response, ApiError> {
    let flag = |k: &str| query.get(k).is_some_and(|v| v == "true" || v == "1");
    // 0 or absent: the server's own limit, as on a real API server.
    let requested = query.get("timeoutSeconds").and_then(|t| t.parse::<u64>().ok()).filter(|t| *t > 0).map(Duration::from_secs);
    let req = WatchRequest {
        crd,
        api_version,
        namespace: namespace.map(str::to_string),
        labels: LabelSelector::parse(query.get("labelSelector").map_or("", String::as_str)).map_err(ApiError::bad_request)?,
        fields: FieldSelector::parse(query.get("fieldSelector").map_or("", String::as_str)).map_err(ApiError::bad_request)?,
        resource_version: query.get("resourceVersion").cloned(),
        bookmarks: flag("allowWatchBookmarks"),
        send_initial_events: flag("sendInitialEvents"),
        timeout: requested.map_or(core.max_watch_timeout, |t| t.min(core.max_watch_timeout)),
    };
    let rx = watch::start(core.clone(), req)?;
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|line| (Ok::<_, Infallible>(line), rx)) });
    let mut response = Response::new(Body::from_stream(stream));
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(response)
}

fn parse_body(body: &Bytes) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::bad_request(format!("couldn't get version/kind; json parse error: {e}")))
}

fn json_response(code: StatusCode, body: &Value, warnings: &[String]) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = code;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    for w in warnings {
        // RFC 7234 warning: code 299, agent "-", quoted text.
        if let Ok(v) = HeaderValue::from_str(&format!("299 - \"{}\"", w.replace('\\', "\\\\").replace('"', "\\\""))) {
            headers.append(header::WARNING, v);
        }
    }
    response
}

fn error(e: &ApiError) -> Response {
    json_response(StatusCode::from_u16(e.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), &e.to_json(), &[])
}

fn version_info() -> Value {
    json!({
        "major": "1",
        "minor": "33",
        "gitVersion": "v1.33.0+kube-test-double",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "1970-01-01T00:00:00Z",
        "goVersion": "go1.24.0",
        "compiler": "gc",
        "platform": "linux/amd64"
    })
}

fn group_list(core: &Core) -> Value {
    let mut groups: Vec<Value> = Vec::new();
    for crd in &core.crds {
        let versions: Vec<Value> = crd.versions.iter().filter(|v| v.served).map(|v| json!({"groupVersion": crd.api_version(&v.name), "version": v.name})).collect();
        let preferred = crd.versions.iter().find(|v| v.storage).or(crd.versions.first()).map(|v| json!({"groupVersion": crd.api_version(&v.name), "version": v.name}));
        match groups.iter_mut().find(|g| g["name"] == crd.group.as_str()) {
            Some(g) => {
                let list = g["versions"].as_array_mut().expect("built below");
                for v in versions {
                    if !list.contains(&v) {
                        list.push(v);
                    }
                }
            }
            None => groups.push(json!({"name": crd.group, "versions": versions, "preferredVersion": preferred})),
        }
    }
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

fn resource_list(core: &Core, group: &str, version: &str) -> Result<Value, ApiError> {
    let mut resources = Vec::new();
    for crd in core.crds.iter().filter(|c| c.group == group) {
        let Some(v) = crd.served_version(version) else { continue };
        resources.push(json!({
            "name": crd.plural, "singularName": crd.singular, "namespaced": true, "kind": crd.kind,
            "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]
        }));
        if v.status_subresource {
            resources.push(json!({"name": format!("{}/status", crd.plural), "singularName": "", "namespaced": true, "kind": crd.kind, "verbs": ["get", "patch", "update"]}));
        }
    }
    if resources.is_empty() {
        return Err(ApiError::no_route());
    }
    Ok(json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": format!("{group}/{version}"), "resources": resources}))
}
