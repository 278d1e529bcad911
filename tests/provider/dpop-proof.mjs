// Makes a DPoP proof (RFC 9449 §4.2) with the npm `jose` package, for the
// fixture tokenscope's verifier must accept. Its output is committed as
// tests/fixtures/dpop/jose-proof.json (tests/core/dpop.rs reads it without
// Node):
//
//   node tests/provider/dpop-proof.mjs > tests/fixtures/dpop/jose-proof.json

import { createHash, randomUUID } from 'node:crypto';
import * as jose from 'jose';

const accessToken = 'Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU';
const iat = 1795387806;
const request = { htm: 'POST', htu: 'https://rs.example.test/api/orders' };
const nonce = 'eyJ7S_zG.eyJH0-Z.HX4w-7v';

const { privateKey, publicKey } = await jose.generateKeyPair('ES256', { extractable: true });
const jwk = await jose.exportJWK(publicKey);
const ath = createHash('sha256').update(accessToken).digest('base64url');
const proof = await new jose.SignJWT({ ...request, ath, nonce, jti: randomUUID() })
  .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk })
  .setIssuedAt(iat)
  .sign(privateKey);
const jkt = await jose.calculateJwkThumbprint(jwk, 'sha256');
console.log(JSON.stringify({ proof, jkt, iat, access_token: accessToken, nonce, ...request }, null, 2));
