// A real, certified OpenID provider (panva/oidc-provider) for tokenscope's
// integration tests. Bound to 127.0.0.1 only; all state is in memory and is
// gone when the process exits.
//
// Environment:
//   PORT            TCP port to listen on. Unset, empty or 0: the system picks
//                   a free one. The issuer is http://127.0.0.1:<port>.
//   REDIRECT_URIS   Comma-separated redirect URIs registered for every client,
//                   e.g. http://127.0.0.1:53682/callback. Default:
//                   http://127.0.0.1/callback. The clients are "native"
//                   (RFC 8252), so a loopback http URI matches on any port:
//                   registering http://127.0.0.1/callback also allows
//                   http://127.0.0.1:53682/callback (RFC 8252 §7.3).
//   POST_LOGOUT_REDIRECT_URIS
//                   Comma-separated post_logout_redirect_uris for every client
//                   (RP-initiated logout). Default: REDIRECT_URIS.
//   DEBUG           The usual `debug` switch, e.g. DEBUG=oidc-provider:* (stderr).
//   TLS_CERT, TLS_KEY
//                   PEM files (server certificate chain, its key). Both set:
//                   serve https; the issuer is https://127.0.0.1:<port>.
//   TLS_CLIENT_CA   PEM file of the CA that signs client certificates (needs
//                   TLS_CERT). Turns on mutual TLS (RFC 8705): the client
//                   "client-mtls" (tls_client_auth) is registered, and a second
//                   https listener that demands a client certificate signed by
//                   this CA serves the same provider; discovery lists it as
//                   mtls_endpoint_aliases (RFC 8705 §5).
//   TLS_CLIENT_SUBJECT_DN
//                   tls_client_auth_subject_dn of "client-mtls".
//                   Default: CN=client-mtls.
//   CIBA_PING_ENDPOINT
//                   An https loopback URL, e.g. https://127.0.0.1:53700/notify:
//                   registers "client-ciba-ping" (OpenID CIBA Core 1.0 ping
//                   mode) with it as backchannel_client_notification_endpoint.
//                   The ping to a loopback https URL accepts a self-signed
//                   certificate (tokenscope makes one per run).
//
// Protocol with the parent process:
//   - When listening, exactly one line goes to stdout:
//       {"issuer":"http://127.0.0.1:PORT"}
//     Nothing else is ever written to stdout (oidc-provider's own notices are
//     sent to stderr).
//   - The process exits with status 0 on SIGTERM, SIGINT, SIGHUP, and when its
//     standard input is a pipe or socket that reaches end-of-file (so a parent
//     that dies, even by SIGKILL, never leaves it behind). Standard input that
//     is a terminal or /dev/null is not watched.
//   - Startup errors: a message on stderr and exit status 1.
//
// Clients (static): see README.md next to this file.

import { readFileSync, fstatSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import { X509Certificate } from 'node:crypto';

// oidc-provider prints its notices with console.info (stdout). stdout is the
// ready-line channel, so every console method goes to stderr.
for (const method of ['log', 'info', 'debug']) {
  console[method] = (...args) => console.error(...args);
}

const { default: Provider, errors } = await import('oidc-provider');
const { default: instance } = await import('oidc-provider/lib/helpers/weak_cache.js');
const { createHash } = await import('node:crypto');

const here = new URL('.', import.meta.url);
const readJson = (path) => JSON.parse(readFileSync(new URL(path, here), 'utf8'));

function listFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function fail(message) {
  process.stderr.write(`server.mjs: ${message}\n`);
  process.exit(1);
}

const portText = (process.env.PORT ?? '').trim();
const port = portText === '' ? 0 : Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  fail(`PORT must be an integer 0-65535, got ${JSON.stringify(portText)}`);
}

const redirectUris = listFromEnv('REDIRECT_URIS', ['http://127.0.0.1/callback']);
const postLogoutRedirectUris = listFromEnv('POST_LOGOUT_REDIRECT_URIS', redirectUris);
for (const uri of [...redirectUris, ...postLogoutRedirectUris]) {
  if (URL.parse(uri) === null) fail(`not an absolute URI: ${JSON.stringify(uri)}`);
}

