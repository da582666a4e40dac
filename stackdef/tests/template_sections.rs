//! Snapshots of small templates covering the template model: parameters with constraints,
//! outputs with exports, conditions and `Fn::If`, mappings and `Fn::FindInMap`, every
//! intrinsic function, and resource attributes. Each snapshot was reviewed against what
//! CloudFormation expects; a change here changes what users deploy.

use indexmap::IndexMap;
use stackdef::fns::{self, Condition};
use stackdef::{
    App, CfnCondition, CfnMapping, CfnOutput, CfnParameter, CfnResource, Construct, Env, Expr,
    RemovalPolicy, ToTemplate, Value, sub,
};

fn env() -> Env {
    Env::aws("123456789012", "eu-west-1")
}

fn tag(key: &str, value: impl ToTemplate) -> Expr {
    let mut m = IndexMap::new();
    m.insert("Key".to_string(), Expr::string(key));
    m.insert("Value".to_string(), value.to_template());
    Expr::Map(m)
}

fn template(app: &App, stack: &str) -> String {
    let out = app.synthesize().expect("valid app");
    out.stack(stack).expect("stack").template_json.clone()
}

#[test]
fn parameters_and_outputs() {
    let app = App::new();
    let stack = app.stack("Params", env());
    stack.set_description("Parameters with constraints and exported outputs");
    let name = CfnParameter::new(&stack, "BucketName", "String")
        .description("Name of the data bucket")
        .default_value("bank-data")
        .allowed_pattern("^[a-z0-9-]+$", "lowercase letters, digits and hyphens")
        .length(Some(3), Some(63));
    let size = CfnParameter::new(&stack, "RetentionDays", "Number")
        .default_value(30)
        .allowed_values([7, 30, 90])
        .range(Some(1.0), Some(365.0));
    let password = CfnParameter::new(&stack, "DbPassword", "String")
        .no_echo()
        .length(Some(12), None);
    let vpc_id = CfnParameter::new(&stack, "VpcId", "AWS::EC2::VPC::Id");

    let bucket = CfnResource::new(&stack, "Bucket", "AWS::S3::Bucket");
    bucket.set_property("BucketName", name.value::<String>());
    bucket.add_override(
        "LifecycleConfiguration.Rules",
        vec![serde_json::json!({ "Status": "Enabled" })],
    );
    let secret = CfnResource::new(&stack, "Secret", "AWS::SecretsManager::Secret");
    secret.set_property("SecretString", password.value::<String>());
    secret.set_property(
        "Description",
        sub![
            "for ",
            vpc_id.value::<String>(),
            " kept ",
            size.value::<String>(),
            " days"
        ],
    );

    CfnOutput::new(&stack, "BucketArn", bucket.get_att::<String>("Arn"))
        .description("ARN of the data bucket")
        .export_name(sub![fns::stack_name(), "-BucketArn"]);
    CfnOutput::new(&stack, "DataBucket", bucket.ref_value::<String>()).export_name("bank-bucket");
    insta::assert_snapshot!("parameters_and_outputs", template(&app, "Params"));
}

