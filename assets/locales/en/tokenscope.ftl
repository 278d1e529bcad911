# tokenscope, English. Every id here must exist in ../ru/tokenscope.ftl too
# (a test checks). Kebab-case ids, grouped by screen.

## Units and time

unit-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
unit-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
unit-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
unit-seconds = { $count ->
    [one] { $count } second
   *[other] { $count } seconds
}
# chrono format of an instant on screen
datetime-format = %Y-%m-%d %H:%M:%S %:z
datetime-out-of-range = { $value } (out of range)
time-expires-in = expires in { $span }
time-expires-now = expires now
time-expired-ago = expired { $ago } ago
time-not-valid-for = not valid for another { $span }
time-valid-since = valid since { $ago } ago
time-in-future-skew = { $span } in the future (clock skew?)
time-not-real-instant = { $name } is { $value }: not a real instant
time-not-real-lifetime = { $name } is { $value } s: not a real lifetime
time-issued-ago = issued { $ago } ago
time-signed-in-ago = signed in { $ago } ago
time-in = in { $span }
time-ago = { $ago } ago

## Top bar

top-open-file = Open file…
top-open-file-hint = Read tokens from a text file
top-clear = Clear
top-clear-hint = Empty the paste box
top-theme-light = Light
top-theme-dark = Dark
top-zone-local = Local time
top-zone-local-hint = Show instants in this machine's time zone
top-zone-utc = UTC
top-zone-utc-hint = Show instants in UTC, as server logs usually are
top-timeline = Timeline
top-timeline-hint = Every step of every run this session
top-menu = Menu
top-fit = Fit
top-fit-hint = Size the text to the window again
top-presenter = Presenter mode
top-presenter-hint = Large text for a projector, secrets masked on screen (F5)
top-smaller = Smaller text
top-larger = Larger text
top-language-hint = The language of the window
top-reading-paste = Reading the paste…
top-pasted = { $size } pasted

## Claim meanings (token/claims.rs)

