//! The deploy engine against SDK-level fakes (aws-smithy-mocks), for what neither emulator
//! produces: a real rollback sequence with status reasons, `UPDATE_ROLLBACK_FAILED`,
//! throttling, expired credentials, an account mismatch, termination protection.

use std::sync::{Arc, Mutex};

use aws_sdk_cloudformation::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cloudformation::error::ErrorMetadata;
use aws_sdk_cloudformation::operation::create_change_set::CreateChangeSetOutput;
use aws_sdk_cloudformation::operation::delete_stack::DeleteStackOutput;
use aws_sdk_cloudformation::operation::describe_change_set::DescribeChangeSetOutput;
use aws_sdk_cloudformation::operation::describe_stack_events::{
    DescribeStackEventsError, DescribeStackEventsOutput,
};
use aws_sdk_cloudformation::operation::describe_stacks::{
    DescribeStacksError, DescribeStacksOutput,
};
use aws_sdk_cloudformation::operation::execute_change_set::ExecuteChangeSetOutput;
use aws_sdk_cloudformation::primitives::DateTime;
use aws_sdk_cloudformation::types::{
    Change, ChangeAction, ChangeSetStatus, ChangeType, ResourceChange, ResourceStatus, Stack,
    StackEvent, StackStatus,
};
use aws_sdk_sts::operation::get_caller_identity::{
    GetCallerIdentityError, GetCallerIdentityOutput,
};
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock};
use stackdef::{App, CfnResource, Env};
use stackdef_deploy::{
    AwsSession, Clients, Confirm, DeployError, DeployOptions, Deployer, DestroyOptions, Interrupt,
    Progress, Reporter, StackResult,
};
use stackdef_synth::assembly::Assembly;

const STACK_ID: &str = "arn:aws:cloudformation:us-east-1:123456789012:stack/Demo/1";

/// Records every event line; answers yes.
#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);

impl Reporter for Recorder {
    fn progress(&self, event: Progress<'_>) {
        if let Progress::Event { event, .. } = event {
            self.0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(format!(
                    "{} {} {}",
                    event.logical_id,
                    event.status,
                    event.reason.clone().unwrap_or_default()
                ));
        }
    }
    fn confirm(&self, _q: Confirm<'_>) -> bool {
        true
    }
}

fn assembly(dir: &std::path::Path) -> Assembly {
    let app = App::new();
    let stack = app.stack("Demo", Env::aws("123456789012", "us-east-1"));
    CfnResource::new(&stack, "Queue", "AWS::SQS::Queue");
    let topic = CfnResource::new(&stack, "Topic", "AWS::SNS::Topic");
    topic.set_property("DisplayName", "x".repeat(200));
    app.synth_to(dir).expect("synth");
    Assembly::read(dir).expect("assembly")
}

fn clients(cfn_rules: &[&Rule], sts_rules: &[&Rule]) -> Clients {
    let creds = Credentials::new("AKID", "SECRET", None, None, "test");
    let mut cfn_mock = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for r in cfn_rules {
        cfn_mock = cfn_mock.with_rule(r);
    }
    let mut sts_mock = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for r in sts_rules {
        sts_mock = sts_mock.with_rule(r);
    }
    let retry = aws_sdk_cloudformation::config::retry::RetryConfig::disabled();
    Clients {
        cloudformation: aws_sdk_cloudformation::Client::from_conf(
            aws_sdk_cloudformation::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("us-east-1"))
                .credentials_provider(creds.clone())
                .http_client(create_mock_http_client())
                .interceptor(cfn_mock)
                .retry_config(retry.clone())
                .build(),
        ),
        s3: aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("us-east-1"))
                .credentials_provider(creds.clone())
                .http_client(create_mock_http_client())
                .build(),
        ),
        sts: aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("us-east-1"))
                .credentials_provider(creds)
                .http_client(create_mock_http_client())
                .interceptor(sts_mock)
                .retry_config(retry)
                .build(),
        ),
        region: "us-east-1".into(),
    }
}

fn caller(account: &'static str) -> Rule {
    mock!(aws_sdk_sts::Client::get_caller_identity)
        .then_output(move || GetCallerIdentityOutput::builder().account(account).build())
}