#[test]
fn conditions_and_mappings() {
    let app = App::new();
    let stack = app.stack("Conds", env());
    let env_name = CfnParameter::new(&stack, "EnvName", "String")
        .allowed_values(["dev", "staging", "prod"])
        .default_value("dev");
    let is_prod = CfnCondition::new(
        &stack,
        "IsProd",
        Condition::equals(env_name.value::<String>(), "prod"),
    );
    let is_staging = CfnCondition::new(
        &stack,
        "IsStaging",
        Condition::equals(env_name.value::<String>(), "staging"),
    );
    let durable = CfnCondition::new(
        &stack,
        "IsDurable",
        Condition::or([is_prod.as_condition(), is_staging.as_condition()]),
    );
    let eu_dev = CfnCondition::new(
        &stack,
        "IsEuDev",
        Condition::and([
            Condition::not(durable.as_condition()),
            Condition::equals(fns::region(), "eu-west-1"),
        ]),
    );
    let mut table: IndexMap<String, IndexMap<String, serde_json::Value>> = IndexMap::new();
    for (region, ami, size) in [
        ("eu-west-1", "ami-0abc", "t3.small"),
        ("us-east-1", "ami-0def", "t3.medium"),
    ] {
        let mut row = IndexMap::new();
        row.insert("Ami".to_string(), serde_json::json!(ami));
        row.insert("InstanceType".to_string(), serde_json::json!(size));
        table.insert(region.to_string(), row);
    }
    let regions = CfnMapping::new(&stack, "RegionMap", table);

    stack.node().acknowledge(
        stackdef::check::catalog::UNENCRYPTED_STORAGE,
        "fixture: encryption at rest is not what this test covers",
    );
    let db = CfnResource::new(&stack, "Db", "AWS::RDS::DBInstance");
    db.set_property("MultiAZ", fns::if_::<bool>(&is_prod, true, false));
    db.set_property(
        "BackupRetentionPeriod",
        fns::if_::<i64>(&durable, 14, fns::no_value()),
    );
    db.set_property("DBInstanceClass", "db.t3.micro");
    db.set_property("Engine", "postgres");
    let host = CfnResource::new(&stack, "Host", "AWS::EC2::Instance");
    host.set_condition(&eu_dev);
    host.set_property("ImageId", regions.find::<String>(fns::region(), "Ami"));
    host.set_property(
        "InstanceType",
        regions.find::<String>("eu-west-1", "InstanceType"),
    );
    CfnOutput::new(&stack, "HostId", host.ref_value::<String>()).condition(&eu_dev);
    insta::assert_snapshot!("conditions_and_mappings", template(&app, "Conds"));
}

#[test]
fn intrinsic_functions() {
    let app = App::new();
    let stack = app.stack("Fns", env());
    let vpc = CfnResource::new(&stack, "Vpc", "AWS::EC2::VPC");
    vpc.set_property("CidrBlock", "10.0.0.0/16");
    let subnet = CfnResource::new(&stack, "Subnet", "AWS::EC2::Subnet");
    subnet.set_property("VpcId", vpc.ref_value::<String>());
    subnet.set_property(
        "CidrBlock",
        fns::select(0, fns::cidr(vpc.get_att::<String>("CidrBlock"), 6, 8)),
    );
    subnet.set_property("AvailabilityZone", fns::select(1, fns::get_azs()));
    let lt = CfnResource::new(&stack, "Template", "AWS::EC2::LaunchTemplate");
    lt.set_property(
        "LaunchTemplateData",
        serde_json::json!({ "InstanceType": "t3.micro" }),
    );
    lt.add_override(
        "LaunchTemplateData.UserData",
        fns::base64(sub![
            "#!/bin/bash\necho ${NOT_A_VARIABLE} ",
            fns::account_id(),
            " ",
            vpc.ref_value::<String>(),
            " ",
            subnet.get_att::<String>("AvailabilityZone"),
            "\n"
        ]),
    );
    let topic = CfnResource::new(&stack, "Topic", "AWS::SNS::Topic");
    topic.set_property(
        "TopicName",
        fns::join("-", vec![fns::stack_name(), Value::from("alerts")]),
    );
    topic.set_property(
        "DisplayName",
        fns::select(
            0,
            fns::split(",", fns::import_value::<String>("shared-names")),
        ),
    );
    topic.set_property(
        "Tags",
        vec![
            tag("plain", sub!["no ${intrinsic} needed"]),
            tag(
                "arn",
                sub![
                    "arn:",
                    fns::partition(),
                    ":sns:",
                    fns::region(),
                    ":",
                    fns::account_id(),
                    ":x.",
                    fns::url_suffix()
                ],
            ),
            tag("stack", fns::stack_id()),
        ],
    );
    insta::assert_snapshot!("intrinsic_functions", template(&app, "Fns"));
}

