//! The page templates (minijinja), embedded in the binary and parsed once.

use std::sync::LazyLock;

use minijinja::Environment;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("error.html", include_str!("../../templates/error.html")),
    ("sign_in.html", include_str!("../../templates/sign_in.html")),
    (
        "signed_in.html",
        include_str!("../../templates/signed_in.html"),
    ),
    (
        "dashboard.html",
        include_str!("../../templates/dashboard.html"),
    ),
    ("measure.html", include_str!("../../templates/measure.html")),
    ("my_work.html", include_str!("../../templates/my_work.html")),
    ("audits.html", include_str!("../../templates/audits.html")),
    ("audit.html", include_str!("../../templates/audit.html")),
    ("reviews.html", include_str!("../../templates/reviews.html")),
    ("review.html", include_str!("../../templates/review.html")),
    ("reports.html", include_str!("../../templates/reports.html")),
    (
        "nc_board.html",
        include_str!("../../templates/nc_board.html"),
    ),
    ("nc.html", include_str!("../../templates/nc.html")),
    (
        "admin_nav.html",
        include_str!("../../templates/admin_nav.html"),
    ),
    (
        "admin_users.html",
        include_str!("../../templates/admin_users.html"),
    ),
    (
        "admin_tokens.html",
        include_str!("../../templates/admin_tokens.html"),
    ),
    (
        "admin_audit.html",
        include_str!("../../templates/admin_audit.html"),
    ),
    (
        "notification_form.html",
        include_str!("../../templates/notification_form.html"),
    ),
    (
        "notification_current.html",
        include_str!("../../templates/notification_current.html"),
    ),
    (
        "notifications.html",
        include_str!("../../templates/notifications.html"),
    ),
    (
        "admin_notifications.html",
        include_str!("../../templates/admin_notifications.html"),
    ),
    (
        "admin_notification_person.html",
        include_str!("../../templates/admin_notification_person.html"),
    ),
];

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    for (name, source) in TEMPLATES {
        if let Err(e) = env.add_template(name, source) {
            tracing::error!("template {name} does not parse: {e}");
        }
    }
    env
});

/// Renders a template; a failure renders a plain message (and is logged)
/// rather than a panic.
pub fn render(name: &str, ctx: serde_json::Value) -> String {
    match ENV
        .get_template(name)
        .and_then(|t| t.render(minijinja::value::Serde(&ctx)))
    {
        Ok(html) => html,
        Err(e) => {
            tracing::error!("template {name} failed: {e:#}");
            "<!doctype html><html lang=\"en\"><title>clause9: error</title><main><h1>The page could not be shown</h1><p>See the server log.</p></main></html>".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses() {
        for (name, _) in TEMPLATES {
            assert!(ENV.get_template(name).is_ok(), "{name} does not parse");
        }
    }
}