// TLS (optional): see the header.
const tlsCertPath = (process.env.TLS_CERT ?? '').trim();
const tlsKeyPath = (process.env.TLS_KEY ?? '').trim();
const tlsClientCaPath = (process.env.TLS_CLIENT_CA ?? '').trim();
if ((tlsCertPath === '') !== (tlsKeyPath === '')) fail('set both TLS_CERT and TLS_KEY, or neither');
if (tlsClientCaPath !== '' && tlsCertPath === '') fail('TLS_CLIENT_CA needs TLS_CERT and TLS_KEY');
const readPem = (path, what) => {
  try {
    return readFileSync(path);
  } catch (err) {
    return fail(`cannot read ${what} ${path}: ${err.message}`);
  }
};
const tls = tlsCertPath === '' ? null : {
  cert: readPem(tlsCertPath, 'TLS_CERT'),
  key: readPem(tlsKeyPath, 'TLS_KEY'),
  clientCa: tlsClientCaPath === '' ? null : readPem(tlsClientCaPath, 'TLS_CLIENT_CA'),
};
const mtlsSubjectDn = (process.env.TLS_CLIENT_SUBJECT_DN ?? '').trim() || 'CN=client-mtls';

const SCOPE = 'openid profile email offline_access';
const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';
const CIBA = 'urn:openid:params:grant-type:ciba';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
// Grants oidc-provider 9 lacks, registered below with small real handlers.
const EXTRA_GRANTS = ['password', TOKEN_EXCHANGE, 'passport'];

