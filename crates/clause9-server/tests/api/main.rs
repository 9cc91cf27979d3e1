//! API tests, in-process (`tower::ServiceExt::oneshot`): every case runs on
//! SQLite, and on PostgreSQL when `CLAUSE9_TEST_POSTGRES_URL` is set.

mod access;
mod corrective;
mod dates;
mod env;
mod housekeeping;
mod reads;
mod records;
mod rights;
mod web;
mod web_notifications;
mod web_workflow;
mod workflow;
mod workflow_access;
mod writes;

/// For each case, a module with a `sqlite` and a `postgres` test.
macro_rules! cases {
    ($($file:ident :: $case:ident),* $(,)?) => {$(
        mod $case {
            use crate::env::Env;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let env = Env::sqlite().await;
                crate::$file::$case(&env).await;
                env.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(env) = Env::postgres(stringify!($case)).await {
                    crate::$file::$case(&env).await;
                    env.finish().await;
                }
            }
        }
    )*};
}

cases!(
    reads::health_and_security_headers_everywhere,
    reads::measures_are_listed_in_pages_with_details_and_history,
    reads::evaluations_match_the_engine,
    reads::metrics_list_indicators_and_requests,
    reads::calendar_lists_the_callers_due_dates,
    writes::observations_are_recorded_and_checked,
    writes::corrections_need_a_reason,
    writes::evidence_is_uploaded_checked_and_linked,
    writes::notification_preferences_are_per_person,
    writes::the_notification_job_runs_in_one_process,
    access::requests_without_credentials_get_401,
    access::collectors_record_only_their_measures,
    access::roles_that_may_not_record_get_403,
    access::only_admins_manage_users,
    access::only_admins_and_auditors_read_the_audit_log,
    access::sessions_need_csrf_and_end_on_logout,
    access::failed_sign_ins_are_throttled,
    access::revoked_and_disabled_get_401,
    web::sign_in_form_needs_its_token,
    web::pages_need_a_session_and_render,
    web::my_work_stores_values_and_shows_problems,
    housekeeping::housekeeping_deletes_expired_sessions_and_old_failures,
    corrective::red_indicators_raise_and_due_checks_run_in_one_process,
    dates::the_corrective_job_acts_from_the_local_day,
    dates::due_and_overdue_follow_the_local_day,
    workflow::nonconformities_follow_their_lifecycle,
    workflow::audits_need_independent_auditors_and_findings_open_nonconformities,
    workflow::reviews_are_minuted_signed_and_locked,
    workflow::the_notification_job_tells_owners_of_overdue_corrective_actions,
    workflow_access::workflow_resources_need_credentials,
    workflow_access::workflow_writes_need_the_right_role,
    workflow_access::only_independent_assigned_auditors_record_findings,
    web_workflow::findings_need_an_independent_auditor,
    web_workflow::audits_are_planned_and_completed_from_the_pages,
    web_workflow::review_minutes_are_signed_by_the_chair_and_locked,
    web_workflow::reviews_are_opened_and_actions_followed_up_after_signing,
    web_notifications::own_notification_settings_are_checked_and_saved,
    web_notifications::admins_change_each_persons_notification_settings,
    rights::every_role_gets_the_same_answer_through_the_api_and_the_pages,
    rights::nobody_removes_the_last_admin,
    records::records_pages_check_roles_and_csrf,
    records::a_nonconformity_is_walked_from_raised_to_closed,
    records::reports_are_issued_downloaded_and_verified,
    records::admins_manage_users_tokens_and_see_the_log,
    records::measure_page_shows_the_analysis_and_the_dashboard_what_changed,
    records::an_automatic_check_waits_for_periods_after_the_actions,
);
