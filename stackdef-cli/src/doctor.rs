//! `stackdef doctor`: one screen that says what `stackdef deploy` would use here (the
//! project, the app and whether it builds, the assembly, the AWS profile, credentials,
//! region, account and endpoint, the staging bucket, the versions), each line ✓ or ✗ with
//! the fix. Nothing is changed, in AWS or on disk (beyond the app's own assembly).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Instant, SystemTime};

use clap::Args;
use serde_json::json;
use stackdef_deploy::{AwsOptions, AwsSession, DeployError};
use stackdef_synth::assembly::{Assembly, INLINE_TEMPLATE_LIMIT, MANIFEST_VERSION};

use super::args::Global;
use super::exit::{FAILED, OK};
use super::project::{CONFIG_FILE, Project};
use super::style::Style;

/// `stackdef doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Staging bucket to look for (default: `staging_bucket` in stackdef.toml).
    #[arg(long, value_name = "BUCKET")]
    pub staging_bucket: Option<String>,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What was checked (`app`, `region`, ...).
    pub name: &'static str,
    /// Whether a deploy could go past it.
    pub ok: bool,
    /// What was found.
    pub detail: String,
    /// What to do, for a failed check.
    pub fix: Option<String>,
}

impl Check {
    fn pass(name: &'static str, detail: impl Into<String>) -> Check {
        Check {
            name,
            ok: true,
            detail: detail.into(),
            fix: None,
        }
    }

    fn fail(name: &'static str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            name,
            ok: false,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }
}

