# Verification: signatures, keys and relying-party checks (token/verify.rs,
# token/keys.rs, token/checks.rs). Same ids in ../ru/verification.ftl.

## Decoding a compact token (token/jose.rs)

jose-part-header = header
jose-part-payload = payload
jose-part-signature = signature
jose-part-encrypted-key = encrypted key
jose-part-iv = initialisation vector
jose-part-ciphertext = ciphertext
jose-part-tag = authentication tag
jose-segment-count = it has { $count } segments; a signed token (JWS) has 3 and an encrypted one (JWE) 5
jose-base64 = its { $part } is not valid base64url ({ $detail })
jose-header-not-json = its header is not JSON ({ $detail })
jose-header-not-object = its header is JSON but not an object (it is { $kind })
jose-payload-not-json = its payload is not JSON ({ $detail })
jose-payload-not-object = its payload is JSON but not an object of claims (it is { $kind })
jose-too-deep = its { $part } nests JSON too deeply to show
jose-nested-too-deep = its JWTs are nested more than { $max } deep
jose-kind-null = null
jose-kind-boolean = a boolean
jose-kind-number = a number
jose-kind-string = a string
jose-kind-array = an array
jose-kind-object = an object

## Relying-party checks (token/checks.rs)

check-claim-missing = no { $name } claim
check-claim-is = { $name } is { $value }
check-not-a-string = { $name } is { $kind }; it must be a string, and a wrongly typed claim is not treated as absent
check-ui-sub-missing = the UserInfo response has no sub, so none of its claims may be used
check-ui-sub-no-id-token = UserInfo sub is { $sub }; there is no ID token sub to compare it with
check-ui-sub-equal = UserInfo sub equals the ID token's sub ({ $sub })
check-ui-sub-mismatch = UserInfo sub is { $sub } but the ID token's sub is { $expected }: the UserInfo claims must not be used
check-ui-not-signed = a plain JSON response: not signed
check-typ-none-id-token = no typ header (optional for ID tokens)
check-typ-access-not-id = typ is { $typ }, which marks a JWT access token (RFC 9068 §2.1), not an ID token
check-typ-logout-not-id = typ is { $typ }, which marks a logout token (OIDC Back-Channel Logout §2.4), not an ID token
check-typ-other-not-id = typ is { $typ }; an ID token is typed JWT or not at all, so this is another kind of token
check-typ-not-access = typ is { $typ }; an RFC 9068 access token must be typed at+jwt, so this is not one
check-typ-none-access = no typ header; an RFC 9068 access token must be typed at+jwt
check-iss-not-configured = iss is { $iss }; no issuer is configured to compare it with
check-iss-as-expected = iss is { $iss }, as expected
check-iss-mismatch = iss is { $iss } but this profile expects { $expected }
check-iss-mismatch-slash = iss is { $iss } but this profile expects { $expected } (they differ only in a trailing slash; issuers are compared exactly)
check-iss-mismatch-case = iss is { $iss } but this profile expects { $expected } (they differ only in letter case; issuers are compared exactly)
check-sub-empty = sub is empty
check-sub-too-long = sub is { $count } characters; at most 255 are allowed
check-aud-item-type = aud holds { $kind }; every audience must be a string
check-aud-empty = aud is an empty array
check-aud-type = aud is { $kind }; it must be a string or an array of strings
check-aud-no-client = aud is { $aud }; no client_id is configured to look for
check-aud-has-client = aud { $aud } contains this client's ID { $client }
check-aud-mismatch = aud is { $aud }, which does not contain this profile's client_id { $client }
check-azp-none-no-client = no azp; no client_id is configured
check-azp-no-client = azp is { $azp }; no client_id is configured to compare it with
check-azp-is-client = azp is this client's ID { $client }
check-azp-mismatch = azp is { $azp } but this profile's client_id is { $client }: the token was issued to another client
check-azp-missing-several = aud lists { $count } audiences ({ $list }) but there is no azp naming the client the token was issued to
check-azp-not-needed = no azp; with a single audience none is needed
check-at-aud-no-resource = aud is { $aud }; no resource is configured to look for
check-at-aud-has-resource = aud { $aud } contains the expected resource { $resource }
check-at-aud-mismatch = aud is { $aud }, which does not contain the expected resource { $resource }
check-client-id-mismatch = client_id is { $id } but this profile's client_id is { $expected }
check-unix-seconds = { $seconds } (Unix seconds)
check-duration-seconds = { $seconds } s
check-duration-minutes = { $minutes } min
check-duration-hours = { $hours } h { $minutes } min
check-duration-days = { $days } d { $hours } h
check-exp-expired = expired at { $at } ({ $ago } ago; leeway { $leeway } s)
check-exp-within-leeway = expired { $ago } ago, within the { $leeway } s leeway
check-exp-valid-until = valid until { $at } ({ $left } from now)
check-date-type = { $name } is { $kind }; a NumericDate is a JSON number (RFC 7519 §2), and a wrongly typed claim is not treated as absent
check-iat-future = iat is { $ahead } in the future ({ $at }): the issuer's clock or this machine's is off by more than the { $leeway } s leeway
check-iat-old = issued { $age } ago ({ $at }), longer ago than the { $max } this profile accepts
check-iat-future-within-leeway = issued { $ahead } in the future, within the { $leeway } s leeway
check-iat-ago = issued { $age } ago ({ $at })
check-nbf-future = not valid before { $at } ({ $ahead } from now; leeway { $leeway } s)
check-nbf-valid-since = valid since { $at }
check-nonce-not-sent = no nonce was sent
check-nonce-not-sent-but-present = nonce is { $nonce }; no nonce was sent to compare it with
check-nonce-missing = the request sent nonce { $sent } but the token has no nonce
check-nonce-as-sent = nonce is { $nonce }, as sent
check-nonce-mismatch = nonce is { $nonce } but the request sent { $sent }
# What a hash claim is computed over, as "the … hashes to" reads it.
check-hash-covers-access-token = access token
check-hash-covers-code = authorization code
check-hash-covers-state = state
check-hash-at-when-absent = optional when the ID token comes from the token endpoint, required with an access token from the authorization endpoint
check-hash-c-when-absent = required only in the hybrid flow
check-hash-s-when-absent = required only by FAPI 1.0 Advanced
check-hash-absent = no { $name } claim ({ $when })
check-hash-absent-nothing = no { $name } claim and no { $covers } to check
check-hash-nothing-to-compare = { $name } is { $claimed }; no { $covers } was given to compare it with
check-hash-how = left half of { $hash }
check-hash-how-assumed = left half of { $hash }, assumed for { $alg }
check-hash-matches = { $name } matches the { $covers } ({ $how })
check-hash-mismatch = { $name } is { $claimed } but the { $covers } hashes to { $computed } ({ $how })
check-hash-alg-unknown = no hash is defined for alg { $alg }, so the hash claim cannot be checked; it is treated as failed, not as matching
check-auth-time-none-no-max-age = no auth_time; no max_age was requested
check-auth-time-no-max-age = the user authenticated at { $at }; no max_age was requested
check-auth-time-missing = max_age={ $max_age } was requested, so auth_time is required, but the token has none
check-auth-time-future = auth_time is { $ahead } in the future ({ $at })
check-auth-time-too-old = the user authenticated { $age } ago ({ $at }), longer than the requested max_age of { $max_age } s
check-auth-time-within = the user authenticated { $age } ago, within max_age { $max_age } s
check-acr-none-not-requested = no acr; no acr_values were requested
check-acr-not-requested = acr is { $acr }; no acr_values were requested
check-acr-missing = the request asked for acr { $wanted } but the token has no acr
check-acr-as-requested = acr is { $acr }, as requested
check-acr-mismatch = acr is { $acr } but the request asked for { $wanted }

