//! RDS: [`RdsMysql`], a MySQL instance that is private, encrypted, backed up and
//! snapshotted on deletion by default, with credentials generated in Secrets Manager.
//!
//! There is no password field: credentials are always generated, so a plaintext password
//! cannot be written:
//!
//! ```compile_fail,E0560
//! use stackdef::rds::RdsMysqlProps;
//! let props = RdsMysqlProps { master_password: "hunter2".into(), ..Default::default() };
//! ```

use stackdef_synth::RemovalPolicy;

use crate::cfn::rds as l1;
use crate::cfn::secretsmanager as sm;
use crate::ec2::{
    Connectable, Connections, HasDefaultPort, Port, SecurityGroup, SecurityGroupProps,
    SubnetSelection, Vpc,
};
use crate::iam::{ManagedPolicy, Role, RoleProps, ServicePrincipal};
use crate::kms::Key;
use crate::resource::{CfnResource, Resource};
use crate::secretsmanager::{Secret, SecretField, SecretFields, SecretProps};
use crate::value::{DbInstanceId, Value};
use crate::{Construct, Node};

/// MySQL's port.
pub const MYSQL_PORT: u16 = 3306;

/// A MySQL engine version: a major version (RDS picks its newest minor one) or a full one.
/// Any version is checked at synth against the versions RDS offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MysqlVersion(String);

impl MysqlVersion {
    /// MySQL 8.0 (its newest minor version).
    pub const V8_0: MysqlVersion = MysqlVersion(String::new());

    /// A version by name (`8.0.40`, `8.4`).
    pub fn named(version: &str) -> Self {
        MysqlVersion(version.to_owned())
    }

    /// The version as RDS writes it.
    pub fn as_str(&self) -> &str {
        if self.0.is_empty() { "8.0" } else { &self.0 }
    }
}

/// A database instance class: `db.` and an EC2 class and size
/// (`DatabaseInstanceClass::of(InstanceClass::T3, InstanceSize::Micro)` is `db.t3.micro`),
/// or any name RDS offers. Checked at synth against the classes of the stack's region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseInstanceClass(String);

impl DatabaseInstanceClass {
    /// `db.<class>.<size>`.
    pub fn of(class: crate::ec2::InstanceClass, size: crate::ec2::InstanceSize) -> Self {
        DatabaseInstanceClass(format!("db.{}.{}", class.as_str(), size.as_str()))
    }

    /// Any class by name (`db.x2g.large`).
    pub fn named(class: &str) -> Self {
        DatabaseInstanceClass(class.to_owned())
    }

    /// The class as RDS writes it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The logs a MySQL instance can export to CloudWatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MysqlLog {
    /// `audit` (needs the audit plugin in the option group to have content).
    Audit,
    /// `error`.
    Error,
    /// `general`.
    General,
    /// `slowquery`.
    SlowQuery,
}

impl MysqlLog {
    /// Every log type.
    pub const ALL: [MysqlLog; 4] = [
        MysqlLog::Audit,
        MysqlLog::Error,
        MysqlLog::General,
        MysqlLog::SlowQuery,
    ];

    fn as_str(self) -> &'static str {
        match self {
            MysqlLog::Audit => "audit",
            MysqlLog::Error => "error",
            MysqlLog::General => "general",
            MysqlLog::SlowQuery => "slowquery",
        }
    }
}

/// The fields of a database's generated credentials secret (typed, so a misspelled key
/// cannot be written).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DatabaseSecretField {
    /// `host`: the endpoint address (filled in once the instance exists).
    Host,
    /// `port`.
    Port,
    /// `username`.
    Username,
    /// `password`.
    Password,
    /// `engine`.
    Engine,
}

impl DatabaseSecretField {
    /// The key in the secret's JSON.
    pub fn key(self) -> &'static str {
        match self {
            DatabaseSecretField::Host => "host",
            DatabaseSecretField::Port => "port",
            DatabaseSecretField::Username => "username",
            DatabaseSecretField::Password => "password",
            DatabaseSecretField::Engine => "engine",
        }
    }

    /// The suffix of the variable it is usually read into (`HOST`).
    pub fn suffix(self) -> &'static str {
        match self {
            DatabaseSecretField::Host => "HOST",
            DatabaseSecretField::Port => "PORT",
            DatabaseSecretField::Username => "USERNAME",
            DatabaseSecretField::Password => "PASSWORD",
            DatabaseSecretField::Engine => "ENGINE",
        }
    }
}

