//! Evaluation of a syntax tree: missing inputs win over other errors, nothing non-finite escapes.

use std::collections::HashSet;

use super::EvalError;
use super::ast::{BinOp, Expr, Func1, Node};

/// Evaluates `root`; `text` is the formula source (for divisor texts).
pub(crate) fn eval(
    root: &Node,
    text: &str,
    inputs: &dyn Fn(&str) -> Option<f64>,
) -> Result<f64, EvalError> {
    let evaluator = Evaluator { text, inputs };
    match evaluator.eval(root) {
        // `+ 0.0` turns -0 into 0.
        Ok(v) => Ok(v + 0.0),
        Err(EvalError::Missing { ids }) => {
            let mut seen = HashSet::new();
            let ids = ids
                .into_iter()
                .filter(|id| seen.insert(id.clone()))
                .collect();
            Err(EvalError::Missing { ids })
        }
        Err(e) => Err(e),
    }
}

/// The digits of `round(x, digits)` if `digits` is a whole number from 0 to 15.
pub(crate) fn round_digits(digits: f64) -> Option<u32> {
    if digits.fract() == 0.0 && (0.0..=15.0).contains(&digits) {
        // Exact: a whole number from 0 to 15.
        Some(digits as u32)
    } else {
        None
    }
}

/// Rounds half away from zero to `digits` decimals, deciding "half" on the
/// shortest decimal form of `x` (so 1.005 rounds to 1.01, as people expect).
pub(crate) fn round_half_away(x: f64, digits: u32) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    // Shortest round-trip form, e.g. "1.005e0", "1.2345e3", "5e-7".
    let formatted = format!("{:e}", x.abs());
    let Some((mantissa, exponent)) = formatted.split_once('e') else {
        return x;
    };
    let Ok(exponent) = exponent.parse::<i64>() else {
        return x;
    };
    let significant: Vec<u8> = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    // Digit k of `significant` has place value 10^(exponent - k); keep those
    // with place value at least 10^-digits.
    let keep = exponent + i64::from(digits) + 1;
    let Ok(keep_len) = usize::try_from(keep) else {
        // Every digit is below 10^-(digits+1): the value rounds to 0.
        return 0.0_f64.copysign(x);
    };
    if keep_len >= significant.len() {
        return x;
    }
    let round_up = significant.get(keep_len).is_some_and(|&d| d >= 5);
    let mut kept: Vec<u8> = significant.get(..keep_len).unwrap_or_default().to_vec();
    if round_up {
        let mut carry = true;
        for d in kept.iter_mut().rev() {
            if *d == 9 {
                *d = 0;
            } else {
                *d += 1;
                carry = false;
                break;
            }
        }
        if carry {
            kept.insert(0, 1);
        }
    }
    if kept.is_empty() {
        return 0.0_f64.copysign(x);
    }
    let integer: String = kept.iter().map(|d| char::from(b'0' + d)).collect();
    // The kept digits are an integer in units of 10^-digits.
    let rounded = format!("{integer}e-{digits}");
    rounded.parse::<f64>().map_or(x, |v| v.copysign(x))
}

struct Evaluator<'a> {
    text: &'a str,
    inputs: &'a dyn Fn(&str) -> Option<f64>,
}

/// Keeps finite values; infinities and NaN become `NotFinite`.
fn finite(v: f64) -> Result<f64, EvalError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(EvalError::NotFinite)
    }
}

