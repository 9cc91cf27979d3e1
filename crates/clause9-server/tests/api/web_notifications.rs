//! The notification settings pages: a person's own choices saved through
//! the form (CSRF and the API's webhook check refused, the saved state shown
//! back and readable through the API, the audit entry written), and the
//! administration page (403 for others, every person listed, one person's
//! choices changed with the administrator as the audit entry's actor).

use clause9_store::accounts::Role;
use clause9_store::audit_log::AuditQuery;
use serde_json::json;

use crate::env::Env;
use crate::records::{csrf, post_form};
use crate::web::{page, sign_in};

async fn stored(env: &Env, person: &str) -> Option<serde_json::Value> {
    env.state
        .store
        .notifications()
        .preferences(person)
        .await
        .unwrap()
}

/// The audit entries of preferences set for `person`: (actor, details).
async fn entries(env: &Env, person: &str) -> Vec<(String, serde_json::Value)> {
    env.state
        .store
        .audit_log()
        .entries(&AuditQuery::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|e| {
            e.kind == "notifications.preferences" && e.subject == format!("person:{person}")
        })
        .map(|e| (e.actor, e.details))
        .collect()
}

/// `text` as the templates escape it (minijinja escapes `/` too).
fn esc(text: &str) -> String {
    text.replace('/', "&#x2f;")
}

fn checked(html: &str, kind: &str) -> bool {
    html.contains(&format!("value=\"{kind}\" checked"))
}

pub(crate) async fn own_notification_settings_are_checked_and_saved(env: &Env) {
    let token = env.user("sec", "security_lead", Role::Collector).await;
    let r = env.get("/settings/notifications", None).await;
    assert_eq!(r.status.as_u16(), 303, "a session is needed");
    let s = sign_in(env, "sec").await;
    assert!(
        page(env, "/", &s)
            .await
            .text()
            .contains("href=\"/settings/notifications\""),
        "the navigation links the page"
    );
    let html = page(env, "/settings/notifications", &s).await.text();
    for kind in clause9_notify::NoticeKind::ALL {
        let key = serde_json::to_value(kind).unwrap();
        assert!(
            checked(&html, key.as_str().unwrap()),
            "{key} is chosen by default"
        );
    }
    assert!(html.contains("name=\"email\" type=\"checkbox\" value=\"yes\" checked"));

    let t = csrf(env, &s).await;
    let good = |t: &str| {
        vec![
            ("csrf", t.to_string()),
            ("kind", "collection_overdue".to_string()),
            ("kind", "indicator_red".to_string()),
            ("webhook", "https://hooks.example.com/c9".to_string()),
        ]
    };
    let session = s.as_str();
    let send = |fields: Vec<(&'static str, String)>| async move {
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        post_form(env, "/settings/notifications", session, &f).await
    };
    let stale = send(good("stale")).await;
    assert_eq!(stale.status.as_u16(), 403, "{}", stale.text());
    assert!(stale.text().contains("security token is missing or stale"));
    let mut insecure = good(&t);
    insecure[3].1 = "http://hooks.example.com/c9".into();
    let r = send(insecure).await;
    assert_eq!(r.status.as_u16(), 422);
    assert!(
        r.text().contains(&esc("webhook must be an https:// URL")),
        "{}",
        r.text()
    );
    assert!(
        r.text()
            .contains(&format!("value=\"{}\"", esc("http://hooks.example.com/c9"))),
        "the refused form is shown again as sent"
    );
    let mut unknown = good(&t);
    unknown[1].1 = "gossip".into();
    let r = send(unknown).await;
    assert_eq!(r.status.as_u16(), 422);
    assert!(r.text().contains("gossip"), "{}", r.text());
    assert_eq!(
        stored(env, "security_lead").await,
        None,
        "nothing was saved"
    );
    assert!(entries(env, "security_lead").await.is_empty());

    let ok = send(good(&t)).await;
    assert_eq!(ok.status.as_u16(), 303, "{}", ok.text());
    assert_eq!(ok.headers["location"], "/settings/notifications?saved=1");
    let saved = json!({"kinds": ["collection_overdue", "indicator_red"], "email": false,
                       "webhook": "https://hooks.example.com/c9"});
    assert_eq!(stored(env, "security_lead").await, Some(saved.clone()));
    assert_eq!(
        env.get("/api/v1/notifications/preferences", Some(&token))
            .await
            .json(),
        saved,
        "the API reads what the page saved"
    );
    assert_eq!(
        entries(env, "security_lead").await,
        vec![("security_lead".to_string(), saved)]
    );
    let html = page(env, "/settings/notifications?saved=1", &s)
        .await
        .text();
    assert!(html.contains("Saved your notification settings."));
    assert!(
        html.contains(&esc("by webhook to https://hooks.example.com/c9")),
        "{html}"
    );
    assert!(checked(&html, "collection_overdue") && checked(&html, "indicator_red"));
    assert!(!checked(&html, "collection_due") && !checked(&html, "audit_upcoming"));
    assert!(!html.contains("value=\"yes\" checked"), "email is off");
}

