//! TLS and mutual TLS against the real provider behind HTTPS, with a test
//! CA made here with rcgen: extra CAs, only the given CAs, `tls_client_auth`
//! with PEM and PKCS#12 client certificates (through the RFC 8705 §5 mTLS
//! aliases), and each TLS failure as the user reads it. Also proxies: the
//! profile's and the environment's, both honouring `NO_PROXY`.

use std::path::{Path, PathBuf};
use std::process::Command;

use tokenscope::app::system_now;
use tokenscope::net::NetRuntime;
use tokenscope::oauth::flow::{Step, StepFailure};
use tokenscope::oauth::runner::{FlowSession, RunOptions, run_client_credentials};
use tokenscope::oauth::{ClientAuth, Profile};
use tokenscope::secret::Secret;

use crate::pki::Pki;
use crate::provider::{TestProvider, TlsSetup, free_port};

const BASIC_SECRET: &str = "basic-secret:+/= %&";
const P12_PASSPHRASE: &str = "p12 pass: Ω";

/// The provider behind TLS with `server` (certificate, key); `mutual` turns
/// on mTLS with the PKI's CA for client certificates.
fn provider(pki: &Pki, server: (PathBuf, PathBuf), mutual: bool) -> TestProvider {
    let (cert, key) = server;
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    TestProvider::start_tls(
        &[&redirect],
        &TlsSetup {
            cert,
            key,
            client_ca: mutual.then(|| pki.ca()),
        },
    )
}

fn profile(provider: &TestProvider, client_id: &str, auth: ClientAuth) -> Profile {
    Profile {
        name: client_id.to_owned(),
        issuer: provider.issuer.clone(),
        client_id: client_id.to_owned(),
        client_auth: auth,
        scopes: "profile email".to_owned(),
        ..Profile::default()
    }
}

/// Discovery then client credentials; the session and the first failure.
fn client_credentials(
    profile: Profile,
    secret: Option<&str>,
    passphrase: Option<&str>,
) -> (FlowSession, Result<(), StepFailure>) {
    let runtime = NetRuntime::new().expect("runtime");
    let options = RunOptions {
        client: tokenscope::net::ClientOptions::for_profile(&profile, passphrase.map(Secret::new)),
        ..RunOptions::default()
    };
    let mut session = FlowSession::new(profile, secret.map(Secret::new));
    let result = runtime.block_on(run_client_credentials(
        &mut session,
        &options,
        system_now,
        |_| {},
    ));
    (session, result)
}

fn failed_step(session: &FlowSession) -> (Step, String) {
    let record = session.records.last().expect("a step was recorded");
    let failure = record.outcome.clone().expect_err("the step failed");
    (record.step, format!("{failure}"))
}

#[test]
fn https_trusting_the_providers_ca_and_failing_without_it() {
    let pki = Pki::new("trust");
    let provider = provider(&pki, pki.server(&["127.0.0.1"], false), false);
    let ca = pki.ca().display().to_string();

    let mut with_ca = profile(&provider, "client-basic", ClientAuth::ClientSecretBasic);
    with_ca.tls.extra_ca_files = vec![ca.clone()];
    let (session, result) = client_credentials(with_ca.clone(), Some(BASIC_SECRET), None);
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(session.records.len(), 2, "discovery and the token request");

    let mut only = with_ca;
    only.tls.only_given_cas = true;
    let (_, result) = client_credentials(only, Some(BASIC_SECRET), None);
    assert!(result.is_ok(), "only the given CA: {result:?}");

    let without = profile(&provider, "client-basic", ClientAuth::ClientSecretBasic);
    let (session, result) = client_credentials(without, Some(BASIC_SECRET), None);
    assert!(result.is_err());
    let (step, message) = failed_step(&session);
    assert_eq!(step, Step::Discovery);
    assert!(
        message.contains("the server's certificate is signed by a CA tokenscope does not trust — load the provider's CA certificate (PEM) in the profile's TLS settings"),
        "{message}"
    );
}

