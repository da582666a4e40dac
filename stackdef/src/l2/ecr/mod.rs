//! ECR: [`EcrRepository`] with scan on push, immutable tags and an image-count lifecycle
//! rule by default.

use stackdef_synth::RemovalPolicy;

use crate::cfn::ecr::{self as l1, repository as r};
use crate::construct::{Construct, Node};
use crate::iam::{Grantable, PolicyStatement};
use crate::resource::{CfnResource, Resource};
use crate::value::{RepositoryArn, RepositoryName, Value};

/// Options of an [`EcrRepository`].
#[derive(Debug, Clone, PartialEq)]
pub struct EcrRepositoryProps {
    /// `RepositoryName` (2-256 lowercase characters). default: derived from the stack name
    /// and construct path (`BankStack/Images` → `bankstack/images`): deterministic, unique
    /// in an account and region (stack names are), and valid for ECR and its emulators.
    pub repository_name: Option<String>,
    /// Scan every pushed image for vulnerabilities. default: `true`.
    pub scan_on_push: bool,
    /// Refuse to overwrite an existing tag (deploy by unique tags such as the commit id).
    /// default: `true`.
    pub immutable_tags: bool,
    /// Expire the oldest images beyond this many; `None` keeps every image. default: `Some(30)`.
    pub max_image_count: Option<u32>,
    /// What happens to the repository (and its images) when it leaves the stack. default:
    /// `Retain`.
    pub removal_policy: RemovalPolicy,
}

