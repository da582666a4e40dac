//! EC2 instance types: a class and a size, typed, with an escape for any name.

/// A CPU architecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Architecture {
    /// x86-64 (Intel and AMD).
    X86_64,
    /// 64-bit ARM (Graviton).
    Arm64,
}

impl Architecture {
    /// `x86_64` or `arm64`, as AMIs and SSM parameter paths spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Architecture::X86_64 => "x86_64",
            Architecture::Arm64 => "arm64",
        }
    }
}

macro_rules! classes {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// An instance class (family and generation) of the common families.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum InstanceClass {
            $($(#[$doc])* $variant,)*
        }

        impl InstanceClass {
            /// The class as EC2 writes it (`t3`, `m7g`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(InstanceClass::$variant => $name,)*
                }
            }
        }
    };
}

classes! {
    /// Burstable, Intel.
    T3 = "t3",
    /// Burstable, AMD.
    T3a = "t3a",
    /// Burstable, Graviton2.
    T4g = "t4g",
    /// General purpose, Intel.
    M5 = "m5",
    /// General purpose, Intel (6th generation).
    M6i = "m6i",
    /// General purpose, Graviton2.
    M6g = "m6g",
    /// General purpose, Intel (7th generation).
    M7i = "m7i",
    /// General purpose, Graviton3.
    M7g = "m7g",
    /// Compute optimised, Intel.
    C5 = "c5",
    /// Compute optimised, Intel (6th generation).
    C6i = "c6i",
    /// Compute optimised, Graviton2.
    C6g = "c6g",
    /// Compute optimised, Intel (7th generation).
    C7i = "c7i",
    /// Compute optimised, Graviton3.
    C7g = "c7g",
    /// Memory optimised, Intel.
    R5 = "r5",
    /// Memory optimised, Intel (6th generation).
    R6i = "r6i",
    /// Memory optimised, Graviton2.
    R6g = "r6g",
    /// Memory optimised, Graviton3.
    R7g = "r7g",
}

/// An instance size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InstanceSize {
    /// `nano`.
    Nano,
    /// `micro`.
    Micro,
    /// `small`.
    Small,
    /// `medium`.
    Medium,
    /// `large`.
    Large,
    /// `xlarge`.
    Xlarge,
    /// `2xlarge`.
    Xlarge2,
    /// `4xlarge`.
    Xlarge4,
    /// `8xlarge`.
    Xlarge8,
}

impl InstanceSize {
    /// The size as EC2 writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceSize::Nano => "nano",
            InstanceSize::Micro => "micro",
            InstanceSize::Small => "small",
            InstanceSize::Medium => "medium",
            InstanceSize::Large => "large",
            InstanceSize::Xlarge => "xlarge",
            InstanceSize::Xlarge2 => "2xlarge",
            InstanceSize::Xlarge4 => "4xlarge",
            InstanceSize::Xlarge8 => "8xlarge",
        }
    }
}

/// An instance type: `InstanceType::of(InstanceClass::T3, InstanceSize::Micro)`, or any
/// name EC2 knows with [`InstanceType::named`] (checked at synth against the stack's
/// region, with the closest type suggested).
///
/// A string is not an instance type:
///
/// ```compile_fail,E0308
/// use stackdef::ec2::InstanceProps;
/// let props = InstanceProps { instance_type: "t3.micro", ..todo!() };
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InstanceType(String);

impl InstanceType {
    /// A type of the common families.
    pub fn of(class: InstanceClass, size: InstanceSize) -> Self {
        InstanceType(format!("{}.{}", class.as_str(), size.as_str()))
    }

    /// Any type by name (`x2iedn.xlarge`).
    pub fn named(name: &str) -> Self {
        InstanceType(name.to_owned())
    }

    /// The name (`t3.micro`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The architecture its processors run: Graviton families (a `g` after the
    /// generation: `t4g`, `m7g`, `c7gn`) and `a1` are ARM.
    pub fn architecture(&self) -> Architecture {
        let family = self.0.split('.').next().unwrap_or_default();
        let after_generation = family
            .trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .trim_start_matches(|c: char| c.is_ascii_digit());
        if family == "a1" || after_generation.starts_with('g') {
            Architecture::Arm64
        } else {
            Architecture::X86_64
        }
    }
}

impl std::fmt::Display for InstanceType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn architectures_follow_the_family() {
        let arch = |n: &str| InstanceType::named(n).architecture();
        assert_eq!(arch("t3.micro"), Architecture::X86_64);
        assert_eq!(arch("t4g.nano"), Architecture::Arm64);
        assert_eq!(arch("c7gn.large"), Architecture::Arm64);
        assert_eq!(arch("m7i.large"), Architecture::X86_64);
        assert_eq!(arch("a1.large"), Architecture::Arm64);
        assert_eq!(arch("g5.xlarge"), Architecture::X86_64);
        assert_eq!(
            InstanceType::of(InstanceClass::M7g, InstanceSize::Xlarge2).as_str(),
            "m7g.2xlarge"
        );
    }
}
