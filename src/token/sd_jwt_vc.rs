//! SD-JWT VC (draft-ietf-oauth-sd-jwt-vc-14): the issuer's signing key
//! found through its JWT VC Issuer Metadata (§5), one of the Issuer
//! Signature Mechanisms of §3.5.
//!
//! Nothing here touches the network: [`metadata_url`] says where the
//! metadata is, [`read_metadata`] reads what came back, and
//! [`resolve_issuer_keys`] walks both with a getter its caller gives (the
//! window's job and `verify` hand it the project's one JWKS fetch, with its
//! size and time limits). [`issuer_key_row`] is the verification row.

use std::fmt;
use std::net::Ipv4Addr;

use serde_json::Value;

use super::checks::{self, CheckResult};
use super::jose::{self, Decoded};
use super::keys::KeySet;
use super::sd_jwt::{SdJwt, split};
use super::verify::verify_decoded;

/// The well-known suffix inserted between the host and the path of `iss`
/// (draft-ietf-oauth-sd-jwt-vc-14 §5 "JWT VC Issuer Metadata").
pub const WELL_KNOWN_SUFFIX: &str = "/.well-known/jwt-vc-issuer";

/// The largest metadata document read: it holds an issuer and a key set,
/// a few kilobytes in practice.
pub const MAX_METADATA_BYTES: usize = 1024 * 1024;

const SPEC_METADATA: &str =
    "draft-ietf-oauth-sd-jwt-vc-14 §5 JWT VC Issuer Metadata, §3.5 Issuer Signature Mechanisms";
const SPEC_TYPE: &str = "draft-ietf-oauth-sd-jwt-vc-14 §3.2.1 JOSE Header, §3.2.2.1 vct";

/// The `typ` of an SD-JWT VC's issuer-signed JWT, and the one the draft
/// used until November 2024 that verifiers are to accept for a while
/// (draft-ietf-oauth-sd-jwt-vc-14 §3.2.1 "JOSE Header").
const VC_TYPES: [&str; 2] = ["dc+sd-jwt", "vc+sd-jwt"];

/// Why no metadata URL can be made from an `iss` (or a `jwks_uri` be fetched).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IssuerUrlError {
    /// Nothing at all.
    Empty,
    /// A character outside ASCII: a URL is ASCII, and an internationalised
    /// host is left as written rather than turned into its `xn--` form.
    NotAscii {
        /// The first such character.
        character: char,
    },
    /// A space or a control character.
    Control {
        /// The first such character.
        character: char,
    },
    /// No `scheme://`.
    NoScheme,
    /// A scheme other than `https` (`http` only on a loopback host).
    NotHttps {
        /// The scheme as written.
        scheme: String,
    },
    /// A query or a fragment, which an `iss` must not have (§5).
    QueryOrFragment,
    /// `user@host`.
    UserInfo,
    /// No host, or one with characters no host name has.
    BadHost {
        /// The host as written.
        host: String,
    },
    /// A port that is not a number from 0 to 65535.
    BadPort {
        /// The port as written.
        port: String,
    },
}

impl fmt::Display for IssuerUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&match self {
            Self::Empty => crate::tr!("sd-vc-url-empty"),
            Self::NotAscii { character } => crate::tr!(
                "sd-vc-url-not-ascii",
                character = character.to_string(),
                code = format!("U+{:04X}", u32::from(*character))
            ),
            Self::Control { character } => crate::tr!(
                "sd-vc-url-control",
                code = format!("U+{:04X}", u32::from(*character))
            ),
            Self::NoScheme => crate::tr!("sd-vc-url-no-scheme"),
            Self::NotHttps { scheme } => {
                crate::tr!("sd-vc-url-not-https", scheme = scheme.as_str())
            }
            Self::QueryOrFragment => crate::tr!("sd-vc-url-query"),
            Self::UserInfo => crate::tr!("sd-vc-url-userinfo"),
            Self::BadHost { host } => crate::tr!("sd-vc-url-host", host = host.as_str()),
            Self::BadPort { port } => crate::tr!("sd-vc-url-port", port = port.as_str()),
        })
    }
}

/// An absolute http(s) URL taken apart, every part ASCII.
struct UrlParts<'a> {
    /// `https` or `http`, lower case.
    scheme: &'static str,
    /// `host[:port]` as written.
    authority: &'a str,
    /// The host alone.
    host: &'a str,
    /// From the first `/`, `?` or `#` after the authority (empty when there is none).
    rest: &'a str,
}

/// Whether `host` is this machine: `localhost`, `127.x.y.z` or `[::1]`.
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host == "[::1]"
        || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

