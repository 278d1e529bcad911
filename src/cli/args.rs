//! The command line: no arguments opens the window; subcommands run
//! headless (`decode`, `verify`, `profiles`, `run`, `sandbox`). Parsed by
//! `main.rs`, run by [`super::commands`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// An OAuth 2.0 / `OpenID` Connect token inspector.
#[derive(Debug, Parser)]
#[command(name = "tokenscope", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Headless>,
    /// Where profiles and the secrets file live (default: the user's config directory).
    #[arg(long, global = true, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// Where secrets go: the OS keychain when it works (auto), only the keychain, or the file.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub secret_store: SecretStoreArg,
    /// Open the window, render it, write this PNG and exit.
    #[arg(long, value_name = "OUT.png")]
    pub screenshot: Option<PathBuf>,
    /// Start with the text of this file pasted (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub paste: Option<PathBuf>,
    /// Treat this Unix time as "now" instead of the clock.
    #[arg(long, value_name = "UNIX")]
    pub now: Option<i64>,
    /// Colour scheme.
    #[arg(long, value_enum)]
    pub theme: Option<Theme>,
    /// Show instants in UTC instead of local time.
    #[arg(long)]
    pub utc: bool,
    /// The language of the window (default: the system's, else English).
    #[arg(long, value_enum, value_name = "LANG")]
    pub lang: Option<Lang>,
    /// Open authorization requests with this command instead of the system browser.
    #[arg(long, value_name = "CMD")]
    pub browser: Option<String>,
    /// Close the window after this many seconds (demos and benchmarks).
    #[arg(long, value_name = "SECONDS")]
    pub quit_after: Option<f64>,
    /// On exit, print to standard error how many frames were drawn (benchmarks).
    #[arg(long)]
    pub report_frames: bool,
    /// Start in presenter mode (F5 toggles it).
    #[arg(long)]
    pub presenter: bool,
    /// The profile to open (its name or id); with --play, the one walked.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Walk the profile's flow by itself, pausing this many seconds on each
    /// step, and start over at the end; any key takes back control.
    #[arg(long, value_name = "SECONDS", requires = "profile", value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub play: Option<u32>,
    /// Window size in logical pixels, e.g. 1280x800.
    #[arg(long, value_name = "WxH", default_value = "1280x800", value_parser = parse_size)]
    pub size: (f32, f32),
}

#[derive(Debug, Subcommand)]
pub enum Headless {
    /// Print every token found in FILE (or standard input) as JSON.
    Decode {
        /// The file to read; `-` or nothing for standard input.
        file: Option<PathBuf>,
        /// Treat this Unix time as "now" for expiry statuses.
        #[arg(long, value_name = "UNIX")]
        now: Option<i64>,
        /// Decrypt JWEs with this private key: a JWK or JWKS with private
        /// members, a PEM private key (PKCS#8, PKCS#1, SEC1) or a PKCS#12
        /// file. Repeatable.
        #[arg(long = "key", value_name = "FILE")]
        keys: Vec<PathBuf>,
        /// Read the passphrase of a PKCS#12 --key from this environment variable.
        #[arg(long, value_name = "VAR")]
        key_passphrase_env: Option<String>,
        /// Decrypt `RSA1_5` key encryption too (unsafe: padding oracles, RFC 8725 §3.2).
        #[arg(long = "allow-rsa1-5")]
        allow_rsa1_5: bool,
    },
    /// Walk a grant for a profile (the authorization code flow or client
    /// credentials), printing each step.
    Run(Box<RunCli>),
    /// Run the built-in sandbox OpenID provider on 127.0.0.1 until Ctrl-C;
    /// prints one JSON line with its issuer and client credentials.
    Sandbox {
        /// Who it imitates: generic, keycloak, bank, github, kontur, moex, fapi, fapi-gost or jwe.
        #[arg(long, default_value = "generic")]
        personality: String,
        /// The port on 127.0.0.1; 0 picks any free port.
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// A fault to switch on: expire=SECONDS, wrong-key, wrong-nonce,
        /// wrong-at-hash, rotate-keys, unavailable, slow=MILLISECONDS, html-errors.
        #[arg(long = "fault", value_name = "FAULT")]
        faults: Vec<String>,
        /// The client notification endpoint the sandbox's client is
        /// registered with for CIBA ping mode (a loopback http(s) URL;
        /// default `http://127.0.0.1:53691/ciba/notify`).
        #[arg(long, value_name = "URL")]
        ciba_ping_endpoint: Option<String>,
    },
    /// Verify the signature and run the relying-party checks; print JSON.
    ///
    /// Exit code 0 when the signature verifies and every applicable check
    /// passes, 1 when anything fails, 2 on a usage error.
    Verify(Box<VerifyCli>),
    /// Saved provider profiles.
    Profiles {
        #[command(subcommand)]
        action: ProfilesAction,
    },
}

