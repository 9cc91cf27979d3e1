//! Validation tests, data-driven: each case is a set of programme files and the
//! exact `PATH:LINE:COLUMN: message` lines expected, all of them at once.

use clause9_core::{SourceFile, load};

const SETTINGS: &str = r#"format = 1
[programme]
name = "Test"
organisation = "Test Ltd"
timezone = "Europe/London"
first_period = "2025-01"
[people.dana]
name = "Dana"
[people.sam]
name = "Sam"
[groups]
board = ["dana", "sam"]
[objectives.OBJ-1]
title = "o"
owner = "dana"
[areas.soc]
title = "SOC"
owner = "sam"
[sources.siem]
kind = "files"
tables.incidents = "evidence/incidents.csv"
"#;

/// A valid measure; cases replace parts of it.
const MEASURE: &str = r#"id = "M-1"
version = 1
name = "n"
information_need = "q"
kind = "effectiveness"
objectives = ["OBJ-1"]
controls = ["A.5.26", "9.1"]
area = "soc"
[roles]
owner = "dana"
collector = "board"
[frequency]
collection = "monthly"
[[base]]
id = "closed"
method = "query"
source = "siem"
query = "SELECT count(*) FROM incidents"
[[base]]
id = "ok"
method = "manual"
[[derived]]
id = "rate"
formula = "100 * ok / closed"
[indicator]
measure = "rate"
direction = "higher_is_better"
green = 95
red = 85
"#;

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: path.into(),
        text: text.into(),
    }
}

fn check(settings: &str, measures: &[(&str, &str)], expected: &[&str]) {
    let measures: Vec<SourceFile> = measures.iter().map(|(p, t)| file(p, t)).collect();
    let got: Vec<String> = match load(&file("clause9.toml", settings), &measures) {
        Ok(_) => Vec::new(),
        Err(d) => d.iter().map(ToString::to_string).collect(),
    };
    assert_eq!(
        got, expected,
        "\nsettings:\n{settings}\nmeasures: {measures:#?}"
    );
}

fn with(old: &str, new: &str) -> String {
    assert!(MEASURE.contains(old), "fixture lacks {old:?}");
    MEASURE.replacen(old, new, 1)
}

#[test]
fn the_fixture_is_valid() {
    check(SETTINGS, &[("m/a.toml", MEASURE)], &[]);
}

#[test]
fn toml_syntax_errors_do_not_hide_other_files() {
    let broken = with("name = \"n\"", "name = \"n");
    let other =
        with("id = \"M-1\"", "id = \"M-2\"").replace("owner = \"dana\"", "owner = \"nobody\"");
    check(
        SETTINGS,
        &[("m/a.toml", &broken), ("m/b.toml", &other)],
        &[
            "m/a.toml:3:10: TOML syntax: invalid basic string, expected `\"`",
            "m/b.toml:10:9: unknown person or group `nobody`: defined are dana, sam, board",
        ],
    );
}

#[test]
fn unknown_keys_and_wrong_types() {
    let m = with("version = 1", "version = \"1\"\nunits = \"%\"")
        .replace("green = 95", "green = \"95\"")
        .replace("objectives = [\"OBJ-1\"]", "objectives = \"OBJ-1\"")
        .replace("method = \"manual\"", "method = \"manual\"\nmax = true");
    check(
        SETTINGS,
        &[("m/a.toml", &m)],
        &[
            "m/a.toml:2:11: `version` in the measure must be an integer, not a string",
            "m/a.toml:3:1: unknown key `units` in the measure (did you mean `unit`?)",
            "m/a.toml:7:14: `objectives` in the measure must be a list of strings, such as [\"a\", \"b\"], not a string",
            "m/a.toml:23:7: `max` in base `ok` must be a number, not a boolean",
            "m/a.toml:30:9: `green` in [indicator] must be a number, not a string",
        ],
    );
}

