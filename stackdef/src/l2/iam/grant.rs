//! Grants: constructs that hold data or can be invoked give permissions to anything
//! [`Grantable`].

use super::role::Role;

/// Something permissions can be granted to: it names the role that receives them.
pub trait Grantable {
    /// The role grants go to.
    fn grant_role(&self) -> Role;
}
