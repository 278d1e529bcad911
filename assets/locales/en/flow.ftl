# The flow side of the window: step cards, the grant's inputs, the device
# card, the sequence diagram, the presenter's narration, the step summaries
# and the page the loopback listener shows after the redirect.

## Steps: title, purpose (on the card), narration (presenter mode)

step-title-discovery = Discovery
step-title-authorize = Authorize
step-title-callback = Callback
step-title-token = Token
step-title-userinfo = UserInfo
step-title-refresh = Refresh
step-title-client-credentials = Client credentials
step-title-introspection = Introspection
step-title-revocation = Revocation
step-title-password = Password
step-title-device-authorization = Device authorization
step-title-device-token = Device token
step-title-extension-grant = Extension grant
step-title-logout = Logout

step-purpose-discovery = The app reads the provider's metadata document to learn its endpoints, keys and what it supports.
step-purpose-authorize = The browser takes the user to the provider, who signs in and consents; the app never sees the password.
step-purpose-callback = The provider sends the browser back to the app with a one-time code; the app checks state so the answer belongs to this attempt.
step-purpose-token = The app trades the code (and the PKCE verifier) for tokens, talking to the provider directly, not through the browser.
step-purpose-userinfo = The app presents the access token to the provider's UserInfo endpoint to learn who signed in.
step-purpose-refresh = The app uses the refresh token to get a new access token without asking the user again.
step-purpose-client-credentials = The app authenticates as itself, with no user involved, and gets an access token for its own use.
step-purpose-introspection = The app asks the provider whether a token is still active and what it allows, as a resource server would.
step-purpose-revocation = The app tells the provider it no longer needs a token, so the provider stops accepting it.
step-purpose-password = The app sends the user's name and password to the token endpoint (RFC 6749 §4.3); legacy, but still met.
step-purpose-device-authorization = The device gets a device code and a user code; the user approves on another screen (RFC 8628 §3.1).
step-purpose-device-token = The device polls the token endpoint at the given interval until the user approves, refuses, or the code expires (RFC 8628 §3.4).
step-purpose-extension-grant = The app sends a grant type the provider defined, with its own fields (RFC 6749 §4.5).
step-purpose-logout = The browser goes to the provider's end-session endpoint and comes back with the app's state (RP-Initiated Logout §2).

step-narration-discovery = Before anything else, our app asks the authorization server for its business card: the metadata document. It lists where to send the user, where to trade codes for tokens, and the keys the server signs with. Nobody has signed in yet.
step-narration-authorize = Our app does not ask for the password. It opens the user's own browser on the authorization server's sign-in page, with a random state to recognise the answer and a PKCE challenge to prove later that it is the same app. The user signs in there and agrees.
step-narration-callback = The authorization server sends the browser back to our app with a one-time code. The app first checks that state is the one it sent — otherwise the answer may belong to someone else's attempt — and, when the server says who it is with iss, that too.
step-narration-token = Now our app talks to the authorization server directly, not through the browser. It hands over the code and the PKCE verifier — the secret behind the challenge — and, for a confidential client, its own credentials. Back come the tokens: an access token for APIs, an ID token saying who signed in, and often a refresh token.
step-narration-userinfo = With the access token as its pass, the app asks the UserInfo endpoint who the user is. The access token is like a ticket: whoever holds it may use it, which is why it lives only minutes.
step-narration-refresh = When the access token runs out, the app trades the long-lived refresh token for a fresh one, without bothering the user. A refresh token is a secret as precious as a password.
step-narration-client-credentials = No user is involved: the app signs in as itself, with its own credentials, and gets an access token for the APIs it may call on its own behalf.
step-narration-introspection = The app asks the authorization server what a token means: whether it is still active, for whom and until when. An opaque token can only be understood this way.
step-narration-revocation = The app tells the authorization server it is done with a token, so that nobody can use it any more, even if it leaked.
step-narration-password = The old way: the app asks the user for their password itself and hands it to the authorization server. It works, but the app sees the password, so OAuth 2.1 drops this grant; it survives in legacy and internal systems.
step-narration-device-authorization = A TV or a command-line tool has no good keyboard or browser. It asks the authorization server for two codes: a secret one for itself, and a short one for the user to type on their phone or laptop.
step-narration-device-token = While the user types the code elsewhere, the device asks the token endpoint again and again, politely: not faster than told, slower when told to slow down, until the user approves or refuses, or the code expires.
step-narration-extension-grant = Some providers invent their own ways to get a token: an exchange's passport certificate, or trading one token for another. The app sends the grant type the provider defined and the fields it asks for.
step-narration-logout = The app sends the browser to the provider to end the user's session there too, with the ID token as a hint of who is leaving; the provider sends the browser back with the state the app gave.

## The flow panel