fn stack(status: StackStatus, protected: bool) -> DescribeStacksOutput {
    DescribeStacksOutput::builder()
        .stacks(
            Stack::builder()
                .stack_name("Demo")
                .stack_id(STACK_ID)
                .stack_status(status)
                .enable_termination_protection(protected)
                .creation_time(DateTime::from_secs(0))
                .build(),
        )
        .build()
}

fn missing() -> DescribeStacksError {
    DescribeStacksError::generic(
        ErrorMetadata::builder()
            .code("ValidationError")
            .message("Stack with id Demo does not exist")
            .build(),
    )
}

fn event(
    id: &str,
    logical: &str,
    type_name: &str,
    status: ResourceStatus,
    reason: &str,
    secs: i64,
) -> StackEvent {
    StackEvent::builder()
        .event_id(id)
        .stack_id(STACK_ID)
        .stack_name("Demo")
        .logical_resource_id(logical)
        .physical_resource_id(if logical == "Demo" { STACK_ID } else { "" })
        .resource_type(type_name)
        .resource_status(status)
        .resource_status_reason(reason)
        .timestamp(DateTime::from_secs(secs))
        .build()
}

/// `CreateChangeSet` answering change set `cs-1` of the stack.
fn change_set_created() -> Rule {
    mock!(aws_sdk_cloudformation::Client::create_change_set).then_output(|| {
        CreateChangeSetOutput::builder()
            .id("cs-1")
            .stack_id(STACK_ID)
            .build()
    })
}

/// A resource change: `action` on `logical_id` of type `type_name`.
fn resource_change(action: ChangeAction, logical_id: &str, type_name: &str) -> ResourceChange {
    ResourceChange::builder()
        .action(action)
        .logical_resource_id(logical_id)
        .resource_type(type_name)
        .build()
}

/// `DescribeChangeSet` answering a ready change set with the `changes` made each time.
fn ready_change_set(changes: impl Fn() -> Vec<ResourceChange> + Send + Sync + 'static) -> Rule {
    mock!(aws_sdk_cloudformation::Client::describe_change_set).then_output(move || {
        changes()
            .into_iter()
            .fold(
                DescribeChangeSetOutput::builder().status(ChangeSetStatus::CreateComplete),
                |out, change| {
                    out.changes(
                        Change::builder()
                            .r#type(ChangeType::Resource)
                            .resource_change(change)
                            .build(),
                    )
                },
            )
            .build()
    })
}

/// `ExecuteChangeSet`, accepted.
fn change_set_executed() -> Rule {
    mock!(aws_sdk_cloudformation::Client::execute_change_set)
        .then_output(|| ExecuteChangeSetOutput::builder().build())
}

fn deployer(clients: Clients, reporter: Arc<dyn Reporter>) -> Deployer {
    Deployer::new(
        AwsSession::from_clients(clients),
        reporter,
        Interrupt::never(),
    )
}

