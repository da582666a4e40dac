//! Cross-stack references: exports and imports, and the finished stack with its quotas.

use serde_json::{Map, Value as Json, json};

use super::{Site, Synth, SynthesizedStack};
use crate::error::{ErrorKind, SynthError};
use crate::expr::ResourceKey;
use crate::limits::{self, INLINE_TEMPLATE_LIMIT, MAX_TEMPLATE_SIZE};
use crate::logical_id;
use crate::manifest::{ResourceEntry, StackArtifact, sha256_hex};
use crate::model::StackIndex;

impl<'a> Synth<'a> {
    /// A reference to `key` (attribute `attr`) from `site`: local, or an import.
    pub(super) fn reference(
        &mut self,
        key: ResourceKey,
        attr: Option<&str>,
        site: Site<'_>,
    ) -> Json {
        let model = self.model;
        let Some(target) = model.resource(key) else {
            self.dangling(format!("a resource of another app ({key:?})"), site);
            return Json::Null;
        };
        let id = &self.ids[key.index as usize];
        if target.stack == site.stack {
            return match attr {
                None => json!({ "Ref": id }),
                Some(a) => json!({ "Fn::GetAtt": [id, a] }),
            };
        }
        let producer = &model.stacks[target.stack as usize];
        let consumer = &model.stacks[site.stack as usize];
        if producer.env != consumer.env {
            let kind = ErrorKind::CrossEnvironmentReference {
                consumer_stack: consumer.name.clone(),
                consumer_env: consumer.env.to_string(),
                producer: model.resource_path(target),
                producer_stack: producer.name.clone(),
                producer_env: producer.env.to_string(),
            };
            self.err(kind, Some(site.path.to_owned()), site.location);
            return Json::Null;
        }
        self.stack_deps[site.stack as usize].insert(target.stack);
        let exports = &mut self.exports.by_stack[target.stack as usize];
        let entry = exports
            .entry((key.index, attr.map(str::to_owned)))
            .or_insert_with(|| export_names(&producer.name, id, attr));
        json!({ "Fn::ImportValue": entry.1 })
    }

    pub(super) fn add_exports(&mut self, templates: &mut [Map<String, Json>]) {
        for (stack, exports) in self.exports.by_stack.iter().enumerate() {
            if exports.is_empty() {
                continue;
            }
            let t = &mut templates[stack];
            let outputs = t
                .entry("Outputs")
                .or_insert_with(|| Json::Object(Map::new()));
            let Json::Object(outputs) = outputs else {
                continue;
            };
            let mut automatic = std::collections::HashSet::new();
            for ((index, attr), (output_id, export_name)) in exports {
                let id = &self.ids[*index as usize];
                let mut output_id = output_id.clone();
                if automatic.contains(&output_id) {
                    // Two exports whose names run together (`Db` + `EndpointAddress` and
                    // `DbEndpoint` + `Address`): tell them apart by a hash of both parts.
                    let hash =
                        logical_id::path_hash(&[id.clone(), attr.clone().unwrap_or_default()]);
                    output_id = fit(
                        format!("{output_id}{hash}"),
                        &[id, attr.as_deref().unwrap_or("")],
                    );
                }
                let output_id = &output_id;
                if outputs.contains_key(output_id) {
                    // A declared output already has the id this export needs.
                    let sm = &self.model.stacks[stack];
                    self.errors.push(SynthError::new(
                        ErrorKind::LogicalIdCollision {
                            id: output_id.clone(),
                            first: format!("{}/{output_id}", sm.name),
                            second: format!(
                                "the export of {} for other stacks",
                                self.model
                                    .resource_path(&self.model.resources[*index as usize])
                            ),
                        },
                        Some(format!("{}/{output_id}", sm.name)),
                        sm.location,
                    ));
                    continue;
                }
                let value = match attr {
                    None => json!({ "Ref": id }),
                    Some(a) => json!({ "Fn::GetAtt": [id, a] }),
                };
                automatic.insert(output_id.clone());
                outputs.insert(
                    output_id.clone(),
                    json!({ "Value": value, "Export": { "Name": export_name } }),
                );
            }
        }
    }

    pub(super) fn finish_stack(
        &mut self,
        stack: StackIndex,
        template: Map<String, Json>,
    ) -> SynthesizedStack {
        let model = self.model;
        let sm = &model.stacks[stack as usize];
        let count = |key: &str| {
            template
                .get(key)
                .and_then(Json::as_object)
                .map_or(0, Map::len)
        };
        for (what, key, limit) in [
            ("resources", "Resources", limits::RESOURCES),
            ("parameters", "Parameters", limits::PARAMETERS),
            ("outputs", "Outputs", limits::OUTPUTS),
            ("mappings", "Mappings", limits::MAPPINGS),
        ] {
            let n = count(key);
            if n > limit {
                self.err(
                    ErrorKind::LimitExceeded {
                        stack: sm.name.clone(),
                        what,
                        count: n,
                        limit,
                    },
                    Some(sm.name.clone()),
                    sm.location,
                );
            }
        }
        let template = Json::Object(template);
        let mut text = serde_json::to_string_pretty(&template).unwrap_or_default();
        text.push('\n');
        if text.len() > MAX_TEMPLATE_SIZE {
            self.err(
                ErrorKind::TemplateTooLarge {
                    stack: sm.name.clone(),
                    size: text.len(),
                    limit: MAX_TEMPLATE_SIZE,
                },
                Some(sm.name.clone()),
                sm.location,
            );
        }
        let resources = self.per_stack[stack as usize]
            .resources
            .iter()
            .map(|&i| {
                let r = &model.resources[i];
                (
                    self.ids[i].clone(),
                    ResourceEntry {
                        type_name: r.type_name.clone(),
                        path: model.resource_path(r),
                    },
                )
            })
            .collect();
        let artifact = StackArtifact {
            name: sm.name.clone(),
            environment: sm.env.clone(),
            template_file: format!("{}.template.json", sm.name),
            template_size: text.len(),
            template_sha256: sha256_hex(text.as_bytes()),
            requires_upload: text.len() > INLINE_TEMPLATE_LIMIT,
            dependencies: self.stack_deps[stack as usize]
                .iter()
                .map(|&d| model.stacks[d as usize].name.clone())
                .collect(),
            tags: sm.tags.clone(),
            resources,
        };
        SynthesizedStack {
            artifact,
            template,
            template_json: text,
        }
    }
}

/// Output logical id and export name for a value exported from `stack`.
fn export_names(stack: &str, logical_id: &str, attr: Option<&str>) -> (String, String) {
    let (output, export) = match attr {
        None => (
            format!("ExportRef{logical_id}"),
            format!("{stack}:{logical_id}"),
        ),
        Some(a) => {
            let clean: String = a.chars().filter(char::is_ascii_alphanumeric).collect();
            (
                format!("ExportAtt{logical_id}{clean}"),
                format!("{stack}:{logical_id}-{}", a.replace('.', "-")),
            )
        }
    };
    // The attribute is part of the hash: two attributes of one long id stay distinct.
    let attr = attr.unwrap_or("");
    (
        fit(output, &[logical_id, attr]),
        fit(export, &[stack, logical_id, attr]),
    )
}

/// Shortens `s` to 255 characters, keeping it unique with a hash of what made it.
fn fit(mut s: String, parts: &[&str]) -> String {
    if s.len() <= logical_id::MAX_LOGICAL_ID_LEN {
        return s;
    }
    let owned: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
    let hash = logical_id::path_hash(&owned);
    s.truncate(logical_id::MAX_LOGICAL_ID_LEN - hash.len());
    s.push_str(&hash);
    s
}