#[test]
fn bad_and_duplicate_ids_across_files() {
    let bad = with("id = \"M-1\"", "id = \"m 1\"")
        .replace("id = \"ok\"", "id = \"max\"")
        .replace("ok /", "max /");
    let dup_local = with("id = \"rate\"", "id = \"closed\"")
        .replace("measure = \"rate\"", "measure = \"closed\"");
    check(
        SETTINGS,
        &[
            ("m/a.toml", MEASURE),
            ("m/b.toml", MEASURE),
            ("m/c.toml", &bad),
            ("m/d.toml", &dup_local.replace("M-1", "M-4")),
        ],
        &[
            "m/b.toml:1:6: duplicate measure id `M-1`: already defined at m/a.toml:1:6",
            "m/c.toml:1:6: bad measure id `m 1`: use capitals, digits, `.`, `_` and `-`, starting with a capital or digit (e.g. M-INC-01)",
            "m/c.toml:20:6: base id `max` is the name of a formula function: choose another",
            "m/d.toml:23:6: duplicate id `closed`: base and derived ids must be unique within a measure",
        ],
    );
}

#[test]
fn unknown_references() {
    let m = with("objectives = [\"OBJ-1\"]", "objectives = [\"OBJ-2\"]")
        .replace("area = \"soc\"", "area = \"socc\"")
        .replace("collector = \"board\"", "collector = \"bord\"")
        .replace("source = \"siem\"", "source = \"cmdb\"")
        .replace("100 * ok / closed", "100 * okk / closed")
        .replace(
            "controls = [\"A.5.26\", \"9.1\"]",
            "controls = [\"A.5.99\", \"9.1\"]",
        );
    let settings = SETTINGS
        .replace("owner = \"sam\"", "owner = \"sammy\"")
        .replace("[\"dana\", \"sam\"]", "[\"dana\", \"kim\"]");
    check(
        &settings,
        &[("m/a.toml", &m)],
        &[
            "clause9.toml:12:18: unknown person `kim`: add it under [people]",
            "clause9.toml:18:9: unknown person `sammy`: add it under [people]",
            "m/a.toml:6:15: unknown objective `OBJ-2` (did you mean `OBJ-1`?)",
            "m/a.toml:7:13: unknown control or clause `A.5.99`: use an ISO/IEC 27001:2022 Annex A id such as \"A.5.26\" or a clause such as \"9.1\"",
            "m/a.toml:8:8: unknown area `socc` (did you mean `soc`?)",
            "m/a.toml:11:13: unknown person or group `bord` (did you mean `board`?)",
            "m/a.toml:17:10: unknown source `cmdb`: defined are siem",
            "m/a.toml:24:18: formula of `rate` uses unknown id `okk` (did you mean `ok`?)",
        ],
    );
}

#[test]
fn formula_errors_point_inside_the_formula() {
    let m = with("100 * ok / closed", "100 * (ok / closed");
    check(
        SETTINGS,
        &[("m/a.toml", &m)],
        &[
            "m/a.toml:24:30: formula error: unexpected end of formula: expected `)` to close the `(` at column 7 of the formula",
        ],
    );
    let m = with(
        "formula = \"100 * ok / closed\"",
        "formula = \"\"\"\n100 * ok $ closed\"\"\"",
    );
    check(
        SETTINGS,
        &[("m/a.toml", &m)],
        &["m/a.toml:25:10: formula error: unexpected character `$`"],
    );
}

#[test]
fn cycles_among_derived_measures() {
    let m = with(
        "[[derived]]\nid = \"rate\"\nformula = \"100 * ok / closed\"",
        "[[derived]]\nid = \"rate\"\nformula = \"share * 100\"\n[[derived]]\nid = \"share\"\nformula = \"rate / 100\"",
    );
    check(
        SETTINGS,
        &[("m/a.toml", &m)],
        &[
            "m/a.toml:22:1: cycle among derived measures: rate → share → rate",
            "m/a.toml:25:1: cycle among derived measures: share → rate → share",
        ],
    );
}

