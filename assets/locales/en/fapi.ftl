# Conformance check sets (src/oauth/fapi.rs) and their badge.

fapi-no-authorization-request = the default grant is { $grant }: no authorization request
fapi-par-on = PAR is on: the authorization parameters go to the PAR endpoint
fapi-par-required = the provider requires PAR (require_pushed_authorization_requests)
fapi-par-off = PAR is off: the authorization parameters travel through the browser
fapi-par-no-endpoint = PAR is on, but neither the profile nor the metadata has a PAR endpoint
fapi-pkce-not-s256 = PKCE is { $mode }; S256 is required
fapi-pkce-unlisted = the provider lists code_challenge_methods_supported { $listed }, without S256
fapi-pkce-s256 = code_challenge_method=S256 on every authorization request
fapi-dpop-on = DPoP is on: tokens are bound to the run's key
fapi-dpop-not-offered = DPoP is on, but the provider does not advertise it (no dpop_signing_alg_values_supported)
fapi-mtls-bound-unknown = whether the provider binds tokens to the client certificate is known after discovery
fapi-mtls-bound = mTLS: the provider binds tokens to the client certificate
fapi-mtls-not-bound = a client certificate, but the provider does not say tls_client_certificate_bound_access_tokens
fapi-bearer-tokens = plain bearer tokens: turn DPoP on or use a client certificate (mTLS)
fapi-needs-discovery = known after discovery (run Discover)
fapi-iss-supported = the provider sends iss in the authorization response
fapi-iss-not-supported = the provider does not say authorization_response_iss_parameter_supported
fapi-alg-hmac = client_secret_jwt signs with HMAC; allowed: { $allowed }
fapi-alg-from-key = the assertion's algorithm comes from the key: name one of { $allowed }
fapi-alg-assertion-ok = the client assertion is signed with { $alg }
fapi-alg-assertion-bad = the client assertion is signed with { $alg }; allowed: { $allowed }
fapi-alg-id-token-ok = the provider can sign ID tokens with { $alg }
fapi-alg-id-token-bad = the provider signs ID tokens with { $listed }; allowed: { $allowed }
fapi-alg-not-offered = the provider's { $member } is { $listed }, none of { $allowed }
fapi-client-auth-weak = { $method } is not allowed: use private_key_jwt or tls_client_auth
fapi-client-auth-unlisted = the provider does not list { $method } (token_endpoint_auth_methods_supported: { $listed })
fapi-client-auth-ok = the client authenticates with { $method }
fapi-password-grant = the default grant is password (resource owner password credentials)
fapi-response-type = response_type={ $value } in the extra parameters: only code is allowed
fapi-code-only = authorization code only
fapi-no-assertion = no client assertion: the client authenticates with { $method }
fapi-aud-issuer = the assertion's aud is the issuer
fapi-aud-token-endpoint = the assertion's aud is the token endpoint; FAPI 2.0 wants the issuer, as a string
fapi-aud-custom = the assertion's aud is { $value }, not the issuer
fapi-mode-fragment = response_mode=fragment puts the response in the address fragment
fapi-mode-query-implicit = response_mode=query with an implicit response_type
fapi-mode-unlisted = the provider does not list response_mode { $mode } (response_modes_supported: { $listed })
fapi-mode-default = the default (query)
fapi-mode-ok = response mode: { $mode }
fapi-request-object-off = signed request objects are off
fapi-request-object-no-par = signed request objects are on, but PAR is off: they must go to the PAR endpoint
fapi-request-object-on = the authorization request is a signed request object, pushed to the PAR endpoint
fapi-jarm-off = response mode is { $mode }; JARM needs jwt (or query.jwt, fragment.jwt, form_post.jwt)
fapi-jarm-on = JWT-secured authorization response ({ $mode })
fapi-alg-nothing = nothing to check: no client assertion, and the provider lists no ID token algorithms
finding-conformance-unknown = No check set is named { $set }; known sets: { $known }

# The badge and the form.
conformance-check-against = Check against
conformance-check-against-hover = A named set of rules the profile is checked against; the badge shows how many pass
conformance-none = Nothing
conformance-badge = { $set } { $passed }/{ $total }
conformance-badge-failing = { $count } failing
conformance-badge-unknown = { $count } unknown
conformance-badge-hover = { $set }: { $passed } of { $total } rules pass. Rules marked unknown need the provider's metadata (Discover).
conformance-details = { $set }: the rules
conformance-rule-pass = pass
conformance-rule-fail = fail
conformance-rule-unknown = unknown
conformance-rule-not-applicable = not applicable
conformance-source = Source: { $source }
preset-fapi2-summary = A FAPI 2.0 client (Security Profile): discovery, private_key_jwt with PS256 and aud = issuer, PKCE S256, PAR and DPoP; checked against FAPI 2.0
preset-fapi-sek-summary = A ФАПИ.СЕК bank client (СТО БР ФАПИ.СЕК-1.6-2024 as understood here): mTLS client authentication and certificate-bound tokens, GOST R 34.10-2012, PKCE S256, PAR; checked against ФАПИ.СЕК