const intervalText = (process.env.DEVICE_POLL_INTERVAL ?? '').trim();
const deviceInterval = intervalText === '' ? 5 : Number(intervalText);
if (!Number.isInteger(deviceInterval) || deviceInterval < 1) {
  fail(`DEVICE_POLL_INTERVAL must be a whole number of seconds >= 1, got ${JSON.stringify(intervalText)}`);
}
const common = {
  application_type: 'native', // a desktop app: loopback redirect URIs match on any port
  response_types: ['code'],
  redirect_uris: redirectUris,
  post_logout_redirect_uris: postLogoutRedirectUris,
  scope: SCOPE,
  id_token_signed_response_alg: 'RS256',
};
// ASCII only: oidc-provider rejects client secrets outside VSCHAR.
const SECRET_JWT_SECRET = 'jwt-secret:%+&=~';
const clients = [
  {
    ...common,
    client_id: 'client-basic',
    // Characters that change under application/x-www-form-urlencoded, which
    // RFC 6749 §2.3.1 applies to the id and secret before Basic's base64:
    // ':' '+' '/' '=' ' ' '%' '&'. ASCII only: oidc-provider rejects secrets
    // outside VSCHAR (%x20-7E, RFC 6749 Appendix A.2), so no 'Ω'.
    client_secret: 'basic-secret:+/= %&',
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials', DEVICE_CODE, ...EXTRA_GRANTS],
  },
  {
    ...common,
    client_id: 'client-post',
    client_secret: 'post-secret',
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials', DEVICE_CODE, ...EXTRA_GRANTS],
  },
  {
    ...common,
    client_id: 'client-public',
    token_endpoint_auth_method: 'none', // PKCE (S256) is required for it
    grant_types: ['authorization_code', 'refresh_token', DEVICE_CODE],
  },
  {
    ...common,
    client_id: 'client-jwt',
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'RS256',
    jwks: readJson('keys/client-jwt.public.jwks.json'),
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials', DEVICE_CODE, ...EXTRA_GRANTS],
  },
  {
    ...common,
    client_id: 'client-secret-jwt',
    // An HMAC key, never sent (OIDC Core §9): ':' '%' '+' '&' '=' must be
    // used as bytes, not form-encoded.
    client_secret: SECRET_JWT_SECRET,
    token_endpoint_auth_method: 'client_secret_jwt',
    token_endpoint_auth_signing_alg: 'HS256',
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials', DEVICE_CODE, ...EXTRA_GRANTS],
  },
  {
    ...common,
    // RFC 9449: tokens bound to the client's DPoP key, a nonce required
    // (the first token request is answered use_dpop_nonce).
    client_id: 'client-dpop',
    client_secret: 'dpop-secret',
    token_endpoint_auth_method: 'client_secret_post',
    dpop_bound_access_tokens: true,
    grant_types: ['authorization_code', 'refresh_token'],
  },
  {
    ...common,
    // FAPI 2.0-style: private_key_jwt with PS256, pushed authorization
    // requests and signed request objects required, JWT-secured
    // authorization responses (JARM, RS256: the provider's key).
    client_id: 'client-fapi',
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'PS256',
    // client-jwt's key without its "alg": RS256, so PS256 is allowed too.
    jwks: { keys: readJson('keys/client-jwt.public.jwks.json').keys.map(({ alg, ...key }) => key) },
    require_pushed_authorization_requests: true,
    require_signed_request_object: true,
    request_object_signing_alg: 'PS256',
    authorization_signed_response_alg: 'RS256',
    grant_types: ['authorization_code', 'refresh_token'],
  },
];
// OpenID CIBA Core 1.0, poll mode: the user named by login_hint approves on
// "their phone" at the client's first poll (that poll still answers
// authorization_pending); the user "deny" denies instead, and "nobody" is unknown.
clients.push({
  ...common,
  client_id: 'client-ciba',
  client_secret: 'ciba-secret',
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: [CIBA, 'refresh_token'],
  response_types: [],
  redirect_uris: [],
  backchannel_token_delivery_mode: 'poll',
});
// CIBA Core §7.1.1: a client whose backchannel authentication requests must
// be signed (PS256, client-jwt's key); poll mode as client-ciba.
clients.push({
  ...common,
  client_id: 'client-ciba-signed',
  client_secret: 'ciba-signed-secret',
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: [CIBA],
  response_types: [],
  redirect_uris: [],
  backchannel_token_delivery_mode: 'poll',
  backchannel_authentication_request_signing_alg: 'PS256',
  jwks: { keys: readJson('keys/client-jwt.public.jwks.json').keys.map(({ alg, ...key }) => key) },
});
// OpenID CIBA Core 1.0, ping mode (§10.2), only when the test names the
// client's notification endpoint: the phone decides by itself shortly after
// the request (login_hint "deny" denies), then oidc-provider pings the client.
const cibaPingEndpoint = (process.env.CIBA_PING_ENDPOINT ?? '').trim();
// The phone's answer to a CIBA request (set once the provider exists).
let decideOnPhone = async () => {};
if (cibaPingEndpoint !== '') {
  clients.push({
    ...common,
    client_id: 'client-ciba-ping',
    client_secret: 'ciba-ping-secret',
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: [CIBA, 'refresh_token'],
    response_types: [],
    redirect_uris: [],
    backchannel_token_delivery_mode: 'ping',
    backchannel_client_notification_endpoint: cibaPingEndpoint,
  });
}
// OIDC Core 1.0 §10.2: ID tokens, UserInfo answers and JWT-secured
// authorization responses signed by the provider, then encrypted to the
// client's RSA key (its public half registered here, use "enc"; the private
// half is keys/client-jwe.private.pem, for tokenscope run --decryption-key).
clients.push({
  ...common,
  client_id: 'client-jwe',
  client_secret: 'jwe-secret',
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['authorization_code', 'refresh_token'],
  jwks: readJson('keys/client-jwe.public.jwks.json'),
  id_token_encrypted_response_alg: 'RSA-OAEP-256',
  id_token_encrypted_response_enc: 'A256GCM',
  userinfo_signed_response_alg: 'RS256',
  userinfo_encrypted_response_alg: 'RSA-OAEP-256',
  userinfo_encrypted_response_enc: 'A256GCM',
  authorization_signed_response_alg: 'RS256',
  authorization_encrypted_response_alg: 'RSA-OAEP-256',
  authorization_encrypted_response_enc: 'A256GCM',
});
// RFC 9701: introspection answered as a JWT signed by the provider
// (client-introspection-jwt), or signed, then encrypted to client-jwe's key
// (client-jwe-introspection, which must ask with Accept:
// application/token-introspection+jwt). Other clients get JSON unless they
// ask for the JWT.
clients.push({
  ...common,
  client_id: 'client-introspection-jwt',
  client_secret: 'introspection-jwt-secret',
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  introspection_signed_response_alg: 'RS256',
});
clients.push({
  ...common,
  client_id: 'client-jwe-introspection',
  client_secret: 'jwe-introspection-secret',
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  jwks: readJson('keys/client-jwe.public.jwks.json'),
  introspection_signed_response_alg: 'RS256',
  introspection_encrypted_response_alg: 'RSA-OAEP-256',
  introspection_encrypted_response_enc: 'A256GCM',
});
if (tls?.clientCa) {
  clients.push({
    ...common,
    client_id: 'client-mtls',
    token_endpoint_auth_method: 'tls_client_auth',
    tls_client_auth_subject_dn: mtlsSubjectDn,
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials', DEVICE_CODE],
  });
}

