//! [`Project`]: a CodeBuild project with its role, log group and (optionally) a place in
//! a VPC.

use std::collections::BTreeMap;

use stackdef_synth::SourceLocation;

use super::build_image::{BuildImage, ComputeType};
use super::build_spec::BuildSpec;
use crate::cfn::codebuild::{self as l1, project as p};
use crate::ec2::{SecurityGroup, SecurityGroupProps, SubnetSelection, Vpc};
use crate::iam::{Grantable, PolicyStatement, Role, RoleProps, ServicePrincipal};
use crate::kms::Key;
use crate::logs::{LogGroup, LogGroupProps};
use crate::resource::{CfnResource, Resource};
use crate::secretsmanager::{Secret, SecretField};
use crate::value::{CodeBuildProjectArn, Value};
use crate::{Construct, Node, fns};

/// The value of a build environment variable.
#[derive(Debug, Clone)]
pub enum BuildEnvironmentVariable {
    /// A plain value (never a secret: it shows in the console and the template).
    Plain(Value<String>),
    /// A whole secret, read from Secrets Manager when the build starts; read access is
    /// granted to the project.
    Secret(Secret),
    /// One field of a JSON secret.
    SecretField(SecretField),
    /// An SSM parameter by name (`/app/token`), read when the build starts; read access
    /// is granted to the project.
    Parameter(String),
}

impl From<&str> for BuildEnvironmentVariable {
    fn from(s: &str) -> Self {
        BuildEnvironmentVariable::Plain(s.into())
    }
}

impl<T> From<Value<T>> for BuildEnvironmentVariable
where
    Value<String>: From<Value<T>>,
{
    fn from(v: Value<T>) -> Self {
        BuildEnvironmentVariable::Plain(v.into())
    }
}

/// Options of a [`Project`].
#[derive(Debug, Clone)]
pub struct ProjectProps {
    /// The image the build runs in.
    pub build_image: BuildImage,
    /// What the build does.
    pub build_spec: BuildSpec,
    /// The machine size. default: small.
    pub compute_type: ComputeType,
    /// Run the Docker daemon (needed to build images). default: `false`.
    pub privileged: bool,
    /// Environment variables of every build. default: none.
    pub environment: BTreeMap<String, BuildEnvironmentVariable>,
    /// Run the build in this VPC's private subnets, with a security group of its own
    /// (to reach a database, say). default: outside any VPC.
    pub vpc: Option<Vpc>,
    /// Stop a build after this many minutes (5 to 2160). default: 60.
    pub timeout_minutes: u32,
    /// `Description`. default: the construct path.
    pub description: Option<String>,
    /// Encrypt the build's logs and artifacts with this key (the role is granted its
    /// use). default: AWS managed keys.
    pub encryption_key: Option<Key>,
}

impl ProjectProps {
    /// Defaults for a build of `build_spec` in `build_image`.
    pub fn new(build_image: BuildImage, build_spec: BuildSpec) -> Self {
        ProjectProps {
            build_image,
            build_spec,
            compute_type: ComputeType::Small,
            privileged: false,
            environment: BTreeMap::new(),
            vpc: None,
            timeout_minutes: 60,
            description: None,
            encryption_key: None,
        }
    }

    /// Adds (or replaces) environment variable `name`: a plain value, a secret or a
    /// parameter (`.env("REPOSITORY_URI", repo.repository_uri())`).
    pub fn env(mut self, name: &str, value: impl Into<BuildEnvironmentVariable>) -> Self {
        self.environment.insert(name.to_owned(), value.into());
        self
    }
}

/// Where a project's source comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Started by a pipeline, which hands it the source and takes its artifacts.
    Pipeline,
    /// Started by hand or by an API call; the buildspec is the whole program.
    Standalone,
}

/// A CodeBuild project.
#[derive(Debug, Clone, Construct)]
pub struct Project {
    node: Node,
    resource: l1::Project,
    role: Role,
    security_group: Option<SecurityGroup>,
    has_artifacts: bool,
}

impl Resource for Project {
    fn cfn(&self) -> &CfnResource {
        self.resource.cfn()
    }
}

impl Grantable for Project {
    fn grant_role(&self) -> Role {
        self.role.clone()
    }
}

