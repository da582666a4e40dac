//! Containers of a task definition: images, logging, secrets and options.

use std::collections::BTreeMap;

use crate::cfn::ecs::task_definition as td;
use crate::ecr::EcrRepository;
use crate::logs::LogGroup;
use crate::secretsmanager::{Secret, SecretField, SecretFields};
use crate::value::{Map, Value};

/// Where a container image comes from.
#[derive(Debug, Clone)]
pub enum ContainerImage {
    /// A public registry image (Docker Hub `owner/name:tag`, `public.ecr.aws/...`).
    Registry(String),
    /// An image in an [`EcrRepository`] of this app, by tag; pull rights are granted to the
    /// execution role.
    Ecr(EcrRepository, String),
}

impl ContainerImage {
    /// A public registry image.
    pub fn registry(image: &str) -> Self {
        ContainerImage::Registry(image.to_owned())
    }

    /// An image in `repository` with `tag`.
    pub fn ecr(repository: &EcrRepository, tag: &str) -> Self {
        ContainerImage::Ecr(repository.clone(), tag.to_owned())
    }

    pub(crate) fn to_value(&self) -> Value<String> {
        match self {
            ContainerImage::Registry(i) => Value::literal(i.clone()),
            ContainerImage::Ecr(repo, tag) => crate::sub![repo.repository_uri(), ":", tag.as_str()],
        }
    }
}

/// Where a container's output goes.
#[derive(Debug, Clone, Default)]
pub enum Logging {
    /// The `awslogs` driver into a new log group (one-year retention) made for this
    /// container. The default.
    #[default]
    Auto,
    /// The `awslogs` driver into `log_group` with streams `<stream_prefix>/<container>/<task id>`.
    AwsLogs {
        /// The group.
        log_group: LogGroup,
        /// The stream prefix.
        stream_prefix: String,
    },
    /// No log driver (output is lost).
    Disabled,
}

impl Logging {
    /// `awslogs` into `log_group` with `stream_prefix`.
    pub fn aws_logs(log_group: &LogGroup, stream_prefix: &str) -> Self {
        Logging::AwsLogs {
            log_group: log_group.clone(),
            stream_prefix: stream_prefix.to_owned(),
        }
    }
}

/// A value injected into a container from Secrets Manager at task start.
#[derive(Debug, Clone)]
pub struct EcsSecret {
    pub(crate) secret: Secret,
    pub(crate) field: Option<String>,
}

impl EcsSecret {
    /// The whole secret value.
    pub fn from_secret(secret: &Secret) -> Self {
        EcsSecret {
            secret: secret.clone(),
            field: None,
        }
    }

    /// One field of a JSON secret (`username`, `password`, `host`, ...).
    pub fn from_secret_field(secret: &Secret, field: &str) -> Self {
        EcsSecret {
            secret: secret.clone(),
            field: Some(field.to_owned()),
        }
    }

    /// One field of a JSON secret, typed where its owner types it
    /// (`db.secret_field(DatabaseSecretField::Password)`).
    pub fn from_field(field: &SecretField) -> Self {
        EcsSecret::from_secret_field(field.secret(), field.key())
    }

    /// Container secrets named `{prefix}_{suffix}` for each of `fields`
    /// (`EcsSecret::from_fields(&db.credentials(), "DB")` gives `DB_HOST`, `DB_PORT`,
    /// `DB_USERNAME` and `DB_PASSWORD`); use it as [`ContainerOptions::secrets`].
    pub fn from_fields(fields: &SecretFields, prefix: &str) -> BTreeMap<String, EcsSecret> {
        fields
            .iter()
            .map(|(suffix, field)| (format!("{prefix}_{suffix}"), EcsSecret::from_field(field)))
            .collect()
    }

    /// `ValueFrom`: the secret's ARN, or `<arn>:<field>::` for one field.
    pub(crate) fn value_from(&self) -> Value<String> {
        match &self.field {
            None => self.secret.arn(),
            Some(f) => crate::sub![self.secret.arn(), ":", f.as_str(), "::"],
        }
    }
}

