//! `stackdef validate`: every check of [`check_model`](crate::check_model) on an existing
//! template (JSON or YAML), and the report in text, JSON or SARIF.

use serde_json::{Value as Json, json};
use stackdef_synth::import::{ImportError, import_template};
use stackdef_synth::template_text::{TemplateTextError, parse_template};
use stackdef_synth::{AppModel, Env, StackModel};

use crate::{Rule, Severity, Subject};

/// One finding in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateFinding {
    /// The rule.
    pub rule: &'static Rule,
    /// `Resources`, `Outputs` or `Parameters`.
    pub section: &'static str,
    /// The logical id of the resource, output or parameter.
    pub item: String,
    /// The property path inside it (`SecurityGroupIngress[0].CidrIp`).
    pub property: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl TemplateFinding {
    /// Where in the template, as a path (`Resources.Sg.Properties.SecurityGroupIngress[0]`).
    pub fn path(&self) -> String {
        match self.section {
            "Resources" if !self.property.is_empty() && self.property != "Properties" => {
                format!("Resources.{}.Properties.{}", self.item, self.property)
            }
            section => format!("{section}.{}", self.item),
        }
    }
}

/// Why a template could not be checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidateError {
    /// Not JSON or YAML.
    #[error(transparent)]
    Text(#[from] TemplateTextError),
    /// Not a template: what the reader found, each with its place.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Structure(Vec<ImportError>),
}

/// Checks the template in `text` as a stack deploying to `region`.
pub fn validate_text(text: &str, region: &str) -> Result<Vec<TemplateFinding>, ValidateError> {
    let template = parse_template(text)?;
    validate_template(&template, region)
}

/// Checks `template` as a stack deploying to `region`.
pub fn validate_template(
    template: &Json,
    region: &str,
) -> Result<Vec<TemplateFinding>, ValidateError> {
    let mut model = AppModel::new(0);
    model.stacks.push(StackModel {
        name: "Template".into(),
        env: Env::region(region),
        description: None,
        tags: Default::default(),
        explicit_dependencies: Vec::new(),
        location: None,
    });
    import_template(&mut model, 0, &[], template).map_err(ValidateError::Structure)?;
    Ok(crate::check_model(&model)
        .into_iter()
        .map(|f| {
            let (section, item) = match f.subject {
                Subject::Resource(i) => (
                    "Resources",
                    model.resources[i].path.last().cloned().unwrap_or_default(),
                ),
                Subject::Output(i) => ("Outputs", model.outputs[i].id.clone()),
                Subject::Parameter(i) => ("Parameters", model.parameters[i].id.clone()),
            };
            TemplateFinding {
                rule: f.rule,
                section,
                item,
                property: f.property,
                message: f.message,
            }
        })
        .collect())
}

/// The result for one file.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The file's name as given.
    pub file: String,
    /// Its findings, or why it could not be checked.
    pub result: Result<Vec<TemplateFinding>, ValidateError>,
}

/// The results for every file, and how to show them.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// One entry per file, in the order given.
    pub files: Vec<FileReport>,
}

/// Exit code bits, as cfn-lint has them: 2 = errors, 4 = warnings (and risks); a file that
/// cannot be read or parsed gives 1.
pub mod exit {
    /// A template could not be read or is not a template.
    pub const UNREADABLE: u8 = 1;
    /// Some finding is an error.
    pub const ERRORS: u8 = 2;
    /// Some finding is a warning or a risk.
    pub const WARNINGS: u8 = 4;
}

impl Report {
    /// The process exit code: 0 when every file is clean, else the bits of [`exit`].
    pub fn exit_code(&self) -> u8 {
        let mut code = 0;
        for f in &self.files {
            match &f.result {
                Err(_) => code |= exit::UNREADABLE,
                Ok(found) => {
                    for finding in found {
                        code |= match finding.rule.severity {
                            Severity::Error => exit::ERRORS,
                            Severity::Risk | Severity::Warning => exit::WARNINGS,
                        };
                    }
                }
            }
        }
        code
    }

