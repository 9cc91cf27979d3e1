//! The syntax tree of a parsed formula, shaped so evaluation has no impossible cases.

use super::Span;

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl BinOp {
    pub(crate) fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne
        )
    }
}

/// A function of one argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func1 {
    Abs,
    Floor,
    Ceil,
    Sqrt,
    Ln,
    Log10,
}

impl Func1 {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Func1::Abs => "abs",
            Func1::Floor => "floor",
            Func1::Ceil => "ceil",
            Func1::Sqrt => "sqrt",
            Func1::Ln => "ln",
            Func1::Log10 => "log10",
        }
    }
}

/// Every function, as named in a formula.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    Min,
    Max,
    Round,
    If,
    One(Func1),
}

impl Func {
    pub(crate) fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "min" => Func::Min,
            "max" => Func::Max,
            "round" => Func::Round,
            "if" => Func::If,
            "abs" => Func::One(Func1::Abs),
            "floor" => Func::One(Func1::Floor),
            "ceil" => Func::One(Func1::Ceil),
            "sqrt" => Func::One(Func1::Sqrt),
            "ln" => Func::One(Func1::Ln),
            "log10" => Func::One(Func1::Log10),
            _ => return None,
        })
    }

    /// Whether `n` arguments are accepted; if not, what is accepted (for messages).
    pub(crate) fn check_arity(self, n: usize) -> Result<(), &'static str> {
        let (ok, expected) = match self {
            Func::Min | Func::Max => (n >= 1, "at least 1 argument"),
            Func::Round => ((1..=2).contains(&n), "1 or 2 arguments"),
            Func::If => (n == 3, "3 arguments (condition, then, else)"),
            Func::One(_) => (n == 1, "1 argument"),
        };
        if ok { Ok(()) } else { Err(expected) }
    }
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Num(f64),
    Var(String),
    Neg(Box<Node>),
    Binary {
        op: BinOp,
        lhs: Box<Node>,
        rhs: Box<Node>,
    },
    Apply {
        func: Func1,
        arg: Box<Node>,
    },
    Round {
        value: Box<Node>,
        digits: Option<Box<Node>>,
    },
    /// `min` (`max == false`) or `max` of one or more arguments.
    Extremum {
        max: bool,
        args: Vec<Node>,
    },
    If {
        condition: Box<Node>,
        then: Box<Node>,
        otherwise: Box<Node>,
    },
}

/// An expression with its source span and the depth of its subtree (1 for a leaf).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) expr: Expr,
    pub(crate) span: Span,
    pub(crate) depth: usize,
}
