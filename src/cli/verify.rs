//! `tokenscope verify`: signature verification and the relying-party checks
//! for the tokens in a paste, as JSON, with an exit code for scripts.
//!
//! The shape is part of the public interface (documented in the README);
//! change it only by adding fields. Exit codes: 0 when every reported
//! signature verifies and every applicable check passes, 1 when anything
//! failed (an unverified signature is not a verified one), 2 for a usage
//! error ([`UsageError`]).

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::net::{ClientOptions, NetRuntime, build_client};
use crate::oauth::Profile;
use crate::paste::inspect;
use crate::token::extract::lossy_text;
use crate::token::inspect::TokenKind;
use crate::token::keys::KeySet;

use crate::oauth::verification::lower_title;
pub use crate::oauth::verification::{
    CheckKind, EXIT_FAILED, EXIT_PASSED, EXIT_USAGE, KeyPart, SignatureReport, UsageError,
    VerifiedToken, VerifyArgs, VerifyReport, choose_tokens, fetch_jwks, verify_chosen,
};

/// base64url, padded or not, for `--secret-b64u`.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Reads the TOKEN argument: `-` for standard input, an existing file's
/// contents, or else the argument itself. Bytes that are not UTF-8 are
/// replaced, as in the window.
pub fn read_token_input(arg: &str, stdin: &mut dyn Read) -> Result<String, UsageError> {
    let bytes = if arg == "-" {
        let mut bytes = Vec::new();
        stdin
            .read_to_end(&mut bytes)
            .map_err(|e| UsageError(format!("could not read standard input: {e}")))?;
        bytes
    } else if Path::new(arg).is_file() {
        std::fs::read(arg).map_err(|e| UsageError(format!("could not read {arg}: {e}")))?
    } else {
        return Ok(arg.to_owned());
    };
    Ok(lossy_text(bytes).0)
}

