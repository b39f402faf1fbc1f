//! The seam between the generic agent server and a plugin: the generated plugin crate implements
//! [`Backend`], and [`crate::serve`] turns it into Flyte's agent gRPC services.

use crate::proto::flyteidl::admin;

/// A task type the backend handles, as propeller routes it: `TaskTemplate.type` and
/// `TaskTemplate.task_type_version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskTypeInfo {
    /// The task type name (`TaskTemplate.type`); must not collide with a type another deployed
    /// agent advertises, since propeller keeps only the last registration of a name.
    pub name: String,
    /// `TaskTemplate.task_type_version`; usually 0.
    pub version: i32,
}

/// What a plugin does for each agent call. The server handles discovery, health, limits and
/// shutdown; the backend only turns requests into work on its external system.
///
/// Errors are gRPC statuses because propeller reacts to them directly: any CreateTask error costs
/// the user one retry, and GetTask errors count towards a permanent system failure, so a job's
/// own failure should be reported as a phase in `GetTaskResponse`, not as an error.
#[tonic::async_trait]
pub trait Backend: Send + Sync + 'static {
    /// Agent name advertised by ListAgents/GetAgent.
    fn agent_name(&self) -> &str;
    /// The task types this backend serves; read once when the server starts.
    fn task_types(&self) -> &[TaskTypeInfo];
    /// Starts a job. Must be quick and idempotent: propeller retries with the same
    /// `TaskExecutionIdentifier` when a reply misses its deadline.
    async fn create_task(
        &self,
        request: admin::CreateTaskRequest,
    ) -> Result<admin::CreateTaskResponse, tonic::Status>;
    /// Reports a job's state. Must be cheap: propeller polls every running task.
    async fn get_task(
        &self,
        request: admin::GetTaskRequest,
    ) -> Result<admin::GetTaskResponse, tonic::Status>;
    /// Aborts a job. Must be idempotent: a job that is already gone counts as deleted.
    async fn delete_task(
        &self,
        request: admin::DeleteTaskRequest,
    ) -> Result<admin::DeleteTaskResponse, tonic::Status>;
}
