# SD-JWT (RFC 9901): reading, checks and the inspector's marks.

## Reading (token/sd_jwt.rs)

sd-summary-disclosures = { $count ->
    [one] { $count } disclosure
   *[other] { $count } disclosures
}
sd-top-level = the payload
sd-empty = disclosure { $number } is empty (two ~ in a row)
sd-not-base64 = disclosure { $number } is not base64url: { $detail }
sd-not-json = disclosure { $number } is not JSON: { $detail }
sd-shape = disclosure { $number } is not [salt, name, value] or [salt, value] with a string salt and name
sd-repeated = disclosure { $number } is presented twice
sd-unreferenced = no digest in the payload refers to disclosure { $number }: it was changed, or belongs to another SD-JWT
sd-duplicate-digest = the digest { $digest } appears more than once
sd-wrong-kind = disclosure { $number } does not fit where its digest is ({ $path }): an object property needs [salt, name, value], an array element [salt, value]
sd-reserved-name = disclosure { $number } names its claim { $name }, which a disclosure may not use
sd-name-exists = disclosure { $number } discloses { $path }, which exists already
sd-not-digests = _sd or ... in { $path } does not hold digests as strings
sd-alg-unsupported = _sd_alg is { $alg }, which tokenscope cannot compute (sha-256, sha-384, sha-512)
sd-too-many = { $count } disclosures; only the first { $max } are read
sd-too-deep = disclosures nest too deeply to be read
sd-issuer-not-jws = the part before the first ~ is not a signed JWT with claims

## Checks (token/sd_jwt.rs)

check-set-sd-jwt = SD-JWT (RFC 9901 §7)
check-sd-alg-default = no _sd_alg: digests are SHA-256
check-sd-alg = digests are { $alg }
check-sd-disclosures-ok = { $count ->
    [one] { $count } disclosure
   *[other] { $count } disclosures
}, each found by its { $alg } digest; { $withheld } withheld or decoy
check-sd-disclosures-unchecked = { $count } disclosures could not be checked: the digest algorithm is not supported
check-sd-digests-ok = no digest appears twice
check-sd-names-ok = no disclosed claim name is reserved or repeated
check-sd-no-exp = no exp: the SD-JWT does not expire
check-sd-cnf-jwk = holder key from cnf.jwk: { $key }
check-sd-cnf-absent = no cnf: the SD-JWT is not bound to a holder key
check-sd-cnf-missing-kb = a key binding JWT is presented but the SD-JWT has no cnf to verify it with
check-sd-cnf-not-object = cnf is { $kind }, not an object
check-sd-cnf-no-jwk = cnf.jwk is not a usable key
check-sd-cnf-other = cnf has { $members } but no jwk: tokenscope can only verify with cnf.jwk
check-sd-kb-missing = the verifier expects key binding (aud or nonce given) but no key binding JWT ends the SD-JWT
check-sd-kb-none = no key binding JWT: anyone holding this SD-JWT can present it
check-sd-kb-encrypted = the key binding JWT is encrypted (a JWE); it must be a signed JWT
check-sd-kb-undecodable = the key binding JWT cannot be decoded: { $error }
check-sd-kb-typ-ok = typ is kb+jwt
check-sd-kb-typ-wrong = typ is { $typ }; a key binding JWT must be typed kb+jwt
check-sd-kb-typ-missing = no typ; a key binding JWT must be typed kb+jwt
check-sd-hash-ok = sd_hash is the { $alg } of the SD-JWT as presented
check-sd-hash-mismatch = sd_hash is { $written } but the { $alg } of the SD-JWT as presented is { $expected }: the key binding JWT was made for other disclosures
check-sd-kb-not-expected = { $name } is { $value }; nothing was expected (pass --audience / --nonce)
check-sd-kb-as-expected = { $name } is { $value }, as expected
check-sd-kb-mismatch = { $name } is { $value } but { $expected } was expected
check-sd-kb-iat-ok = made { $age } ago ({ $at }), within { $max }

## Claims of SD-JWT VC (token/claims.rs)

