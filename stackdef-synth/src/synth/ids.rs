//! Names: stack names, logical ids (derived or chosen, checked for collisions and
//! CloudFormation's rules), the other template ids, and reference cycles.

use std::collections::HashMap;

use super::{Synth, is_valid_stack_name};
use crate::error::{ErrorKind, SynthError};
use crate::expr::ResourceKey;
use crate::graph::ReferenceGraph;
use crate::logical_id;
use crate::model::{SourceLocation, StackIndex};

impl<'a> Synth<'a> {
    pub(super) fn check_stacks(&mut self) {
        let mut seen: HashMap<&str, ()> = HashMap::new();
        for stack in &self.model.stacks {
            if !is_valid_stack_name(&stack.name) {
                self.errors.push(SynthError::new(
                    ErrorKind::InvalidStackName {
                        name: stack.name.clone(),
                    },
                    Some(stack.name.clone()),
                    stack.location,
                ));
            }
            if seen.insert(&stack.name, ()).is_some() {
                self.errors.push(SynthError::new(
                    ErrorKind::DuplicateId {
                        id: stack.name.clone(),
                    },
                    Some(stack.name.clone()),
                    stack.location,
                ));
            }
        }
        for (i, stack) in self.model.stacks.iter().enumerate() {
            for &dep in &stack.explicit_dependencies {
                self.stack_deps[i].insert(dep);
            }
        }
    }

    pub(super) fn assign_logical_ids(&mut self) {
        let model = self.model;
        // Per stack: logical id -> construct path of its first user (resources and
        // parameters share the `Ref` namespace).
        let mut taken: Vec<HashMap<String, String>> = vec![HashMap::new(); model.stacks.len()];
        for p in &model.parameters {
            let path = format!("{}/{}", model.stacks[p.stack as usize].name, p.id);
            self.check_id(&p.id, &path, p.location);
            taken[p.stack as usize].insert(p.id.clone(), path);
        }
        for r in &model.resources {
            let id = r
                .logical_id_override
                .clone()
                .unwrap_or_else(|| logical_id::derive(&r.path));
            let path = model.resource_path(r);
            self.check_id(&id, &path, r.location);
            let seen = &mut taken[r.stack as usize];
            if let Some(first) = seen.get(&id) {
                let kind = ErrorKind::LogicalIdCollision {
                    id: id.clone(),
                    first: first.clone(),
                    second: path.clone(),
                };
                self.errors
                    .push(SynthError::new(kind, Some(path), r.location));
            } else {
                seen.insert(id.clone(), path);
            }
            self.ids.push(id);
        }
        self.local_ids = taken;
        let names = model
            .outputs
            .iter()
            .map(|o| (o.stack, &o.id, o.location))
            .chain(
                model
                    .conditions
                    .iter()
                    .map(|c| (c.stack, &c.id, c.location)),
            )
            .chain(model.mappings.iter().map(|m| (m.stack, &m.id, m.location)));
        let named: Vec<_> = names.collect();
        for (stack, id, location) in named {
            let path = format!("{}/{}", model.stacks[stack as usize].name, id);
            self.check_id(id, &path, location);
        }
        self.check_unique(
            model
                .outputs
                .iter()
                .map(|o| (o.stack, o.id.as_str(), o.location)),
        );
        self.check_unique(
            model
                .conditions
                .iter()
                .map(|c| (c.stack, c.id.as_str(), c.location)),
        );
        self.check_unique(
            model
                .mappings
                .iter()
                .map(|m| (m.stack, m.id.as_str(), m.location)),
        );
    }

    pub(super) fn check_unique<'i>(
        &mut self,
        items: impl Iterator<Item = (StackIndex, &'i str, Option<SourceLocation>)>,
    ) {
        let mut seen = std::collections::HashSet::new();
        for (stack, id, location) in items {
            if !seen.insert((stack, id)) {
                let path = format!("{}/{}", self.model.stacks[stack as usize].name, id);
                self.err(
                    ErrorKind::DuplicateId { id: id.to_owned() },
                    Some(path),
                    location,
                );
            }
        }
    }

    pub(super) fn check_id(&mut self, id: &str, path: &str, location: Option<SourceLocation>) {
        if let Some(reason) = logical_id::invalid_reason(id) {
            self.err(
                ErrorKind::InvalidLogicalId {
                    id: id.to_owned(),
                    reason,
                },
                Some(path.to_owned()),
                location,
            );
        }
    }

    pub(super) fn check_cycles(&mut self) {
        let model = self.model;
        let mut graph = ReferenceGraph::with_nodes(model.resources.len());
        for (i, r) in model.resources.iter().enumerate() {
            let mut add = |k: ResourceKey| {
                if model.resource(k).is_some() {
                    graph.add_edge(i as u32, k.index);
                }
            };
            r.properties
                .values()
                .for_each(|e| e.visit_resource_refs(&mut add));
            r.metadata
                .values()
                .for_each(|e| e.visit_resource_refs(&mut add));
            r.depends_on.iter().copied().for_each(&mut add);
        }
        for cycle in graph.cycles() {
            let paths: Vec<String> = cycle
                .iter()
                .map(|&i| model.resource_path(&model.resources[i as usize]))
                .collect();
            let first = &model.resources[cycle[0] as usize];
            let path = paths.first().cloned();
            self.err(ErrorKind::Cycle { paths }, path, first.location);
        }
    }
}
