//! Source actions: a Git branch through a connection, an ECR image tag, an S3 object.

use super::action::{ActionContext, ActionSpec, ArtifactLimits, SourceAction, sealed::Action};
use super::connection::SourceConnection;
use crate::cfn::codepipeline::pipeline as l1;
use crate::ecr::EcrRepository;
use crate::iam::PolicyStatement;
use crate::s3::Bucket;
use crate::value::Json;

const SOURCE_LIMITS: ArtifactLimits = ArtifactLimits {
    inputs: (0, 0),
    outputs: (1, 1),
};

fn source(
    name: &str,
    provider: &'static str,
    configuration: Vec<(&'static str, Json)>,
) -> ActionSpec {
    ActionSpec {
        name: name.to_owned(),
        category: l1::Category::Source,
        provider,
        configuration,
        inputs: Vec::new(),
        produces_output: true,
        limits: SOURCE_LIMITS,
        problems: Vec::new(),
    }
}

/// A branch of a GitHub repository, fetched through a [`SourceConnection`] on every push.
#[derive(Debug, Clone)]
pub struct GitHubSource {
    /// The action's name.
    pub name: String,
    /// The connection to GitHub.
    pub connection: SourceConnection,
    /// Repository owner (user or organization).
    pub owner: String,
    /// Repository name.
    pub repo: String,
    /// Branch.
    pub branch: String,
    /// Start the pipeline on every push to the branch. default (with [`GitHubSource::new`]): `true`.
    pub trigger_on_push: bool,
}

impl GitHubSource {
    /// `owner/repo` at `branch`, triggering on push.
    pub fn new(
        name: &str,
        connection: &SourceConnection,
        owner: &str,
        repo: &str,
        branch: &str,
    ) -> Self {
        GitHubSource {
            name: name.to_owned(),
            connection: connection.clone(),
            owner: owner.to_owned(),
            repo: repo.to_owned(),
            branch: branch.to_owned(),
            trigger_on_push: true,
        }
    }
}

impl Action for GitHubSource {
    fn declare(self, ctx: &ActionContext<'_>) -> ActionSpec {
        self.connection.grant_use(ctx.role);
        let mut spec = source(
            &self.name,
            "CodeStarSourceConnection",
            vec![
                ("ConnectionArn", Json::from(self.connection.arn())),
                (
                    "FullRepositoryId",
                    Json::from(format!("{}/{}", self.owner, self.repo)),
                ),
                ("BranchName", Json::from(self.branch.as_str())),
                ("OutputArtifactFormat", Json::from("CODE_ZIP")),
                ("DetectChanges", Json::from(self.trigger_on_push)),
            ],
        );
        for (what, value) in [
            ("owner", &self.owner),
            ("repo", &self.repo),
            ("branch", &self.branch),
        ] {
            if value.trim().is_empty() || value.contains(char::is_whitespace) {
                spec.problems.push(format!(
                    "GitHub {what} `{value}` is empty or contains spaces"
                ));
            }
        }
        spec
    }
}

impl SourceAction for GitHubSource {}

/// An image tag of an ECR repository: the pipeline starts when the tag is pushed.
#[derive(Debug, Clone)]
pub struct EcrSource {
    /// The action's name.
    pub name: String,
    /// The repository.
    pub repository: EcrRepository,
    /// The tag.
    pub tag: String,
}

impl Action for EcrSource {
    fn declare(self, ctx: &ActionContext<'_>) -> ActionSpec {
        ctx.role.add_to_policy(PolicyStatement::allow(
            ["ecr:DescribeImages"],
            [self.repository.arn()],
        ));
        source(
            &self.name,
            "ECR",
            vec![
                (
                    "RepositoryName",
                    Json::from(self.repository.repository_name()),
                ),
                ("ImageTag", Json::from(self.tag.as_str())),
            ],
        )
    }
}

impl SourceAction for EcrSource {}

/// An object (a zip) in an S3 bucket. The bucket must be versioned.
#[derive(Debug, Clone)]
pub struct S3Source {
    /// The action's name.
    pub name: String,
    /// The bucket.
    pub bucket: Bucket,
    /// The object's key.
    pub key: String,
}

impl Action for S3Source {
    fn declare(self, ctx: &ActionContext<'_>) -> ActionSpec {
        self.bucket.grant_read(ctx.role);
        let mut spec = source(
            &self.name,
            "S3",
            vec![
                ("S3Bucket", Json::from(self.bucket.bucket_name())),
                ("S3ObjectKey", Json::from(self.key.as_str())),
                ("PollForSourceChanges", Json::from(false)),
            ],
        );
        if !self.bucket.is_versioned() {
            spec.problems.push(
                "an S3 source reads a versioned bucket (CodePipeline tracks object versions): set `versioned: true` on the bucket".into(),
            );
        }
        spec
    }
}

impl SourceAction for S3Source {}
