// Encrypts a few tokens with the npm `jose` package (the one oidc-provider
// uses) to the throwaway recipient keys in tests/fixtures/jwe/, and prints
// them as JSON. Its output is committed as tests/fixtures/jwe/jose-vectors.json,
// so the Rust tests (tests/core/jwe.rs) run without Node or the network.
//
//   cd tests/provider && npm ci && node jwe-vectors.mjs > ../fixtures/jwe/jose-vectors.json
//
// Every run encrypts with fresh random content keys, IVs and ephemeral keys:
// the tokens differ from run to run, the claims and keys do not.

import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as jose from 'jose';

const fixtures = new URL('../fixtures/jwe/', import.meta.url);
const read = (name) => readFileSync(new URL(name, fixtures), 'utf8');

const jwks = JSON.parse(read('recipient.private.jwks.json'));
const jwk = async (kid) => {
  const found = jwks.keys.find((key) => key.kid === kid);
  // The public half for asymmetric keys; an `oct` key is its own.
  if (found.kty === 'oct') return jose.importJWK(found, found.alg);
  const { d, p, q, dp, dq, qi, ...pub } = found;
  return jose.importJWK(pub, found.kty === 'RSA' ? 'RSA-OAEP-256' : 'ECDH-ES');
};
const publicOfPem = (name) => createPublicKey(createPrivateKey(read(name)));

const signing = JSON.parse(
  readFileSync(new URL('keys/provider-signing.jwks.json', import.meta.url), 'utf8'),
).keys[0];
const signingKey = await jose.importJWK(signing, 'RS256');

// The instant the other fixtures were made (tests/fixtures/expected.json).
const iat = 1795387806;
const idClaims = {
  iss: 'https://op.example.test',
  sub: 'alice',
  aud: 'tokenscope',
  nonce: 'n-jwe-0S6_WzA2Mj',
  iat,
  exp: iat + 3600,
};
const accessClaims = {
  iss: 'https://op.example.test',
  sub: 'alice',
  client_id: 'tokenscope',
  scope: 'openid profile',
  iat,
  exp: iat + 600,
};

const signed = (claims) =>
  new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: signing.kid, typ: 'JWT' })
    .sign(signingKey);

const vectors = [];
const add = (name, description, header, key, claims, compact, nested) =>
  vectors.push({
    name,
    description,
    alg: header.alg,
    enc: header.enc,
    key,
    nested,
    claims,
    compact,
  });

// A signed ID token inside (cty JWT): RSA-OAEP-256 + A256GCM to a JWK by kid.
{
  const header = { alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: 'jose-rsa', cty: 'JWT' };
  const compact = await new jose.CompactEncrypt(new TextEncoder().encode(await signed(idClaims)))
    .setProtectedHeader(header)
    .encrypt(await jwk('jose-rsa'));
  add('nested-id-token', 'a signed ID token, encrypted to a JWK by kid', header,
    'recipient.private.jwks.json#jose-rsa', idClaims, compact, true);
}

// Claims only, ECDH-ES with apu/apv to a SEC1 PEM key (no kid).
{
  const header = { alg: 'ECDH-ES', enc: 'A128CBC-HS256' };
  const compact = await new jose.EncryptJWT(accessClaims)
    .setProtectedHeader(header)
    .setKeyManagementParameters({
      apu: new TextEncoder().encode('tokenscope-sender'),
      apv: new TextEncoder().encode('tokenscope-recipient'),
    })
    .encrypt(publicOfPem('recipient-p256.sec1.pem'));
  add('ecdh-es-p256-apu-apv', 'claims, ECDH-ES with apu and apv, to a P-256 SEC1 PEM key', header,
    'recipient-p256.sec1.pem', accessClaims, compact, false);
}

for (const [name, alg, enc, kid] of [
  ['ecdh-es-a256kw-p384', 'ECDH-ES+A256KW', 'A256GCM', 'jose-p384'],
  ['ecdh-es-a192kw-p521', 'ECDH-ES+A192KW', 'A192GCM', 'jose-p521'],
  ['a128kw-a128gcm', 'A128KW', 'A128GCM', 'jose-a128kw'],
  ['a256gcmkw-a128cbc-hs256', 'A256GCMKW', 'A128CBC-HS256', 'jose-a256gcmkw'],
  ['dir-a256cbc-hs512', 'dir', 'A256CBC-HS512', 'jose-dir-512'],
]) {
  const header = { alg, enc, kid };
  const compact = await new jose.EncryptJWT(accessClaims)
    .setProtectedHeader(header)
    .encrypt(await jwk(kid));
  add(name, `claims, ${alg} + ${enc}, to a JWK by kid`, header,
    `recipient.private.jwks.json#${kid}`, accessClaims, compact, false);
}

// RSA-OAEP (SHA-1) to a PKCS#8 PEM key without a kid.
{
  const header = { alg: 'RSA-OAEP', enc: 'A128GCM' };
  const compact = await new jose.EncryptJWT(accessClaims)
    .setProtectedHeader(header)
    .encrypt(publicOfPem('recipient-rsa.pkcs8.pem'));
  add('rsa-oaep-pkcs8', 'claims, RSA-OAEP, to a PKCS#8 PEM key', header,
    'recipient-rsa.pkcs8.pem', accessClaims, compact, false);
}

// A signed ID token to the key of a PKCS#12 container (its certificate here).
{
  const header = { alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256', cty: 'JWT' };
  const compact = await new jose.CompactEncrypt(new TextEncoder().encode(await signed(idClaims)))
    .setProtectedHeader(header)
    .encrypt(await jose.importX509(read('recipient-rsa.p12.cert.pem'), 'RSA-OAEP-256'));
  add('nested-id-token-pkcs12', 'a signed ID token, encrypted to the key of a PKCS#12 container',
    header, 'recipient-rsa.p12', idClaims, compact, true);
}

// Compressed before encryption (zip DEF), which RFC 8725 §3.6 advises against.
{
  const header = { alg: 'A128KW', enc: 'A128GCM', kid: 'jose-a128kw', zip: 'DEF' };
  const compact = await new jose.EncryptJWT(accessClaims)
    .setProtectedHeader(header)
    .encrypt(await jwk('jose-a128kw'));
  add('zip-def', 'claims compressed with DEFLATE, A128KW + A128GCM', header,
    'recipient.private.jwks.json#jose-a128kw', accessClaims, compact, false);
}

const { version } = JSON.parse(
  readFileSync(new URL('node_modules/jose/package.json', import.meta.url), 'utf8'),
);
process.stdout.write(
  `${JSON.stringify(
    {
      source: `npm jose ${version}, by tests/provider/jwe-vectors.mjs`,
      signing_jwks: 'tests/provider/keys/provider-signing.jwks.json',
      pkcs12_passphrase: 'tokenscope-test',
      vectors,
    },
    null,
    2,
  )}\n`,
);