#[test]
fn mutual_tls_client_authentication_with_pem_and_pkcs12() {
    let pki = Pki::new("mtls");
    let provider = provider(&pki, pki.server(&["127.0.0.1"], false), true);
    let (cert, key) = pki.client();
    let mut pem = profile(&provider, "client-mtls", ClientAuth::TlsClientAuth);
    pem.tls.extra_ca_files = vec![pki.ca().display().to_string()];

    // No client certificate: the mTLS host refuses the handshake.
    let (session, result) = client_credentials(pem.clone(), None, None);
    assert!(result.is_err());
    let (step, message) = failed_step(&session);
    assert_eq!(step, Step::ClientCredentials);
    assert!(
        message.contains(
            "the server demands a client certificate — set one in the profile's TLS settings"
        ),
        "{message}"
    );

    pem.tls.client_cert_file = cert.display().to_string();
    pem.tls.client_key_file = key.display().to_string();
    let (session, result) = client_credentials(pem.clone(), None, None);
    assert!(result.is_ok(), "{result:?}");
    let token = &session.records[1].exchange.as_ref().expect("sent").request;
    let alias = pem_alias(&session);
    assert_eq!(token.url, alias, "RFC 8705 §5: the mTLS alias is used");
    assert!(!token.url.starts_with(&provider.issuer));
    assert!(
        !token.headers.iter().any(|(n, _)| n == "Authorization"),
        "tls_client_auth sends no secret"
    );

    let p12 = pki.client_p12(&cert, &key, P12_PASSPHRASE);
    let mut pkcs12 = pem;
    pkcs12.tls.client_cert_file.clear();
    pkcs12.tls.client_key_file.clear();
    pkcs12.tls.pkcs12_file = p12.display().to_string();
    let (_, result) = client_credentials(pkcs12.clone(), None, Some(P12_PASSPHRASE));
    assert!(result.is_ok(), "PKCS#12: {result:?}");

    let (_, result) = client_credentials(pkcs12, None, Some("wrong"));
    let message = result.expect_err("wrong passphrase").to_string();
    assert!(
        message.contains("could not be opened: the passphrase is wrong"),
        "{message}"
    );
}

/// `tokenscope run --grant client_credentials --json` on `profile` (written
/// as an export file in `dir`) with `env` set and every proxy variable of
/// the test's own environment removed; the exit code and the JSON lines.
fn run_cli(
    dir: &Path,
    profile: &Profile,
    env: &[(&str, &str)],
) -> (Option<i32>, Vec<serde_json::Value>) {
    let file = dir.join("profile.json");
    let text = serde_json::json!({ "schema": 1, "profiles": [profile] });
    std::fs::write(&file, text.to_string()).expect("write profile");
    let mut command = Command::new(env!("CARGO_BIN_EXE_tokenscope"));
    command
        .args([
            "run",
            "--grant",
            "client_credentials",
            "--json",
            "--profile-file",
        ])
        .arg(&file)
        .args(["--client-secret-env", "TS_SECRET"])
        .env("TS_SECRET", BASIC_SECRET);
    for var in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        command.env_remove(var);
    }
    let output = command.envs(env.iter().copied()).output().expect("runs");
    let lines = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (output.status.code(), lines)
}