flow-intro = Walks the profile's grant (see Grant in the profile) one step at a time.
flow-plan = The way ahead: the steps of this grant, before the first one
flow-private-key-error = The client's private key: { $error }
flow-decryption-key-error = The decryption key: { $error }
flow-auto-refresh-next = Automatic refresh is on: next at { $time }.
flow-auto-refresh-retry = The refresh failed { $count ->
    [one] once
   *[other] { $count } times in a row
}: next try at { $time }.
flow-auto-refresh-stopped = Automatic refresh stopped after { $count } failed refreshes in a row. Read the last Refresh card, then refresh by hand, or switch automatic refresh off and on to try again.
flow-earlier-steps-dropped = { $count ->
    [one] { $count } earlier step not kept
   *[other] { $count } earlier steps not kept
}
flow-start = Start the flow
flow-start-over = Start over
flow-start-hover = A new run: fresh state, nonce and PKCE verifier
flow-cancel = Cancel
flow-show-tokens = Show tokens in the inspector
flow-export-har = Export HAR…
flow-export-har-hover = A HAR 1.2 file for browser devtools; secrets and tokens masked
flow-export-report = Export report…
flow-export-report-hover = A Markdown report for a support ticket; secrets and tokens masked
flow-export-saved = Saved { $path } (secrets and tokens masked).
flow-auto-refresh = Refresh automatically
flow-auto-refresh-hover = Sends the refresh request 30 s before the access token expires
flow-verifying = Verifying the tokens: fetching the provider's keys…
flow-verified-token = Verified: { $title }, signature { $signature }; { $count } checks pass
flow-not-verified = Not verified: { $what }
flow-verification-error = The tokens could not be verified: { $error }
flow-run-values = This run:
flow-run-state = state { $value }
flow-run-nonce = nonce { $value }
flow-run-pkce = PKCE { $method } challenge { $value }
flow-prepare = Prepare
flow-waiting = waiting…
flow-pending = pending
flow-duration-ms = { $count } ms
flow-load-ca = Load the provider's CA certificate…
flow-open-tls = Open the TLS settings
flow-tls-fix-hover = The profile's TLS settings; save the profile to keep a change
flow-request-as-sent = Request as sent
flow-copy-curl = Copy as curl
flow-copy-curl-hover = A curl command for this request, secrets replaced by placeholders
flow-response-as-received = Response as received
flow-html-instead = An HTML page came back instead of an API answer.
flow-answer-cut = The answer was cut at { $size }: the server sent more than the profile's largest answer allows. What came is kept.
flow-body-preview = Showing the first { $shown } of { $total }.
flow-body-show-all = Show all
flow-body-show-less = Show the first part only
flow-body-save = Save to file…
flow-body-save-hover = Write the whole body, as it was sent or received, to a file
flow-press-enter = Press Enter to send.
flow-copy-url = Copy URL
flow-copy-url-hover = The authorization URL, to open in any browser by hand
flow-no-browser = No browser could be opened ({ $reason }): copy the URL into a browser; the run still listens for the redirect.
flow-open-browser = Open the browser
flow-open-browser-hover = Opens the system browser on this address
flow-paste-redirect = Paste the address the browser ended on:
flow-use-it = Use it
flow-send = Send
flow-reset = Reset to generated
flow-assertion-decoded = client_assertion, decoded (header . claims):
flow-method = Method
flow-url = URL
flow-headers = Headers
flow-body = Body

## The grant's inputs and the profile form's grant sections