impl Project {
    /// A project a pipeline runs ([`crate::codepipeline::CodeBuildAction`]): its source
    /// is the action's input artifact, its artifacts the action's output.
    #[track_caller]
    pub fn pipeline(scope: &impl Construct, id: &str, props: ProjectProps) -> Project {
        Project::build(scope, id, props, Kind::Pipeline, SourceLocation::caller())
    }

    /// A project without source (its inline buildspec is the whole program), started
    /// with `aws codebuild start-build`.
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, props: ProjectProps) -> Project {
        Project::build(scope, id, props, Kind::Standalone, SourceLocation::caller())
    }

    fn build(
        scope: &impl Construct,
        id: &str,
        props: ProjectProps,
        kind: Kind,
        location: SourceLocation,
    ) -> Project {
        let node = Node::new(scope, id);
        for problem in problems(&props, kind) {
            node.report_message_at(location, problem);
        }
        let role = Role::new(
            &node,
            "Role",
            RoleProps {
                description: Some(format!("Build role of {}", node.path())),
                ..RoleProps::new(ServicePrincipal::codebuild())
            },
        );
        let logs = LogGroup::new(
            &node,
            "Logs",
            LogGroupProps {
                encryption_key: props.encryption_key.clone(),
                ..LogGroupProps::default()
            },
        );
        role.add_to_policy(PolicyStatement::allow(
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            [logs.arn()],
        ));
        if let BuildImage::Ecr(repo, _) = &props.build_image {
            repo.grant_pull(&role);
        }
        let environment = p::Environment::new(
            props.compute_type.as_str(),
            props.build_image.image(),
            props.build_image.environment_type(),
        )
        .privileged_mode(props.privileged)
        .image_pull_credentials_type(props.build_image.pull_credentials())
        .environment_variables(environment_variables(&props.environment, &role));
        let (source, artifacts) = match kind {
            Kind::Pipeline => (
                p::Source::new("CODEPIPELINE").build_spec(props.build_spec.render()),
                p::Artifacts::new("CODEPIPELINE"),
            ),
            Kind::Standalone => (
                p::Source::new("NO_SOURCE").build_spec(props.build_spec.render()),
                p::Artifacts::new("NO_ARTIFACTS"),
            ),
        };
        let description = props.description.clone().unwrap_or_else(|| node.path());
        let mut l1_props =
            l1::ProjectProps::new(artifacts, environment, role.arn(), source)
                .description(description)
                .timeout_in_minutes(i64::from(props.timeout_minutes))
                .logs_config(p::LogsConfig::new().cloud_watch_logs(
                    p::CloudWatchLogsConfig::new("ENABLED").group_name(logs.name()),
                ));
        if let Some(key) = &props.encryption_key {
            key.grant_encrypt_decrypt(&role);
            l1_props = l1_props.encryption_key(key.arn());
        }
        let security_group = props.vpc.as_ref().map(|vpc| {
            let sg = SecurityGroup::new(
                &node,
                "SecurityGroup",
                vpc,
                SecurityGroupProps {
                    description: Some(format!("Build {}", node.path())),
                    allow_all_outbound: true,
                },
            );
            let subnets = vpc.select_subnets(SubnetSelection::Private);
            l1_props = l1_props.clone().vpc_config(
                p::VpcConfig::new()
                    .vpc_id(vpc.vpc_id())
                    .subnets(
                        subnets
                            .subnets
                            .iter()
                            .map(|s| s.subnet_id())
                            .collect::<Vec<_>>(),
                    )
                    .security_group_ids(vec![sg.security_group_id()]),
            );
            allow_vpc_networking(&role);
            sg
        });
        let resource = l1::Project::new(&node, "Resource", l1_props);
        Project {
            node,
            resource,
            role,
            security_group,
            has_artifacts: props.build_spec.has_artifacts(),
        }
    }

    /// `Ref`: the project's name.
    pub fn project_name(&self) -> Value<String> {
        self.resource.ref_value().into()
    }

    /// `Arn`.
    pub fn arn(&self) -> Value<CodeBuildProjectArn> {
        self.resource.attr_arn()
    }

    /// The role builds run as.
    pub fn role(&self) -> Role {
        self.role.clone()
    }

    /// The security group of a project in a VPC (`db.allow_default_port_from(&sg)`).
    pub fn security_group(&self) -> Option<SecurityGroup> {
        self.security_group.clone()
    }

    /// Whether the buildspec hands files on (an inline buildspec with `artifact_files`, or
    /// one in the source).
    pub fn has_artifacts(&self) -> bool {
        self.has_artifacts
    }

    /// Lets `grantee` start builds of this project and read their status.
    pub fn grant_start(&self, grantee: &impl Grantable) {
        grantee.grant_role().add_to_policy(PolicyStatement::allow(
            [
                "codebuild:BatchGetBuilds",
                "codebuild:StartBuild",
                "codebuild:StopBuild",
            ],
            [self.arn()],
        ));
    }
}