/// Takes `text` apart as an https URL (http on a loopback host, for tests
/// and the sandbox). One pass per check, no slicing inside a character:
/// everything past the first test is ASCII.
fn url_parts(text: &str, query_allowed: bool) -> Result<UrlParts<'_>, IssuerUrlError> {
    if text.is_empty() {
        return Err(IssuerUrlError::Empty);
    }
    if let Some(character) = text.chars().find(|c| !c.is_ascii()) {
        return Err(IssuerUrlError::NotAscii { character });
    }
    if let Some(character) = text.chars().find(|c| c.is_ascii_control() || *c == ' ') {
        return Err(IssuerUrlError::Control { character });
    }
    let (scheme, after) = text.split_once("://").ok_or(IssuerUrlError::NoScheme)?;
    if !query_allowed && (after.contains('?') || after.contains('#')) {
        return Err(IssuerUrlError::QueryOrFragment);
    }
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, rest) = after
        .split_at_checked(end)
        .ok_or(IssuerUrlError::NoScheme)?;
    if authority.contains('@') {
        return Err(IssuerUrlError::UserInfo);
    }
    let (host, port) = match authority.strip_prefix('[') {
        // An IPv6 literal: `[…]`, then perhaps `:port`.
        Some(inside) => match inside.split_once(']') {
            Some((_, after_bracket)) => {
                let host_len = authority.len() - after_bracket.len();
                let host = authority.get(..host_len).unwrap_or(authority);
                match after_bracket {
                    "" => (host, None),
                    other => (host, Some(other.strip_prefix(':').unwrap_or(other))),
                }
            }
            None => {
                return Err(IssuerUrlError::BadHost {
                    host: authority.to_owned(),
                });
            }
        },
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => {
            !v6.is_empty()
                && v6
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        }
        None => {
            !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
        }
    };
    if !host_ok {
        return Err(IssuerUrlError::BadHost {
            host: host.to_owned(),
        });
    }
    if let Some(port) = port
        && (port.is_empty()
            || !port.chars().all(|c| c.is_ascii_digit())
            || port.parse::<u16>().is_err())
    {
        return Err(IssuerUrlError::BadPort {
            port: port.to_owned(),
        });
    }
    let scheme = if scheme.eq_ignore_ascii_case("https") {
        "https"
    } else if scheme.eq_ignore_ascii_case("http") && is_loopback(host) {
        "http"
    } else {
        return Err(IssuerUrlError::NotHttps {
            scheme: scheme.to_owned(),
        });
    };
    Ok(UrlParts {
        scheme,
        authority,
        host,
        rest,
    })
}

/// Where an issuer's JWT VC Issuer Metadata is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetadataLocation {
    /// The URL to GET.
    pub url: String,
    /// The host it is on, as `iss` writes it (for "Fetch … from HOST").
    pub host: String,
}

/// The metadata URL of `iss`: the well-known suffix inserted between the
/// host and the path, any terminating `/` of the path removed
/// (draft-ietf-oauth-sd-jwt-vc-14 §5 "JWT VC Issuer Metadata", §5.1
/// "JWT VC Issuer Metadata Request"). Total: any text gives a URL or why not.
pub fn metadata_url(iss: &str) -> Result<MetadataLocation, IssuerUrlError> {
    let parts = url_parts(iss, false)?;
    let path = parts.rest.trim_end_matches('/');
    Ok(MetadataLocation {
        url: format!(
            "{}://{}{WELL_KNOWN_SUFFIX}{path}",
            parts.scheme, parts.authority
        ),
        host: parts.host.to_owned(),
    })
}

/// Where the metadata puts the issuer's keys (§5.2: one of the two, never both).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MetadataKeys {
    /// `jwks`: the JWK Set itself, as JSON text.
    Jwks(String),
    /// `jwks_uri`: where to fetch it.
    JwksUri(String),
}

/// JWT VC Issuer Metadata that passed validation (§5.2, §5.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuerMetadata {
    /// `issuer`, identical to the `iss` it was fetched for.
    pub issuer: String,
    /// Where the keys are.
    pub keys: MetadataKeys,
}

