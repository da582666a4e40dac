//! Values checked against the registry's data: EC2 instance types, RDS instance classes and
//! engine versions. The data is cfn-lint 1.51's; a value newer than it can be acknowledged.

use stackdef_synth::ResourceModel;

use crate::catalog;
use crate::schema::closest;
use crate::view::{ModelView, bool_of, get, str_of, text};
use crate::{Finding, Subject};

pub(crate) fn check(v: &ModelView<'_>, out: &mut Vec<Finding>) {
    for (i, r) in v.of_type("AWS::EC2::Instance") {
        instance_type(v, i, r, "InstanceType", out);
    }
    for (i, r) in v.of_type("AWS::EC2::LaunchTemplate") {
        instance_type(v, i, r, "LaunchTemplateData.InstanceType", out);
    }
    for (i, r) in v.of_type("AWS::RDS::DBInstance") {
        rds(v, i, r, out);
        multi_az_zone(i, r, out);
    }
}

/// `SD5008`: a Multi-AZ instance given an availability zone. Only a literal `true` counts:
/// a MultiAZ from a parameter or a condition may be false, where a zone is allowed.
fn multi_az_zone(i: usize, r: &ResourceModel, out: &mut Vec<Finding>) {
    let p = &r.properties;
    // An instance of an Aurora or Multi-AZ DB cluster takes its placement from the cluster.
    if p.contains_key("DBClusterIdentifier") {
        return;
    }
    if p.get("MultiAZ").and_then(bool_of) != Some(true) {
        return;
    }
    // Only a literal zone: `Fn::If [c, zone, AWS::NoValue]` may leave it out.
    let Some(zone) = p.get("AvailabilityZone").and_then(str_of) else {
        return;
    };
    out.push(Finding::new(
        catalog::MULTI_AZ_WITH_ZONE,
        Subject::Resource(i),
        "AvailabilityZone",
        format!(
            "a Multi-AZ DB instance cannot be given an availability zone ({zone}): RDS chooses the primary's and the standby's; remove AvailabilityZone, or set MultiAZ to false to place a single instance there"
        ),
    ));
}

fn instance_type(
    v: &ModelView<'_>,
    i: usize,
    r: &ResourceModel,
    path: &str,
    out: &mut Vec<Finding>,
) {
    let Some(t) = get(&r.properties, path).and_then(str_of) else {
        return;
    };
    let region = v.region(r);
    let known: Vec<&str> = match region.and_then(stackdef_registry::ec2_instance_types) {
        Some(types) => types.collect(),
        None => stackdef_registry::ec2_instance_types_anywhere().collect(),
    };
    if known.contains(&t) {
        return;
    }
    let hint = closest(t, known.iter().copied())
        .map(|c| format!("; did you mean {c}?"))
        .unwrap_or_default();
    let place = region.map_or("any region".to_owned(), |r| r.to_owned());
    out.push(Finding::new(
        catalog::UNKNOWN_INSTANCE_TYPE,
        Subject::Resource(i),
        path,
        format!("`{t}` is not an instance type of {place}{hint} (if it is newer than stackdef's data, acknowledge SD4003)"),
    ));
}

fn rds(v: &ModelView<'_>, i: usize, r: &ResourceModel, out: &mut Vec<Finding>) {
    let Some(engine) = r.properties.get("Engine").and_then(str_of) else {
        return;
    };
    let engine = engine.to_ascii_lowercase();
    if let Some(version) = r.properties.get("EngineVersion").and_then(text)
        && let Some(versions) = stackdef_registry::rds_engine_versions(&engine)
    {
        let versions: Vec<&str> = versions.collect();
        // A major version alone (`8.0`) picks the newest minor version.
        let fits = versions
            .iter()
            .any(|v| *v == version || v.starts_with(&format!("{version}.")));
        if !fits {
            let hint = closest(&version, versions.iter().copied())
                .map(|c| format!("; did you mean {c}?"))
                .unwrap_or_default();
            out.push(Finding::new(
                catalog::UNKNOWN_ENGINE_VERSION,
                Subject::Resource(i),
                "EngineVersion",
                format!("{engine} has no version `{version}`{hint} (if it is newer than stackdef's data, acknowledge SD5007)"),
            ));
        }
    }
    if let Some(class) = r.properties.get("DBInstanceClass").and_then(str_of)
        && let Some(region) = v.region(r)
        && let Some(classes) = stackdef_registry::rds_instance_classes(region, &engine)
    {
        let classes: Vec<&str> = classes.collect();
        if !classes.contains(&class) {
            let hint = closest(class, classes.iter().copied())
                .map(|c| format!("; did you mean {c}?"))
                .unwrap_or_default();
            out.push(Finding::new(
                catalog::UNKNOWN_DB_INSTANCE_CLASS,
                Subject::Resource(i),
                "DBInstanceClass",
                format!("{engine} has no instance class `{class}` in {region}{hint} (if it is newer than stackdef's data, acknowledge SD5006)"),
            ));
        }
    }
}