// The client certificate of a request, if the TLS connection carried one.
function peerCertificate(ctx) {
  const socket = ctx.req.socket;
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  const peer = socket.getPeerCertificate(false);
  if (!peer || !peer.raw) return undefined;
  return new X509Certificate(peer.raw);
}

// "CN=a\nO=b" (Node) and "CN=a, O=b" (RFC 4514-ish) compare equal.
const normalizeDn = (dn) => dn.split(/\n|,\s*/).map((part) => part.trim()).filter(Boolean).join(',');

// An account for any login name: sub is the login name.
function account(sub) {
  const local = sub.toLowerCase().replace(/[^a-z0-9._-]+/g, '.') || 'user';
  return {
    accountId: sub,
    async claims() {
      return {
        sub,
        name: sub.charAt(0).toUpperCase() + sub.slice(1),
        email: `${local}@example.com`,
        email_verified: true,
      };
    },
  };
}

// The ping to the client notification endpoint (CIBA Core §10.2) goes to
// the test's loopback https listener, whose certificate tokenscope made at
// run time: trusted for loopback https URLs only; everything else is fetched
// as oidc-provider would.
const isLoopbackHttps = (url) => {
  const { protocol, hostname } = new URL(url);
  return protocol === 'https:' && ['127.0.0.1', '[::1]', 'localhost'].includes(hostname);
};
const loopbackHttpsFetch = (url, options) => new Promise((resolve, reject) => {
  const headers = Object.fromEntries(new Headers(options.headers));
  // As fetch does for a string body: a length, not chunks.
  if (options.body !== undefined) headers['content-length'] = Buffer.byteLength(options.body);
  const req = httpsRequest(url, {
    method: options.method ?? 'GET',
    headers,
    rejectUnauthorized: false,
    signal: options.signal,
  }, (res) => {
    const chunks = [];
    res.on('data', (chunk) => chunks.push(chunk));
    res.on('error', reject);
    res.on('end', () => {
      const status = res.statusCode ?? 500;
      const body = [204, 205, 304].includes(status) ? null : Buffer.concat(chunks);
      resolve(new Response(body, { status }));
    });
  });
  req.on('error', reject);
  if (options.body !== undefined) req.write(options.body);
  req.end();
});