/// Explicit consent to expose a database outside private subnets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PublicAccess {
    /// Private subnets only, not publicly accessible. The default.
    #[default]
    Denied,
    /// Allows public subnets and `publicly_accessible`; the security group still decides
    /// who connects. Only for databases meant to be reached from outside the VPC.
    AllowedIUnderstandTheRisk,
}

/// Options of an [`RdsMysql`].
#[derive(Debug, Clone)]
pub struct RdsMysqlProps {
    /// `EngineVersion`. default: `8.0.40`.
    pub engine_version: MysqlVersion,
    /// `DBInstanceClass`. default: `db.t3.micro`.
    pub instance_class: DatabaseInstanceClass,
    /// The port clients connect to. default: `3306`.
    pub port: u16,
    /// Encrypt the storage with this customer-managed key. default: none (the AWS managed
    /// key `aws/rds`; storage is encrypted either way).
    pub storage_encryption_key: Option<Key>,
    /// Storage in GiB (20-65536). default: `20`.
    pub allocated_storage_gib: u32,
    /// Storage auto scaling ceiling in GiB; `None` disables it. default: `Some(100)`.
    pub max_allocated_storage_gib: Option<u32>,
    /// Initial database (`DBName`). default: none.
    pub database_name: Option<String>,
    /// Master user name, stored with the generated password in the secret. default: `admin`.
    pub master_username: String,
    /// Subnets. default: [`SubnetSelection::Private`].
    pub vpc_subnets: SubnetSelection,
    /// Whether public subnets and `publicly_accessible` are allowed. default: `Denied`.
    pub public_access: PublicAccess,
    /// Give the instance a public DNS address (needs `public_access`). default: `false`.
    pub publicly_accessible: bool,
    /// A standby in a second AZ with automatic failover (doubles the instance cost).
    /// default: `false`.
    pub multi_az: bool,
    /// Refuse deletion until turned off. default: `true`.
    pub deletion_protection: bool,
    /// Days of automated backups (1-35). default: `7`.
    pub backup_retention_days: u32,
    /// What happens when the instance leaves the stack or is replaced. default: `Snapshot`.
    pub removal_policy: RemovalPolicy,
    /// Logs exported to CloudWatch. default: every type ([`MysqlLog::ALL`]).
    pub cloudwatch_logs_exports: Vec<MysqlLog>,
    /// Encrypt the generated credentials with this customer-managed key. default: none
    /// (the AWS managed key `aws/secretsmanager`).
    pub secret_encryption_key: Option<Key>,
    /// Enhanced Monitoring interval in seconds (1, 5, 10, 15, 30 or 60; 0 turns it off).
    /// A monitoring role is created when on. default: `60`.
    pub monitoring_interval_secs: u32,
}

impl Default for RdsMysqlProps {
    fn default() -> Self {
        RdsMysqlProps {
            engine_version: MysqlVersion::named("8.0.40"),
            instance_class: DatabaseInstanceClass::named("db.t3.micro"),
            port: MYSQL_PORT,
            storage_encryption_key: None,
            allocated_storage_gib: 20,
            max_allocated_storage_gib: Some(100),
            database_name: None,
            master_username: "admin".into(),
            vpc_subnets: SubnetSelection::Private,
            public_access: PublicAccess::Denied,
            publicly_accessible: false,
            multi_az: false,
            deletion_protection: true,
            backup_retention_days: 7,
            removal_policy: RemovalPolicy::Snapshot,
            cloudwatch_logs_exports: MysqlLog::ALL.to_vec(),
            monitoring_interval_secs: 60,
            secret_encryption_key: None,
        }
    }
}

/// A MySQL database instance with its subnet group, security group (no rules until you
/// allow clients) and generated credentials.
#[derive(Debug, Clone, Construct)]
pub struct RdsMysql {
    node: Node,
    resource: l1::DbInstance,
    security_group: SecurityGroup,
    secret: Secret,
    port: u16,
}

impl Resource for RdsMysql {
    fn cfn(&self) -> &CfnResource {
        self.resource.cfn()
    }
}

impl Connectable for RdsMysql {
    fn connections(&self) -> Connections {
        Connections::new(vec![self.security_group.clone()])
    }
}

