//! CodeBuild projects and CodePipeline pipelines: what they write, and each rule
//! CodePipeline or CodeBuild would enforce at deploy, reported at synth with the
//! construct path and the user's line.

use serde_json::json;
use stackdef::assertions::{Match, Template};
use stackdef::codebuild::{BuildImage, BuildSpec, Phase, Project, ProjectProps};
use stackdef::codepipeline::{
    CodeBuildAction, EcsDeployAction, GitHubSource, ManualApproval, Pipeline, PipelineProps,
    RunTaskAction, SourceConnection,
};
use stackdef::ec2::{Vpc, VpcProps};
use stackdef::ecs::{
    Cluster, ClusterProps, ContainerImage, ContainerOptions, FargateService, FargateServiceProps,
    FargateTask, FargateTaskDefinition, FargateTaskDefinitionProps, FargateTaskProps,
};
use stackdef::{App, Env, Stack};

fn app() -> (App, Stack) {
    let app = App::new();
    let stack = app.stack("Ci", Env::aws("123456789012", "us-east-1"));
    (app, stack)
}

fn connection() -> SourceConnection {
    SourceConnection::from_arn(
        "arn:aws:codeconnections:us-east-1:123456789012:connection/0b4b3c3c-0000-4000-8000-000000000000",
    )
}

fn project(stack: &Stack, id: &str, spec: BuildSpec) -> Project {
    Project::pipeline(
        stack,
        id,
        ProjectProps::new(BuildImage::AmazonLinuxStandard5, spec),
    )
}

fn image_spec() -> BuildSpec {
    BuildSpec::new()
        .phase(Phase::Build, ["make image"])
        .artifact_files(["imagedefinitions.json"])
}

fn errors(app: &App) -> Vec<String> {
    match app.synthesize() {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(ToString::to_string).collect(),
    }
}

/// The error containing `needle`; it names `path` and points at this file's `line`.
#[track_caller]
fn assert_error_at(app: &App, needle: &str, path: &str, line: u32) -> String {
    let errs = errors(app);
    let Some(e) = errs.iter().find(|e| e.contains(needle)) else {
        panic!("no error contains {needle:?}; errors: {errs:#?}");
    };
    assert!(e.contains(path), "{e:?} does not name {path}");
    let at = format!("{}:{line}", file!());
    assert!(e.contains(&at), "{e:?} does not point at {at}");
    e.clone()
}

fn template(app: &App) -> Template {
    let out = app.synthesize().unwrap_or_else(|e| panic!("{e}"));
    Template::from_json(out.stack("Ci").expect("Ci").template.clone())
}

fn service(stack: &Stack) -> (FargateService, FargateTask) {
    let vpc = Vpc::new(stack, "Vpc", VpcProps::default());
    let cluster = Cluster::new(stack, "Cluster", &vpc, ClusterProps::default());
    let task = FargateTaskDefinition::new(stack, "Task", FargateTaskDefinitionProps::default());
    task.add_container(
        "web",
        ContainerImage::registry("nginx:1.27"),
        ContainerOptions {
            port_mappings: vec![80],
            ..Default::default()
        },
    );
    let service = FargateService::new(
        stack,
        "Service",
        &cluster,
        &task,
        FargateServiceProps::default(),
    );
    let once = FargateTaskDefinition::new(stack, "Once", FargateTaskDefinitionProps::default());
    once.add_container(
        "web",
        ContainerImage::registry("nginx:1.27"),
        ContainerOptions::default(),
    );
    let run = FargateTask::new(stack, "Run", &cluster, &once, FargateTaskProps::default());
    (service, run)
}

