//! Tests of the formula language: data-driven tables through one check helper, plus property tests.

use proptest::prelude::*;

use super::*;

/// What a formula with some inputs should give.
#[derive(Debug, Clone, Copy)]
enum Want {
    /// This value (relative tolerance 1e-12).
    V(f64),
    /// This evaluation error, as displayed.
    E(&'static str),
    /// This parse error: span start, span end, message.
    P(usize, usize, &'static str),
}
use Want::{E, P, V};

type Case = (&'static str, &'static [(&'static str, f64)], Want);

/// Checks one case; returns a description of the mismatch.
fn check(formula: &str, inputs: &[(&str, f64)], want: Want) -> Result<(), String> {
    let lookup = |id: &str| inputs.iter().find(|(name, _)| *name == id).map(|&(_, v)| v);
    let got = Formula::parse(formula).map(|f| f.eval(&lookup));
    let short: String = formula.chars().take(60).collect();
    let fail = |what: String| Err(format!("`{short}` with {inputs:?}: {what}"));
    match (got, want) {
        (Ok(Ok(v)), V(w)) => {
            let tolerance = 1e-12 * w.abs().max(1.0);
            if (v - w).abs() <= tolerance && (v != 0.0 || v.is_sign_positive()) {
                Ok(())
            } else {
                fail(format!("got {v:?}, want {w:?}"))
            }
        }
        (Ok(Err(e)), E(w)) if e.to_string() == w => Ok(()),
        (Err(e), P(start, end, w))
            if e.message == w && e.to_string() == w && e.span == Span::new(start, end) =>
        {
            Ok(())
        }
        (Ok(Ok(v)), want) => fail(format!("got value {v:?}, want {want:?}")),
        (Ok(Err(e)), want) => fail(format!("got eval error {e:?} ({e}), want {want:?}")),
        (Err(e), want) => fail(format!("got parse error {e:?}, want {want:?}")),
    }
}

fn check_all(cases: &[Case]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|&(formula, inputs, want)| check(formula, inputs, want).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

const NONE: &[(&str, f64)] = &[];

#[test]
fn numbers() {
    check_all(&[
        ("42", NONE, V(42.0)),
        ("3.25", NONE, V(3.25)),
        ("007", NONE, V(7.0)),
        ("1e3", NONE, V(1000.0)),
        ("1E3", NONE, V(1000.0)),
        ("1e+2", NONE, V(100.0)),
        ("2.5e-3", NONE, V(0.0025)),
        ("1e-400", NONE, V(0.0)),
        ("1e308", NONE, V(1e308)),
        ("  7\t\n", NONE, V(7.0)),
        ("1e3-2", NONE, V(998.0)),
    ]);
}

#[test]
fn operators_precedence_and_associativity() {
    check_all(&[
        ("1 + 2", NONE, V(3.0)),
        ("5 - 7", NONE, V(-2.0)),
        ("6 * 7", NONE, V(42.0)),
        ("7 / 2", NONE, V(3.5)),
        ("2 ^ 10", NONE, V(1024.0)),
        ("4 ^ 0.5", NONE, V(2.0)),
        ("0 ^ 0", NONE, V(1.0)),
        ("1 + 2 * 3", NONE, V(7.0)),
        ("(1 + 2) * 3", NONE, V(9.0)),
        ("1 + 6 / 3", NONE, V(3.0)),
        ("10 - 4 - 3", NONE, V(3.0)),
        ("1 - 2 + 3", NONE, V(2.0)),
        ("100 / 10 / 5", NONE, V(2.0)),
        ("8 / 2 * 4", NONE, V(16.0)),
        ("2 ^ 3 ^ 2", NONE, V(512.0)),
        ("(2 ^ 3) ^ 2", NONE, V(64.0)),
        ("2 ^ 2 * 3", NONE, V(12.0)),
        ("3 * 2 ^ 2", NONE, V(12.0)),
        ("1 + 2 ^ 2", NONE, V(5.0)),
        ("-2 ^ 2", NONE, V(-4.0)),
        ("(-2) ^ 2", NONE, V(4.0)),
        ("2 ^ -1", NONE, V(0.5)),
        ("-2 ^ -2", NONE, V(-0.25)),
        ("2 ^ -1 ^ 2", NONE, V(0.5)),
        ("2 * -3 ^ 2", NONE, V(-18.0)),
        ("-3 * -2", NONE, V(6.0)),
        ("--3", NONE, V(3.0)),
        ("- - 3", NONE, V(3.0)),
        ("+3", NONE, V(3.0)),
        ("+-3", NONE, V(-3.0)),
        ("1 - -1", NONE, V(2.0)),
        ("-a", &[("a", 3.0)], V(-3.0)),
        ("-(a + 1)", &[("a", 3.0)], V(-4.0)),
        ("-0", NONE, V(0.0)),
        ("((((1))))", NONE, V(1.0)),
        ("2*(3+4)-(5)", NONE, V(9.0)),
    ]);
}

#[test]
fn comparisons() {
    check_all(&[
        ("1 < 2", NONE, V(1.0)),
        ("2 < 1", NONE, V(0.0)),
        ("2 < 2", NONE, V(0.0)),
        ("2 <= 2", NONE, V(1.0)),
        ("3 <= 2", NONE, V(0.0)),
        ("3 > 2", NONE, V(1.0)),
        ("2 > 2", NONE, V(0.0)),
        ("2 >= 2", NONE, V(1.0)),
        ("2 >= 3", NONE, V(0.0)),
        ("2 == 2", NONE, V(1.0)),
        ("2 == 3", NONE, V(0.0)),
        ("2 != 2", NONE, V(0.0)),
        ("2 != 3", NONE, V(1.0)),
        ("-1 < 0", NONE, V(1.0)),
        ("1 + 1 == 2", NONE, V(1.0)),
        ("2 * 3 > 2 ^ 2 + 1", NONE, V(1.0)),
        ("(1 < 2) == 1", NONE, V(1.0)),
        ("(1 < 2) + (3 < 4)", NONE, V(2.0)),
        ("a >= b * 2", &[("a", 4.0), ("b", 2.0)], V(1.0)),
        ("a<=b", &[("a", 4.0), ("b", 2.0)], V(0.0)),
        ("0.1 + 0.2 == 0.3", NONE, V(0.0)),
        (
            "1 < 2 < 3",
            NONE,
            P(
                6,
                7,
                "comparisons cannot be chained: put one in parentheses or use `if`",
            ),
        ),
        (
            "a == b != c",
            NONE,
            P(
                7,
                9,
                "comparisons cannot be chained: put one in parentheses or use `if`",
            ),
        ),
    ]);
}

#[test]
fn identifiers_and_function_names_as_ids() {
    check_all(&[
        (
            "100 * closed_in_sla / closed",
            &[("closed_in_sla", 45.0), ("closed", 50.0)],
            V(90.0),
        ),
        ("_x1 + X", &[("_x1", 1.0), ("X", 2.0)], V(3.0)),
        ("min + 1", &[("min", 2.0)], V(3.0)),
        ("if * round", &[("if", 2.0), ("round", 3.0)], V(6.0)),
        ("max(min, 1)", &[("min", 2.0)], V(2.0)),
        ("a1b2", &[("a1b2", 5.0)], V(5.0)),
    ]);
}

#[test]
fn functions() {
    check_all(&[
        ("min(3, 1, 2)", NONE, V(1.0)),
        ("min(5)", NONE, V(5.0)),
        ("min(-0.5, 2)", NONE, V(-0.5)),
        ("max(3, 1, 2)", NONE, V(3.0)),
        ("max(-1, -2)", NONE, V(-1.0)),
        ("max(a, b) - min(a, b)", &[("a", 2.0), ("b", 7.0)], V(5.0)),
        ("abs(-2.5)", NONE, V(2.5)),
        ("abs(2)", NONE, V(2.0)),
        ("abs(a - b)", &[("a", 2.0), ("b", 7.0)], V(5.0)),
        ("floor(2.7)", NONE, V(2.0)),
        ("floor(-2.1)", NONE, V(-3.0)),
        ("floor(3)", NONE, V(3.0)),
        ("ceil(2.1)", NONE, V(3.0)),
        ("ceil(-2.7)", NONE, V(-2.0)),
        ("ceil(-0.5)", NONE, V(0.0)),
        ("sqrt(16)", NONE, V(4.0)),
        ("sqrt(0)", NONE, V(0.0)),
        ("sqrt(2) ^ 2", NONE, V(2.0)),
        ("ln(1)", NONE, V(0.0)),
        ("ln(e)", &[("e", std::f64::consts::E)], V(1.0)),
        ("log10(1000)", NONE, V(3.0)),
        ("log10(0.01)", NONE, V(-2.0)),
        ("sqrt(abs(-9)) + max(1, min(4, 2))", NONE, V(5.0)),
        ("-abs(-2)", NONE, V(-2.0)),
        ("abs(-2) ^ 2", NONE, V(4.0)),
    ]);
}

#[test]
fn round() {
    check_all(&[
        ("round(2.5)", NONE, V(3.0)),
        ("round(-2.5)", NONE, V(-3.0)),
        ("round(0.5)", NONE, V(1.0)),
        ("round(1.5)", NONE, V(2.0)),
        ("round(2.4)", NONE, V(2.0)),
        ("round(-2.4)", NONE, V(-2.0)),
        ("round(-0.4)", NONE, V(0.0)),
        ("round(7)", NONE, V(7.0)),
        ("round(1.23456, 2)", NONE, V(1.23)),
        ("round(1.235, 2)", NONE, V(1.24)),
        ("round(-1.235, 2)", NONE, V(-1.24)),
        ("round(1.005, 2)", NONE, V(1.01)),
        ("round(2.675, 2)", NONE, V(2.68)),
        ("round(9.995, 2)", NONE, V(10.0)),
        ("round(99.5)", NONE, V(100.0)),
        ("round(123456.789, 0)", NONE, V(123_457.0)),
        ("round(123456.789, 1)", NONE, V(123_456.8)),
        ("round(0.0005, 3)", NONE, V(0.001)),
        ("round(0.00049, 3)", NONE, V(0.0)),
        ("round(0.000001, 2)", NONE, V(0.0)),
        ("round(1.5, 15)", NONE, V(1.5)),
        (
            "round(0.1234567890123456789, 15)",
            NONE,
            V(0.123_456_789_012_346),
        ),
        ("round(1e20, 2)", NONE, V(1e20)),
        ("round(1e300, 0)", NONE, V(1e300)),
        ("round(x, d)", &[("x", 2.345), ("d", 1.0)], V(2.3)),
        ("round(x, 2 - 1)", &[("x", 2.35)], V(2.4)),
        ("round(2.5, 0)", NONE, V(3.0)),
        (
            "round(1, d)",
            &[("d", 16.0)],
            E("`round` takes a whole number of digits from 0 to 15, got 16"),
        ),
        (
            "round(1, d)",
            &[("d", -1.0)],
            E("`round` takes a whole number of digits from 0 to 15, got -1"),
        ),
        (
            "round(1, d)",
            &[("d", 1.5)],
            E("`round` takes a whole number of digits from 0 to 15, got 1.5"),
        ),
        (
            "round(1, 16)",
            NONE,
            P(
                9,
                11,
                "`round` takes a whole number of digits from 0 to 15, got 16",
            ),
        ),
        (
            "round(1, -1)",
            NONE,
            P(
                9,
                11,
                "`round` takes a whole number of digits from 0 to 15, got -1",
            ),
        ),
        (
            "round(1, 0.5)",
            NONE,
            P(
                9,
                12,
                "`round` takes a whole number of digits from 0 to 15, got 0.5",
            ),
        ),
        ("round(a, b)", NONE, E("no value for `a` and `b`")),
    ]);
}

#[test]
fn if_is_lazy() {
    check_all(&[
        ("if(1, 2, 3)", NONE, V(2.0)),
        ("if(0, 2, 3)", NONE, V(3.0)),
        ("if(-0.5, 2, 3)", NONE, V(2.0)),
        ("if(a > b, a, b)", &[("a", 1.0), ("b", 4.0)], V(4.0)),
        // The division is never evaluated, and `part` is never asked for.
        ("if(total == 0, 0, part / total)", &[("total", 0.0)], V(0.0)),
        (
            "if(total == 0, 0, part / total)",
            &[("total", 4.0), ("part", 1.0)],
            V(0.25),
        ),
        ("if(1, 1, 1 / 0)", NONE, V(1.0)),
        ("if(0, 1 / 0, 2)", NONE, V(2.0)),
        ("if(1, 2, sqrt(-1))", NONE, V(2.0)),
        ("if(a > 0, 1, not_there)", &[("a", 1.0)], V(1.0)),
        ("if(a > 0, b, c)", &[("a", 1.0)], E("no value for `b`")),
        ("if(a > 0, b, c)", &[("a", 0.0)], E("no value for `c`")),
        ("if(x, y, z)", NONE, E("no value for `x`")),
        ("if(1 / 0, 1, 2)", NONE, E("division by zero: `0` is 0")),
        ("if(1, 2, 3) + 1", NONE, V(3.0)),
    ]);
}

#[test]
fn eval_errors() {
    check_all(&[
        // Missing: every id, deduplicated, in source order; it wins over other errors.
        ("closed", NONE, E("no value for `closed`")),
        ("a / b", NONE, E("no value for `a` and `b`")),
        ("a / b", &[("b", 0.0)], E("no value for `a`")),
        ("a / b", &[("a", 1.0)], E("no value for `b`")),
        ("z + y * z + x", NONE, E("no value for `z`, `y` and `x`")),
        ("a + a", NONE, E("no value for `a`")),
        ("1 / 0 + a", NONE, E("no value for `a`")),
        ("sqrt(-1) + a", NONE, E("no value for `a`")),
        ("min(a, b, 1 / 0)", NONE, E("no value for `a` and `b`")),
        ("max(a, a, b)", &[("b", 1.0)], E("no value for `a`")),
        ("-a ^ b", NONE, E("no value for `a` and `b`")),
        ("abs(a) < ln(b)", NONE, E("no value for `a` and `b`")),
        (
            "round(a, b) + c",
            &[("b", 2.0)],
            E("no value for `a` and `c`"),
        ),
        // Division by zero: the divisor's source text.
        (
            "a / b",
            &[("a", 1.0), ("b", 0.0)],
            E("division by zero: `b` is 0"),
        ),
        (
            "100 * part / closed",
            &[("part", 1.0), ("closed", 0.0)],
            E("division by zero: `closed` is 0"),
        ),
        ("0 / 0", NONE, E("division by zero: `0` is 0")),
        ("1 / -0", NONE, E("division by zero: `-0` is 0")),
        (
            "a / (b - c)",
            &[("a", 1.0), ("b", 2.0), ("c", 2.0)],
            E("division by zero: `(b - c)` is 0"),
        ),
        (
            "1 / min(a, 0)",
            &[("a", 3.0)],
            E("division by zero: `min(a, 0)` is 0"),
        ),
        ("1 / 0 + sqrt(-1)", NONE, E("division by zero: `0` is 0")),
        // Domain.
        ("sqrt(-1)", NONE, E("`sqrt` of -1 is undefined")),
        ("sqrt(-1) + 1 / 0", NONE, E("`sqrt` of -1 is undefined")),
        ("ln(0)", NONE, E("`ln` of 0 is undefined")),
        ("ln(-0)", NONE, E("`ln` of 0 is undefined")),
        ("ln(-1)", NONE, E("`ln` of -1 is undefined")),
        ("log10(-3)", NONE, E("`log10` of -3 is undefined")),
        ("log10(0)", NONE, E("`log10` of 0 is undefined")),
        (
            "(-8) ^ (1 / 3)",
            NONE,
            E("`^` of a negative base (-8) to a fractional power is undefined"),
        ),
        ("(-8) ^ 3", NONE, V(-512.0)),
        // Not finite.
        ("10 ^ 400", NONE, E("the result is not a finite number")),
        ("1e308 * 10", NONE, E("the result is not a finite number")),
        (
            "1e308 + 1e308",
            NONE,
            E("the result is not a finite number"),
        ),
        (
            "-1e308 - 1e308",
            NONE,
            E("the result is not a finite number"),
        ),
        (
            "1e308 / 1e-308",
            NONE,
            E("the result is not a finite number"),
        ),
        ("0 ^ -1", NONE, E("the result is not a finite number")),
        (
            "a",
            &[("a", f64::INFINITY)],
            E("the result is not a finite number"),
        ),
        (
            "a",
            &[("a", f64::NAN)],
            E("the result is not a finite number"),
        ),
        (
            "if(a, 1, 2)",
            &[("a", f64::NAN)],
            E("the result is not a finite number"),
        ),
        (
            "1e308 * 10 * 0",
            NONE,
            E("the result is not a finite number"),
        ),
    ]);
}

#[test]
fn parse_errors() {
    check_all(&[
        (
            "",
            NONE,
            P(0, 0, "empty formula: expected a number, an id, `(` or `-`"),
        ),
        (
            "   ",
            NONE,
            P(3, 3, "empty formula: expected a number, an id, `(` or `-`"),
        ),
        (
            "a +",
            NONE,
            P(
                3,
                3,
                "unexpected end of formula after `+`: expected a number, an id, `(` or `-`",
            ),
        ),
        (
            "-",
            NONE,
            P(
                1,
                1,
                "unexpected end of formula after `-`: expected a number, an id, `(` or `-`",
            ),
        ),
        (
            "a ^",
            NONE,
            P(
                3,
                3,
                "unexpected end of formula after `^`: expected a number, an id, `(` or `-`",
            ),
        ),
        (
            "a <=",
            NONE,
            P(
                4,
                4,
                "unexpected end of formula after `<=`: expected a number, an id, `(` or `-`",
            ),
        ),
        (
            "a * * b",
            NONE,
            P(
                4,
                5,
                "expected a number, an id, `(` or `-` after `*`, found `*`",
            ),
        ),
        (
            "* b",
            NONE,
            P(0, 1, "expected a number, an id, `(` or `-`, found `*`"),
        ),
        (
            ")",
            NONE,
            P(0, 1, "expected a number, an id, `(` or `-`, found `)`"),
        ),
        (
            "()",
            NONE,
            P(
                1,
                2,
                "expected a number, an id, `(` or `-` after `(`, found `)`",
            ),
        ),
        // Unbalanced parentheses, both ways.
        (
            "(a + b",
            NONE,
            P(
                6,
                6,
                "unexpected end of formula: expected `)` to close the `(` at column 1 of the formula",
            ),
        ),
        (
            "2 * ((a + b)",
            NONE,
            P(
                12,
                12,
                "unexpected end of formula: expected `)` to close the `(` at column 5 of the formula",
            ),
        ),
        (
            "(a, b)",
            NONE,
            P(
                2,
                3,
                "expected `)` to close the `(` at column 1 of the formula, found `,`",
            ),
        ),
        (
            "(a +\n b",
            NONE,
            P(
                7,
                7,
                "unexpected end of formula: expected `)` to close the `(` at line 1, column 1 of the formula",
            ),
        ),
        (
            "a + b)",
            NONE,
            P(5, 6, "unexpected `)`: there is no `(` to close"),
        ),
        (
            "(a))",
            NONE,
            P(3, 4, "unexpected `)`: there is no `(` to close"),
        ),
        (
            "a, b",
            NONE,
            P(1, 2, "unexpected `,` outside a function call"),
        ),
        // Two operands in a row.
        ("a b", NONE, P(2, 3, "missing operator before `b`")),
        ("2 (a)", NONE, P(2, 3, "missing operator before `(`")),
        ("(a) 2", NONE, P(4, 5, "missing operator before `2`")),
        ("(a b)", NONE, P(3, 4, "missing operator before `b`")),
        ("min(a b)", NONE, P(6, 7, "missing operator before `b`")),
        // Calls.
        (
            "mean(a)",
            NONE,
            P(
                0,
                4,
                "unknown function `mean`: use min, max, abs, round, floor, ceil, sqrt, ln, log10 or if",
            ),
        ),
        (
            "1 + avg(a, b)",
            NONE,
            P(
                4,
                7,
                "unknown function `avg`: use min, max, abs, round, floor, ceil, sqrt, ln, log10 or if",
            ),
        ),
        (
            "MIN(a)",
            NONE,
            P(
                0,
                3,
                "unknown function `MIN`: function names are lowercase, write `min`",
            ),
        ),
        (
            "round(a, 1, 2)",
            NONE,
            P(0, 14, "`round` takes 1 or 2 arguments, got 3"),
        ),
        (
            "round()",
            NONE,
            P(0, 7, "`round` takes 1 or 2 arguments, got 0"),
        ),
        ("abs(a, b)", NONE, P(0, 9, "`abs` takes 1 argument, got 2")),
        ("sqrt()", NONE, P(0, 6, "`sqrt` takes 1 argument, got 0")),
        (
            "floor(1, 2)",
            NONE,
            P(0, 11, "`floor` takes 1 argument, got 2"),
        ),
        (
            "ceil(1, 2)",
            NONE,
            P(0, 10, "`ceil` takes 1 argument, got 2"),
        ),
        ("ln(1, 2)", NONE, P(0, 8, "`ln` takes 1 argument, got 2")),
        ("log10()", NONE, P(0, 7, "`log10` takes 1 argument, got 0")),
        (
            "x + if(a, b)",
            NONE,
            P(
                4,
                12,
                "`if` takes 3 arguments (condition, then, else), got 2",
            ),
        ),
        (
            "if(a, b, c, d)",
            NONE,
            P(
                0,
                14,
                "`if` takes 3 arguments (condition, then, else), got 4",
            ),
        ),
        (
            "min()",
            NONE,
            P(0, 5, "`min` takes at least 1 argument, got 0"),
        ),
        (
            "max()",
            NONE,
            P(0, 5, "`max` takes at least 1 argument, got 0"),
        ),
        (
            "min(a,)",
            NONE,
            P(
                6,
                7,
                "empty argument in the call to `min`: expected a number, an id, `(` or `-`",
            ),
        ),
        (
            "min(,a)",
            NONE,
            P(
                4,
                5,
                "empty argument in the call to `min`: expected a number, an id, `(` or `-`",
            ),
        ),
        (
            "max(a,,b)",
            NONE,
            P(
                6,
                7,
                "empty argument in the call to `max`: expected a number, an id, `(` or `-`",
            ),
        ),
        (
            "min(a",
            NONE,
            P(
                5,
                5,
                "unexpected end of formula: expected `,` or `)` to close the call to `min` at column 1 of the formula",
            ),
        ),
        (
            "1 + min(a,",
            NONE,
            P(
                10,
                10,
                "unexpected end of formula after `,`: expected a number, an id, `(` or `-`",
            ),
        ),
        // Bad numbers.
        (
            "1.2.3",
            NONE,
            P(
                0,
                5,
                "invalid number `1.2.3`: write numbers like `12`, `0.5`, `1e3` or `2.5e-3`",
            ),
        ),
        (
            "a + 1.2.3",
            NONE,
            P(
                4,
                9,
                "invalid number `1.2.3`: write numbers like `12`, `0.5`, `1e3` or `2.5e-3`",
            ),
        ),
        (".5", NONE, P(0, 2, "invalid number `.5`: write `0.5`")),
        (
            "5.",
            NONE,
            P(0, 2, "invalid number `5.`: write `5` or `5.0`"),
        ),
        (
            "5. + 1",
            NONE,
            P(0, 2, "invalid number `5.`: write `5` or `5.0`"),
        ),
        (
            "2x",
            NONE,
            P(
                0,
                2,
                "invalid number `2x`: write numbers like `12`, `0.5`, `1e3` or `2.5e-3`",
            ),
        ),
        (
            "1e",
            NONE,
            P(
                0,
                2,
                "invalid number `1e`: write numbers like `12`, `0.5`, `1e3` or `2.5e-3`",
            ),
        ),
        (
            "1e-",
            NONE,
            P(
                0,
                3,
                "invalid number `1e-`: write numbers like `12`, `0.5`, `1e3` or `2.5e-3`",
            ),
        ),
        (
            "0x1F",
            NONE,
            P(
                0,
                4,
                "invalid number `0x1F`: write numbers like `12`, `0.5`, `1e3` or `2.5e-3`",
            ),
        ),
        (
            "1_000",
            NONE,
            P(
                0,
                5,
                "invalid number `1_000`: write numbers like `12`, `0.5`, `1e3` or `2.5e-3`",
            ),
        ),
        ("1e400", NONE, P(0, 5, "number `1e400` is too large")),
        // Unexpected characters.
        ("a $ b", NONE, P(2, 3, "unexpected character `$`")),
        (
            "a % b",
            NONE,
            P(
                2,
                3,
                "unexpected character `%`: there is no percent operator, write `100 * part / total`",
            ),
        ),
        (
            "a = b",
            NONE,
            P(2, 3, "unexpected character `=`: use `==` to compare"),
        ),
        (
            "!a",
            NONE,
            P(0, 1, "unexpected character `!`: use `!=` for not equal"),
        ),
        (
            "a && b",
            NONE,
            P(
                2,
                3,
                "unexpected character `&`: there are no logical operators, use `if` or `*` and `+` of comparisons",
            ),
        ),
        (
            "a.b",
            NONE,
            P(1, 2, "unexpected character `.`: write numbers like `0.5`"),
        ),
        ("a é", NONE, P(2, 4, "unexpected character `é`")),
        (
            "\"a\"",
            NONE,
            P(
                0,
                1,
                "unexpected character `\"`: ids are written without quotes",
            ),
        ),
        ("a\u{0}", NONE, P(1, 2, "unexpected character '\\0'")),
        (
            "[a]",
            NONE,
            P(0, 1, "unexpected character `[`: only `(` and `)` group"),
        ),
    ]);
}

#[test]
fn nesting_and_length_limits() {
    let nested = |n: usize| format!("{}1{}", "(".repeat(n), ")".repeat(n));
    const NESTED: &str = "the formula is nested too deeply: at most 64 levels of parentheses, function calls, unary `-` and `^`";
    const LONG: &str = "the formula is too long: more than 512 operations in a chain; split it into several derived measures";
    let deep_sum = |n: usize| format!("1{}", "+1".repeat(n));
    let cases: Vec<(String, Want)> = vec![
        (nested(64), V(1.0)),
        (nested(65), P(65, 66, NESTED)),
        (nested(100_000), P(65, 66, NESTED)),
        ("(".repeat(100_000), P(65, 66, NESTED)),
        (format!("{}1", "-".repeat(64)), V(1.0)),
        (format!("{}1", "-".repeat(100_000)), P(65, 66, NESTED)),
        (format!("{}2", "2^".repeat(100_000)), P(130, 131, NESTED)),
        (format!("{}1{}", "abs(".repeat(64), ")".repeat(64)), V(1.0)),
        (
            format!("{}1{}", "abs(".repeat(65), ")".repeat(65)),
            P(260, 261, NESTED),
        ),
        (deep_sum(511), V(512.0)),
        (deep_sum(512), P(0, 1025, LONG)),
        (deep_sum(100_000), P(0, 1025, LONG)),
        (format!("a{}", "*a".repeat(200)), V(1.0)),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(formula, want)| check(formula, &[("a", 1.0)], *want).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn identifiers_in_source_order() {
    let f = Formula::parse("if(a > b, a / c, min(d, b)) + min").unwrap();
    let ids = f.identifiers();
    let expected: Vec<(String, Span)> = [
        ("a", 3),
        ("b", 7),
        ("a", 10),
        ("c", 14),
        ("d", 21),
        ("b", 24),
        ("min", 30),
    ]
    .iter()
    .map(|&(name, start)| (name.to_owned(), Span::new(start, start + name.len())))
    .collect();
    assert_eq!(ids, expected);
    for (name, span) in &ids {
        assert_eq!(&f.text()[span.start..span.end], name);
    }
    assert!(
        Formula::parse("1 + round(2.5)")
            .unwrap()
            .identifiers()
            .is_empty()
    );
}

#[test]
fn text_display_and_from_str() {
    let text = " 100 * closed_in_sla / closed ";
    let f: Formula = text.parse().unwrap();
    assert_eq!(f.text(), text);
    assert_eq!(f.to_string(), text);
    assert_eq!(f, Formula::parse(text).unwrap());
    let e = "a +".parse::<Formula>().unwrap_err();
    let boxed: Box<dyn std::error::Error> = Box::new(e.clone());
    assert_eq!(boxed.to_string(), e.message);
    let eval_error: Box<dyn std::error::Error> = Box::new(EvalError::NotFinite);
    assert_eq!(eval_error.to_string(), "the result is not a finite number");
}

#[test]
fn error_display_of_every_variant() {
    let cases = [
        (
            EvalError::Missing {
                ids: vec!["a".into()],
            },
            "no value for `a`",
        ),
        (
            EvalError::Missing {
                ids: vec!["a".into(), "b".into()],
            },
            "no value for `a` and `b`",
        ),
        (
            EvalError::Missing {
                ids: vec!["a".into(), "b".into(), "c".into()],
            },
            "no value for `a`, `b` and `c`",
        ),
        (
            EvalError::DivisionByZero {
                divisor: "closed".into(),
            },
            "division by zero: `closed` is 0",
        ),
        (
            EvalError::Domain {
                function: "ln".into(),
                value: -0.0,
            },
            "`ln` of 0 is undefined",
        ),
        (
            EvalError::Domain {
                function: "sqrt".into(),
                value: -2.5,
            },
            "`sqrt` of -2.5 is undefined",
        ),
        (EvalError::NotFinite, "the result is not a finite number"),
    ];
    for (error, text) in cases {
        assert_eq!(error.to_string(), text);
    }
}

#[test]
fn columns() {
    assert_eq!(column_of("abc", 0), 1);
    assert_eq!(column_of("abc", 2), 3);
    assert_eq!(column_of("abc", 3), 4);
    assert_eq!(column_of("abc", 100), 4);
    assert_eq!(column_of("", 0), 1);
    // `é` is two bytes but one column.
    assert_eq!(column_of("é+a", 2), 2);
    assert_eq!(column_of("é+a", 3), 3);
    assert_eq!(column_of("é+a", 1), 1);
    // Columns count within a line.
    assert_eq!(column_of("a +\n  b", 6), 3);
    assert_eq!(line_column_of("a +\n  b", 6), (2, 3));
    assert_eq!(line_column_of("a +\n  b", 3), (1, 4));
    let e = Formula::parse("max(a, b) + mean(c)").unwrap_err();
    assert_eq!(column_of("max(a, b) + mean(c)", e.span.start), 13);
}

#[test]
fn inputs_are_asked_only_for_evaluated_ids() {
    let asked = std::cell::RefCell::new(Vec::new());
    let f = Formula::parse("if(total == 0, 0, part / total)").unwrap();
    let lookup = |id: &str| {
        asked.borrow_mut().push(id.to_owned());
        (id == "total").then_some(0.0)
    };
    assert_eq!(f.eval(&lookup), Ok(0.0));
    assert_eq!(*asked.borrow(), vec!["total".to_owned()]);
}

/// Pieces formulas are built from in the property tests, including bad ones.
const ALPHABET: &[&str] = &[
    "a", "b", "c", "_z9", " ", "\n", "0", "1", "2.5", "1e3", "1e308", "-0", ".5", "1.2.3", "1e",
    "(", ")", ",", "+", "-", "*", "/", "^", "<", "<=", ">", ">=", "==", "!=", "=", "!", "%", "$",
    "é", "min", "max", "abs", "round", "floor", "ceil", "sqrt", "ln", "log10", "if", "mean", "15",
    "16", "0.5",
];

fn value() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        Just(None),
        any::<f64>().prop_map(Some),
        prop::sample::select(vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            -8.0,
            15.0,
            16.0,
            1e308,
            -1e308,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ])
        .prop_map(Some),
    ]
}

/// Parses and, when that works, evaluates; checks the invariants of both.
fn parse_and_eval(text: &str, values: &[Option<f64>]) -> Result<(), TestCaseError> {
    match Formula::parse(text) {
        Err(e) => {
            prop_assert!(e.span.start <= e.span.end && e.span.end <= text.len());
            prop_assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
            prop_assert!(!e.message.is_empty());
            prop_assert!(!e.message.starts_with(char::is_uppercase));
            prop_assert!(column_of(text, e.span.start) >= 1);
        }
        Ok(f) => {
            for (name, span) in f.identifiers() {
                prop_assert_eq!(text.get(span.start..span.end), Some(name.as_str()));
            }
            let lookup = |id: &str| {
                let index = id.bytes().map(usize::from).sum::<usize>() % values.len().max(1);
                values.get(index).copied().flatten()
            };
            match f.eval(&lookup) {
                Ok(v) => prop_assert!(v.is_finite()),
                Err(EvalError::Missing { ids }) => {
                    prop_assert!(!ids.is_empty());
                    let mut unique = ids.clone();
                    unique.sort();
                    unique.dedup();
                    prop_assert_eq!(unique.len(), ids.len());
                }
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>(), values in prop::collection::vec(value(), 0..4)) {
        parse_and_eval(&text, &values)?;
    }

    #[test]
    fn token_soup_never_panics(
        pieces in prop::collection::vec(prop::sample::select(ALPHABET), 0..40),
        values in prop::collection::vec(value(), 0..4),
    ) {
        parse_and_eval(&pieces.concat(), &values)?;
    }

    #[test]
    fn well_formed_formulas_never_panic(
        formula in formula_strategy(),
        values in prop::collection::vec(value(), 1..4),
    ) {
        prop_assert!(Formula::parse(&formula).is_ok(), "{} did not parse", formula);
        parse_and_eval(&formula, &values)?;
    }
}

/// Random formulas that are valid by construction.
fn formula_strategy() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec![
        "a", "b", "c", "min", "0", "1", "2.5", "1e3", "1e308", "16",
    ])
    .prop_map(str::to_owned);
    leaf.prop_recursive(6, 64, 4, |inner| {
        let op = prop::sample::select(vec![
            "+", "-", "*", "/", "^", "<", "<=", ">", ">=", "==", "!=",
        ]);
        let one = prop::sample::select(vec!["abs", "floor", "ceil", "sqrt", "ln", "log10", "-"]);
        prop_oneof![
            (inner.clone(), op, inner.clone()).prop_map(|(a, o, b)| format!("({a} {o} {b})")),
            (one, inner.clone()).prop_map(|(f, a)| format!("{f}({a})")),
            prop::collection::vec(inner.clone(), 1..4)
                .prop_map(|args| format!("max({})", args.join(", "))),
            prop::collection::vec(inner.clone(), 1..4)
                .prop_map(|args| format!("min({})", args.join(", "))),
            (
                inner.clone(),
                prop::sample::select(vec!["0", "2", "15", "a", "b", "(a + 1)"]),
            )
                .prop_map(|(a, d)| format!("round({a}, {d})")),
            inner.clone().prop_map(|a| format!("round({a})")),
            (inner.clone(), inner.clone(), inner)
                .prop_map(|(a, b, c)| format!("if({a}, {b}, {c})")),
        ]
    })
}