#[tokio::test]
async fn failed_create_reports_first_failure_with_construct_path_and_rollback() {
    let dir = tempfile::tempdir().expect("temp dir");
    let asm = assembly(dir.path());
    let stacks = mock!(aws_sdk_cloudformation::Client::describe_stacks)
        .sequence()
        .error(missing)
        .output(|| stack(StackStatus::ReviewInProgress, false))
        .output(|| stack(StackStatus::RollbackInProgress, false))
        .output(|| stack(StackStatus::RollbackComplete, false))
        .repeatedly()
        .build();
    let create = change_set_created();
    let describe_cs = ready_change_set(|| {
        vec![
            resource_change(ChangeAction::Add, "Queue", "AWS::SQS::Queue"),
            resource_change(ChangeAction::Add, "Topic", "AWS::SNS::Topic"),
        ]
    });
    let execute = change_set_executed();
    // Newest first, as the API returns them.
    let all_events = || {
        DescribeStackEventsOutput::builder()
            .set_stack_events(Some(vec![
                event("e9", "Demo", "AWS::CloudFormation::Stack", ResourceStatus::RollbackComplete, "", 9),
                event("e8", "Queue", "AWS::SQS::Queue", ResourceStatus::DeleteComplete, "", 8),
                event(
                    "e7",
                    "Demo",
                    "AWS::CloudFormation::Stack",
                    ResourceStatus::RollbackInProgress,
                    "The following resource(s) failed to create: [Topic, Queue]. Rollback requested by user.",
                    7,
                ),
                event("e6", "Queue", "AWS::SQS::Queue", ResourceStatus::CreateFailed, "Resource creation cancelled", 6),
                event(
                    "e5",
                    "Topic",
                    "AWS::SNS::Topic",
                    ResourceStatus::CreateFailed,
                    "Resource handler returned message: \"Invalid parameter: DisplayName\" (HandlerErrorCode: InvalidRequest)",
                    5,
                ),
                event("e4", "Topic", "AWS::SNS::Topic", ResourceStatus::CreateInProgress, "", 4),
                event("e3", "Queue", "AWS::SQS::Queue", ResourceStatus::CreateInProgress, "", 3),
                event("e2", "Demo", "AWS::CloudFormation::Stack", ResourceStatus::CreateInProgress, "User Initiated", 2),
                event("e1", "Demo", "AWS::CloudFormation::Stack", ResourceStatus::from("REVIEW_IN_PROGRESS"), "", 1),
            ]))
            .build()
    };
    let events = mock!(aws_sdk_cloudformation::Client::describe_stack_events)
        .sequence()
        .output(|| {
            DescribeStackEventsOutput::builder()
                .stack_events(event(
                    "e1",
                    "Demo",
                    "AWS::CloudFormation::Stack",
                    ResourceStatus::from("REVIEW_IN_PROGRESS"),
                    "",
                    1,
                ))
                .build()
        })
        .output(all_events)
        .repeatedly()
        .build();
    let recorder = Arc::new(Recorder::default());
    let d = deployer(
        clients(
            &[&stacks, &create, &describe_cs, &execute, &events],
            &[&caller("123456789012")],
        ),
        recorder.clone(),
    );
    let report = d
        .deploy(&asm, &[], &DeployOptions::default())
        .await
        .expect("preflight passes");
    let StackResult::Failed(DeployError::StackFailed(failure)) = &report.stacks[0].result else {
        panic!(
            "expected a stack failure, got {:?}",
            report.stacks[0].result
        );
    };
    assert_eq!(failure.status, "ROLLBACK_COMPLETE");
    let first = failure.first_failure.as_ref().expect("first failure");
    assert_eq!(first.logical_id, "Topic");
    assert_eq!(first.construct_path.as_deref(), Some("Demo/Topic"));
    assert!(
        first
            .reason
            .as_deref()
            .unwrap_or_default()
            .contains("Invalid parameter: DisplayName")
    );
    let text = failure.to_string();
    assert!(
        text.contains("first failure: Demo/Topic (Topic AWS::SNS::Topic) CREATE_FAILED"),
        "{text}"
    );
    // What to do next, in the library's terms (the CLI adds its own command).
    assert!(
        text.ends_with("fix the cause, then delete the stack and create it again"),
        "{text}"
    );
    // Every event after the marker, once, in order, with reasons.
    let lines = recorder.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert_eq!(lines.len(), 8, "{lines:#?}");
    assert!(
        lines[0].starts_with("Demo CREATE_IN_PROGRESS User Initiated"),
        "{lines:#?}"
    );
    assert!(
        lines[5].contains("Rollback requested by user"),
        "{lines:#?}"
    );
    assert_eq!(lines[7], "Demo ROLLBACK_COMPLETE ");
}

