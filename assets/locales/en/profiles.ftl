# Profiles, the profile editor, the sandbox and the notices around them
# (ui/profile_form.rs, ui/sandbox_panel.rs, oauth/profile.rs, oauth/presets.rs,
# app/jobs.rs, net/tls.rs, net/exchange.rs). Same ids in ../ru/profiles.ftl.

## The profile editor (ui/profile_form.rs)

form-from-preset = From the { $name } preset: { $summary }
form-unnamed = Unnamed profile
form-unsaved = unsaved changes
form-save = Save
form-duplicate = Duplicate
form-delete = Delete
form-close = Close
form-close-hint = Back to the inspector
form-section-profile = Profile
form-name = Name
form-name-hint = e.g. Keycloak partner-realm (test)
form-environment = Environment
form-environment-hint = test, prod, …
form-notes = Notes
form-notes-hint = free text
form-section-provider = Provider
form-issuer = Issuer
form-discovery-url = Discovery URL
form-discovery-url-hint = empty: {"{"}issuer{"}"}/.well-known/openid-configuration
form-endpoint-authorize = Authorize endpoint
form-endpoint-token = Token endpoint
form-endpoint-userinfo = UserInfo endpoint
form-endpoint-jwks = JWKS URI
form-endpoint-introspection = Introspection endpoint
form-endpoint-revocation = Revocation endpoint
form-endpoint-device = Device authorization
form-endpoint-par = Pushed authorization (PAR)
form-endpoint-ciba = Backchannel authentication (CIBA)
form-endpoint-end-session = End session endpoint
form-endpoint = Endpoint
form-provider-extras = Provider extras
form-add-extra-endpoint = Add an extra endpoint
form-discover = Discover
form-discover-hint = Fetch the provider's metadata and fill the endpoints
form-discovery-failed = Discovery failed: { $message }
form-discovered-same = Discovered { $url }: the endpoints already match.
form-discovered-filled = Discovered { $url }: { $count ->
    [one] { $count } endpoint filled
   *[other] { $count } endpoints filled
}; save to keep them.
form-discovered-empty = (empty)
form-discovered-kept = { $field }: kept your { $before } (the metadata says { $after })
form-metadata-document = Metadata document
form-section-client = Client
form-client-id = Client id
form-client-secret = Client secret
form-secret-hint = kept in the keychain, never in the profile file
form-secret-reading = reading…
form-show-secret = Show the secret
form-client-auth = Client authentication
form-redirect-uri = Redirect URI
form-scopes = Scopes
form-decryption-key-file = Decryption key file
form-decryption-key-file-hint = JWK/JWKS with private parts, a PEM/PKCS#8 private key, or PKCS#12 (.p12/.pfx)
form-decryption-key-passphrase = Key passphrase
form-decryption-key-passphrase-hint = for a PKCS#12 (.p12/.pfx) key file; kept in the keychain, never in the profile file
form-default-grant = Default grant
form-grant-extension = extension
form-grant-type-hint = e.g. passport
form-extra-parameters = Extra parameters
form-per-request = Per request
form-add = Add
form-add-extra-parameter = Add an extra parameter
form-request-kind = Request kind
form-headers = Headers
form-add-header = Add a header
form-param-name = name
form-param-value = value
form-param-secret = secret
form-param-secret-hint = A secret value (an API key, a signed parameter): kept in the keychain, never in the profile file; masked on screen, in exports and in presenter mode
form-remove = Remove
form-section-network = TLS and network
form-extra-ca-files = Extra CA files
form-add-ca-file = Add CA file…
form-add-ca-file-hint = Trust one more CA certificate (PEM), e.g. the provider's own root
form-no-ca-files = none: the system's CAs only
form-remove-ca-file = Remove the CA file { $path }
form-ca-file = CA file
form-only-given-cas = Trust only these CAs (not the system's)
form-client-certificate = Client certificate
form-client-certificate-hint = PEM certificate for mutual TLS
form-client-key = Client key
form-client-key-hint = its PEM private key
form-pkcs12-file = PKCS#12 file
form-pkcs12-file-hint = or certificate and key in one .p12/.pfx
form-pkcs12-passphrase = PKCS#12 passphrase
form-choose = Choose…
form-choose-file = Choose the { $what }
form-accept-invalid-certs = Accept invalid server certificates
form-connect-timeout = Connect timeout (s)
form-total-timeout = Total timeout (s)
form-response-limit = Largest answer (MiB)
form-response-limit-hover = Answers are read up to this size, 1 to 100 MiB; the rest is cut off and the step says so.
form-proxy = Proxy
form-proxy-hint = empty: HTTPS_PROXY / NO_PROXY from the environment
form-proxy-password = Proxy password
form-proxy-password-hint = kept in the keychain, never in the profile file
form-proxy-password-no-user = put a user in the proxy URL first (http://user@proxy:3128)

badge-insecure-tls = accepts invalid certificates
badge-insecure-tls-hint = This profile accepts any server certificate: its secrets and tokens are readable by anyone on the network. Only for a test stand.

## What the editor finds wrong, under each field (oauth/profile.rs)

finding-name-empty = Give the profile a name.
finding-issuer-url = The issuer { $why }.
finding-issuer-slash = The issuer ends with '/': tokens' iss must match it exactly, and most providers have no trailing slash.
finding-endpoint-url = This endpoint { $why }.
finding-redirect-empty = No redirect URI: the code flow needs one.
finding-redirect-url = The redirect URI { $why }.
finding-redirect-localhost = RFC 8252 §8.3 prefers http://127.0.0.1 to localhost: a firewall or hosts file can send localhost elsewhere.
finding-redirect-plain-http = A plain http redirect off this machine exposes the authorization code on the network.
finding-redirect-not-loopback = Not a loopback address: after signing in you will paste the address the browser ended on.
finding-client-id-empty = The client id is empty.
finding-client-id-spaces = The client id has spaces around it.
finding-secret-spaces = The client secret starts or ends with white space: usually a copy-paste accident.
finding-secret-needed = { $auth } needs a client secret.
finding-key-file-needed = private_key_jwt signs with the client's private key: give the PEM key file's path (the key itself is never stored in the profile).
finding-scopes-no-openid = The scopes lack openid: the provider will not return an ID token.
finding-insecure-tls = Any server certificate is accepted: anyone on the network can read the secrets this profile sends. Use only against a test stand.
finding-proxy-url = The proxy { $why }.
finding-no-ca-given = Only the given CAs are trusted, but none is given: every HTTPS call would fail. Add the provider's CA certificate.
finding-pem-and-pkcs12 = Give either a PEM certificate and key or a PKCS#12 file, not both.
finding-client-cert-needed = tls_client_auth needs a client certificate (RFC 8705 §2): set a PEM certificate and key or a PKCS#12 file.
finding-zero-timeout = A timeout of 0 seconds fails every call: give at least 1.
finding-response-limit = An answer limit of { $value } MiB is out of range: give { $min } to { $max } MiB.
url-not-absolute = is not an absolute URL (it needs https:// or http://)
url-wrong-scheme = uses { $scheme }://, not https:// or http://
url-no-host = has no host
url-spaces = contains spaces

## The sandbox panel (ui/sandbox_panel.rs)

sandbox-title = Sandbox provider
sandbox-intro = An OpenID provider on this machine (127.0.0.1 only): the whole flow works with no network.
sandbox-behaves-like = Behaves like
sandbox-personality-generic = Generic OpenID provider
sandbox-personality-keycloak = Keycloak-like
sandbox-personality-bank = Bank-like (SberBusiness ID)
sandbox-personality-github = GitHub-like
sandbox-personality-kontur = Kontur-like
sandbox-personality-moex = MOEX-like (passport grant)
sandbox-personality-fapi = FAPI 2.0-like (PAR, signed requests, JARM, DPoP)
sandbox-personality-fapi-gost = FAPI 2.0-like, GOST-signed
sandbox-personality-jwe = Encrypting (JWE ID tokens and UserInfo)
sandbox-stopped = Stopped.
sandbox-start = Start sandbox
sandbox-starting = Starting: making keys…
sandbox-failed = Could not start: { $message }
sandbox-running = Running: { $personality }
sandbox-issuer = Issuer
sandbox-client-id = Client id
sandbox-client-secret = Client secret
sandbox-copy-issuer = the sandbox issuer
sandbox-copy-client-id = the sandbox client id
sandbox-copy-client-secret = the sandbox client secret
sandbox-client-key-file = Client key file
sandbox-copy-client-key-file = the sandbox client's key file
sandbox-decryption-key-file = Client decryption key file
sandbox-copy-decryption-key-file = the sandbox client's decryption key file
sandbox-key-generation = Signing keys: generation { $generation }
sandbox-rotate = Rotate keys now
sandbox-stop = Stop sandbox
sandbox-next-start = The new personality applies at the next start.
sandbox-faults = Faults on demand
sandbox-fault-expire = Expire tokens after
sandbox-unit-seconds = seconds
sandbox-fault-wrong-key = Sign with the wrong key
sandbox-fault-wrong-nonce = Send a wrong nonce
sandbox-fault-wrong-at-hash = Send a wrong at_hash
sandbox-fault-rotate = Rotate keys after every token
sandbox-fault-unavailable = Answer 503 Service Unavailable
sandbox-fault-slow = Answer slowly
sandbox-unit-ms = ms
sandbox-fault-html = Answer errors with an HTML page
sandbox-fault-bare-refresh = Refresh without a new ID token or refresh token
sandbox-fault-logout-needs-hint = Refuse logout without id_token_hint
sandbox-fault-auto-sign-in = Sign in at once, no login page
sandbox-fault-auto-sign-in-hover = The first person signs in as soon as the browser arrives, as with a live session: for demos, autoplay and browsers that only follow redirects. A CIBA request is approved at once too, with no phone page.
sandbox-fault-dpop-replay = Refuse DPoP proofs as replayed (jti seen before)
sandbox-fault-dpop-nonce-missing = Demand a DPoP nonce without the DPoP-Nonce header
sandbox-fault-wrong-cnf-jkt = Bind tokens to another key (wrong cnf.jkt)
sandbox-fault-jarm-wrong-key = Sign JARM responses with a key not in the JWKS
sandbox-fault-par-expired = Expire pushed requests at once (invalid_request_uri)
sandbox-profile-notes = The built-in sandbox provider (tokenscope sandbox): runs on this machine, no network needed.
sandbox-could-not-start = The sandbox provider could not start: { $message }
sandbox-cannot-write-key = Cannot write the sandbox client's key file { $path }: { $error }

## Provider presets (oauth/presets.rs): the provider names stay as they are

preset-keycloak-summary = A Keycloak realm (Quarkus layout; for Keycloak 16 and older add /auth to the base URL)
preset-env-test = test
preset-env-prod = prod
preset-keycloak-notes = Token responses carry refresh_expires_in (0 for offline tokens) and not-before-policy. Refresh tokens are HS-signed with a realm-internal key: only Keycloak can verify them. Keycloak 16 and older (WildFly) serve everything under /auth.
preset-sber-business-id-summary = SberBank's partner SSO (SBBOL): code flow, mTLS, opaque tokens, GOST-signed ID token and user-info
preset-env-test-web-users = test (WEB users)
preset-env-test-token-users = test (Token users)
preset-env-prod-web-users = prod (WEB users)
preset-env-prod-token-users = prod (Token users)
preset-sber-business-id-notes = No discovery and no JWKS: the ID token and user-info are signed gost34.10-2012 with the bank's certificate (certificate endpoint). Pin the issuer per stand: the bank's iss is an internal host name. state must be at least 36 characters and nonce at least 10. openid must be the first scope. Every back-channel call needs the stand's TLS client certificate, and the server chains to the Russian national root CA. A code is single-use and lives 2 minutes; any failed exchange deletes it, so the next try says "Unknown code". Access tokens live 60 minutes, refresh tokens 180 days; client secrets expire. Keep at least 2 seconds between requests.
preset-kontur-summary = SKB Kontur identity (IdentityServer) for Kontur.Extern and other Kontur APIs
preset-kontur-notes = client_secret is the api-key (a GUID). Access tokens are opaque reference tokens. Client credentials take API scopes only, never openid/profile/email. Password and certificate grants may answer with partial_factor_token and required_factors: a second factor is needed. Quote X-Kontur-Trace-Id to support.
preset-moex-passport-summary = Moscow Exchange SSO (Keycloak realm SSO, /auth prefix) with the custom passport grant
preset-moex-passport-notes = grant_type=passport: passport is the MicexPassportCert cookie value from passport.moex.com/authenticate, signature a detached signature of it, algorithm GOST or RSA. The field names are not publicly confirmed: edit them as your contract says. During credential rotation send the new client id/secret pair; keep the old one only for the window. Access tokens are opaque UUIDs or Keycloak RS256 JWTs.
preset-github-summary = GitHub OAuth app: no discovery, form-encoded answers unless Accept: application/json, device flow
preset-github-notes = Without Accept: application/json the token endpoint answers form-encoded, and errors come back with HTTP 200. Tokens are opaque (gho_…). Not an OpenID provider: no ID token, user data from api.github.com/user.
preset-google-summary = Google accounts (OpenID Connect)
preset-google-notes = A refresh token comes only with access_type=offline, and again only with prompt=consent. Desktop clients still have a (non-secret) client secret. Access tokens are opaque (ya29.…).
preset-entra-summary = Microsoft identity platform v2.0 (Azure AD)
preset-entra-notes = With tenant common the metadata's issuer is a template (https://login.microsoftonline.com/{"{"}tenantid{"}"}/v2.0): tokens carry the real tenant in tid. Errors start with AADSTSnnnnn. AADSTS7000215 usually means the secret's ID was pasted instead of its value.
preset-generic-oidc-summary = Any OpenID provider: give the issuer, discovery fills the rest

## Network and TLS failures (net/exchange.rs, net/tls.rs): shown in step
## cards and printed by `tokenscope run`

net-dns = the host name could not be resolved: { $detail }
net-refused = the connection was refused: is the server running on that port? ({ $detail })
net-timeout = no answer within { $seconds } seconds
net-tls = the TLS handshake failed: { $failure }
net-cancelled = cancelled
net-answer-cut = the answer was cut at { $size }: the server sent more, which was not read
net-size-mib = { $count } MiB
net-size-kib = { $count } KiB
net-size-bytes = { $count ->
    [one] { $count } byte
   *[other] { $count } bytes
}
tls-unknown-issuer = the server's certificate is signed by a CA tokenscope does not trust — load the provider's CA certificate (PEM) in the profile's TLS settings
tls-expired = the server's certificate for { $host } has expired{ $dates }
tls-not-yet-valid = the server's certificate for { $host } is not valid yet{ $dates }
tls-name-mismatch = the server's certificate is not valid for { $host }, the host tokenscope asked for{ $names }
tls-client-certificate-required = the server demands a client certificate — set one in the profile's TLS settings
tls-client-certificate-rejected = the server refused the client certificate ({ $alert } alert): check that it is the one the provider registered, signed by a CA it trusts, and not expired
tls-handshake-refused = the server refused the handshake (handshake_failure alert): it may demand a client certificate — set one in the profile's TLS settings — or share no TLS version or cipher with tokenscope
tls-dates-expired-now = (expired { $at }; now { $now })
tls-dates-expired = (expired { $at })
tls-dates-valid-from-now = (valid from { $at }; now { $now })
tls-dates-valid-from = (valid from { $at })
tls-presented-names = (it names { $names })

## Notices: files, the profile store, secrets, import and export
## (app/jobs.rs, app/mod.rs, app/profiles.rs, store/secrets.rs)

dialog-load-keys = Load verification keys
dialog-ca-certificate = Add a CA certificate (PEM)
dialog-client-certificate = Client certificate (PEM)
dialog-client-key = Client private key (PEM)
dialog-pkcs12 = Client certificate (PKCS#12)
dialog-filter-pem-certificates = PEM certificates
dialog-filter-pem-keys = PEM keys
dialog-filter-all = All files
dialog-filter-profiles = tokenscope profiles
dialog-save = Save
dialog-import-profiles = Import profiles
dialog-export-profiles = Export profiles
dialog-open-tokens = Open a file that holds tokens
file-could-not-read = Could not read { $path }: { $error }
file-could-not-write = Could not write { $path }: { $error }
file-too-big = it is { $size } MB; tokenscope reads files up to { $max } MB
file-is-folder = it is a folder
file-not-utf8 = This is not UTF-8 text: { $count ->
    [one] { $count } unreadable byte sequence was
   *[other] { $count } unreadable byte sequences were
} replaced with �. Tokens elsewhere in it are still shown.
jobs-could-not-start = Could not start background work ({ $error }); close other programs and try again.
net-thread-failed = could not start the network thread: { $error }
keys-jwks-of = the JWKS of { $name }
keys-no-jwks-uri = { $name } has no JWKS URI: run discovery or type it in.
keys-hmac-source = HMAC secret typed in
keys-jwks-http = { $url } answered HTTP { $status }: { $body }
keys-not-utf8 = { $url } answered with bytes that are not UTF-8 (at offset { $at })
store-could-not-start = Could not start the profile store ({ $error }).
store-read-backup = The profile file was missing; the backup was read instead.
store-migrated = Profiles were upgraded from schema { $version }; they are saved in the new format on the next change.
store-values-unreadable = Some secret values of the profiles (proxy passwords, secret headers or parameters) could not be read or kept in the secret store: { $error }
store-not-open = the profile store is not open
store-set-aside = The unreadable file was moved to { $path }.
secrets-in-keychain = Secrets are kept in the OS keychain.
secrets-in-file-no-keychain = No system keychain: secrets are kept in a file only you can read ({ $path }).
secrets-keychain-detail = Why the keychain is not used: { $reason }
secrets-in-file = Secrets are kept in { $path }, readable only by you.
secrets-unavailable = Secrets cannot be saved: { $error }. They are kept for this session only.
secret-not-saved = The { $what } was not saved: { $error }
secret-not-deleted = The client secret was not deleted: { $error }
secret-title-passphrase = PKCS#12 passphrase
secret-title-decryption-passphrase = decryption key passphrase
secret-title-client-secret = client secret
secret-title-field = { $name }
import-report = Imported { $added } new and { $replaced ->
    [one] { $replaced } replaced profile
   *[other] { $replaced } replaced profiles
}.
import-nothing = Nothing was imported: { $message }
export-done = Exported to { $path }.
profile-copy-name = { $name } copy
sandbox-cannot-listen = cannot listen on 127.0.0.1:{ $port }: { $error }

## Discovery (oauth/discovery.rs)

discovery-no-issuer = the profile has no issuer or discovery URL
discovery-not-metadata = { $url } answered { $status }, not a metadata document
discovery-redirect = { $url } answered { $status }, not a metadata document: a redirect to { $location }, which tokenscope does not follow; put the final address in the profile
discovery-html = { $url } answered { $status }, not a metadata document: an HTML page came back (a login or error page?)
discovery-not-json-object = { $url } answered { $status }, not a metadata document: the body is not a JSON object
discovery-cut = { $url } answered { $status }, not a metadata document: { $note }
discovery-issuer-differs = The metadata's issuer is { $issuer } but the profile says { $profile }: tokens will carry the metadata's value, and OIDC Discovery §4.3 requires them to be equal.
discovery-unlisted = The provider does not list { $value } in { $member } ({ $listed }).
discovery-no-pkce-methods = The metadata has no code_challenge_methods_supported: the provider may ignore PKCE.
discovery-scope-unlisted = The provider does not list the scope { $scope } in scopes_supported.

## Setting up the HTTPS client from the profile's TLS section (net/client.rs)

client-no-ca-given = the profile trusts only the given CA certificates, but gives none: add the provider's CA (PEM) in the TLS settings
client-proxy-unusable = the proxy { $proxy } is not usable: { $error }
client-https-setup = could not set up HTTPS: { $error }
client-ca-unreadable = could not read the CA file { $path }: { $error }
client-ca-unusable = the CA file { $path } holds no usable PEM certificate: { $error }
client-ca-empty = the CA file { $path } holds no PEM certificate (-----BEGIN CERTIFICATE-----)
client-cert-unreadable = could not read the client certificate { $path }: { $error }
client-key-unreadable = could not read the client key { $path }: { $error }
client-pkcs12-unreadable = could not read the PKCS#12 file { $path }: { $error }
client-pkcs12-bad = the PKCS#12 file { $path } { $why }
client-identity-unusable = the client certificate and key could not be used: { $error }
pkcs12-wrong-passphrase = could not be opened: the passphrase is wrong (or missing)
pkcs12-unreadable = could not be read: { $error }
pkcs12-no-key = holds no private key with its certificate
pkcs12-no-certificate = holds a private key but no certificate for it

## The profile file (store/profiles.rs)

store-io = { $action } { $path }: { $error }
store-io-back-up = could not back up
store-io-create = could not create
store-io-flush = could not flush
store-io-replace = could not replace
store-io-write = could not write
store-io-move = could not move
store-io-read = could not read
store-io-lock = could not lock
store-io-encode = could not encode
secrets-lock-poisoned = a previous write panicked
secrets-keychain-refused = the keychain refused: { $detail }
store-corrupt = { $path } cannot be read as profiles: { $detail }. It was left as it is.
store-too-new = { $path } was written by a newer tokenscope (schema { $schema }; this build reads up to { $supported }). It was left as it is.
store-newer-schema = written by a newer tokenscope (schema { $schema })
store-no-schema = no schema number
store-not-object = not a JSON object

## Importing and exporting profiles (store/transfer.rs)

transfer-secret-unreadable = could not read the secret of { $name }: { $error }
transfer-not-json = not JSON: { $error }
transfer-not-export = not a profile export
transfer-profile-label = profile { $number } ({ $name })
transfer-no-name = "no name"
transfer-not-imported = { $label }: not imported: { $detail }
transfer-level-error = error
transfer-level-warning = warning
transfer-secret-not-stored = { $label }: could not store its secret: { $error }
transfer-field-not-stored = { $label }: could not store { $name }: { $error }
form-dpop = Sender-constrained tokens (DPoP)
form-dpop-hover = RFC 9449: each run makes a key; every token and UserInfo request carries a proof signed with it, and a nonce the server asks for is sent on a second try
preset-keycloak-dpop-summary = A Keycloak 26 realm whose client requires DPoP-bound tokens (RFC 9449; "Require DPoP bound tokens" in the client's advanced settings)
form-par = Pushed authorization requests (PAR)
form-par-hover = RFC 9126: the authorization parameters are posted to the provider first, with the client authenticated; the browser carries only a short-lived request_uri
form-request-object = Signed request object (JAR)
form-request-object-hover = RFC 9101: the authorization parameters are sent as a JWT signed with the client assertion's key (the key file, key id and algorithm below)
form-introspection-jwt = Ask for JWT introspection answers
form-introspection-jwt-hover = RFC 9701: introspection asks for Accept: application/token-introspection+jwt; the answer, signed by the provider (and maybe encrypted to the client), is checked — typ, signature, iss, aud, iat — before its members are used
form-response-mode = Response mode
form-response-mode-default = provider's default
form-response-mode-hover = jwt, query.jwt, fragment.jwt and form_post.jwt ask for a signed authorization response (JARM): tokenscope checks its signature, iss, aud, exp and state before it uses the code
