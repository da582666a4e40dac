//! Typed identifiers for references between resources.

crate::id_type!(
    /// An EC2 VPC id (`vpc-...`).
    VpcId
);
crate::id_type!(
    /// An EC2 subnet id (`subnet-...`).
    SubnetId
);
crate::id_type!(
    /// An EC2 security group id (`sg-...`).
    SecurityGroupId
);
