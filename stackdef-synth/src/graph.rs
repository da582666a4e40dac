//! The reference graph: resources are nodes, references and `depends_on` are edges.
//!
//! Built once per synth in linear time; cycles are found with Tarjan's algorithm, written
//! iteratively (a recursive one overflows the stack on long reference chains), and
//! reported as the construct paths around one concrete cycle. A graph crate would add
//! seconds to every user's first build for these sixty lines.

use std::collections::{HashMap, HashSet, VecDeque};

/// Edges `from -> to` meaning "`from` needs `to` first", over resource indices `0..n`.
#[derive(Debug, Default)]
pub struct ReferenceGraph {
    /// Successors of each node, possibly repeated (a resource may reference another twice).
    successors: Vec<Vec<u32>>,
}

impl ReferenceGraph {
    /// A graph with `n` resources and no edges.
    pub fn with_nodes(n: usize) -> Self {
        ReferenceGraph {
            successors: vec![Vec::new(); n],
        }
    }

    /// Records that resource `from` needs resource `to` (an index past the node count is
    /// ignored).
    pub fn add_edge(&mut self, from: u32, to: u32) {
        let n = self.successors.len();
        if let Some(out) = self.successors.get_mut(from as usize)
            && (to as usize) < n
        {
            out.push(to);
        }
    }

    /// Every cycle, each as resource indices with the first repeated at the end.
    pub fn cycles(&self) -> Vec<Vec<u32>> {
        let mut out = Vec::new();
        for scc in self.strongly_connected() {
            let self_loop = scc.len() == 1 && self.successors(scc[0]).contains(&scc[0]);
            if scc.len() > 1 || self_loop {
                out.push(self.one_cycle(&scc));
            }
        }
        // Deterministic order regardless of the traversal.
        out.sort();
        out
    }

    fn successors(&self, node: u32) -> &[u32] {
        self.successors
            .get(node as usize)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The strongly connected components (Tarjan), with an explicit call stack.
    fn strongly_connected(&self) -> Vec<Vec<u32>> {
        let n = self.successors.len();
        let mut t = Tarjan {
            index: vec![Tarjan::UNSEEN; n],
            low: vec![0; n],
            on_stack: vec![false; n],
            stack: Vec::new(),
            next: 0,
            calls: Vec::new(),
        };
        let mut components = Vec::new();
        for root in 0..n as u32 {
            if t.index[root as usize] != Tarjan::UNSEEN {
                continue;
            }
            t.visit(root);
            while let Some(&(v, visited)) = t.calls.last() {
                let vi = v as usize;
                if let Some(&w) = self.successors(v).get(visited) {
                    if let Some(top) = t.calls.last_mut() {
                        top.1 += 1;
                    }
                    if t.index[w as usize] == Tarjan::UNSEEN {
                        t.visit(w);
                    } else if t.on_stack[w as usize] {
                        t.low[vi] = t.low[vi].min(t.index[w as usize]);
                    }
                    continue;
                }
                t.calls.pop();
                if let Some(&(parent, _)) = t.calls.last() {
                    t.low[parent as usize] = t.low[parent as usize].min(t.low[vi]);
                }
                if t.low[vi] == t.index[vi] {
                    let mut component = Vec::new();
                    while let Some(w) = t.stack.pop() {
                        t.on_stack[w as usize] = false;
                        component.push(w);
                        if w == v {
                            break;
                        }
                    }
                    components.push(component);
                }
            }
        }
        components
    }

    /// One concrete cycle through the smallest node of a strongly connected component.
    fn one_cycle(&self, scc: &[u32]) -> Vec<u32> {
        let in_scc: HashSet<u32> = scc.iter().copied().collect();
        let Some(&start) = scc.iter().min() else {
            return Vec::new();
        };
        // Breadth-first from start's successors back to start, inside the component.
        let mut parent: HashMap<u32, u32> = HashMap::new();
        let mut queue = VecDeque::from([start]);
        let mut seen = HashSet::from([start]);
        let mut end = None;
        'search: while let Some(node) = queue.pop_front() {
            let mut next: Vec<u32> = self.successors(node).to_vec();
            next.sort_unstable();
            next.dedup();
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
        let mut path = vec![start];
        let Some(mut node) = end else {
            return path;
        };
        let mut back = Vec::new();
        while node != start {
            back.push(node);
            match parent.get(&node) {
                Some(&p) => node = p,
                None => break,
            }
        }
        back.reverse();
        path.extend(back);
        path.push(start);
        path
    }
}

/// The state of Tarjan's search.
struct Tarjan {
    index: Vec<u32>,
    low: Vec<u32>,
    on_stack: Vec<bool>,
    stack: Vec<u32>,
    next: u32,
    /// The search path: (node, how many of its successors were visited).
    calls: Vec<(u32, usize)>,
}

impl Tarjan {
    const UNSEEN: u32 = u32::MAX;

    fn visit(&mut self, v: u32) {
        self.index[v as usize] = self.next;
        self.low[v as usize] = self.next;
        self.next += 1;
        self.stack.push(v);
        self.on_stack[v as usize] = true;
        self.calls.push((v, 0));
    }
}

/// Stacks in dependency order (dependencies first), ties broken by declaration order;
/// `Err` holds the stacks of one cycle, first repeated at the end.
pub fn order_stacks(deps: &[Vec<u32>]) -> Result<Vec<u32>, Vec<u32>> {
    let n = deps.len();
    let mut graph = ReferenceGraph::with_nodes(n);
    for (from, tos) in deps.iter().enumerate() {
        for &to in tos {
            graph.add_edge(from as u32, to);
        }
    }
    if let Some(cycle) = graph.cycles().into_iter().next() {
        return Err(cycle);
    }
    // Kahn's algorithm with the lowest ready index first.
    let mut remaining: Vec<usize> = graph.successors.iter().map(Vec::len).collect();
    let mut dependants: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (from, tos) in graph.successors.iter().enumerate() {
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
    fn components_and_long_chains() {
        // Two cycles, one reached only through the other, and a chain that would overflow
        // a recursive search.
        let mut g = ReferenceGraph::with_nodes(7);
        for (from, to) in [
            (0, 1),
            (1, 0),
            (1, 2),
            (2, 3),
            (3, 4),
            (4, 2),
            (5, 5),
            (6, 6),
        ] {
            g.add_edge(from, to);
        }
        g.add_edge(0, 1); // repeated
        g.add_edge(3, 99); // past the node count: ignored
        assert_eq!(
            g.cycles(),
            vec![vec![0, 1, 0], vec![2, 3, 4, 2], vec![5, 5], vec![6, 6]]
        );
        let n = 200_000;
        let mut chain = ReferenceGraph::with_nodes(n);
        for i in 1..n as u32 {
            chain.add_edge(i - 1, i);
        }
        assert!(chain.cycles().is_empty());
        chain.add_edge(n as u32 - 1, 0);
        let cycles = chain.cycles();
        assert_eq!(cycles.len(), 1);
        assert_eq!(cycles[0].len(), n + 1);
    }

    #[test]
    fn stacks_ordered_dependencies_first() {
        assert_eq!(order_stacks(&[vec![2], vec![], vec![1]]), Ok(vec![1, 2, 0]));
        assert_eq!(order_stacks(&[vec![1], vec![0]]), Err(vec![0, 1, 0]));
    }
}