/// `stackdef doctor`: runs every check, prints them, and exits 0 only when a deploy could
/// run.
pub fn run(global: &Global, args: &DoctorArgs) -> u8 {
    let checks = checks(global, args);
    let ready = checks.iter().all(|c| c.ok);
    if global.json {
        let value = json!({
            "ready": ready,
            "checks": checks.iter().map(|c| json!({
                "check": c.name,
                "ok": c.ok,
                "detail": c.detail,
                "fix": c.fix,
            })).collect::<Vec<_>>(),
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
    } else {
        let style = Style::detect(
            global.no_color,
            std::io::IsTerminal::is_terminal(&std::io::stdout()),
        );
        print!("{}", render(style, &checks));
    }
    if ready { OK } else { FAILED }
}

/// The report as text: one line per check, its fix indented below it, and a verdict.
pub fn render(style: Style, checks: &[Check]) -> String {
    let width = checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for c in checks {
        let mark = if c.ok {
            style.green("✓")
        } else {
            style.red("✗")
        };
        out.push_str(&format!("{mark} {:<width$}  {}\n", c.name, c.detail));
        if let Some(fix) = &c.fix {
            out.push_str(&format!("  {:<width$}  fix: {fix}\n", ""));
        }
    }
    let problems = checks.iter().filter(|c| !c.ok).count();
    if problems == 0 {
        out.push_str(&format!(
            "\n{}\n",
            style.green("Ready: `stackdef deploy` can run.")
        ));
    } else {
        out.push_str(&format!(
            "\n{}\n",
            style.red(&format!(
                "{problems} problem{} a deploy: fix the ✗ lines above.",
                if problems == 1 { " stops" } else { "s stop" }
            ))
        ));
    }
    out
}

/// Every check, in the order a deploy meets them.
fn checks(global: &Global, args: &DoctorArgs) -> Vec<Check> {
    let mut checks = Vec::new();
    let project = match Project::discover() {
        Ok(project) => {
            let file = project.root.join(CONFIG_FILE);
            checks.push(if file.is_file() {
                Check::pass("project", file.display().to_string())
            } else {
                Check::pass(
                    "project",
                    format!(
                        "no {CONFIG_FILE} in {} or above: defaults apply",
                        project.root.display()
                    ),
                )
            });
            Some(project)
        }
        Err(e) => {
            checks.push(Check::fail(
                "project",
                e.to_string(),
                format!("correct {CONFIG_FILE} (`stackdef init` in an empty directory writes one that works)"),
            ));
            None
        }
    };
    let (app, assembly) = match &project {
        Some(project) => app_and_assembly(project, global),
        None => (
            Check::fail(
                "app",
                format!("not run: {CONFIG_FILE} could not be read"),
                format!("correct {CONFIG_FILE} first"),
            ),
            Err(Check::fail(
                "assembly",
                "none: the app did not run",
                "make the app run first",
            )),
        ),
    };
    checks.push(app);
    let assembly = match assembly {
        Ok((check, assembly)) => {
            checks.push(check);
            Some(assembly)
        }
        Err(check) => {
            checks.push(check);
            None
        }
    };
    let config = project
        .as_ref()
        .map(|p| p.config.clone())
        .unwrap_or_default();
    let aws = AwsOptions {
        profile: global.profile.clone().or_else(|| config.profile.clone()),
        region: global.region.clone().or_else(|| config.region.clone()),
    };
    let bucket = args
        .staging_bucket
        .clone()
        .or_else(|| config.staging_bucket.clone());
    let aws_checks = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(aws_checks(global, &aws, assembly.as_ref(), bucket)),
        Err(e) => vec![Check::fail(
            "credentials",
            format!("not checked: the async runtime did not start ({e})"),
            "run the command again; if it persists, report it",
        )],
    };
    checks.extend(aws_checks);
    checks.push(versions(project.as_ref(), assembly.as_ref()));
    checks
}

/// Runs the app (unless `--assembly` names one) and reads what it wrote.
#[allow(clippy::result_large_err)]
fn app_and_assembly(
    project: &Project,
    global: &Global,
) -> (Check, Result<(Check, Assembly), Check>) {
    if let Some(dir) = &global.assembly {
        let app = Check::pass("app", format!("not run: --assembly {}", dir.display()));
        return (app, read_assembly(dir));
    }
    let Some(command) = project.app_command(global) else {
        return (
            Check::fail(
                "app",
                format!("no app command: neither --app nor `app` in {CONFIG_FILE}"),
                format!(
                    "add `app = \"cargo run --quiet\"` to {CONFIG_FILE} in your infra crate (or create one with `stackdef init`)"
                ),
            ),
            Err(Check::fail(
                "assembly",
                "none: there is no app to run",
                "give the app command first (or pass --assembly DIR)",
            )),
        );
    };
    let outdir = project.outdir(global);
    let started = Instant::now();
    let output = project
        .app_process(&command, &outdir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output();
    let seconds = started.elapsed().as_secs_f64();
    let root = project.root.display();
    match output {
        Err(e) => (
            Check::fail(
                "app",
                format!("`{command}` could not be started: {e}"),
                "check that `sh` is on PATH",
            ),
            Err(Check::fail(
                "assembly",
                "none: the app did not run",
                "make the app run first",
            )),
        ),
        Ok(out) if !out.status.success() => {
            let status = out
                .status
                .code()
                .map(|c| format!("exit status {c}"))
                .unwrap_or_else(|| "killed by a signal".into());
            let stderr = String::from_utf8_lossy(&out.stderr);
            let tail = last_lines(&stderr, 3);
            let detail = if tail.is_empty() {
                format!("`{command}` failed ({status})")
            } else {
                format!("`{command}` failed ({status}): {tail}")
            };
            (
                Check::fail(
                    "app",
                    detail,
                    format!("run `{command}` in {root} and fix what it reports"),
                ),
                Err(Check::fail(
                    "assembly",
                    "none: the app failed",
                    "make the app run first",
                )),
            )
        }
        Ok(_) => (
            Check::pass(
                "app",
                format!("`{command}` built and synthesized in {seconds:.1} s"),
            ),
            read_assembly(&outdir),
        ),
    }
}

/// The last `n` non-empty lines of `text`, joined by ` / `.
fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines[lines.len().saturating_sub(n)..].join(" / ")
}

#[allow(clippy::result_large_err)]
fn read_assembly(dir: &Path) -> Result<(Check, Assembly), Check> {
    match Assembly::read(dir) {
        Ok(assembly) => {
            let stacks: Vec<String> = assembly
                .manifest
                .stacks
                .iter()
                .map(|s| format!("{} ({} resources)", s.name, s.resources.len()))
                .collect();
            let n = stacks.len();
            let detail = format!(
                "{}: {n} stack{} {}",
                assembly.dir.display(),
                if n == 1 { "" } else { "s" },
                stacks.join(", ")
            );
            if n == 0 {
                Err(Check::fail(
                    "assembly",
                    format!("{}: no stacks", assembly.dir.display()),
                    "add a stack to the app (`app.stack(\"Name\", Env::...)`)",
                ))
            } else {
                Ok((Check::pass("assembly", detail), assembly))
            }
        }
        Err(e) => Err(Check::fail(
            "assembly",
            e.to_string(),
            "run `stackdef synth` again (the app writes where STACKDEF_OUTDIR points)",
        )),
    }
}

/// Where a setting came from, for the report.
fn source(flag: bool, config: bool, env: &[&str]) -> String {
    if flag {
        return "--flag".into();
    }
    if config {
        return CONFIG_FILE.into();
    }
    env.iter()
        .find(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
        .map(|v| (*v).to_owned())
        .unwrap_or_default()
}

/// Profile, credentials, region, account, endpoint and staging bucket.
async fn aws_checks(
    global: &Global,
    aws: &AwsOptions,
    assembly: Option<&Assembly>,
    bucket: Option<String>,
) -> Vec<Check> {
    let mut checks = Vec::new();
    let session = match AwsSession::load(aws).await {
        Ok(session) => session,
        // A profile or region that does not exist: nothing further can be resolved.
        Err(e) => {
            let (what, fix) = match &e {
                DeployError::UnknownRegion { .. } => (
                    "region",
                    "name a region AWS has (`aws ec2 describe-regions`), e.g. --region eu-west-1",
                ),
                _ => (
                    "profile",
                    "define it in ~/.aws/config (`aws configure --profile NAME`, or `aws configure sso`), or name another with --profile",
                ),
            };
            checks.push(Check::fail(what, e.to_string(), fix));
            return checks;
        }
    };
    let env_keys = std::env::var_os("AWS_ACCESS_KEY_ID").is_some_and(|v| !v.is_empty());

    // The profile, and where its name came from.
    let profile_from = match &aws.profile {
        Some(_) if global.profile.is_some() => "--profile".to_owned(),
        Some(_) => CONFIG_FILE.to_owned(),
        None => source(false, false, &["AWS_PROFILE"]),
    };
    let profile_name = aws
        .profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()));
    let profile_detail = match &profile_name {
        Some(name) => format!("`{name}` (from {profile_from})"),
        None => "`default` (none named: no --profile, `profile` or AWS_PROFILE)".to_owned(),
    };

    // Credentials, resolved in the region a deploy would use first.
    let stacks = assembly
        .map(|a| a.manifest.stacks.as_slice())
        .unwrap_or_default();
    let first_region = stacks
        .iter()
        .find_map(|s| s.environment.region.clone())
        .or_else(|| session.default_region().map(str::to_owned));
    let probe_region = first_region.clone().unwrap_or_else(|| "us-east-1".into());
    let credentials = session.resolve_credentials().await;
    match &credentials {
        Err(DeployError::ProfileNotFound { detail }) => {
            checks.push(Check::fail(
                "profile",
                format!("{profile_detail}: {detail}"),
                "define it in ~/.aws/config (`aws configure --profile NAME`, or `aws configure sso`), or name another with --profile",
            ));
        }
        _ => checks.push(Check::pass("profile", profile_detail)),
    }
    let credentials_ok = match &credentials {
        Ok(facts) => {
            let from = if env_keys {
                "environment variables AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (they win over any profile)".to_owned()
            } else {
                "the profile chain".to_owned()
            };
            let expiry = facts
                .expiry
                .and_then(|t| t.duration_since(SystemTime::now()).ok())
                .map(|left| format!(", expire in {} min", left.as_secs() / 60))
                .unwrap_or_default();
            checks.push(Check::pass(
                "credentials",
                format!("access key {} from {from}{expiry}", facts.access_key),
            ));
            true
        }
        Err(e) => {
            checks.push(Check::fail(
                "credentials",
                credentials_problem(e),
                credentials_fix(e),
            ));
            false
        }
    };

    // Region: the default, and the stacks that need it.
    let region_from = source(
        global.region.is_some(),
        aws.region.is_some(),
        &["AWS_REGION", "AWS_DEFAULT_REGION"],
    );
    let without_region: Vec<&str> = stacks
        .iter()
        .filter(|s| s.environment.region.is_none())
        .map(|s| s.name.as_str())
        .collect();
    let pinned: Vec<String> = stacks
        .iter()
        .filter_map(|s| {
            s.environment
                .region
                .as_ref()
                .map(|r| format!("{} in {r}", s.name))
        })
        .collect();
    let pinned_text = if pinned.is_empty() {
        String::new()
    } else {
        format!("; {}", pinned.join(", "))
    };
    checks.push(match session.default_region() {
        Some(region) => {
            let from = if region_from.is_empty() {
                "the profile".to_owned()
            } else {
                region_from
            };
            Check::pass("region", format!("{region} (from {from}){pinned_text}"))
        }
        None if !without_region.is_empty() => Check::fail(
            "region",
            format!(
                "none, and {} name{} no region of {}",
                without_region.join(", "),
                if without_region.len() == 1 { "s" } else { "" },
                if without_region.len() == 1 { "its own" } else { "their own" }
            ),
            format!(
                "pass --region, set `region` in {CONFIG_FILE} or AWS_REGION, or give the stack a region (`Env::region(\"eu-west-1\")`)"
            ),
        ),
        None if stacks.is_empty() => Check::fail(
            "region",
            "none set, and no assembly to say whether the stacks name their own",
            format!("pass --region, or set `region` in {CONFIG_FILE} or AWS_REGION"),
        ),
        None => Check::pass(
            "region",
            format!("no default, and every stack names its own{pinned_text}"),
        ),
    });

    // Account: whom the credentials belong to, against the accounts stacks pin.
    checks.push(if !credentials_ok {
        Check::fail(
            "account",
            "unknown: the credentials did not resolve",
            "fix the credentials first",
        )
    } else {
        let clients = session.clients(&probe_region);
        match session.caller_account(&clients).await {
            Ok(account) => {
                let wrong: Vec<String> = stacks
                    .iter()
                    .filter_map(|s| {
                        s.environment
                            .account
                            .as_ref()
                            .filter(|a| !account.is_empty() && **a != account)
                            .map(|a| format!("{} is for {a}", s.name))
                    })
                    .collect();
                if wrong.is_empty() {
                    Check::pass("account", format!("{account} (sts:GetCallerIdentity)"))
                } else {
                    Check::fail(
                        "account",
                        format!("{account}, but {}", wrong.join(", ")),
                        "use credentials for the stacks' account (--profile), or change the stack's Env",
                    )
                }
            }
            Err(e) => Check::fail(
                "account",
                super::advice::describe(&e),
                "check the network, the endpoint and the credentials",
            ),
        }
    });

    // The endpoint every call goes to.
    checks.push(match session.endpoint_url() {
        Some(url) => {
            let from = if std::env::var_os("AWS_ENDPOINT_URL").is_some() {
                "AWS_ENDPOINT_URL"
            } else {
                "the profile's endpoint_url"
            };
            Check::pass(
                "endpoint",
                format!("{url} (from {from}): every call goes there, not to AWS"),
            )
        }
        None => Check::pass("endpoint", "AWS's own (no AWS_ENDPOINT_URL)"),
    });

    checks.push(
        staging(
            &session,
            assembly,
            bucket,
            credentials_ok,
            first_region.as_deref(),
        )
        .await,
    );
    checks
}

