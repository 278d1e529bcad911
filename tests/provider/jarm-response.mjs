// Makes a JWT-secured authorization response (JARM §2.1, §2.3) with the npm
// `jose` package, independently of tokenscope: the claims given, signed with
// a fresh key pair for `alg` (kid `op-<alg>`), and — when a client's public
// JWK is given — encrypted to it with RSA-OAEP-256 / A256GCM (cty JWT).
// Prints {"response": …, "jwks": {"keys": [public JWK]}} as JSON.
// Used by tests/core/jar.rs.
//
//   node tests/provider/jarm-response.mjs <alg> <claims-json> [client-public-jwk-json]

import * as jose from 'jose';

const [alg, claimsJson, clientJwkJson] = process.argv.slice(2);
if (!claimsJson) {
  console.error('usage: node jarm-response.mjs <alg> <claims-json> [client-public-jwk-json]');
  process.exit(2);
}
try {
  const kid = `op-${alg}`;
  const { publicKey, privateKey } = await jose.generateKeyPair(alg, { extractable: true });
  let response = await new jose.SignJWT(JSON.parse(claimsJson))
    .setProtectedHeader({ alg, kid })
    .sign(privateKey);
  if (clientJwkJson) {
    const clientKey = await jose.importJWK(JSON.parse(clientJwkJson), 'RSA-OAEP-256');
    response = await new jose.CompactEncrypt(new TextEncoder().encode(response))
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' })
      .encrypt(clientKey);
  }
  const jwk = { ...(await jose.exportJWK(publicKey)), kid, alg, use: 'sig' };
  console.log(JSON.stringify({ response, jwks: { keys: [jwk] } }));
} catch (error) {
  console.error(`not made: ${error.message}`);
  process.exit(1);
}
