//! `AsyncAgentService`: the calls propeller makes for each task, passed on to the [`Backend`].

use std::sync::Arc;

use tonic::{Request, Response, Status};

use crate::backend::Backend;
use crate::echo::{capped_status, shown};
use crate::proto::flyteidl::admin;
use crate::proto::flyteidl::service::async_agent_service_server::AsyncAgentService;

pub(crate) struct AsyncAgent<B> {
    backend: Arc<B>,
}

impl<B> AsyncAgent<B> {
    pub(crate) fn new(backend: Arc<B>) -> Self {
        Self { backend }
    }
}

/// Logs the outcome of one call, the only log line of a failure; failures at `warn` because
/// propeller turns each one into a spent retry or a step towards a system failure. The message
/// is capped first ([`capped_status`]), for the caller and the log alike; the task type is the
/// caller's text too.
fn log_outcome<T>(rpc: &str, task_type: &str, result: Result<T, Status>) -> Result<T, Status> {
    let result = result.map_err(capped_status);
    match &result {
        Ok(_) => tracing::debug!(rpc, task_type = %shown(task_type), "ok"),
        Err(status) => tracing::warn!(
            rpc,
            task_type = %shown(task_type),
            code = ?status.code(),
            message = status.message(),
            "failed"
        ),
    }
    result
}

/// The task type a poll or delete is for: the category when set, else the deprecated field
/// that older propellers fill.
#[allow(deprecated)]
fn category_name<'a>(category: Option<&'a admin::TaskCategory>, task_type: &'a str) -> &'a str {
    category.map_or(task_type, |c| c.name.as_str())
}

#[tonic::async_trait]
impl<B: Backend> AsyncAgentService for AsyncAgent<B> {
    async fn create_task(
        &self,
        request: Request<admin::CreateTaskRequest>,
    ) -> Result<Response<admin::CreateTaskResponse>, Status> {
        let request = request.into_inner();
        let task_type = request
            .template
            .as_ref()
            .map(|t| t.r#type.clone())
            .unwrap_or_default();
        let result = self.backend.create_task(request).await;
        log_outcome("CreateTask", &task_type, result).map(Response::new)
    }

    async fn get_task(
        &self,
        request: Request<admin::GetTaskRequest>,
    ) -> Result<Response<admin::GetTaskResponse>, Status> {
        let request = request.into_inner();
        #[allow(deprecated)]
        let task_type =
            category_name(request.task_category.as_ref(), &request.task_type).to_owned();
        let result = self.backend.get_task(request).await;
        log_outcome("GetTask", &task_type, result).map(Response::new)
    }

    async fn delete_task(
        &self,
        request: Request<admin::DeleteTaskRequest>,
    ) -> Result<Response<admin::DeleteTaskResponse>, Status> {
        let request = request.into_inner();
        #[allow(deprecated)]
        let task_type =
            category_name(request.task_category.as_ref(), &request.task_type).to_owned();
        let result = self.backend.delete_task(request).await;
        log_outcome("DeleteTask", &task_type, result).map(Response::new)
    }

    /// Propeller never calls it; flytekit's connectors implement it only optionally.
    async fn get_task_metrics(
        &self,
        _request: Request<admin::GetTaskMetricsRequest>,
    ) -> Result<Response<admin::GetTaskMetricsResponse>, Status> {
        Err(Status::unimplemented(
            "GetTaskMetrics is not supported by this agent",
        ))
    }

    type GetTaskLogsStream = tonic::codegen::BoxStream<admin::GetTaskLogsResponse>;

    /// Propeller never calls it; logs are reached through the log links of GetTask instead.
    async fn get_task_logs(
        &self,
        _request: Request<admin::GetTaskLogsRequest>,
    ) -> Result<Response<Self::GetTaskLogsStream>, Status> {
        Err(Status::unimplemented(
            "GetTaskLogs is not supported by this agent",
        ))
    }
}