/// The credentials' problem, as the engine says it.
fn credentials_problem(error: &DeployError) -> String {
    match error {
        DeployError::NoCredentials => {
            "none found (environment, profiles, SSO, instance role)".into()
        }
        DeployError::ProfileNotFound { .. } => "not loaded: the profile is not defined".into(),
        other => super::advice::describe(other),
    }
}

/// What to do about it.
fn credentials_fix(error: &DeployError) -> String {
    match error {
        DeployError::ExpiredCredentials => "refresh them (`aws sso login` for SSO) and run `stackdef doctor` again".into(),
        DeployError::ProfileNotFound { .. } => "fix the profile first".into(),
        _ => "export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, set AWS_PROFILE (or --profile) to a configured profile, or run `aws sso login`".into(),
    }
}

/// Whether templates need the staging bucket, and whether it is there.
async fn staging(
    session: &AwsSession,
    assembly: Option<&Assembly>,
    bucket: Option<String>,
    credentials_ok: bool,
    region: Option<&str>,
) -> Check {
    let Some(assembly) = assembly else {
        return Check::fail(
            "staging",
            "unknown without an assembly",
            "make the app run first",
        );
    };
    let big: Vec<&stackdef_synth::assembly::StackArtifact> = assembly
        .manifest
        .stacks
        .iter()
        .filter(|s| s.template_size > INLINE_TEMPLATE_LIMIT)
        .collect();
    let largest = assembly
        .manifest
        .stacks
        .iter()
        .map(|s| s.template_size)
        .max()
        .unwrap_or(0);
    if big.is_empty() {
        return Check::pass(
            "staging",
            format!(
                "not needed: every template is at most {INLINE_TEMPLATE_LIMIT} bytes (largest {largest})"
            ),
        );
    }
    let names: Vec<&str> = big.iter().map(|s| s.name.as_str()).collect();
    let Some(bucket) = bucket else {
        return Check::fail(
            "staging",
            format!(
                "needed ({} over {INLINE_TEMPLATE_LIMIT} bytes) but no bucket is named",
                names.join(", ")
            ),
            format!(
                "`stackdef bootstrap --staging-bucket NAME` once, then `staging_bucket = \"NAME\"` in {CONFIG_FILE}"
            ),
        );
    };
    if !credentials_ok {
        return Check::fail(
            "staging",
            format!("bucket `{bucket}` not checked: the credentials did not resolve"),
            "fix the credentials first",
        );
    }
    let region = big[0]
        .environment
        .region
        .as_deref()
        .or(region)
        .unwrap_or("us-east-1");
    match session.bucket_exists(region, &bucket).await {
        Ok(true) => Check::pass(
            "staging",
            format!("bucket `{bucket}` exists, for {}", names.join(", ")),
        ),
        Ok(false) => Check::fail(
            "staging",
            format!(
                "bucket `{bucket}` does not exist ({} need it)",
                names.join(", ")
            ),
            format!("`stackdef bootstrap --staging-bucket {bucket}`"),
        ),
        Err(e) => Check::fail(
            "staging",
            format!("bucket `{bucket}`: {}", super::advice::describe(&e)),
            "check that the credentials may read the bucket (s3:ListBucket)",
        ),
    }
}