## Signatures (token/verify.rs)

verify-key-kid = key { $kid }
verify-valid = valid ({ $details })
verify-invalid = invalid: { $reason }
verify-unknown-kid = unknown kid: { $reason }
verify-no-key = no key: { $reason }
verify-unsigned = unsigned (alg { $alg }): rejected, anyone can write such a token (RFC 8725 §3.1)
verify-unsupported = unsupported alg { $alg }: the signature was not checked
verify-rejected = rejected: { $reason }
verify-encrypted = encrypted (JWE { $alg }/{ $enc }): decrypt it to check the signature inside
verify-nested-valid = the nested token's signature verifies too
verify-nested-encrypted = the nested token is encrypted; its content was not checked
verify-nested-invalid = the outer signature verifies, but the nested token's does not
verify-alg-not-string = alg is { $kind }, not a string (RFC 7515 §4.1.1)
verify-no-alg = the header has no alg (RFC 7515 §4.1.1)
verify-kid-not-string = kid is { $kind }; a kid is a string (RFC 7515 §4.1.4)
verify-header-url-ignored = the header's { $name } ({ $value }) was ignored: keys are never fetched from a URL the token names (RFC 8725 §3.10)
verify-header-key-ignored = the header embeds a key ({ $name }); it was ignored: a token cannot supply its own verification key (RFC 8725 §3.10)
verify-crit-unsupported = crit lists { $names }, which tokenscope does not implement; such a token must be rejected (RFC 7515 §4.1.11)
verify-crit-malformed = crit is malformed: it must be a non-empty array of names (RFC 7515 §4.1.11)
verify-b64-false = b64: false (unencoded payload) is not allowed in a JWT (RFC 7797 §6)
verify-needs-rsa = an RSA public key
verify-needs-ec = an EC { $curve } public key
verify-needs-ed25519 = an Ed25519 public key
verify-needs-secret = a shared secret
verify-needs-gost-bits = a { $bits }-bit GOST R 34.10-2012 public key
verify-needs-gost = a GOST R 34.10-2012 public key
verify-unfit-family = { $key } is { $size }; { $alg } needs { $needs }
verify-unfit-alg = { $key } is for { $key_alg } only, the token uses { $alg } (RFC 7517 §4.4)
verify-unfit-use = { $key } was skipped: it is for use "{ $key_use }", not signatures (RFC 7517 §4.2)
verify-unfit-ops = { $key } was skipped: its key_ops ({ $ops }) do not include verify (RFC 7517 §4.3)
verify-empty-set = the key set is empty: load a JWKS, a PEM key, a certificate or a shared secret
verify-empty-set-unusable = the key set is empty ({ $count ->
    [one] { $count } entry
   *[other] { $count } entries
} could not be used): load a JWKS, a PEM key, a certificate or a shared secret
verify-kid-fallback-failed = no key with kid { $kid }; the key set has kids { $kids }, and the key(s) without a kid did not verify it either ({ $reason })
verify-no-kid-only-key = no kid in the header: the only fitting key was used
verify-no-kid-tried-until = no kid in the header: tried { $tried } of { $count } fitting keys until { $key } verified; strict relying parties reject kid-less tokens when several keys fit
verify-one-failure = the signature does not verify with { $failure }
verify-no-kid-tried = no kid in the header: tried { $count } fitting keys
verify-none-verify = the signature verifies with none of the { $count } fitting keys: { $failures }
verify-short-secret = { $key } is { $bits } bits, shorter than the { $needed } bits { $alg } requires (RFC 7518 §3.2): a guessable secret makes the MAC forgeable
verify-kidless-stand-in = no key has kid { $kid }; tried the { $count } key(s) that have no kid
verify-kid-unknown = no key with kid { $kid }; the key set has kids { $kids }
verify-key-is = { $key } is { $size }
verify-only-public = the key set has only public keys ({ $sizes })
verify-key-confusion = { $alg } needs a shared secret but { $which }; verifying it with public key bytes as the HMAC secret would be the key-confusion attack (RFC 8725 §2.6, §3.1)
verify-kid-cannot-verify = no key with kid { $kid } can verify { $alg }
verify-needs-but-has = { $alg } needs { $needs }; the key set has { $sizes }
verify-mismatch = the signature does not match
verify-rsa-length = the signature is { $length } bytes; a { $bits }-bit RSA key gives { $expected } (RFC 8017 §8.2.2)
verify-ecdsa-out-of-range = r or s is zero or out of range, so the signature cannot be valid
verify-ed25519-length = the signature is { $length } bytes; Ed25519 gives 64
verify-mac-mismatch = the MAC does not match
verify-secret-unusable = the secret cannot be used as an HMAC key
verify-ecdsa-length = the { $alg } signature is { $length } bytes; JOSE requires exactly { $expected } bytes of raw r ‖ s (RFC 7518 §3.4)
verify-ecdsa-length-der = the { $alg } signature is { $length } bytes; JOSE requires exactly { $expected } bytes of raw r ‖ s (RFC 7518 §3.4); it looks DER-encoded, which JOSE does not use