const configuration = {
  clients,
  fetch: (url, options) => (isLoopbackHttps(url)
    ? loopbackHttpsFetch(url, options)
    : globalThis.fetch(url, options)),
  jwks: readJson('keys/provider-signing.jwks.json'),
  cookies: { keys: ['tokenscope-test-provider-cookie-key'] },
  claims: {
    openid: ['sub'],
    profile: ['name'],
    email: ['email', 'email_verified'],
  },
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  // Put the scope's claims in the ID token too, not only in userinfo.
  conformIdTokenClaims: false,
  findAccount: async (_ctx, sub) => account(sub),
  features: {
    devInteractions: { enabled: true },
    userinfo: { enabled: true },
    introspection: { enabled: true },
    jwtIntrospection: { enabled: true },
    revocation: { enabled: true },
    clientCredentials: { enabled: true },
    deviceFlow: { enabled: true },
    ciba: {
      enabled: true,
      deliveryModes: ['poll', 'ping'],
      processLoginHint: async (_ctx, loginHint) => (loginHint === 'nobody' ? undefined : loginHint),
      processLoginHintToken: async () => {
        throw new errors.InvalidRequest('login_hint_token is not supported by this test provider');
      },
      verifyUserCode: async () => {},
      validateRequestContext: async () => {},
      // oidc-provider's default rule, said here: 1-20 characters of [a-zA-Z0-9-._+/!?#].
      validateBindingMessage: async (_ctx, bindingMessage) => {
        if (bindingMessage !== undefined && !/^[a-zA-Z0-9-._+/!?#]{1,20}$/.test(bindingMessage)) {
          throw new errors.InvalidBindingMessage('the binding_message must be 1-20 characters of [a-zA-Z0-9-._+/!?#]');
        }
      },
      triggerAuthenticationDevice: async (ctx, request, account) => {
        // oidc-provider 9 sends no interval (CIBA Core §7.3 lets the client assume 5 s).
        ctx.body.interval = deviceInterval;
        const approve = account.accountId !== 'deny';
        if (ctx.oidc.client.backchannelTokenDeliveryMode === 'ping') {
          // Ping mode: nobody polls, so the phone answers by itself, after
          // the backchannel answer has gone out.
          setTimeout(() => {
            decideOnPhone(request.jti, approve).catch((err) => {
              process.stderr.write(`server.mjs: CIBA ping failed: ${err.stack ?? err}\n`);
            });
          }, 300);
          return;
        }
        cibaDecisions.set(request.jti, approve);
        lastPoll.set(request.jti, Date.now());
      },
    },
    rpInitiatedLogout: { enabled: true },
    // RFC 9126 (on by default), RFC 9101 and JARM, for client-fapi.
    pushedAuthorizationRequests: { enabled: true },
    requestObjects: { enabled: true },
    jwtResponseModes: { enabled: true },
    // OIDC Core §10.2 encryption (ID token, UserInfo, JARM) and UserInfo
    // answered as a JWT (§5.3.2) to clients that register a userinfo_*
    // algorithm, for client-jwe.
    encryption: { enabled: true },
    jwtUserinfo: { enabled: true },
    dPoP: {
      enabled: true,
      nonceSecret: Buffer.alloc(32, 7),
      requireNonce: (ctx) => ctx.oidc.client?.clientId === 'client-dpop',
    },
    mTLS: {
      enabled: Boolean(tls?.clientCa),
      tlsClientAuth: true,
      getCertificate: peerCertificate,
      // The alias listener verified the chain against TLS_CLIENT_CA.
      certificateAuthorized: (ctx) => ctx.req.socket.authorized === true,
      certificateSubjectMatches(ctx, property, expected) {
        const cert = peerCertificate(ctx);
        if (!cert || property !== 'tls_client_auth_subject_dn') return false;
        return normalizeDn(cert.subject) === normalizeDn(expected);
      },
    },
  },
  // PKCE: required for public clients (the default policy), optional for
  // confidential ones; S256 is the only method oidc-provider supports.
  clientAuthMethods: [
    'client_secret_basic',
    'client_secret_jwt',
    'client_secret_post',
    'private_key_jwt',
    'none',
    ...(tls?.clientCa ? ['tls_client_auth'] : []),
  ],
  pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
  // A refresh token for every client allowed the refresh_token grant, with or
  // without offline_access (which needs prompt=consent to be kept).
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  ttl: {
    AccessToken: 300,
    ClientCredentials: 300,
    IdToken: 300,
    RefreshToken: 24 * 60 * 60,
    AuthorizationCode: 60,
    DeviceCode: 600,
    BackchannelAuthenticationRequest: 600,
    Interaction: 60 * 60,
    Session: 24 * 60 * 60,
    Grant: 24 * 60 * 60,
  },
  clientBasedCORS: () => true,
};

const server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }) : createHttpServer();
server.on('error', (err) => fail(`cannot listen: ${err.message}`));
// RFC 8705 §5: a host that demands a client certificate, for mTLS clients.
const mtlsServer = tls?.clientCa
  ? createHttpsServer({
    cert: tls.cert,
    key: tls.key,
    ca: tls.clientCa,
    requestCert: true,
    rejectUnauthorized: true,
  })
  : null;
mtlsServer?.on('error', (err) => fail(`cannot listen (mTLS): ${err.message}`));
const listen = (srv, at) => new Promise((resolve) => { srv.listen(at, '127.0.0.1', resolve); });

