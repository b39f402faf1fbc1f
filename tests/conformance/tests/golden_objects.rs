//! Per task type and target: the object built from a fixed request is a reviewed golden
//! (insta snapshot), so any change to the mapping shows up as a diff.

use conformance::{targets, task_types, create, request};

#[tokio::test]
async fn every_task_type_and_target_builds_its_golden_object() {
    for task_type in task_types() {
        for target in targets() {
            let object = create(target, request(task_type, target)).await.unwrap_or_else(|e| panic!("{task_type} {target}: {e}"));
            insta::assert_json_snapshot!(format!("{task_type}-{target}"), object);
        }
    }
}
