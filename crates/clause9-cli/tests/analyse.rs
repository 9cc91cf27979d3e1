//! `clause9 analyse` and the `analysis` object of `evaluate --format json`,
//! on the starter programme and its sample values.

mod common;

use common::{clause9, evaluate_json, ok, run, starter};

#[test]
fn evaluate_json_carries_an_analysis_per_measure() {
    let (_tmp, p) = starter();
    let json = evaluate_json(&p, None);
    let measures = json["measures"].as_array().unwrap();
    assert_eq!(measures.len(), 5);
    for m in measures {
        // every existing field stays, in order, and analysis comes last
        let keys: Vec<&str> = m.as_object().unwrap().keys().map(String::as_str).collect();
        assert!(keys.contains(&"collection_periods") && keys.contains(&"analysis"));
        let a = &m["analysis"];
        let t = &a["trend"];
        assert!(t["points"].as_u64().unwrap() >= 3, "{}: {t}", m["id"]);
        let ci = t["slope_ci95"].as_array().unwrap();
        let slope = t["slope"].as_f64().unwrap();
        assert!(ci[0].as_f64().unwrap() <= slope && slope <= ci[1].as_f64().unwrap());
        assert!(["improving", "stable", "deteriorating"].contains(&t["verdict"].as_str().unwrap()));
        let p_value = t["mann_kendall_p"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p_value));
        let c = &a["control"];
        assert!(c["lower"].as_f64().unwrap() <= c["centre"].as_f64().unwrap());
        assert!(c["centre"].as_f64().unwrap() <= c["upper"].as_f64().unwrap());
        for s in c["signals"].as_array().unwrap() {
            assert!(s["period"].is_string() && s["rule"].is_string());
        }
        assert!(a["forecast"]["outlook"].is_string());
        assert!(a["quality"].is_array());
    }
    // the starter's vulnerability measure is drifting the wrong way
    let vul = measures.iter().find(|m| m["id"] == "M-VUL-01").unwrap();
    assert_eq!(vul["analysis"]["trend"]["verdict"], "deteriorating");
    assert_eq!(vul["analysis"]["forecast"]["outlook"], "will_not_reach");
}

#[test]
fn analyse_shows_trend_control_and_a_chart() {
    let (_tmp, p) = starter();
    let out = ok(clause9(&["analyse", p.to_str().unwrap(), "M-PHI-01"]));
    assert!(out.contains("trend over"), "{out}");
    assert!(out.contains("control (XmR"), "{out}");
    assert!(out.contains("forecast:"), "{out}");
    assert!(out.contains("● value, ─ target"), "{out}");
    assert!(out.matches('●').count() >= 3, "{out}");
}

#[test]
fn analyse_with_few_points_says_so() {
    let (_tmp, p) = starter();
    // two months after measuring starts there are only two values
    let json = evaluate_json(&p, None);
    let first = json["measures"][0]["analysis"]["series"][0]["period"]
        .as_str()
        .unwrap()
        .to_string();
    let mut period: clause9_core::period::Period = first.parse().unwrap();
    period = period.next();
    let out = ok(clause9(&[
        "analyse",
        p.to_str().unwrap(),
        "M-AW-01",
        "--period",
        &period.to_string(),
    ]));
    assert!(out.contains("needs at least 3"), "{out}");
    assert!(out.contains("at least 5"), "{out}");
}

#[test]
fn analyse_an_unknown_measure_is_refused() {
    let (_tmp, p) = starter();
    let (code, _, err) = run(clause9(&["analyse", p.to_str().unwrap(), "M-NOPE"]));
    assert_eq!(code, 2);
    assert!(err.contains("unknown measure `M-NOPE`"), "{err}");
}
