//! IAM: a [`Role`] collects [`PolicyStatement`]s into one inline policy and attaches
//! [`ManagedPolicy`]s; constructs that hold data grant access to anything [`Grantable`]
//! (`secret.grant_read(&task_definition)`); [`ServicePrincipal`] names who assumes a role,
//! and [`InstanceProfile`] lets an instance use one.
//!
//! ```
//! use stackdef::iam::{ConditionOperator, ManagedPolicy, PolicyStatement, Role, RoleProps, ServicePrincipal};
//! use stackdef::{App, Env};
//! let app = App::new();
//! let stack = app.stack("S", Env::aws("123456789012", "us-east-1"));
//! let role = Role::new(&stack, "Host", RoleProps {
//!     managed_policies: vec![ManagedPolicy::aws("AmazonSSMManagedInstanceCore")],
//!     ..RoleProps::new(ServicePrincipal::ec2())
//! });
//! role.add_to_policy(
//!     PolicyStatement::allow(["s3:GetObject"], ["arn:aws:s3:::artifacts/*"])
//!         .with_condition(ConditionOperator::Bool, "aws:SecureTransport", ["true"]),
//! );
//! app.synthesize().unwrap();
//! ```
//!
//! A misspelled service principal is reported at synth with the closest known name:
//!
//! ```
//! use stackdef::iam::{Role, RoleProps, ServicePrincipal};
//! use stackdef::{App, Env};
//! let app = App::new();
//! let stack = app.stack("S", Env::aws("123456789012", "us-east-1"));
//! Role::new(&stack, "Task", RoleProps::new(ServicePrincipal::new("ecs-task.amazonaws.com")));
//! let errors = app.synthesize().unwrap_err().to_string();
//! assert!(errors.contains("did you mean `ecs-tasks.amazonaws.com`?"), "{errors}");
//! ```
//!
//! Only things that can carry permissions are grantable; a log group is not:
//!
//! ```compile_fail,E0277
//! use stackdef::logs::{LogGroup, LogGroupProps};
//! use stackdef::secretsmanager::{Secret, SecretProps};
//! use stackdef::{App, Env};
//! let app = App::new();
//! let stack = app.stack("S", Env::aws("123456789012", "us-east-1"));
//! let secret = Secret::new(&stack, "Secret", SecretProps::default());
//! let logs = LogGroup::new(&stack, "Logs", LogGroupProps::default());
//! secret.grant_read(&logs);
//! ```

mod grant;
mod instance_profile;
mod managed_policy;
mod policy;
mod principal;
mod role;

pub use grant::Grantable;
pub use instance_profile::InstanceProfile;
pub use managed_policy::{CustomerManagedPolicy, CustomerManagedPolicyProps, ManagedPolicy};
pub use policy::{ConditionOperator, Effect, PolicyDocument, PolicyStatement, Principal};
pub use principal::{KNOWN_SERVICES, ServicePrincipal};
pub use role::{Role, RoleProps};