/// The CLI, the app's stackdef (from `Cargo.lock`), the manifest format and cargo.
fn versions(project: Option<&Project>, assembly: Option<&Assembly>) -> Check {
    let cli = env!("CARGO_PKG_VERSION");
    let mut parts = vec![format!("stackdef CLI {cli}")];
    let library = project.and_then(|p| locked_stackdef(&p.root));
    match &library {
        Some((version, lock)) => {
            parts.push(format!("the app's stackdef {version} ({})", lock.display()))
        }
        None => parts.push("the app's stackdef: no Cargo.lock entry found".into()),
    }
    if let Some(assembly) = assembly {
        parts.push(format!("manifest format {}", assembly.manifest.version));
    } else {
        parts.push(format!("reads manifest format {MANIFEST_VERSION}"));
    }
    if let Some(cargo) = cargo_version() {
        parts.push(cargo);
    }
    let mut detail = parts.join(", ");
    if let Some((version, _)) = &library
        && !same_release_line(version, cli)
    {
        detail.push_str(&format!(
            " (a CLI of the same release line: `cargo install stackdef-cli --version {version}`)"
        ));
    }
    Check::pass("versions", detail)
}

/// Whether two versions are compatible by Cargo's rules (same major, or same minor
/// below 1.0).
fn same_release_line(a: &str, b: &str) -> bool {
    let key = |v: &str| {
        let mut parts = v.split('.');
        let major = parts.next().unwrap_or_default().to_owned();
        let minor = parts.next().unwrap_or_default().to_owned();
        if major == "0" {
            format!("0.{minor}")
        } else {
            major
        }
    };
    key(a) == key(b)
}