await listen(server, port);
if (mtlsServer) {
  await listen(mtlsServer, 0);
  const alias = `https://127.0.0.1:${mtlsServer.address().port}`;
  configuration.discovery = {
    mtls_endpoint_aliases: {
      token_endpoint: `${alias}/token`,
      introspection_endpoint: `${alias}/token/introspection`,
      revocation_endpoint: `${alias}/token/revocation`,
      userinfo_endpoint: `${alias}/me`,
      device_authorization_endpoint: `${alias}/device/auth`,
    },
  };
}
{
  const issuer = `${tls ? 'https' : 'http'}://127.0.0.1:${server.address().port}`;
  let provider;
  try {
    provider = new Provider(issuer, configuration);
  } catch (err) {
    fail(`bad provider configuration: ${err.stack ?? err}`);
  }
  registerExtraGrants(provider);
  provider.on('server_error', (_ctx, err) => {
    process.stderr.write(`server.mjs: server_error: ${err.stack ?? err}\n`);
  });
  server.on('request', provider.callback());
  mtlsServer?.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
}

// ---------------------------------------------------------------------------
// Grants oidc-provider 9 does not have, with small honest handlers, and the
// device flow's polling interval (RFC 8628 §3.2, §3.5).
// ---------------------------------------------------------------------------

// CIBA requests waiting for "the phone": auth_req_id -> approve?
const cibaDecisions = new Map();
// The last poll of each device code and auth_req_id, for slow_down.
const lastPoll = new Map();

// Test users of the password grant (RFC 6749 §4.3) and their passwords.
const PASSWORDS = new Map([
  ['alice', 'wonderland'],
  ['bob', 'builder'],
]);

/** Issues an access token for `accountId` (or a client credentials token) and answers. */
async function issueAccessToken(provider, ctx, { accountId, gty, scope, extra = {} }) {
  const { client } = ctx.oidc;
  const token = accountId
    ? new provider.AccessToken({ accountId, client, gty, scope: scope || undefined })
    : new provider.ClientCredentials({ client, scope: scope || undefined });
  const value = await token.save();
  ctx.body = {
    access_token: value,
    token_type: 'Bearer',
    expires_in: token.expiration,
    ...(token.scope ? { scope: token.scope } : {}),
    ...extra,
  };
}

