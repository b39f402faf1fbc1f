//! `AgentMetadataService`: how propeller discovers which task types this deployment serves.

use tonic::{Request, Response, Status};

use crate::backend::TaskTypeInfo;
use crate::proto::flyteidl::admin;
use crate::proto::flyteidl::service::agent_metadata_service_server::AgentMetadataService;

/// The advertised task types are invalid; the server refuses to start rather than let propeller
/// route tasks wrongly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaskTypeError {
    #[error("the backend advertises no task types")]
    None,
    #[error("a task type has an empty name")]
    EmptyName,
    /// Propeller keeps one version per name: a second one would replace the first.
    #[error("task type {0:?} is advertised more than once")]
    Duplicate(String),
}

/// One `Agent` per task type, so each can be looked up alone with GetAgent. Each entry carries
/// the task category and, for propellers older than task categories, the deprecated
/// `supported_task_types`. Propeller 1.16 reads the deprecated list first and the categories
/// second, so the category (with its real version) wins.
pub(crate) fn advertised_agents(
    agent_name: &str,
    task_types: &[TaskTypeInfo],
) -> Result<Vec<admin::Agent>, TaskTypeError> {
    if task_types.is_empty() {
        return Err(TaskTypeError::None);
    }
    let mut agents: Vec<admin::Agent> = Vec::with_capacity(task_types.len());
    for task_type in task_types {
        if task_type.name.is_empty() {
            return Err(TaskTypeError::EmptyName);
        }
        if task_types
            .iter()
            .filter(|t| t.name == task_type.name)
            .count()
            > 1
        {
            return Err(TaskTypeError::Duplicate(task_type.name.clone()));
        }
        #[allow(deprecated)]
        agents.push(admin::Agent {
            name: agent_entry_name(agent_name, &task_type.name),
            supported_task_types: vec![task_type.name.clone()],
            is_sync: false,
            supported_task_categories: vec![admin::TaskCategory {
                name: task_type.name.clone(),
                version: task_type.version,
            }],
        });
    }
    Ok(agents)
}

/// The name of one task type's `Agent` entry, e.g. `"Spark on Kubernetes: spark-on-k8s"`.
pub fn agent_entry_name(agent_name: &str, task_type: &str) -> String {
    format!("{agent_name}: {task_type}")
}

/// Answers from memory: propeller gives ListAgents a 3 s deadline at start-up.
pub(crate) struct MetadataService {
    agents: Vec<admin::Agent>,
}

impl MetadataService {
    pub(crate) fn new(agents: Vec<admin::Agent>) -> Self {
        Self { agents }
    }
}

#[tonic::async_trait]
impl AgentMetadataService for MetadataService {
    async fn get_agent(
        &self,
        request: Request<admin::GetAgentRequest>,
    ) -> Result<Response<admin::GetAgentResponse>, Status> {
        let name = request.into_inner().name;
        match self.agents.iter().find(|agent| agent.name == name) {
            Some(agent) => Ok(Response::new(admin::GetAgentResponse {
                agent: Some(agent.clone()),
            })),
            None => Err(Status::not_found(format!("no agent named {name:?}"))),
        }
    }

    async fn list_agents(
        &self,
        _request: Request<admin::ListAgentsRequest>,
    ) -> Result<Response<admin::ListAgentsResponse>, Status> {
        Ok(Response::new(admin::ListAgentsResponse {
            agents: self.agents.clone(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task_type(name: &str, version: i32) -> TaskTypeInfo {
        TaskTypeInfo {
            name: name.into(),
            version,
        }
    }

    #[test]
    #[allow(deprecated)]
    fn each_task_type_becomes_one_async_agent_with_both_fields() {
        let agents = advertised_agents("demo", &[task_type("a", 0), task_type("b", 2)]).unwrap();
        assert_eq!(agents.len(), 2);
        assert_eq!(agents[1].name, "demo: b");
        assert_eq!(agents[1].supported_task_types, vec!["b".to_string()]);
        assert_eq!(
            agents[1].supported_task_categories,
            vec![admin::TaskCategory {
                name: "b".into(),
                version: 2
            }]
        );
        assert!(!agents[1].is_sync);
    }

    #[test]
    fn a_task_type_name_advertised_twice_is_rejected() {
        let err = advertised_agents("demo", &[task_type("a", 0), task_type("a", 1)]).unwrap_err();
        assert_eq!(err, TaskTypeError::Duplicate("a".into()));
    }

    #[test]
    fn no_or_unnamed_task_types_are_rejected() {
        assert_eq!(
            advertised_agents("demo", &[]).unwrap_err(),
            TaskTypeError::None
        );
        assert_eq!(
            advertised_agents("demo", &[task_type("", 0)]).unwrap_err(),
            TaskTypeError::EmptyName
        );
    }
}