/// The options of `tokenscope run`.
#[derive(Debug, clap::Args)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent command-line switches"
)]
pub struct RunCli {
    /// The profile's name (from the config directory).
    #[arg(long, required_unless_present = "profile_file")]
    pub profile: Option<String>,
    /// Or a profile export file (`tokenscope profiles export`); the first profile in it.
    #[arg(long, value_name = "FILE", conflicts_with = "profile")]
    pub profile_file: Option<PathBuf>,
    /// The grant to run: `authorization_code`, `client_credentials`,
    /// `password`, `refresh_token`, `device_code`, `ciba` (OpenID CIBA,
    /// poll or ping mode, `--ciba-mode`), or `extension` (the profile's extension grant). Default:
    /// the profile's grant.
    #[arg(long)]
    pub grant: Option<String>,
    /// CIBA: who is to approve on their phone (`login_hint`, CIBA Core §7.1).
    #[arg(long, value_name = "HINT")]
    pub login_hint: Option<String>,
    /// CIBA: the `binding_message` the phone shows beside the request.
    #[arg(long, value_name = "TEXT")]
    pub binding_message: Option<String>,
    /// CIBA: how the tokens come (CIBA Core §5): `poll` (the default: the
    /// client polls the token endpoint) or `ping` (the provider calls the
    /// client notification endpoint, then one token request).
    #[arg(long, value_name = "MODE", value_parser = ["poll", "ping"])]
    pub ciba_mode: Option<String>,
    /// CIBA ping mode: the client notification endpoint the client is
    /// registered with, a loopback URL tokenscope listens on:
    /// `https://127.0.0.1:PORT/PATH` (a certificate made for the run) or
    /// `http://127.0.0.1:PORT/PATH` (the sandbox). Default: the profile's.
    #[arg(long, value_name = "URL")]
    pub ciba_notification_endpoint: Option<String>,
    /// The password grant's user name.
    #[arg(long, value_name = "NAME")]
    pub username: Option<String>,
    /// Read the password grant's password from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
    /// Read the refresh token for `--grant refresh_token` from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub refresh_token_env: Option<String>,
    /// Set an extension grant field, `NAME=VALUE` (repeatable).
    #[arg(long = "field", value_name = "NAME=VALUE")]
    pub fields: Vec<String>,
    /// Set an extension grant field from an environment variable, `NAME=VAR` (secrets).
    #[arg(long = "field-env", value_name = "NAME=VAR")]
    pub field_envs: Vec<String>,
    /// At the end, end the session at the provider (RP-initiated logout).
    #[arg(long)]
    pub logout: bool,
    /// After the token step, call this API with the access token (`GET`;
    /// with DPoP, a proof with `ath` and a nonce retry).
    #[arg(long, value_name = "URL")]
    pub call_api: Option<String>,
    /// After the token step, introspect the access token (RFC 7662).
    #[arg(long)]
    pub introspect: bool,
    /// After the token step (and introspection), revoke the access token (RFC 7009).
    #[arg(long)]
    pub revoke: bool,
    /// Run this command with the authorize URL instead of the system browser.
    #[arg(long, value_name = "CMD")]
    pub browser: Option<String>,
    /// Read the client secret from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub client_secret_env: Option<String>,
    /// Read the passphrase of the profile's PKCS#12 client certificate
    /// from this environment variable (else from the secret store).
    #[arg(long, value_name = "VAR")]
    pub pkcs12_passphrase_env: Option<String>,
    /// Seconds to wait for the browser to come back.
    #[arg(long, default_value_t = 300)]
    pub callback_timeout: u64,
    /// One JSON object per step.
    #[arg(long)]
    pub json: bool,
    /// Report the returned tokens' signatures and checks without failing
    /// the run when one does not verify.
    #[arg(long)]
    pub no_verify: bool,
    /// Sender-constrain the tokens with DPoP (RFC 9449), whatever the
    /// profile says: a proof key for this run, a proof on every token and
    /// UserInfo request, a nonce the server asks for sent on a second try.
    #[arg(long)]
    pub dpop: bool,
    /// Push the authorization parameters to the PAR endpoint first (RFC
    /// 9126), whatever the profile says: the browser carries only the
    /// `request_uri`.
    #[arg(long)]
    pub par: bool,
    /// Send the authorization parameters as a request object (RFC 9101)
    /// signed with the profile's client assertion key.
    #[arg(long)]
    pub request_object: bool,
    /// The `response_mode` to ask for: `jwt`, `query.jwt`, `fragment.jwt` or
    /// `form_post.jwt` ask for a signed authorization response (JARM).
    #[arg(long, value_name = "MODE")]
    pub response_mode: Option<String>,
    /// Ask the introspection endpoint for a JWT answer (RFC 9701: `Accept:
    /// application/token-introspection+jwt`), whatever the profile says; a
    /// JWT answer is decrypted when encrypted, then its signature, typ,
    /// iss, aud and iat are checked before its members are used.
    #[arg(long)]
    pub introspection_jwt: bool,
    /// Decrypt encrypted ID tokens, UserInfo answers and JARM responses
    /// (OIDC Core §10.2) with the private key in FILE (a JWK/JWKS with
    /// private parts, a PEM/PKCS#8 private key, or PKCS#12), whatever the
    /// profile's decryption key file says.
    #[arg(long, value_name = "FILE")]
    pub decryption_key: Option<PathBuf>,
    /// Read the passphrase of a PKCS#12 decryption key (the profile's, or
    /// --decryption-key) from this environment variable (else from the
    /// secret store).
    #[arg(long, value_name = "VAR")]
    pub decryption_key_passphrase_env: Option<String>,
}

