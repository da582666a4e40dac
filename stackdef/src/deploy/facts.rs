//! Offline facts about resource types: which properties force a replacement when they change
//! (the schemas' create-only properties).
//!
//! The facts come from the generated registry (`stackdef::cfn::registry`, from the
//! CloudFormation resource schemas); the small table below only answers for types the
//! registry does not know.

/// Create-only property paths of `type_name` (e.g. `BucketName`, `Tags.Key`): changing any
/// of them makes CloudFormation replace the resource. Empty when unknown.
pub fn create_only_properties(type_name: &str) -> &'static [&'static str] {
    registry_create_only(type_name).unwrap_or_else(|| fallback_create_only(type_name))
}

/// The generated registry's answer, when it knows the type.
fn registry_create_only(type_name: &str) -> Option<&'static [&'static str]> {
    crate::cfn::registry::type_facts(type_name).map(|f| f.create_only)
}

/// Create-only properties of common types, from their CloudFormation resource schemas.
fn fallback_create_only(type_name: &str) -> &'static [&'static str] {
    match type_name {
        "AWS::S3::Bucket" => &["BucketName", "ObjectLockEnabled"],
        "AWS::Logs::LogGroup" => &["LogGroupName", "LogGroupClass"],
        "AWS::SQS::Queue" => &["FifoQueue", "QueueName"],
        "AWS::SNS::Topic" => &["FifoTopic", "TopicName"],
        "AWS::SecretsManager::Secret" => &["Name"],
        "AWS::SSM::Parameter" => &["Name"],
        "AWS::DynamoDB::Table" => &["TableName", "ImportSourceSpecification"],
        "AWS::ECR::Repository" => &["RepositoryName", "EncryptionConfiguration"],
        "AWS::EFS::FileSystem" => &[
            "AvailabilityZoneName",
            "Encrypted",
            "KmsKeyId",
            "PerformanceMode",
        ],
        "AWS::KMS::Key" => &[],
        "AWS::RDS::DBInstance" => &[
            "CharacterSetName",
            "CustomIAMInstanceProfile",
            "DBClusterIdentifier",
            "DBInstanceIdentifier",
            "DBName",
            "DBSubnetGroupName",
            "KmsKeyId",
            "MasterUsername",
            "NcharCharacterSetName",
            "Port",
            "SourceRegion",
            "StorageEncrypted",
            "Timezone",
        ],
        "AWS::RDS::DBCluster" => &[
            "AvailabilityZones",
            "DBClusterIdentifier",
            "DBSubnetGroupName",
            "DatabaseName",
            "EngineMode",
            "KmsKeyId",
            "MasterUsername",
            "SourceDBClusterIdentifier",
            "SourceRegion",
            "StorageEncrypted",
        ],
        "AWS::EC2::VPC" => &[
            "CidrBlock",
            "InstanceTenancy",
            "Ipv4IpamPoolId",
            "Ipv4NetmaskLength",
        ],
        "AWS::EC2::Subnet" => &[
            "AvailabilityZone",
            "AvailabilityZoneId",
            "CidrBlock",
            "VpcId",
        ],
        "AWS::EC2::SecurityGroup" => &["GroupDescription", "GroupName", "VpcId"],
        "AWS::IAM::Role" => &["Path", "RoleName"],
        _ => &[],
    }
}
