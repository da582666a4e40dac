//! L2 constructs: one module per service, each built on the generated L1 types through
//! their typed setters, with safe defaults and wiring verbs (`allow_from`, `grant_read`,
//! `forward_to`).
//!
//! Each module is compiled when the cargo features of the services it writes are on (the
//! defaults turn all of them on), so a program that uses only some services builds only
//! those.

#[cfg(all(
    feature = "certificatemanager",
    feature = "route53",
    feature = "elasticloadbalancingv2",
    feature = "ec2",
    feature = "iam",
    feature = "logs",
    feature = "kms",
    feature = "s3"
))]
pub mod acm;
#[cfg(all(feature = "applicationautoscaling", feature = "cloudwatch"))]
pub mod appscaling;
#[cfg(all(
    feature = "cloudfront",
    feature = "certificatemanager",
    feature = "route53",
    feature = "elasticloadbalancingv2",
    feature = "ec2",
    feature = "iam",
    feature = "logs",
    feature = "kms",
    feature = "s3",
    feature = "secretsmanager"
))]
pub mod cloudfront;
#[cfg(all(
    feature = "codebuild",
    feature = "ec2",
    feature = "ecr",
    feature = "iam",
    feature = "logs",
    feature = "kms",
    feature = "secretsmanager"
))]
pub mod codebuild;
#[cfg(all(
    feature = "codedeploy",
    feature = "ecs",
    feature = "ec2",
    feature = "ecr",
    feature = "elasticloadbalancingv2",
    feature = "iam",
    feature = "logs",
    feature = "kms",
    feature = "s3",
    feature = "secretsmanager",
    feature = "applicationautoscaling",
    feature = "cloudwatch"
))]
pub mod codedeploy;
#[cfg(all(
    feature = "codepipeline",
    feature = "codestarconnections",
    feature = "codebuild",
    feature = "codedeploy",
    feature = "ecs",
    feature = "ec2",
    feature = "ecr",
    feature = "elasticloadbalancingv2",
    feature = "iam",
    feature = "logs",
    feature = "kms",
    feature = "s3",
    feature = "secretsmanager",
    feature = "applicationautoscaling",
    feature = "cloudwatch"
))]
pub mod codepipeline;
#[cfg(all(feature = "ec2", feature = "iam", feature = "logs", feature = "kms"))]
pub mod ec2;
#[cfg(all(feature = "ecr", feature = "iam"))]
pub mod ecr;
#[cfg(all(
    feature = "ecs",
    feature = "ec2",
    feature = "ecr",
    feature = "elasticloadbalancingv2",
    feature = "iam",
    feature = "logs",
    feature = "kms",
    feature = "s3",
    feature = "secretsmanager",
    feature = "applicationautoscaling",
    feature = "cloudwatch"
))]
pub mod ecs;
#[cfg(all(
    feature = "elasticloadbalancingv2",
    feature = "ec2",
    feature = "iam",
    feature = "logs",
    feature = "kms",
    feature = "s3"
))]
pub mod elbv2;
#[cfg(feature = "iam")]
pub mod iam;
#[cfg(feature = "kms")]
pub mod kms;
#[cfg(all(feature = "logs", feature = "kms"))]
pub mod logs;
#[cfg(all(
    feature = "rds",
    feature = "ec2",
    feature = "iam",
    feature = "logs",
    feature = "kms",
    feature = "secretsmanager"
))]
pub mod rds;
#[cfg(all(
    feature = "route53",
    feature = "elasticloadbalancingv2",
    feature = "ec2",
    feature = "iam",
    feature = "logs",
    feature = "kms",
    feature = "s3"
))]
pub mod route53;
#[cfg(all(feature = "s3", feature = "iam", feature = "kms"))]
pub mod s3;
#[cfg(all(feature = "secretsmanager", feature = "iam", feature = "kms"))]
pub mod secretsmanager;

// Some helpers serve only modules whose features may be off.
#[allow(dead_code)]
mod support;
