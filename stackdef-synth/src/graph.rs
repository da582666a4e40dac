//! The reference graph: resources are nodes, references and `depends_on` are edges.
//!
//! Built once per synth in linear time; cycles are found with Kosaraju's algorithm
//! (iterative: petgraph's Tarjan recurses once per node on a path and overflows the stack
//! on long reference chains) and reported as the construct paths around one concrete cycle.

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::VecDeque;

/// Edges `from -> to` meaning "`from` needs `to` first", over resource indices `0..n`.
#[derive(Debug, Default)]
pub struct ReferenceGraph {
    graph: DiGraph<(), ()>,
}

impl ReferenceGraph {
    /// A graph with `n` resources and no edges.
    pub fn with_nodes(n: usize) -> Self {
        let mut graph = DiGraph::with_capacity(n, n * 2);
        for _ in 0..n {
            graph.add_node(());
        }
        ReferenceGraph { graph }
    }

    /// Records that resource `from` needs resource `to`.
    pub fn add_edge(&mut self, from: u32, to: u32) {
        self.graph.update_edge(
            NodeIndex::new(from as usize),
            NodeIndex::new(to as usize),
            (),
        );
    }

    /// Every cycle, each as resource indices with the first repeated at the end.
    pub fn cycles(&self) -> Vec<Vec<u32>> {
        let mut out = Vec::new();
        for scc in kosaraju_scc(&self.graph) {
            let self_loop = scc.len() == 1 && self.graph.contains_edge(scc[0], scc[0]);
            if scc.len() > 1 || self_loop {
                out.push(self.one_cycle(&scc));
            }
        }
        // Deterministic order regardless of the SCC algorithm's traversal.
        out.sort();
        out
    }

    /// One concrete cycle through the smallest node of a strongly connected component.
    fn one_cycle(&self, scc: &[NodeIndex]) -> Vec<u32> {
        let in_scc: std::collections::HashSet<NodeIndex> = scc.iter().copied().collect();
        let Some(&start) = scc.iter().min() else {
            return Vec::new();
        };
        // Breadth-first from start's successors back to start, inside the component.
        let mut parent: std::collections::HashMap<NodeIndex, NodeIndex> = Default::default();
        let mut queue = VecDeque::from([start]);
        let mut seen = std::collections::HashSet::from([start]);
        let mut end = None;
        'search: while let Some(node) = queue.pop_front() {
            let mut next: Vec<NodeIndex> = self.graph.neighbors(node).collect();
            next.sort();
            for n in next {
                if n == start {
                    end = Some(node);
                    break 'search;
                }
                if in_scc.contains(&n) && seen.insert(n) {
                    parent.insert(n, node);
                    queue.push_back(n);
                }
            }
        }
        let mut path = vec![start.index() as u32];
        let mut node = match end {
            Some(n) => n,
            None => return path,
        };
        let mut back = Vec::new();
        while node != start {
            back.push(node.index() as u32);
            node = parent[&node];
        }
        back.reverse();
        path.extend(back);
        path.push(start.index() as u32);
        path
    }
}

/// Stacks in dependency order (dependencies first), ties broken by declaration order;
/// `Err` holds the stacks of one cycle, first repeated at the end.
pub fn order_stacks(deps: &[Vec<u32>]) -> Result<Vec<u32>, Vec<u32>> {
    let n = deps.len();
    let mut graph: DiGraph<(), ()> = DiGraph::with_capacity(n, n);
    for _ in 0..n {
        graph.add_node(());
    }
    for (from, tos) in deps.iter().enumerate() {
        for &to in tos {
            graph.update_edge(NodeIndex::new(from), NodeIndex::new(to as usize), ());
        }
    }
    let rg = ReferenceGraph { graph };
    if let Some(cycle) = rg.cycles().into_iter().next() {
        return Err(cycle);
    }
    // Kahn's algorithm with the lowest ready index first.
    let mut remaining: Vec<usize> = deps.iter().map(|d| d.len()).collect();
    let mut dependants: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (from, tos) in deps.iter().enumerate() {
        for &to in tos {
            dependants[to as usize].push(from);
        }
    }
    let mut ready: std::collections::BTreeSet<usize> =
        (0..n).filter(|&i| remaining[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop_first() {
        order.push(i as u32);
        for &d in &dependants[i] {
            remaining[d] -= 1;
            if remaining[d] == 0 {
                ready.insert(d);
            }
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_concrete_cycle() {
        let mut g = ReferenceGraph::with_nodes(4);
        g.add_edge(0, 1);
        g.add_edge(1, 2);
        g.add_edge(2, 0);
        g.add_edge(2, 3);
        assert_eq!(g.cycles(), vec![vec![0, 1, 2, 0]]);
    }

    #[test]
    fn self_reference_is_a_cycle() {
        let mut g = ReferenceGraph::with_nodes(2);
        g.add_edge(1, 1);
        assert_eq!(g.cycles(), vec![vec![1, 1]]);
    }

    #[test]
    fn stacks_ordered_dependencies_first() {
        assert_eq!(order_stacks(&[vec![2], vec![], vec![1]]), Ok(vec![1, 2, 0]));
        assert_eq!(order_stacks(&[vec![1], vec![0]]), Err(vec![0, 1, 0]));
    }
}
