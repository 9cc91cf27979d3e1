//! A small document model (headings, paragraphs, lists, tables) rendered to
//! Markdown or to a self-contained HTML page, for audit reports, review packs
//! and minutes. Text is escaped for the target format.

/// One block of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(u8, String),
    Paragraph(String),
    List(Vec<String>),
    Table(Vec<String>, Vec<Vec<String>>),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Doc {
    pub title: String,
    pub blocks: Vec<Block>,
}

impl Doc {
    pub fn new(title: impl Into<String>) -> Doc {
        Doc {
            title: title.into(),
            blocks: Vec::new(),
        }
    }
    pub fn h(&mut self, level: u8, text: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Heading(level, text.into()));
        self
    }
    pub fn p(&mut self, text: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Paragraph(text.into()));
        self
    }
    pub fn list(&mut self, items: Vec<String>) -> &mut Self {
        self.blocks.push(Block::List(items));
        self
    }
    pub fn table(&mut self, header: &[&str], rows: Vec<Vec<String>>) -> &mut Self {
        self.blocks.push(Block::Table(
            header.iter().map(|h| h.to_string()).collect(),
            rows,
        ));
        self
    }

    pub fn markdown(&self) -> String {
        let mut out = format!("# {}\n", md(&self.title));
        for b in &self.blocks {
            out.push('\n');
            match b {
                Block::Heading(l, t) => out.push_str(&format!(
                    "{} {}\n",
                    "#".repeat((*l).clamp(2, 6) as usize),
                    md(t)
                )),
                Block::Paragraph(t) => out.push_str(&format!("{}\n", md(t))),
                Block::List(items) => {
                    for i in items {
                        out.push_str(&format!("- {}\n", md(i)));
                    }
                }
                Block::Table(h, rows) => {
                    out.push_str(&format!(
                        "| {} |\n",
                        h.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
                    ));
                    out.push_str(&format!("|{}\n", "---|".repeat(h.len())));
                    for r in rows {
                        out.push_str(&format!(
                            "| {} |\n",
                            r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
                        ));
                    }
                }
            }
        }
        out
    }

    pub fn html(&self) -> String {
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n\
             <style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}\
             table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:.25rem .5rem;text-align:left}}</style>\n\
             </head>\n<body>\n<h1>{}</h1>\n",
            html(&self.title),
            html(&self.title)
        );
        for b in &self.blocks {
            match b {
                Block::Heading(l, t) => {
                    let l = (*l).clamp(2, 6);
                    out.push_str(&format!("<h{l}>{}</h{l}>\n", html(t)));
                }
                Block::Paragraph(t) => out.push_str(&format!("<p>{}</p>\n", html(t))),
                Block::List(items) => {
                    out.push_str("<ul>\n");
                    for i in items {
                        out.push_str(&format!("<li>{}</li>\n", html(i)));
                    }
                    out.push_str("</ul>\n");
                }
                Block::Table(h, rows) => {
                    out.push_str("<table>\n<tr>");
                    for c in h {
                        out.push_str(&format!("<th>{}</th>", html(c)));
                    }
                    out.push_str("</tr>\n");
                    for r in rows {
                        out.push_str("<tr>");
                        for c in r {
                            out.push_str(&format!("<td>{}</td>", html(c)));
                        }
                        out.push_str("</tr>\n");
                    }
                    out.push_str("</table>\n");
                }
            }
        }
        out.push_str("</body>\n</html>\n");
        out
    }
}

fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Markdown text: characters that would start markup are escaped.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.replace('\n', " ").chars() {
        if "\\`*_[]<>#|".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn cell(s: &str) -> String {
    md(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_and_escapes() {
        let mut d = Doc::new("Audit <1>");
        d.h(2, "Findings")
            .p("a *b*")
            .list(vec!["x|y".into()])
            .table(&["a", "b"], vec![vec!["1".into(), "<2>".into()]]);
        let m = d.markdown();
        assert!(m.starts_with("# Audit \\<1\\>\n"), "{m}");
        assert!(
            m.contains("a \\*b\\*") && m.contains("- x\\|y") && m.contains("| 1 | \\<2\\> |"),
            "{m}"
        );
        let h = d.html();
        assert!(
            h.contains("<h1>Audit &lt;1&gt;</h1>") && h.contains("<td>&lt;2&gt;</td>"),
            "{h}"
        );
    }
}