/// Combines operand results: all missing ids (in order) first, then the first
/// other error, else all values.
fn all(results: Vec<Result<f64, EvalError>>) -> Result<Vec<f64>, EvalError> {
    let mut values = Vec::with_capacity(results.len());
    let mut missing: Vec<String> = Vec::new();
    let mut first_error = None;
    for result in results {
        match result {
            Ok(v) => values.push(v),
            Err(EvalError::Missing { ids }) => missing.extend(ids),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if !missing.is_empty() {
        return Err(EvalError::Missing { ids: missing });
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(values),
    }
}

fn truth(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

impl Evaluator<'_> {
    fn eval(&self, node: &Node) -> Result<f64, EvalError> {
        match &node.expr {
            Expr::Num(v) => finite(*v),
            Expr::Var(name) => match (self.inputs)(name) {
                Some(v) => finite(v),
                None => Err(EvalError::Missing {
                    ids: vec![name.clone()],
                }),
            },
            Expr::Neg(x) => Ok(-self.eval(x)?),
            Expr::Binary { op, lhs, rhs } => {
                let values = all(vec![self.eval(lhs), self.eval(rhs)])?;
                let (a, b) = match values.as_slice() {
                    [a, b] => (*a, *b),
                    _ => return Err(EvalError::NotFinite),
                };
                self.binary(*op, a, b, rhs)
            }
            Expr::Apply { func, arg } => apply(*func, self.eval(arg)?),
            Expr::Round { value, digits } => {
                let (x, d) = match digits {
                    None => (self.eval(value)?, 0.0),
                    Some(digits) => {
                        match all(vec![self.eval(value), self.eval(digits)])?.as_slice() {
                            [x, d] => (*x, *d),
                            _ => return Err(EvalError::NotFinite),
                        }
                    }
                };
                let Some(d) = round_digits(d) else {
                    return Err(EvalError::Domain {
                        function: "round".to_owned(),
                        value: d,
                    });
                };
                finite(round_half_away(x, d))
            }
            Expr::Extremum { max, args } => {
                let values = all(args.iter().map(|a| self.eval(a)).collect())?;
                let pick = if *max { f64::max } else { f64::min };
                let mut it = values.into_iter();
                let first = it.next().ok_or(EvalError::NotFinite)?;
                Ok(it.fold(first, pick))
            }
            Expr::If {
                condition,
                then,
                otherwise,
            } => {
                if self.eval(condition)? != 0.0 {
                    self.eval(then)
                } else {
                    self.eval(otherwise)
                }
            }
        }
    }

    fn binary(&self, op: BinOp, a: f64, b: f64, rhs: &Node) -> Result<f64, EvalError> {
        match op {
            BinOp::Add => finite(a + b),
            BinOp::Sub => finite(a - b),
            BinOp::Mul => finite(a * b),
            BinOp::Div => {
                if b == 0.0 {
                    let divisor = self
                        .text
                        .get(rhs.span.start..rhs.span.end)
                        .unwrap_or("")
                        .to_owned();
                    Err(EvalError::DivisionByZero { divisor })
                } else {
                    finite(a / b)
                }
            }
            BinOp::Pow => {
                let v = a.powf(b);
                if v.is_nan() {
                    Err(EvalError::Domain {
                        function: "^".to_owned(),
                        value: a,
                    })
                } else {
                    finite(v)
                }
            }
            BinOp::Lt => Ok(truth(a < b)),
            BinOp::Le => Ok(truth(a <= b)),
            BinOp::Gt => Ok(truth(a > b)),
            BinOp::Ge => Ok(truth(a >= b)),
            BinOp::Eq => Ok(truth(a == b)),
            BinOp::Ne => Ok(truth(a != b)),
        }
    }
}

fn apply(func: Func1, x: f64) -> Result<f64, EvalError> {
    let domain = || EvalError::Domain {
        function: func.name().to_owned(),
        value: x,
    };
    match func {
        Func1::Abs => Ok(x.abs()),
        Func1::Floor => Ok(x.floor()),
        Func1::Ceil => Ok(x.ceil()),
        Func1::Sqrt if x < 0.0 => Err(domain()),
        Func1::Sqrt => finite(x.sqrt()),
        Func1::Ln | Func1::Log10 if x <= 0.0 => Err(domain()),
        Func1::Ln => finite(x.ln()),
        Func1::Log10 => finite(x.log10()),
    }
}