grant-label = Grant
grant-authorization-code = authorization code
grant-client-credentials = client credentials
grant-password = password
grant-refresh = refresh (standalone)
grant-device = device
grant-extension = extension
grant-kept-refresh-token = Refreshing with the refresh token kept from the last run; paste another to use it instead.
grant-refresh-token = Refresh token
grant-refresh-token-hint = paste a refresh token
grant-username = Username
grant-password-label = Password
grant-password-note = The password is used for this run only and never saved.
grant-extension-no-fields = This extension grant has no fields: add them in the profile.
grant-keep-secrets = Keep the secret values in the secret store
grant-keep-secrets-hover = They never go into the profile file
grant-logout-no-id-token = No ID token to send as id_token_hint: the provider may ask the user to confirm.
grant-sign-out = Sign out at the provider
grant-sign-out-hover = Opens the end-session URL and waits for the redirect back with our state
grant-key-file = Private key file
grant-key-file-hint = /path/to/client-key.pem (PKCS#8 or PKCS#1)
grant-key-id = Key id (kid)
grant-optional = optional
grant-algorithm = Algorithm
grant-algorithm-hint = empty: from the key (RS256, ES256, ES384, EdDSA); or PS256
grant-assertion-aud = Assertion aud
grant-aud-token-endpoint = token endpoint
grant-aud-issuer = issuer
grant-aud-custom = custom
grant-fields = Grant fields
grant-add-field = Add field
grant-field-name = name
grant-field-secret = secret
grant-field-secret-note = typed in the flow, kept in the secret store
grant-field-value = value
grant-field-remove = Remove

## The device card (RFC 8628 §3.3)

device-send-first = Send the device authorization request first.
device-open-on-other = On another device, open
device-enter-code = and enter the code
device-open-browser = Open in the browser
device-waiting = Waiting for the user: poll { $poll } in { $left } s (every { $interval } s).
device-stop-polling = Stop polling
device-polling-stopped = Polling stopped. Start over for a new code, or poll again if the code is still valid.
device-start-polling = Start polling
device-start-polling-hover = Asks the token endpoint at the interval the provider gave, until the user approves
device-qr-too-long = (the address is too long for a QR code)
device-qr-hover = QR code of { $url }

## The sequence diagram

seq-lane-browser = User / browser
seq-lane-app = tokenscope (client)
seq-lane-as = Authorization server
seq-lane-rs = Resource server (UserInfo)
seq-get-metadata = GET metadata
seq-endpoints-keys = endpoints, keys
seq-open-authorize = open the authorize URL
seq-sign-in = sign in, consent
seq-redirect-code = redirect with code
seq-code-state = code + state
seq-code-verifier = code + PKCE verifier
seq-tokens = tokens
seq-access-token = access token
seq-who = who the user is
seq-refresh-token = refresh token
seq-new-tokens = new tokens
seq-client-credentials = client credentials
seq-token = token
seq-active-claims = active, claims
seq-revoked = revoked
seq-name-password = name + password
seq-password-grant = password grant
seq-device-authorization = device authorization
seq-device-user-code = device code, user code
seq-show-user-code = show the user code
seq-type-code = type the code, approve
seq-poll = poll with the device code
seq-pending-tokens = pending ... tokens
seq-grant-fields = grant_type + fields
seq-open-end-session = open end-session URL
seq-end-session = end the session
seq-redirect-state = redirect with state
seq-state = state

## Step summaries and failures shown on the cards (and by `tokenscope run`)

run-discovery-endpoints = { $count ->
    [0] endpoints already set; the metadata agrees
    [one] { $count } endpoint from the metadata
   *[other] { $count } endpoints from the metadata
}
run-browser-sent = the browser was sent to the provider
run-code-state-iss = code received; state and iss match
run-code-state = code received; state matches
run-no-code = There is no code yet: finish the callback step first.
run-no-access-token = There is no access token yet.
run-userinfo-claims = { $count } claims
run-userinfo-sub = { $count } claims, sub { $sub }
run-userinfo-jwt = a signed JWT (application/jwt)
run-jwe-id-token = ID token
run-jwe-userinfo = UserInfo answer
run-jwe-decrypted = { $what } encrypted with { $alg } / { $enc }, decrypted with key { $key }
run-jwe-no-key = The { $what } is encrypted ({ $alg } / { $enc }, OIDC Core §10.2) and the profile has no decryption key: set its decryption key file (JWK/JWKS with private parts, a PEM/PKCS#8 private key, or PKCS#12 with its passphrase), or pass run --decryption-key FILE.
run-jwe-key-pending = The { $what } is encrypted ({ $alg } / { $enc }, OIDC Core §10.2), and the profile's decryption key file was still being read: start the run again.
run-jwe-key-unreadable = The { $what } is encrypted ({ $alg } / { $enc }, OIDC Core §10.2), but the profile's decryption key could not be read: { $error }
run-jwe-failed = The { $what } is encrypted ({ $alg } / { $enc }, OIDC Core §10.2) and the profile's decryption key does not open it: { $error }. Is it the private half of the key registered with the provider for encryption (its jwks or jwks_uri, use "enc")?
run-paste-refresh = Paste a refresh token first.
run-no-refresh = The token response had no refresh token.
run-type-password = Type the password for this run first.
run-device-authorized = user code { $code } at { $uri }; expires in { $expires } s, poll every { $interval } s
run-interval-adjusted = interval is { $value } s: not a real polling interval; polling every { $used } s
run-device-lifetime-adjusted = expires_in is { $value } s: not a real lifetime; polling stops after { $used } s at the latest
run-no-device-code = There is no device code yet: send the device authorization first.
run-slow-down = slow_down: the provider asked to poll more slowly (RFC 8628 §3.5): every { $interval } s from now on.
run-pending = authorization_pending: the user has not approved yet; next poll in { $interval } s.
run-signed-out = signed out at the provider; state matches
run-no-logout = No logout was started in this run.
run-revoked = the access token was revoked
run-no-issuer = The profile has no issuer or discovery URL.
run-in-browser = This step happens in the browser.
run-access-token-lifetime = access token ({ $seconds } s)
run-unreal-lifetime = { $name } is { $value } s: not a real lifetime
run-access-token = access token
run-id-token = ID token
run-refresh-token = refresh token
provider-clock-ahead = the provider's clock is { $span } ahead of yours (by its Date header)
provider-clock-behind = the provider's clock is { $span } behind yours (by its Date header)
run-discovery-fallback = { $urls } answered 404 first (no OpenID metadata there; RFC 8414 §3.1)
run-verification-failed = the tokens did not verify: { $what }
run-id-token-kept = ID token kept from before (the answer had none, OIDC Core §12.2)
run-refresh-token-kept = refresh token kept (the answer had none, RFC 6749 §6)
run-cancelled = Cancelled.
run-polling-cancelled = Cancelled: polling stopped.
run-device-expired = The device code expired before the user approved: start over for a new device authorization request (RFC 8628 §3.5).
run-no-authorization-endpoint = The profile has no authorization endpoint: run discovery or type it in.
run-no-token-endpoint = The profile has no token endpoint: run discovery or type it in.
run-no-introspection-endpoint = The profile has no introspection endpoint: run discovery or type it in.
run-no-revocation-endpoint = The profile has no revocation endpoint: run discovery or type it in.
run-no-userinfo-endpoint = The profile has no UserInfo endpoint.
run-no-device-endpoint = The profile has no device authorization endpoint: run discovery or type it in.
run-no-end-session = The profile has no end_session_endpoint: the provider does not offer RP-initiated logout, or discovery has not run.
run-logout-problem = Logout: { $problem }.
run-type-username = Type the user name for the password grant.
run-no-grant-type = The extension grant has no grant_type: set it in the profile.
run-no-assertion = No client assertion: { $error }. { $method } signs a JWT for every request (RFC 7523 §2.2): check the client authentication settings of the profile.

## The page the browser shows after the redirect

callback-page-finished = Sign-in finished
callback-page-received = tokenscope received the redirect and checks it now.
callback-page-failed = Sign-in failed
callback-page-error = The redirect carries the error { $error }
callback-page-close = You can close this window or tab and go back to tokenscope.

## Answers the step could not use

run-http-no-oauth-error = The provider answered HTTP { $status } with no OAuth error.
run-userinfo-refused = The UserInfo endpoint refused the access token (HTTP { $status }).
run-userinfo-http = The UserInfo endpoint answered HTTP { $status }.
run-introspection-inactive = inactive: the token is expired, revoked, unknown or not for this client
run-introspection-refused = The introspection endpoint refused the client (HTTP { $status }).
run-introspection-http = The introspection endpoint answered HTTP { $status } with no OAuth error.
run-introspection-no-active = The introspection response has no boolean `active` (RFC 7662 §2.2 requires one).
run-jwe-introspection = introspection answer
run-introspection-jwt-needs-keys = The introspection answer is a JWT (application/token-introspection+jwt, RFC 9701 §5): it needs the provider's keys to be checked before its members are used.
run-introspection-jwt-no-jwks = The profile has no jwks_uri to check the JWT introspection answer with.
run-introspection-jwt-not-text = The introspection answer says it is a JWT (application/token-introspection+jwt) but its body is not text: no JWT (RFC 9701 §5).
run-introspection-jwt-unsigned = The introspection answer was encrypted but not signed ({ $decrypted }): RFC 9701 §5 wants it signed by the provider, so its members are not used.
run-introspection-jwt-refused = The JWT introspection answer was refused, so its members are not used: { $rows }
run-introspection-jwt-verified = { $summary }; the JWT answer verified ({ $signature }; typ, iss, aud and iat checked)
introspection-jwt-too-large = the answer is { $size } bytes; an introspection answer is at most { $max }: refused unread
introspection-jwt-signed = a signed JWT (JWS)
introspection-jwt-not-jwt = the answer is not a JWT: { $error }
introspection-jwt-still-encrypted = the answer is still encrypted (JWE): it is decrypted with the client's key before its signature is checked
introspection-jwt-nested = the answer holds a nested token where RFC 9701 has the signed claims
introspection-jwt-typ-wrong = typ is { $typ }, not token-introspection+jwt: this JWT is not an introspection answer
introspection-jwt-typ-none = no typ header: an introspection answer is typed token-introspection+jwt
introspection-jwt-no-issuer = the profile has no issuer to compare iss with: set its issuer
introspection-jwt-answer-not-object = token_introspection is { $kind }, not a JSON object with the RFC 7662 members
run-revocation-http = The revocation endpoint answered HTTP { $status } with no OAuth error.
run-no-answer = No answer: { $error }.
run-redirected = HTTP { $status }: the endpoint redirects to { $location }; tokenscope does not follow redirects of API calls.
run-redirect-no-location = HTTP { $status }: a redirect without a Location header; tokenscope does not follow redirects of API calls.
run-body-unreadable = HTTP { $status }: the body is neither JSON nor form-encoded.
run-body-html = HTTP { $status }: an HTML page came back instead of an API answer.
run-body-empty = HTTP { $status }: the body is empty.
run-body-cut = HTTP { $status }: { $note }, so it cannot be read as a whole.
run-provider-error = The provider answered with an error: { $error }
run-http-error = HTTP { $status }: { $error }
run-device-not-json = HTTP { $status }: the device authorization answer is not JSON.
run-device-missing = The device authorization answer has no { $name } (RFC 8628 §3.2 requires it).

## The redirect: why it cannot be used, why none arrived

callback-duplicate = the redirect carries `{ $name }` more than once, so its value cannot be trusted (RFC 6749 §3.1: response parameters MUST NOT be included more than once)
callback-state-missing = the redirect has no state, but this run sent one; the response cannot be tied to this sign-in and may be forged (RFC 6749 §4.1.2, §10.12)
callback-state-mismatch = state mismatch: the redirect's state is `{ $received }` but this run sent `{ $expected }`; the response may belong to another attempt or be forged (RFC 6749 §10.12)
callback-issuer-mismatch = issuer mismatch: the redirect says it comes from `{ $received }` but this run asked `{ $expected }` (compared character for character); the response must not be used, it may come from a mix-up attack (RFC 9207 §2.4)
callback-issuer-missing = the redirect has no iss, but the provider's metadata says authorization_response_iss_parameter_supported; the response must not be used (RFC 9207 §2.4)
callback-error-response = the authorization server answered `{ $error }`{ $description }{ $uri } (RFC 6749 §4.1.2.1)
callback-more-at = {" "}(more at { $uri })
callback-code-missing = the redirect has neither a code nor an error (RFC 6749 §4.1.2)
callback-redirect-mismatch = the pasted address starts with `{ $received }`, not with this run's redirect URI `{ $expected }`; it may belong to another profile (RFC 6749 §3.1.2)
callback-invalid-uri = `{ $uri }` is not a usable redirect URI: { $reason }
callback-uri-fragment = a redirect URI must not have a fragment (RFC 6749 §3.1.2)
callback-uri-not-absolute = it is not an absolute URI (RFC 6749 §3.1.2)
callback-uri-userinfo = user information (`user@`) does not belong in a redirect URI
callback-uri-port = its port is not a number from 0 to 65535
callback-not-loopback = `{ $uri }` is not a loopback redirect URI (http://127.0.0.1:PORT/path, http://[::1]:PORT/path or http://localhost:PORT/path, RFC 8252 §7.3), so tokenscope cannot listen for it; paste the address the browser ends on instead
callback-no-port = the loopback redirect URI `{ $uri }` has no port, and the listener needs one: use e.g. http://127.0.0.1:53682/callback, or port 0 if the provider accepts any port (RFC 8252 §7.3)
callback-port-in-use = port { $port } is in use by another program; close it or change the redirect URI's port
callback-bind = cannot listen on { $addr }: { $error }
callback-timed-out = no redirect arrived within { $timeout }; start the sign-in again
callback-cancelled = the sign-in was cancelled before the redirect arrived
callback-already-taken = the redirect was already taken from this listener
callback-malformed = not a redirect address: { $reason }
callback-nothing-pasted = nothing was pasted
callback-no-code-or-error = the pasted address has neither a code nor an error in its query or fragment; copy the whole address the browser ended on (RFC 6749 §4.1.2)
callback-io = the redirect listener failed: { $error }
callback-ignored-requests = { $count ->
    [one] { $count } request to the port was ignored
   *[other] { $count } requests to the port were ignored
} (wrong or missing state): something else on this machine is calling it.

## Client assertions (RFC 7523 §2.2)

assertion-no-key-file = private_key_jwt needs the client's private key: set the key file (PEM) in the profile
assertion-key-not-loaded = the client's private key has not been loaded yet
assertion-key-file = could not read the key file { $path }: { $reason }
assertion-no-secret = client_secret_jwt needs the client secret (it is the HMAC key)
assertion-no-audience = the assertion has no audience: the profile needs a token endpoint (or an issuer, or a custom audience)
assertion-alg-mismatch = { $alg } cannot be used with { $key ->
    [RSA] an RSA
    [Ed25519] an Ed25519
   *[other] a { $key }
} key
assertion-signing = signing the assertion failed: { $reason }
assertion-key-encrypted = the key file is encrypted: export it unencrypted (openssl pkcs8 -nocrypt) and keep the file private
assertion-key-not-pem = the key file holds no PEM private key (-----BEGIN PRIVATE KEY-----)
assertion-key-unknown = the private key is not RSA, P-256, P-384, Ed25519 or GOST R 34.10-2012 in PKCS#8 (nor RSA in PKCS#1, nor P-256 or P-384 in SEC1)
assertion-pkcs12 = the PKCS#12 file { $reason }
assertion-key-file-kind = the key file is neither PEM, a JWK (JSON), PKCS#12 nor DER PKCS#8
assertion-jwk-not-json = the JWK is not JSON: { $error }
assertion-jwk-not-object = the JWK is not a JSON object
assertion-jwks-no-private = the JWK Set holds no private key (no member "d")
assertion-jwk-for-encryption = the JWK is an encryption key ("use": "enc"), not a signing key
assertion-jwk-public = the { $kty } JWK is a public key: signing needs its private member "d"
assertion-jwk-curve = the EC JWK's curve { $crv } cannot sign here (P-256 and P-384 can)
assertion-jwk-kty = a JWK of type "{ $kty }" cannot sign here (RSA, EC and OKP Ed25519 can)
assertion-jwk-mismatch = the JWK's "d" does not belong to its public key "x"

## Opening the browser

run-browser-failed = could not open the system browser: { $error }
run-browser-command-empty = the browser command is empty
run-browser-command-failed = could not run { $program }: { $error }
browser-url-refused = not opened in the browser: the address { $why }
browser-url-scheme = uses { $scheme }:, and only http:// and https:// addresses are opened (another scheme could run code or open a file on this machine)
browser-url-control = contains control characters or surrounding spaces
flow-tokens-in-full = Show { $count ->
    [one] the token
   *[other] the { $count } tokens
} in full
flow-tokens-shorten = Shorten tokens
flow-token-shortened = { $head }…{ $tail } ({ $count } characters)
flow-token-claims = { $count ->
    [one] { $count } claim
   *[other] { $count } claims
}
flow-token-verified = verified
flow-token-check-failed = check failed: { $check }
flow-open-in-inspector = Open in the inspector
flow-open-in-inspector-hover = The run's tokens in the inspector: header, payload, signature, every check, comparison
authorize-column-parameter = Parameter
authorize-column-value = Value
authorize-column-meaning = What it is for
authorize-param-unknown = (not a standard parameter: the provider's own, or a typo)
authorize-param-response-type = What the client wants back: code for the code flow (RFC 6749 §3.1.1)
authorize-param-client-id = Which application asks, as registered at the provider (RFC 6749 §2.2)
authorize-param-redirect-uri = Where the provider sends the browser back; must match a registered address exactly (RFC 6749 §3.1.2)
authorize-param-scope = What access is asked for; openid makes it an OpenID Connect login (RFC 6749 §3.3)
authorize-param-state = A random value the app checks on return, so a forged redirect is refused (CSRF, RFC 6749 §10.12)
authorize-param-nonce = A random value the ID token must carry back, against replayed tokens (OIDC Core §3.1.2.1)
authorize-param-code-challenge = The hash of the PKCE verifier the app keeps; only it can trade the code (RFC 7636 §4.2)
authorize-param-code-challenge-method = How the challenge was made: S256, the SHA-256 hash (RFC 7636 §4.3)
authorize-param-response-mode = How the answer comes back: query, fragment, form_post or a signed JWT (OAuth 2.0 Multiple Response Types)
authorize-param-prompt = Whether the provider must ask again: none, login, consent, select_account (OIDC Core §3.1.2.1)
authorize-param-login-hint = Who is expected to sign in, to fill in the login form (OIDC Core §3.1.2.1)
authorize-param-max-age = The oldest sign-in accepted, in seconds; older means sign in again (OIDC Core §3.1.2.1)
authorize-param-acr-values = The strength of sign-in asked for, e.g. two factors (OIDC Core §3.1.2.1)
authorize-param-ui-locales = The languages the login page should use (OIDC Core §3.1.2.1)
authorize-param-claims = Individual claims asked for in the ID token or UserInfo (OIDC Core §5.5)
authorize-param-display = How the login page is shown: page, popup, touch (OIDC Core §3.1.2.1)
authorize-param-id-token-hint = An earlier ID token, naming the user already signed in (OIDC Core §3.1.2.1)
authorize-param-request = The whole request as a signed JWT (RFC 9101)
authorize-param-request-uri = A reference to a request pushed beforehand (RFC 9126) or published by the client (RFC 9101)
authorize-param-resource = The API the token is for (RFC 8707)
authorize-param-audience = The API the token is for, in the provider's own parameter (Auth0, Okta)
authorize-param-dpop-jkt = The thumbprint of the key the tokens will be bound to (RFC 9449 §10)
run-dpop-no-key = No DPoP proof key for this run: the system's randomness could not make one. Start the run again.
flow-dpop-decoded = The DPoP proof (RFC 9449 §4.2), decoded:
run-dpop-bound = DPoP-bound (token_type DPoP)
run-dpop-bound-jkt = DPoP-bound to this run's key (token_type DPoP, cnf.jkt matches)
run-dpop-not-bound = not sender-constrained: token_type is { $kind }, not DPoP (RFC 9449 §5)
run-dpop-other-key = bound to another key: cnf.jkt is { $jkt }, this run's key is { $ours } (RFC 9449 §6.1)

## JWT-secured authorization responses (JARM)

jarm-too-large = the response is { $size } bytes; an authorization response is at most { $max }: refused unread
jarm-signed-jwt = a signed JWT (JWS)
jarm-not-jwt = the response is not a JWT: { $error }
jarm-nested = the response holds a nested token where JARM has the signed claims of the authorization response
jarm-encrypted-no-key = encrypted (JWE, { $alg }, { $enc }); needs a decryption key: add the client's private key
jarm-decrypted-signed = { $decrypted }; a signed JWT inside
jarm-decrypted = { $decrypted }
jarm-decrypted-not-jwt = { $decrypted }, but the plaintext is not a JWT
jarm-state-for-caller = state is { $state }: the client compares it with the state it sent
jarm-state-none = no state in the response (none is needed when none was sent)
jarm-state-match = state is the one sent
jarm-state-mismatch = state is { $state } but the request sent { $expected }: the response belongs to another request
jarm-state-missing = no state in the response, but the request sent { $expected }

# Pushed authorization requests (RFC 9126) and request objects (RFC 9101)
step-title-par = Pushed authorization request
step-purpose-par = The app sends the authorization parameters straight to the provider and gets a short-lived request_uri for the browser (RFC 9126).
step-narration-par = Before the browser is involved, the app posts everything the sign-in needs — who it is, where to return, PKCE, state — directly to the authorization server, authenticated like a token request. Nothing can be changed in the browser's address bar, and the browser only carries a reference.
seq-push-parameters = push parameters
seq-request-uri = request_uri
run-no-par-endpoint = The profile has no pushed authorization request endpoint: discover it (pushed_authorization_request_endpoint) or type it.
run-par-no-request-uri = The PAR answer has no request_uri (RFC 9126 §2.2 requires one).
run-par-no-expires-in = The PAR answer has no positive expires_in (RFC 9126 §2.2 requires one).
run-par-pushed = request_uri { $uri }, valid for { $seconds } s
run-par-not-pushed = The parameters have not been pushed yet: send the pushed authorization request first.
run-par-expired = The request_uri has expired (it was valid for { $seconds } s): push the parameters again.
run-request-object-failed = Could not sign the request object: { $error }
run-jarm-verified = { $summary }; the JWT-secured response verified ({ $signature }; iss, aud, exp and state checked)
run-jarm-refused = The JWT-secured authorization response was refused, so its code is not used: { $rows }
run-jarm-needs-keys = The redirect is a JWT-secured response (JARM): it needs the provider's keys to be checked before its code is used.
run-jarm-no-jwks = The profile has no jwks_uri to check the JWT-secured response with.

## CIBA, poll mode (OpenID Client-Initiated Backchannel Authentication Core 1.0)

step-title-backchannel-authentication = Backchannel authentication
step-title-ciba-token = Poll for tokens
step-title-ciba-token-ping = Tokens after the ping
step-purpose-backchannel-authentication = The app asks the provider, directly, to reach the user on their phone with a binding message; the answer is an auth_req_id (CIBA Core §7.1).
step-purpose-ciba-token = The app polls the token endpoint with the auth_req_id until the user approves on the phone, denies, or the request expires (CIBA Core §10.1).
step-narration-backchannel-authentication = Here the user is not in front of our app at all: think of a call-centre operator or a shop till. The app names the user with a hint and asks the authorization server, over the back channel, to reach them on their phone. A short binding message appears on both screens, so the user knows the request on the phone is this one.
step-narration-ciba-token = The user reads the binding message on the phone and approves or denies there. Meanwhile the app asks the token endpoint with the request's id, politely, at the given interval, until the tokens come, the user says no, or the request expires.
grant-ciba = CIBA (backchannel)
ciba-hint-kind = User named by
ciba-hint = Hint
ciba-hint-hint = anna, anna@example.test, a phone number
ciba-hint-id-token = empty: the ID token of this run
ciba-binding-message = Binding message
ciba-binding-message-hint = shown here and on the phone, e.g. Order 4281
ciba-user-code = User code
ciba-acr-values = acr_values
ciba-requested-expiry = requested_expiry, s
ciba-optional = optional
ciba-inputs-note = The provider reaches the user named by the hint; the binding message ties the phone's prompt to this screen (CIBA Core §7.1).
ciba-send-first = Send the backchannel authentication request first.
ciba-phone-shows = The user's phone shows:
ciba-no-binding-message = (no binding message was sent)
ciba-expires-in = The request expires in { $left } s.
ciba-expired = The request has expired: start over for a new one.
ciba-approve-on-phone = Approve or deny on the phone; with the sandbox, its phone page stands in for it.
seq-backchannel-request = hint + binding message
seq-auth-req-id = auth_req_id, expires_in
seq-ask-on-phone = binding message on the phone
seq-approve-on-phone = approve on the phone
seq-poll-ciba = poll with auth_req_id
run-ciba-authorized = auth_req_id received; expires in { $expires } s, poll every { $interval } s
run-ciba-binding = the phone shows “{ $message }”
run-no-ciba-endpoint = The profile has no backchannel authentication endpoint: run discovery or type it in.
run-ciba-no-hint = CIBA names the user with { $name }: type it in the grant's inputs (or pass --login-hint) first (CIBA Core §7.1).
run-no-auth-req-id = There is no auth_req_id yet: send the backchannel authentication request first.
run-ciba-expired = The backchannel authentication request expired before the user approved: start over (CIBA Core §7.3 expires_in).
run-ciba-not-json = HTTP { $status }: the backchannel authentication answer is not JSON.
run-ciba-missing = The backchannel authentication answer has no { $name } (CIBA Core §7.3 requires it).
ciba-open-phone = Open the sandbox's phone page
step-narration-dpop = With DPoP, the request also carries a proof: a small JWT signed with a key only this app holds, naming the method and the address. The tokens that come back are bound to that key, so a stolen token is useless without it.
step-narration-jar = The parameters travel inside a request object: a JWT the app signs with its own key, so nobody on the way can change the redirect address, the scope or the PKCE challenge.
step-narration-jarm = The answer comes as a JWT signed by the authorization server (JARM): the app checks its signature, who issued it, who it is for and that it is fresh, before it trusts the code and state inside.
seq-with-dpop = { $label } + DPoP proof
seq-signed = { $label } (signed JWT)
seq-response-jwt = response JWT (JARM)
step-title-api-call = Call an API
step-purpose-api-call = The app calls an API of your choosing with the access token, as your service will (RFC 6750 §2.1; with DPoP, RFC 9449 §7).
step-narration-api-call = Now the token does what it is for: the app calls an API with it in the Authorization header. The API checks the token — its signature, issuer, audience, expiry and scopes — and answers, or says in a WWW-Authenticate challenge why not.
seq-api-answer = API answer
grant-api-url = API address
run-api-no-url = Give the address of an API to call (https://…).
run-api-no-token = There is no access token to call the API with yet.
run-api-answered = HTTP { $status }, { $bytes } bytes{ $media ->
    [none] {""}
   *[other] , { $media }
}
run-api-refused = The API refused the token (HTTP { $status }).
run-dpop-nonce-not-given = The server asks for a DPoP nonce but its answer carries no DPoP-Nonce header, so there is no nonce to send: the server is at fault (RFC 9449 §8, §9 require the header).
# CIBA ping mode (OpenID CIBA Core 1.0 §5, §10.2).
run-ciba-pinged = the provider pinged the notification endpoint (CIBA Core §10.2)
run-ping-cancelled = Cancelled: the wait for the provider's ping stopped.
run-ciba-no-notification-endpoint = Ping mode needs the client notification endpoint the client is registered with (backchannel_client_notification_endpoint), e.g. https://127.0.0.1:8766/ciba/notify: type it in the CIBA settings (or pass --ciba-notification-endpoint) (CIBA Core §10.2).
run-ciba-notification-not-loopback = The notification endpoint { $endpoint } is not a loopback address: tokenscope receives the ping only on 127.0.0.1, [::1] or localhost (CIBA Core §10.2).
step-narration-ciba-ping = In ping mode the app does not poll. Once the user has decided, the provider calls the app back: a POST to the app's notification endpoint carrying the request's id, with the client_notification_token the app sent as its bearer, so nobody else can fake the call. Only then does the app ask the token endpoint, once.
seq-ping = ping: auth_req_id (Bearer)
seq-token-request-ciba = token request with auth_req_id
ciba-waiting-for-ping = Waiting for the provider's ping at { $endpoint }: in ping mode the app does not poll.
ciba-pinged = The provider pinged: the tokens are being fetched.
ciba-delivery-mode = Token delivery
ciba-mode-poll = poll: the app polls
ciba-mode-ping = ping: the provider calls back
ciba-notification-endpoint = Notification endpoint
ciba-notification-endpoint-hint = as registered, e.g. https://127.0.0.1:8766/ciba/notify
ciba-ping-not-listening = The notification endpoint is not listening: send the backchannel authentication request again.
ciba-start-waiting = Wait for the ping
ciba-stop-waiting = Stop waiting
run-ciba-authorized-ping = auth_req_id received; expires in { $expires } s; the provider pings the notification endpoint once the user decided
step-narration-ciba-ping-token = In ping mode the request also carries a client_notification_token: a fresh random secret of this run that the provider must present when it calls the app back, and the app starts listening for that call before the request goes out.