/// Why a metadata document cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MetadataError {
    /// Larger than [`MAX_METADATA_BYTES`].
    TooLarge {
        /// Its size.
        bytes: usize,
    },
    /// Not UTF-8 (JSON between systems must be, RFC 8259 §8.1).
    NotUtf8 {
        /// The offset of the first bad byte.
        at: usize,
    },
    /// Not JSON.
    NotJson {
        /// What the parser said.
        detail: String,
    },
    /// JSON, but not an object.
    NotObject {
        /// What it is.
        kind: String,
    },
    /// No `issuer` string.
    IssuerMissing,
    /// `issuer` is not the `iss` (§5.3: the data must not be used).
    IssuerMismatch {
        /// The metadata's `issuer`.
        issuer: String,
        /// The credential's `iss`.
        iss: String,
    },
    /// Both `jwks` and `jwks_uri`.
    BothKeySources,
    /// Neither `jwks` nor `jwks_uri`.
    NoKeySource,
    /// `jwks` is not an object.
    JwksNotObject {
        /// What it is.
        kind: String,
    },
    /// `jwks_uri` is not a string.
    JwksUriNotString {
        /// What it is.
        kind: String,
    },
    /// `jwks_uri` is no URL tokenscope fetches.
    JwksUriRefused {
        /// The value.
        uri: String,
        /// Why.
        reason: IssuerUrlError,
    },
}

impl fmt::Display for MetadataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&match self {
            Self::TooLarge { bytes } => crate::tr!(
                "sd-vc-meta-too-large",
                bytes = *bytes,
                max = MAX_METADATA_BYTES
            ),
            Self::NotUtf8 { at } => crate::tr!("sd-vc-meta-not-utf8", at = *at),
            Self::NotJson { detail } => crate::tr!("sd-vc-meta-not-json", detail = detail.as_str()),
            Self::NotObject { kind } => crate::tr!("sd-vc-meta-not-object", kind = kind.as_str()),
            Self::IssuerMissing => crate::tr!("sd-vc-meta-no-issuer"),
            Self::IssuerMismatch { issuer, iss } => crate::tr!(
                "sd-vc-meta-issuer-mismatch",
                issuer = issuer.as_str(),
                iss = iss.as_str()
            ),
            Self::BothKeySources => crate::tr!("sd-vc-meta-both"),
            Self::NoKeySource => crate::tr!("sd-vc-meta-neither"),
            Self::JwksNotObject { kind } => {
                crate::tr!("sd-vc-meta-jwks-not-object", kind = kind.as_str())
            }
            Self::JwksUriNotString { kind } => {
                crate::tr!("sd-vc-meta-jwks-uri-not-string", kind = kind.as_str())
            }
            Self::JwksUriRefused { uri, reason } => crate::tr!(
                "sd-vc-meta-jwks-uri-refused",
                uri = uri.as_str(),
                reason = reason.to_string()
            ),
        })
    }
}

/// Reads the metadata fetched for `iss` (draft-ietf-oauth-sd-jwt-vc-14
/// §5.2 "JWT VC Issuer Metadata Response", §5.3 "JWT VC Issuer Metadata
/// Validation"): bounded, UTF-8 JSON, `issuer` identical to `iss`, exactly
/// one of `jwks` and `jwks_uri`. Total over any bytes.
pub fn read_metadata(iss: &str, body: &[u8]) -> Result<IssuerMetadata, MetadataError> {
    if body.len() > MAX_METADATA_BYTES {
        return Err(MetadataError::TooLarge { bytes: body.len() });
    }
    let text = std::str::from_utf8(body).map_err(|error| MetadataError::NotUtf8 {
        at: error.valid_up_to(),
    })?;
    let document = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(document)) => document,
        Ok(other) => {
            return Err(MetadataError::NotObject {
                kind: jose::json_kind_text(&other),
            });
        }
        Err(error) => {
            return Err(MetadataError::NotJson {
                detail: error.to_string(),
            });
        }
    };
    let Some(Value::String(issuer)) = document.get("issuer") else {
        return Err(MetadataError::IssuerMissing);
    };
    // §5.3: identical, compared as strings; no normalisation.
    if issuer != iss {
        return Err(MetadataError::IssuerMismatch {
            issuer: issuer.clone(),
            iss: iss.to_owned(),
        });
    }
    let keys = match (document.get("jwks"), document.get("jwks_uri")) {
        (Some(_), Some(_)) => return Err(MetadataError::BothKeySources),
        (None, None) => return Err(MetadataError::NoKeySource),
        (Some(Value::Object(jwks)), None) => {
            MetadataKeys::Jwks(Value::Object(jwks.clone()).to_string())
        }
        (Some(other), None) => {
            return Err(MetadataError::JwksNotObject {
                kind: jose::json_kind_text(other),
            });
        }
        (None, Some(Value::String(uri))) => match url_parts(uri, true) {
            Ok(_) => MetadataKeys::JwksUri(uri.clone()),
            Err(reason) => {
                return Err(MetadataError::JwksUriRefused {
                    uri: uri.clone(),
                    reason,
                });
            }
        },
        (None, Some(other)) => {
            return Err(MetadataError::JwksUriNotString {
                kind: jose::json_kind_text(other),
            });
        }
    };
    Ok(IssuerMetadata {
        issuer: issuer.clone(),
        keys,
    })
}

