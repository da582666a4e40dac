//! Every rule stackdef checks at synth (and `stackdef validate` checks on any template):
//! its id, severity, what it catches, an example that triggers it, and the cfn-lint rules
//! that report the same mistake (or, for stackdef's own, why cfn-lint does not).

/// How a finding affects synth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// CloudFormation (or the service) would reject the template: synth fails.
    Error,
    /// A security choice: synth fails unless the program acknowledges it with a reason.
    Risk,
    /// Probably a mistake, possibly deliberate: reported, and `--strict` fails on it
    /// unless acknowledged.
    Warning,
}

impl Severity {
    /// `error`, `risk` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Risk => "risk",
            Severity::Warning => "warning",
        }
    }
}

/// One rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable id (`SD3003`).
    pub id: &'static str,
    /// Short name (`world-open-admin-port`).
    pub name: &'static str,
    /// Severity.
    pub severity: Severity,
    /// What it catches and why it matters.
    pub summary: &'static str,
    /// A template fragment (or program) that triggers it.
    pub example: &'static str,
    /// cfn-lint 1.51 rules that report the same mistake; empty for stackdef's own.
    pub cfn_lint: &'static [&'static str],
}

macro_rules! rules {
    ($($konst:ident = $id:literal $name:literal $sev:ident $cfn:expr, $summary:literal, $example:literal;)*) => {
        $(
            #[doc = concat!("`", $id, "` ", $name, ": ", $summary)]
            pub const $konst: &Rule = &Rule {
                id: $id,
                name: $name,
                severity: Severity::$sev,
                summary: $summary,
                example: $example,
                cfn_lint: $cfn,
            };
        )*

        /// Every rule, grouped by area.
        pub const ALL: &[&Rule] = &[$($konst),*];
    };
}

