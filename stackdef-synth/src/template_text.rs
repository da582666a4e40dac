//! Template text to JSON: JSON as it is, YAML (with the short-form intrinsics `!Ref`,
//! `!Sub`, `!GetAtt`, ...) turned into the long forms (`{"Ref": ...}`), so every reader
//! of templates sees one shape.

use serde_json::Value as Json;

/// A template that cannot be read as JSON or YAML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TemplateTextError {
    /// What is wrong, with the line and column when the parser knows them.
    pub message: String,
}

/// Parses a template: JSON when it starts with `{`, YAML otherwise (YAML needs the `yaml`
/// feature).
pub fn parse_template(text: &str) -> Result<Json, TemplateTextError> {
    if text.trim_start().starts_with('{') {
        return serde_json::from_str(text).map_err(|e| TemplateTextError {
            message: format!(
                "not valid JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            ),
        });
    }
    yaml::parse(text)
}

#[cfg(feature = "yaml")]
mod yaml {
    use serde_json::{Map, Value as Json};
    use serde_yaml_ng::Value as Yaml;

    use super::TemplateTextError;

    /// Short forms whose long form is `Fn::<name>`.
    const FN_TAGS: &[&str] = &[
        "And",
        "Base64",
        "Cidr",
        "Contains",
        "EachMemberEquals",
        "EachMemberIn",
        "Equals",
        "FindInMap",
        "ForEach",
        "GetAZs",
        "If",
        "ImportValue",
        "Join",
        "Length",
        "Not",
        "Or",
        "RefAll",
        "Select",
        "Split",
        "Sub",
        "ToJsonString",
        "Transform",
        "ValueOf",
        "ValueOfAll",
    ];

    pub(super) fn parse(text: &str) -> Result<Json, TemplateTextError> {
        let value: Yaml = serde_yaml_ng::from_str(text).map_err(|e| TemplateTextError {
            message: match e.location() {
                Some(l) => format!(
                    "not valid YAML at line {}, column {}: {e}",
                    l.line(),
                    l.column()
                ),
                None => format!("not valid YAML: {e}"),
            },
        })?;
        to_json(value, "template")
    }

    fn to_json(value: Yaml, at: &str) -> Result<Json, TemplateTextError> {
        Ok(match value {
            Yaml::Null => Json::Null,
            Yaml::Bool(b) => Json::Bool(b),
            Yaml::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Json::from(i)
                } else if let Some(u) = n.as_u64() {
                    Json::from(u)
                } else {
                    n.as_f64()
                        .and_then(serde_json::Number::from_f64)
                        .map(Json::Number)
                        .ok_or_else(|| TemplateTextError {
                            message: format!("{at}: {n} is not a number a template can hold"),
                        })?
                }
            }
            Yaml::String(s) => Json::String(s),
            Yaml::Sequence(items) => Json::Array(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| to_json(v, &format!("{at}[{i}]")))
                    .collect::<Result<_, _>>()?,
            ),
            Yaml::Mapping(entries) => {
                let mut out = Map::new();
                for (k, v) in entries {
                    let key = match k {
                        Yaml::String(s) => s,
                        Yaml::Number(n) => n.to_string(),
                        Yaml::Bool(b) => b.to_string(),
                        other => {
                            return Err(TemplateTextError {
                                message: format!("{at}: the key {other:?} is not a string"),
                            });
                        }
                    };
                    let value = to_json(v, &format!("{at}.{key}"))?;
                    out.insert(key, value);
                }
                Json::Object(out)
            }
            Yaml::Tagged(tagged) => {
                let name = tagged.tag.to_string();
                let name = name.trim_start_matches('!').to_owned();
                let inner = to_json(tagged.value, &format!("{at}.!{name}"))?;
                intrinsic(&name, inner, at)?
            }
        })
    }

    /// The long form of the short-form intrinsic `!name inner`.
    fn intrinsic(name: &str, inner: Json, at: &str) -> Result<Json, TemplateTextError> {
        let long = match name {
            "Ref" | "Condition" => name.to_owned(),
            "GetAtt" => {
                // `!GetAtt Resource.Attribute` (the attribute may itself hold dots).
                let inner = match inner {
                    Json::String(s) => match s.split_once('.') {
                        Some((r, a)) => Json::Array(vec![Json::from(r), Json::from(a)]),
                        None => {
                            return Err(TemplateTextError {
                                message: format!(
                                    "{at}: `!GetAtt {s}` names no attribute; write `!GetAtt Resource.Attribute`"
                                ),
                            });
                        }
                    },
                    other => other,
                };
                return Ok(Json::Object(Map::from_iter([("Fn::GetAtt".into(), inner)])));
            }
            n if FN_TAGS.contains(&n) => format!("Fn::{n}"),
            other => {
                return Err(TemplateTextError {
                    message: format!("{at}: `!{other}` is not a CloudFormation intrinsic function"),
                });
            }
        };
        Ok(Json::Object(Map::from_iter([(long, inner)])))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn short_forms_become_long_forms() {
            let yaml = "
AWSTemplateFormatVersion: 2010-09-09
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Condition: IsProd
    Properties:
      QueueName: !Sub '${AWS::StackName}-q'
      DelaySeconds: 5
Outputs:
  Arn:
    Value: !GetAtt Queue.Arn
  Az:
    Value: !Select [0, !GetAZs '']
";
            let t = parse(yaml).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(t["AWSTemplateFormatVersion"], "2010-09-09");
            assert_eq!(
                t["Conditions"]["IsProd"],
                serde_json::json!({"Fn::Equals": [{"Ref": "Env"}, "prod"]})
            );
            assert_eq!(
                t["Resources"]["Queue"]["Properties"]["QueueName"],
                serde_json::json!({"Fn::Sub": "${AWS::StackName}-q"})
            );
            assert_eq!(t["Resources"]["Queue"]["Properties"]["DelaySeconds"], 5);
            assert_eq!(
                t["Outputs"]["Arn"]["Value"],
                serde_json::json!({"Fn::GetAtt": ["Queue", "Arn"]})
            );
            assert_eq!(
                t["Outputs"]["Az"]["Value"],
                serde_json::json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]})
            );
        }

        #[test]
        fn mistakes_name_the_place() {
            let e = parse("Resources:\n  A:\n    Type: X\n    Properties:\n      B: !Reff x\n")
                .err()
                .map(|e| e.message)
                .unwrap_or_default();
            assert!(e.contains("Resources.A.Properties.B"), "{e}");
            assert!(e.contains("!Reff"), "{e}");
            let e = parse("a: [1, 2\n")
                .err()
                .map(|e| e.message)
                .unwrap_or_default();
            assert!(e.contains("line"), "{e}");
        }
    }
}

#[cfg(not(feature = "yaml"))]
mod yaml {
    use super::TemplateTextError;

    pub(super) fn parse(_: &str) -> Result<serde_json::Value, TemplateTextError> {
        Err(TemplateTextError {
            message: "this template is not JSON, and reading YAML needs stackdef's `yaml` feature"
                .into(),
        })
    }
}
