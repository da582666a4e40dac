//! `stackdef validate` through the real binary: JSON and YAML templates (short-form
//! intrinsics), findings with rule ids and template paths, the exit-code bits, and the
//! JSON and SARIF reports.

use std::path::Path;
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn validate(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_stackdef"))
        .current_dir(dir)
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .arg("validate")
        .args(args)
        .output()
        .expect("run stackdef");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

const CLEAN_JSON: &str = r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
    "Subnet": {
      "Type": "AWS::EC2::Subnet",
      "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.1.0/24"}
    }
  },
  "Outputs": {"VpcId": {"Value": {"Ref": "Vpc"}}}
}"#;

const CLEAN_YAML: &str = "\
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env:
    Type: String
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
      Tags:
        - Key: Name
          Value: !Sub '${Env}-vpc'
  Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 4, 8]]
Outputs:
  Cidr:
    Value: !GetAtt Vpc.CidrBlock
";

/// A subnet outside its VPC (an error) and SSH open to the world (a risk).
const BROKEN_YAML: &str = "\
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.1.0.0/24
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ssh
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 0.0.0.0/0
";

/// Only the risk: SSH open to the world.
const RISKY_JSON: &str = r#"{
  "Resources": {
    "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
    "Sg": {
      "Type": "AWS::EC2::SecurityGroup",
      "Properties": {
        "GroupDescription": "ssh",
        "VpcId": {"Ref": "Vpc"},
        "SecurityGroupIngress": [
          {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}
        ]
      }
    }
  }
}"#;

fn files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in [
        ("clean.json", CLEAN_JSON),
        ("clean.yaml", CLEAN_YAML),
        ("broken.yaml", BROKEN_YAML),
        ("risky.json", RISKY_JSON),
        ("notes.txt", "just: [some, yaml]\n"),
        ("bad.json", "{\"Resources\": {"),
    ] {
        std::fs::write(dir.path().join(name), text).expect("write template");
    }
    dir
}

#[test]
fn clean_json_and_yaml_templates_exit_0() {
    let dir = files();
    let run = validate(dir.path(), &["clean.json", "clean.yaml"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("2 files checked, 0 findings"),
        "{}",
        run.stdout
    );
}

#[test]
fn findings_name_rule_path_and_set_the_exit_bits() {
    let dir = files();
    let broken = validate(dir.path(), &["broken.yaml"]);
    assert_eq!(broken.code, 2 | 4, "{}", broken.stdout);
    assert!(
        broken.stdout.contains("SD3001") && broken.stdout.contains("Resources.Subnet"),
        "{}",
        broken.stdout
    );
    assert!(
        broken.stdout.contains("SD3003") && broken.stdout.contains("Resources.Sg"),
        "{}",
        broken.stdout
    );
    let risky = validate(dir.path(), &["risky.json"]);
    assert_eq!(risky.code, 4, "{}", risky.stdout);
    // Unreadable and non-template files set bit 1 and say why; the others are still checked.
    let mixed = validate(
        dir.path(),
        &["missing.json", "bad.json", "notes.txt", "risky.json"],
    );
    assert_eq!(mixed.code, 1 | 4, "{}", mixed.stdout);
    assert!(mixed.stdout.contains("missing.json"), "{}", mixed.stdout);
    assert!(mixed.stdout.contains("bad.json"), "{}", mixed.stdout);
    assert!(mixed.stdout.contains("notes.txt"), "{}", mixed.stdout);
}

#[test]
fn json_and_sarif_reports() {
    let dir = files();
    let json = validate(dir.path(), &["broken.yaml", "--format", "json"]);
    assert_eq!(json.code, 6);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON report");
    let found = v.as_array().expect("an array of findings");
    let subnet = found
        .iter()
        .find(|f| f["rule"] == "SD3001")
        .expect("the subnet finding");
    assert_eq!(subnet["file"], "broken.yaml");
    assert_eq!(subnet["severity"], "error");
    assert!(
        subnet["path"]
            .as_str()
            .is_some_and(|p| p.starts_with("Resources.Subnet")),
        "{subnet}"
    );
    // The global --json means the same.
    let global = validate(dir.path(), &["--json", "broken.yaml"]);
    assert_eq!(global.stdout.trim(), json.stdout.trim());

    let sarif = validate(
        dir.path(),
        &["broken.yaml", "risky.json", "--format", "sarif"],
    );
    let v: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("SARIF report");
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "stackdef");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(
        rules.contains(&"SD3001") && rules.contains(&"SD3003"),
        "{rules:?}"
    );
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 3, "{results:#?}");
    assert!(
        results
            .iter()
            .all(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].is_string())
    );
}

#[test]
fn region_dependent_rules_read_the_region() {
    // A MySQL instance class us-east-1 offers and some other region does not.
    let offered: Vec<&str> = stackdef_registry::rds_instance_classes("us-east-1", "mysql")
        .expect("us-east-1 data")
        .collect();
    let (region, missing) = ["af-south-1", "ap-southeast-4", "eu-south-2", "me-central-1"]
        .into_iter()
        .find_map(|region| {
            let there: Vec<&str> =
                stackdef_registry::rds_instance_classes(region, "mysql")?.collect();
            let missing = offered.iter().find(|c| !there.contains(c))?;
            Some((region, *missing))
        })
        .expect("a region lacking some us-east-1 MySQL instance class");
    let dir = tempfile::tempdir().expect("temp dir");
    let template = format!(
        r#"{{"Resources": {{"Db": {{"Type": "AWS::RDS::DBInstance",
            "Properties": {{"Engine": "mysql", "DBInstanceClass": "{missing}",
              "AllocatedStorage": "20", "MasterUsername": "admin",
              "ManageMasterUserPassword": true, "StorageEncrypted": true}}}}}}}}"#
    );
    std::fs::write(dir.path().join("db.json"), template).expect("write");
    let home = validate(dir.path(), &["--region", "us-east-1", "db.json"]);
    assert_eq!(home.code & 2, 0, "{}", home.stdout);
    let away = validate(dir.path(), &["--region", region, "db.json"]);
    assert_eq!(away.code & 2, 2, "{missing} in {region}: {}", away.stdout);
    assert!(
        away.stdout.contains(missing) && away.stdout.contains(region),
        "{}",
        away.stdout
    );
}