meaning-with-note = { $meaning }. Here: { $note }
meaning-realm-roles = Keycloak realm roles
meaning-client-roles = Keycloak: roles of the user in client { $client }
meaning-roles = Roles
meaning-rows-omitted = { $count } more values are not listed here; the claims JSON holds them all
note-amr-string = sent as one string, not the JSON array RFC 8176 asks for (SberBusiness ID does this)
note-aud-several = several audiences: OIDC Core §3.1.3.7 then expects azp to name this client
note-acr-loa = level of assurance as the bank names it; loa-3 is the stronger sign-in
note-sub-federated = Keycloak federated user id, f:<provider id>:<external id>
unit-keys = { $count ->
    [one] { $count } key
   *[other] { $count } keys
}
unit-items = { $count ->
    [one] { $count } item
   *[other] { $count } items
}
claim-iss = Issuer: who issued the token (RFC 7519 §4.1.1); must equal the provider's issuer exactly
claim-sub = Subject: the user or client the token is about, unique within the issuer (RFC 7519 §4.1.2)
claim-aud = Audience: who the token is for; a relying party must find its client id here (RFC 7519 §4.1.3)
claim-exp = Expiration time: not to be accepted at or after this instant (RFC 7519 §4.1.4)
claim-nbf = Not before: not to be accepted before this instant (RFC 7519 §4.1.5)
claim-iat = Issued at: when the token was issued (RFC 7519 §4.1.6)
claim-jti = JWT ID: unique identifier of this token, used against replay (RFC 7519 §4.1.7)
claim-auth-time = When the user last actively authenticated (OIDC Core §2)
claim-nonce = Value the client sent in the authorization request, echoed to bind the ID token to that request (OIDC Core §2, §3.1.3.7)
claim-acr = Authentication context class reference: how strongly the user was authenticated (OIDC Core §2)
claim-amr = Authentication methods references, e.g. pwd, otp, mfa (OIDC Core §2, RFC 8176)
claim-azp = Authorized party: the client the token was issued to (OIDC Core §2; Keycloak sets it to the client id)
claim-at-hash = Access token hash: left half of the hash of the access token, base64url (OIDC Core §3.1.3.6)
claim-c-hash = Code hash: left half of the hash of the authorization code (OIDC Core §3.3.2.11)
claim-s-hash = State hash: left half of the hash of the state value (FAPI 1.0 Advanced §5.1)
claim-sid = Session ID at the provider, used for front- and back-channel logout (OIDC Front-Channel Logout §3)
claim-events = Logout token events: marks a back-channel logout token (OIDC Back-Channel Logout §2.4)
claim-name = Full name (OIDC Core §5.1)
claim-given-name = Given (first) name (OIDC Core §5.1)
claim-family-name = Surname (OIDC Core §5.1)
claim-middle-name = Middle name; patronymic in Russian names (OIDC Core §5.1)
claim-nickname = Casual name (OIDC Core §5.1)
claim-preferred-username = Username the user likes to be called by; not unique, never use as a key (OIDC Core §5.1)
claim-profile = Profile page URL (OIDC Core §5.1)
claim-picture = Profile picture URL (OIDC Core §5.1)
claim-website = Web page or blog URL (OIDC Core §5.1)
claim-email = E-mail address (OIDC Core §5.1); trust it only when email_verified is true
claim-email-verified = Whether the provider verified the e-mail address (OIDC Core §5.1)
claim-gender = Gender (OIDC Core §5.1)
claim-birthdate = Birthday, YYYY-MM-DD (OIDC Core §5.1)
claim-zoneinfo = Time zone, e.g. Europe/Moscow (OIDC Core §5.1)
claim-locale = Locale, e.g. ru-RU (OIDC Core §5.1)
claim-phone-number = Phone number, E.164 preferred (OIDC Core §5.1)
claim-phone-number-verified = Whether the provider verified the phone number (OIDC Core §5.1)
claim-address = Postal address, a JSON object (OIDC Core §5.1.1)
claim-updated-at = When the user's information was last updated (OIDC Core §5.1)
claim-client-id = The client the access token was issued to (RFC 9068 §2.2, RFC 8693 §4.3)
claim-scope = Scopes granted, space-separated (RFC 9068 §2.2.3, RFC 8693 §4.2)
claim-scp = Scopes granted (Microsoft Entra ID's spelling of scope)
claim-groups = Groups the subject belongs to (RFC 9068 §2.2.3.1, RFC 7643)
claim-roles = Roles of the subject (RFC 9068 §2.2.3.1, RFC 7643)
claim-entitlements = Entitlements of the subject (RFC 9068 §2.2.3.1, RFC 7643)
claim-cnf = Confirmation: the key the token is bound to (RFC 7800 §3); jkt for DPoP (RFC 9449), x5t#S256 for mTLS (RFC 8705)
claim-act = Actor: who acts on behalf of the subject after a token exchange (RFC 8693 §4.1)
claim-may-act = Who may act on behalf of the subject in a token exchange (RFC 8693 §4.4)
claim-typ = Keycloak token type: Bearer (access), ID, Refresh or Offline
claim-session-state = Keycloak: ID of the user's SSO session (removed from tokens in Keycloak 25)
claim-realm-access = Keycloak: realm roles of the user
claim-resource-access = Keycloak: client roles of the user, per client
claim-allowed-origins = Keycloak: web origins allowed to use this token (CORS)
claim-tid = Microsoft Entra ID: tenant ID; substitutes {"{"}tenantid{"}"} in the multi-tenant issuer
claim-oid = Microsoft Entra ID: the user's object ID, stable across applications of the tenant
claim-upn = Microsoft Entra ID: user principal name
claim-ver = Token format version (Microsoft Entra ID: 1.0 or 2.0)
claim-idp = Identity provider that authenticated the user (federation)
claim-hashorgid = SberBusiness ID: hash of the organisation's identifier (64 hex), stable per organisation
claim-inn = Taxpayer identification number (ИНН) of the organisation
claim-orgname = SberBusiness ID: short name of the organisation
claim-orgfullname = SberBusiness ID: full legal name of the organisation
claim-orgkpp = Tax registration reason code (КПП) of the organisation
claim-orgogrn = Primary state registration number (ОГРН) of the organisation
claim-orgid = SberBusiness ID: organisation identifier
claim-userguid = SberBusiness ID: the user's GUID
claim-userposition = SberBusiness ID: the user's job title
claim-userroles = SberBusiness ID: the user's roles in the bank's system
claim-usergroups = SberBusiness ID: the user's groups
claim-usercryptotype = SberBusiness ID: how the user signs: SMS or a hardware token
claim-usersignaturetype = SberBusiness ID: the user's signing authority
claim-isidentified = SberBusiness ID: whether the user's identity was confirmed by the bank
claim-terbank = SberBusiness ID: the regional bank serving the organisation
claim-accounts = SberBusiness ID: the organisation's bank accounts
claim-esb = MOEX: client registration details of the exchange's service bus
header-alg = Algorithm that signs (JWS) or encrypts the key (JWE) (RFC 7515 §4.1.1)
header-typ = Media type of the whole token: JWT, at+jwt for access tokens (RFC 9068), logout+jwt (RFC 7515 §4.1.9)
header-cty = Content type of the payload; JWT for a nested token (RFC 7519 §5.2)
header-kid = Key ID: which of the issuer's keys signed the token (RFC 7515 §4.1.4)
header-jku = URL of a key set; shown, never fetched or trusted (RFC 7515 §4.1.2, RFC 8725 §3.10)
header-jwk = Public key embedded in the header; never trusted on its own (RFC 7515 §4.1.3)
header-x5u = URL of an X.509 certificate chain; shown, never fetched (RFC 7515 §4.1.5)
header-x5c = X.509 certificate chain in the header (RFC 7515 §4.1.6)
header-x5t = SHA-1 thumbprint of the signing certificate (RFC 7515 §4.1.7)
header-x5t-s256 = SHA-256 thumbprint of the signing certificate (RFC 7515 §4.1.8)
header-crit = Extensions the recipient must understand (RFC 7515 §4.1.11)
header-enc = Content encryption algorithm of a JWE (RFC 7516 §4.1.2)
header-zip = Compression applied before encryption (RFC 7516 §4.1.3)
header-epk = Ephemeral public key for ECDH key agreement (RFC 7518 §4.6.1.1)

## Claims table

claims-column-claim = Claim
claims-column-value = Value
claims-column-meaning = Meaning
claims-copy-value = the value of { $path }
claims-expand = Expand { $path }
claims-collapse = Collapse { $path }
claims-epoch-seconds = { $seconds } seconds since 1970-01-01 UTC
claims-not-registered = not a registered claim

## Token panel

tokens-empty = Paste something on the left: every token in it appears here, decoded.
tokens-none-found = No tokens found in this text. tokenscope looks for JWTs (eyJ…), token responses (JSON or form-encoded), Authorization: Bearer headers and redirect URLs with a code or tokens.
tokens-found = { $count ->
    [one] { $count } token found
   *[other] { $count } tokens found
}
tokens-found-dropped = { $count ->
    [one] { $count } token found
   *[other] { $count } tokens found
} (and { $dropped } more not shown)
copy-the-token = the token
copy-the-decoded-json = the decoded JSON
fact-role = Role
fact-role-unknown = unknown: no field name, typ or telling claim
fact-found = Found
fact-found-times = { $count ->
    [1] once
    [2] twice
   *[other] { $count } times
}, as { $origins }
fact-mended = Mended
fact-signature = Signature
fact-problem = Problem
fact-cannot-decode = Cannot decode this token: { $error }.
fact-response = Response
fact-time-from-claims = from the token's claims
signature-no-alg = no alg
signature-alg-none = alg none: the token is unsigned and must never be accepted (RFC 8725 §3.2)
signature-no-kid = no kid in the header
signature-key = key { $kid }
signature-not-verified = { $alg }, { $key }: not verified (load keys in the Keys tab)
signature-encrypted = encrypted ({ $alg }, { $enc }): the claims cannot be read without the recipient's key
signature-opaque = none visible: an opaque token is checked by asking its issuer (introspection, RFC 7662)
signature-unknown = unknown: the token could not be decoded
view-claims = Claims
view-header = Header
view-json = JSON
view-token = Token
view-checks = Checks
view-keys = Keys
view-compare = Compare
claims-opaque = An opaque token ({ $shape }): it carries no claims a client can read. Only its issuer knows what it means; its introspection endpoint (RFC 7662) can tell.
claims-encrypted = An encrypted token: its claims can only be read with the recipient's private key.
claims-none-error = No claims to show: { $error }.
claims-none = This token carries no claims.
compare-need-another = Paste another JWT to compare with (e.g. the responses before and after a refresh).
compare-with = Compare with
compare-differ = { $differing } of { $count } claims differ
compare-absent = (absent)
json-pretty = Pretty
json-raw = Raw
json-raw-hint = Exactly as the issuer wrote it
token-characters = { $count } characters

## Paste panel

paste-title = Paste anything
paste-hint = A token, a token response, a log line, a redirect URL, a curl command, a Word paste… or drop a file here.
paste-from = From { $source }
paste-here = Paste here (Ctrl+V)
paste-too-large = { $size } of text: too large to edit here, but every token in it is found.

## Checks and keys

checks-not-applicable = Relying-party checks apply to ID tokens and JWT access tokens (typ at+jwt); this token gets its signature checked only.
checks-all-pass = { $set }: all { $count } applicable checks pass
checks-some-fail = { $set }: { $failed } of { $count } checks fail
checks-column-check = Check
checks-column-result = Result
checks-column-spec = Spec
checks-not-applicable-short = n/a
checks-against = Check against
checks-no-profile-long = no profile (issuer and audience not checked)
checks-no-profile = no profile
checks-nonce-sent = Nonce sent
checks-nonce-hint = the nonce of the authorization request
checks-leeway = Clock skew tolerance (s)
keys-load-file = Load keys from a file…
keys-load-file-hint = A JWKS, PEM public keys or an X.509 certificate (GOST included); to decrypt a JWE, a private JWK, a PEM private key or a PKCS#12 file (its passphrase is then asked for)
keys-fetch-jwks = Fetch the JWKS of { $profile }
keys-clear = Clear keys
keys-hmac-secret = HMAC secret
keys-hmac-hint = for HS256/384/512 tokens
keys-use-as-key = Use as a key
keys-passphrase-for = Passphrase for { $file }
keys-passphrase-hint = kept in memory for this session only
keys-passphrase-open = Open
keys-passphrase-cancel = Cancel
keys-passphrase-wrong = Wrong passphrase: { $file } did not open with it.
keys-none = No keys yet: signatures are shown as not verified.
keys-column-size = size
keys-column-fingerprint = fingerprint
keys-column-from = from

## Timeline

timeline-title = Session timeline: { $count ->
    [one] { $count } step
   *[other] { $count } steps
}
timeline-empty = Every step of every flow run in this session appears here.
timeline-column-time = Time
timeline-column-profile = Profile
timeline-column-step = Step
timeline-column-status = Status
timeline-column-took = Took
unit-ms = { $count } ms

## Widgets

copy-named = Copy { $what }
copy = Copy
status-succeeded = succeeded
status-failed = failed

## Window

tab-profile = Profile
tab-flow = Flow
drop-file = Drop the file to find the tokens in it

## Profiles panel

profiles-title = Profiles
profiles-search = Search
profiles-search-hint = name, issuer, client id
profiles-new = New profile…
profiles-deleted = Deleted { $name }.
profiles-undo = Undo
profiles-none = No profiles yet: start one from a preset.
profiles-import = Import…
profiles-import-hint = Add profiles from an export file
profiles-export = Export…
profiles-export-hint = Write all profiles to a file
profiles-export-secrets = Export client secrets
profiles-export-secrets-hint = Writes the client secrets into the export file in plain text
profiles-export-secrets-warning = The export will hold secrets in plain text.
profiles-reading = Reading profiles…
profiles-unreadable-nothing-saved = Nothing is saved until the file is repaired or set aside.
profiles-set-aside = Set the file aside
profiles-no-config-dir = No config directory: profiles last for this session only.

## Where a token was found, what was mended

origin-json-field = JSON field { $name }
origin-form-field = form field { $name }
origin-url-query = URL query parameter { $name }
origin-url-fragment = URL fragment parameter { $name }
origin-bearer = Bearer authorization header
origin-bare = compact JWT in the text
mend-lines-joined = joined { $count ->
    [one] { $count } line
   *[other] { $count } lines
}
mend-blank-lines = dropped { $count ->
    [one] { $count } blank line
   *[other] { $count } blank lines
}
mend-spaces = removed { $count ->
    [one] { $count } space
   *[other] { $count } spaces
}
mend-zero-width = removed { $count ->
    [one] { $count } zero-width character
   *[other] { $count } zero-width characters
}
mend-quotes = removed { $count ->
    [one] { $count } quote
   *[other] { $count } quotes
}
mend-bearer-prefix = stripped the Bearer prefix
mend-unicode-spaces = removed { $count ->
    [one] { $count } special space (non-breaking, thin, …)
   *[other] { $count } special spaces (non-breaking, thin, …)
}
mend-line-end-hyphens = removed { $count ->
    [one] { $count } hyphen added at a line end
   *[other] { $count } hyphens added at line ends
}
mend-qp-soft-breaks = removed { $count ->
    [one] { $count } quoted-printable soft line break (= at a line end)
   *[other] { $count } quoted-printable soft line breaks (= at a line end)
}
mend-qp-escapes = decoded { $count ->
    [one] { $count } quoted-printable escape (=3D, …)
   *[other] { $count } quoted-printable escapes (=3D, …)
}
mend-quote-markers = removed { $count ->
    [one] { $count } reply quote marker (>)
   *[other] { $count } reply quote markers (>)
}
mend-html-entities = decoded { $count ->
    [one] { $count } HTML entity (&quot;, &#46;, …)
   *[other] { $count } HTML entities (&quot;, &#46;, …)
}
mend-json-escapes = decoded { $count ->
    [one] { $count } JSON escape (\u002e, \/, …)
   *[other] { $count } JSON escapes (\u002e, \/, …)
}
mend-percent-escapes = decoded { $count ->
    [one] { $count } percent-encoded character (%2E, …)
   *[other] { $count } percent-encoded characters (%2E, …)
}

## Reading a paste

paste-truncated = The paste is longer than { $mebibytes } MiB: only the first { $mebibytes } MiB were read.
paste-invalid-utf8 = The paste is not valid UTF-8: { $count ->
    [one] { $count } invalid byte sequence was
   *[other] { $count } invalid byte sequences were
} replaced with �.
paste-tokens-dropped = { $count ->
    [one] { $count } more token occurrence was
   *[other] { $count } more token occurrences were
} not kept: at most { $max } distinct tokens and { $occurrences } occurrences are read.
paste-errors-dropped = { $count ->
    [one] { $count } more error answer was
   *[other] { $count } more error answers were
} not diagnosed: at most { $max } distinct answers are.

## Token roles and shapes

role-access = Access token
role-id = ID token
role-refresh = Refresh token
role-code = Authorization code
role-logout = Logout token
role-credential = Credential (SD-JWT VC)
shape-uuid = a UUID
shape-uuid-suffix = a UUID with a numeric suffix (SberBusiness ID style)
shape-github = a GitHub { $kind }
shape-hex = hexadecimal
shape-random = a random string
role-unknown = Token
reason-response-field = from the response field { $field }
reason-typ-header = from the typ header { $typ }
reason-keycloak-typ = from the Keycloak typ claim { $typ }
reason-id-only-claim = from the { $name } claim, which only ID tokens carry
reason-events = from the events claim
reason-claim = from the { $name } claim

## Preferences

preferences-not-saved = The language choice could not be saved ({ $error }); it holds for this session.

## Sandbox

top-sandbox = Sandbox panel
top-sandbox-hint = The built-in OpenID provider: start it, pick who it imitates, switch on faults

internal-error-inspection = Could not decode this paste (internal error).
internal-error-verification = Could not verify this paste's signatures (internal error).
internal-error-kept = The paste is kept, exactly as you gave it. This is a bug in tokenscope, not in your text: the report below helps us fix it.
internal-error-copy-report = Copy report
internal-error-copy-report-hover = Copies what failed and where, with the paste's size only: none of its text.
autoplay-no-profile = Autoplay stopped: there is no profile named “{ $name }”.
autoplay-running = Autoplay: each step pauses { $seconds } s, then the next one runs; at the end it starts over. Press any key to take over.
