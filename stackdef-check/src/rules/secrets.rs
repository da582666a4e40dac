//! Secrets in plain sight: literal values in environments and secret properties, and
//! secret parameters that echo.

use stackdef_synth::Expr;

use crate::catalog;
use crate::view::{ModelView, get, list_of, map_of, str_of};
use crate::{Finding, Subject};

/// The last word of a name written in `SNAKE_CASE`, `kebab-case` or `CamelCase`.
fn last_word(name: &str) -> &str {
    let segment = name
        .rsplit(['_', '-', '.', '/'])
        .find(|s| !s.is_empty())
        .unwrap_or(name);
    let chars: Vec<(usize, char)> = segment.char_indices().collect();
    let mut i = chars.len();
    let lower = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    if chars.last().is_some_and(|(_, c)| lower(*c)) {
        while i > 0 && lower(chars[i - 1].1) {
            i -= 1;
        }
        if i > 0 && chars[i - 1].1.is_ascii_uppercase() {
            i -= 1;
        }
    } else {
        while i > 0 && (chars[i - 1].1.is_ascii_uppercase() || chars[i - 1].1.is_ascii_digit()) {
            i -= 1;
        }
    }
    chars.get(i).map_or(segment, |(at, _)| &segment[*at..])
}

/// Whether a variable or parameter name says it holds a secret.
///
/// A name whose last word says it holds something *about* a secret (`DB_SECRET_ARN`,
/// `JWT_SECRET_NAME`, `DatabaseSecretArn`, `PASSWORD_MIN_LENGTH`, `API_TOKEN_FILE`) does
/// not: the value is where the secret is, or a setting, and reporting it would make synth
/// fail on a template that keeps its secrets where they belong.
pub(crate) fn secret_name(name: &str) -> bool {
    let last = last_word(name).to_ascii_uppercase();
    if [
        "ARN",
        "NAME",
        "ID",
        "PATH",
        "PARAM",
        "PARAMETER",
        "FILE",
        "URL",
        "URI",
        "ENDPOINT",
        "REGION",
        "TTL",
        "LENGTH",
        "TYPE",
    ]
    .contains(&last.as_str())
    {
        return false;
    }
    let upper = name.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "PRIVATE_KEY",
        "PRIVATEKEY",
        "ACCESS_KEY",
        "CREDENTIAL",
    ]
    .iter()
    .any(|w| upper.contains(w))
}

/// Whether a literal looks like it holds the secret itself (not a reference to one).
fn secret_value(value: &str) -> bool {
    !value.is_empty()
        && !value.starts_with("{{resolve:")
        && !value.starts_with("arn:")
        && !value.starts_with('/')
}

pub(crate) fn check(v: &ModelView<'_>, out: &mut Vec<Finding>) {
    for (i, td) in v.of_type("AWS::ECS::TaskDefinition") {
        let Some(containers) = td.properties.get("ContainerDefinitions").and_then(list_of) else {
            continue;
        };
        for (n, c) in containers.iter().enumerate() {
            let Some(env) = map_of(c)
                .and_then(|c| c.get("Environment"))
                .and_then(list_of)
            else {
                continue;
            };
            for (k, pair) in env.iter().enumerate() {
                let Some(pair) = map_of(pair) else { continue };
                let (Some(name), Some(value)) = (
                    pair.get("Name").and_then(str_of),
                    pair.get("Value").and_then(str_of),
                ) else {
                    continue;
                };
                if secret_name(name) && secret_value(value) {
                    out.push(Finding::new(
                        catalog::PLAINTEXT_SECRET_IN_ENVIRONMENT,
                        Subject::Resource(i),
                        format!("ContainerDefinitions[{n}].Environment[{k}]"),
                        format!(
                            "{name} is a literal in the task definition, readable by anyone who can describe it; inject it as a secret (ContainerOptions::secrets), or acknowledge SD6001 with the reason"
                        ),
                    ));
                }
            }
        }
    }
    for (i, f) in v.of_type("AWS::Lambda::Function") {
        let Some(vars) = get(&f.properties, "Environment.Variables").and_then(map_of) else {
            continue;
        };
        for (name, value) in vars {
            if secret_name(name) && str_of(value).is_some_and(secret_value) {
                out.push(Finding::new(
                    catalog::PLAINTEXT_SECRET_IN_ENVIRONMENT,
                    Subject::Resource(i),
                    format!("Environment.Variables.{name}"),
                    format!(
                        "{name} is a literal in the function's configuration; read it from Secrets Manager or SSM at run time, or acknowledge SD6001 with the reason"
                    ),
                ));
            }
        }
    }
    for (i, r) in v.model.resources.iter().enumerate() {
        for (name, value) in &r.properties {
            let secretish = name.ends_with("Password")
                || matches!(name.as_str(), "SecretString" | "AuthToken" | "ClientSecret");
            if secretish
                && let Expr::String(s) = value
                && secret_value(s)
                && !s.eq_ignore_ascii_case("true")
                && !s.eq_ignore_ascii_case("false")
            {
                out.push(Finding::new(
                    catalog::LITERAL_SECRET_PROPERTY,
                    Subject::Resource(i),
                    name.clone(),
                    format!(
                        "{name} is written in the template; generate it (a Secrets Manager secret) or use a dynamic reference ({{{{resolve:secretsmanager:...}}}}), or acknowledge SD6002 with the reason"
                    ),
                ));
            }
        }
    }
    for (i, p) in v.model.parameters.iter().enumerate() {
        if secret_name(&p.id) && !p.no_echo {
            out.push(Finding::new(
                catalog::SECRET_PARAMETER_ECHOED,
                Subject::Parameter(i),
                "NoEcho",
                format!(
                    "parameter {} looks secret but shows in the console and API output; set NoEcho",
                    p.id
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{last_word, secret_name};

    #[test]
    fn last_words_of_names() {
        assert_eq!(last_word("DB_SECRET_ARN"), "ARN");
        assert_eq!(last_word("DatabaseSecretArn"), "Arn");
        assert_eq!(last_word("DbSecretARN"), "ARN");
        assert_eq!(last_word("api-token-file"), "file");
        assert_eq!(last_word("PASSWORD"), "PASSWORD");
        assert_eq!(last_word("dbPassword"), "Password");
    }

    #[test]
    fn names_of_secrets_and_names_about_them() {
        for secret in [
            "DB_PASSWORD",
            "DbPassword",
            "GitHubToken",
            "API_KEY",
            "ClientSecret",
        ] {
            assert!(secret_name(secret), "{secret}");
        }
        for about in [
            "DB_SECRET_ARN",
            "DatabaseSecretArn",
            "JWT_SECRET_NAME",
            "PASSWORD_MIN_LENGTH",
            "API_TOKEN_FILE",
            "LOG_LEVEL",
        ] {
            assert!(!secret_name(about), "{about}");
        }
    }
}
