//! A Fargate service as a load balancer target.

use stackdef_synth::SourceLocation;

use super::container::ContainerDefinition;
use super::service::FargateService;
use crate::ec2::{Connectable, Connections};
use crate::elbv2::{LoadBalancerTarget, TargetGroup};
use crate::resource::CfnResource;

/// A service's container and port as a load balancer target.
#[derive(Debug, Clone)]
pub struct ServiceTarget {
    pub(crate) service: FargateService,
    pub(crate) container: Option<(ContainerDefinition, u16)>,
}

impl ServiceTarget {
    /// The container and port traffic goes to, or why there is none.
    fn container_and_port(&self) -> Result<(String, u16), String> {
        match &self.container {
            Some((c, port)) if c.ports.contains(port) => Ok((c.name.clone(), *port)),
            Some((c, port)) => Err(format!(
                "container `{}` does not map port {port} (it maps {:?}); the target port must be a port the container listens on",
                c.name, c.ports
            )),
            None => self.service.default_target(),
        }
    }
}

impl Connectable for ServiceTarget {
    fn connections(&self) -> Connections {
        self.service.connections()
    }
}

impl LoadBalancerTarget for ServiceTarget {
    fn target_port(&self) -> Result<u16, String> {
        self.container_and_port().map(|(_, port)| port)
    }

    fn register(&self, target_group: &TargetGroup, location: SourceLocation) {
        let Ok((name, port)) = self.container_and_port() else {
            return;
        };
        self.service.register(target_group, &name, port, location);
    }

    fn wait_for(&self, forwarder: &CfnResource) {
        self.service.depend_on(forwarder);
    }
}

impl LoadBalancerTarget for FargateService {
    fn target_port(&self) -> Result<u16, String> {
        self.default_target().map(|(_, port)| port)
    }

    fn register(&self, target_group: &TargetGroup, location: SourceLocation) {
        ServiceTarget {
            service: self.clone(),
            container: None,
        }
        .register(target_group, location)
    }

    fn wait_for(&self, forwarder: &CfnResource) {
        self.depend_on(forwarder);
    }
}