## Keys (token/keys.rs)

key-source-certificate = certificate { $label }
key-source-secret = shared secret { $label }
key-size-hmac = HMAC { $bits } bits
key-name-from = { $size } from { $source }
key-jwks-not-object = a JWKS is a JSON object, this is { $kind }
key-not-json = not JSON ({ $error })
key-the-key = the key
key-keys-not-array = "keys" must be an array, it is { $kind }
key-no-keys-member = no "keys" member: not a JWK Set (RFC 7517 §5)
key-set-empty = the JWK Set has no keys
key-entry = key #{ $number }
key-entry-kid = key #{ $number } (kid { $kid })
key-entry-not-object = is { $kind }, not a JWK object
key-no-pem-block = no PEM block found (expected -----BEGIN PUBLIC KEY----- or -----BEGIN CERTIFICATE-----)
key-pem-block = PEM block #{ $number }
key-unsupported-pem = unsupported PEM block (expected PUBLIC KEY, RSA PUBLIC KEY, CERTIFICATE, or a PRIVATE KEY to decrypt with)
key-secret-empty = the secret is empty
key-neither-jwks-nor-pem = neither a JWK Set (JSON) nor PEM text
key-no-kty = no "kty" (RFC 7517 §4.1)
key-ops-non-string = "key_ops" holds a non-string
key-ops-not-array = "key_ops" must be an array, it is { $kind }
key-oct-empty = the oct key "k" is empty
key-unsupported-kty = unsupported key type "{ $kty }" (supported: RSA, EC, OKP, oct)
key-x5c-not-base64 = "x5c" is not base64 ({ $error })
key-member-not-string = "{ $name }" must be a string, it is { $kind }
key-member-missing = { $kty } key has no "{ $name }" (RFC 7518 §6)
key-member-not-base64url = "{ $name }" is not valid base64url
key-ec-no-crv = EC key has no "crv" (RFC 7518 §6.2.1.1)
key-ec-unsupported-curve = unsupported EC curve "{ $crv }" (supported: P-256, P-384, P-521)
key-ec-coordinate-length = "{ $name }" is { $length } bytes; { $crv } needs exactly { $size } (RFC 7518 §6.2.1.2)
key-ec-not-on-curve = the point is not on the { $crv } curve
key-ec-unsupported-curve-name = unsupported EC curve "{ $crv }"
key-okp-no-crv = OKP key has no "crv" (RFC 8037 §2)
key-okp-key-agreement = { $crv } is a key-agreement curve; it cannot verify signatures (RFC 8037 §3.2)
key-okp-unsupported-curve = unsupported OKP curve "{ $crv }" (supported: Ed25519)
key-ed25519-length = an Ed25519 key is 32 bytes, this is { $length }
key-ed25519-invalid = not a valid Ed25519 point
key-rsa-too-small = the RSA key is { $bits } bits; RS*/PS* need at least { $min } (RFC 7518 §3.3)
key-rsa-too-large = the RSA key is { $bits } bits; keys over { $max } bits are refused (denial-of-service guard)
key-rsa-unusable = not a usable RSA public key ({ $error })
key-pkcs1-invalid = not a valid PKCS#1 RSA public key ({ $error })
key-spki-invalid = not a valid SubjectPublicKeyInfo ({ $error })
key-bit-string-unused-bits = the public key BIT STRING has unused bits
key-ec-no-named-curve = the EC key names no named curve
key-ec-secp256k1 = unsupported EC curve secp256k1 (ES256K is not supported)
key-ec-curve-oid = unsupported EC curve (OID { $oid })
key-gost-unusable = GOST public key not usable: { $error }
key-kind-key-agreement = { $name } (key agreement)
key-unsupported-oid = unsupported key type (algorithm OID { $oid })
key-unsupported-named = unsupported key type { $name } (OID { $oid })
key-certificate-invalid = not a valid X.509 certificate ({ $error })
key-gost-certificate-unusable = GOST certificate key not usable: { $error }
key-certificate-reencode = cannot re-encode the certificate's key ({ $error })
key-pem-truncated = { $label } block has no "{ $end }" line: the PEM text is truncated
key-pem-not-base64 = { $label } block is not valid base64 ({ $error })