#[tokio::test]
async fn update_rollback_failed_stack_gets_guidance_and_no_change_set() {
    let dir = tempfile::tempdir().expect("temp dir");
    let asm = assembly(dir.path());
    let stacks = mock!(aws_sdk_cloudformation::Client::describe_stacks)
        .then_output(|| stack(StackStatus::UpdateRollbackFailed, false));
    let create = mock!(aws_sdk_cloudformation::Client::create_change_set)
        .then_output(|| CreateChangeSetOutput::builder().id("cs").build());
    let d = deployer(
        clients(&[&stacks, &create], &[&caller("123456789012")]),
        Arc::new(Recorder::default()),
    );
    let report = d
        .deploy(&asm, &[], &DeployOptions::default())
        .await
        .expect("preflight passes");
    let StackResult::Failed(e @ DeployError::UpdateRollbackFailed { .. }) =
        &report.stacks[0].result
    else {
        panic!(
            "expected UPDATE_ROLLBACK_FAILED guidance, got {:?}",
            report.stacks[0].result
        );
    };
    assert!(
        e.to_string()
            .contains("continue-update-rollback --stack-name Demo"),
        "{e}"
    );
    assert_eq!(create.num_calls(), 0);
}

#[tokio::test]
async fn throttled_calls_are_retried_with_backoff() {
    let dir = tempfile::tempdir().expect("temp dir");
    let asm = assembly(dir.path());
    let throttled = || {
        DescribeStackEventsError::generic(
            ErrorMetadata::builder()
                .code("Throttling")
                .message("Rate exceeded")
                .build(),
        )
    };
    let stacks = mock!(aws_sdk_cloudformation::Client::describe_stacks)
        .sequence()
        .error(|| {
            DescribeStacksError::generic(
                ErrorMetadata::builder()
                    .code("Throttling")
                    .message("Rate exceeded")
                    .build(),
            )
        })
        .times(3)
        .output(|| stack(StackStatus::CreateComplete, false))
        .repeatedly()
        .build();
    let events = mock!(aws_sdk_cloudformation::Client::describe_stack_events)
        .sequence()
        .error(throttled)
        .times(2)
        .output(|| DescribeStackEventsOutput::builder().build())
        .repeatedly()
        .build();
    let d = deployer(
        clients(&[&stacks, &events], &[&caller("123456789012")]),
        Arc::new(Recorder::default()),
    );
    let started = std::time::Instant::now();
    let end = d.watch(&asm, "Demo").await.expect("throttling is retried");
    assert_eq!(end.status, StackStatus::CreateComplete);
    assert!(stacks.num_calls() >= 4 && events.num_calls() >= 3);
    // 100 + 200 + 400 ms of backoff for the three throttled DescribeStacks calls.
    assert!(started.elapsed() >= std::time::Duration::from_millis(700));
}

#[tokio::test]
async fn expired_credentials_are_one_sentence() {
    let dir = tempfile::tempdir().expect("temp dir");
    let asm = assembly(dir.path());
    let sts = mock!(aws_sdk_sts::Client::get_caller_identity).then_error(|| {
        GetCallerIdentityError::generic(
            ErrorMetadata::builder()
                .code("ExpiredToken")
                .message("The security token included in the request is expired")
                .build(),
        )
    });
    let d = deployer(clients(&[], &[&sts]), Arc::new(Recorder::default()));
    let err = d
        .deploy(&asm, &[], &DeployOptions::default())
        .await
        .expect_err("expired");
    assert!(matches!(err, DeployError::ExpiredCredentials));
    let text = err.to_string();
    assert!(
        text.starts_with("the AWS credentials have expired") && !text.contains('\n'),
        "{text}"
    );
}

#[tokio::test]
async fn account_mismatch_is_refused_before_any_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    let asm = assembly(dir.path());
    let stacks = mock!(aws_sdk_cloudformation::Client::describe_stacks).then_error(missing);
    let create = mock!(aws_sdk_cloudformation::Client::create_change_set)
        .then_output(|| CreateChangeSetOutput::builder().id("cs").build());
    let d = deployer(
        clients(&[&stacks, &create], &[&caller("999999999999")]),
        Arc::new(Recorder::default()),
    );
    let err = d
        .deploy(&asm, &[], &DeployOptions::default())
        .await
        .expect_err("mismatch");
    assert!(
        matches!(&err, DeployError::AccountMismatch { expected, actual, .. } if expected == "123456789012" && actual == "999999999999"),
        "{err}"
    );
    assert_eq!(
        stacks.num_calls() + create.num_calls(),
        0,
        "no CloudFormation call before the check"
    );
}