impl HasDefaultPort for RdsMysql {
    fn default_port(&self) -> Port {
        Port::tcp(self.port)
    }
}

impl RdsMysql {
    /// A database in `vpc`. Public placement without [`PublicAccess`] consent, an
    /// identifier or sizes AWS rejects are reported at synth at this call.
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, vpc: &Vpc, props: RdsMysqlProps) -> RdsMysql {
        let node = Node::new(scope, id);
        let selected = vpc.select_subnets(props.vpc_subnets.clone());
        let consent = props.public_access == PublicAccess::AllowedIUnderstandTheRisk;
        if selected.any_public() && !consent {
            node.report_message(
                "the database would be placed in public subnets; keep it in private subnets (the default) or set public_access: PublicAccess::AllowedIUnderstandTheRisk",
            );
        }
        if props.publicly_accessible && !consent {
            node.report_message(
                "publicly_accessible gives the database a public address; remove it, or set public_access: PublicAccess::AllowedIUnderstandTheRisk",
            );
        }
        if let Some(why) = vpc.explain_az_shortfall(&props.vpc_subnets, &selected, 2) {
            node.report_message(format!(
                "a DB subnet group needs subnets in at least two availability zones: {why}"
            ));
        }
        if !(20..=65536).contains(&props.allocated_storage_gib) {
            node.report_message(format!(
                "allocated storage {} GiB is out of range: 20 to 65536",
                props.allocated_storage_gib
            ));
        }
        if let Some(max) = props.max_allocated_storage_gib
            && max <= props.allocated_storage_gib
        {
            node.report_message(format!(
                "max_allocated_storage_gib {max} must be above allocated_storage_gib {}",
                props.allocated_storage_gib
            ));
        }
        if !(1..=35).contains(&props.backup_retention_days) {
            node.report_message(format!(
                "backup retention {} days is out of range: 1 to 35 (0 would disable backups)",
                props.backup_retention_days
            ));
        }
        let user = &props.master_username;
        if user.is_empty()
            || user.len() > 32
            || !user.starts_with(|c: char| c.is_ascii_alphabetic())
            || !user.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            node.report_message(format!(
                "master username `{user}` is invalid: 1 to 32 letters, digits and underscores, starting with a letter"
            ));
        }
        if let Some(db) = &props.database_name
            && (db.is_empty()
                || db.len() > 64
                || !db.starts_with(|c: char| c.is_ascii_alphabetic())
                || !db.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        {
            node.report_message(format!(
                "database name `{db}` is invalid: 1 to 64 letters, digits and underscores, starting with a letter"
            ));
        }

        if !(1150..=65535).contains(&props.port) {
            node.report_message(format!(
                "port {} is out of range: RDS MySQL listens on 1150 to 65535",
                props.port
            ));
        }
        if ![0, 1, 5, 10, 15, 30, 60].contains(&props.monitoring_interval_secs) {
            node.report_message(format!(
                "monitoring interval {}s is invalid: use 0 (off), 1, 5, 10, 15, 30 or 60",
                props.monitoring_interval_secs
            ));
        }

        let subnet_group = l1::DbSubnetGroup::new(
            &node,
            "SubnetGroup",
            l1::DbSubnetGroupProps::new(
                format!("Subnets of {}", node.path()),
                selected.subnet_ids(),
            ),
        );

        let security_group = SecurityGroup::new(
            &node,
            "SecurityGroup",
            vpc,
            SecurityGroupProps {
                description: Some(format!("Database {}", node.path())),
                allow_all_outbound: false,
            },
        );

        let secret = Secret::new(
            &node,
            "Secret",
            SecretProps {
                description: Some(format!("Master credentials of {}", node.path())),
                template_fields: vec![("username".into(), user.clone())],
                password_length: 30,
                encryption_key: props.secret_encryption_key.clone(),
                ..SecretProps::default()
            },
        );
        let resolve = |field: &str| {
            crate::sub![
                "{{resolve:secretsmanager:",
                secret.arn(),
                ":SecretString:",
                field,
                "}}"
            ]
        };

        let mut l1_props = l1::DbInstanceProps::new()
            .engine("mysql")
            .engine_version(props.engine_version.as_str())
            .db_instance_class(props.instance_class.as_str())
            .allocated_storage(props.allocated_storage_gib.to_string())
            .storage_type("gp3")
            .storage_encrypted(true)
            .master_username(resolve("username"))
            .master_user_password(resolve("password"))
            .port(props.port.to_string())
            .db_subnet_group_name(subnet_group.db_subnet_group_name())
            .vpc_security_groups(vec![security_group.security_group_id()])
            // Without consent the construct has reported the choice already.
            .publicly_accessible(props.publicly_accessible && consent)
            .multi_az(props.multi_az)
            .deletion_protection(props.deletion_protection)
            .backup_retention_period(i64::from(props.backup_retention_days))
            .copy_tags_to_snapshot(true)
            .auto_minor_version_upgrade(true)
            .enable_iam_database_authentication(true);
        if let Some(max) = props.max_allocated_storage_gib {
            l1_props = l1_props.max_allocated_storage(i64::from(max));
        }
        if let Some(db) = &props.database_name {
            l1_props = l1_props.db_name(db.as_str());
        }
        if !props.cloudwatch_logs_exports.is_empty() {
            l1_props = l1_props.enable_cloudwatch_logs_exports(
                props
                    .cloudwatch_logs_exports
                    .iter()
                    .map(|l| l.as_str())
                    .collect::<Vec<_>>(),
            );
        }
        if let Some(key) = &props.storage_encryption_key {
            l1_props = l1_props.kms_key_id(key.arn());
        }
        if props.monitoring_interval_secs > 0 {
            let role = Role::new(
                &node,
                "MonitoringRole",
                RoleProps {
                    description: Some(format!("Enhanced Monitoring of {}", node.path())),
                    managed_policies: vec![ManagedPolicy::aws(
                        "service-role/AmazonRDSEnhancedMonitoringRole",
                    )],
                    ..RoleProps::new(ServicePrincipal::rds_monitoring())
                },
            );
            l1_props = l1_props
                .monitoring_interval(i64::from(props.monitoring_interval_secs))
                .monitoring_role_arn(role.arn());
        }
        let resource = l1::DbInstance::new(&node, "Resource", l1_props);
        if consent && props.publicly_accessible {
            node.acknowledge(
                crate::check::catalog::PUBLIC_DATABASE,
                "public_access: PublicAccess::AllowedIUnderstandTheRisk",
            );
        }
        resource.apply_removal_policy(props.removal_policy);

        // Adds host, port and engine to the secret once the instance exists.
        let attachment = sm::SecretTargetAttachment::new(
            &node,
            "SecretAttachment",
            sm::SecretTargetAttachmentProps::new(
                secret.arn(),
                resource.db_instance_identifier(),
                "AWS::RDS::DBInstance",
            ),
        );

        RdsMysql {
            node,
            resource,
            security_group,
            secret: secret.attached(&attachment),
            port: props.port,
        }
    }

    /// The generated credentials: a JSON secret with `username`, `password`, and (once
    /// deployed) `host`, `port`, `engine`.
    pub fn secret(&self) -> Secret {
        self.secret.clone()
    }

    /// One field of the credentials secret.
    pub fn secret_field(&self, field: DatabaseSecretField) -> SecretField {
        self.secret.field(field.key())
    }

    /// The connection settings, each a field of [`RdsMysql::secret`]: `HOST`, `PORT`,
    /// `USERNAME` and `PASSWORD`. A container reads them as secrets
    /// (`EcsSecret::from_fields(&db.credentials(), "DB")` gives `DB_HOST`, ...), so the
    /// password appears in no template or task definition.
    pub fn credentials(&self) -> SecretFields {
        SecretFields::new(
            [
                DatabaseSecretField::Host,
                DatabaseSecretField::Port,
                DatabaseSecretField::Username,
                DatabaseSecretField::Password,
            ]
            .map(|f| (f.suffix().to_owned(), self.secret_field(f))),
        )
    }

    /// `Endpoint.Address`.
    pub fn endpoint_address(&self) -> Value<String> {
        self.resource.attr_endpoint_address()
    }

    /// `Endpoint.Port` (a string).
    pub fn endpoint_port(&self) -> Value<String> {
        self.resource.attr_endpoint_port()
    }

    /// `Ref`: the instance identifier.
    pub fn instance_identifier(&self) -> Value<DbInstanceId> {
        self.resource.db_instance_identifier()
    }

    /// The database's security group.
    pub fn security_group(&self) -> SecurityGroup {
        self.security_group.clone()
    }
}
