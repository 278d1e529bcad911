// Decrypts a compact JWE (RFC 7516 §7.1) independently of tokenscope, with
// the npm `jose` package (the one oidc-provider uses), and prints
// {"header": …, "plaintext": …} as JSON. Exit 1 when it does not decrypt.
// Used by tests/sandbox/encrypted.rs: what the sandbox's `jwe` personality
// seals opens with the private JWK it hands its client.
//
//   node tests/provider/jwe-open.mjs <compact-jwe> <private-jwk-json>

import * as jose from 'jose';

const [token, jwkJson] = process.argv.slice(2);
if (!jwkJson) {
  console.error('usage: node jwe-open.mjs <compact-jwe> <private-jwk-json>');
  process.exit(2);
}
try {
  const jwk = JSON.parse(jwkJson);
  const { alg } = jose.decodeProtectedHeader(token);
  const key = await jose.importJWK(jwk, alg);
  const { plaintext, protectedHeader } = await jose.compactDecrypt(token, key, {
    keyManagementAlgorithms: ['RSA-OAEP-256'],
    contentEncryptionAlgorithms: ['A256GCM'],
  });
  console.log(JSON.stringify({ header: protectedHeader, plaintext: new TextDecoder().decode(plaintext) }));
} catch (error) {
  console.error(`not decrypted: ${error.message}`);
  process.exit(1);
}
