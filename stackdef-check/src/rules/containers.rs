//! ECS: Fargate task sizes and network modes, container ports, and services' launch types,
//! deployment controllers and load balancers.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use stackdef_synth::{Expr, ResourceModel};

use crate::catalog;
use crate::view::{ModelView, bool_of, get, list_of, map_of, num_of, str_of, text};
use crate::{Finding, Subject};

/// The memory sizes (MiB) Fargate accepts for a task of `cpu` units, empty when `cpu`
/// itself is not a Fargate size.
pub fn fargate_memory(cpu: u32) -> Vec<u32> {
    let range = |lo: u32, hi: u32, step: u32| (lo..=hi).step_by(step as usize).collect();
    match cpu {
        256 => vec![512, 1024, 2048],
        512 => range(1024, 4096, 1024),
        1024 => range(2048, 8192, 1024),
        2048 => range(4096, 16384, 1024),
        4096 => range(8192, 30720, 1024),
        8192 => range(16384, 61440, 4096),
        16384 => range(32768, 122880, 8192),
        _ => Vec::new(),
    }
}

/// Why `cpu`/`memory_mib` is not a Fargate task size, if it is not.
pub fn fargate_size_problem(cpu: u32, memory_mib: u32) -> Option<String> {
    let options = fargate_memory(cpu);
    if options.is_empty() {
        return Some(format!(
            "cpu {cpu} is not a Fargate task size; use 256, 512, 1024, 2048, 4096, 8192 or 16384 (1024 = 1 vCPU)"
        ));
    }
    if !options.contains(&memory_mib) {
        let list = if options.len() > 6 {
            format!(
                "{} to {} in steps of {}",
                options[0],
                options[options.len() - 1],
                options[1] - options[0]
            )
        } else {
            options
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Some(format!(
            "memory {memory_mib} MiB is not valid with cpu {cpu} on Fargate; with cpu {cpu} use {list} MiB"
        ));
    }
    None
}

/// `1 vCPU`/`1 GB` as CPU units and MiB (ECS accepts both spellings).
fn units(s: &str, per: f64) -> Option<u32> {
    let s = s.trim();
    let lower = s.to_ascii_lowercase();
    let number = |t: &str| t.trim().parse::<f64>().ok();
    let v = if let Some(n) = lower.strip_suffix("vcpu") {
        number(n)? * per
    } else if let Some(n) = lower.strip_suffix("gb") {
        number(n)? * per
    } else {
        number(s)?
    };
    (v.fract() == 0.0 && v > 0.0).then_some(v as u32)
}

fn is_fargate(td: &IndexMap<String, Expr>) -> bool {
    td.get("RequiresCompatibilities")
        .and_then(list_of)
        .is_some_and(|l| l.iter().any(|x| str_of(x) == Some("FARGATE")))
}

/// A container of a task definition, as far as its literals tell.
struct Container {
    name: Option<String>,
    /// Literal `(container port, protocol)` mappings (`tcp` when not written).
    ports: Vec<(u32, String)>,
    /// Whether `ports` is every mapping: false when a mapping's port is computed (a
    /// parameter, a mapping lookup) or a range, or the list itself is computed. A port
    /// missing from an incomplete list may well be mapped.
    complete: bool,
}

/// The literal containers of a task definition.
fn containers(td: &IndexMap<String, Expr>) -> Option<Vec<Container>> {
    let list = td.get("ContainerDefinitions").and_then(list_of)?;
    let mut out = Vec::new();
    for c in list {
        let c = map_of(c)?;
        let name = c.get("Name").and_then(text);
        let mut ports = Vec::new();
        let mut complete = true;
        match c.get("PortMappings") {
            None => {}
            Some(m) => match list_of(m) {
                None => complete = false,
                Some(mappings) => {
                    for m in mappings {
                        let port = map_of(m)
                            .and_then(|m| m.get("ContainerPort"))
                            .and_then(num_of)
                            .filter(|p| p.fract() == 0.0 && *p > 0.0);
                        match (port, map_of(m)) {
                            (Some(p), Some(m)) => {
                                let protocol = m
                                    .get("Protocol")
                                    .and_then(str_of)
                                    .unwrap_or("tcp")
                                    .to_ascii_lowercase();
                                ports.push((p as u32, protocol));
                            }
                            _ => complete = false,
                        }
                    }
                }
            },
        }
        out.push(Container {
            name,
            ports,
            complete,
        });
    }
    Some(out)
}

pub(crate) fn check(v: &ModelView<'_>, out: &mut Vec<Finding>) {
    for (i, td) in v.of_type("AWS::ECS::TaskDefinition") {
        task_definition(i, &td.properties, out);
    }
    for (i, svc) in v.of_type("AWS::ECS::Service") {
        service(v, i, svc, out);
    }
}

fn task_definition(i: usize, td: &IndexMap<String, Expr>, out: &mut Vec<Finding>) {
    let subject = Subject::Resource(i);
    if is_fargate(td) {
        let cpu = td.get("Cpu").and_then(text).and_then(|c| units(&c, 1024.0));
        let memory = td
            .get("Memory")
            .and_then(text)
            .and_then(|m| units(&m, 1024.0));
        if let (Some(cpu), Some(memory)) = (cpu, memory)
            && let Some(problem) = fargate_size_problem(cpu, memory)
        {
            let at = if fargate_memory(cpu).is_empty() {
                "Cpu"
            } else {
                "Memory"
            };
            out.push(Finding::new(catalog::FARGATE_SIZE, subject, at, problem));
        }
        if let Some(mode) = td.get("NetworkMode").and_then(str_of)
            && mode != "awsvpc"
        {
            out.push(Finding::new(
                catalog::FARGATE_NETWORK_MODE,
                subject,
                "NetworkMode",
                format!("a Fargate task uses the awsvpc network mode, not `{mode}`"),
            ));
        }
    }
    container_memory(i, td, out);
    let awsvpc = td.get("NetworkMode").and_then(str_of) == Some("awsvpc") || is_fargate(td);
    if awsvpc && let Some(cs) = containers(td) {
        // By port and protocol: 53/tcp in one container and 53/udp in another do not clash.
        let mut seen: BTreeMap<(u32, String), String> = BTreeMap::new();
        for (n, c) in cs.iter().enumerate() {
            let name = c.name.clone().unwrap_or_else(|| format!("#{n}"));
            for key in &c.ports {
                let p = key.0;
                if let Some(first) = seen.get(key)
                    && *first != name
                {
                    out.push(Finding::new(
                        catalog::DUPLICATE_CONTAINER_PORT,
                        subject,
                        format!("ContainerDefinitions[{n}].PortMappings"),
                        format!(
                            "container `{name}` maps port {p}, which container `{first}` maps too; with awsvpc networking they share one network interface"
                        ),
                    ));
                } else {
                    seen.insert(key.clone(), name.clone());
                }
            }
        }
    }
}

/// `SD8011`: containers asking for more memory than their task has. Only literal sizes
/// count: a container whose memory is computed adds nothing to the sum, which then is a
/// lower bound of the real one, so a sum above the task's memory is above it whatever the
/// computed values are.
fn container_memory(i: usize, td: &IndexMap<String, Expr>, out: &mut Vec<Finding>) {
    let Some(task) = td
        .get("Memory")
        .and_then(text)
        .and_then(|m| units(&m, 1024.0))
    else {
        return;
    };
    let Some(list) = td.get("ContainerDefinitions").and_then(list_of) else {
        return;
    };
    let mib = |c: &IndexMap<String, Expr>, key: &str| {
        c.get(key)
            .and_then(num_of)
            .filter(|m| m.fract() == 0.0 && *m > 0.0)
            .map(|m| m as u64)
    };
    let mut reserved = 0u64;
    let mut over_one = false;
    for (n, c) in list.iter().enumerate() {
        let Some(c) = map_of(c) else { continue };
        let name = c
            .get("Name")
            .and_then(text)
            .unwrap_or_else(|| format!("#{n}"));
        let hard = mib(c, "Memory");
        let soft = mib(c, "MemoryReservation");
        for (key, value) in [("Memory", hard), ("MemoryReservation", soft)] {
            if let Some(m) = value
                && m > u64::from(task)
            {
                over_one = true;
                out.push(Finding::new(
                    catalog::CONTAINER_MEMORY_OVER_TASK,
                    Subject::Resource(i),
                    format!("ContainerDefinitions[{n}].{key}"),
                    format!(
                        "container `{name}` asks for {m} MiB ({key}), more than the task's {task} MiB; raise the task's Memory or lower the container's"
                    ),
                ));
            }
        }
        // ECS counts a container's reservation, or its hard limit when it has none.
        reserved += soft.or(hard).unwrap_or(0);
    }
    if !over_one && reserved > u64::from(task) {
        out.push(Finding::new(
            catalog::CONTAINER_MEMORY_OVER_TASK,
            Subject::Resource(i),
            "ContainerDefinitions",
            format!(
                "the containers reserve {reserved} MiB together (MemoryReservation, else Memory), more than the task's {task} MiB; raise the task's Memory or lower the containers'"
            ),
        ));
    }
}

fn service(v: &ModelView<'_>, i: usize, svc: &ResourceModel, out: &mut Vec<Finding>) {
    let subject = Subject::Resource(i);
    let p = &svc.properties;
    if p.contains_key("LaunchType") && p.contains_key("CapacityProviderStrategy") {
        out.push(Finding::new(
            catalog::LAUNCH_TYPE_AND_STRATEGY,
            subject,
            "LaunchType",
            "a service takes a LaunchType or a CapacityProviderStrategy, not both; remove LaunchType (the strategy decides where tasks run)",
        ));
    }
    let controller = get(p, "DeploymentController.Type")
        .and_then(str_of)
        .unwrap_or("ECS");
    let breaker =
        get(p, "DeploymentConfiguration.DeploymentCircuitBreaker.Enable").and_then(bool_of);
    if controller != "ECS" && breaker == Some(true) {
        out.push(Finding::new(
            catalog::CIRCUIT_BREAKER_CONTROLLER,
            subject,
            "DeploymentConfiguration.DeploymentCircuitBreaker",
            format!(
                "the deployment circuit breaker works only with the ECS deployment controller, and this service's is {controller}; turn the circuit breaker off or deploy with ECS"
            ),
        ));
    }
    let lbs = p.get("LoadBalancers").and_then(list_of);
    if controller == "CODE_DEPLOY"
        && let Some(lbs) = lbs
        && lbs.len() > 1
    {
        out.push(Finding::new(
            catalog::CODEDEPLOY_TWO_TARGET_GROUPS,
            subject,
            "LoadBalancers",
            format!(
                "a service deployed by CodeDeploy registers its production (blue) target group only; it lists {} (the green one belongs to the deployment group)",
                lbs.len()
            ),
        ));
    }
    // ECS applies the grace period to load balancer, VPC Lattice and container health
    // checks (its API reference, since VPC Lattice came in late 2024), so a service with
    // any of them takes one; only a service with none, whose task definition synth can
    // read, is reported.
    let no_container_health_check = p
        .get("TaskDefinition")
        .and_then(|x| v.target(x))
        .filter(|(_, t)| t.type_name == "AWS::ECS::TaskDefinition")
        .and_then(|(_, t)| t.properties.get("ContainerDefinitions").and_then(list_of))
        .is_some_and(|cs| {
            cs.iter()
                .all(|c| map_of(c).is_some_and(|c| !c.contains_key("HealthCheck")))
        });
    if p.contains_key("HealthCheckGracePeriodSeconds")
        && !p.contains_key("LoadBalancers")
        && !p.contains_key("VpcLatticeConfigurations")
        && no_container_health_check
    {
        out.push(Finding::new(
            catalog::GRACE_PERIOD_WITHOUT_LOAD_BALANCER,
            subject,
            "HealthCheckGracePeriodSeconds",
            "a health check grace period applies to load balancer, VPC Lattice and container health checks, and this service has none; remove it, or attach the service to a load balancer or give its containers a health check",
        ));
    }
    let Some((_, task)) = p.get("TaskDefinition").and_then(|x| v.target(x)) else {
        return;
    };
    if task.type_name != "AWS::ECS::TaskDefinition" {
        return;
    }
    let awsvpc = task.properties.get("NetworkMode").and_then(str_of) == Some("awsvpc")
        || is_fargate(&task.properties);
    if awsvpc && !p.contains_key("NetworkConfiguration") && controller == "ECS" {
        out.push(Finding::new(
            catalog::SERVICE_WITHOUT_NETWORK,
            subject,
            "NetworkConfiguration",
            format!(
                "the task definition {} uses awsvpc networking, so the service needs a NetworkConfiguration (subnets and security groups)",
                v.model.resource_path(task)
            ),
        ));
    }
    let (Some(lbs), Some(cs)) = (lbs, containers(&task.properties)) else {
        return;
    };
    for (n, lb) in lbs.iter().enumerate() {
        let Some(lb) = map_of(lb) else { continue };
        let Some(name) = lb.get("ContainerName").and_then(text) else {
            continue;
        };
        match cs.iter().find(|c| c.name.as_deref() == Some(name.as_str())) {
            None => {
                if cs.iter().all(|c| c.name.is_some()) {
                    let names: Vec<String> = cs.iter().filter_map(|c| c.name.clone()).collect();
                    out.push(Finding::new(
                        catalog::LOAD_BALANCER_CONTAINER_UNKNOWN,
                        subject,
                        format!("LoadBalancers[{n}].ContainerName"),
                        format!(
                            "sends traffic to container `{name}`, but {} has only {}",
                            v.model.resource_path(task),
                            names.join(", ")
                        ),
                    ));
                }
            }
            Some(c) => {
                let ports: Vec<u32> = c.ports.iter().map(|(p, _)| *p).collect();
                if c.complete
                    && let Some(port) = lb.get("ContainerPort").and_then(num_of)
                    && !ports.contains(&(port as u32))
                {
                    out.push(Finding::new(
                        catalog::LOAD_BALANCER_PORT_NOT_MAPPED,
                        subject,
                        format!("LoadBalancers[{n}].ContainerPort"),
                        format!(
                            "sends traffic to port {port} of container `{name}`, which maps {ports:?}"
                        ),
                    ));
                }
            }
        }
    }
}
