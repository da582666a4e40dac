//! Networking: [`Vpc`] (subnets, routes, NAT and internet gateways derived from a few
//! choices), [`SecurityGroup`], and the connections API ([`Connectable`], [`Port`]) that
//! writes security group rules for you.
//!
//! ```
//! use stackdef::ec2::{Connectable, Port, SecurityGroup, SecurityGroupProps, Vpc, VpcProps};
//! use stackdef::{App, Env};
//!
//! let app = App::new();
//! let stack = app.stack("Net", Env::aws("123456789012", "us-east-1"));
//! let vpc = Vpc::new(&stack, "Vpc", VpcProps { max_azs: 2, nat_gateways: 1, ..VpcProps::cidr("172.28.0.0/16") });
//! let web = SecurityGroup::new(&stack, "Web", &vpc, SecurityGroupProps::default());
//! let app_sg = SecurityGroup::new(&stack, "App", &vpc, SecurityGroupProps::default());
//! app_sg.allow_from(&web, Port::tcp(8000)); // ingress on App, egress on Web
//! assert_eq!(vpc.subnets().len(), 4);
//! ```
//!
//! A subnet id is not a VPC id:
//!
//! ```compile_fail,E0308
//! use stackdef::ec2::{SubnetType, Vpc, VpcProps};
//! use stackdef::value::{Value, VpcId};
//! use stackdef::{App, Env};
//! let app = App::new();
//! let stack = app.stack("Net", Env::aws("123456789012", "us-east-1"));
//! let vpc = Vpc::new(&stack, "Vpc", VpcProps::default());
//! let subnet = &vpc.select_subnets(SubnetType::Public.into()).subnets[0];
//! let wrong: Value<VpcId> = subnet.subnet_id(); // a Value<SubnetId>
//! ```
//!
//! Only constructs with a well-known port have `allow_default_port_from` (a database has
//! one; a bare security group does not):
//!
//! ```compile_fail,E0599
//! use stackdef::ec2::{HasDefaultPort, SecurityGroup, SecurityGroupProps, Vpc, VpcProps};
//! use stackdef::{App, Env};
//! let app = App::new();
//! let stack = app.stack("Net", Env::aws("123456789012", "us-east-1"));
//! let vpc = Vpc::new(&stack, "Vpc", VpcProps::default());
//! let a = SecurityGroup::new(&stack, "A", &vpc, SecurityGroupProps::default());
//! let b = SecurityGroup::new(&stack, "B", &vpc, SecurityGroupProps::default());
//! a.allow_default_port_from(&b);
//! ```

mod bastion;
mod cidr;
mod connections;
mod instance;
mod instance_type;
mod key_pair;
mod machine_image;
mod peer;
mod port;
mod security_group;
mod subnet;
mod user_data;
mod vpc;

pub use bastion::{BastionHost, BastionHostProps};
pub use cidr::{CidrError, Ipv4Cidr};
pub use connections::{Connectable, Connections, HasDefaultPort};
pub use instance::{Instance, InstanceProps, RootVolume, VolumeType};
pub use instance_type::{Architecture, InstanceClass, InstanceSize, InstanceType};
pub use key_pair::{GeneratedKeyPair, KeyPair, KeyType};
pub use machine_image::MachineImage;
pub use peer::Peer;
pub use port::{Port, Protocol};
pub use security_group::{SecurityGroup, SecurityGroupProps};
pub use subnet::{SelectedSubnets, Subnet, SubnetConfig, SubnetSelection, SubnetType};
pub use user_data::UserData;
pub use vpc::{Vpc, VpcProps};
