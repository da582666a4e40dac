//! Machine images: the latest Amazon Linux or Ubuntu through AWS's public SSM parameters, a
//! fixed AMI per region, or any SSM parameter naming an image.

use indexmap::IndexMap;

use super::instance_type::Architecture;
use crate::template::{CfnMapping, CfnParameter};
use crate::value::Value;
use crate::{Stack, fns};

#[derive(Debug, Clone, PartialEq)]
enum Source {
    /// An SSM parameter holding the image id.
    Ssm(String),
    /// An AMI id per region.
    PerRegion(Vec<(String, String)>),
}

/// The image an instance boots.
///
/// The SSM kinds become a stack parameter of type
/// `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>` whose default is the parameter's
/// name: CloudFormation reads the current image id at each deploy. One parameter per name
/// and stack, however many instances use it.
#[derive(Debug, Clone, PartialEq)]
pub struct MachineImage {
    source: Source,
    architecture: Architecture,
    description: String,
    root_device: String,
}

impl MachineImage {
    /// The latest Amazon Linux 2023 for `architecture`.
    pub fn latest_amazon_linux_2023(architecture: Architecture) -> Self {
        MachineImage {
            source: Source::Ssm(format!(
                "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-{}",
                architecture.as_str()
            )),
            architecture,
            description: "Amazon Linux 2023".into(),
            root_device: "/dev/xvda".into(),
        }
    }

    /// The latest Ubuntu 24.04 LTS (Canonical's image, gp3 root volume) for
    /// `architecture`.
    pub fn latest_ubuntu_lts(architecture: Architecture) -> Self {
        let arch = match architecture {
            Architecture::X86_64 => "amd64",
            Architecture::Arm64 => "arm64",
        };
        MachineImage {
            source: Source::Ssm(format!(
                "/aws/service/canonical/ubuntu/server/24.04/stable/current/{arch}/hvm/ebs-gp3/ami-id"
            )),
            architecture,
            description: "Ubuntu 24.04 LTS".into(),
            root_device: "/dev/sda1".into(),
        }
    }

    /// The image an SSM parameter names (a public one, or your golden image pipeline's).
    pub fn from_ssm_parameter(name: &str, architecture: Architecture) -> Self {
        MachineImage {
            source: Source::Ssm(name.to_owned()),
            architecture,
            description: format!("the image named by {name}"),
            root_device: "/dev/xvda".into(),
        }
    }

    /// A fixed AMI per region (`[("us-east-1", "ami-...")]`), as a template mapping.
    pub fn per_region<R: Into<String>, A: Into<String>>(
        amis: impl IntoIterator<Item = (R, A)>,
        architecture: Architecture,
    ) -> Self {
        MachineImage {
            source: Source::PerRegion(
                amis.into_iter()
                    .map(|(r, a)| (r.into(), a.into()))
                    .collect(),
            ),
            architecture,
            description: "a fixed image per region".into(),
            root_device: "/dev/xvda".into(),
        }
    }

    /// The same image with root device `name` (`/dev/xvda` unless set; Ubuntu's is
    /// `/dev/sda1`).
    pub fn with_root_device_name(mut self, name: &str) -> Self {
        self.root_device = name.to_owned();
        self
    }

    /// The device the image boots from.
    pub fn root_device_name(&self) -> &str {
        &self.root_device
    }

    /// The architecture the image runs on.
    pub fn architecture(&self) -> Architecture {
        self.architecture
    }

    /// What the image is (for messages).
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The image id in `stack`: a shared SSM parameter, or a lookup in a shared mapping.
    #[track_caller]
    pub fn image_id(&self, stack: &Stack) -> Value<String> {
        match &self.source {
            Source::Ssm(name) => {
                let id = parameter_id(name);
                CfnParameter::shared(stack, &id, |stack| {
                    CfnParameter::new(
                        stack,
                        &id,
                        "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
                    )
                    .default_value(name.as_str())
                    .description(format!(
                        "Image id of {}, read from SSM parameter {name} at each deploy",
                        self.description
                    ))
                })
                .value()
            }
            Source::PerRegion(amis) => {
                let mut table: IndexMap<String, IndexMap<String, serde_json::Value>> =
                    IndexMap::new();
                for (region, ami) in amis {
                    table
                        .entry(region.clone())
                        .or_default()
                        .insert("Ami".into(), serde_json::Value::String(ami.clone()));
                }
                let id = format!("Ami{}", mapping_suffix(amis));
                CfnMapping::shared(stack, &id, |stack| CfnMapping::new(stack, &id, table))
                    .find(fns::region(), "Ami")
            }
        }
    }
}

/// A logical id for the parameter of SSM name `name` (letters and digits only).
fn parameter_id(name: &str) -> String {
    // AWS's public parameters share long prefixes that say nothing about the image.
    let short = name
        .strip_prefix("/aws/service/ami-amazon-linux-latest/")
        .or_else(|| name.strip_prefix("/aws/service/canonical/"))
        .unwrap_or(name);
    let mut id = String::from("Image");
    let mut upper = true;
    for c in short.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        } else {
            upper = true;
        }
    }
    id.truncate(255);
    id
}

fn mapping_suffix(amis: &[(String, String)]) -> String {
    let text: String = amis.iter().map(|(r, a)| format!("{r}={a};")).collect();
    stackdef_synth::logical_id::path_hash(&[text])
}
