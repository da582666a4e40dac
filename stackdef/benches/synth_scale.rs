//! Synthesis at scale: builds and synthesizes generated apps of 10 × 400 and 100 × 400
//! resources with references inside and across stacks, and reports wall time and peak
//! memory for each.
//!
//! ```text
//! cargo bench -p stackdef --bench synth_scale
//! ```
//!
//! Each size runs in a fresh child process (this binary re-executed) so its peak resident
//! memory (`VmHWM` from `/proc/self/status`) is its own. Timings are the median of a few
//! runs inside that process.

use std::process::Command;
use std::time::{Duration, Instant};

use stackdef::value::Json;
use stackdef::{App, CfnResource, Env, Node, Value, sub};

const RESOURCES_PER_STACK: usize = 400;
/// Resources per construct group (paths `Stack/GroupN/ResM`, hashed logical ids).
const GROUP: usize = 10;
/// Every `CROSS`-th resource references a resource of the previous stack.
const CROSS: usize = 20;
const RUNS: usize = 3;
const CHILD_ENV: &str = "STACKDEF_BENCH_CHILD";

/// Builds an app of `stacks` × 400 resources in one environment.
fn build(stacks: usize) -> App {
    let app = App::new();
    let env = Env::aws("123456789012", "eu-west-1");
    let mut previous: Vec<CfnResource> = Vec::new();
    for s in 0..stacks {
        let stack = app.stack(&format!("Stack{s}"), env.clone());
        let mut current: Vec<CfnResource> = Vec::with_capacity(RESOURCES_PER_STACK);
        let mut group = Node::new(&stack, "Group0");
        for i in 0..RESOURCES_PER_STACK {
            if i % GROUP == 0 && i > 0 {
                group = Node::new(&stack, &format!("Group{}", i / GROUP));
            }
            let r = CfnResource::new(&group, &format!("Res{i}"), "AWS::SNS::Topic");
            r.set_property("TopicName", format!("topic-{s}-{i}"));
            if let Some(prev) = current.last() {
                let arn: Value<String> = prev.get_att("TopicArn");
                let name: Value<String> = prev.ref_value();
                r.set_property("DisplayName", sub!["after-", name, "-", arn]);
                r.set_property(
                    "Tags",
                    vec![Json::object([
                        ("Key", Json::from("previous")),
                        ("Value", Json::from(prev.ref_value::<String>())),
                    ])],
                );
            }
            if i % 50 == 25 {
                // An explicit dependency the chain of references already implies: synth
                // walks the chain to find that out, and leaves it out of the template.
                r.add_depends_on(&current[i - 20]);
            }
            if i % CROSS == 0
                && let Some(other) = previous.get(i)
            {
                r.set_property("KmsMasterKeyId", other.get_att::<String>("TopicArn"));
            }
            current.push(r);
        }
        previous = current;
    }
    app
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// User + system CPU time of this process so far, in milliseconds (from
/// `/proc/self/stat`, 10 ms resolution): less sensitive than wall time to other work on a
/// busy machine.
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    // Clock ticks are 100 per second on Linux.
    Some((utime + stime) * 10.0)
}

fn median(mut d: Vec<Duration>) -> Duration {
    d.sort();
    d[d.len() / 2]
}

/// One size, in this process: prints a single line of results.
fn child(stacks: usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut builds, mut synths, mut writes, mut totals) = (vec![], vec![], vec![], vec![]);
    let mut bytes = 0usize;
    let mut cpu = 0.0;
    for _ in 0..RUNS {
        let cpu0 = cpu_ms().unwrap_or(0.0);
        let t0 = Instant::now();
        let app = build(stacks);
        let t1 = Instant::now();
        let output = app.synthesize().expect("the generated app is valid");
        let t2 = Instant::now();
        let manifest =
            stackdef::synth::assembly::write(dir.path(), &output).expect("assembly written");
        let t3 = Instant::now();
        cpu += cpu_ms().unwrap_or(0.0) - cpu0;
        bytes = manifest.stacks.iter().map(|s| s.template_size).sum();
        assert_eq!(manifest.stacks.len(), stacks);
        drop((app, output));
        builds.push(t1 - t0);
        synths.push(t2 - t1);
        writes.push(t3 - t2);
        totals.push(t3 - t0);
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{:>4} x {} = {:>6} resources: total {:>7.1} ms (build {:>6.1}, synthesize {:>6.1}, write {:>5.1}; cpu {:>6.0} ms), {:>5.1} MiB of templates, peak RSS {:>6.1} MiB",
        stacks,
        RESOURCES_PER_STACK,
        stacks * RESOURCES_PER_STACK,
        ms(median(totals)),
        ms(median(builds)),
        ms(median(synths)),
        ms(median(writes)),
        cpu / RUNS as f64,
        bytes as f64 / (1024.0 * 1024.0),
        peak_rss_kib().unwrap_or(0) as f64 / 1024.0,
    );
}

fn main() {
    if let Ok(n) = std::env::var(CHILD_ENV) {
        child(n.parse().expect("stack count"));
        return;
    }
    let exe = std::env::current_exe().expect("own path");
    println!(
        "synth_scale: build + synthesize + write the assembly (median of {RUNS} runs; peak RSS of a fresh process per size)"
    );
    for stacks in [10, 100] {
        let status = Command::new(&exe)
            .env(CHILD_ENV, stacks.to_string())
            .status()
            .expect("run child");
        assert!(status.success(), "bench child for {stacks} stacks failed");
    }
}