#[tokio::test]
async fn termination_protection_blocks_destroy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let asm = assembly(dir.path());
    let stacks = mock!(aws_sdk_cloudformation::Client::describe_stacks)
        .then_output(|| stack(StackStatus::CreateComplete, true));
    let delete = mock!(aws_sdk_cloudformation::Client::delete_stack)
        .then_output(|| DeleteStackOutput::builder().build());
    let d = deployer(
        clients(&[&stacks, &delete], &[&caller("123456789012")]),
        Arc::new(Recorder::default()),
    );
    let report = d
        .destroy(&asm, &[], &DestroyOptions::default())
        .await
        .expect("preflight passes");
    let StackResult::Failed(e @ DeployError::TerminationProtection { .. }) =
        &report.stacks[0].result
    else {
        panic!(
            "expected termination protection, got {:?}",
            report.stacks[0].result
        );
    };
    assert!(
        e.to_string().contains("update-termination-protection"),
        "{e}"
    );
    assert_eq!(delete.num_calls(), 0);
}

/// `--express`: the change set asks for CloudFormation's express mode. (Neither emulator
/// knows the parameter, so only a fake can show what is sent.)
#[tokio::test]
async fn express_mode_is_sent_with_the_change_set() {
    use aws_sdk_cloudformation::types::DeploymentConfigMode;
    let dir = tempfile::tempdir().expect("temp dir");
    let asm = assembly(dir.path());
    let sent: Arc<Mutex<Vec<Option<DeploymentConfigMode>>>> = Arc::default();
    let seen = sent.clone();
    let stacks = mock!(aws_sdk_cloudformation::Client::describe_stacks)
        .sequence()
        .error(missing)
        .output(|| stack(StackStatus::ReviewInProgress, false))
        .output(|| stack(StackStatus::CreateComplete, false))
        .repeatedly()
        .build();
    let create = mock!(aws_sdk_cloudformation::Client::create_change_set)
        .match_requests(move |req| {
            let mode = req.deployment_config().and_then(|c| c.mode()).cloned();
            seen.lock().unwrap_or_else(|e| e.into_inner()).push(mode);
            true
        })
        .then_output(|| {
            CreateChangeSetOutput::builder()
                .id("cs-1")
                .stack_id(STACK_ID)
                .build()
        });
    let describe_cs = ready_change_set(|| {
        vec![resource_change(
            ChangeAction::Add,
            "Queue",
            "AWS::SQS::Queue",
        )]
    });
    let execute = change_set_executed();
    let events = mock!(aws_sdk_cloudformation::Client::describe_stack_events).then_output(|| {
        DescribeStackEventsOutput::builder()
            .stack_events(event(
                "e2",
                "Demo",
                "AWS::CloudFormation::Stack",
                ResourceStatus::CreateComplete,
                "",
                2,
            ))
            .build()
    });
    let d = deployer(
        clients(
            &[&stacks, &create, &describe_cs, &execute, &events],
            &[&caller("123456789012")],
        ),
        Arc::new(Recorder::default()),
    );
    let options = DeployOptions {
        express: true,
        ..DeployOptions::default()
    };
    let report = d.deploy(&asm, &[], &options).await.expect("deploys");
    assert!(
        matches!(report.stacks[0].result, StackResult::Ok(_)),
        "{:?}",
        report.stacks[0].result
    );
    assert_eq!(
        *sent.lock().unwrap_or_else(|e| e.into_inner()),
        vec![Some(DeploymentConfigMode::Express)]
    );
    assert_eq!(DeployOptions::default().deployment_config(), None);
}

/// Records the steps the engine reports.
#[derive(Default)]
struct Steps(Mutex<Vec<String>>);

impl Reporter for Steps {
    fn progress(&self, event: Progress<'_>) {
        if let Progress::Step { message, .. } = event {
            self.0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(message.to_owned());
        }
    }
    fn confirm(&self, _q: Confirm<'_>) -> bool {
        true
    }
}

