//! Which explicit `DependsOn` entries a template needs: those that no reference, and no
//! chain of references and other `DependsOn`, already orders.
//!
//! Only orderings CloudFormation is sure to apply count: references in `Properties` outside
//! `Fn::If` (a branch exists only when its condition picks it) and explicit dependencies,
//! within one stack. Cycles are reported elsewhere; here the graph is walked with a visited
//! set, so a cycle cannot loop.

use std::collections::HashSet;

use crate::model::{AppModel, StackIndex};

/// Memoised same-stack orderings of each resource, and scratch space for the walks.
pub(crate) struct Ordering<'a> {
    model: &'a AppModel,
    /// Per resource, once computed: the same-stack resources it certainly waits for.
    direct: Vec<Option<Vec<u32>>>,
    /// Per resource: the number of the last walk that reached it.
    seen: Vec<u32>,
    walk: u32,
}

impl<'a> Ordering<'a> {
    pub(crate) fn new(model: &'a AppModel) -> Self {
        Ordering {
            model,
            direct: vec![None; model.resources.len()],
            seen: vec![0; model.resources.len()],
            walk: 0,
        }
    }

    /// Resources of `index`'s stack it references outside `Fn::If`.
    fn references(&self, index: u32) -> HashSet<u32> {
        let r = &self.model.resources[index as usize];
        let mut out = HashSet::new();
        for e in r.properties.values() {
            e.visit_unconditional_resource_refs(&mut |k| {
                if let Some(t) = self.model.resource(k)
                    && t.stack == r.stack
                {
                    out.insert(k.index);
                }
            });
        }
        out
    }

    /// Resources of the same stack `index` certainly waits for: references and explicit
    /// dependencies.
    fn direct(&mut self, index: u32) -> &[u32] {
        if self.direct[index as usize].is_none() {
            let mut deps: Vec<u32> = self.references(index).into_iter().collect();
            deps.extend(self.same_stack_depends_on(index));
            deps.sort_unstable();
            deps.dedup();
            self.direct[index as usize] = Some(deps);
        }
        self.direct[index as usize].as_deref().unwrap_or_default()
    }

    fn same_stack_depends_on(&self, index: u32) -> impl Iterator<Item = u32> + '_ {
        let r = &self.model.resources[index as usize];
        let stack: StackIndex = r.stack;
        r.depends_on.iter().filter_map(move |&k| {
            self.model
                .resource(k)
                .filter(|t| t.stack == stack)
                .map(|_| k.index)
        })
    }

    /// Of `index`'s explicit same-stack dependencies, whether each (in declaration order)
    /// is already implied: referenced directly, or reachable through another dependency.
    pub(crate) fn implied(&mut self, index: u32) -> Vec<bool> {
        let explicit: Vec<u32> = self.same_stack_depends_on(index).collect();
        if explicit.is_empty() {
            return Vec::new();
        }
        let references = self.references(index);
        // Everything reachable in two or more steps from `index`.
        self.walk += 1;
        let walk = self.walk;
        let mut stack: Vec<u32> = Vec::new();
        for d in self.direct(index).to_vec() {
            stack.extend_from_slice(self.direct(d));
        }
        while let Some(n) = stack.pop() {
            if self.seen[n as usize] == walk {
                continue;
            }
            self.seen[n as usize] = walk;
            let next = self.direct(n).to_vec();
            stack.extend(next);
        }
        explicit
            .iter()
            .map(|k| references.contains(k) || self.seen[*k as usize] == walk)
            .collect()
    }
}
