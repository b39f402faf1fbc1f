//! Where task objects live: the seam between the agent logic and Kubernetes.
//!
//! The agent logic (`agent.rs`) only needs create / get / delete of one object by namespace and
//! name; [`ObjectStore`] says exactly that. The Kubernetes implementation answers `get` from a
//! watch-backed cache, so a poll costs no API request once the object has been seen.

use std::sync::Arc;

use crate::plugin::ResourceDef;

/// The outcome of a create.
#[derive(Debug, Clone, PartialEq)]
pub enum Created {
    /// The object is new.
    New,
    /// An object of that name already exists (a repeated CreateTask of the same attempt).
    AlreadyExists,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The API server could not be reached or answered 5xx / 429: worth retrying.
    #[error("Kubernetes API unavailable: {0}")]
    Unavailable(String),
    /// The API server refused the object (422 with field causes, 400): not worth retrying.
    #[error("Kubernetes rejected the object: {0}")]
    Rejected(String),
    /// The API server refused the backend itself, whatever the object: its credentials (401, such
    /// as a revoked or expired ServiceAccount token) or its RBAC (403). A deployment problem.
    #[error("Kubernetes refused the backend: {0}")]
    Denied(String),
}

/// Create, read and delete task objects.
#[tonic::async_trait]
pub trait ObjectStore: Send + Sync + 'static {
    /// Creates `object` (a complete object with apiVersion, kind and metadata).
    async fn create(&self, resource: &'static ResourceDef, namespace: &str, object: serde_json::Value) -> Result<Created, StoreError>;

    /// The object, from the cache when it has been seen, else from the API; `None` when absent.
    /// Shared, not copied: a poll reads the cache's own immutable value, which may hold only the
    /// metadata and the paths the plugin reads ([`ResourceDef::reads`]).
    async fn get(&self, resource: &'static ResourceDef, namespace: &str, name: &str) -> Result<Option<Arc<serde_json::Value>>, StoreError>;

    /// Every cached object of `resource` managed by this backend (for garbage collection and
    /// metrics); never an API request per object.
    async fn list(&self, resource: &'static ResourceDef) -> Result<Vec<Arc<serde_json::Value>>, StoreError>;

    /// Calls `visit` with every cached object of `resource`, one at a time, and returns how many
    /// there were; never an API request per object. The default goes through [`Self::list`]. A
    /// store that may hold many objects overrides it so that a sweep never holds a copy of all of
    /// them at once and lets other tasks run between objects.
    async fn for_each(&self, resource: &'static ResourceDef, visit: &mut (dyn for<'v> FnMut(&'v serde_json::Value) + Send)) -> Result<usize, StoreError> {
        let objects = self.list(resource).await?;
        for object in &objects {
            visit(object);
        }
        Ok(objects.len())
    }

    /// Deletes the object; an absent object is success.
    async fn delete(&self, resource: &'static ResourceDef, namespace: &str, name: &str) -> Result<(), StoreError>;

    /// The object as the API has it now, never from a cache; `None` only on a 404.
    async fn get_from_api(&self, resource: &'static ResourceDef, namespace: &str, name: &str) -> Result<Option<serde_json::Value>, StoreError>;

    /// Deletes the object only if it still has `uid` (so a newer object of the same name is
    /// never touched); an absent object, or one with another uid, is success.
    async fn delete_uid(&self, resource: &'static ResourceDef, namespace: &str, name: &str, uid: &str) -> Result<(), StoreError>;

    /// Sets the given annotations on the object (a merge patch of `metadata.annotations` only).
    async fn annotate(&self, resource: &'static ResourceDef, namespace: &str, name: &str, annotations: &[(&str, &str)]) -> Result<(), StoreError>;
}
