//! `stackdef validate FILE...`: every synth check on existing templates, JSON or YAML,
//! without running an app or calling AWS.

use std::path::Path;

use stackdef_check::validate::{FileReport, Report, validate_text};
use stackdef_synth::template_text::TemplateTextError;

use crate::args::{ValidateArgs, ValidateFormat};
use crate::exit::CliError;

/// The region templates are checked for when neither `--region` nor `AWS_REGION` gives
/// one (region-dependent rules, such as instance classes, read it).
const DEFAULT_REGION: &str = "us-east-1";

/// Checks each file and prints the report; the exit code says what was found.
pub fn run(args: &ValidateArgs, region: Option<&str>, json: bool) -> Result<u8, CliError> {
    let from_env = std::env::var("AWS_REGION")
        .or_else(|_| std::env::var("AWS_DEFAULT_REGION"))
        .ok();
    let region = region.or(from_env.as_deref()).unwrap_or(DEFAULT_REGION);
    let report = Report {
        files: args
            .files
            .iter()
            .map(|path| FileReport {
                file: path.display().to_string(),
                result: read(path).and_then(|text| validate_text(&text, region)),
            })
            .collect(),
    };
    let format = if json {
        ValidateFormat::Json
    } else {
        args.format
    };
    match format {
        ValidateFormat::Text => print!("{}", report.to_text()),
        ValidateFormat::Json => println!("{}", report.to_json()),
        ValidateFormat::Sarif => println!("{:#}", report.to_sarif()),
    }
    Ok(report.exit_code())
}

fn read(path: &Path) -> Result<String, stackdef_check::validate::ValidateError> {
    std::fs::read_to_string(path).map_err(|e| {
        TemplateTextError {
            message: format!("cannot read it: {e}"),
        }
        .into()
    })
}