/// A deployed ECS service whose task definition CodeDeploy owns: the assembly (task-v2,
/// three tasks), the service's logical id and the deployed template (task-v1, two tasks).
fn codedeploy_service(dir: &std::path::Path) -> (Assembly, String, String) {
    let app = App::new();
    let stack_ = app.stack("Demo", Env::aws("123456789012", "us-east-1"));
    let service = CfnResource::new(&stack_, "Service", "AWS::ECS::Service");
    service.set_property("TaskDefinition", "task-v2");
    service.set_property("DesiredCount", 3);
    service.add_metadata(
        "stackdef:managedBy",
        serde_json::json!({
            "service": "CodeDeploy",
            "properties": ["TaskDefinition"],
            "deployedBy": "Demo/BlueGreen",
            "howToChange": "release it through CodeDeploy"
        }),
    );
    app.synth_to(dir).expect("synth");
    let asm = Assembly::read(dir).expect("assembly");
    let mut deployed = asm.template(&asm.manifest.stacks[0]).expect("template");
    let id = deployed["Resources"]
        .as_object()
        .and_then(|r| r.keys().next().cloned())
        .expect("the service");
    deployed["Resources"][&id]["Properties"]["TaskDefinition"] = "task-v1".into();
    deployed["Resources"][&id]["Properties"]["DesiredCount"] = 2.into();
    let deployed_text = deployed.to_string();
    (asm, id, deployed_text)
}

/// `DescribeStacks` and `GetTemplate` of a deployed stack whose template is `text`.
fn deployed_stack(text: String) -> [Rule; 2] {
    use aws_sdk_cloudformation::operation::get_template::GetTemplateOutput;
    [
        mock!(aws_sdk_cloudformation::Client::describe_stacks)
            .then_output(|| stack(StackStatus::UpdateComplete, false)),
        mock!(aws_sdk_cloudformation::Client::get_template).then_output(move || {
            GetTemplateOutput::builder()
                .template_body(text.clone())
                .build()
        }),
    ]
}

#[tokio::test]
async fn diff_holds_back_what_codedeploy_owns_as_the_deploy_does() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (asm, id, deployed_text) = codedeploy_service(dir.path());
    let [stacks, template] = deployed_stack(deployed_text);
    let d = deployer(
        clients(&[&stacks, &template], &[&caller("123456789012")]),
        Arc::new(Steps::default()),
    );
    let diffs = d.diff(&asm, &[]).await.expect("diffs");
    let diff = &diffs[0];
    // The task definition change is not what the deploy would do: only the count is.
    let service = diff
        .diff
        .resources
        .iter()
        .find(|r| r.logical_id == id)
        .expect("the service changes");
    let names: Vec<&str> = service.properties.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["DesiredCount"]);
    assert_eq!(diff.held_back.len(), 1, "{:?}", diff.held_back);
    let message = diff.held_back[0].message();
    assert!(
        message.starts_with("not applied: TaskDefinition of Demo/Service")
            && message.contains("CodeDeploy through Demo/BlueGreen"),
        "{message}"
    );
}

#[tokio::test]
async fn properties_codedeploy_owns_keep_their_deployed_values_and_are_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (asm, id, deployed_text) = codedeploy_service(dir.path());

    let [stacks, template] = deployed_stack(deployed_text);
    let bodies: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = bodies.clone();
    let create = mock!(aws_sdk_cloudformation::Client::create_change_set)
        .match_requests(move |req| {
            seen.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(req.template_body().unwrap_or_default().to_owned());
            true
        })
        .then_output(|| {
            CreateChangeSetOutput::builder()
                .id("cs-1")
                .stack_id(STACK_ID)
                .build()
        });
    let describe_cs = ready_change_set(|| {
        vec![resource_change(
            ChangeAction::Modify,
            "Service",
            "AWS::ECS::Service",
        )]
    });
    let execute = change_set_executed();
    let events = mock!(aws_sdk_cloudformation::Client::describe_stack_events).then_output(|| {
        DescribeStackEventsOutput::builder()
            .stack_events(event(
                "e2",
                "Demo",
                "AWS::CloudFormation::Stack",
                ResourceStatus::UpdateComplete,
                "",
                2,
            ))
            .build()
    });
    let steps = Arc::new(Steps::default());
    let d = deployer(
        clients(
            &[&stacks, &template, &create, &describe_cs, &execute, &events],
            &[&caller("123456789012")],
        ),
        steps.clone(),
    );
    let report = d
        .deploy(&asm, &[], &DeployOptions::default())
        .await
        .expect("deploys");
    assert!(
        matches!(report.stacks[0].result, StackResult::Ok(_)),
        "{:?}",
        report.stacks[0].result
    );
    // The change set keeps the deployed task definition and applies the rest.
    let bodies = bodies.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let sent: serde_json::Value = serde_json::from_str(&bodies[0]).expect("template body");
    assert_eq!(
        sent["Resources"][&id]["Properties"]["TaskDefinition"],
        "task-v1"
    );
    assert_eq!(sent["Resources"][&id]["Properties"]["DesiredCount"], 3);
    let steps = steps.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert!(
        steps.iter().any(
            |s| s.starts_with("not applied: TaskDefinition of Demo/Service")
                && s.contains("CodeDeploy through Demo/BlueGreen")
        ),
        "{steps:#?}"
    );
}

