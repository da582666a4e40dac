//! The checks of every synth, turned into what the user sees: errors with the construct
//! path and the line that wrote the property, and the report's warnings and acknowledged
//! findings.

use stackdef_check::{Finding, Severity, Subject};
use stackdef_synth::{AppModel, ErrorKind, SourceLocation, SynthError, SynthWarning};

/// The construct path, the type (or section) and the user's line of a finding.
fn place(model: &AppModel, finding: &Finding) -> (String, String, Option<SourceLocation>) {
    match finding.subject {
        Subject::Resource(i) => {
            let r = &model.resources[i];
            // An L2 construct's own resource is shown as the construct (`Web/Alb`).
            let path = model.resource_path(r);
            let path = path
                .strip_suffix("/Resource")
                .map_or(path.clone(), str::to_owned);
            (
                path,
                r.type_name.clone(),
                r.property_location(&finding.property),
            )
        }
        Subject::Output(i) => {
            let o = &model.outputs[i];
            (
                format!("{}/{}", model.stacks[o.stack as usize].name, o.id),
                "Outputs".into(),
                o.location,
            )
        }
        Subject::Parameter(i) => {
            let p = &model.parameters[i];
            (
                format!("{}/{}", model.stacks[p.stack as usize].name, p.id),
                "Parameters".into(),
                p.location,
            )
        }
    }
}

/// Runs the checks: errors (errors and risks nobody acknowledged) fail synth; warnings and
/// acknowledged findings go into the report.
pub(crate) fn run(model: &AppModel) -> (Vec<SynthError>, Vec<SynthWarning>) {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for f in stackdef_check::check_model(model) {
        let (path, subject, location) = place(model, &f);
        let acknowledged = stackdef_check::acknowledged(model, &f);
        if acknowledged.is_none() && f.rule.severity != Severity::Warning {
            errors.push(SynthError::new(
                ErrorKind::Rule {
                    rule: f.rule.id.into(),
                    name: f.rule.name.into(),
                    subject,
                    property: f.property,
                    message: f.message,
                },
                Some(path),
                location,
            ));
        } else {
            warnings.push(SynthWarning {
                rule: f.rule.id.into(),
                name: f.rule.name.into(),
                severity: f.rule.severity.as_str().into(),
                path,
                property: f.property,
                message: f.message,
                location: location.map(|l| l.to_string()),
                acknowledged: acknowledged.map(str::to_owned),
            });
        }
    }
    (errors, warnings)
}