claim-vct = Verifiable credential type: what kind of credential this is (SD-JWT VC §3.2.2.1)
claim-vct-integrity = Integrity of the type metadata the vct points to (SD-JWT VC §6.5)
claim-status = Where to look up whether the credential is revoked or suspended (Token Status List, SD-JWT VC §3.2.2.2)
claim-sd = Digests of claims that can be disclosed; those left here were not disclosed: withheld, or decoys (RFC 9901 §4.2.4.1)
claim-sd-alg = The hash algorithm of the disclosure digests (RFC 9901 §4.1.1)
claim-sd-element = Digest of an array element that can be disclosed; this one was not: withheld, or a decoy (RFC 9901 §4.2.4.2)

## The inspector (ui)

sd-disclosed = disclosed
sd-disclosed-hover = Disclosed by { $disclosure }
    salt { $salt }
    digest { $digest }
sd-withheld = { $count ->
    [one] { $count } claim withheld
   *[other] { $count } claims withheld
} (or decoys: they cannot be told apart)
sd-none-withheld = every digest is disclosed
fact-disclosures = Disclosures
fact-key-binding = Key binding
sd-key-binding-none = none: the SD-JWT has no key binding JWT
sd-key-binding-heading = Key binding JWT
sd-problems = Not acceptable: { $problems }
checks-audience = Audience (aud)
checks-audience-hint = the verifier's id

## SD-JWT VC issuer keys from the JWT VC Issuer Metadata (token/sd_jwt_vc.rs)

sd-vc-url-empty = iss is empty
sd-vc-url-not-ascii = iss holds “{ $character }” ({ $code }): a URL is ASCII, and an internationalised host is not turned into its xn-- form here
sd-vc-url-control = iss holds a space or control character ({ $code })
sd-vc-url-no-scheme = iss is not an absolute URL (no scheme://)
sd-vc-url-not-https = iss uses { $scheme }: the metadata is only fetched over https (http only on a loopback host)
sd-vc-url-query = iss has a query or a fragment, which an issuer identifier must not have
sd-vc-url-userinfo = iss names a user (user@host)
sd-vc-url-host = iss has no usable host ({ $host })
sd-vc-url-port = iss has a port that is not a number from 0 to 65535 ({ $port })
sd-vc-no-url = no JWT VC Issuer Metadata URL can be made: { $reason }
sd-vc-meta-too-large = the metadata is { $bytes } bytes, more than the { $max } read
sd-vc-meta-not-utf8 = the metadata is not UTF-8 (invalid byte at offset { $at })
sd-vc-meta-not-json = the metadata is not JSON: { $detail }
sd-vc-meta-not-object = the metadata is { $kind }, not a JSON object
sd-vc-meta-no-issuer = the metadata has no issuer string
sd-vc-meta-issuer-mismatch = refused: the metadata's issuer is { $issuer }, not the credential's iss { $iss }; its keys must not be used
sd-vc-meta-both = the metadata has both jwks and jwks_uri; it must have one of them
sd-vc-meta-neither = the metadata has neither jwks nor jwks_uri
sd-vc-meta-jwks-not-object = the metadata's jwks is { $kind }, not a JWK Set object
sd-vc-meta-jwks-uri-not-string = the metadata's jwks_uri is { $kind }, not a URL string
sd-vc-meta-jwks-uri-refused = the metadata's jwks_uri { $uri } is not fetched: { $reason }
sd-vc-not-vc = not an SD-JWT VC: typ is { $typ } (not dc+sd-jwt or vc+sd-jwt) and there is no vct claim
sd-vc-not-vc-no-typ = not an SD-JWT VC: no typ and no vct claim
sd-vc-no-iss = the issuer-signed JWT has no iss: there is no issuer to ask for keys
sd-vc-iss-not-string = iss is { $kind }, not a URL string
sd-vc-other-issuer = the issuer keys were fetched for { $fetched }; this credential's iss is { $iss }
sd-vc-key-no-kid = the JWT has no kid and the issuer publishes { $count } keys: which one signed is not said
sd-vc-key-kid-unknown = no key with kid { $kid } (the issuer's kids: { $kids })
sd-vc-key-none = the issuer's key set holds no usable key
sd-vc-key-from = { $reason } in { $url }
sd-vc-issuer-key-ok = signed with issuer key { $key } from { $url }
sd-vc-fetch = Fetch the issuer's keys from { $host }
sd-vc-fetch-hint = GETs { $url } (JWT VC Issuer Metadata) and the keys it names, then verifies again
sd-vc-fetch-unavailable = The issuer's keys cannot be fetched: { $reason }
sd-vc-keys-loaded = { $count ->
    [one] { $count } issuer key
   *[other] { $count } issuer keys
} from { $url }