/// Records what following reports while nothing happens.
#[derive(Default)]
struct Heartbeats(Mutex<Vec<Vec<String>>>);

impl Reporter for Heartbeats {
    fn progress(&self, event: Progress<'_>) {
        if let Progress::Waiting { in_progress, .. } = event {
            self.0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(in_progress.to_vec());
        }
    }
    fn confirm(&self, _q: Confirm<'_>) -> bool {
        true
    }
}

#[tokio::test]
async fn a_stalled_stack_gets_heartbeats_then_the_time_limit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let asm = assembly(dir.path());
    // The stack never gets past CREATE_IN_PROGRESS; the queue started and never finishes.
    let stacks = mock!(aws_sdk_cloudformation::Client::describe_stacks)
        .sequence()
        .error(missing)
        .output(|| stack(StackStatus::ReviewInProgress, false))
        .output(|| stack(StackStatus::CreateInProgress, false))
        .repeatedly()
        .build();
    let create = change_set_created();
    let describe_cs = ready_change_set(|| {
        vec![resource_change(
            ChangeAction::Add,
            "Queue",
            "AWS::SQS::Queue",
        )]
    });
    let execute = change_set_executed();
    let marker = || {
        event(
            "e1",
            "Demo",
            "AWS::CloudFormation::Stack",
            ResourceStatus::from("REVIEW_IN_PROGRESS"),
            "",
            1,
        )
    };
    let events = mock!(aws_sdk_cloudformation::Client::describe_stack_events)
        .sequence()
        .output(move || {
            DescribeStackEventsOutput::builder()
                .stack_events(marker())
                .build()
        })
        .output(move || {
            DescribeStackEventsOutput::builder()
                .set_stack_events(Some(vec![
                    event(
                        "e3",
                        "Queue",
                        "AWS::SQS::Queue",
                        ResourceStatus::CreateInProgress,
                        "",
                        3,
                    ),
                    event(
                        "e2",
                        "Demo",
                        "AWS::CloudFormation::Stack",
                        ResourceStatus::CreateInProgress,
                        "User Initiated",
                        2,
                    ),
                    marker(),
                ]))
                .build()
        })
        .repeatedly()
        .build();
    let beats = Arc::new(Heartbeats::default());
    let d = deployer(
        clients(
            &[&stacks, &create, &describe_cs, &execute, &events],
            &[&caller("123456789012")],
        ),
        beats.clone(),
    );
    let options = DeployOptions {
        heartbeat: std::time::Duration::from_millis(300),
        timeout: Some(std::time::Duration::from_millis(1500)),
        ..DeployOptions::default()
    };
    let report = d
        .deploy(&asm, &[], &options)
        .await
        .expect("preflight passes");
    let StackResult::Failed(error @ DeployError::FollowTimeout { status, .. }) =
        &report.stacks[0].result
    else {
        panic!("expected the time limit, got {:?}", report.stacks[0].result);
    };
    assert_eq!(status, "CREATE_IN_PROGRESS");
    assert!(
        error.to_string().contains("the operation goes on"),
        "{error}"
    );
    let beats = beats.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert!(!beats.is_empty(), "no heartbeat while stalled");
    assert!(
        beats
            .iter()
            .all(|names| names == &["Demo/Queue".to_owned()]),
        "{beats:?}"
    );
}