#[test]
fn decision_criteria_must_not_put_red_above_green() {
    let m = with("red = 85", "red = 99");
    check(
        SETTINGS,
        &[("m/a.toml", &m)],
        &[
            "m/a.toml:29:7: decision criteria: `red` (99) is better than `green` (95); with higher_is_better `red` must not be above `green`: swap them or change the direction",
        ],
    );
    let m = with("red = 85", "red = 90").replace("higher_is_better", "lower_is_better");
    check(
        SETTINGS,
        &[("m/a.toml", &m)],
        &[
            "m/a.toml:29:7: decision criteria: `red` (90) is better than `green` (95); with lower_is_better `red` must not be below `green`: swap them or change the direction",
        ],
    );
    // equal thresholds are allowed in both directions
    check(
        SETTINGS,
        &[("m/a.toml", &with("red = 85", "red = 95"))],
        &[],
    );
}

#[test]
fn a_query_base_needs_a_source_and_a_query() {
    let m = with(
        "source = \"siem\"\nquery = \"SELECT count(*) FROM incidents\"\n",
        "",
    );
    check(
        SETTINGS,
        &[("m/a.toml", &m)],
        &[
            "m/a.toml:14:1: base `closed` is missing `query`: the SQL or PromQL that returns the value",
            "m/a.toml:14:1: base `closed` is missing `source`: a source id from clause9.toml",
        ],
    );
}

#[test]
fn timezone_periods_and_frequencies() {
    let settings = SETTINGS
        .replace("Europe/London", "Europe/Londn")
        .replace("\"2025-01\"", "\"2025-13\"");
    let m = with(
        "collection = \"monthly\"",
        "collection = \"montly\"\nreporting = \"daily\"",
    );
    check(
        &settings,
        &[("m/a.toml", &m)],
        &[
            "clause9.toml:5:12: unknown timezone `Europe/Londn`: use an IANA zone such as \"Europe/London\" or \"UTC\"",
            "clause9.toml:6:16: bad period `2025-13`: the month must be between 1 and 12; use 2026-10, 2026-Q4, 2026-H2, 2026 or 2026-W44",
            "m/a.toml:13:14: `collection`: unknown frequency `montly`: use weekly, monthly, quarterly, half-yearly or yearly",
            "m/a.toml:14:13: `reporting`: unknown frequency `daily`: use weekly, monthly, quarterly, half-yearly or yearly",
        ],
    );
}

#[test]
fn an_indicator_must_point_at_a_base_or_derived_id() {
    let m = with("measure = \"rate\"", "measure = \"ratio\"");
    check(
        SETTINGS,
        &[("m/a.toml", &m)],
        &[
            "m/a.toml:26:11: the indicator points at `ratio`, which is not a base or derived id of this measure (known: closed, ok, rate)",
        ],
    );
}

#[test]
fn missing_sections_are_named() {
    check(
        "format = 2\n",
        &[("m/a.toml", "id = \"M-1\"\n")],
        &[
            "clause9.toml:1:1: clause9.toml is missing `[programme]`: name, organisation, timezone and first_period",
            "clause9.toml:1:10: unsupported format 2: this clause9 reads format = 1",
            "m/a.toml:1:1: the measure is missing `[[base]]`: at least one base measure",
            "m/a.toml:1:1: the measure is missing `[frequency]`: at least `collection = \"monthly\"`",
            "m/a.toml:1:1: the measure is missing `[indicator]`: measure, direction and green at least",
            "m/a.toml:1:1: the measure is missing `[roles]`: at least owner and collector",
            "m/a.toml:1:1: the measure is missing `information_need`: the question this measure answers",
            "m/a.toml:1:1: the measure is missing `kind`: \"performance\" or \"effectiveness\"",
            "m/a.toml:1:1: the measure is missing `name`: a short title",
            "m/a.toml:1:1: the measure is missing `version`: start with `version = 1`",
        ],
    );
}

#[test]
fn secrets_never_go_in_files() {
    let settings =
        format!("{SETTINGS}[sources.db]\nkind = \"postgres\"\nurl = \"postgres://u:pw@h/db\"\n");
    check(
        &settings,
        &[],
        &[
            "clause9.toml:22:1: [sources.db] is missing `url_env`: the environment variable holding the connection string",
            "clause9.toml:22:1: [sources.db]: a postgres connection string must not be written in a file; set `url_env` to the name of an environment variable",
        ],
    );
}