rules! {
    UNKNOWN_PROPERTY = "SD1001" "unknown-property" Error &["E3002"],
        "A property the resource type does not have (often a misspelling; the closest name is suggested).",
        r#"{"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": "vpc-1", "CidrBlok": "10.0.0.0/24"}}"#;
    WRONG_KIND = "SD1002" "wrong-kind" Error &["E3012"],
        "A value of the wrong JSON kind: a list where a string belongs, a string that is no number, an intrinsic that yields a string where an object is needed.",
        r#"{"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": "vpc-1", "Tags": {"Key": "a"}}}"#;
    REQUIRED = "SD1003" "required-property" Error &["E3003"],
        "A property the type requires is missing.",
        r#"{"Type": "AWS::EC2::Subnet", "Properties": {"CidrBlock": "10.0.0.0/24"}}"#;
    LENGTH = "SD1004" "string-length" Error &["E3033"],
        "A string shorter or longer than the schema allows.",
        r#"{"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "<600 characters>"}}"#;
    PATTERN = "SD1005" "string-pattern" Error &["E3031"],
        "A string that does not match the schema's pattern.",
        r#"{"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "has spaces!"}}"#;
    RANGE = "SD1006" "number-range" Error &["E3034"],
        "A number below the minimum or above the maximum.",
        r#"{"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": {"Port": 70000}}"#;
    ALLOWED_VALUES = "SD1007" "allowed-values" Error &["E3030"],
        "A value that is not one the schema lists (an enum value in the wrong case, a retention that is not one of the allowed numbers).",
        r#"{"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 31}}"#;
    LIST_SIZE = "SD1008" "list-size" Error &["E3032"],
        "A list with fewer or more items than the schema allows.",
        r#"{"Type": "AWS::Lambda::Function", "Properties": {"Architectures": ["arm64", "x86_64"], ...}}"#;
    FORMAT = "SD1009" "address-format" Error &["E3002"],
        "An address or CIDR block that is not written in the schema's format.",
        r#"{"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/33"}}"#;
    COMBINATION = "SD1010" "property-combination" Error &["E3014", "E3017", "E3020"],
        "Properties that must be set together, or must not be.",
        r#"{"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/24", "AvailabilityZone": "us-east-1a", "AvailabilityZoneId": "use1-az1"}}"#;
    READ_ONLY = "SD1011" "read-only-property" Warning &[],
        "An attribute CloudFormation sets, written as an input: it is not sent to the resource, so the value written has no effect.",
        r#"{"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/24", "SubnetId": "subnet-1"}}"#;
    UNKNOWN_TYPE = "SD1012" "unknown-resource-type" Error &["E3006"],
        "An `AWS::` resource type the registry does not know (the closest type is suggested).",
        r#"{"Type": "AWS::S3::Buckett"}"#;

    UNKNOWN_ATTRIBUTE = "SD2001" "unknown-attribute" Error &["E1010"],
        "`Fn::GetAtt` of an attribute the resource type does not have.",
        r#"{"Fn::GetAtt": ["Alb", "CanonicalHostedZoneId"]}   (the attribute is CanonicalHostedZoneID)"#;
    REFERENCE_KIND = "SD2002" "reference-kind" Error &["E1041"],
        "A reference to a resource of the wrong kind where the schema names the kind (a security group's id where a subnet id belongs). cfn-lint's E1041 covers some of these properties.",
        r#"{"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "SecurityGroup"}, ...}}"#;
    PUBLIC_IP_OF_PRIVATE_INSTANCE = "SD2003" "public-ip-of-private-instance" Error &[],
        "The public IP or DNS name of an instance that gets none (no public address on its network interface, in a subnet that does not assign one): the output fails at deploy. cfn-lint does not follow the subnet.",
        r#"{"Outputs": {"Ip": {"Value": {"Fn::GetAtt": ["PrivateHost", "PublicIp"]}}}}"#;
    INTRINSIC_KIND = "SD2004" "intrinsic-result-kind" Error &["E1015", "E1018", "E1019", "E1022"],
        "An intrinsic whose result has the wrong kind for where it is used: `Fn::Sub`, `Fn::Join` or a `Ref` to a resource (strings) where an object or a list is required, `Fn::GetAZs` or `Fn::Split` (lists) where a string is.",
        r#"{"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": {"Fn::Join": [",", [{"Ref": "Orders"}, {"Ref": "Refunds"}]]}, ...}}"#;

    SUBNET_OUTSIDE_VPC = "SD3001" "subnet-outside-vpc" Error &["E3059"],
        "A subnet's CIDR block is not inside its VPC's block.",
        r#"VPC 10.0.0.0/16 with a subnet 10.1.0.0/24"#;
    SUBNETS_OVERLAP = "SD3002" "subnets-overlap" Error &["E3060"],
        "Two subnets of one VPC overlap.",
        r#"subnets 10.0.0.0/24 and 10.0.0.128/25 in one VPC"#;
    WORLD_OPEN_ADMIN_PORT = "SD3003" "world-open-admin-port" Risk &[],
        "An administrative or database port (SSH 22, RDP 3389, MySQL 3306, PostgreSQL 5432, SQL Server 1433, Redis 6379, MongoDB 27017, ...) open to 0.0.0.0/0 or ::/0. Acknowledge it with a reason if it is meant. cfn-lint has no such rule (checkov's CKV_AWS_24/25 are close).",
        r#"{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}"#;
    PORT_RANGE_REVERSED = "SD3004" "port-range-reversed" Error &[],
        "A rule whose first port is above its last.",
        r#"{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 80, "CidrIp": "10.0.0.0/8"}"#;
    RULE_WITHOUT_PORTS = "SD3005" "rule-without-ports" Error &["E3687"],
        "A TCP or UDP security group rule without FromPort and ToPort: EC2 rejects it.",
        r#"{"IpProtocol": "tcp", "CidrIp": "10.0.0.0/8"}"#;
    LOAD_BALANCER_ONE_AZ = "SD3006" "load-balancer-one-az" Error &[],
        "An application load balancer whose subnets are all in one availability zone (it needs two). cfn-lint does not resolve the subnets' zones.",
        r#"an ALB with two subnets both in us-east-1a"#;
    DB_SUBNETS_ONE_AZ = "SD3007" "db-subnet-group-one-az" Error &[],
        "A DB subnet group whose subnets are all in one availability zone (RDS needs two).",
        r#"a DBSubnetGroup of two subnets both in us-east-1a"#;
    CIDR_HOST_BITS = "SD3008" "cidr-host-bits" Warning &["E3002"],
        "A security group rule whose `CidrIp` or `CidrIpv6` has bits set past its prefix (`10.0.0.1/16`): EC2 accepts it but keeps only the network (`10.0.0.0/16`), which may be far wider than the one address meant, and the stored rule then differs from the template. Write the network address, or `/32` (`/128`) for one host.",
        r#"{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.1/16"}"#;
    LOAD_BALANCER_SUBNETS_SAME_AZ = "SD3009" "load-balancer-subnets-same-az" Error &[],
        "A load balancer given two subnets in the same availability zone: Elastic Load Balancing takes one subnet per zone and rejects the load balancer. Keep one subnet of each zone. cfn-lint does not resolve the subnets' zones.",
        r#"an ALB with subnets in us-east-1a, us-east-1b and us-east-1b"#;

    USER_DATA_NOT_BASE64 = "SD4001" "user-data-not-base64" Error &[],
        "An instance's or launch template's user data written as plain text: EC2 expects base64 (wrap it in Fn::Base64). cfn-lint accepts it.",
        r##"{"Type": "AWS::EC2::Instance", "Properties": {"UserData": "#!/bin/bash\nyum -y update"}}"##;
    USER_DATA_TOO_LARGE = "SD4002" "user-data-too-large" Error &[],
        "User data over 16 KB once base64-encoded: EC2 rejects it.",
        r#"a user data script of 13,000 characters"#;
    UNKNOWN_INSTANCE_TYPE = "SD4003" "unknown-instance-type" Warning &["E3030", "E3628"],
        "An instance type the registry does not list (the closest one is suggested). A warning, as new types appear before the schemas list them.",
        r#"{"InstanceType": "t3.mirco"}"#;
    IMDSV1_ALLOWED = "SD4004" "imdsv1-allowed" Warning &[],
        "An instance that allows the instance metadata service's version 1 (no `HttpTokens: required`), which server-side request forgery can reach.",
        r#"{"Type": "AWS::EC2::Instance", "Properties": {"ImageId": "ami-1"}}"#;
    RESERVED_LAMBDA_ENVIRONMENT = "SD4005" "reserved-lambda-environment-variable" Error &["E3663"],
        "A Lambda function environment variable whose name Lambda reserves (`AWS_REGION`, `AWS_LAMBDA_FUNCTION_NAME`, `_HANDLER`, `AWS_ACCESS_KEY_ID`, ...): Lambda sets these itself and rejects the function. Rename the variable.",
        r#"{"Type": "AWS::Lambda::Function", "Properties": {"Environment": {"Variables": {"AWS_REGION": "us-east-1"}}, ...}}"#;

    UNENCRYPTED_STORAGE = "SD5001" "unencrypted-storage" Risk &[],
        "Storage written without encryption at rest (an RDS instance or cluster, an EBS volume or block device, an EFS file system, an ElastiCache replication group). cfn-lint has no such rule (checkov does).",
        r#"{"Type": "AWS::RDS::DBInstance", "Properties": {"StorageEncrypted": false, ...}}"#;
    PUBLIC_DATABASE = "SD5002" "public-database" Risk &[],
        "A database instance with a public address.",
        r#"{"Type": "AWS::RDS::DBInstance", "Properties": {"PubliclyAccessible": true, ...}}"#;
    PUBLIC_BUCKET = "SD5003" "public-bucket" Risk &[],
        "A bucket whose public access block is turned off.",
        r#"{"Type": "AWS::S3::Bucket", "Properties": {"PublicAccessBlockConfiguration": {"BlockPublicAcls": false}}}"#;
    SNAPSHOT_UNSUPPORTED = "SD5004" "snapshot-unsupported" Error &["E3035", "E3036"],
        "`DeletionPolicy` or `UpdateReplacePolicy` `Snapshot` on a type that cannot be snapshotted.",
        r#"{"Type": "AWS::S3::Bucket", "DeletionPolicy": "Snapshot"}"#;
    STATEFUL_WITHOUT_POLICY = "SD5005" "stateful-without-retention" Warning &["W3011"],
        "A resource that holds data (database, bucket, volume, file system, log group, ...) whose `UpdateReplacePolicy` and `DeletionPolicy` do not keep it: a replacement or removal deletes the data.",
        r#"{"Type": "AWS::RDS::DBInstance", "DeletionPolicy": "Delete"}"#;
    UNKNOWN_DB_INSTANCE_CLASS = "SD5006" "unknown-db-instance-class" Error &["E3025", "E3062"],
        "An RDS instance class the engine does not offer in the stack's region (the closest is suggested; acknowledge it if it is newer than stackdef's data).",
        r#"{"Engine": "mysql", "DBInstanceClass": "db.t3.mirco"}"#;
    UNKNOWN_ENGINE_VERSION = "SD5007" "unknown-engine-version" Error &["E3691"],
        "An RDS engine version the engine does not have (a major version alone picks the newest minor one).",
        r#"{"Engine": "mysql", "EngineVersion": "8.0.99"}"#;
    MULTI_AZ_WITH_ZONE = "SD5008" "multi-az-instance-with-zone" Error &[],
        "A DB instance with `MultiAZ: true` and an `AvailabilityZone`: RDS places a Multi-AZ deployment itself and rejects a zone. Remove AvailabilityZone (or turn MultiAZ off). cfn-lint only warns that the zone is hard-coded (W3010).",
        r#"{"Type": "AWS::RDS::DBInstance", "Properties": {"MultiAZ": true, "AvailabilityZone": "us-east-1a", ...}}"#;

    PLAINTEXT_SECRET_IN_ENVIRONMENT = "SD6001" "plaintext-secret-in-environment" Risk &[],
        "A literal value in a container's or function's environment under a name that says it is secret (PASSWORD, SECRET, TOKEN, API_KEY, ...): anyone who can read the task definition reads it. Inject it from Secrets Manager or SSM instead.",
        r#"{"Environment": [{"Name": "DB_PASSWORD", "Value": "hunter2"}]}"#;
    LITERAL_SECRET_PROPERTY = "SD6002" "literal-secret-property" Risk &["W2501"],
        "A literal in a property that holds a secret (a password, a secret string): it is stored in the template. Use a generated secret or a dynamic reference.",
        r#"{"Type": "AWS::RDS::DBInstance", "Properties": {"MasterUserPassword": "hunter2", ...}}"#;
    SECRET_PARAMETER_ECHOED = "SD6003" "secret-parameter-echoed" Warning &["W2501"],
        "A parameter named like a secret without `NoEcho`: its value shows in the console and in API output.",
        r#"{"Parameters": {"DbPassword": {"Type": "String"}}}"#;

    UNKNOWN_IAM_ACTION = "SD7001" "unknown-iam-action" Warning &["W3037"],
        "An IAM action the service does not have (the closest is suggested).",
        r#"{"Action": "s3:GetObjects"}"#;
    UNKNOWN_SERVICE_PRINCIPAL = "SD7002" "unknown-service-principal" Warning &[],
        "A service principal close to, but not, one stackdef knows (`ecs-task.amazonaws.com` for `ecs-tasks.amazonaws.com`): the role cannot be assumed by the service meant.",
        r#"{"Principal": {"Service": "ecs-task.amazonaws.com"}}"#;
    ADMIN_POLICY = "SD7003" "admin-policy" Risk &[],
        "A statement that allows every action on every resource.",
        r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#;
    POLICY_VERSION = "SD7004" "policy-version" Error &["E3510"],
        "A policy document whose `Version` is not `2012-10-17` (or the legacy `2008-10-17`).",
        r#"{"Version": "2012-10-18", "Statement": [...]}"#;
    STATEMENT_EFFECT = "SD7005" "statement-effect" Error &["E3510"],
        "A statement whose `Effect` is not `Allow` or `Deny`.",
        r#"{"Effect": "allow", ...}"#;
    STATEMENT_WITHOUT_ACTION = "SD7006" "statement-without-action" Error &["E3510"],
        "A statement with neither `Action` nor `NotAction`.",
        r#"{"Effect": "Allow", "Resource": "*"}"#;
    MALFORMED_ARN = "SD7007" "malformed-arn" Error &["E3510"],
        "A statement `Resource` that is neither `*` nor an ARN.",
        r#"{"Resource": "my-bucket/*"}"#;
    TRUST_ANYONE = "SD7008" "role-trusts-anyone" Risk &[],
        "A role whose trust policy lets any principal (`*`) assume it.",
        r#"{"Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}"#;

    FARGATE_SIZE = "SD8001" "fargate-task-size" Error &["E3047"],
        "A Fargate task whose cpu and memory are not a combination Fargate offers.",
        r#"{"RequiresCompatibilities": ["FARGATE"], "Cpu": "512", "Memory": "512"}"#;
    FARGATE_NETWORK_MODE = "SD8002" "fargate-network-mode" Error &["E3048"],
        "A Fargate task whose network mode is not `awsvpc`.",
        r#"{"RequiresCompatibilities": ["FARGATE"], "NetworkMode": "bridge"}"#;
    LAUNCH_TYPE_AND_STRATEGY = "SD8003" "launch-type-and-capacity-providers" Error &[],
        "A service with both `LaunchType` and a `CapacityProviderStrategy`: ECS rejects it. cfn-lint accepts it.",
        r#"{"LaunchType": "FARGATE", "CapacityProviderStrategy": [{"CapacityProvider": "FARGATE_SPOT"}]}"#;
    CIRCUIT_BREAKER_CONTROLLER = "SD8004" "circuit-breaker-needs-ecs-controller" Error &[],
        "A deployment circuit breaker on a service that ECS does not deploy (CodeDeploy or external controller): ECS rejects it.",
        r#"{"DeploymentController": {"Type": "CODE_DEPLOY"}, "DeploymentConfiguration": {"DeploymentCircuitBreaker": {"Enable": true, "Rollback": true}}}"#;
    CODEDEPLOY_TWO_TARGET_GROUPS = "SD8005" "codedeploy-service-target-groups" Error &[],
        "A service deployed by CodeDeploy that registers more than one target group: the green group belongs to CodeDeploy, not to the service.",
        r#"{"DeploymentController": {"Type": "CODE_DEPLOY"}, "LoadBalancers": [{...blue...}, {...green...}]}"#;
    DUPLICATE_CONTAINER_PORT = "SD8006" "duplicate-container-port" Error &[],
        "Two containers of one awsvpc task map the same port: they share one network interface.",
        r#"two ContainerDefinitions both with ContainerPort 8000"#;
    LOAD_BALANCER_CONTAINER_UNKNOWN = "SD8007" "load-balancer-container-unknown" Error &[],
        "A service sends load balancer traffic to a container its task definition does not have.",
        r#"{"LoadBalancers": [{"ContainerName": "web", ...}]} with a task whose container is "app""#;
    LOAD_BALANCER_PORT_NOT_MAPPED = "SD8008" "load-balancer-port-not-mapped" Error &[],
        "A service sends load balancer traffic to a port its container does not map.",
        r#"{"LoadBalancers": [{"ContainerName": "app", "ContainerPort": 8000}]} with the container mapping 5000"#;
    SERVICE_WITHOUT_NETWORK = "SD8009" "awsvpc-service-without-network" Error &["E3052"],
        "A service of an awsvpc task (every Fargate task) without `NetworkConfiguration`: ECS rejects it.",
        r#"a Fargate service with no NetworkConfiguration"#;
    GRACE_PERIOD_WITHOUT_LOAD_BALANCER = "SD8010" "grace-period-without-load-balancer" Warning &[],
        "`HealthCheckGracePeriodSeconds` on a service with no load balancer, VPC Lattice or container health check: ECS ignores it.",
        r#"{"HealthCheckGracePeriodSeconds": 60} and no LoadBalancers"#;
    CONTAINER_MEMORY_OVER_TASK = "SD8011" "container-memory-over-task" Error &[],
        "A container whose `Memory` or `MemoryReservation` is above the task's `Memory`, or containers whose reserved memory (MemoryReservation, else Memory) adds up to more than it: ECS rejects the task definition. Raise the task's memory or lower the containers'.",
        r#"{"Memory": "512", "ContainerDefinitions": [{"Name": "app", "Memory": 1024, ...}]}"#;

    RULE_PRIORITY_DUPLICATE = "SD9001" "listener-rule-priority-duplicate" Error &[],
        "Two rules of one listener with the same priority.",
        r#"two ListenerRules of one listener with Priority 10"#;
    HEALTH_CHECK_MATCHER = "SD9002" "health-check-matcher" Error &[],
        "A health check matcher that is not an HTTP code, a list or a range within 200-499.",
        r#"{"Matcher": {"HttpCode": "200-600"}}"#;
    HEALTH_CHECK_TIMEOUT = "SD9003" "health-check-timeout" Error &[],
        "A health check timeout that is not below its interval.",
        r#"{"HealthCheckIntervalSeconds": 10, "HealthCheckTimeoutSeconds": 10}"#;
    HTTPS_WITHOUT_CERTIFICATE = "SD9004" "https-listener-without-certificate" Error &["E3676"],
        "An HTTPS or TLS listener without a certificate.",
        r#"{"Protocol": "HTTPS", "Port": 443}"#;
    TARGET_GROUP_PORT = "SD9005" "target-group-without-port" Error &["E3681"],
        "An instance or ip target group without `Port` or `Protocol`.",
        r#"{"TargetType": "ip", "VpcId": "vpc-1"}"#;
    LISTENER_PORT_DUPLICATE = "SD9006" "listener-port-duplicate" Error &[],
        "Two listeners of one load balancer on the same port: a load balancer has one listener per port. Merge them (with listener rules) or move one to another port.",
        r#"two Listeners of one load balancer both with Port 443"#;
    LISTENER_TARGET_GROUP_PROTOCOL = "SD9007" "listener-target-group-protocol" Error &[],
        "A listener whose default action forwards to a target group of the other kind of load balancer: an application load balancer forwards to HTTP, HTTPS (or gRPC) target groups only, a network load balancer to TCP, UDP, TCP_UDP or TLS ones. Give the target group the protocol its load balancer speaks.",
        r#"an application load balancer's listener forwarding to a target group with Protocol TCP"#;
    RECORD_OUTSIDE_ZONE = "SD9101" "record-outside-zone" Error &["E3041"],
        "A DNS record whose name is not in its hosted zone.",
        r#"a record www.example.org in the zone example.com"#;
    CLOUDFRONT_CERTIFICATE_REGION = "SD9102" "cloudfront-certificate-region" Error &[],
        "A CloudFront viewer certificate from ACM outside us-east-1: CloudFront only reads certificates there.",
        r#"{"AcmCertificateArn": "arn:aws:acm:eu-west-1:..."}"#;

    PARAMETER_DEFAULT_NOT_ALLOWED = "SD0001" "parameter-default-not-allowed" Error &["E2015"],
        "A parameter whose default breaks its own constraints (allowed values, pattern, lengths, range).",
        r#"{"Type": "String", "Default": "large", "AllowedValues": ["small", "medium"]}"#;
    OUTPUT_NOT_STRING = "SD0002" "output-value-not-string" Error &["E6101"],
        "An output whose value is a list or an object: outputs are strings (join a list with Fn::Join).",
        r#"{"Outputs": {"Subnets": {"Value": ["subnet-1", "subnet-2"]}}}"#;
}

