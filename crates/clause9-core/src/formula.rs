//! TEMPORARY stand-in with the agreed API, replaced by the formula branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span { pub start: usize, pub end: usize }
#[derive(Debug, Clone)]
pub struct ParseError { pub span: Span, pub message: String }
#[derive(Debug, Clone)]
pub struct Formula { text: String }
#[derive(Debug, Clone)]
pub enum EvalError { Missing { ids: Vec<String> }, DivisionByZero { divisor: String }, Domain { function: String, value: f64 }, NotFinite }
impl std::fmt::Display for EvalError { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { write!(f, "{self:?}") } }
impl Formula {
    pub fn parse(text: &str) -> Result<Formula, ParseError> { Ok(Formula { text: text.into() }) }
    pub fn text(&self) -> &str { &self.text }
    pub fn identifiers(&self) -> Vec<(String, Span)> { vec![] }
    pub fn eval(&self, _inputs: &dyn Fn(&str) -> Option<f64>) -> Result<f64, EvalError> { Err(EvalError::NotFinite) }
}