/// What is wrong with `props`, in messages that say what to do.
fn problems(props: &ProjectProps, kind: Kind) -> Vec<String> {
    let mut out = Vec::new();
    if props.build_spec.runs_docker() && !props.privileged {
        out.push(
            "the buildspec runs `docker`, which needs the Docker daemon: set `privileged: true` in ProjectProps".to_owned(),
        );
    }
    if !(5..=2160).contains(&props.timeout_minutes) {
        out.push(format!(
            "timeout_minutes {} is out of range: 5 to 2160",
            props.timeout_minutes
        ));
    }
    if kind == Kind::Standalone && props.build_spec.commands().is_empty() {
        out.push(
            "a project without source runs its inline buildspec, and this one has no commands (a buildspec file needs a source: use Project::pipeline)".to_owned(),
        );
    }
    for name in props.environment.keys() {
        let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            out.push(format!(
                "environment variable `{name}` is not a valid name: letters, digits and `_`, not starting with a digit"
            ));
        } else if name.starts_with("CODEBUILD_") {
            out.push(format!(
                "environment variable `{name}`: names starting with CODEBUILD_ are reserved by CodeBuild"
            ));
        }
    }
    out
}

/// The project's environment variables, with read access granted for secrets and
/// parameters.
fn environment_variables(
    vars: &BTreeMap<String, BuildEnvironmentVariable>,
    role: &Role,
) -> Vec<p::EnvironmentVariable> {
    vars.iter()
        .map(|(name, var)| match var {
            BuildEnvironmentVariable::Plain(v) => {
                p::EnvironmentVariable::new(name.as_str(), v.clone()).type_("PLAINTEXT")
            }
            BuildEnvironmentVariable::Secret(secret) => {
                secret.grant_read(role);
                p::EnvironmentVariable::new(name.as_str(), secret.arn()).type_("SECRETS_MANAGER")
            }
            BuildEnvironmentVariable::SecretField(field) => {
                field.secret().grant_read(role);
                p::EnvironmentVariable::new(
                    name.as_str(),
                    crate::sub![field.secret().arn(), ":", field.key()],
                )
                .type_("SECRETS_MANAGER")
            }
            BuildEnvironmentVariable::Parameter(parameter) => {
                role.add_to_policy(PolicyStatement::allow(
                    ["ssm:GetParameters"],
                    [crate::sub![
                        "arn:",
                        fns::partition(),
                        ":ssm:",
                        fns::region(),
                        ":",
                        fns::account_id(),
                        ":parameter/",
                        parameter.trim_start_matches('/')
                    ]],
                ));
                p::EnvironmentVariable::new(name.as_str(), parameter.as_str())
                    .type_("PARAMETER_STORE")
            }
        })
        .collect()
}

/// What CodeBuild needs to attach a build to a VPC.
fn allow_vpc_networking(role: &Role) {
    role.add_to_policy(PolicyStatement::allow(
        [
            "ec2:CreateNetworkInterface",
            "ec2:DeleteNetworkInterface",
            "ec2:DescribeDhcpOptions",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSubnets",
            "ec2:DescribeVpcs",
        ],
        ["*"],
    ));
    role.add_to_policy(
        PolicyStatement::allow(
            ["ec2:CreateNetworkInterfacePermission"],
            [crate::sub![
                "arn:",
                fns::partition(),
                ":ec2:",
                fns::region(),
                ":",
                fns::account_id(),
                ":network-interface/*"
            ]],
        )
        .with_condition(
            crate::iam::ConditionOperator::StringEquals,
            "ec2:AuthorizedService",
            ["codebuild.amazonaws.com"],
        ),
    );
}