    /// One line per finding (`file: SD3003 risk Resources.Sg...: message`), then a summary.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let mut total = 0;
        for f in &self.files {
            match &f.result {
                Err(e) => out.push_str(&format!("{}: cannot check: {e}\n", f.file)),
                Ok(found) => {
                    total += found.len();
                    for x in found {
                        out.push_str(&format!(
                            "{}: {} {} {}: {} ({})\n",
                            f.file,
                            x.rule.id,
                            x.rule.severity.as_str(),
                            x.path(),
                            x.message,
                            x.rule.name
                        ));
                    }
                }
            }
        }
        out.push_str(&format!(
            "{} file{} checked, {total} finding{}\n",
            self.files.len(),
            if self.files.len() == 1 { "" } else { "s" },
            if total == 1 { "" } else { "s" }
        ));
        out
    }

    /// `[{"file", "rule", "name", "severity", "path", "message"}]`, or
    /// `{"file", "error"}` for a file that could not be checked.
    pub fn to_json(&self) -> Json {
        let mut out = Vec::new();
        for f in &self.files {
            match &f.result {
                Err(e) => out.push(json!({"file": f.file, "error": e.to_string()})),
                Ok(found) => out.extend(found.iter().map(|x| {
                    json!({
                        "file": f.file,
                        "rule": x.rule.id,
                        "name": x.rule.name,
                        "severity": x.rule.severity.as_str(),
                        "path": x.path(),
                        "message": x.message,
                    })
                })),
            }
        }
        Json::Array(out)
    }

    /// SARIF 2.1.0: one run, the catalog's rules that fired, a result per finding with
    /// the file and the template path as a logical location.
    pub fn to_sarif(&self) -> Json {
        let mut fired: Vec<&'static Rule> = self
            .files
            .iter()
            .filter_map(|f| f.result.as_ref().ok())
            .flatten()
            .map(|x| x.rule)
            .collect();
        fired.sort_by_key(|r| r.id);
        fired.dedup_by_key(|r| r.id);
        let level = |s: Severity| match s {
            Severity::Error => "error",
            Severity::Risk | Severity::Warning => "warning",
        };
        let rules: Vec<Json> = fired
            .iter()
            .map(|r| {
                json!({
                    "id": r.id,
                    "name": r.name,
                    "shortDescription": {"text": r.summary},
                    "defaultConfiguration": {"level": level(r.severity)},
                })
            })
            .collect();
        let mut results = Vec::new();
        let mut notifications = Vec::new();
        for f in &self.files {
            match &f.result {
                Err(e) => notifications.push(json!({
                    "level": "error",
                    "message": {"text": format!("{}: {e}", f.file)},
                })),
                Ok(found) => results.extend(found.iter().map(|x| {
                    json!({
                        "ruleId": x.rule.id,
                        "level": level(x.rule.severity),
                        "message": {"text": x.message},
                        "locations": [{
                            "physicalLocation": {"artifactLocation": {"uri": f.file}},
                            "logicalLocations": [{"fullyQualifiedName": x.path()}],
                        }],
                    })
                })),
            }
        }
        json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "stackdef",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }},
                "results": results,
                "invocations": [{
                    "executionSuccessful": notifications.is_empty(),
                    "toolExecutionNotifications": notifications,
                }],
            }],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPEN_SSH: &str = r#"{
      "Resources": {
        "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
          "GroupDescription": "admin",
          "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}]
        }},
        "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": "vpc-1", "CidrBlok": "10.0.0.0/24"}}
      }
    }"#;

    fn report(text: &str) -> Report {
        Report {
            files: vec![FileReport {
                file: "t.json".into(),
                result: validate_text(text, "us-east-1"),
            }],
        }
    }

    #[test]
    fn findings_exit_codes_and_formats() {
        let r = report(OPEN_SSH);
        assert_eq!(r.exit_code(), exit::ERRORS | exit::WARNINGS);
        let text = r.to_text();
        assert!(
            text.contains("t.json: SD3003 risk Resources.Sg.Properties.SecurityGroupIngress[0]"),
            "{text}"
        );
        assert!(
            text.contains("SD1001 error Resources.Subnet.Properties.CidrBlok"),
            "{text}"
        );
        let json = r.to_json();
        assert_eq!(json.as_array().map(Vec::len), Some(3), "{json:#}");
        let sarif = r.to_sarif();
        assert_eq!(sarif["version"], "2.1.0");
        assert_eq!(
            sarif["runs"][0]["results"].as_array().map(Vec::len),
            Some(3)
        );
        assert!(
            sarif["runs"][0]["tool"]["driver"]["rules"]
                .as_array()
                .is_some_and(|r| r.iter().any(|r| r["id"] == "SD3003"))
        );
    }

    #[test]
    fn a_clean_template_exits_zero_and_garbage_exits_one() {
        let clean = report(r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}"#);
        assert_eq!(clean.exit_code(), 0);
        assert!(clean.to_text().ends_with("1 file checked, 0 findings\n"));
        let broken = report("{ not json");
        assert_eq!(broken.exit_code(), exit::UNREADABLE);
        assert!(
            broken
                .to_text()
                .contains("t.json: cannot check: not valid JSON at line 1")
        );
        let no_resources = report("{}");
        assert_eq!(no_resources.exit_code(), exit::UNREADABLE);
    }
}
