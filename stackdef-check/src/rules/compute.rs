//! EC2 instances and launch templates: user data encoding and size, the metadata service;
//! Lambda functions' environment variable names.

use stackdef_synth::{Expr, SubPart};

use crate::catalog;
use crate::view::{ModelView, get, map_of, str_of};
use crate::{Finding, Subject};

/// EC2's limit on user data, once base64-encoded.
pub(crate) const USER_DATA_LIMIT: usize = 16 * 1024;

/// The environment variable names Lambda sets itself and refuses in a function's
/// configuration (its developer guide, "Defined runtime environment variables").
pub(crate) const LAMBDA_RESERVED_VARIABLES: &[&str] = &[
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_DEFAULT_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_LAMBDA_RUNTIME_API",
    "AWS_REGION",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "LAMBDA_RUNTIME_DIR",
    "LAMBDA_TASK_ROOT",
];

pub(crate) fn check(v: &ModelView<'_>, out: &mut Vec<Finding>) {
    for (i, f) in v.of_type("AWS::Lambda::Function") {
        let Some(vars) = get(&f.properties, "Environment.Variables").and_then(map_of) else {
            continue;
        };
        for name in vars.keys() {
            if LAMBDA_RESERVED_VARIABLES.contains(&name.as_str()) {
                out.push(Finding::new(
                    catalog::RESERVED_LAMBDA_ENVIRONMENT,
                    Subject::Resource(i),
                    format!("Environment.Variables.{name}"),
                    format!(
                        "Lambda sets `{name}` itself and rejects a function that defines it; give the variable another name (the function reads Lambda's value from `{name}`)"
                    ),
                ));
            }
        }
    }
    for (i, r) in v.of_type("AWS::EC2::Instance") {
        if let Some(ud) = r.properties.get("UserData") {
            user_data(ud, Subject::Resource(i), "UserData", out);
        }
        // The launch template decides the metadata options of instances made from one.
        if !r.properties.contains_key("LaunchTemplate")
            && imds_v1_allowed(r.properties.get("MetadataOptions"))
        {
            out.push(Finding::new(
                catalog::IMDSV1_ALLOWED,
                Subject::Resource(i),
                "MetadataOptions.HttpTokens",
                "the instance accepts metadata requests without a session token (IMDSv1); set MetadataOptions.HttpTokens to `required`",
            ));
        }
    }
    for (i, r) in v.of_type("AWS::EC2::LaunchTemplate") {
        if let Some(ud) = get(&r.properties, "LaunchTemplateData.UserData") {
            user_data(ud, Subject::Resource(i), "LaunchTemplateData.UserData", out);
        }
    }
}

fn imds_v1_allowed(options: Option<&Expr>) -> bool {
    let tokens = options.and_then(|o| match o {
        Expr::Map(m) => m.get("HttpTokens"),
        _ => None,
    });
    match tokens {
        None => options.is_none_or(|o| matches!(o, Expr::Map(_))),
        Some(t) => str_of(t).is_some_and(|t| t == "optional"),
    }
}

/// Whether `s` can be base64 text (whitespace aside).
fn is_base64(s: &str) -> bool {
    let body: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    body.len().is_multiple_of(4)
        && body
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

/// Bytes of base64 for `n` bytes of text.
fn encoded_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

/// The literal text of a `Fn::Sub` or `Fn::Join` (a lower bound of its length).
fn literal_text(e: &Expr) -> Option<String> {
    match e {
        Expr::String(s) => Some(s.clone()),
        Expr::Sub(parts) => Some(
            parts
                .iter()
                .filter_map(|p| match p {
                    SubPart::Text(t) => Some(t.as_str()),
                    SubPart::Expr(Expr::String(t)) => Some(t.as_str()),
                    SubPart::Expr(_) => None,
                })
                .collect(),
        ),
        Expr::Join(sep, list) => match list.as_ref() {
            Expr::List(items) => {
                let parts: Vec<String> = items.iter().filter_map(literal_text).collect();
                Some(parts.join(sep))
            }
            _ => None,
        },
        _ => None,
    }
}

/// `SD4001`/`SD4002`: user data not base64-encoded, or too large.
fn user_data(e: &Expr, subject: Subject, at: &str, out: &mut Vec<Finding>) {
    let encoded = match e {
        Expr::Base64(inner) => literal_text(inner).map(|t| encoded_len(t.len())),
        Expr::String(s) if is_base64(s) => Some(s.len()),
        Expr::String(_) | Expr::Sub(_) | Expr::Join(..) => {
            // A script written as text: EC2 wants it base64-encoded.
            let plain = literal_text(e).unwrap_or_default();
            if !is_base64(&plain) {
                out.push(Finding::new(
                    catalog::USER_DATA_NOT_BASE64,
                    subject,
                    at,
                    "user data is plain text; EC2 expects it base64-encoded: wrap it in Fn::Base64 (stackdef's UserData does)",
                ));
                return;
            }
            Some(plain.len())
        }
        _ => None,
    };
    if let Some(n) = encoded
        && n > USER_DATA_LIMIT
    {
        out.push(Finding::new(
            catalog::USER_DATA_TOO_LARGE,
            subject,
            at,
            format!(
                "user data is at least {n} bytes once base64-encoded; EC2 allows {USER_DATA_LIMIT}: download the rest from S3 at boot"
            ),
        ));
    }
}