#[test]
fn a_complete_pipeline_writes_its_stages_roles_and_bucket() {
    let (app, stack) = app();
    let (svc, run) = service(&stack);
    let build = project(&stack, "Build", image_spec());
    let pipeline = Pipeline::new(&stack, "Pipeline", PipelineProps::default());
    let source = pipeline.add_source_stage("Source").add(GitHubSource::new(
        "Code",
        &connection(),
        "org",
        "app",
        "main",
    ));
    let image = pipeline
        .add_stage("Build")
        .add(CodeBuildAction::new("Image", &build, &source).with_output());
    pipeline
        .add_stage("Migrate")
        .add(RunTaskAction::new("Migrate", &run, &image).with_image_from("web"));
    let deploy = pipeline.add_stage("Deploy");
    deploy.add(ManualApproval::new("Approve"));
    pipeline
        .add_stage("Release")
        .add(EcsDeployAction::new("Web", &svc, &image));
    let _ = deploy;
    let t = template(&app);
    t.has_resource_properties(
        "AWS::CodePipeline::Pipeline",
        json!({
            "PipelineType": "V2",
            "Stages": [
                {"Name": "Source", "Actions": [{"ActionTypeId": {"Category": "Source", "Provider": "CodeStarSourceConnection"},
                    "Configuration": {"FullRepositoryId": "org/app", "BranchName": "main"},
                    "OutputArtifacts": [{"Name": "CodeOutput"}]}]},
                {"Name": "Build", "Actions": [{"ActionTypeId": {"Category": "Build", "Provider": "CodeBuild"},
                    "InputArtifacts": [{"Name": "CodeOutput"}], "OutputArtifacts": [{"Name": "ImageOutput"}]}]},
                {"Name": "Migrate", "Actions": [{"InputArtifacts": [{"Name": "ImageOutput"}]}]},
                {"Name": "Deploy", "Actions": [{"ActionTypeId": {"Category": "Approval", "Provider": "Manual"}}]},
                {"Name": "Release", "Actions": [{"ActionTypeId": {"Category": "Deploy", "Provider": "ECS"},
                    "Configuration": {"FileName": "imagedefinitions.json"}}]},
            ]
        }),
    );
    // The artifact bucket: private, encrypted, TLS-only, versioned.
    t.has_resource_properties(
        "AWS::S3::Bucket",
        json!({
            "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
            "VersioningConfiguration": {"Status": "Enabled"},
        }),
    );
    // The pipeline's role passes exactly the service's two task roles, to ECS only.
    let role = t.logical_id_of("Ci/Pipeline/Role").expect("pipeline role");
    let passes: Vec<serde_json::Value> = t.json()["Resources"][&role]["Properties"]["Policies"][0]
        ["PolicyDocument"]["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .filter(|s| s["Action"] == "iam:PassRole")
        .map(|s| s["Resource"].clone())
        .collect();
    let arn = |path: &str| json!({"Fn::GetAtt": [t.logical_id_of(path).unwrap_or_else(|| panic!("{path}")), "Arn"]});
    assert_eq!(
        passes,
        [arn("Ci/Task/ExecutionRole"), arn("Ci/Task/TaskRole")]
    );
    // The migration runs through a CodeBuild project that may run the task in its
    // cluster only.
    t.has_resource_properties(
        "AWS::CodeBuild::Project",
        Match::object_like([(
            "Source",
            Match::object_like([
                ("Type", Match::from(json!("CODEPIPELINE"))),
                ("BuildSpec", Match::string_containing("aws ecs run-task")),
            ]),
        )]),
    );
}

#[test]
fn fewer_than_two_stages() {
    let (app, stack) = app();
    let line = line!() + 1;
    let pipeline = Pipeline::new(&stack, "Pipeline", PipelineProps::default());
    pipeline.add_source_stage("Source").add(GitHubSource::new(
        "Code",
        &connection(),
        "org",
        "app",
        "main",
    ));
    assert_error_at(&app, "at least two stages", "Ci/Pipeline", line);
}

#[test]
fn first_stage_without_sources() {
    let (app, stack) = app();
    let line = line!() + 1;
    let pipeline = Pipeline::new(&stack, "Pipeline", PipelineProps::default());
    pipeline.add_stage("Approve").add(ManualApproval::new("Ok"));
    pipeline.add_stage("Again").add(ManualApproval::new("Ok"));
    assert_error_at(&app, "must hold the source actions", "Ci/Pipeline", line);
}

#[test]
fn source_stage_after_another() {
    let (app, stack) = app();
    let pipeline = Pipeline::new(&stack, "Pipeline", PipelineProps::default());
    pipeline.add_stage("Approve").add(ManualApproval::new("Ok"));
    let line = line!() + 1;
    pipeline.add_source_stage("Source");
    assert_error_at(
        &app,
        "must be the pipeline's first stage",
        "Ci/Pipeline",
        line,
    );
}

#[test]
fn duplicate_stage_and_action_names() {
    let (app, stack) = app();
    let pipeline = Pipeline::new(&stack, "Pipeline", PipelineProps::default());
    pipeline.add_source_stage("Source").add(GitHubSource::new(
        "Code",
        &connection(),
        "org",
        "app",
        "main",
    ));
    let approve = pipeline.add_stage("Approve");
    approve.add(ManualApproval::new("Ok"));
    let line = line!() + 1;
    approve.add(ManualApproval::new("Ok"));
    assert_error_at(
        &app,
        "already has an action named `Ok`",
        "Ci/Pipeline",
        line,
    );
    let line = line!() + 1;
    pipeline.add_stage("Approve");
    assert_error_at(
        &app,
        "already has a stage named `Approve`",
        "Ci/Pipeline",
        line,
    );
}

#[test]
fn empty_stage() {
    let (app, stack) = app();
    let pipeline = Pipeline::new(&stack, "Pipeline", PipelineProps::default());
    pipeline.add_source_stage("Source").add(GitHubSource::new(
        "Code",
        &connection(),
        "org",
        "app",
        "main",
    ));
    pipeline.add_stage("Nothing");
    let errs = errors(&app);
    assert!(
        errs.iter()
            .any(|e| e.contains("stage `Nothing` has no actions")),
        "{errs:#?}"
    );
}

#[test]
fn artifact_consumed_before_it_is_produced() {
    let (app, stack) = app();
    let (svc, _) = service(&stack);
    let build = project(&stack, "Build", image_spec());
    let pipeline = Pipeline::new(&stack, "Pipeline", PipelineProps::default());
    let source = pipeline.add_source_stage("Source").add(GitHubSource::new(
        "Code",
        &connection(),
        "org",
        "app",
        "main",
    ));
    let deploy = pipeline.add_stage("Deploy");
    let image = pipeline
        .add_stage("Build")
        .add(CodeBuildAction::new("Image", &build, &source).with_output());
    let line = line!() + 1;
    deploy.add(EcsDeployAction::new("Web", &svc, &image));
    let e = assert_error_at(&app, "produced in stage `Build`", "Ci/Pipeline", line);
    assert!(e.contains("stage `Deploy`, action `Web`"), "{e}");
}

#[test]
fn artifact_of_another_pipeline() {
    let (app, stack) = app();
    let build = project(&stack, "Build", image_spec());
    let first = Pipeline::new(&stack, "First", PipelineProps::default());
    let source = first.add_source_stage("Source").add(GitHubSource::new(
        "Code",
        &connection(),
        "org",
        "app",
        "main",
    ));
    first.add_stage("Approve").add(ManualApproval::new("Ok"));
    let second = Pipeline::new(&stack, "Second", PipelineProps::default());
    second.add_source_stage("Source").add(GitHubSource::new(
        "Code",
        &connection(),
        "org",
        "other",
        "main",
    ));
    let line = line!() + 3;
    second
        .add_stage("Build")
        .add(CodeBuildAction::new("Build", &build, &source));
    assert_error_at(&app, "produced by pipeline Ci/First", "Ci/Second", line);
}

#[test]
fn too_many_build_inputs() {
    let (app, stack) = app();
    let build = project(&stack, "Build", image_spec());
    let pipeline = Pipeline::new(&stack, "Pipeline", PipelineProps::default());
    let sources = pipeline.add_source_stage("Source");
    let inputs: Vec<_> = (0..6)
        .map(|n| {
            sources.add(GitHubSource::new(
                &format!("Repo{n}"),
                &connection(),
                "org",
                &format!("repo{n}"),
                "main",
            ))
        })
        .collect();
    let line = line!() + 3;
    pipeline
        .add_stage("Build")
        .add(CodeBuildAction::new("Build", &build, &inputs[0]).with_extra_inputs(&inputs[1..]));
    assert_error_at(
        &app,
        "takes 1 to 5 input artifacts, and 6 are given",
        "Ci/Pipeline",
        line,
    );
}

#[test]
fn build_output_without_artifact_files() {
    let (app, stack) = app();
    let tests = project(
        &stack,
        "Tests",
        BuildSpec::new().phase(Phase::Build, ["make test"]),
    );
    let pipeline = Pipeline::new(&stack, "Pipeline", PipelineProps::default());
    let source = pipeline.add_source_stage("Source").add(GitHubSource::new(
        "Code",
        &connection(),
        "org",
        "app",
        "main",
    ));
    let line = line!() + 3;
    pipeline
        .add_stage("Test")
        .add(CodeBuildAction::new("Test", &tests, &source).with_output());
    assert_error_at(&app, "lists none", "Ci/Pipeline", line);
}

#[test]
fn docker_buildspec_without_privileged_mode() {
    let (app, stack) = app();
    let line = line!() + 1;
    project(
        &stack,
        "Image",
        BuildSpec::new().phase(Phase::Build, ["docker build -t app ."]),
    );
    // The project is made in the helper above; its caller's line is the helper's.
    let errs = errors(&app);
    let e = errs
        .iter()
        .find(|e| e.contains("privileged: true"))
        .unwrap_or_else(|| panic!("{errs:#?}"));
    assert!(e.contains("Ci/Image"), "{e}");
    let _ = line;

    // Called directly, the error points at the call.
    let (app, stack) = self::app();
    let line = line!() + 1;
    Project::new(
        &stack,
        "Image",
        ProjectProps::new(
            BuildImage::AmazonLinuxStandard5,
            BuildSpec::new().phase(Phase::Build, ["cd app && docker build ."]),
        ),
    );
    assert_error_at(&app, "privileged: true", "Ci/Image", line);
}

#[test]
fn invalid_build_settings() {
    let (app, stack) = app();
    let line = line!() + 1;
    Project::new(
        &stack,
        "Job",
        ProjectProps {
            timeout_minutes: 3,
            environment: [
                ("CODEBUILD_X".to_owned(), "1".into()),
                ("1BAD".to_owned(), "2".into()),
            ]
            .into_iter()
            .collect(),
            ..ProjectProps::new(
                BuildImage::UbuntuStandard7,
                BuildSpec::from_source_file("buildspec.yml"),
            )
        },
    );
    for needle in [
        "timeout_minutes 3",
        "CODEBUILD_X",
        "`1BAD`",
        "has no commands",
    ] {
        assert_error_at(&app, needle, "Ci/Job", line);
    }
}

#[test]
fn run_task_with_an_unknown_container() {
    let (app, stack) = app();
    let (_, run) = service(&stack);
    let build = project(&stack, "Build", image_spec());
    let pipeline = Pipeline::new(&stack, "Pipeline", PipelineProps::default());
    let source = pipeline.add_source_stage("Source").add(GitHubSource::new(
        "Code",
        &connection(),
        "org",
        "app",
        "main",
    ));
    let image = pipeline
        .add_stage("Build")
        .add(CodeBuildAction::new("Image", &build, &source).with_output());
    let line = line!() + 3;
    pipeline
        .add_stage("Migrate")
        .add(RunTaskAction::new("Migrate", &run, &image).with_image_from("api"));
    assert_error_at(&app, "no container named `api`", "Ci/Pipeline", line);
}

/// A service deployed blue/green by CodeDeploy, behind a load balancer with a test
/// listener.
fn blue_green_group(stack: &Stack) -> stackdef::codedeploy::EcsDeploymentGroup {
    use stackdef::codedeploy::{
        EcsApplication, EcsApplicationProps, EcsDeploymentGroup, EcsDeploymentGroupProps,
    };
    use stackdef::ecs::DeploymentController;
    use stackdef::elbv2::{Alb, AlbProps, ListenerProps, TargetGroup, TargetGroupProps};
    let vpc = Vpc::new(stack, "Vpc", VpcProps::default());
    let cluster = Cluster::new(stack, "Cluster", &vpc, ClusterProps::default());
    let task = FargateTaskDefinition::new(stack, "Task", FargateTaskDefinitionProps::default());
    task.add_container(
        "web",
        ContainerImage::registry("nginx:1.27"),
        ContainerOptions {
            port_mappings: vec![80],
            ..Default::default()
        },
    );
    let service = FargateService::new(
        stack,
        "Service",
        &cluster,
        &task,
        FargateServiceProps {
            deployment_controller: DeploymentController::CodeDeploy,
            circuit_breaker_rollback: false,
            ..Default::default()
        },
    );
    let alb = Alb::new(stack, "Alb", &vpc, AlbProps::default());
    let listener = alb.add_listener("Http", ListenerProps::http(80));
    let blue = listener.forward_to("Blue", &service, TargetGroupProps::default());
    let green = TargetGroup::new(stack, "Green", &vpc, TargetGroupProps::default());
    let test = alb.add_listener("Test", ListenerProps::test(8080));
    test.forward_to_group(&green);
    let application = EcsApplication::new(stack, "Deploy", EcsApplicationProps::default());
    EcsDeploymentGroup::new(
        stack,
        "BlueGreen",
        &application,
        EcsDeploymentGroupProps {
            test_listener: Some(test),
            ..EcsDeploymentGroupProps::new(&service, &blue, &green, &listener)
        },
    )
}

#[test]
fn a_codedeploy_blue_green_action() {
    use stackdef::codepipeline::CodeDeployEcsAction;
    let (app, stack) = app();
    let group = blue_green_group(&stack);
    let build = project(
        &stack,
        "Build",
        BuildSpec::new()
            .phase(Phase::Build, ["make image"])
            .artifact_files(["taskdef.json", "appspec.yaml", "imageDetail.json"]),
    );
    let pipeline = Pipeline::new(&stack, "Pipeline", PipelineProps::default());
    let source = pipeline.add_source_stage("Source").add(GitHubSource::new(
        "Code",
        &connection(),
        "org",
        "app",
        "main",
    ));
    let image = pipeline
        .add_stage("Build")
        .add(CodeBuildAction::new("Image", &build, &source).with_output());
    pipeline.add_stage("Deploy").add(CodeDeployEcsAction::new(
        "BlueGreen",
        &group,
        &image,
        &image,
    ));
    let t = template(&app);
    let group_id = t.logical_id_of("Ci/BlueGreen").expect("group");
    let application = t.logical_id_of("Ci/Deploy").expect("application");
    t.has_resource_properties(
        "AWS::CodePipeline::Pipeline",
        Match::object_like([(
            "Stages",
            Match::array_with([Match::from(json!({"Name": "Deploy", "Actions": [{
                "ActionTypeId": {"Category": "Deploy", "Provider": "CodeDeployToECS"},
                "InputArtifacts": [{"Name": "ImageOutput"}],
                "Configuration": {
                    "ApplicationName": {"Ref": application},
                    "DeploymentGroupName": {"Ref": group_id},
                    "TaskDefinitionTemplateArtifact": "ImageOutput",
                    "TaskDefinitionTemplatePath": "taskdef.json",
                    "AppSpecTemplateArtifact": "ImageOutput",
                    "AppSpecTemplatePath": "appspec.yaml",
                    "Image1ArtifactName": "ImageOutput",
                    "Image1ContainerName": "IMAGE1_NAME",
                },
            }]}))]),
        )]),
    );
    // The role may create deployments in this group and pass the service's task roles.
    let role = t.logical_id_of("Ci/Pipeline/Role").expect("pipeline role");
    let statements =
        t.json()["Resources"][&role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
            .as_array()
            .expect("statements")
            .clone();
    assert!(
        statements.iter().any(|s| s["Action"]
            .as_array()
            .is_some_and(|a| a.contains(&json!("codedeploy:CreateDeployment")))),
        "{statements:#?}"
    );
    let passes: Vec<serde_json::Value> = statements
        .iter()
        .filter(|s| s["Action"] == "iam:PassRole")
        .map(|s| s["Resource"].clone())
        .collect();
    let arn = |path: &str| json!({"Fn::GetAtt": [t.logical_id_of(path).unwrap_or_else(|| panic!("{path}")), "Arn"]});
    assert_eq!(
        passes,
        [arn("Ci/Task/ExecutionRole"), arn("Ci/Task/TaskRole")]
    );
}

#[test]
fn a_codedeploy_action_with_a_bad_placeholder() {
    use stackdef::codepipeline::CodeDeployEcsAction;
    let (app, stack) = app();
    let group = blue_green_group(&stack);
    let build = project(&stack, "Build", image_spec());
    let pipeline = Pipeline::new(&stack, "Pipeline", PipelineProps::default());
    let source = pipeline.add_source_stage("Source").add(GitHubSource::new(
        "Code",
        &connection(),
        "org",
        "app",
        "main",
    ));
    let image = pipeline
        .add_stage("Build")
        .add(CodeBuildAction::new("Image", &build, &source).with_output());
    let line = line!() + 1;
    pipeline.add_stage("Deploy").add(CodeDeployEcsAction {
        image_placeholder: "<IMAGE1_NAME>".into(),
        ..CodeDeployEcsAction::new("BlueGreen", &group, &image, &image)
    });
    assert_error_at(&app, "image placeholder", "Ci/Pipeline", line);
}
