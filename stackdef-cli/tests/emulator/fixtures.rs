//! Small apps for the end-to-end tests, synthesized in the test process into a temporary
//! assembly that the `stackdef` binary reads with `--assembly`.

use std::path::{Path, PathBuf};

use stackdef::{App, CfnOutput, CfnParameter, CfnResource, Construct, Env, RemovalPolicy};

/// moto's (and our) default account.
pub const ACCOUNT: &str = "123456789012";

/// Synthesizes `build`'s app into `dir/name` and returns the assembly directory.
pub fn synth(dir: &Path, name: &str, build: impl FnOnce(&App)) -> PathBuf {
    let app = App::new();
    build(&app);
    let out = dir.join(name);
    app.synth_to(&out).expect("fixture app synthesizes");
    out
}

/// One stack: a queue (visibility timeout `visibility`), a topic, a log group, an output.
pub fn queue_app(app: &App, visibility: u32) {
    let stack = app.stack("Queues", Env::aws(ACCOUNT, "us-east-1"));
    let queue = CfnResource::new(&stack, "Jobs", "AWS::SQS::Queue");
    queue.set_property("VisibilityTimeout", visibility);
    let topic = CfnResource::new(&stack, "Alerts", "AWS::SNS::Topic");
    topic.set_property("DisplayName", "alerts");
    let logs = CfnResource::new(&stack, "AppLogs", "AWS::Logs::LogGroup");
    logs.set_property("RetentionInDays", 7);
    CfnOutput::new(&stack, "QueueUrl", queue.ref_value::<String>());
}

/// Two stacks: `Producer` exports its queue's ARN, `Consumer` imports it.
pub fn two_stack_app(app: &App) {
    let producer = app.stack("Producer", Env::aws(ACCOUNT, "us-east-1"));
    let queue = CfnResource::new(&producer, "Shared", "AWS::SQS::Queue");
    let consumer = app.stack("Consumer", Env::aws(ACCOUNT, "us-east-1"));
    let param = CfnResource::new(&consumer, "QueueArnParam", "AWS::SSM::Parameter");
    param.set_property("Name", "/stackdef-test/queue-arn");
    param.set_property("Type", "String");
    param.set_property("Value", queue.get_att::<String>("Arn"));
}

/// Types LocalStack really creates: a bucket named `bucket` (stateful), an SSM parameter, a
/// log group; outputs the parameter's name and the bucket's name.
pub fn localstack_app(app: &App, bucket: &str, parameter_value: &str) {
    let stack = app.stack("Store", Env::aws("000000000000", "us-east-1"));
    let b = CfnResource::new(&stack, "Data", "AWS::S3::Bucket");
    b.set_property("BucketName", bucket);
    b.apply_removal_policy(RemovalPolicy::Delete);
    let p = CfnResource::new(&stack, "Setting", "AWS::SSM::Parameter");
    p.set_property("Type", "String");
    p.set_property("Value", parameter_value);
    let l = CfnResource::new(&stack, "Audit", "AWS::Logs::LogGroup");
    l.set_property("RetentionInDays", 7);
    CfnOutput::new(&stack, "BucketName", b.ref_value::<String>());
    CfnOutput::new(&stack, "SettingName", p.ref_value::<String>());
}

/// A stack whose bucket has an invalid name: LocalStack's S3 provider rejects it. The name
/// comes from a parameter, so synth (which rejects the literal) cannot see it.
pub fn failing_app(app: &App) {
    let stack = app.stack("Broken", Env::aws("000000000000", "us-east-1"));
    let name = CfnParameter::new(&stack, "BucketNameParam", "String")
        .default_value("Invalid_Bucket_Name!");
    let p = CfnResource::new(&stack, "Fine", "AWS::SSM::Parameter");
    p.set_property("Type", "String");
    p.set_property("Value", "ok");
    let b = CfnResource::new(&stack, "BadBucket", "AWS::S3::Bucket");
    b.set_property("BucketName", name.value::<String>());
    b.add_depends_on(&p);
}

/// A stack over 51,200 bytes (large resource metadata), deployed through S3 staging.
pub fn large_app(app: &App) {
    let stack = app.stack("Large", Env::aws(ACCOUNT, "us-east-1"));
    let q = CfnResource::new(&stack, "Big", "AWS::SQS::Queue");
    q.add_metadata("Padding", "x".repeat(60_000));
}

/// A stack that takes a while on LocalStack: SSM parameters created one after another.
pub fn slow_app(app: &App) {
    let stack = app.stack("Slow", Env::aws("000000000000", "us-east-1"));
    let mut previous: Option<CfnResource> = None;
    for i in 0..4 {
        let p = CfnResource::new(&stack, &format!("Step{i}"), "AWS::SSM::Parameter");
        p.set_property("Type", "String");
        p.set_property("Value", format!("step {i}"));
        if let Some(prev) = &previous {
            p.add_depends_on(prev);
        }
        previous = Some(p);
    }
}

