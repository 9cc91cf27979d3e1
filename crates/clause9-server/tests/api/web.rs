//! The pages: the sign-in form's own CSRF token, redirects without a
//! session, the dashboard, measure and My work pages, form posts checked
//! for the session's CSRF token, values stored through the form with each
//! problem shown, and collectors refused measures they do not collect.

use axum::body::Body;
use axum::http::{Request, header};
use clause9_store::accounts::Role;

use crate::env::{Env, PASSWORD, Reply};

pub(crate) fn cookie_of(reply: &Reply) -> String {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .next()
        .expect("a cookie is set")
}

pub(crate) fn field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("the field is on the page") + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

async fn sign_in_post(env: &Env, cookie: Option<&str>, body: String) -> Reply {
    let mut r =
        Request::post("/sign-in").header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    env.send(r.body(Body::from(body)).unwrap()).await
}

pub(crate) async fn page(env: &Env, path: &str, session: &str) -> Reply {
    env.send(
        Request::get(path)
            .header(header::COOKIE, session)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

pub(crate) async fn sign_in(env: &Env, user: &str) -> String {
    let form = env.get("/sign-in", None).await;
    let pre = cookie_of(&form);
    let token = field(&form.text(), "csrf");
    let ok = sign_in_post(
        env,
        Some(&pre),
        format!(
            "csrf={token}&username={user}&password={}",
            PASSWORD.replace(' ', "+")
        ),
    )
    .await;
    assert_eq!(ok.status.as_u16(), 303, "{}", ok.text());
    assert_eq!(ok.headers[header::LOCATION], "/");
    cookie_of(&ok)
}

pub(crate) fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "c9boundary7";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((content_type, bytes)) = file {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"e.txt\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes());
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_work(
    env: &Env,
    session: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Reply {
    let (content_type, body) = multipart(fields, file);
    env.send(
        Request::post("/my-work")
            .header(header::COOKIE, session)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

fn refs<'a>(f: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    f.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

pub(crate) async fn sign_in_form_needs_its_token(env: &Env) {
    env.user("sec", "security_lead", Role::Collector).await;
    let form = env.get("/sign-in", None).await;
    assert_eq!(form.status.as_u16(), 200);
    let pre = cookie_of(&form);
    assert!(pre.starts_with("__Host-clause9_signin="), "{pre}");
    let token = field(&form.text(), "csrf");
    let pw = PASSWORD.replace(' ', "+");
    let no_cookie = sign_in_post(
        env,
        None,
        format!("csrf={token}&username=sec&password={pw}"),
    )
    .await;
    assert_eq!(no_cookie.status.as_u16(), 403);
    assert!(no_cookie.text().contains("security token"));
    let wrong_token = sign_in_post(
        env,
        Some(&pre),
        format!("csrf=x{token}&username=sec&password={pw}"),
    )
    .await;
    assert_eq!(wrong_token.status.as_u16(), 403);
    let wrong_password = sign_in_post(
        env,
        Some(&pre),
        format!("csrf={token}&username=sec&password=nope"),
    )
    .await;
    assert_eq!(wrong_password.status.as_u16(), 401);
    assert!(wrong_password.text().contains("wrong username or password"));
    let session = sign_in(env, "sec").await;
    assert!(session.starts_with("__Host-clause9_session="));
}

pub(crate) async fn pages_need_a_session_and_render(env: &Env) {
    env.user("sec", "security_lead", Role::Collector).await;
    for path in ["/", "/my-work", "/measures/M-AW-01"] {
        let r = env.get(path, None).await;
        assert_eq!(
            (
                r.status.as_u16(),
                r.headers[header::LOCATION].to_str().unwrap()
            ),
            (303, "/sign-in"),
            "{path}"
        );
    }
    let session = sign_in(env, "sec").await;
    let dash = page(env, "/", &session).await;
    assert_eq!(dash.status.as_u16(), 200);
    let html = dash.text();
    assert!(
        html.contains("By objective")
            && html.contains("By Annex A theme")
            && html.contains("By area")
    );
    assert!(html.contains("href=\"/measures/M-AW-01\""));
    assert!(html.contains("<svg class=\"spark\""));
    assert!(!html.contains("<script") && !html.contains("style="));
    let m = page(env, "/measures/M-AW-01", &session).await;
    assert_eq!(m.status.as_u16(), 200);
    assert!(m.text().contains("<svg class=\"chart\"") && m.text().contains("class=\"target\""));
    assert_eq!(
        page(env, "/measures/M-NOPE", &session)
            .await
            .status
            .as_u16(),
        404
    );
    let css = env.get("/assets/app.css", None).await;
    assert_eq!(
        (
            css.status.as_u16(),
            css.headers[header::CONTENT_TYPE].to_str().unwrap()
        ),
        (200, "text/css; charset=utf-8")
    );
}

pub(crate) async fn my_work_stores_values_and_shows_problems(env: &Env) {
    env.user("sec", "security_lead", Role::Collector).await;
    env.user("it", "it_lead", Role::Collector).await;
    let session = sign_in(env, "sec").await;
    let work = page(env, "/my-work", &session).await;
    assert_eq!(work.status.as_u16(), 200);
    let html = work.text();
    assert!(
        html.contains("M-AW-01"),
        "M-AW-01 is due from security_lead"
    );
    let csrf = field(&html, "csrf");
    let base = [("measure", "M-AW-01"), ("period", "2026-10")];
    let with = |extra: &[(&'static str, &'static str)], csrf: &str| {
        let mut f: Vec<(&str, String)> = base.iter().map(|(k, v)| (*k, v.to_string())).collect();
        f.push(("csrf", csrf.to_string()));
        f.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
        f
    };

    let forged = with(&[("value.headcount", "480")], "wrong");
    assert_eq!(
        post_work(env, &session, &refs(&forged), None)
            .await
            .status
            .as_u16(),
        403
    );
    let bad = with(&[("value.headcount", "many")], &csrf);
    let refused = post_work(env, &session, &refs(&bad), None).await;
    assert_eq!(refused.status.as_u16(), 422);
    assert!(refused.text().contains("headcount: `many` is not a number"));
    assert!(
        refused.text().contains("value=\"many\""),
        "the entered value is kept"
    );
    assert_eq!(env.state.store.history("M-AW-01").await.unwrap().len(), 0);
    let good = with(
        &[("value.headcount", "480"), ("value.trained", "450")],
        &csrf,
    );
    let stored = post_work(
        env,
        &session,
        &refs(&good),
        Some(("text/plain", b"course export")),
    )
    .await;
    assert_eq!(stored.status.as_u16(), 303, "{}", stored.text());
    let history = env.state.store.history("M-AW-01").await.unwrap();
    assert_eq!(history.len(), 2);
    assert!(history.iter().all(|o| o.new.evidence.sha256.is_some()));
    assert_eq!(history[0].new.provenance.as_ref().unwrap()["via"], "web");
    // the same values with the same evidence file, or with none: nothing new
    let same = with(
        &[("value.headcount", "480"), ("value.trained", "450")],
        &csrf,
    );
    // (`trained` requires evidence whenever it is entered, `headcount` does not)
    let headcount = with(&[("value.headcount", "480")], &csrf);
    for (fields, file) in [
        (&same, Some(("text/plain", &b"course export"[..]))),
        (&headcount, None),
    ] {
        let unchanged = post_work(env, &session, &refs(fields), file).await;
        assert_eq!(unchanged.status.as_u16(), 303, "{}", unchanged.text());
        assert_eq!(env.state.store.history("M-AW-01").await.unwrap().len(), 2);
    }
    // the same value with another evidence file is a correction: refused without a reason
    let other = post_work(
        env,
        &session,
        &refs(&same),
        Some(("text/plain", b"another export")),
    )
    .await;
    assert_eq!(other.status.as_u16(), 422, "{}", other.text());
    assert!(other.text().contains("a correction needs the reason why"));
    assert_eq!(env.state.store.history("M-AW-01").await.unwrap().len(), 2);
    let again = with(&[("value.headcount", "481")], &csrf);
    let correction = post_work(env, &session, &refs(&again), None).await;
    assert_eq!(correction.status.as_u16(), 422);
    assert!(
        correction
            .text()
            .contains("a correction needs the reason why"),
        "{}",
        correction.text()
    );
    // A collector of other measures is refused this one, as a page and as a post.
    let it = sign_in(env, "it").await;
    let form = page(env, "/record/M-AW-01", &it).await;
    assert_eq!(form.status.as_u16(), 403);
    assert!(form.text().contains("it may not record values of M-AW-01"));
    let it_csrf = field(&page(env, "/my-work", &it).await.text(), "csrf");
    let theirs = with(&[("value.headcount", "1")], &it_csrf);
    assert_eq!(
        post_work(env, &it, &refs(&theirs), None)
            .await
            .status
            .as_u16(),
        403
    );
}
