# JWE decryption (token/jwe.rs, token/private_keys.rs) and where it shows:
# the inspector, `decode --key`, `verify --decryption-key`.

## Decryption keys (token/private_keys.rs)

key-size-symmetric = secret key, { $bits } bits
key-private-part = its private part cannot decrypt: { $reason }
key-private-unusable = unusable RSA private key ({ $error })
key-private-rsa-too-small = the RSA key is { $bits } bits; RSA-OAEP needs at least { $min } (RFC 7518 §4.3)
key-private-ec-invalid = "d" is not a { $crv } private key
key-private-ec-mismatch = "d" does not belong to the public key "x", "y" of the same JWK
key-private-invalid = not a valid private key ({ $error })
key-private-encrypted = an encrypted private key: export it without a passphrase, or as PKCS#12 (the passphrase is then asked for)
key-private-signing-only = an { $name } private key signs, it does not decrypt; verification needs only the public key
key-private-unsupported = { $name } private keys are not supported for decryption
key-file-unreadable = could not read the decryption key { $path }: { $error }
key-file-no-decryption-key = { $path } holds no private key to decrypt with
key-file-no-decryption-key-why = { $path } holds no private key to decrypt with: { $why }
key-file-passphrase-wrong = the passphrase of { $file } is wrong
key-file-passphrase-missing = the passphrase of { $file } is not set: it is a PKCS#12 file that needs one

## Decryption (token/jwe.rs)

jwe-decrypted-with = Decrypted with { $key } ({ $alg }, { $enc })
jwe-malformed = malformed JWE: { $reason }
jwe-unsupported = unsupported { $what }: the token was not decrypted
jwe-crit = the header marks { $names } as critical, which tokenscope does not implement: refused (RFC 7516 §4.1.13)
jwe-rsa1-5-refused = RSA1_5 key encryption is refused: it is open to padding-oracle attacks (RFC 8725 §3.2, RFC 7518 §8.3); allow it explicitly to decrypt anyway
jwe-no-key = no key can decrypt this { $alg } token: { $reason }
jwe-epk = the ephemeral key (epk) is refused: { $reason }
jwe-key-unwrap = key { $key } cannot recover the content key ({ $alg }): wrong key or altered token
jwe-tag = the tag does not verify with key { $key } ({ $enc }): wrong key or altered token
jwe-zip = the compressed content (zip DEF) cannot be read: { $reason }
jwe-several = none of the { $count } fitting keys decrypts it: { $reasons }
jwe-member-not-string = "{ $name }" is { $kind }, not a string
jwe-member-missing = the header has no "{ $name }" (RFC 7516 §4.1)
jwe-member-not-base64url = "{ $name }" is not base64url
jwe-member-length = "{ $name }" is { $length } bytes; it must be { $expected } (RFC 7518)
jwe-encrypted-key-too-long = the encrypted key is { $length } bytes, longer than any key tokenscope unwraps
jwe-encrypted-key-not-empty = { $alg } carries no encrypted key, but this token has one (RFC 7518 §4.5, §4.6)
jwe-cek-length = the content key is { $length } bytes; { $enc } needs { $expected }: wrong key or altered token
jwe-padding = the decrypted content has broken padding
jwe-compressed-note = the content was compressed before encryption (zip DEF), which RFC 8725 §3.6 advises against
jwe-zip-too-large = it inflates to more than { $mebibytes } MiB: refused
jwe-no-decryption-keys = no decryption key was given
jwe-no-key-of-type = it needs { $needs }, and none of the { $count } decryption keys is one
jwe-unknown-kid = no decryption key has kid { $kid } (the keys have kids: { $kids })
jwe-needs-rsa = an RSA private key
jwe-needs-ec = an EC private key on { $curve }
jwe-needs-secret = a secret key of { $bits } bits
jwe-unfit-alg = { $key } is for { $key_alg } only, the token uses { $alg } (RFC 7517 §4.4)
jwe-unfit-use = { $key } has use "{ $key_use }", not "enc" (RFC 7517 §4.2)
jwe-unfit-ops = { $key } allows only { $ops } (RFC 7517 §4.3)
jwe-epk-missing = the header has no "epk" (RFC 7518 §4.6.1.1)
jwe-epk-not-object = "epk" is { $kind }, not a JWK object
jwe-epk-member = "epk" has no usable "{ $name }"
jwe-epk-coordinate = "{ $name }" of "epk" is { $length } bytes; { $crv } needs exactly { $size }
jwe-epk-off-curve = it is not a point on { $crv }: refused, as RFC 8725 §3.4 requires (invalid-curve attack)
jwe-epk-curve-mismatch = it is on { $crv }, the key is not
jwe-nested-closed = the token nested inside stays encrypted: { $error }
jwe-nested-undecodable = cty says JWT, but the plaintext does not decode: { $error }

## Signature line of a decrypted token (token/verify.rs)

verify-not-decrypted = not decrypted: { $reason }
verify-encrypted-decrypted = encrypted with { $alg } / { $enc }, decrypted with key { $key } (OIDC Core §10.2: signed, then encrypted)
verify-decrypted-unsigned = { $decrypted }; it holds { $content }, signed by nobody: nothing proves who wrote it

## The inspector (ui/token_panel.rs, ui/verify_views.rs)

fact-encryption = Cipher
decryption-keys-title = Decryption keys (private, for JWE)
decryption-allow-rsa1-5 = Allow RSA1_5 (unsafe, RFC 8725 §3.2)
decryption-allow-rsa1-5-hint = RSA1_5 key encryption is open to padding-oracle attacks; decrypt it only to inspect a token you trust
claims-encrypted-load-key = An encrypted token: load the recipient's private key (a JWK, PEM or PKCS#12 file) in the Keys tab to read it.
claims-decrypted-text = The decrypted plaintext is not a claims set:
claims-decrypted-binary = The decrypted plaintext is { $length } bytes that are not text.

## Encryption (token/jwe/seal.rs): the sandbox seals ID tokens and UserInfo

jwe-seal-unsupported = cannot encrypt with { $what }: tokenscope seals RSA-OAEP-256 or RSA-OAEP with A128GCM, A192GCM or A256GCM
jwe-seal-random = no randomness from the operating system for the content key: { $error }
jwe-seal-key-encryption = { $alg } could not encrypt the content key: { $error }
jwe-seal-content = { $enc } could not encrypt the content: it is too long
