//! AWS configuration and clients: `aws-config` defaults (environment, profiles, SSO,
//! `AWS_ENDPOINT_URL`), per-region clients, and the caller's account.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};

use super::error::DeployError;
use super::retry::retry_throttled;

/// How to reach AWS: everything here is optional and falls back to `aws-config`'s defaults.
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    /// Named profile (the CLI's `--profile`); else `AWS_PROFILE`, else `default`.
    pub profile: Option<String>,
    /// Default region (the CLI's `--region`) for stacks whose `Env` has none.
    pub region: Option<String>,
}

/// The three service clients the engine uses, for one region.
#[derive(Debug, Clone)]
pub struct Clients {
    /// CloudFormation.
    pub cloudformation: aws_sdk_cloudformation::Client,
    /// S3 (template staging).
    pub s3: aws_sdk_s3::Client,
    /// STS (caller identity).
    pub sts: aws_sdk_sts::Client,
    /// The region these clients call.
    pub region: String,
}

/// Where clients come from: the loaded configuration, or fixed clients (tests, embedding).
#[derive(Debug)]
enum Source {
    Config(Box<SdkConfig>),
    Fixed(Clients),
}

/// A connection to AWS: loads configuration once, builds clients per region on demand and
/// caches the caller's account per region.
#[derive(Debug)]
pub struct AwsSession {
    source: Source,
    default_region: Option<String>,
    clients: Mutex<HashMap<String, Clients>>,
    accounts: tokio::sync::Mutex<HashMap<String, String>>,
}

impl AwsSession {
    /// Loads the configuration the way the AWS CLI does (environment, profiles, SSO,
    /// `AWS_ENDPOINT_URL`), with `options` on top.
    ///
    /// A profile named in `options` must exist in the AWS configuration or credentials
    /// file, even when credentials in the environment would be used otherwise; a region
    /// that no AWS partition has is refused here, before any call.
    pub async fn load(options: &AwsOptions) -> Result<Self, DeployError> {
        if let Some(profile) = &options.profile {
            check_profile(profile)?;
        }
        if let Some(region) = &options.region {
            check_region(region)?;
        }
        let mut loader = aws_config::defaults(BehaviorVersion::latest()).retry_config(
            aws_config::retry::RetryConfig::standard()
                .with_max_attempts(5)
                .with_initial_backoff(Duration::from_millis(200)),
        );
        if let Some(profile) = &options.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(region) = &options.region {
            loader = loader.region(Region::new(region.clone()));
        }
        let config = loader.load().await;
        let default_region = config.region().map(|r| r.to_string());
        if let Some(region) = &default_region {
            check_region(region)?;
        }
        Ok(AwsSession {
            source: Source::Config(Box::new(config)),
            default_region,
            clients: Mutex::new(HashMap::new()),
            accounts: tokio::sync::Mutex::new(HashMap::new()),
        })
    }

    /// A session that always uses `clients`, whatever region a stack names (for tests with
    /// SDK-level fakes, or callers that build their own clients).
    pub fn from_clients(clients: Clients) -> Self {
        AwsSession {
            default_region: Some(clients.region.clone()),
            source: Source::Fixed(clients),
            clients: Mutex::new(HashMap::new()),
            accounts: tokio::sync::Mutex::new(HashMap::new()),
        }
    }

    /// The region used for stacks without one.
    pub fn default_region(&self) -> Option<&str> {
        self.default_region.as_deref()
    }

    /// The endpoint every client calls instead of AWS's own (`AWS_ENDPOINT_URL`, or the
    /// profile's `endpoint_url`), if one is set.
    pub fn endpoint_url(&self) -> Option<&str> {
        match &self.source {
            Source::Config(config) => config.endpoint_url(),
            Source::Fixed(_) => None,
        }
    }

    /// The credentials provider the loaded configuration resolved (none for fixed clients,
    /// whose credentials are their own business).
    pub(super) fn credentials_provider(
        &self,
    ) -> Option<aws_sdk_sts::config::SharedCredentialsProvider> {
        match &self.source {
            Source::Config(config) => config.credentials_provider(),
            Source::Fixed(_) => None,
        }
    }

    /// The region a stack deploys to: its own `Env` region wins over the default.
    pub fn region_for(&self, stack: &str, env_region: Option<&str>) -> Result<String, DeployError> {
        let region = env_region
            .map(str::to_owned)
            .or_else(|| self.default_region.clone())
            .ok_or_else(|| DeployError::NoRegion {
                stack: stack.to_owned(),
            })?;
        check_region(&region)?;
        Ok(region)
    }

