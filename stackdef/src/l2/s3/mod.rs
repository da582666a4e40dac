//! S3: [`Bucket`], private and encrypted by default, with grants, a TLS-only policy, and a
//! ready-made bucket for load balancer access logs.
//!
//! ```
//! use stackdef::iam::{Role, RoleProps, ServicePrincipal};
//! use stackdef::s3::{Bucket, BucketProps};
//! use stackdef::{App, Env};
//! let app = App::new();
//! let stack = app.stack("Data", Env::region("us-east-1"));
//! let bucket = Bucket::new(&stack, "Artifacts", BucketProps { versioned: true, ..Default::default() });
//! let role = Role::new(&stack, "Builder", RoleProps::new(ServicePrincipal::codebuild()));
//! bucket.grant_read_write(&role);
//! app.synthesize().unwrap();
//! ```

mod bucket;

pub use bucket::{Bucket, BucketEncryption, BucketProps, LifecycleRule, ObjectOwnership};
