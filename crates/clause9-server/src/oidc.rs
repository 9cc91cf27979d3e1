//! OpenID Connect sign-in (optional): the provider's settings, discovery
//! (cached for an hour), the authorization request (authorization-code flow
//! with PKCE S256, a random state and nonce) and the callback's checks (the
//! code exchanged with the PKCE verifier, the ID token's signature, issuer,
//! audience, expiry and nonce verified by the `openidconnect` crate). The
//! verified identity is mapped to an existing clause9 user by one claim
//! (`web/oidc.rs` does the HTTP side and starts the session).

use std::fmt;
use std::time::{Duration, Instant};

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use tokio::sync::Mutex;

/// How long discovered provider metadata (and its keys) is reused.
const METADATA_TTL: Duration = Duration::from_secs(3600);

/// Which claim of the verified ID token names the clause9 user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsernameClaim {
    /// `preferred_username` equals the clause9 username.
    PreferredUsername,
    /// `email` (with `email_verified` true) equals the clause9 username.
    Email,
}

impl UsernameClaim {
    pub fn as_str(self) -> &'static str {
        match self {
            UsernameClaim::PreferredUsername => "preferred_username",
            UsernameClaim::Email => "email",
        }
    }
}

/// The provider and this server's client registration. The secret comes
/// only from the environment (`CLAUSE9_OIDC_CLIENT_SECRET`); it is never
/// printed.
#[derive(Clone)]
pub struct OidcConfig {
    /// The issuer URL (discovery at `ISSUER/.well-known/openid-configuration`).
    pub issuer: String,
    pub client_id: String,
    /// `None`: a public client (PKCE only).
    pub client_secret: Option<String>,
    /// Shown as "Sign in with NAME".
    pub provider_name: String,
    /// This server's callback, `PUBLIC_URL/oidc/callback`, as registered
    /// with the provider.
    pub redirect_url: String,
    pub username_claim: UsernameClaim,
}

impl fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self
                    .client_secret
                    .as_ref()
                    .map(|_| "<from the environment>"),
            )
            .field("provider_name", &self.provider_name)
            .field("redirect_url", &self.redirect_url)
            .field("username_claim", &self.username_claim)
            .finish()
    }
}

/// What the browser must bring back: kept in a short-lived cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

impl Pending {
    /// `STATE.NONCE.VERIFIER` (each is base64url, without dots).
    pub fn to_cookie(&self) -> String {
        format!("{}.{}.{}", self.state, self.nonce, self.pkce_verifier)
    }

    pub fn from_cookie(value: &str) -> Option<Pending> {
        let mut parts = value.split('.');
        let (state, nonce, pkce_verifier) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || [state, nonce, pkce_verifier].iter().any(|p| p.is_empty()) {
            return None;
        }
        Some(Pending {
            state: state.into(),
            nonce: nonce.into(),
            pkce_verifier: pkce_verifier.into(),
        })
    }
}

/// Why a sign-in through the provider failed.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("the identity provider cannot be reached or answered badly: {0}")]
    Provider(String),
    #[error("the identity provider's answer could not be verified: {0}")]
    Verification(String),
    #[error("the identity provider did not send the `{0}` claim")]
    MissingClaim(&'static str),
    #[error("the identity provider has not verified the email address `{0}`")]
    UnverifiedEmail(String),
}

/// The configured provider with its cached metadata.
pub struct Oidc {
    pub config: OidcConfig,
    http: openidconnect::reqwest::Client,
    metadata: Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

impl Oidc {
    pub fn new(config: OidcConfig) -> Result<Oidc, OidcError> {
        // No redirects: the crate's advice against SSRF through the provider.
        let http = openidconnect::reqwest::Client::builder()
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| OidcError::Provider(e.to_string()))?;
        Ok(Oidc {
            config,
            http,
            metadata: Mutex::new(None),
        })
    }

