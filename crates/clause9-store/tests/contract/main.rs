//! The store contract suite: every case runs on SQLite, and on PostgreSQL when
//! `CLAUSE9_TEST_POSTGRES_URL` is set (otherwise the PostgreSQL variant says
//! it was skipped).

mod accounts;
mod audit;
mod fixture;
mod integrity;
mod jobs;
mod opening;
mod reads;
mod reports;
mod roles;
mod workflow;

/// For each case, a module with a `sqlite` and a `postgres` test.
macro_rules! contract {
    ($($file:ident :: $case:ident),* $(,)?) => {$(
        mod $case {
            use crate::fixture::Fixture;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let f = Fixture::sqlite();
                crate::$file::$case(&f).await;
                f.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(f) = Fixture::postgres(stringify!($case)).await {
                    crate::$file::$case(&f).await;
                    f.finish().await;
                }
            }
        }
    )*};
}

contract!(
    reads::round_trip_every_field,
    reads::current_filters_by_measure_and_periods,
    reads::correction_supersedes_and_history,
    reads::reopen_keeps_data_and_migrations_are_idempotent,
    reads::open_by_url,
    reads::corrupt_row_names_its_id,
    integrity::stale_supersedes_conflicts,
    integrity::batch_with_a_conflict_stores_nothing,
    integrity::second_original_conflicts,
    integrity::bad_corrections_are_refused,
    integrity::database_refuses_changes_behind_the_store,
    integrity::two_stores_append_concurrently,
    integrity::concurrent_corrections_one_wins,
    integrity::lost_race_is_a_conflict,
    integrity::opposite_batches_conflict_without_deadlock,
    workflow::events_round_trip_in_order,
    workflow::gaps_and_forks_are_refused,
    workflow::once_keys_happen_once,
    workflow::database_refuses_event_changes,
    workflow::concurrent_appends_one_wins,
    workflow::workflow_changes_are_in_the_audit_log,
    audit::observations_are_logged_in_the_same_transaction,
    audit::listing_filters_and_pages,
    audit::the_database_refuses_changes_to_the_log,
    audit::an_edited_entry_is_found,
    audit::an_edit_with_a_recomputed_hash_is_found,
    audit::a_deleted_entry_is_found,
    audit::deleting_the_newest_entries_of_an_observation_is_found,
    audit::concurrent_writers_cannot_fork_the_chain,
    accounts::users_are_added_listed_disabled_and_logged,
    accounts::tokens_authenticate_until_revoked_or_expired,
    accounts::sessions_expire_and_end,
    accounts::login_failures_are_counted_per_key,
    accounts::one_process_holds_a_job_lease,
    jobs::a_finished_job_is_never_taken_again,
    accounts::notification_preferences_and_claims,
    reports::reports_round_trip_and_lookup,
    reports::reports_bad_input_is_refused,
    reports::reports_are_append_only_in_the_database,
    roles::roles_change_at_once_and_are_logged,
);