/// The issuer's keys as fetched from its metadata, or why there are none:
/// plain data, compared and cached with the expectations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuerKeys {
    /// The `iss` they were fetched for.
    pub iss: String,
    /// The metadata URL, when one could be made from `iss`.
    pub metadata_url: Option<String>,
    /// The `jwks_uri` the metadata named, when it named one.
    pub jwks_uri: Option<String>,
    /// The issuer's JWK Set as JSON text, or why there is none.
    pub jwks: Result<String, String>,
}

impl IssuerKeys {
    /// Where the key set came from, for key rows: the `jwks_uri`, else the metadata URL.
    pub fn source(&self) -> &str {
        self.jwks_uri
            .as_deref()
            .or(self.metadata_url.as_deref())
            .unwrap_or(&self.iss)
    }

    /// The keys, when there are some, labelled with where they came from.
    pub fn key_set(&self) -> Option<KeySet> {
        self.jwks
            .as_ref()
            .ok()
            .map(|json| KeySet::from_jwks_json(json, self.source()))
    }
}

/// Fetches the metadata of `iss`, then the `jwks_uri` it names (if it
/// names one), each with `get` (a GET's body, or why there is none): the
/// walk of draft-ietf-oauth-sd-jwt-vc-14 §5, without I/O of its own.
pub fn resolve_issuer_keys(
    iss: &str,
    get: &mut dyn FnMut(&str) -> Result<String, String>,
) -> IssuerKeys {
    let mut keys = IssuerKeys {
        iss: iss.to_owned(),
        metadata_url: None,
        jwks_uri: None,
        jwks: Err(String::new()),
    };
    let location = match metadata_url(iss) {
        Ok(location) => location,
        Err(error) => {
            keys.jwks = Err(crate::tr!("sd-vc-no-url", reason = error.to_string()));
            return keys;
        }
    };
    keys.metadata_url = Some(location.url.clone());
    let metadata = get(&location.url).and_then(|body| {
        read_metadata(iss, body.as_bytes()).map_err(|error| format!("{}: {error}", location.url))
    });
    keys.jwks = match metadata.map(|metadata| metadata.keys) {
        Ok(MetadataKeys::Jwks(json)) => Ok(json),
        Ok(MetadataKeys::JwksUri(uri)) => {
            let fetched = get(&uri);
            keys.jwks_uri = Some(uri);
            fetched
        }
        Err(why) => Err(why),
    };
    keys
}

/// The `iss` of an SD-JWT VC's issuer-signed JWT, or why the JWT VC Issuer
/// Metadata does not apply: not a VC (neither `typ` `dc+sd-jwt` / legacy
/// `vc+sd-jwt` nor a `vct` claim, §3.2.1, §3.2.2.1), or no `iss` string.
pub fn credential_issuer(issuer_jwt: &Decoded) -> Result<&str, String> {
    let typ = issuer_jwt
        .header()
        .get("typ")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let claims = issuer_jwt.claims();
    // RFC 7515 §4.1.9: `typ` may leave out `application/`, and compares case-insensitively.
    let lower = typ.to_ascii_lowercase();
    let typed = VC_TYPES.contains(&lower.strip_prefix("application/").unwrap_or(&lower));
    let has_vct = claims.is_some_and(|claims| claims.get("vct").is_some_and(Value::is_string));
    if !typed && !has_vct {
        return Err(if typ.is_empty() {
            crate::tr!("sd-vc-not-vc-no-typ")
        } else {
            crate::tr!("sd-vc-not-vc", typ = typ)
        });
    }
    match claims.and_then(|claims| claims.get("iss")) {
        Some(Value::String(iss)) => Ok(iss),
        Some(other) => Err(crate::tr!(
            "sd-vc-iss-not-string",
            kind = jose::json_kind_text(other)
        )),
        None => Err(crate::tr!("sd-vc-no-iss")),
    }
}

