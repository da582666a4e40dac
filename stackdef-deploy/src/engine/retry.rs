//! Calling AWS: a retry for throttled calls on top of the SDK's own, and the classification
//! of errors (credentials, unreachable endpoints, missing stacks) into [`DeployError`]s.

use std::time::Duration;

use aws_sdk_cloudformation::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use super::error::DeployError;

/// Retries CloudFormation allows a throttled call before giving up.
const THROTTLE_RETRIES: u32 = 8;

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
pub(crate) fn is_throttling<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> bool {
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
pub(crate) async fn retry_throttled<T, E, R, F, Fut>(
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
pub(crate) fn service_error<E: ProvideErrorMetadata, R>(
    err: &SdkError<E, R>,
) -> Option<(String, String)> {
    match err {
        SdkError::ServiceError(se) => Some((
            se.err().code().unwrap_or("Unknown").to_owned(),
            se.err().message().unwrap_or_default().to_owned(),
        )),
        _ => None,
    }
}

/// Turns an SDK error into a [`DeployError`]: credentials problems become one sentence.
pub(crate) fn classify<E, R>(operation: &'static str, err: SdkError<E, R>) -> DeployError
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
pub(crate) fn is_stack_missing(err: &DeployError) -> bool {
    matches!(err, DeployError::Aws { code: Some(code), message, .. }
        if code == "ValidationError" && message.contains("does not exist"))
}
