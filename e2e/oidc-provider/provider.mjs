// A real OpenID Connect provider (the `oidc-provider` package, pinned in
// package.json) on loopback, for clause9's OIDC sign-in tests.
//
//   node provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI
//
// One confidential client (client_secret_basic, authorization code only,
// PKCE required). Any login name signs in with any password (the
// provider's development interactions); its claims are
// preferred_username = the login, email = LOGIN@example.test, verified
// unless the login starts with "unverified".
// Prints "listening on ISSUER" once it accepts requests.
import Provider from 'oidc-provider';
import { randomBytes } from 'node:crypto';

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
if (!port || !clientId || !clientSecret || !redirectUri) {
  console.error('usage: node provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    profile: ['preferred_username', 'name'],
    email: ['email', 'email_verified'],
  },
  findAccount: async (_ctx, sub) => ({
    accountId: sub,
    claims: async () => ({
      sub,
      preferred_username: sub,
      name: sub,
      email: `${sub}@example.test`,
      email_verified: !sub.startsWith('unverified'),
    }),
  }),
  cookies: { keys: [randomBytes(32).toString('hex')] },
  features: { devInteractions: { enabled: true } },
});

provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`listening on ${issuer}`);
});