/// The keys of `set` that may have signed a JWT with `kid`: those with
/// that `kid` (§5.2 recommends one, to look the key up), or the only key
/// when there is no `kid`. `Err` says why none is chosen.
fn chosen_keys(set: &KeySet, kid: Option<&str>) -> Result<KeySet, String> {
    let keys: Vec<_> = match kid {
        Some(kid) => set
            .keys
            .iter()
            .filter(|key| key.kid.as_deref() == Some(kid))
            .cloned()
            .collect(),
        None if set.keys.len() == 1 => set.keys.clone(),
        None => {
            return Err(crate::tr!("sd-vc-key-no-kid", count = set.keys.len()));
        }
    };
    if keys.is_empty() {
        let mut why = match kid {
            Some(kid) => crate::tr!(
                "sd-vc-key-kid-unknown",
                kid = kid,
                kids = set.kids().join(", ")
            ),
            None => crate::tr!("sd-vc-key-none"),
        };
        if let Some(problem) = set.problems.first() {
            why.push_str("; ");
            why.push_str(&problem.to_string());
        }
        return Err(why);
    }
    Ok(KeySet {
        keys,
        ..KeySet::default()
    })
}

/// The row `issuer_key`: whether the issuer-signed JWT of `sd` verifies
/// with the key its issuer's metadata publishes (`fetched`), chosen by
/// `kid`. Not applicable, with why, to an SD-JWT that is not a VC or whose
/// `iss` is not the one the keys were fetched for.
pub fn issuer_key_row(sd: &SdJwt, fetched: &IssuerKeys) -> CheckResult {
    const NAME: &str = "issuer_key";
    let decoded =
        split(&sd.presentation).and_then(|parts| jose::decode_unverified(parts.issuer_jwt).ok());
    let Some(decoded @ Decoded::Jws(_)) = decoded else {
        return CheckResult::not_applicable(NAME, crate::tr!("sd-issuer-not-jws"), SPEC_METADATA);
    };
    let iss = match credential_issuer(&decoded) {
        Ok(iss) => iss,
        Err(why) => return CheckResult::not_applicable(NAME, why, SPEC_TYPE),
    };
    if iss != fetched.iss {
        return CheckResult::not_applicable(
            NAME,
            crate::tr!(
                "sd-vc-other-issuer",
                fetched = fetched.iss.as_str(),
                iss = iss
            ),
            SPEC_METADATA,
        );
    }
    let Some(set) = fetched.key_set() else {
        let why = fetched.jwks.as_ref().err().cloned().unwrap_or_default();
        return CheckResult::fail(NAME, "SD_VC_ISSUER_METADATA", why, SPEC_METADATA);
    };
    let kid = decoded.header().get("kid").and_then(Value::as_str);
    let chosen = match chosen_keys(&set, kid) {
        Ok(chosen) => chosen,
        Err(why) => {
            return CheckResult::fail(
                NAME,
                "SD_VC_ISSUER_KEY",
                crate::tr!("sd-vc-key-from", reason = why, url = fetched.source()),
                SPEC_METADATA,
            );
        }
    };
    let outcome = verify_decoded(&decoded, &chosen);
    if !outcome.is_valid() {
        return checks::signature_row(NAME, &outcome, SPEC_METADATA);
    }
    let key = chosen
        .keys
        .first()
        .map(|key| {
            let row = key.row();
            row.kid.or(row.fingerprint).unwrap_or(row.size)
        })
        .unwrap_or_default();
    CheckResult::pass(
        NAME,
        crate::tr!(
            "sd-vc-issuer-key-ok",
            key = key,
            url = fetched.metadata_url.as_deref().unwrap_or_default(),
            source = fetched.source()
        ),
        SPEC_METADATA,
    )
}

#[cfg(test)]
mod tests {
    use p256::ecdsa::signature::Signer as _;
    use serde_json::json;

    use super::*;
    use crate::token::checks::CheckStatus;
    use crate::token::jose::{Part, encode_segment};
    use crate::token::sd_jwt::{HashAlg, read};

    const ISSUER_KEY: &str = include_str!("../../tests/fixtures/sd-jwt/issuer-key.json");
    const ISSUER_JWKS: &str = include_str!("../../tests/fixtures/sd-jwt/issuer-jwks.json");

    fn url(iss: &str) -> Result<String, IssuerUrlError> {
        metadata_url(iss).map(|location| location.url)
    }