function registerExtraGrants(provider) {
  // Resource owner password credentials (RFC 6749 §4.3): the user must be
  // one of PASSWORDS with the right password.
  provider.registerGrantType('password', async (ctx) => {
    const { username, password, scope } = ctx.oidc.params;
    if (!username || !password) throw new errors.InvalidRequest('username and password are required');
    if (PASSWORDS.get(username) !== password) throw new errors.InvalidGrant('wrong user name or password');
    await issueAccessToken(provider, ctx, { accountId: username, gty: 'password', scope });
  }, ['username', 'password', 'scope']);

  // Token exchange (RFC 8693 §2): the subject token must be an active access
  // token (or client credentials token) this provider issued.
  provider.registerGrantType(TOKEN_EXCHANGE, async (ctx) => {
    const { subject_token: subjectToken, subject_token_type: subjectType, scope } = ctx.oidc.params;
    if (!subjectToken || !subjectType) {
      throw new errors.InvalidRequest('subject_token and subject_token_type are required');
    }
    if (subjectType !== ACCESS_TOKEN_TYPE) {
      throw new errors.InvalidRequest(`subject_token_type ${subjectType} is not supported here`);
    }
    const subject = (await provider.AccessToken.find(subjectToken))
      ?? (await provider.ClientCredentials.find(subjectToken));
    if (!subject || subject.isExpired) throw new errors.InvalidGrant('subject_token is not active');
    await issueAccessToken(provider, ctx, {
      accountId: subject.accountId,
      gty: 'token-exchange',
      scope: scope || subject.scope,
      extra: { issued_token_type: ACCESS_TOKEN_TYPE },
    });
  }, ['subject_token', 'subject_token_type', 'requested_token_type', 'audience', 'scope', 'actor_token', 'actor_token_type']);

  // A stand-in for MOEX's `passport` grant: MOEX checks a GOST or RSA
  // detached signature of the passport certificate; this stand checks that
  // `signature` is the hex SHA-256 of `passport`, that `algorithm` is GOST
  // or RSA, and that a `client_id_new`, when sent, is the authenticated client.
  provider.registerGrantType('passport', async (ctx) => {
    const { passport, algorithm, signature, client_id_new: newId, scope } = ctx.oidc.params;
    if (!passport || !signature || !algorithm) {
      throw new errors.InvalidRequest('passport, algorithm and signature are required');
    }
    if (!['GOST', 'RSA'].includes(algorithm)) throw new errors.InvalidRequest('algorithm must be GOST or RSA');
    const expected = createHash('sha256').update(passport, 'utf8').digest('hex');
    if (signature !== expected) throw new errors.InvalidGrant('the signature does not match the passport certificate');
    if (newId && newId !== ctx.oidc.client.clientId) {
      throw new errors.InvalidClient('client_id_new is not the authenticated client');
    }
    await issueAccessToken(provider, ctx, { accountId: `passport:${passport.slice(0, 8)}`, gty: 'passport', scope });
  }, ['passport', 'algorithm', 'signature', 'client_id_old', 'client_id_new', 'client_secret_old', 'client_secret_new', 'scope']);

  // Device flow: answer with `interval` and enforce it with `slow_down`
  // (RFC 8628 §3.2, §3.5), which oidc-provider 9 leaves to the deployment.
  provider.on('device_authorization.success', (_ctx, body) => {
    body.interval = deviceInterval;
    lastPoll.set(body.device_code, Date.now());
  });
  const { grantTypeHandlers, grantTypeParams } = instance(provider);
  const pollDevice = grantTypeHandlers.get(DEVICE_CODE);
  provider.registerGrantType(DEVICE_CODE, async (ctx) => {
    const code = ctx.oidc.params.device_code;
    const now = Date.now();
    const last = lastPoll.get(code);
    lastPoll.set(code, now);
    if (last !== undefined && now - last < deviceInterval * 1000) throw new errors.SlowDown();
    await pollDevice(ctx);
  }, [...grantTypeParams.get(DEVICE_CODE)]);

  // CIBA poll mode (OpenID CIBA Core 1.0 §10.1, §11): slow_down as for the
  // device flow; the phone answers right after the first poll.
  const pollCiba = grantTypeHandlers.get(CIBA);
  const decide = async (id, approve) => {
    const request = await provider.BackchannelAuthenticationRequest.find(id, { ignoreExpiration: true });
    if (!request) return;
    if (approve) {
      const grant = new provider.Grant({ accountId: request.accountId, clientId: request.clientId });
      grant.addOIDCScope(request.scope);
      await grant.save();
      await provider.backchannelResult(request, grant, { authTime: Math.floor(Date.now() / 1000) });
    } else {
      await provider.backchannelResult(request, new errors.AccessDenied('the user denied the request on the phone'));
    }
  };
  decideOnPhone = decide;
  provider.registerGrantType(CIBA, async (ctx) => {
    const id = ctx.oidc.params.auth_req_id;
    const now = Date.now();
    const last = lastPoll.get(id);
    lastPoll.set(id, now);
    if (last !== undefined && now - last < deviceInterval * 1000) throw new errors.SlowDown();
    try {
      await pollCiba(ctx);
    } finally {
      const approve = cibaDecisions.get(id);
      if (approve !== undefined) {
        cibaDecisions.delete(id);
        await decide(id, approve);
      }
    }
  }, [...grantTypeParams.get(CIBA)]);
}

let stopping = false;
function stop(why) {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`server.mjs: stopping (${why})\n`);
  server.close();
  server.closeAllConnections();
  mtlsServer?.close();
  mtlsServer?.closeAllConnections();
  // Let the stdout ready line drain if it has not yet.
  process.stdout.write('', () => process.exit(0));
  setTimeout(() => process.exit(0), 500).unref();
}

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(signal, () => stop(signal));
}

let stdinIsPipe = false;
try {
  const st = fstatSync(0);
  stdinIsPipe = st.isFIFO() || st.isSocket();
} catch {
  // no stdin at all
}
if (stdinIsPipe) {
  process.stdin.on('end', () => stop('stdin closed'));
  process.stdin.on('close', () => stop('stdin closed'));
  process.stdin.on('error', () => stop('stdin error'));
  process.stdin.resume(); // discard anything written; we only wait for EOF
}