/// Options of a container (the image is an argument of
/// [`FargateTaskDefinition::add_container`](crate::ecs::FargateTaskDefinition::add_container)).
#[derive(Debug, Clone)]
pub struct ContainerOptions {
    /// TCP ports the container listens on (1-65535, unique in the task). default: none.
    pub port_mappings: Vec<u16>,
    /// Plain environment variables (never secrets). default: none.
    pub environment: BTreeMap<String, Value<String>>,
    /// Environment variables read from Secrets Manager at start; read access is granted
    /// to the execution role. default: none.
    pub secrets: BTreeMap<String, EcsSecret>,
    /// Log driver. default: [`Logging::Auto`].
    pub logging: Logging,
    /// Whether the task stops when this container stops. default: `true`.
    pub essential: bool,
    /// Mount the root filesystem read-only. default: `false` (many images, including
    /// gunicorn-based ones, write to `/tmp`).
    pub readonly_root_filesystem: bool,
    /// Overrides the image's command. default: the image's.
    pub command: Vec<String>,
    /// The user the process runs as (`1000`, `1000:1000`, `app`). default: the image's,
    /// which is root for most images: set a non-root user the image has, so that a
    /// compromised process cannot act as root in the container.
    pub user: Option<String>,
    /// Hard memory limit in MiB (`Memory`; at least 6): the container is killed above it.
    /// default: none (the task's memory bounds it).
    pub memory_limit_mib: Option<u32>,
    /// Memory kept free for the container in MiB (`MemoryReservation`; at least 6, at most
    /// the limit). default: none.
    pub memory_reservation_mib: Option<u32>,
}

impl Default for ContainerOptions {
    fn default() -> Self {
        ContainerOptions {
            port_mappings: Vec::new(),
            environment: BTreeMap::new(),
            secrets: BTreeMap::new(),
            logging: Logging::Auto,
            essential: true,
            readonly_root_filesystem: false,
            command: Vec::new(),
            user: None,
            memory_limit_mib: None,
            memory_reservation_mib: None,
        }
    }
}

/// A container added to a task definition.
#[derive(Debug, Clone)]
pub struct ContainerDefinition {
    pub(crate) name: String,
    pub(crate) ports: Vec<u16>,
    pub(crate) image: ContainerImage,
}

impl ContainerDefinition {
    /// The container name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its ports.
    pub fn ports(&self) -> &[u16] {
        &self.ports
    }

    /// Its image.
    pub fn image(&self) -> &ContainerImage {
        &self.image
    }
}

/// The L1 definition of a container (everything but logging, which needs the task).
pub(crate) fn definition(
    name: &str,
    image: &ContainerImage,
    options: &ContainerOptions,
    log_configuration: Option<td::LogConfiguration>,
) -> td::ContainerDefinition {
    let mut def = td::ContainerDefinition::new(image.to_value(), name)
        .essential(options.essential)
        .readonly_root_filesystem(options.readonly_root_filesystem)
        .privileged(false);
    if !options.port_mappings.is_empty() {
        def = def.port_mappings(
            options
                .port_mappings
                .iter()
                .map(|p| {
                    td::PortMapping::new()
                        .container_port(i64::from(*p))
                        .protocol(td::Protocol::Tcp)
                })
                .collect::<Vec<_>>(),
        );
    }
    if !options.environment.is_empty() {
        def = def.environment(
            options
                .environment
                .iter()
                .map(|(k, v)| td::KeyValuePair::new().name(k.as_str()).value(v.clone()))
                .collect::<Vec<_>>(),
        );
    }
    if !options.secrets.is_empty() {
        def = def.secrets(
            options
                .secrets
                .iter()
                .map(|(k, v)| td::Secret::new(k.as_str(), v.value_from()))
                .collect::<Vec<_>>(),
        );
    }
    if let Some(log) = log_configuration {
        def = def.log_configuration(log);
    }
    if !options.command.is_empty() {
        def = def.command(options.command.clone());
    }
    if let Some(user) = &options.user {
        def = def.user(user.as_str());
    }
    if let Some(mib) = options.memory_limit_mib {
        def = def.memory(i64::from(mib));
    }
    if let Some(mib) = options.memory_reservation_mib {
        def = def.memory_reservation(i64::from(mib));
    }
    def
}

/// The `awslogs` options for `group` with `prefix` in `region`.
pub(crate) fn aws_logs(
    group: &LogGroup,
    prefix: &str,
    region: Value<String>,
) -> td::LogConfiguration {
    let mut options: Map<String> = Map::new();
    options.insert("awslogs-group".into(), group.name().into());
    options.insert("awslogs-region".into(), region);
    options.insert("awslogs-stream-prefix".into(), prefix.into());
    td::LogConfiguration::new("awslogs").options(options)
}