/// The rule with id `id`.
pub fn rule(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.id == id)
}

/// The catalog as Markdown (`docs/rules.md`): a table of every rule in id order, then
/// each rule with what it catches, an example and its cfn-lint counterparts.
pub fn markdown() -> String {
    use std::fmt::Write as _;
    let mut rules: Vec<&Rule> = ALL.to_vec();
    rules.sort_by_key(|r| r.id);
    let mut out = String::from(
        "# Synth rules\n\n\
         <!-- Generated from stackdef-check/src/catalog.rs; a test keeps it current \
         (`UPDATE_DOCS=1 cargo test -p stackdef-check --test rules_doc` rewrites it). -->\n\n\
         Every rule below runs at `app.synth()` on every resource, L1 and L2 alike, and in \
         `stackdef validate` on any template. Severities:\n\n\
         - **error**: CloudFormation or the service would reject the template; synth fails.\n\
         - **risk**: a security choice; synth fails unless the program acknowledges it with a \
         reason (`node().acknowledge(rule, \"why\")`).\n\
         - **warning**: probably a mistake; reported, and `stackdef synth --strict` fails on \
         it unless acknowledged.\n\n",
    );
    let _ = writeln!(out, "{} rules.\n", rules.len());
    out.push_str("| Id | Name | Severity | cfn-lint |\n|---|---|---|---|\n");
    for r in &rules {
        let cfn = if r.cfn_lint.is_empty() {
            "stackdef's own".to_owned()
        } else {
            r.cfn_lint.join(", ")
        };
        let _ = writeln!(
            out,
            "| [{id}](#{anchor}) | `{name}` | {sev} | {cfn} |",
            id = r.id,
            anchor = r.id.to_ascii_lowercase(),
            name = r.name,
            sev = r.severity.as_str(),
        );
    }
    for r in &rules {
        let _ = write!(
            out,
            "\n## {id}\n\n`{name}`, {sev}. {summary}\n\nTriggered by:\n\n```text\n{example}\n```\n",
            id = r.id,
            name = r.name,
            sev = r.severity.as_str(),
            summary = r.summary,
            example = r.example,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names_are_unique() {
        let mut ids: Vec<&str> = ALL.iter().map(|r| r.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len());
        let mut names: Vec<&str> = ALL.iter().map(|r| r.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
    }
}