/// Like [`two_stack_app`], but the producer holds an ECR repository whose name moto (like
/// ECR) rejects, so the producer fails and the consumer must not run.
pub fn failing_producer_app(app: &App) {
    two_stack_app(app);
    let producer = app
        .stacks()
        .into_iter()
        .find(|s| s.name() == "Producer")
        .expect("producer stack");
    let repo = CfnResource::new(&producer, "Images", "AWS::ECR::Repository");
    repo.set_property("RepositoryName", "Not_A_Valid_Name");
}

/// A stack with a parameter named like a secret but echoed (a warning of the synth checks),
/// and, when `acknowledge` is set, the program's reason for accepting it.
pub fn warned_app(app: &App, acknowledge: bool) {
    let stack = app.stack("Warned", Env::aws(ACCOUNT, "us-east-1"));
    let password = CfnParameter::new(&stack, "DbPassword", "String");
    let p = CfnResource::new(&stack, "Setting", "AWS::SSM::Parameter");
    p.set_property("Type", "String");
    p.set_property("Value", password.value::<String>());
    if acknowledge {
        stack.node().acknowledge(
            stackdef::check::catalog::SECRET_PARAMETER_ECHOED,
            "a test password for a throwaway stack",
        );
    }
}

/// The NoEcho password the database fixtures are deployed with: no output may show it.
pub const DB_PASSWORD: &str = "Pw-9f3Kq7-never-on-screen";

/// One stack `Bank`: a MySQL instance named `db_name` (UpdateReplacePolicy and
/// DeletionPolicy Snapshot) whose password is a `NoEcho` parameter, and an audit log group
/// named `log_name` that is retained. Changing either name replaces the resource.
pub fn database_app(app: &App, db_name: &str, log_name: &str) {
    let stack = app.stack("Bank", Env::aws(ACCOUNT, "us-east-1"));
    let password = CfnParameter::new(&stack, "DbPassword", "String").no_echo();
    let db = CfnResource::new(&stack, "Database", "AWS::RDS::DBInstance");
    db.set_property("Engine", "mysql");
    db.set_property("DBInstanceClass", "db.t3.micro");
    db.set_property("AllocatedStorage", "20");
    db.set_property("MasterUsername", "bank");
    db.set_property("MasterUserPassword", password.value::<String>());
    db.set_property("DBName", db_name);
    db.set_property("StorageEncrypted", true);
    db.apply_removal_policy(RemovalPolicy::Snapshot);
    let logs = CfnResource::new(&stack, "Audit", "AWS::Logs::LogGroup");
    logs.set_property("LogGroupName", log_name);
    logs.set_property("RetentionInDays", 7);
    logs.apply_removal_policy(RemovalPolicy::Retain);
    CfnOutput::new(&stack, "DatabaseId", db.ref_value::<String>());
}

/// [`queue_app`] plus a role the queue's consumers assume, allowed `actions` on the queue:
/// adding it (or an action) broadens access.
pub fn queue_app_with_role(app: &App, visibility: u32, actions: &[&str]) {
    queue_app(app, visibility);
    let stack = app
        .stacks()
        .into_iter()
        .find(|s| s.name() == "Queues")
        .expect("queue stack");
    let role = CfnResource::new(&stack, "Worker", "AWS::IAM::Role");
    role.set_property(
        "AssumeRolePolicyDocument",
        serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole"}]
        }),
    );
    role.set_property(
        "Policies",
        serde_json::json!([{
            "PolicyName": "jobs",
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": actions, "Resource": "*"}
            ]}
        }]),
    );
}

/// W5's DNS part: a public hosted zone with an alias record for an internet-facing load
/// balancer; outputs the zone's id and the record's name.
pub fn alias_app(app: &App) {
    use stackdef::ec2::{Vpc, VpcProps};
    use stackdef::elbv2::{Alb, AlbProps};
    use stackdef::route53::{ARecord, HostedZone, HostedZoneProps, RecordProps, RecordTarget};
    let stack = app.stack("Edge", Env::aws(ACCOUNT, "us-east-1"));
    let vpc = Vpc::new(
        &stack,
        "Vpc",
        VpcProps {
            max_azs: 2,
            nat_gateways: 0,
            flow_logs: false,
            ..Default::default()
        },
    );
    let alb = Alb::new(&stack, "Alb", &vpc, AlbProps::default());
    let zone = HostedZone::new(&stack, "Zone", HostedZoneProps::public("bank.example.com"));
    let record = ARecord::new(
        &stack,
        "Www",
        &zone,
        RecordProps::new("www.bank.example.com", RecordTarget::load_balancer(&alb)),
    );
    CfnOutput::new(&stack, "ZoneId", zone.zone_id());
    CfnOutput::new(&stack, "RecordName", record.domain_name());
}