    async fn metadata(&self) -> Result<CoreProviderMetadata, OidcError> {
        let mut cached = self.metadata.lock().await;
        if let Some((at, m)) = cached.as_ref()
            && at.elapsed() < METADATA_TTL
        {
            return Ok(m.clone());
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone())
            .map_err(|e| OidcError::Provider(format!("issuer URL: {e}")))?;
        let m = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| OidcError::Provider(error_chain(&e)))?;
        *cached = Some((Instant::now(), m.clone()));
        Ok(m)
    }

    async fn client(
        &self,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        OidcError,
    > {
        let redirect = RedirectUrl::new(self.config.redirect_url.clone())
            .map_err(|e| OidcError::Provider(format!("redirect URL: {e}")))?;
        Ok(CoreClient::from_provider_metadata(
            self.metadata().await?,
            ClientId::new(self.config.client_id.clone()),
            self.config.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }

    /// The provider URL to send the browser to, and what it must bring back.
    pub async fn authorization(&self) -> Result<(String, Pending), OidcError> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge);
        if self.config.username_claim == UsernameClaim::Email {
            request = request.add_scope(Scope::new("email".into()));
        }
        let (url, state, nonce) = request.url();
        Ok((
            url.to_string(),
            Pending {
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
            },
        ))
    }

    /// Exchanges `code` (with the PKCE verifier), verifies the ID token
    /// (signature, issuer, audience, expiry, nonce) and returns the value of
    /// the username claim: from the ID token, or else from the UserInfo
    /// endpoint (for the same subject). The caller has already checked `state`.
    pub async fn identity(&self, code: &str, pending: &Pending) -> Result<String, OidcError> {
        let client = self.client().await?;
        let token = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| OidcError::Provider(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Provider(error_chain(&e)))?;
        let id_token = token
            .id_token()
            .ok_or_else(|| OidcError::Verification("no ID token in the token response".into()))?;
        let verifier = client.id_token_verifier();
        let claims = id_token
            .claims(&verifier, &Nonce::new(pending.nonce.clone()))
            .map_err(|e| OidcError::Verification(error_chain(&e)))?;
        let from_token = Claims {
            preferred_username: claims.preferred_username().map(|u| u.to_string()),
            email: claims.email().map(|e| e.to_string()),
            email_verified: claims.email_verified(),
        };
        if let Some(name) = self.username(&from_token)? {
            return Ok(name);
        }
        // Many providers send profile and email claims only from the
        // UserInfo endpoint; its `sub` must be the ID token's.
        let info: openidconnect::core::CoreUserInfoClaims = client
            .user_info(token.access_token().clone(), Some(claims.subject().clone()))
            .map_err(|_| OidcError::MissingClaim(self.config.username_claim.as_str()))?
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Provider(format!("user info: {}", error_chain(&e))))?;
        let from_info = Claims {
            preferred_username: info.preferred_username().map(|u| u.to_string()),
            email: info.email().map(|e| e.to_string()),
            email_verified: info.email_verified(),
        };
        self.username(&from_info)?
            .ok_or(OidcError::MissingClaim(self.config.username_claim.as_str()))
    }

    /// The username the configured claim gives, if present.
    fn username(&self, claims: &Claims) -> Result<Option<String>, OidcError> {
        match self.config.username_claim {
            UsernameClaim::PreferredUsername => Ok(claims.preferred_username.clone()),
            UsernameClaim::Email => match (&claims.email, claims.email_verified) {
                (Some(email), Some(true)) => Ok(Some(email.clone())),
                (Some(email), _) => Err(OidcError::UnverifiedEmail(email.clone())),
                (None, _) => Ok(None),
            },
        }
    }
}

/// The claims that can name a user, from the ID token or UserInfo.
struct Claims {
    preferred_username: Option<String>,
    email: Option<String>,
    email_verified: Option<bool>,
}

/// An error and its causes on one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_round_trips_and_bad_cookies_are_refused() {
        let p = Pending {
            state: "s-1_x".into(),
            nonce: "n".into(),
            pkce_verifier: "v~".into(),
        };
        assert_eq!(Pending::from_cookie(&p.to_cookie()), Some(p));
        for bad in ["", "a.b", "a.b.c.d", "a..c", ".b.c"] {
            assert_eq!(Pending::from_cookie(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_secret_is_not_printed() {
        let c = OidcConfig {
            issuer: "https://id.example.com".into(),
            client_id: "clause9".into(),
            client_secret: Some("hunter2-very-secret".into()),
            provider_name: "Example".into(),
            redirect_url: "https://c9.example.com/oidc/callback".into(),
            username_claim: UsernameClaim::PreferredUsername,
        };
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