impl Default for EcrRepositoryProps {
    fn default() -> Self {
        EcrRepositoryProps {
            repository_name: None,
            scan_on_push: true,
            immutable_tags: true,
            max_image_count: Some(30),
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

/// A private container image repository, encrypted with the AWS managed KMS key.
#[derive(Debug, Clone)]
pub struct EcrRepository {
    resource: l1::Repository,
}

impl Construct for EcrRepository {
    fn node(&self) -> &Node {
        self.resource.node()
    }
}

impl Resource for EcrRepository {
    fn cfn(&self) -> &CfnResource {
        self.resource.cfn()
    }
}

/// A valid ECR repository name for construct `path`: each path segment lowercased, with
/// runs of other characters turned into one `-` (ECR allows `.`, `_`, `-` only between
/// letters and digits), segments joined by `/`; over 256 characters, cut and suffixed with
/// a hash of the path so it stays unique.
pub fn default_repository_name(path: &str) -> String {
    let segments: Vec<String> = path
        .split('/')
        .map(|seg| {
            let mut out = String::new();
            for c in seg.chars() {
                if c.is_ascii_alphanumeric() {
                    out.push(c.to_ascii_lowercase());
                } else if !out.is_empty() && !out.ends_with('-') {
                    out.push('-');
                }
            }
            out.trim_end_matches('-').to_owned()
        })
        .filter(|seg| !seg.is_empty())
        .collect();
    let mut name = segments.join("/");
    if name.len() < 2 {
        name = format!("repo-{name}").trim_end_matches('-').to_owned();
    }
    if name.len() > 256 {
        let hash = crate::synth::assembly::sha256_hex(path.as_bytes());
        let mut cut = name[..240].trim_end_matches(['/', '-']).to_owned();
        cut.push('-');
        cut.push_str(&hash[..12]);
        name = cut;
    }
    name
}

impl EcrRepository {
    /// A repository.
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, props: EcrRepositoryProps) -> EcrRepository {
        let mut l1_props = l1::RepositoryProps::new()
            .image_scanning_configuration(
                r::ImageScanningConfiguration::new().scan_on_push(props.scan_on_push),
            )
            .image_tag_mutability(if props.immutable_tags {
                r::ImageTagMutability::Immutable
            } else {
                r::ImageTagMutability::Mutable
            })
            // The AWS managed KMS key (aws/ecr): no key to manage.
            .encryption_configuration(r::EncryptionConfiguration::new(r::EncryptionType::Kms));
        let name = props
            .repository_name
            .clone()
            .unwrap_or_else(|| default_repository_name(&format!("{}/{id}", scope.node().path())));
        l1_props = l1_props.repository_name(name.as_str());
        if let Some(count) = props.max_image_count {
            let policy = serde_json::json!({
                "rules": [{
                    "rulePriority": 1,
                    "description": format!("Keep only the newest {count} images"),
                    "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": count},
                    "action": {"type": "expire"}
                }]
            });
            l1_props = l1_props.lifecycle_policy(
                r::LifecyclePolicy::new().lifecycle_policy_text(policy.to_string()),
            );
        }
        let resource = l1::Repository::new(scope, id, l1_props);
        if let Some(name) = &props.repository_name {
            let ok = (2..=256).contains(&name.len())
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-/".contains(&b));
            if !ok {
                resource.node().report_message(format!(
                    "repository name `{name}` is invalid: 2 to 256 lowercase letters, digits and . _ - /"
                ));
            }
        }
        if props.max_image_count == Some(0) {
            resource
                .node()
                .report_message("max_image_count must be at least 1 (or None to keep all images)");
        }
        resource.apply_removal_policy(props.removal_policy);
        EcrRepository { resource }
    }

    /// `Ref`: the repository's name.
    pub fn repository_name(&self) -> Value<RepositoryName> {
        self.resource.repository_name()
    }

    /// `RepositoryUri` (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`).
    pub fn repository_uri(&self) -> Value<String> {
        self.resource.attr_repository_uri()
    }

    /// `Arn`.
    pub fn arn(&self) -> Value<RepositoryArn> {
        self.resource.attr_arn()
    }

    /// Allows `grantee` to pull images from this repository.
    pub fn grant_pull(&self, grantee: &impl Grantable) {
        let role = grantee.grant_role();
        role.add_to_policy(PolicyStatement::allow(
            [
                "ecr:BatchCheckLayerAvailability",
                "ecr:GetDownloadUrlForLayer",
                "ecr:BatchGetImage",
            ],
            [self.arn()],
        ));
        // GetAuthorizationToken has no resource-level permissions.
        role.add_to_policy(PolicyStatement::allow(["ecr:GetAuthorizationToken"], ["*"]));
    }

    /// Allows `grantee` to push images to this repository (a build project's role).
    pub fn grant_push(&self, grantee: &impl Grantable) {
        let role = grantee.grant_role();
        role.add_to_policy(PolicyStatement::allow(
            [
                "ecr:BatchCheckLayerAvailability",
                "ecr:CompleteLayerUpload",
                "ecr:InitiateLayerUpload",
                "ecr:PutImage",
                "ecr:UploadLayerPart",
            ],
            [self.arn()],
        ));
        role.add_to_policy(PolicyStatement::allow(["ecr:GetAuthorizationToken"], ["*"]));
    }

    /// Allows `grantee` to pull and push (a build that starts from its own previous
    /// image, for layer caching).
    pub fn grant_pull_push(&self, grantee: &impl Grantable) {
        self.grant_pull(grantee);
        self.grant_push(grantee);
    }
}

#[cfg(test)]
mod name_tests {
    use super::default_repository_name;

    #[test]
    fn default_names_are_valid_and_deterministic() {
        assert_eq!(
            default_repository_name("BankStack/Images"),
            "bankstack/images"
        );
        assert_eq!(
            default_repository_name("My_Stack/Build--Cache/Repo.1"),
            "my-stack/build-cache/repo-1"
        );
        let long = format!("S/{}", "a".repeat(300));
        let name = default_repository_name(&long);
        assert!(name.len() <= 256 && name.starts_with("s/aaa"), "{name}");
        assert_eq!(name, default_repository_name(&long));
        assert_eq!(default_repository_name("X"), "repo-x");
    }
}
