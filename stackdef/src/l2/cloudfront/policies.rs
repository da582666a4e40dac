//! CloudFront's managed cache and origin-request policies, by name.

use crate::value::Value;

/// How CloudFront caches responses (a cache policy).
#[derive(Debug, Clone, PartialEq)]
pub enum CachePolicy {
    /// One of CloudFront's managed policies.
    Managed {
        /// Its name.
        name: &'static str,
        /// Its id (the same in every account).
        id: &'static str,
    },
    /// A policy of yours, by id.
    Custom(Value<String>),
}

impl CachePolicy {
    /// `Managed-CachingDisabled`: nothing is cached (dynamic pages, APIs).
    pub const CACHING_DISABLED: Self = CachePolicy::Managed {
        name: "CachingDisabled",
        id: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
    };
    /// `Managed-CachingOptimized`: long TTLs, compressed, no cookies or query strings in
    /// the key (static assets).
    pub const CACHING_OPTIMIZED: Self = CachePolicy::Managed {
        name: "CachingOptimized",
        id: "658327ea-f89d-4fab-a63d-7e88639e58f6",
    };

    /// A policy of yours, by id.
    pub fn custom(id: impl Into<Value<String>>) -> Self {
        CachePolicy::Custom(id.into())
    }

    /// The policy id.
    pub fn id(&self) -> Value<String> {
        match self {
            CachePolicy::Managed { id, .. } => (*id).into(),
            CachePolicy::Custom(id) => id.clone(),
        }
    }
}

/// What CloudFront passes on to the origin (an origin-request policy).
#[derive(Debug, Clone, PartialEq)]
pub enum OriginRequestPolicy {
    /// One of CloudFront's managed policies.
    Managed {
        /// Its name.
        name: &'static str,
        /// Its id (the same in every account).
        id: &'static str,
    },
    /// A policy of yours, by id.
    Custom(Value<String>),
}

impl OriginRequestPolicy {
    /// `Managed-AllViewer`: every header (`Host` included), cookie and query string.
    pub const ALL_VIEWER: Self = OriginRequestPolicy::Managed {
        name: "AllViewer",
        id: "216adef6-5c7f-47e4-b989-5492eafa07d3",
    };
    /// `Managed-AllViewerExceptHostHeader`: the same without `Host` (the origin sees its
    /// own name).
    pub const ALL_VIEWER_EXCEPT_HOST_HEADER: Self = OriginRequestPolicy::Managed {
        name: "AllViewerExceptHostHeader",
        id: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
    };

    /// A policy of yours, by id.
    pub fn custom(id: impl Into<Value<String>>) -> Self {
        OriginRequestPolicy::Custom(id.into())
    }

    /// The policy id.
    pub fn id(&self) -> Value<String> {
        match self {
            OriginRequestPolicy::Managed { id, .. } => (*id).into(),
            OriginRequestPolicy::Custom(id) => id.clone(),
        }
    }
}
