// Verifies a DPoP proof (RFC 9449) independently of tokenscope, with the
// npm `jose` package (the one oidc-provider uses): the signature against the
// public JWK the proof carries in its header, `typ` dpop+jwt, and prints
// {"header": …, "payload": …} as JSON. Exit 1 when it does not verify.
// Used by tests/core/dpop.rs.
//
//   node tests/provider/dpop-verify.mjs <proof>

import * as jose from 'jose';

const proof = process.argv[2];
if (!proof) {
  console.error('usage: node dpop-verify.mjs <proof>');
  process.exit(2);
}
try {
  const header = jose.decodeProtectedHeader(proof);
  if (header.jwk?.d !== undefined) throw new Error('the header jwk holds a private key');
  const key = await jose.importJWK(header.jwk, header.alg);
  const { payload, protectedHeader } = await jose.jwtVerify(proof, key, {
    typ: 'dpop+jwt',
    algorithms: ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'],
  });
  console.log(JSON.stringify({ header: protectedHeader, payload }));
} catch (error) {
  console.error(`not verified: ${error.message}`);
  process.exit(1);
}
