//! clause9-store: the `Store` trait and its SQLite and PostgreSQL implementations.
