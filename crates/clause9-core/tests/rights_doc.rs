//! `docs/rights.md` carries the access policy's table exactly as
//! `clause9_core::access` decides (the one place the rights live).

#[test]
fn the_rights_page_is_the_policy() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rights.md");
    let page = std::fs::read_to_string(path).expect("docs/rights.md exists");
    let table = clause9_core::access::rights_table();
    assert!(
        page.contains(&table),
        "docs/rights.md does not carry the policy's table; replace its table with:\n\n{table}"
    );
}
