// An independent relying party: npm `openid-client` walks discovery, the
// code flow with PKCE, UserInfo and a refresh against tokenscope's sandbox.
//
//   node openid-client-flow.mjs ISSUER CLIENT_ID CLIENT_SECRET SCOPE
//
// The browser part is played by sandbox-browser.mjs. Prints one JSON line:
// { sub, id_token_alg, userinfo_sub, refreshed, rotated } and exits 0, or a
// message on stderr and exit status 2.

import * as client from 'openid-client';
import { play } from './sandbox-browser.mjs';

const [issuer, clientId, clientSecret, scope] = process.argv.slice(2);
if (!scope) {
  process.stderr.write('usage: node openid-client-flow.mjs ISSUER CLIENT_ID CLIENT_SECRET SCOPE\n');
  process.exit(64);
}

try {
  const config = await client.discovery(new URL(issuer), clientId, clientSecret, undefined, {
    execute: [client.allowInsecureRequests],
  });
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: 'http://127.0.0.1:9/callback',
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const landed = await play(url.href);
  const tokens = await client.authorizationCodeGrant(config, new URL(landed), {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  const header = JSON.parse(Buffer.from(tokens.id_token.split('.')[0], 'base64url').toString());
  process.stdout.write(`${JSON.stringify({
    sub: claims.sub,
    id_token_alg: header.alg,
    userinfo_sub: userinfo.sub,
    refreshed: typeof refreshed.access_token === 'string',
    rotated: refreshed.refresh_token !== tokens.refresh_token,
  })}\n`);
} catch (error) {
  process.stderr.write(`openid-client-flow: ${error.name}: ${error.message} ${error.code ?? ''} ${JSON.stringify(error.cause ?? '')}\n`);
  process.exit(2);
}