#[derive(Debug, Args)]
pub struct VerifyCli {
    /// The token, `-` for standard input, or a file; a token response or a log line works too.
    #[arg(required_unless_present = "dpop_proof", conflicts_with = "dpop_proof")]
    pub token: Option<String>,
    /// Check a DPoP proof (RFC 9449 §4.3) instead of a token: the proof,
    /// `-` for standard input, or a file. Needs --htm and --htu;
    /// --access-token checks `ath`.
    #[arg(long, value_name = "PROOF", requires_all = ["htm", "htu"])]
    pub dpop_proof: Option<String>,
    /// The DPoP proof's request method, e.g. POST.
    #[arg(long, value_name = "METHOD", requires = "dpop_proof")]
    pub htm: Option<String>,
    /// The DPoP proof's request URL (query and fragment are ignored).
    #[arg(long, value_name = "URL", requires = "dpop_proof")]
    pub htu: Option<String>,
    /// The nonce the server gave (`DPoP-Nonce`), which the proof must carry.
    #[arg(long, value_name = "NONCE", requires = "dpop_proof")]
    pub dpop_nonce: Option<String>,
    /// How far the proof's `iat` may be from now, either way, in seconds (default 300).
    #[arg(long, value_name = "SECONDS", requires = "dpop_proof")]
    pub dpop_max_age: Option<i64>,
    /// A JWKS file or an http(s) URL (fetched once more on an unknown kid). Repeatable.
    #[arg(long, value_name = "FILE|URL")]
    pub jwks: Vec<String>,
    /// An X.509 certificate, PEM or DER (GOST included). Repeatable.
    #[arg(long, value_name = "FILE")]
    pub cert: Vec<PathBuf>,
    /// PEM public keys (several blocks allowed). Repeatable.
    #[arg(long, value_name = "FILE")]
    pub pem: Vec<PathBuf>,
    /// An HMAC secret as text (visible in the process list). Repeatable.
    #[arg(long, value_name = "TEXT")]
    pub secret: Vec<String>,
    /// An HMAC secret as base64url bytes. Repeatable.
    #[arg(long, value_name = "B64U")]
    pub secret_b64u: Vec<String>,
    /// Decrypt JWEs with this private key (JWK/JWKS, PEM or PKCS#12), then
    /// verify the token inside. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub decryption_key: Vec<PathBuf>,
    /// Read the passphrase of a PKCS#12 --decryption-key from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub decryption_key_passphrase_env: Option<String>,
    /// Decrypt `RSA1_5` key encryption too (unsafe: padding oracles, RFC 8725 §3.2).
    #[arg(long = "allow-rsa1-5")]
    pub allow_rsa1_5: bool,
    /// Take issuer, client id and JWKS URI from this saved profile (flags override).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// The expected issuer (`iss`).
    #[arg(long, value_name = "URL")]
    pub issuer: Option<String>,
    /// ID token: the client id `aud` must contain. Access token: the resource.
    #[arg(long, value_name = "ID")]
    pub audience: Option<String>,
    /// This client's id (`azp`; an access token's `client_id`).
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// The nonce sent in the authorization request.
    #[arg(long)]
    pub nonce: Option<String>,
    /// The access token issued with the ID token, for `at_hash`.
    #[arg(long, value_name = "TOKEN")]
    pub access_token: Option<String>,
    /// The authorization code, for `c_hash`.
    #[arg(long)]
    pub code: Option<String>,
    /// The state sent, for `s_hash`.
    #[arg(long)]
    pub state: Option<String>,
    /// The `max_age` sent, in seconds (`auth_time` must be that recent).
    #[arg(long, value_name = "SECONDS")]
    pub max_age: Option<i64>,
    /// Clock-skew tolerance in seconds (default 60).
    #[arg(long, value_name = "SECONDS")]
    pub leeway: Option<i64>,
    /// The ID token's `sub`, for `--kind userinfo`.
    #[arg(long, value_name = "SUB")]
    pub id_token_sub: Option<String>,
    /// Run this check set instead of the one the token's role implies.
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// Verify every JWT found, not only the ID token (or the first).
    #[arg(long)]
    pub all: bool,
    /// For an SD-JWT VC: fetch its issuer's keys from the issuer's JWT VC
    /// Issuer Metadata (`iss` with /.well-known/jwt-vc-issuer inserted,
    /// https only) and verify with them. Nothing is fetched without it.
    #[arg(long)]
    pub fetch_issuer_keys: bool,
    /// Treat this Unix time as "now" for the time checks.
    #[arg(long, value_name = "UNIX")]
    pub now: Option<i64>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum KindArg {
    Id,
    Access,
    Userinfo,
}

#[derive(Debug, Subcommand)]
pub enum ProfilesAction {
    /// List the profiles.
    List {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Show one profile (secrets are never printed).
    Show {
        /// Name, id, or a unique start of the name.
        name: String,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Write profiles in the format `import` reads.
    Export {
        /// Profiles to export (default: all).
        names: Vec<String>,
        /// Write here instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Include client secrets in the export, in plain text.
        #[arg(long)]
        with_secrets: bool,
    },
    /// Add or replace profiles from an export; every problem is reported.
    Import {
        /// The export file (`-` for standard input).
        file: PathBuf,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SecretStoreArg {
    Auto,
    Keychain,
    File,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Theme {
    Light,
    Dark,
}

/// A language of the window.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Lang {
    /// English.
    En,
    /// Russian.
    Ru,
}

/// `WIDTHxHEIGHT`, e.g. `1280x800`.
pub fn parse_size(text: &str) -> Result<(f32, f32), String> {
    let (w, h) = text
        .split_once('x')
        .ok_or("expected WIDTHxHEIGHT, e.g. 1280x800")?;
    let parse = |s: &str| s.trim().parse::<f32>().map_err(|e| format!("{s}: {e}"));
    Ok((parse(w)?, parse(h)?))
}
