//! Application load balancers: [`Alb`], its [`Listener`]s and [`TargetGroup`]s.
//!
//! A listener forwards to a [`LoadBalancerTarget`] (a Fargate service): the target group's
//! port is the service container's port and the security group rule between the load
//! balancer and the service is written for you, so the two cannot disagree.
//!
//! Only load balancer targets can be forwarded to:
//!
//! ```compile_fail,E0277
//! use stackdef::ec2::{Vpc, VpcProps};
//! use stackdef::ecs::{Cluster, ClusterProps};
//! use stackdef::elbv2::{Alb, AlbProps, ListenerProps, TargetGroupProps};
//! use stackdef::{App, Env};
//! let app = App::new();
//! let stack = app.stack("S", Env::aws("123456789012", "us-east-1"));
//! let vpc = Vpc::new(&stack, "Vpc", VpcProps::default());
//! let cluster = Cluster::new(&stack, "Cluster", &vpc, ClusterProps::default());
//! let alb = Alb::new(&stack, "Alb", &vpc, AlbProps::default());
//! let http = alb.add_listener("Http", ListenerProps::http(80));
//! http.forward_to("App", &cluster, TargetGroupProps::default());
//! ```

mod alb;
mod listener;
mod listener_rule;
mod target_group;

pub use alb::{AccessLogs, Alb, AlbProps, MAX_NAME_LEN, check_name};
pub use listener::{
    DefaultAction, Listener, ListenerProps, ListenerProtocol, REQUIRED_HEADER_RULE_PRIORITY,
};
pub use listener_rule::{
    ListenerAction, ListenerCondition, ListenerRule, ListenerRuleProps, MAX_RULE_VALUES,
};
pub use target_group::{
    HealthCheck, LoadBalancerTarget, TargetGroup, TargetGroupProps, TargetType,
};
