// Verifies a request object (RFC 9101) independently of tokenscope, with the
// npm `jose` package (the one oidc-provider uses): the signature against the
// client's public JWK, `typ` oauth-authz-req+jwt (RFC 9101 §10.8), `iss`,
// `aud`, `exp`/`nbf` at the given instant, and prints
// {"header": …, "payload": …} as JSON. Exit 1 when it does not verify.
// Used by tests/core/jar.rs.
//
//   node tests/provider/jar-verify.mjs <request-object> <public-jwk-json> <client-id> <audience> <now>

import * as jose from 'jose';

const [requestObject, jwkJson, clientId, audience, now] = process.argv.slice(2);
if (!now) {
  console.error('usage: node jar-verify.mjs <request-object> <public-jwk-json> <client-id> <audience> <now>');
  process.exit(2);
}
try {
  const jwk = JSON.parse(jwkJson);
  if (jwk.d !== undefined) throw new Error('the JWK holds a private key');
  const { alg } = jose.decodeProtectedHeader(requestObject);
  const key = await jose.importJWK(jwk, alg);
  const { payload, protectedHeader } = await jose.jwtVerify(requestObject, key, {
    typ: 'oauth-authz-req+jwt',
    algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
    issuer: clientId,
    audience,
    currentDate: new Date(Number(now) * 1000),
    requiredClaims: ['iss', 'aud', 'exp', 'nbf', 'iat', 'jti', 'client_id'],
  });
  console.log(JSON.stringify({ header: protectedHeader, payload }));
} catch (error) {
  console.error(`not verified: ${error.message}`);
  process.exit(1);
}
