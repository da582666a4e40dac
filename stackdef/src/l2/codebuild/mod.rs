//! CodeBuild: a [`Project`] that builds in a managed image, with a typed [`BuildSpec`], a
//! role holding exactly what the build uses, and logs in a log group of its own.
//!
//! ```
//! use stackdef::codebuild::{BuildImage, BuildSpec, Phase, Project, ProjectProps};
//! use stackdef::{App, Env};
//! let app = App::new();
//! let stack = app.stack("Ci", Env::region("us-east-1"));
//! let spec = BuildSpec::new().phase(Phase::Build, ["cargo test --locked"]);
//! Project::pipeline(&stack, "Tests", ProjectProps::new(BuildImage::AmazonLinuxStandard5, spec));
//! assert!(app.synthesize().is_ok());
//! ```
//!
//! A buildspec that runs Docker needs privileged mode, or the build fails at its first
//! `docker` command; with an inline buildspec that is a synth error at the project:
//!
//! ```
//! use stackdef::codebuild::{BuildImage, BuildSpec, Phase, Project, ProjectProps};
//! use stackdef::{App, Env};
//! let app = App::new();
//! let stack = app.stack("Ci", Env::region("us-east-1"));
//! let spec = BuildSpec::new().phase(Phase::Build, ["docker build -t app ."]);
//! Project::pipeline(&stack, "Image", ProjectProps::new(BuildImage::AmazonLinuxStandard5, spec));
//! assert!(app.synthesize().is_err());
//! ```

mod build_image;
mod build_spec;
mod project;

pub use build_image::{BuildImage, ComputeType};
pub use build_spec::{BuildSpec, Phase};
pub use project::{BuildEnvironmentVariable, Project, ProjectProps};