/// The `stackdef` version locked in the nearest `Cargo.lock` at or above `root`.
fn locked_stackdef(root: &Path) -> Option<(String, PathBuf)> {
    let lock = root
        .ancestors()
        .map(|d| d.join("Cargo.lock"))
        .find(|p| p.is_file())?;
    let text = std::fs::read_to_string(&lock).ok()?;
    let table = text.parse::<toml::Table>().ok()?;
    let version = table
        .get("package")?
        .as_array()?
        .iter()
        .find(|p| p.get("name").and_then(|n| n.as_str()) == Some("stackdef"))?
        .get("version")?
        .as_str()?
        .to_owned();
    Some((version, lock))
}

/// `cargo --version`, if cargo runs.
fn cargo_version() -> Option<String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = std::process::Command::new(cargo)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut words = text.split_whitespace();
    Some(format!("{} {}", words.next()?, words.next()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_marks_and_fixes() {
        let checks = [
            Check::pass("app", "built"),
            Check::fail("credentials", "none found", "export AWS_PROFILE"),
        ];
        let text = render(Style { color: false }, &checks);
        assert!(text.contains("✓ app          built\n"), "{text}");
        assert!(text.contains("✗ credentials  none found\n"), "{text}");
        assert!(
            text.contains("\n               fix: export AWS_PROFILE\n"),
            "{text}"
        );
        assert!(
            text.ends_with("1 problem stops a deploy: fix the ✗ lines above.\n"),
            "{text}"
        );
        let ready = render(Style { color: false }, &checks[..1]);
        assert!(
            ready.ends_with("Ready: `stackdef deploy` can run.\n"),
            "{ready}"
        );
    }

    #[test]
    fn release_lines() {
        assert!(same_release_line("0.1.0", "0.1.7"));
        assert!(!same_release_line("0.1.0", "0.2.0"));
        assert!(same_release_line("1.2.0", "1.9.1"));
        assert!(!same_release_line("1.0.0", "2.0.0"));
    }

    #[test]
    fn last_lines_of_output() {
        assert_eq!(last_lines("a\n\nb\n c \nd\n", 3), "b / c / d");
        assert_eq!(last_lines("", 3), "");
    }
}
