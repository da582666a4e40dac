//! AWS configuration and clients: `aws-config` defaults (environment, profiles, SSO,
//! `AWS_ENDPOINT_URL`), per-region clients, the caller's account, and error classification
//! (credentials, throttling, unreachable endpoints) with a retry for throttled calls.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_cloudformation::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use super::error::DeployError;

/// How to reach AWS: everything here is optional and falls back to `aws-config`'s defaults.
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    /// Named profile (`--profile`); else `AWS_PROFILE`, else `default`.
    pub profile: Option<String>,
    /// Default region (`--region`) for stacks whose `Env` has none.
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

/// Retries CloudFormation allows a throttled call before giving up.
const THROTTLE_RETRIES: u32 = 8;

impl AwsSession {
    /// Loads the configuration the way the AWS CLI does (environment, profiles, SSO,
    /// `AWS_ENDPOINT_URL`), with `options` on top.
    pub async fn load(options: &AwsOptions) -> Self {
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
        AwsSession {
            source: Source::Config(Box::new(config)),
            default_region,
            clients: Mutex::new(HashMap::new()),
            accounts: tokio::sync::Mutex::new(HashMap::new()),
        }
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

    /// The region a stack deploys to: its own `Env` region wins over the default.
    pub fn region_for(&self, stack: &str, env_region: Option<&str>) -> Result<String, DeployError> {
        env_region
            .map(str::to_owned)
            .or_else(|| self.default_region.clone())
            .ok_or_else(|| DeployError::NoRegion {
                stack: stack.to_owned(),
            })
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

/// Error codes AWS uses for throttling.
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "SlowDown",
];

/// Whether `err` is a throttling error.
pub fn is_throttling<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> bool {
    match err {
        SdkError::ServiceError(se) => se
            .err()
            .code()
            .is_some_and(|c| THROTTLING_CODES.contains(&c)),
        _ => false,
    }
}

/// Runs `call`, retrying throttling errors with exponential backoff (on top of the SDK's own
/// retries), and classifies any other error.
pub async fn retry_throttled<T, E, R, F, Fut>(
    operation: &'static str,
    mut call: F,
) -> Result<T, DeployError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, SdkError<E, R>>>,
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + 'static,
{
    let mut delay = Duration::from_millis(100);
    let mut attempt = 0;
    loop {
        match call().await {
            Ok(v) => return Ok(v),
            Err(e) if is_throttling(&e) && attempt < THROTTLE_RETRIES => {
                attempt += 1;
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(10));
            }
            Err(e) => return Err(classify(operation, e)),
        }
    }
}

/// The error code and message of a service error, if `err` is one.
pub fn service_error<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> Option<(String, String)> {
    match err {
        SdkError::ServiceError(se) => Some((
            se.err().code().unwrap_or("Unknown").to_owned(),
            se.err().message().unwrap_or_default().to_owned(),
        )),
        _ => None,
    }
}

/// Turns an SDK error into a [`DeployError`]: credentials problems become one sentence.
pub fn classify<E, R>(operation: &'static str, err: SdkError<E, R>) -> DeployError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + 'static,
{
    if let Some((code, message)) = service_error(&err) {
        return match code.as_str() {
            "ExpiredToken"
            | "ExpiredTokenException"
            | "RequestExpired"
            | "TokenRefreshRequired" => DeployError::ExpiredCredentials,
            "InvalidClientTokenId"
            | "UnrecognizedClientException"
            | "SignatureDoesNotMatch"
            | "InvalidAccessKeyId"
            | "IncompleteSignature"
            | "MissingAuthenticationToken" => DeployError::InvalidCredentials { code },
            _ => DeployError::Aws {
                operation,
                code: Some(code),
                message,
            },
        };
    }
    let detail = DisplayErrorContext(&err).to_string();
    if std::env::var_os("STACKDEF_DEBUG").is_some() {
        eprintln!("{operation}: {detail}");
    }
    let lower = detail.to_ascii_lowercase();
    if lower.contains("expired") && (lower.contains("token") || lower.contains("credential")) {
        return DeployError::ExpiredCredentials;
    }
    if lower.contains("profile")
        && (lower.contains("not found") || lower.contains("could not find"))
    {
        return DeployError::ProfileNotFound {
            detail: innermost(&err),
        };
    }
    if lower.contains("credentials") || lower.contains("identity") {
        return DeployError::NoCredentials;
    }
    let unreachable = matches!(&err, SdkError::DispatchFailure(d) if d.is_io() || d.is_timeout())
        || matches!(err, SdkError::TimeoutError(_));
    if unreachable {
        return DeployError::Unreachable {
            operation,
            detail: innermost(&err),
        };
    }
    DeployError::Aws {
        operation,
        code: None,
        message: detail,
    }
}

/// The innermost cause of an error, for one-line messages.
fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

/// Whether a service error says the stack does not exist.
pub fn is_stack_missing(err: &DeployError) -> bool {
    matches!(err, DeployError::Aws { code: Some(code), message, .. }
        if code == "ValidationError" && message.contains("does not exist"))
}
