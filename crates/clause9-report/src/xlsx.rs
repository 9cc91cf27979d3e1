//! The XLSX report (rust_xlsxwriter): a Summary sheet (status counts,
//! objectives, every measure's latest value, status and trend) and one sheet
//! per measure with the values of every collection period.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::model::Report;

fn sheet_name(id: &str, used: &mut Vec<String>) -> String {
    let clean: String = id
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(28)
        .collect();
    let mut name = clean.clone();
    let mut n = 2;
    while used.iter().any(|u| u.eq_ignore_ascii_case(&name)) || name.eq_ignore_ascii_case("summary")
    {
        name = format!("{clean}~{n}");
        n += 1;
    }
    used.push(name.clone());
    name
}

fn opt(ws: &mut Worksheet, row: u32, col: u16, v: Option<f64>) -> Result<(), XlsxError> {
    if let Some(v) = v {
        ws.write_number(row, col, v)?;
    }
    Ok(())
}

pub fn render(r: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_timestamp(r.generated_at_seconds())?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{} — performance report {}", r.programme, r.period))
            .set_author("clause9")
            .set_creation_datetime(&created),
    );
    let bold = Format::new().set_bold();
    let mut used = Vec::new();
    {
        let ws = wb.add_worksheet();
        ws.set_name("Summary")?;
        ws.write_string_with_format(0, 0, format!("{} — {}", r.programme, r.period), &bold)?;
        ws.write_string(1, 0, format!("issued {}", r.generated_at))?;
        if let Some(a) = &r.audience {
            ws.write_string(1, 2, format!("audience: {a}"))?;
        }
        let c = &r.summary.counts;
        for (i, (label, n)) in [
            ("green", c.green),
            ("amber", c.amber),
            ("red", c.red),
            ("no data", c.no_data),
            ("deteriorating", c.deteriorating),
        ]
        .into_iter()
        .enumerate()
        {
            ws.write_string_with_format(3, i as u16, label, &bold)?;
            ws.write_number(4, i as u16, n as f64)?;
        }
        let header = [
            "measure", "name", "kind", "status", "value", "target", "unit", "trend", "owner",
        ];
        for (i, h) in header.iter().enumerate() {
            ws.write_string_with_format(6, i as u16, *h, &bold)?;
        }
        for (i, m) in r.measures.iter().enumerate() {
            let row = 7 + i as u32;
            ws.write_string(row, 0, &m.id)?;
            ws.write_string(row, 1, &m.name)?;
            ws.write_string(row, 2, &m.kind)?;
            ws.write_string(row, 3, m.status.as_str())?;
            opt(ws, row, 4, m.value)?;
            ws.write_number(row, 5, m.target)?;
            ws.write_string(row, 6, &m.unit)?;
            ws.write_string(row, 7, m.verdict.map_or("—", |v| v.as_str()))?;
            ws.write_string(row, 8, &m.owner)?;
        }
        let mut row = 9 + r.measures.len() as u32;
        ws.write_string_with_format(row, 0, "objective", &bold)?;
        ws.write_string_with_format(row, 1, "title", &bold)?;
        ws.write_string_with_format(row, 2, "on track", &bold)?;
        ws.write_string_with_format(row, 3, "why", &bold)?;
        for ob in &r.summary.objectives {
            row += 1;
            ws.write_string(row, 0, &ob.id)?;
            ws.write_string(row, 1, &ob.title)?;
            ws.write_string(
                row,
                2,
                match ob.on_track {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "unknown",
                },
            )?;
            ws.write_string(row, 3, &ob.reason)?;
        }
        ws.set_column_width(1, 40)?;
    }
    corrective_sheet(&mut wb, r, &bold)?;
    used.push(CORRECTIVE.to_string());
    for m in &r.measures {
        let name = sheet_name(&m.id, &mut used);
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        ws.write_string_with_format(0, 0, format!("{} {}", m.id, m.name), &bold)?;
        ws.write_string(1, 0, format!("unit: {}", m.unit))?;
        let header = [
            "period",
            "value",
            "target",
            "centre",
            "lower limit",
            "upper limit",
        ];
        for (i, h) in header.iter().enumerate() {
            ws.write_string_with_format(3, i as u16, *h, &bold)?;
        }
        for (i, (p, v)) in m.series.iter().enumerate() {
            let row = 4 + i as u32;
            ws.write_string(row, 0, p.to_string())?;
            opt(ws, row, 1, *v)?;
            ws.write_number(row, 2, m.target)?;
            opt(ws, row, 3, m.centre)?;
            opt(ws, row, 4, m.lower)?;
            opt(ws, row, 5, m.upper)?;
        }
        ws.set_column_width(0, 12)?;
    }
    wb.save_to_buffer()
}

/// The name of the sheet of open nonconformities and their actions.
pub const CORRECTIVE: &str = "Corrective actions";

/// One row per corrective action of each open nonconformity (one row for a
/// record without actions yet).
fn corrective_sheet(wb: &mut Workbook, r: &Report, bold: &Format) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(CORRECTIVE)?;
    let header = [
        "nonconformity",
        "state",
        "severity",
        "source",
        "overdue",
        "next step",
        "action",
        "description",
        "owner",
        "due",
        "status",
        "success criterion",
    ];
    for (i, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, bold)?;
    }
    let mut row = 0;
    for n in &r.corrective {
        let lines: Vec<Option<&crate::corrective::ActionLine>> = if n.actions.is_empty() {
            vec![None]
        } else {
            n.actions.iter().map(Some).collect()
        };
        for a in lines {
            row += 1;
            ws.write_string(row, 0, &n.id)?;
            ws.write_string(row, 1, n.state)?;
            ws.write_string(row, 2, &n.severity)?;
            ws.write_string(row, 3, &n.reference)?;
            ws.write_string(row, 4, if n.overdue { "yes" } else { "no" })?;
            ws.write_string(row, 5, n.next_step)?;
            if let Some(a) = a {
                ws.write_string(row, 6, &a.id)?;
                ws.write_string(row, 7, &a.description)?;
                ws.write_string(row, 8, &a.owner)?;
                ws.write_string(row, 9, &a.due)?;
                ws.write_string(row, 10, &a.status)?;
                ws.write_string(row, 11, &a.success_criterion)?;
            }
        }
    }
    if r.corrective.is_empty() {
        ws.write_string(1, 0, "No nonconformity is open.")?;
    }
    ws.set_column_width(7, 40)?;
    Ok(())
}