/// Verifies the tokens in `input` and runs their checks. `fetch` returns
/// the body of a JWKS URL (see [`HttpFetcher`]). `Err` is a usage error.
pub fn verify(
    args: &VerifyArgs,
    input: &str,
    fetch: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<VerifyReport, UsageError> {
    let mut inspection = inspect(input, args.now);
    let decryption =
        load_decryption_keys(&args.decryption_keys, args.decryption_passphrase.as_ref())?;
    // Open the JWEs first: their claims are what the checks read (RFC 7519 §5.2).
    crate::token::inspect::decrypt_tokens(
        &mut inspection.tokens,
        &decryption,
        crate::token::jwe::DecryptOptions {
            allow_rsa1_5: args.allow_rsa1_5,
        },
    );
    let chosen = choose_tokens(&inspection.tokens, args.all).ok_or_else(|| {
        UsageError(if inspection.tokens.is_empty() {
            "no token found in the input".to_owned()
        } else {
            format!(
                "no JWT in the input ({} opaque token(s) found; only a JWS can be verified)",
                inspection.tokens.len()
            )
        })
    })?;
    let sources = key_sources(args);
    // With --fetch-issuer-keys an SD-JWT's keys come from its issuer's metadata.
    let keys_fetched =
        |t: &crate::token::FoundToken| args.fetch_issuer_keys && t.kind == TokenKind::SdJwt;
    if sources.is_empty()
        && let Some(token) = chosen.iter().map(|&i| &inspection.tokens[i]).find(|t| {
            matches!(t.kind, TokenKind::Jws | TokenKind::SdJwt)
                && !keys_fetched(t)
                && !t
                    .header_str("alg")
                    .is_some_and(|alg| alg.eq_ignore_ascii_case("none"))
        })
    {
        // An SD-JWT VC's keys can come from its issuer's metadata, when asked.
        let vc_hint = if token.kind == TokenKind::SdJwt {
            ", or --fetch-issuer-keys for an SD-JWT VC"
        } else {
            ""
        };
        return Err(UsageError(format!(
            "the {} is signed ({}) but no keys were given: pass --jwks, --cert, --pem, --secret or --secret-b64u (or --profile with a JWKS URI{vc_hint})",
            lower_title(token),
            token.header_str("alg").unwrap_or("no alg")
        )));
    }
    let mut parts = load_keys(&sources, fetch)?;
    if decryption.can_decrypt() {
        // A JWE that stayed closed is reported with why (verification tries it again).
        parts.push(KeyPart {
            url: None,
            set: decryption,
        });
    }
    Ok(verify_chosen(args, &inspection, &chosen, parts, fetch))
}

/// The report of `tokenscope verify --dpop-proof`: the proof's header and
/// claims as decoded (nothing in them is trusted before the rows pass), the
/// RFC 7638 thumbprint of its `jwk` (the `jkt` a bound access token's `cnf`
/// carries, RFC 9449 §6.1), and the RFC 9449 §4.3 rows.
#[derive(Debug, serde::Serialize)]
pub struct DpopReport {
    /// Version of tokenscope that wrote the report.
    pub tokenscope: &'static str,
    /// The "now" the `iat` check used.
    pub now: i64,
    /// `now` as RFC 3339 UTC.
    pub now_utc: Option<String>,
    /// The proof.
    pub dpop_proof: DpopProofReport,
    /// Whether every row passed: the exit code is 0 exactly when this is true.
    pub passed: bool,
}

/// One DPoP proof, checked.
#[derive(Debug, serde::Serialize)]
pub struct DpopProofReport {
    /// The protected header, when the proof decodes.
    pub header: Option<serde_json::Value>,
    /// The claims, when the proof decodes.
    pub claims: Option<serde_json::Value>,
    /// The RFC 7638 thumbprint of the header's `jwk`.
    pub jkt: Option<String>,
    /// The RFC 9449 §4.3 rows, in the shape of a token's checks.
    pub checks: Vec<crate::token::checks::CheckResult>,
}

impl DpopReport {
    /// [`EXIT_PASSED`] or [`EXIT_FAILED`].
    pub fn exit_code(&self) -> u8 {
        if self.passed {
            EXIT_PASSED
        } else {
            EXIT_FAILED
        }
    }
}

/// Checks a DPoP proof against the request it came with (RFC 9449 §4.3).
pub fn verify_dpop_proof(
    input: &str,
    expected: &crate::oauth::dpop::ProofExpectations<'_>,
) -> DpopReport {
    use crate::token::jose::{Decoded, JwsPayload, decode_unverified};
    let proof = input.trim();
    let checks = crate::oauth::dpop::verify_proof(proof, expected);
    let (header, claims) = match decode_unverified(proof) {
        Ok(Decoded::Jws(jws)) => (
            Some(serde_json::Value::Object(jws.header.clone())),
            match &jws.payload {
                JwsPayload::Claims(claims) => Some(serde_json::Value::Object(claims.clone())),
                JwsPayload::Nested(_) => None,
            },
        ),
        _ => (None, None),
    };
    DpopReport {
        tokenscope: env!("CARGO_PKG_VERSION"),
        now: expected.now.unix(),
        now_utc: expected.now.to_rfc3339_utc(),
        passed: crate::token::checks::all_passed(&checks),
        dpop_proof: DpopProofReport {
            header,
            claims,
            jkt: crate::oauth::dpop::proof_jkt(proof),
            checks,
        },
    }
}

/// Reads the private key files given to decrypt JWEs (`decode --key`,
/// `verify --decryption-key`): a JWK or JWKS with private members, PEM
/// private keys, a PKCS#12 container (opened with `passphrase`). A file
/// that holds no decryption key at all is a usage error, with why.
pub fn load_decryption_keys(
    paths: &[PathBuf],
    passphrase: Option<&crate::secret::Secret>,
) -> Result<KeySet, UsageError> {
    KeySet::load_decryption_files(paths, passphrase).map_err(UsageError)
}

/// A key option, in the order keys are merged.
enum KeyOption {
    JwksFile(PathBuf),
    JwksUrl(String),
    Cert(PathBuf),
    Pem(PathBuf),
    Secret(Vec<u8>, &'static str),
}

fn is_url(text: &str) -> bool {
    let lower = text.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The key options given; the profile's JWKS URI when none is.
fn key_sources(args: &VerifyArgs) -> Vec<Result<KeyOption, UsageError>> {
    let mut sources = Vec::new();
    for jwks in &args.jwks {
        sources.push(Ok(if is_url(jwks) {
            KeyOption::JwksUrl(jwks.trim().to_owned())
        } else {
            KeyOption::JwksFile(PathBuf::from(jwks))
        }));
    }
    sources.extend(args.certs.iter().cloned().map(KeyOption::Cert).map(Ok));
    sources.extend(args.pems.iter().cloned().map(KeyOption::Pem).map(Ok));
    for secret in &args.secrets {
        sources.push(Ok(KeyOption::Secret(
            secret.as_bytes().to_vec(),
            "--secret",
        )));
    }
    for secret in &args.secrets_b64u {
        sources.push(
            BASE64URL
                .decode(secret.trim())
                .map(|bytes| KeyOption::Secret(bytes, "--secret-b64u"))
                .map_err(|e| UsageError(format!("--secret-b64u is not base64url: {e}"))),
        );
    }
    if sources.is_empty()
        && let Some(profile) = &args.profile
    {
        let uri = profile.endpoints.jwks.trim();
        if !uri.is_empty() {
            sources.push(Ok(if is_url(uri) {
                KeyOption::JwksUrl(uri.to_owned())
            } else {
                KeyOption::JwksFile(PathBuf::from(uri))
            }));
        }
    }
    sources
}

/// The file's name for key labels ("JWKS keycloak-jwks.json").
fn label(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}

fn read_file(path: &Path, what: &str) -> Result<Vec<u8>, UsageError> {
    std::fs::read(path)
        .map_err(|e| UsageError(format!("could not read the {what} {}: {e}", path.display())))
}

fn load_keys(
    sources: &[Result<KeyOption, UsageError>],
    fetch: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<Vec<KeyPart>, UsageError> {
    // Every file is read and every flag checked before anything is fetched.
    let mut parts = Vec::new();
    for source in sources {
        let part = match source.as_ref().map_err(Clone::clone)? {
            KeyOption::JwksFile(path) => {
                let bytes = read_file(path, "JWKS file")?;
                KeyPart {
                    url: None,
                    set: KeySet::from_jwks_json(&lossy_text(bytes).0, &label(path)),
                }
            }
            KeyOption::JwksUrl(url) => KeyPart {
                url: Some(url.clone()),
                set: KeySet::default(),
            },
            KeyOption::Cert(path) => {
                let bytes = read_file(path, "certificate")?;
                let set = if bytes.windows(10).any(|w| w == b"-----BEGIN") {
                    KeySet::from_pem(&String::from_utf8_lossy(&bytes), &label(path))
                } else {
                    KeySet::from_der_certificate(&bytes, &label(path))
                };
                KeyPart { url: None, set }
            }
            KeyOption::Pem(path) => {
                let bytes = read_file(path, "PEM file")?;
                KeyPart {
                    url: None,
                    set: KeySet::from_pem(&String::from_utf8_lossy(&bytes), &label(path)),
                }
            }
            KeyOption::Secret(bytes, flag) => KeyPart {
                url: None,
                set: KeySet::hmac(bytes, flag),
            },
        };
        parts.push(part);
    }
    for part in &mut parts {
        if let Some(url) = &part.url {
            part.set = fetch_jwks(url, fetch);
        }
    }
    Ok(parts)
}

/// Fetches JWKS URLs with the project's HTTP client (the profile's TLS and
/// proxy settings when one is given). The runtime starts on first use.
pub struct HttpFetcher {
    profile: Profile,
    options: ClientOptions,
    started: Option<(NetRuntime, reqwest::Client)>,
}

impl fmt::Debug for HttpFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpFetcher")
            .field("profile", &self.profile.name)
            .field("started", &self.started.is_some())
            .finish_non_exhaustive()
    }
}

impl HttpFetcher {
    /// A fetcher using `profile`'s network settings (TLS, proxy,
    /// timeouts), or the defaults.
    pub fn new(profile: Option<&Profile>) -> Self {
        let profile = profile.cloned().unwrap_or_default();
        Self {
            options: ClientOptions::for_profile(&profile, None),
            profile,
            started: None,
        }
    }

    /// The passphrase of the profile's PKCS#12 client certificate.
    #[must_use]
    pub fn with_pkcs12_passphrase(mut self, passphrase: Option<crate::secret::Secret>) -> Self {
        self.options.pkcs12_passphrase = passphrase;
        self
    }

    /// GETs `url`; the body of a 2xx answer, or why there is none.
    pub fn fetch(&mut self, url: &str) -> Result<String, String> {
        if self.started.is_none() {
            let runtime = NetRuntime::new()
                .map_err(|e| format!("could not start the network runtime: {e}"))?;
            let client = build_client(&self.profile, &self.options).map_err(|e| e.to_string())?;
            self.started = Some((runtime, client));
        }
        let Some((runtime, client)) = &self.started else {
            return Err("the network runtime is not running".to_owned());
        };
        runtime.block_on(crate::oauth::verification::fetch_jwks_body(
            client,
            &self.profile,
            url,
            &self.options,
            crate::i18n::language(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::Timestamp;

    const KEYCLOAK_RESPONSE: &str =
        include_str!("../../tests/fixtures/keycloak-token-response.json");
    const KEYCLOAK_JWKS: &str = include_str!("../../tests/fixtures/keycloak-jwks.json");
    const URL: &str = "https://sso.example.test/jwks";

    fn args() -> VerifyArgs {
        let mut args = VerifyArgs::new(Timestamp::from_unix(1_795_387_806));
        args.jwks = vec![URL.to_owned()];
        args
    }

    #[test]
    fn a_failed_fetch_is_a_key_problem_and_a_failure() {
        let mut calls = Vec::new();
        let report = verify(&args(), KEYCLOAK_RESPONSE, &mut |url| {
            calls.push(url.to_owned());
            Err("the connection was refused".to_owned())
        })
        .unwrap();
        assert_eq!(calls, [URL], "no refetch without an unknown kid");
        assert_eq!(report.exit_code(), EXIT_FAILED);
        assert_eq!(report.tokens[0].signature.status, "no_key");
        assert_eq!(report.tokens[0].signature.code, Some("JWS_NO_KEY"));
        assert_eq!(
            report.key_problems[0].to_string(),
            format!("JWKS {URL}: could not be fetched: the connection was refused")
        );
    }

    #[test]
    fn an_unknown_kid_fetches_once_more_then_gives_up() {
        let rotated = KEYCLOAK_JWKS.replace("kc-rsa-1", "kc-rsa-2");
        let mut calls = 0;
        let report = verify(&args(), KEYCLOAK_RESPONSE, &mut |_| {
            calls += 1;
            Ok(rotated.clone())
        })
        .unwrap();
        assert_eq!(calls, 2);
        assert!(report.refetched_jwks);
        assert_eq!(report.tokens[0].signature.code, Some("JWK_KID_UNKNOWN"));
        assert_eq!(report.exit_code(), EXIT_FAILED);
    }

    #[test]
    fn the_id_token_is_preferred_and_all_takes_every_jwt() {
        let mut fetch = |_: &str| Ok(KEYCLOAK_JWKS.to_owned());
        let report = verify(&args(), KEYCLOAK_RESPONSE, &mut fetch).unwrap();
        assert_eq!(report.tokens.len(), 1);
        assert_eq!(report.tokens[0].title, "ID token");
        assert_eq!(report.exit_code(), EXIT_PASSED);
        let mut all = args();
        all.all = true;
        let report = verify(&all, KEYCLOAK_RESPONSE, &mut fetch).unwrap();
        let indices: Vec<usize> = report.tokens.iter().map(|t| t.index).collect();
        assert_eq!(indices, [0, 1, 2]);
        // The refresh token's HMAC key is not in the JWKS.
        assert_eq!(report.exit_code(), EXIT_FAILED);
    }

    #[test]
    fn nothing_is_fetched_before_a_usage_error() {
        let mut bad = args();
        bad.secrets_b64u = vec!["not*base64url".to_owned()];
        let error = verify(&bad, KEYCLOAK_RESPONSE, &mut |_| {
            panic!("must not fetch");
        })
        .unwrap_err();
        assert!(
            error.0.starts_with("--secret-b64u is not base64url"),
            "{error}"
        );
        let mut no_keys = args();
        no_keys.jwks.clear();
        let error = verify(&no_keys, KEYCLOAK_RESPONSE, &mut |_| {
            panic!("must not fetch")
        })
        .unwrap_err();
        assert!(
            error.0.contains("the ID token is signed (RS256)"),
            "{error}"
        );
    }

    #[test]
    fn token_input_is_text_a_file_or_standard_input() {
        let mut empty: &[u8] = b"";
        assert_eq!(read_token_input("eyJ.a.b", &mut empty).unwrap(), "eyJ.a.b");
        let mut stdin: &[u8] = b"from stdin";
        assert_eq!(read_token_input("-", &mut stdin).unwrap(), "from stdin");
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/sber-user-info.jwt"
        );
        assert!(
            read_token_input(path, &mut empty)
                .unwrap()
                .starts_with("eyJ")
        );
    }

    #[test]
    fn debug_never_shows_secrets() {
        let mut secret = args();
        secret.secrets = vec!["hunter2-hunter2".to_owned()];
        secret.access_token = Some("eyJ-access".to_owned());
        let debug = format!("{secret:?}");
        assert!(
            !debug.contains("hunter2") && !debug.contains("eyJ-access"),
            "{debug}"
        );
    }
}
