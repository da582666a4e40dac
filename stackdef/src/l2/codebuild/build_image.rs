//! The image a build runs in and the machine size it runs on.

use crate::ecr::EcrRepository;
use crate::value::Value;

/// A build image: one of CodeBuild's curated images, or one of yours in ECR.
#[derive(Debug, Clone)]
pub enum BuildImage {
    /// `aws/codebuild/amazonlinux-x86_64-standard:5.0` (Amazon Linux 2023, Docker, the AWS
    /// CLI, common runtimes). The default.
    AmazonLinuxStandard5,
    /// `aws/codebuild/amazonlinux-aarch64-standard:3.0` (Amazon Linux 2023 on Graviton).
    AmazonLinuxArmStandard3,
    /// `aws/codebuild/standard:7.0` (Ubuntu 22.04).
    UbuntuStandard7,
    /// An image in an ECR repository, by tag; the project's role is granted pull.
    Ecr(EcrRepository, String),
}

impl BuildImage {
    /// `Image` of the build environment.
    pub(crate) fn image(&self) -> Value<String> {
        match self {
            BuildImage::AmazonLinuxStandard5 => {
                "aws/codebuild/amazonlinux-x86_64-standard:5.0".into()
            }
            BuildImage::AmazonLinuxArmStandard3 => {
                "aws/codebuild/amazonlinux-aarch64-standard:3.0".into()
            }
            BuildImage::UbuntuStandard7 => "aws/codebuild/standard:7.0".into(),
            BuildImage::Ecr(repo, tag) => crate::sub![repo.repository_uri(), ":", tag.as_str()],
        }
    }

    /// `Type` of the build environment.
    pub(crate) fn environment_type(&self) -> &'static str {
        match self {
            BuildImage::AmazonLinuxArmStandard3 => "ARM_CONTAINER",
            _ => "LINUX_CONTAINER",
        }
    }

    /// `ImagePullCredentialsType`: curated images are pulled by CodeBuild, yours by the
    /// project's role.
    pub(crate) fn pull_credentials(&self) -> &'static str {
        match self {
            BuildImage::Ecr(..) => "SERVICE_ROLE",
            _ => "CODEBUILD",
        }
    }
}

/// The build machine's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ComputeType {
    /// 3 GB memory, 2 vCPUs. The default.
    #[default]
    Small,
    /// 7 GB memory, 4 vCPUs.
    Medium,
    /// 15 GB memory, 8 vCPUs.
    Large,
    /// 70 GB memory, 36 vCPUs.
    XLarge,
    /// 145 GB memory, 72 vCPUs.
    X2Large,
}

impl ComputeType {
    /// `ComputeType` as CodeBuild writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ComputeType::Small => "BUILD_GENERAL1_SMALL",
            ComputeType::Medium => "BUILD_GENERAL1_MEDIUM",
            ComputeType::Large => "BUILD_GENERAL1_LARGE",
            ComputeType::XLarge => "BUILD_GENERAL1_XLARGE",
            ComputeType::X2Large => "BUILD_GENERAL1_2XLARGE",
        }
    }
}
