//! Secrets in plain sight: literal values in environments and secret properties, and
//! secret parameters that echo.

use stackdef_synth::Expr;

use crate::catalog;
use crate::view::{ModelView, get, list_of, map_of, str_of};
use crate::{Finding, Subject};

/// Whether a variable or parameter name says it holds a secret.
pub(crate) fn secret_name(name: &str) -> bool {
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