    /// Clients for `region`.
    pub fn clients(&self, region: &str) -> Clients {
        let config = match &self.source {
            Source::Fixed(clients) => return clients.clone(),
            Source::Config(config) => config,
        };
        let mut cache = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = cache.get(region) {
            return c.clone();
        }
        let region_value = Region::new(region.to_owned());
        let cloudformation = aws_sdk_cloudformation::Client::from_conf(
            aws_sdk_cloudformation::config::Builder::from(config.as_ref())
                .region(region_value.clone())
                .build(),
        );
        // A custom endpoint (an emulator, a proxy) cannot serve virtual-hosted bucket names.
        let path_style = config.endpoint_url().is_some();
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(config.as_ref())
                .region(region_value.clone())
                .force_path_style(path_style)
                .build(),
        );
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(config.as_ref())
                .region(region_value)
                .build(),
        );
        let clients = Clients {
            cloudformation,
            s3,
            sts,
            region: region.to_owned(),
        };
        cache.insert(region.to_owned(), clients.clone());
        clients
    }

    /// The account the credentials belong to, as seen from `clients.region` (cached).
    pub async fn caller_account(&self, clients: &Clients) -> Result<String, DeployError> {
        let mut accounts = self.accounts.lock().await;
        if let Some(a) = accounts.get(&clients.region) {
            return Ok(a.clone());
        }
        let out = retry_throttled("sts:GetCallerIdentity", || {
            clients.sts.get_caller_identity().send()
        })
        .await?;
        let account = out.account().unwrap_or_default().to_owned();
        accounts.insert(clients.region.clone(), account.clone());
        Ok(account)
    }

    /// Refuses (before any change) when the stack names an account other than the caller's.
    pub async fn check_account(
        &self,
        stack: &str,
        expected: Option<&str>,
        clients: &Clients,
    ) -> Result<(), DeployError> {
        let actual = self.caller_account(clients).await?;
        match expected {
            Some(expected) if !actual.is_empty() && expected != actual => {
                Err(DeployError::AccountMismatch {
                    stack: stack.to_owned(),
                    expected: expected.to_owned(),
                    actual,
                })
            }
            _ => Ok(()),
        }
    }
}

/// Region name prefixes of the AWS partitions (commercial, China, GovCloud, isolated).
const REGION_PREFIXES: &[&str] = &[
    "us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx", "cn", "us-gov", "us-iso", "us-isob",
    "eu-isoe", "us-isof",
];

/// Whether `region` has the shape of an AWS region: a partition prefix, a direction word and
/// a number (`us-east-1`, `ap-southeast-4`, `us-gov-west-1`).
pub(crate) fn is_known_region(region: &str) -> bool {
    let Some((rest, number)) = region.rsplit_once('-') else {
        return false;
    };
    let Some((prefix, word)) = rest.rsplit_once('-') else {
        return false;
    };
    !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
        && !word.is_empty()
        && word.bytes().all(|b| b.is_ascii_lowercase())
        && REGION_PREFIXES.contains(&prefix)
}

fn check_region(region: &str) -> Result<(), DeployError> {
    if is_known_region(region) {
        Ok(())
    } else {
        Err(DeployError::UnknownRegion {
            region: region.to_owned(),
        })
    }
}

/// The AWS configuration and credentials files, as the SDK finds them.
fn profile_files() -> Vec<std::path::PathBuf> {
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    let file = |var: &str, default: &str| {
        std::env::var_os(var)
            .map(std::path::PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".aws").join(default)))
    };
    [
        file("AWS_CONFIG_FILE", "config"),
        file("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Refuses a profile that neither file defines.
fn check_profile(profile: &str) -> Result<(), DeployError> {
    let files = profile_files();
    for (i, path) in files.iter().enumerate() {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let found = text.lines().any(|line| {
            let Some(section) = line
                .trim()
                .strip_prefix('[')
                .and_then(|l| l.strip_suffix(']'))
            else {
                return false;
            };
            let section = section.trim();
            // The config file names profiles `[profile NAME]` (and `[default]`); the
            // credentials file `[NAME]`.
            let name = if i == 0 {
                section
                    .strip_prefix("profile ")
                    .map(str::trim)
                    .unwrap_or(section)
            } else {
                section
            };
            name == profile
        });
        if found {
            return Ok(());
        }
    }
    Err(DeployError::ProfileNotFound {
        detail: format!(
            "no profile named `{profile}` in {}",
            files
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names() {
        for ok in [
            "us-east-1",
            "eu-west-3",
            "ap-southeast-4",
            "us-gov-west-1",
            "cn-north-1",
        ] {
            assert!(is_known_region(ok), "{ok}");
        }
        for bad in ["mars-1", "us-east", "useast1", "US-EAST-1", "", "xx-east-1"] {
            assert!(!is_known_region(bad), "{bad}");
        }
    }
}
