//! KMS: a customer-managed [`Key`] with rotation on, for encrypting data at rest (log
//! groups) under a key the account controls.

use std::cell::Cell;
use std::rc::Rc;

use stackdef_synth::RemovalPolicy;

use crate::cfn::kms as l1;
use crate::construct::{Construct, Node};
use crate::fns;
use crate::resource::{CfnResource, Resource};
use crate::value::{Json, KeyArn, Value};

/// Options of a [`Key`].
#[derive(Debug, Clone, PartialEq)]
pub struct KeyProps {
    /// `Description`. default: the construct path.
    pub description: Option<String>,
    /// Rotate the key material every year. default: `true`.
    pub enable_key_rotation: bool,
    /// Days between scheduling deletion and deleting (7-30). default: `30`.
    pub pending_window_days: u32,
    /// What happens to the key when it leaves the stack. default: `Retain` (data encrypted
    /// under a deleted key is lost).
    pub removal_policy: RemovalPolicy,
}

impl Default for KeyProps {
    fn default() -> Self {
        KeyProps {
            description: None,
            enable_key_rotation: true,
            pending_window_days: 30,
            removal_policy: RemovalPolicy::Retain,
        }
    }
}

#[derive(Debug)]
struct KeyInner {
    resource: l1::Key,
    for_logs: Cell<bool>,
}

/// A symmetric encryption key. Its policy lets the account's IAM policies grant use of
/// it, plus the services constructs add (CloudWatch Logs for encrypted log groups).
#[derive(Debug, Clone)]
pub struct Key {
    inner: Rc<KeyInner>,
}

impl Construct for Key {
    fn node(&self) -> &Node {
        self.inner.resource.node()
    }
}

impl Resource for Key {
    fn cfn(&self) -> &CfnResource {
        self.inner.resource.cfn()
    }
}

impl Key {
    /// A key.
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, props: KeyProps) -> Key {
        let node = Node::new(scope, id);
        if !(7..=30).contains(&props.pending_window_days) {
            node.report_message(format!(
                "pending window {} days is out of range: 7 to 30",
                props.pending_window_days
            ));
        }
        let description = props.description.unwrap_or_else(|| node.path());
        let resource = l1::Key::new(
            &node,
            "Resource",
            l1::KeyProps::new()
                .description(description)
                .enable_key_rotation(props.enable_key_rotation)
                .pending_window_in_days(i64::from(props.pending_window_days)),
        );
        resource.apply_removal_policy(props.removal_policy);
        let key = Key {
            inner: Rc::new(KeyInner {
                resource,
                for_logs: Cell::new(false),
            }),
        };
        key.write_policy();
        key
    }

    /// `Arn`.
    pub fn arn(&self) -> Value<KeyArn> {
        self.inner.resource.attr_arn()
    }

    /// Lets `grantee` decrypt with the key.
    #[cfg(feature = "iam")]
    pub fn grant_decrypt(&self, grantee: &impl crate::iam::Grantable) {
        grantee
            .grant_role()
            .add_to_policy(crate::iam::PolicyStatement::allow(
                ["kms:Decrypt"],
                [self.arn()],
            ));
    }

    /// Lets `grantee` encrypt and decrypt with the key (what writing and reading data
    /// under it takes).
    #[cfg(feature = "iam")]
    pub fn grant_encrypt_decrypt(&self, grantee: &impl crate::iam::Grantable) {
        grantee
            .grant_role()
            .add_to_policy(crate::iam::PolicyStatement::allow(
                [
                    "kms:Decrypt",
                    "kms:Encrypt",
                    "kms:GenerateDataKey*",
                    "kms:ReEncrypt*",
                ],
                [self.arn()],
            ));
    }

    /// Lets CloudWatch Logs in this stack's account and region use the key for log groups.
    pub fn allow_cloudwatch_logs(&self) {
        if !self.inner.for_logs.replace(true) {
            self.write_policy();
        }
    }

    /// The policy is extended after creation: it is written again, whole.
    fn write_policy(&self) {
        let account_root = crate::sub![
            "arn:",
            fns::partition(),
            ":iam::",
            fns::account_id(),
            ":root"
        ];
        // The account administers the key, and its IAM policies may grant its use: the
        // key policy itself names no other principal unless a construct adds one.
        let root = || Json::object([("AWS", Json::from(account_root.clone()))]);
        let actions = |list: &[&str]| Json::array(list.iter().map(|a| Json::from(*a)));
        let mut statements = vec![
            Json::object([
                ("Sid", Json::from("KeyAdministration")),
                ("Effect", Json::from("Allow")),
                ("Principal", root()),
                (
                    "Action",
                    actions(&[
                        "kms:CreateAlias",
                        "kms:Describe*",
                        "kms:Enable*",
                        "kms:List*",
                        "kms:Put*",
                        "kms:Update*",
                        "kms:Revoke*",
                        "kms:Disable*",
                        "kms:Get*",
                        "kms:Delete*",
                        "kms:TagResource",
                        "kms:UntagResource",
                        "kms:ScheduleKeyDeletion",
                        "kms:CancelKeyDeletion",
                        "kms:RotateKeyOnDemand",
                    ]),
                ),
                ("Resource", Json::from("*")),
            ]),
            Json::object([
                ("Sid", Json::from("KeyUseThroughIamPolicies")),
                ("Effect", Json::from("Allow")),
                ("Principal", root()),
                (
                    "Action",
                    actions(&[
                        "kms:Encrypt",
                        "kms:Decrypt",
                        "kms:ReEncrypt*",
                        "kms:GenerateDataKey*",
                        "kms:DescribeKey",
                    ]),
                ),
                ("Resource", Json::from("*")),
            ]),
            Json::object([
                ("Sid", Json::from("GrantsForAwsServices")),
                ("Effect", Json::from("Allow")),
                ("Principal", root()),
                (
                    "Action",
                    actions(&["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]),
                ),
                ("Resource", Json::from("*")),
                (
                    "Condition",
                    Json::object([(
                        "Bool",
                        Json::object([("kms:GrantIsForAWSResource", Json::from("true"))]),
                    )]),
                ),
            ]),
        ];
        if self.inner.for_logs.get() {
            let logs_service = crate::sub!["logs.", fns::region(), ".amazonaws.com"];
            let log_groups = crate::sub![
                "arn:",
                fns::partition(),
                ":logs:",
                fns::region(),
                ":",
                fns::account_id(),
                ":log-group:*"
            ];
            statements.push(Json::object([
                ("Sid", Json::from("CloudWatchLogs")),
                ("Effect", Json::from("Allow")),
                (
                    "Principal",
                    Json::object([("Service", Json::from(logs_service))]),
                ),
                (
                    "Action",
                    Json::array(
                        [
                            "kms:Encrypt*",
                            "kms:Decrypt*",
                            "kms:ReEncrypt*",
                            "kms:GenerateDataKey*",
                            "kms:Describe*",
                        ]
                        .map(Json::from),
                    ),
                ),
                ("Resource", Json::from("*")),
                (
                    "Condition",
                    Json::object([(
                        "ArnLike",
                        Json::object([(
                            "kms:EncryptionContext:aws:logs:arn",
                            Json::from(log_groups),
                        )]),
                    )]),
                ),
            ]));
        }
        self.inner.resource.set_key_policy(Json::object([
            ("Version", Json::from("2012-10-17")),
            ("Statement", Json::array(statements)),
        ]));
    }
}