## GOST R 34.10-2012 (token/gost.rs)

gost-unknown-curve = unknown GOST R 34.10 parameter set { $oid }
gost-unsupported-algorithm = not a GOST R 34.10 public key: the key algorithm is { $algorithm }
gost-bad-key = bad GOST public key: { $detail }
gost-bad-certificate = cannot read the certificate: { $detail }
gost-signature-length = a GOST signature for this key is { $expected } bytes (two { $half }-byte halves), this one is { $got }
gost-no-layout-verified = the signature does not verify with this key in any known layout (s‖r or r‖s, digest little- or big-endian): wrong key, or the signed data was changed
# How the signature's bytes were laid out: "s‖r, digest little-endian".
gost-layout = { $order }, digest { $digest }
gost-not-spki = not a DER SubjectPublicKeyInfo: { $error }
gost-no-parameters = the key has no parameters (RFC 9215 §4.1 requires them)
gost-parameter-bits = parameter set { $curve } ({ $oid }) is { $bits }-bit but the algorithm { $algorithm } is for { $algorithm_bits }-bit keys
gost-bit-string-unused-bits = the key BIT STRING has unused bits
gost-not-octet-string = the key BIT STRING does not hold a DER OCTET STRING (RFC 4491 §2.3.2): { $error }
gost-key-length = a { $bits }-bit key is { $expected } bytes (x ‖ y), this one is { $got }
gost-reencode = cannot re-encode the key: { $error }
gost-coordinate-length = coordinate { $name } is { $length } bytes; a { $bits }-bit key has { $size }-byte coordinates
gost-coordinate-too-large = a coordinate is not below the field prime of { $curve }
gost-not-on-curve = the point is not on the { $curve } curve (wrong parameter set, or coordinates not little-endian?)
gost-parameters-not-sequence = the key parameters are a { $tag } where RFC 9215 §4.1 has a SEQUENCE of OIDs
gost-parameter-oid = cannot read the key parameter set OID: { $error }
gost-pem-no-end = PEM without an END CERTIFICATE line (truncated?)
gost-bad-pem = bad PEM certificate: { $error }
gost-no-certificate-block = the PEM holds no CERTIFICATE block
gost-not-pem-or-der = neither a PEM certificate nor DER (no SEQUENCE tag)
gost-bad-der = bad DER certificate: { $error }
gost-bad-private-key = unusable GOST private key: { $detail }
gost-private-out-of-range = the private key is not between 1 and the order of { $curve }
gost-private-not-pkcs8 = not a DER PKCS#8 PrivateKeyInfo: { $error }
gost-private-2001 = a GOST R 34.10-2001 key signs with GOST R 34.11-94, which tokenscope does not implement; use a GOST R 34.10-2012 key
gost-private-length = the private key of a { $bits }-bit key is { $size } bytes, this one is { $got }

## Check sets (token/assess.rs)

check-set-id-token = ID token (OIDC Core §3.1.3.7)
check-set-access-token = JWT access token (RFC 9068 §4)

## Loading keys (app)

key-loaded = { $count ->
    [one] { $count } key
   *[other] { $count } keys
} from { $label }.
key-hmac-added = HMAC secret added.
check-set-dpop = DPoP proof (RFC 9449 §4.3)
dpop-htm = Method
dpop-htu = URL
dpop-access-token = Access token
dpop-nonce = Server nonce