#[test]
fn proxies_from_the_profile_and_the_environment_honour_no_proxy() {
    let pki = Pki::new("proxy");
    let provider = TestProvider::start(&[&format!("http://127.0.0.1:{}/callback", free_port())]);
    // Nothing listens here: a request that goes through this proxy fails.
    let dead_proxy = format!("http://127.0.0.1:{}", free_port());
    let plain = profile(&provider, "client-basic", ClientAuth::ClientSecretBasic);
    let refused = |lines: &[serde_json::Value]| {
        lines[0]["step"] == "discovery"
            && lines[0]["summary"]
                .as_str()
                .is_some_and(|s| s.contains("connection was refused"))
    };

    let (code, lines) = run_cli(&pki.dir, &plain, &[]);
    assert_eq!(code, Some(0), "direct: {lines:?}");
    let (code, lines) = run_cli(&pki.dir, &plain, &[("HTTP_PROXY", &dead_proxy)]);
    assert_eq!(code, Some(1), "HTTP_PROXY is honoured: {lines:?}");
    assert!(refused(&lines), "{lines:?}");
    let (code, lines) = run_cli(
        &pki.dir,
        &plain,
        &[("HTTP_PROXY", &dead_proxy), ("NO_PROXY", "127.0.0.1")],
    );
    assert_eq!(code, Some(0), "NO_PROXY bypasses it: {lines:?}");

    let mut proxied = plain;
    proxied.proxy.clone_from(&dead_proxy);
    let (code, lines) = run_cli(&pki.dir, &proxied, &[]);
    assert_eq!(code, Some(1), "the profile's proxy is used: {lines:?}");
    assert!(refused(&lines), "{lines:?}");
    let (code, lines) = run_cli(&pki.dir, &proxied, &[("NO_PROXY", "127.0.0.1")]);
    assert_eq!(code, Some(0), "and NO_PROXY still applies: {lines:?}");
}

/// The token endpoint alias discovery stored in the session's profile.
fn pem_alias(session: &FlowSession) -> String {
    session
        .profile
        .endpoints
        .mtls_aliases
        .iter()
        .find(|a| a.name == "token_endpoint")
        .map(|a| a.value.clone())
        .expect("discovery kept mtls_endpoint_aliases")
}

#[test]
fn an_expired_server_certificate_is_named_with_its_date() {
    let pki = Pki::new("expired");
    let provider = provider(&pki, pki.server(&["127.0.0.1"], true), false);
    let mut expired = profile(&provider, "client-basic", ClientAuth::ClientSecretBasic);
    expired.tls.extra_ca_files = vec![pki.ca().display().to_string()];
    let (session, _) = client_credentials(expired.clone(), Some(BASIC_SECRET), None);
    let (step, message) = failed_step(&session);
    assert_eq!(step, Step::Discovery);
    assert!(
        message.contains("the server's certificate for 127.0.0.1 has expired (expired 2021-01-01 00:00:00 UTC; now "),
        "{message}"
    );

    // `tokenscope run --json` names it too, as a typed field.
    let file = pki.dir.join("profile.json");
    let text = serde_json::json!({
        "schema": 1,
        "profiles": [expired],
        "secrets": {},
    });
    std::fs::write(&file, text.to_string()).expect("write profile");
    let output = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .args([
            "run",
            "--grant",
            "client_credentials",
            "--json",
            "--profile-file",
        ])
        .arg(&file)
        .env("TS_SECRET", BASIC_SECRET)
        .args(["--client-secret-env", "TS_SECRET"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line: serde_json::Value =
        serde_json::from_str(stdout.lines().next().expect("a line")).expect("JSON");
    assert_eq!(line["step"], "discovery");
    assert_eq!(line["tls"]["kind"], "expired");
    assert_eq!(line["tls"]["host"], "127.0.0.1");
    assert_eq!(line["tls"]["not_after"], 1_609_459_200);
}

#[test]
fn a_certificate_for_another_host_is_named() {
    let pki = Pki::new("name");
    let provider = provider(&pki, pki.server(&["example.test"], false), false);
    let mut other = profile(&provider, "client-basic", ClientAuth::ClientSecretBasic);
    other.tls.extra_ca_files = vec![pki.ca().display().to_string()];
    let (session, _) = client_credentials(other, Some(BASIC_SECRET), None);
    let (step, message) = failed_step(&session);
    assert_eq!(step, Step::Discovery);
    assert!(
        message.contains("the server's certificate is not valid for 127.0.0.1, the host tokenscope asked for (it names example.test)"),
        "{message}"
    );
}
