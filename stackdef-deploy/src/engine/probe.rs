//! Looking before deploying: whether the credentials resolve, whom they belong to and
//! whether a staging bucket exists, without changing anything (the CLI's `doctor`).

use std::time::SystemTime;

use aws_sdk_sts::config::ProvideCredentials;
use aws_sdk_sts::error::DisplayErrorContext;

use super::error::DeployError;
use super::retry::classify;
use super::session::AwsSession;

/// Credentials that resolved, described without their secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsFacts {
    /// The access key id with all but its last four characters hidden (`…WXYZ`).
    pub access_key: String,
    /// When temporary credentials expire.
    pub expiry: Option<SystemTime>,
}

impl AwsSession {
    /// Resolves the credentials the way a deploy does (environment, profile, SSO,
    /// container or instance role); nothing is sent to AWS unless the provider itself
    /// calls it (SSO, assumed roles). Sessions made from fixed clients have no provider
    /// to ask: they report [`DeployError::NoCredentials`].
    pub async fn resolve_credentials(&self) -> Result<CredentialsFacts, DeployError> {
        let Some(provider) = self.credentials_provider() else {
            return Err(DeployError::NoCredentials);
        };
        let credentials = provider
            .provide_credentials()
            .await
            .map_err(|e| credentials_error(&e))?;
        let key = credentials.access_key_id();
        let tail: String = key
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        Ok(CredentialsFacts {
            access_key: format!("…{tail}"),
            expiry: credentials.expiry(),
        })
    }

    /// Whether `bucket` exists (and these credentials may see it), asked from `region`.
    pub async fn bucket_exists(&self, region: &str, bucket: &str) -> Result<bool, DeployError> {
        let clients = self.clients(region);
        match clients.s3.head_bucket().bucket(bucket).send().await {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(false),
            Err(e) => Err(classify("s3:HeadBucket", e)),
        }
    }
}

/// A credentials provider's error as one of the engine's sentences.
fn credentials_error(err: &(dyn std::error::Error + 'static)) -> DeployError {
    let text = DisplayErrorContext(err).to_string();
    let lower = text.to_ascii_lowercase();
    if lower.contains("profile")
        && (lower.contains("not defined")
            || lower.contains("not found")
            || lower.contains("could not find"))
    {
        let mut innermost = err;
        while let Some(next) = innermost.source() {
            innermost = next;
        }
        return DeployError::ProfileNotFound {
            detail: innermost.to_string(),
        };
    }
    if lower.contains("expired") {
        return DeployError::ExpiredCredentials;
    }
    // `CredentialsNotLoaded`: no provider in the chain had any (the SDK's words vary).
    if lower.contains("no credentials")
        || lower.contains("not loaded")
        || lower.contains("credentialsnotloaded")
        || lower.contains("no providers in chain")
    {
        return DeployError::NoCredentials;
    }
    DeployError::Aws {
        operation: "resolving credentials",
        code: None,
        message: text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_errors_become_the_engine_sentences() {
        let none = std::io::Error::other(
            "the credential provider was not enabled: no providers in chain provided credentials (CredentialsNotLoaded(..))",
        );
        assert!(matches!(
            credentials_error(&none),
            DeployError::NoCredentials
        ));
        let expired = std::io::Error::other("the SSO token has expired");
        assert!(matches!(
            credentials_error(&expired),
            DeployError::ExpiredCredentials
        ));
        let profile = std::io::Error::other("profile `nosuch` was not defined");
        assert!(matches!(
            credentials_error(&profile),
            DeployError::ProfileNotFound { .. }
        ));
    }
}
