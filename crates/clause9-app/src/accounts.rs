//! Changes to accounts that a rule guards, for the web pages and the
//! command line alike: only who may manage accounts changes them (the
//! access policy), nobody takes the admin role from, or disables, their own
//! account, and no change leaves the store without an active admin.

use clause9_core::access::{self, Caller, Role};
use clause9_core::refusal::{Problem, Refusal};
use clause9_store::Store;
use clause9_store::accounts::{Change, User};

use crate::records::{RecordError, RecordResult};

/// Whether taking `username` out of the admins (another role, or disabled)
/// would leave no active admin.
fn removes_last_admin(users: &[User], username: &str) -> bool {
    let active_admins: Vec<&User> = users
        .iter()
        .filter(|u| u.role == Role::Admin && !u.disabled)
        .collect();
    active_admins.len() == 1 && active_admins[0].username == username
}

async fn users_and_target(store: &dyn Store, username: &str) -> RecordResult<(Vec<User>, User)> {
    let users = store.accounts().users().await?;
    let Some(target) = users.iter().find(|u| u.username == username).cloned() else {
        return Err(RecordError::not_found(format!("no user `{username}`")));
    };
    Ok((users, target))
}

/// Gives `username` another role, as `caller`.
pub async fn set_role(
    store: &dyn Store,
    caller: &Caller<'_>,
    username: &str,
    role: Role,
    change: &Change,
) -> RecordResult<User> {
    let (users, target) = users_and_target(store, username).await?;
    let demoted = target.role == Role::Admin && role != Role::Admin;
    if demoted && caller.name == username {
        access::may_kind(caller, access::ActionKind::ManageAccounts)?;
        return Err(Refusal::invalid(
            "you cannot take the admin role from your own account",
            vec![Problem::field(
                "role",
                "you cannot take the admin role from your own account: ask another administrator",
            )],
        )
        .into());
    }
    access::may_change_account(
        caller,
        demoted && !target.disabled && removes_last_admin(&users, username),
    )?;
    Ok(store.accounts().set_role(username, role, change).await?)
}

/// Disables or enables `username`, as `caller` (disabling ends its sessions).
pub async fn set_disabled(
    store: &dyn Store,
    caller: &Caller<'_>,
    username: &str,
    disabled: bool,
    change: &Change,
) -> RecordResult<User> {
    let (users, target) = users_and_target(store, username).await?;
    if disabled && caller.name == username {
        access::may_kind(caller, access::ActionKind::ManageAccounts)?;
        return Err(RecordError::refused(
            "you cannot disable your own account: ask another administrator",
        ));
    }
    let last = disabled && target.role == Role::Admin && removes_last_admin(&users, username);
    access::may_change_account(caller, last)?;
    Ok(store
        .accounts()
        .set_disabled(username, disabled, change)
        .await?)
}
