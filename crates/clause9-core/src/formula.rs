//! The formula language of derived measures (see the programme format).
//! PLACEHOLDER: being written in a parallel branch.