#[test]
fn resource_attributes() {
    let app = App::new();
    let stack = app.stack("Attrs", env());
    stack.add_tag("team", "bank");
    let key = CfnResource::new(&stack, "Key", "AWS::KMS::Key");
    key.apply_removal_policy(RemovalPolicy::Retain);
    stack.node().acknowledge(
        stackdef::check::catalog::UNENCRYPTED_STORAGE,
        "fixture: encryption at rest is not what this test covers",
    );
    let db = CfnResource::new(&stack, "Db", "AWS::RDS::DBInstance");
    db.set_deletion_policy(RemovalPolicy::Snapshot);
    db.set_update_replace_policy(RemovalPolicy::Snapshot);
    db.set_property("KmsKeyId", key.get_att::<String>("Arn"));
    let logs = CfnResource::new(&stack, "Logs", "AWS::Logs::LogGroup");
    logs.set_deletion_policy(RemovalPolicy::RetainExceptOnCreate);
    logs.set_update_replace_policy(RemovalPolicy::Retain);
    logs.add_depends_on(&db);
    logs.add_metadata("Owner", "platform");
    logs.add_metadata("KeyRef", key.ref_value::<String>());
    let cond = CfnCondition::new(
        &stack,
        "InEu",
        Condition::equals(fns::region(), "eu-west-1"),
    );
    let alarm = CfnResource::new(&stack, "Alarm", "AWS::CloudWatch::Alarm");
    alarm.set_condition(&cond);
    alarm.set_deletion_policy(RemovalPolicy::Delete);
    alarm.set_property("MetricName", "CPUUtilization");
    alarm.set_property("Namespace", "AWS/EC2");
    alarm.set_property("Statistic", "Average");
    alarm.set_property("Period", 60i64);
    alarm.set_property("ComparisonOperator", "GreaterThanThreshold");
    alarm.set_property("Threshold", 0.5);
    alarm.set_property("EvaluationPeriods", 3i64);
    alarm.set_property("ActionsEnabled", true);
    alarm.set_property("Dimensions", Vec::<String>::new());
    alarm.set_property("AlarmActions", fns::notification_arns());
    insta::assert_snapshot!("resource_attributes", template(&app, "Attrs"));
}

#[test]
fn cross_stack_templates_and_manifest() {
    let app = App::new();
    let consumer = app.stack("Service", env());
    let producer = app.stack("Network", env());
    let vpc = CfnResource::new(&producer, "Vpc", "AWS::EC2::VPC");
    vpc.set_property("CidrBlock", "10.0.0.0/16");
    let sg = CfnResource::new(&consumer, "Sg", "AWS::EC2::SecurityGroup");
    sg.set_property("GroupDescription", sub!["in ", vpc.ref_value::<String>()]);
    sg.set_property("VpcId", vpc.ref_value::<String>());
    let ingress = CfnResource::new(&consumer, "Ingress", "AWS::EC2::SecurityGroupIngress");
    ingress.set_property("GroupId", sg.get_att::<String>("GroupId"));
    ingress.set_property("IpProtocol", "tcp");
    ingress.set_property("FromPort", 443i64);
    ingress.set_property("ToPort", 443i64);
    ingress.set_property("CidrIp", vpc.get_att::<String>("CidrBlock"));
    let out = app.synthesize().expect("valid app");
    insta::assert_snapshot!(
        "cross_stack_network",
        out.stack("Network").expect("producer").template_json
    );
    insta::assert_snapshot!(
        "cross_stack_service",
        out.stack("Service").expect("consumer").template_json
    );
    let mut manifest = serde_json::to_string_pretty(&out.manifest()).expect("json");
    manifest.push('\n');
    insta::assert_snapshot!("cross_stack_manifest", manifest);
}