    #[test]
    fn the_well_known_suffix_goes_between_host_and_path() {
        // The two examples of draft-ietf-oauth-sd-jwt-vc-14 §5.1.
        assert_eq!(
            url("https://example.com").as_deref(),
            Ok("https://example.com/.well-known/jwt-vc-issuer")
        );
        assert_eq!(
            url("https://example.com/tenant/1234").as_deref(),
            Ok("https://example.com/.well-known/jwt-vc-issuer/tenant/1234")
        );
        // A terminating `/` is removed first.
        assert_eq!(
            url("https://example.com/").as_deref(),
            Ok("https://example.com/.well-known/jwt-vc-issuer")
        );
        assert_eq!(
            url("https://example.com/tenant/1234/").as_deref(),
            Ok("https://example.com/.well-known/jwt-vc-issuer/tenant/1234")
        );
        assert_eq!(
            url("https://issuer.example:8443/t").as_deref(),
            Ok("https://issuer.example:8443/.well-known/jwt-vc-issuer/t")
        );
        assert_eq!(
            metadata_url("https://[2001:db8::1]:8443/a").map(|l| l.host),
            Ok("[2001:db8::1]".to_owned())
        );
        // http only on loopback (tests, the sandbox).
        assert_eq!(
            url("http://127.0.0.1:8080/vc").as_deref(),
            Ok("http://127.0.0.1:8080/.well-known/jwt-vc-issuer/vc")
        );
        assert_eq!(
            url("http://localhost").as_deref(),
            Ok("http://localhost/.well-known/jwt-vc-issuer")
        );
    }

    #[test]
    fn an_iss_that_is_no_https_url_is_refused_with_why() {
        let cases = [
            ("https://example.com/a?x=1", IssuerUrlError::QueryOrFragment),
            ("https://example.com#f", IssuerUrlError::QueryOrFragment),
            ("https://example.com/?", IssuerUrlError::QueryOrFragment),
            (
                "http://example.com",
                IssuerUrlError::NotHttps {
                    scheme: "http".to_owned(),
                },
            ),
            (
                "ftp://example.com",
                IssuerUrlError::NotHttps {
                    scheme: "ftp".to_owned(),
                },
            ),
            ("example.com", IssuerUrlError::NoScheme),
            ("", IssuerUrlError::Empty),
            ("https://u:p@example.com", IssuerUrlError::UserInfo),
            (
                "https://",
                IssuerUrlError::BadHost {
                    host: String::new(),
                },
            ),
            (
                "https://example.com:99999",
                IssuerUrlError::BadPort {
                    port: "99999".to_owned(),
                },
            ),
            (
                "https://example.com:",
                IssuerUrlError::BadPort {
                    port: String::new(),
                },
            ),
            (
                "https://пример.рф/issuer",
                IssuerUrlError::NotAscii { character: 'п' },
            ),
            (
                "https://example.com/😀",
                IssuerUrlError::NotAscii { character: '😀' },
            ),
            (
                "https://exa mple.com",
                IssuerUrlError::Control { character: ' ' },
            ),
            (
                "https://[::1",
                IssuerUrlError::BadHost {
                    host: "[::1".to_owned(),
                },
            ),
            (
                "https://ex%41mple.com",
                IssuerUrlError::BadHost {
                    host: "ex%41mple.com".to_owned(),
                },
            ),
        ];
        for (iss, expected) in cases {
            assert_eq!(url(iss), Err(expected.clone()), "{iss}");
            assert!(!expected.to_string().is_empty());
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 512,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        #[test]
        fn any_iss_gives_a_url_or_a_reason(
            iss in proptest::prop_oneof![
                proptest::prelude::any::<String>(),
                "(https?|HTTPS|ftp)://[a-z0-9.:\\[\\]@%/?#_-]{0,40}",
                "https://[a-zа-я😀.]{0,12}(:[0-9]{0,6})?(/[a-zа-я😀/]{0,12})?",
            ],
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..256),
        ) {
            match metadata_url(&iss) {
                Ok(location) => {
                    proptest::prop_assert!(location.url.contains(WELL_KNOWN_SUFFIX));
                    proptest::prop_assert!(location.url.is_ascii());
                }
                Err(error) => proptest::prop_assert!(!error.to_string().is_empty()),
            }
            let _ = read_metadata(&iss, &body);
        }
    }

