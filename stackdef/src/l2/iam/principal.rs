//! Who may assume a role: AWS services by their principal names.

use crate::check::schema::closest;

/// The service principals stackdef knows (`<name>.amazonaws.com`); a free-form one outside
/// this list is reported at synth with the closest known name.
pub const KNOWN_SERVICES: &[&str] = &[
    "apigateway",
    "application-autoscaling",
    "appsync",
    "athena",
    "autoscaling",
    "backup",
    "batch",
    "cloudformation",
    "cloudfront",
    "cloudtrail",
    "codebuild",
    "codedeploy",
    "codepipeline",
    "cognito-idp",
    "config",
    "datasync",
    "delivery.logs",
    "dms",
    "ec2",
    "ecs",
    "ecs-tasks",
    "edgelambda",
    "eks",
    "elasticbeanstalk",
    "elasticloadbalancing",
    "elasticmapreduce",
    "events",
    "firehose",
    "glue",
    "iot",
    "kinesis",
    "kinesisanalytics",
    "lambda",
    "logs",
    "monitoring.rds",
    "rds",
    "redshift",
    "replication.dynamodb",
    "s3",
    "sagemaker",
    "scheduler",
    "secretsmanager",
    "ses",
    "sns",
    "sqs",
    "ssm",
    "states",
    "transfer",
    "vpc-flow-logs",
];

/// An AWS service that can assume a role. The named constructors cover the services
/// stackdef's constructs use; [`ServicePrincipal::new`] takes any other name and is
/// checked at synth where the role uses it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServicePrincipal(String);

macro_rules! named_services {
    ($($(#[$doc:meta])* $fn:ident => $name:literal,)*) => {
        impl ServicePrincipal {
            $(
                $(#[$doc])*
                pub fn $fn() -> Self {
                    ServicePrincipal(concat!($name, ".amazonaws.com").to_owned())
                }
            )*
        }
    };
}

named_services! {
    /// `ec2.amazonaws.com`: instances (instance profiles).
    ec2 => "ec2",
    /// `ecs-tasks.amazonaws.com`: ECS task and execution roles.
    ecs_tasks => "ecs-tasks",
    /// `ecs.amazonaws.com`: the ECS service itself.
    ecs => "ecs",
    /// `codebuild.amazonaws.com`: build projects.
    codebuild => "codebuild",
    /// `codepipeline.amazonaws.com`: pipelines.
    codepipeline => "codepipeline",
    /// `codedeploy.amazonaws.com`: deployment groups.
    codedeploy => "codedeploy",
    /// `lambda.amazonaws.com`: functions.
    lambda => "lambda",
    /// `vpc-flow-logs.amazonaws.com`: VPC flow log delivery.
    vpc_flow_logs => "vpc-flow-logs",
    /// `monitoring.rds.amazonaws.com`: RDS Enhanced Monitoring.
    rds_monitoring => "monitoring.rds",
    /// `events.amazonaws.com`: EventBridge rules and targets.
    events => "events",
    /// `states.amazonaws.com`: Step Functions state machines.
    states => "states",
    /// `application-autoscaling.amazonaws.com`: Application Auto Scaling.
    application_autoscaling => "application-autoscaling",
    /// `cloudformation.amazonaws.com`: CloudFormation service roles.
    cloudformation => "cloudformation",
    /// `logs.amazonaws.com`: CloudWatch Logs.
    logs => "logs",
    /// `delivery.logs.amazonaws.com`: log delivery (load balancer and CloudFront logs).
    delivery_logs => "delivery.logs",
    /// `cloudfront.amazonaws.com`: CloudFront (origin access control).
    cloudfront => "cloudfront",
    /// `ssm.amazonaws.com`: Systems Manager.
    ssm => "ssm",
    /// `scheduler.amazonaws.com`: EventBridge Scheduler.
    scheduler => "scheduler",
}

impl ServicePrincipal {
    /// Any service by its principal name (`backup.amazonaws.com`); a name stackdef does
    /// not know is reported at synth, with the closest known one.
    pub fn new(service: &str) -> Self {
        ServicePrincipal(service.to_owned())
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Why this is not a known service principal, if it is not.
    pub fn check(&self) -> Option<String> {
        let name = &self.0;
        let service = name
            .strip_suffix(".amazonaws.com")
            .or_else(|| name.strip_suffix(".amazonaws.com.cn"));
        match service {
            Some(s) if KNOWN_SERVICES.contains(&s) => None,
            Some(s) => Some(match closest(s, KNOWN_SERVICES.iter().copied()) {
                Some(c) => format!(
                    "`{name}` is not a service principal stackdef knows; did you mean `{c}.amazonaws.com`?"
                ),
                None => format!(
                    "`{name}` is not a service principal stackdef knows (known: {}.amazonaws.com); check the service's documentation for its principal",
                    KNOWN_SERVICES.join(".amazonaws.com, ")
                ),
            }),
            // `ec2.amazonaws.co`, `ec2.amazon.com`: compare the part before the domain.
            None => Some(
                match closest(
                    name.split(".amazon").next().unwrap_or(name),
                    KNOWN_SERVICES.iter().copied(),
                ) {
                    Some(c) => format!(
                        "`{name}` is not a service principal: they end in `.amazonaws.com` (did you mean `{c}.amazonaws.com`?)"
                    ),
                    None => {
                        format!("`{name}` is not a service principal: they end in `.amazonaws.com`")
                    }
                },
            ),
        }
    }
}
