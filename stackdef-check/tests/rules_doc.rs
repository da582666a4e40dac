//! `docs/rules.md` is generated from the catalog and must match it.

#[test]
fn docs_rules_md_matches_the_catalog() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules.md");
    let expected = stackdef_check::catalog::markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().expect("docs dir")).expect("create docs/");
        std::fs::write(&path, &expected).expect("write docs/rules.md");
        return;
    }
    let found = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        found == expected,
        "docs/rules.md is out of date with the rule catalog; regenerate it with \
         `UPDATE_DOCS=1 cargo test -p stackdef-check --test rules_doc` and review the diff"
    );
}