pub(crate) async fn admins_change_each_persons_notification_settings(env: &Env) {
    env.user("adm", "ceo", Role::Admin).await;
    env.user("col", "it_lead", Role::Collector).await;
    let col = sign_in(env, "col").await;
    let t = csrf(env, &col).await;
    for path in ["/admin/notifications", "/admin/notifications/security_lead"] {
        let r = page(env, path, &col).await;
        assert_eq!(r.status.as_u16(), 403, "{path}");
        assert!(
            r.text().contains(
                "the role `collector` may not change another person&#x27;s notification settings"
            ),
            "{}",
            r.text()
        );
    }
    let r = post_form(
        env,
        "/admin/notifications/security_lead",
        &col,
        &[("csrf", &t), ("kind", "audit_upcoming"), ("email", "yes")],
    )
    .await;
    assert_eq!(r.status.as_u16(), 403);
    assert_eq!(stored(env, "security_lead").await, None);

    let adm = sign_in(env, "adm").await;
    let list = page(env, "/admin/notifications", &adm).await;
    assert_eq!(list.status.as_u16(), 200, "{}", list.text());
    let html = list.text();
    let programme = env.state.programme.current().unwrap();
    for (id, p) in &programme.settings.people {
        assert!(
            html.contains(&format!("{} ({id})", p.name)),
            "{id} is listed"
        );
        assert!(html.contains(&format!("href=\"/admin/notifications/{id}\"")));
    }
    assert!(html.contains("(defaults)"));
    assert_eq!(
        page(env, "/admin/notifications/nobody", &adm)
            .await
            .status
            .as_u16(),
        404
    );
    let t = csrf(env, &adm).await;
    let stale = post_form(
        env,
        "/admin/notifications/security_lead",
        &adm,
        &[("csrf", "stale"), ("kind", "audit_upcoming")],
    )
    .await;
    assert_eq!(stale.status.as_u16(), 403);
    let insecure = post_form(
        env,
        "/admin/notifications/security_lead",
        &adm,
        &[
            ("csrf", &t),
            ("kind", "audit_upcoming"),
            ("webhook", "ftp://x"),
        ],
    )
    .await;
    assert_eq!(insecure.status.as_u16(), 422);
    assert!(
        insecure
            .text()
            .contains(&esc("webhook must be an https:// URL"))
    );
    assert_eq!(stored(env, "security_lead").await, None);

    let ok = post_form(
        env,
        "/admin/notifications/security_lead",
        &adm,
        &[("csrf", &t), ("kind", "audit_upcoming"), ("email", "yes")],
    )
    .await;
    assert_eq!(ok.status.as_u16(), 303, "{}", ok.text());
    assert_eq!(
        ok.headers["location"],
        "/admin/notifications?saved=security_lead"
    );
    let saved = json!({"kinds": ["audit_upcoming"], "email": true, "webhook": null});
    assert_eq!(stored(env, "security_lead").await, Some(saved.clone()));
    assert_eq!(
        entries(env, "security_lead").await,
        vec![("ceo".to_string(), saved)],
        "the administrator is the actor"
    );
    let html = page(env, "/admin/notifications?saved=security_lead", &adm)
        .await
        .text();
    assert!(html.contains("Done: the notification settings of Alex Morgan (security_lead)."));
    let row = &html[html.find("Alex Morgan (security_lead)</th>").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("an internal audit you audit"), "{row}");
    assert!(
        row.contains("by email") && !row.contains("(defaults)"),
        "{row}"
    );
    let person = page(env, "/admin/notifications/security_lead", &adm)
        .await
        .text();
    assert!(checked(&person, "audit_upcoming") && !checked(&person, "indicator_red"));
}