    #[test]
    fn metadata_is_read_only_when_it_is_the_issuers_and_names_one_key_source() {
        let iss = "https://example.com/tenant/1234";
        let inline = json!({"issuer": iss, "jwks": {"keys": []}}).to_string();
        assert_eq!(
            read_metadata(iss, inline.as_bytes()).map(|m| m.keys),
            Ok(MetadataKeys::Jwks(r#"{"keys":[]}"#.to_owned()))
        );
        let by_uri =
            json!({"issuer": iss, "jwks_uri": "https://keys.example.com/jwks"}).to_string();
        assert_eq!(
            read_metadata(iss, by_uri.as_bytes()).map(|m| m.keys),
            Ok(MetadataKeys::JwksUri(
                "https://keys.example.com/jwks".to_owned()
            ))
        );
        let refusals: [(Vec<u8>, MetadataError); 10] = [
            (
                json!({"issuer": "https://example.com/tenant/1234/", "jwks": {}})
                    .to_string()
                    .into_bytes(),
                MetadataError::IssuerMismatch {
                    issuer: "https://example.com/tenant/1234/".to_owned(),
                    iss: iss.to_owned(),
                },
            ),
            (
                json!({"issuer": iss, "jwks": {}, "jwks_uri": "https://k.example"})
                    .to_string()
                    .into_bytes(),
                MetadataError::BothKeySources,
            ),
            (
                json!({"issuer": iss}).to_string().into_bytes(),
                MetadataError::NoKeySource,
            ),
            (
                json!({"jwks": {}}).to_string().into_bytes(),
                MetadataError::IssuerMissing,
            ),
            (
                json!({"issuer": iss, "jwks": "keys"})
                    .to_string()
                    .into_bytes(),
                MetadataError::JwksNotObject {
                    kind: jose::json_kind_text(&json!("keys")),
                },
            ),
            (
                json!({"issuer": iss, "jwks_uri": 7})
                    .to_string()
                    .into_bytes(),
                MetadataError::JwksUriNotString {
                    kind: jose::json_kind_text(&json!(7)),
                },
            ),
            (
                json!({"issuer": iss, "jwks_uri": "http://keys.example.com/jwks"})
                    .to_string()
                    .into_bytes(),
                MetadataError::JwksUriRefused {
                    uri: "http://keys.example.com/jwks".to_owned(),
                    reason: IssuerUrlError::NotHttps {
                        scheme: "http".to_owned(),
                    },
                },
            ),
            (
                b"[1]".to_vec(),
                MetadataError::NotObject {
                    kind: jose::json_kind_text(&json!([1])),
                },
            ),
            (
                b"{\"issuer\": \"\xD0\x9F\xFF\"}".to_vec(),
                MetadataError::NotUtf8 { at: 14 },
            ),
            (
                vec![b' '; MAX_METADATA_BYTES + 1],
                MetadataError::TooLarge {
                    bytes: MAX_METADATA_BYTES + 1,
                },
            ),
        ];
        for (body, expected) in refusals {
            assert_eq!(read_metadata(iss, &body), Err(expected.clone()));
            assert!(!expected.to_string().is_empty());
        }
        assert!(matches!(
            read_metadata(iss, b"{\"issuer\":"),
            Err(MetadataError::NotJson { .. })
        ));
        // Deep nesting is an error of the parser, not a stack overflow.
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(matches!(
            read_metadata(iss, deep.as_bytes()),
            Err(MetadataError::NotJson { .. })
        ));
    }

    /// The issuer's key pair of RFC 9901's examples, as a signer.
    fn signer() -> p256::ecdsa::SigningKey {
        let jwk: Value = serde_json::from_str(ISSUER_KEY).expect("JWK");
        let d = jose::decode_segment(jwk["d"].as_str().expect("d"), Part::Payload).expect("d");
        p256::ecdsa::SigningKey::from_slice(&d).expect("P-256 key")
    }

    /// An SD-JWT VC issued by `iss` with `header`, one Disclosure.
    fn credential(iss: &str, header: &Value) -> SdJwt {
        let disclosure = encode_segment(r#"["salt-1", "given_name", "Иван"]"#.as_bytes());
        let payload = json!({
            "iss": iss,
            "vct": "https://credentials.example.com/identity_credential",
            "_sd": [HashAlg::Sha256.digest(&disclosure)],
            "_sd_alg": "sha-256",
        });
        let input = format!(
            "{}.{}",
            encode_segment(header.to_string().as_bytes()),
            encode_segment(payload.to_string().as_bytes())
        );
        let signature: p256::ecdsa::Signature = signer().sign(input.as_bytes());
        let compact = format!(
            "{input}.{}~{disclosure}~",
            encode_segment(&signature.to_bytes())
        );
        read(&compact).expect("~").expect("decodes").1
    }

    fn jwks_with_kid(kid: &str) -> String {
        let mut jwks: Value = serde_json::from_str(ISSUER_JWKS).expect("JWKS");
        jwks["keys"][0]["kid"] = json!(kid);
        jwks.to_string()
    }

    #[test]
    fn the_issuer_key_row_verifies_with_the_key_the_metadata_names() {
        let iss = "https://example.com/tenant/1234";
        let header = json!({"alg": "ES256", "typ": "dc+sd-jwt", "kid": "k-1"});
        let sd = credential(iss, &header);
        let metadata = json!({"issuer": iss, "jwks": serde_json::from_str::<Value>(&jwks_with_kid("k-1")).expect("JWKS")}).to_string();
        let mut asked = Vec::new();
        let keys = resolve_issuer_keys(iss, &mut |url| {
            asked.push(url.to_owned());
            Ok(metadata.clone())
        });
        assert_eq!(
            asked,
            ["https://example.com/.well-known/jwt-vc-issuer/tenant/1234"]
        );
        let row = issuer_key_row(&sd, &keys);
        assert_eq!(row.status, CheckStatus::Pass, "{row:?}");
        assert!(row.reason.contains("k-1"), "{}", row.reason);
        assert!(
            row.reason
                .contains("https://example.com/.well-known/jwt-vc-issuer/tenant/1234"),
            "{}",
            row.reason
        );

        // By `jwks_uri`: the metadata, then the key set, with the same getter.
        let mut asked = Vec::new();
        let keys = resolve_issuer_keys(iss, &mut |url| {
            asked.push(url.to_owned());
            Ok(if url.ends_with("/jwks") {
                jwks_with_kid("k-1")
            } else {
                json!({"issuer": iss, "jwks_uri": "https://keys.example.com/jwks"}).to_string()
            })
        });
        assert_eq!(asked.len(), 2);
        assert_eq!(
            keys.jwks_uri.as_deref(),
            Some("https://keys.example.com/jwks")
        );
        assert_eq!(issuer_key_row(&sd, &keys).status, CheckStatus::Pass);

        // An unknown kid, and no kid among several keys, choose no key.
        let other = resolve_issuer_keys(iss, &mut |_| {
            Ok(json!({"issuer": iss, "jwks": serde_json::from_str::<Value>(&jwks_with_kid("k-2")).expect("JWKS")}).to_string())
        });
        let row = issuer_key_row(&sd, &other);
        assert_eq!(
            (row.status, row.code),
            (CheckStatus::Fail, Some("SD_VC_ISSUER_KEY"))
        );
        let two: Value = serde_json::from_str(&jwks_with_kid("k-2")).expect("JWKS");
        let both = json!({"keys": [two["keys"][0], two["keys"][0]]});
        let no_kid = credential(iss, &json!({"alg": "ES256", "typ": "dc+sd-jwt"}));
        let keys = IssuerKeys {
            jwks: Ok(both.to_string()),
            ..other.clone()
        };
        assert_eq!(
            issuer_key_row(&no_kid, &keys).code,
            Some("SD_VC_ISSUER_KEY")
        );
        // The only key needs no kid.
        let keys = IssuerKeys {
            jwks: Ok(ISSUER_JWKS.to_owned()),
            ..other
        };
        assert_eq!(issuer_key_row(&no_kid, &keys).status, CheckStatus::Pass);
    }

    #[test]
    fn a_mismatched_issuer_an_other_issuer_or_a_plain_sd_jwt_is_not_verified() {
        let iss = "https://example.com";
        let sd = credential(iss, &json!({"alg": "ES256", "typ": "vc+sd-jwt"}));
        let keys = resolve_issuer_keys(iss, &mut |_| {
            Ok(json!({"issuer": "https://example.com/", "jwks": {"keys": []}}).to_string())
        });
        let row = issuer_key_row(&sd, &keys);
        assert_eq!(
            (row.status, row.code),
            (CheckStatus::Fail, Some("SD_VC_ISSUER_METADATA"))
        );
        assert!(row.reason.contains("refused"), "{}", row.reason);
        let failed = resolve_issuer_keys(iss, &mut |url| Err(format!("{url} answered HTTP 404")));
        assert_eq!(issuer_key_row(&sd, &failed).status, CheckStatus::Fail);
        let elsewhere = resolve_issuer_keys("https://other.example", &mut |_| {
            Ok(json!({"issuer": "https://other.example", "jwks": {"keys": []}}).to_string())
        });
        assert_eq!(
            issuer_key_row(&sd, &elsewhere).status,
            CheckStatus::NotApplicable
        );
        let never = resolve_issuer_keys("http://example.com", &mut |_| panic!("not fetched"));
        assert!(never.metadata_url.is_none() && never.jwks.is_err());

        // RFC 9901's own example is an SD-JWT, not a VC: the row says why.
        let plain = include_str!("../../tests/fixtures/sd-jwt/rfc9901-5.1-issuance.txt");
        let (decoded, plain) = read(plain.trim()).expect("~").expect("decodes");
        assert!(credential_issuer(&decoded).is_err());
        let row = issuer_key_row(&plain, &keys);
        assert_eq!(row.status, CheckStatus::NotApplicable);
        assert!(row.reason.contains("example+sd-jwt"), "{}", row.reason);
    }
}
