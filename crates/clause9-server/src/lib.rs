//! clause9-server: the HTTP server (REST API, authentication, sessions,
//! metrics) and the secrets it shares with the command line.

pub mod secret;