#[test]
fn platform_sources_take_addresses_and_secrets_from_the_environment() {
    let good = format!(
        "{SETTINGS}[sources.wazuh]\nkind = \"opensearch\"\nurl_env = \"WAZUH_URL\"\nusername_env = \"WAZUH_USER\"\npassword_env = \"WAZUH_PASSWORD\"\nca_file = \"certs/root-ca.pem\"\n\
         [sources.splunk]\nkind = \"splunk\"\nurl_env = \"SPLUNK_URL\"\ntoken_env = \"SPLUNK_TOKEN\"\ntimeout_seconds = 30\n\
         [sources.sentinel]\nkind = \"log_analytics\"\nworkspace_env = \"W\"\ntenant_env = \"T\"\nclient_id_env = \"C\"\nclient_secret_env = \"S\"\n\
         [sources.loki]\nkind = \"loki\"\nurl_env = \"LOKI_URL\"\norg_id = \"soc\"\n\
         [sources.dojo]\nkind = \"defectdojo\"\nurl_env = \"DOJO_URL\"\ntoken_env = \"DOJO_TOKEN\"\n\
         [sources.gh]\nkind = \"github_code_scanning\"\ntoken_env = \"GH_TOKEN\"\nrepo = \"acme/shop\"\n\
         [sources.es]\nkind = \"elasticsearch\"\nurl_env = \"ES_URL\"\napi_key_env = \"ES_KEY\"\n"
    );
    check(&good, &[], &[]);
}

#[test]
fn platform_sources_refuse_what_does_not_belong() {
    let bad = format!(
        "{SETTINGS}[sources.splunk]\nkind = \"splunk\"\nurl = \"https://splunk:8089\"\ntoken = \"abc\"\n\
         [sources.es]\nkind = \"elasticsearch\"\nurl_env = \"ES URL\"\napi_key_env = \"K\"\ntoken_env = \"T\"\nusername_env = \"U\"\n\
         [sources.gh]\nkind = \"github_code_scanning\"\ntoken_env = \"GH\"\nrepo = \"shop\"\norg = \"acme\"\nindex = \"x\"\n\
         [sources.x]\nkind = \"qradar\"\n"
    );
    check(
        &bad,
        &[],
        &[
            "clause9.toml:22:1: [sources.splunk] is missing `url_env`: the environment variable holding the splunk address (https://host:port)",
            "clause9.toml:22:1: [sources.splunk] needs a way to sign in to splunk: `token_env`, or `username_env` + `password_env`",
            "clause9.toml:24:7: [sources.splunk]: `url` must not be written in a file; set `url_env` to the name of an environment variable that holds it",
            "clause9.toml:25:9: [sources.splunk]: `token` must not be written in a file; set `token_env` to the name of an environment variable that holds it",
            "clause9.toml:26:1: [sources.es]: choose one way to sign in: `username_env` + `password_env`, or `api_key_env`, or `token_env`",
            "clause9.toml:26:1: [sources.es]: give `username_env` and `password_env` together",
            "clause9.toml:28:11: `url_env` in [sources.es] must name an environment variable ([A-Za-z_][A-Za-z0-9_]*), not `ES URL`",
            "clause9.toml:32:1: [sources.gh] needs exactly one of `repo` or `org`",
            "clause9.toml:35:8: `repo` in [sources.gh]: write the repository as OWNER/NAME",
            "clause9.toml:37:1: unknown key `index` in [sources.gh]; known keys: ca_file, kind, org, repo, timeout_seconds, token_env, url_env",
            "clause9.toml:39:8: unknown source kind `qradar`: use \"files\", \"postgres\", \"prometheus\", \"opensearch\", \"elasticsearch\", \"splunk\", \"log_analytics\", \"loki\", \"defectdojo\", \"github_code_scanning\"",
        ],
    );
}