#[tokio::test]
async fn a_conditional_replacement_of_a_database_is_refused_whatever_its_policy() {
    use aws_sdk_cloudformation::operation::delete_change_set::DeleteChangeSetOutput;
    use aws_sdk_cloudformation::operation::get_template::GetTemplateOutput;
    use aws_sdk_cloudformation::types::Replacement;
    use stackdef::RemovalPolicy;
    use stackdef_deploy::analysis::protection::{Allowances, Leftover, Loss};

    let dir = tempfile::tempdir().expect("temp dir");
    let app = App::new();
    let st = app.stack("Demo", Env::aws("123456789012", "us-east-1"));
    let db = CfnResource::new(&st, "Db", "AWS::RDS::DBInstance");
    db.set_property("DBInstanceClass", "db.t3.small");
    db.set_property("StorageEncrypted", true);
    db.apply_removal_policy(RemovalPolicy::Snapshot);
    app.synth_to(dir.path()).expect("synth");
    let asm = Assembly::read(dir.path()).expect("assembly");
    let deployed = serde_json::json!({"Resources": {"Db": {"Type": "AWS::RDS::DBInstance",
        "Properties": {"DBInstanceClass": "db.t3.micro", "StorageEncrypted": true},
        "DeletionPolicy": "Snapshot", "UpdateReplacePolicy": "Snapshot"}}})
    .to_string();

    let stacks = mock!(aws_sdk_cloudformation::Client::describe_stacks)
        .then_output(|| stack(StackStatus::UpdateComplete, false));
    let template = mock!(aws_sdk_cloudformation::Client::get_template).then_output(move || {
        GetTemplateOutput::builder()
            .template_body(deployed.clone())
            .build()
    });
    let create = change_set_created();
    // An instance class change may or may not replace, as CloudFormation decides later.
    let describe_cs = ready_change_set(|| {
        vec![
            ResourceChange::builder()
                .action(ChangeAction::Modify)
                .logical_resource_id("Db")
                .resource_type("AWS::RDS::DBInstance")
                .replacement(Replacement::Conditional)
                .build(),
        ]
    });
    let deleted = mock!(aws_sdk_cloudformation::Client::delete_change_set)
        .then_output(|| DeleteChangeSetOutput::builder().build());
    let execute = change_set_executed();
    let events = mock!(aws_sdk_cloudformation::Client::describe_stack_events).then_output(|| {
        DescribeStackEventsOutput::builder()
            .stack_events(event(
                "e1",
                "Demo",
                "AWS::CloudFormation::Stack",
                ResourceStatus::UpdateComplete,
                "",
                1,
            ))
            .build()
    });
    let d = deployer(
        clients(
            &[
                &stacks,
                &template,
                &create,
                &describe_cs,
                &deleted,
                &execute,
                &events,
            ],
            &[&caller("123456789012")],
        ),
        Arc::new(Recorder::default()),
    );
    let report = d
        .deploy(&asm, &[], &DeployOptions::default())
        .await
        .expect("preflight passes");
    let StackResult::Failed(DeployError::StatefulRefused { changes, .. }) =
        &report.stacks[0].result
    else {
        panic!("expected a refusal, got {:?}", report.stacks[0].result);
    };
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].loss, Loss::MaybeReplace);
    assert_eq!(changes[0].leftover, Leftover::Snapshot);
    assert_eq!(execute.num_calls(), 0, "executed a refused change set");
    let consequence = changes[0].consequence();
    assert!(
        consequence.contains("new, empty one") && consequence.contains("snapshot"),
        "{consequence}"
    );
    // Named, it goes on to execution.
    let options = DeployOptions {
        allow: Allowances {
            replace: vec!["Demo/Db".into()],
            remove: vec![],
        },
        ..DeployOptions::default()
    };
    let _ = d.deploy(&asm, &[], &options).await;
    assert_eq!(execute.num_calls(), 1, "the allowed change set did not run");
}
