# Diagnosis of failures and warnings before sending (src/diagnose, the
# diagnosis view). The catalogue's own entries live in assets/catalogue.

lint-code-already-used = This code was sent already: codes work once, and some providers (the bank among them) delete a code after any failed exchange. Run the authorization step again for a fresh code.
lint-redirect-uri-differs = redirect_uri is { $sent }, but the authorization request sent { $authorized }: the provider compares them character for character.
lint-redirect-uri-missing = redirect_uri is missing, but the authorization request sent { $authorized }: it must be sent again, identical.
lint-insecure-redirect = The redirect URI { $redirect } is plain http:// on a host that is not this machine: the code travels unencrypted. Use https://, or http://127.0.0.1 for a desktop client.
lint-secret-whitespace = The client secret has spaces or a line break around it (copied with the line?): the provider will not accept it. Remove them in the profile.
lint-github-accept-json = GitHub answers form-encoded (and errors with HTTP 200) unless the request says Accept: application/json. Add the header.
lint-auth-method-not-listed = The request authenticates the client with { $method }, which the provider's metadata does not list ({ $list_name }: { $list }). Choose a listed method in the profile.
lint-openid-missing = scope has no openid: the provider will send no ID token (and the bank wants openid first). Add openid to the profile's scopes.
lint-too-short = { $name } has { $have ->
    [one] { $have } character
   *[other] { $have } characters
}; the bank asks for at least { $need ->
    [one] { $need } character
   *[other] { $need } characters
}.
lint-pkce-method-not-listed = PKCE method { $method } is not in the provider's code_challenge_methods_supported ({ $list }). Choose S256 if listed.

diagnosis-probably = Probably
diagnosis-also-possible = Also possible
diagnosis-cause = Cause
diagnosis-fix = Fix
diagnosis-source = Source
diagnosis-warning = Warning
diagnosis-pasted-found = { $count ->
    [one] { $count } error answer found
   *[other] { $count } error answers found
}
diagnosis-not-in-catalogue = The catalogue has no entry for this error.
diagnosis-an-error-answer = an error answer
diagnosis-times = { $count ->
    [one] once
    [2] twice
   *[other] { $count } times
}
lint-ping-not-listed = The request asks for CIBA ping mode (it carries a client_notification_token), but the provider's metadata lists only { $list } in backchannel_token_delivery_modes_supported: no ping will come. Register the client for a listed mode and choose it in the CIBA settings.
