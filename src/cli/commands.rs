//! The headless commands, each on the same core as the window: `decode`,
//! `verify`, `profiles`, `run`, `sandbox`. `main.rs` parses the arguments
//! ([`super::args`]) and calls [`dispatch`].

use std::io::{Read as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;

use super::args::{Cli, Headless, KindArg, ProfilesAction, RunCli, SecretStoreArg, VerifyCli};
use crate::clock::system_now;
use crate::paste::inspect_bytes;
use crate::store::{ProfileStore, SecretPreference, SecretStore};
use crate::token::Timestamp;

/// Runs the headless command `cli` names; `None` when it names none (the
/// window opens).
pub fn dispatch(cli: &Cli) -> Option<anyhow::Result<ExitCode>> {
    Some(match cli.command.as_ref()? {
        Headless::Decode {
            file,
            now,
            keys,
            key_passphrase_env,
            allow_rsa1_5,
        } => decode(
            file.as_ref(),
            *now,
            &DecryptionArgs {
                keys,
                passphrase_env: key_passphrase_env.as_deref(),
                allow_rsa1_5: *allow_rsa1_5,
            },
        ),
        Headless::Verify(args) => verify(cli, args),
        Headless::Profiles { action } => profiles(cli, action),
        Headless::Run(_) => run(cli),
        Headless::Sandbox {
            personality,
            port,
            faults,
            ciba_ping_endpoint,
        } => sandbox(personality, *port, faults, ciba_ping_endpoint.as_deref()),
    })
}

/// Reads a file, or standard input for `-`/nothing, as text (lossily, like the window).
pub fn read_input(file: Option<&PathBuf>) -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    match file {
        Some(path) if path.as_os_str() != "-" => {
            bytes = std::fs::read(path)
                .with_context(|| format!("could not read {}", path.display()))?;
        }
        _ => {
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("could not read standard input")?;
        }
    }
    Ok(crate::token::extract::lossy_text(bytes).0)
}

/// `decode`'s decryption options: `--key`, `--key-passphrase-env`, `--allow-rsa1-5`.
#[derive(Clone, Copy, Debug)]
pub struct DecryptionArgs<'a> {
    /// The key files.
    pub keys: &'a [PathBuf],
    /// The environment variable holding a PKCS#12 passphrase.
    pub passphrase_env: Option<&'a str>,
    /// Whether `RSA1_5` may be decrypted.
    pub allow_rsa1_5: bool,
}

pub fn decode(
    file: Option<&PathBuf>,
    now: Option<i64>,
    decryption: &DecryptionArgs<'_>,
) -> anyhow::Result<ExitCode> {
    use crate::cli::decode::read_paste;
    let passphrase = pkcs12_passphrase_from_env(decryption.passphrase_env)?;
    let keys = crate::cli::verify::load_decryption_keys(decryption.keys, passphrase.as_ref())?;
    for problem in &keys.problems {
        let _ = writeln!(std::io::stderr(), "tokenscope: {problem}");
    }
    let options = crate::token::jwe::DecryptOptions {
        allow_rsa1_5: decryption.allow_rsa1_5,
    };
    // Bytes, not text: invalid UTF-8 is read lossily and counted, and the
    // reading stops past the paste limit.
    let bytes = match file {
        Some(path) if path.as_os_str() != "-" => std::fs::File::open(path)
            .and_then(read_paste)
            .with_context(|| format!("could not read {}", path.display()))?,
        _ => read_paste(std::io::stdin().lock()).context("could not read standard input")?,
    };
    let now = now.map_or_else(system_now, Timestamp::from_unix);
    let mut inspection = inspect_bytes(&bytes, now);
    drop(bytes);
    for notice in inspection.notices() {
        let _ = writeln!(std::io::stderr(), "tokenscope: {notice}");
    }
    let failures = crate::token::inspect::decrypt_tokens(&mut inspection.tokens, &keys, options);
    let mut report = crate::cli::decode::report(&inspection, now);
    crate::cli::decode::add_decryption_failures(&mut report, &inspection, &failures);
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &report).context("could not write the report")?;
    writeln!(out).context("could not write the report")?;
    Ok(if inspection.tokens.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn verify(cli: &Cli, args: &VerifyCli) -> anyhow::Result<ExitCode> {
    use crate::cli::verify as cmd;
    if let Some(proof) = &args.dpop_proof {
        let input = cmd::read_token_input(proof, &mut std::io::stdin().lock())?;
        let now = args.now.map_or_else(system_now, Timestamp::from_unix);
        let expected = crate::oauth::dpop::ProofExpectations {
            htm: args.htm.as_deref().unwrap_or_default(),
            htu: args.htu.as_deref().unwrap_or_default(),
            access_token: args.access_token.as_deref(),
            nonce: args.dpop_nonce.as_deref(),
            now,
            max_age: args
                .dpop_max_age
                .unwrap_or(crate::oauth::dpop::DEFAULT_MAX_AGE),
        };
        let report = cmd::verify_dpop_proof(&input, &expected);
        print(&to_json(&report)?)?;
        return Ok(ExitCode::from(report.exit_code()));
    }
    let mut profile = match &args.profile {
        Some(name) => {
            let store = ProfileStore::new(config_dir(cli)?);
            let loaded = store.load()?.profiles;
            Some(
                crate::store::transfer::find(&loaded, name)
                    .map_err(anyhow::Error::msg)?
                    .clone(),
            )
        }
        None => None,
    };
    // The proxy's password (for fetching keys) lives in the secret store.
    if let Some(found) = profile.as_mut()
        && !found.stored_values().is_empty()
    {
        SecretStore::open(&config_dir(cli)?, secret_preference(cli))?.fill_stored_values(found)?;
    }
    let mut options = cmd::VerifyArgs::new(args.now.map_or_else(system_now, Timestamp::from_unix));
    options.jwks.clone_from(&args.jwks);
    options.certs.clone_from(&args.cert);
    options.pems.clone_from(&args.pem);
    options.secrets.clone_from(&args.secret);
    options.secrets_b64u.clone_from(&args.secret_b64u);
    options.decryption_keys.clone_from(&args.decryption_key);
    options.decryption_passphrase =
        pkcs12_passphrase_from_env(args.decryption_key_passphrase_env.as_deref())?;
    options.allow_rsa1_5 = args.allow_rsa1_5;
    options.issuer.clone_from(&args.issuer);
    options.audience.clone_from(&args.audience);
    options.client_id.clone_from(&args.client_id);
    options.nonce.clone_from(&args.nonce);
    options.access_token.clone_from(&args.access_token);
    options.code.clone_from(&args.code);
    options.state.clone_from(&args.state);
    options.max_age = args.max_age;
    options.leeway = args.leeway;
    options.id_token_sub.clone_from(&args.id_token_sub);
    options.kind = args.kind.map(|kind| match kind {
        KindArg::Id => cmd::CheckKind::Id,
        KindArg::Access => cmd::CheckKind::Access,
        KindArg::Userinfo => cmd::CheckKind::Userinfo,
    });
    options.all = args.all;
    options.fetch_issuer_keys = args.fetch_issuer_keys;
    let passphrase = match &profile {
        Some(found) if !found.tls.pkcs12_file.trim().is_empty() => {
            SecretStore::open(&config_dir(cli)?, secret_preference(cli))?
                .get(&found.id, crate::store::secrets::names::PKCS12_PASSPHRASE)?
        }
        _ => None,
    };
    let mut fetcher = cmd::HttpFetcher::new(profile.as_ref()).with_pkcs12_passphrase(passphrase);
    options.profile = profile;
    let input = cmd::read_token_input(
        args.token.as_deref().unwrap_or("-"),
        &mut std::io::stdin().lock(),
    )?;
    let report = cmd::verify(&options, &input, &mut |url| fetcher.fetch(url))?;
    print(&to_json(&report)?)?;
    Ok(ExitCode::from(report.exit_code()))
}

pub fn config_dir(cli: &Cli) -> anyhow::Result<PathBuf> {
    cli.config_dir
        .clone()
        .or_else(crate::store::default_config_dir)
        .context("no config directory: pass --config-dir")
}

pub fn secret_preference(cli: &Cli) -> SecretPreference {
    match cli.secret_store {
        SecretStoreArg::Auto => SecretPreference::Auto,
        SecretStoreArg::Keychain => SecretPreference::Keychain,
        SecretStoreArg::File => SecretPreference::File,
    }
}

fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .context("could not write to standard output")?;
    if !text.ends_with('\n') {
        writeln!(out).context("could not write to standard output")?;
    }
    Ok(())
}

fn to_json(value: &impl serde::Serialize) -> anyhow::Result<String> {
    serde_json::to_string_pretty(value).context("could not encode JSON")
}

/// How a profile stands against its conformance set, for `profiles show`:
/// a count, then the failing and unknown rules with reasons and sources.
fn conformance_lines(profile: &crate::oauth::Profile) -> Vec<String> {
    let Some(summary) = crate::oauth::fapi::Summary::of_profile(profile) else {
        return Vec::new();
    };
    let mut lines = vec![format!(
        "conformance {}: {}/{} pass",
        summary.set, summary.passed, summary.total
    )];
    for (word, rules) in [("fail", &summary.failed), ("unknown", &summary.unknown)] {
        lines.extend(
            rules
                .iter()
                .map(|rule| format!("  {word} {}: {} ({})", rule.id, rule.reason, rule.source)),
        );
    }
    lines
}

pub fn profiles(cli: &Cli, action: &ProfilesAction) -> anyhow::Result<ExitCode> {
    use crate::store::transfer as cmd;
    let dir = config_dir(cli)?;
    let store = ProfileStore::new(&dir);
    let mut loaded = store.load()?.profiles;
    match action {
        ProfilesAction::List { json } => {
            if *json {
                let list: Vec<cmd::ProfileSummary> = loaded.iter().map(Into::into).collect();
                print(&to_json(&list)?)?;
            } else if loaded.is_empty() {
                print(&format!("No profiles in {}.", store.path().display()))?;
            } else {
                let lines: Vec<String> = loaded
                    .iter()
                    .map(|p| {
                        format!(
                            "{}\t{}\t{}\t{}",
                            p.name,
                            p.environment,
                            p.preset.as_deref().unwrap_or("-"),
                            p.client_id
                        )
                    })
                    .collect();
                print(&lines.join("\n"))?;
            }
        }
        ProfilesAction::Show { name, json } => {
            let profile = cmd::find(&loaded, name).map_err(anyhow::Error::msg)?;
            if *json {
                print(&to_json(profile)?)?;
            } else {
                let mut lines = vec![to_json(profile)?];
                lines.extend(
                    profile
                        .validate(None)
                        .into_iter()
                        .map(|f| format!("{}: {}", f.field, f.message)),
                );
                lines.extend(conformance_lines(profile));
                print(&lines.join("\n"))?;
            }
        }
        ProfilesAction::Export {
            names,
            out,
            with_secrets,
        } => {
            let chosen: Vec<&crate::oauth::Profile> = if names.is_empty() {
                loaded.iter().collect()
            } else {
                names
                    .iter()
                    .map(|n| cmd::find(&loaded, n))
                    .collect::<Result<_, _>>()
                    .map_err(anyhow::Error::msg)?
            };
            let secrets = if *with_secrets {
                Some(SecretStore::open(&dir, secret_preference(cli))?)
            } else {
                None
            };
            let text = cmd::export(&chosen, secrets.as_ref()).map_err(anyhow::Error::msg)?;
            match out {
                Some(path) => cmd::write_export(path, &text, *with_secrets)
                    .with_context(|| format!("could not write {}", path.display()))?,
                None => print(&text)?,
            }
        }
        ProfilesAction::Import { file, json } => {
            let text = read_input(Some(file))?;
            let secrets = SecretStore::open(&dir, secret_preference(cli))?;
            let report =
                cmd::import(&text, &mut loaded, Some(&secrets)).map_err(anyhow::Error::msg)?;
            cmd::save(&store, &loaded).map_err(anyhow::Error::msg)?;
            if *json {
                print(&to_json(&report)?)?;
            } else {
                let mut lines = vec![format!(
                    "Imported {} new and {} replaced profile(s) into {}.",
                    report.added.len(),
                    report.replaced.len(),
                    store.path().display()
                )];
                lines.extend(report.problems.iter().cloned());
                print(&lines.join("\n"))?;
            }
            if report.rejected > 0 {
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `tokenscope sandbox`: serves until the process is interrupted.
pub fn sandbox(
    personality: &str,
    port: u16,
    faults: &[String],
    ciba_ping_endpoint: Option<&str>,
) -> anyhow::Result<ExitCode> {
    use crate::sandbox::{Faults, Personality, Sandbox, SandboxConfig};
    let personality = Personality::parse(personality).with_context(|| {
        format!(
            "unknown personality {personality}: use generic, keycloak, bank, github, kontur, moex, fapi, fapi-gost or jwe"
        )
    })?;
    let mut switches = Faults::default();
    for fault in faults {
        switches.apply(fault)?;
    }
    let runtime = crate::net::NetRuntime::new().context("could not start the network runtime")?;
    let config = SandboxConfig {
        personality,
        port,
        faults: switches,
        ciba_ping_endpoint: ciba_ping_endpoint.map(str::to_owned),
    };
    let sandbox = Sandbox::start(&runtime.handle(), config, Arc::new(system_now))?;
    print(&serde_json::to_string(&sandbox.info()).context("could not encode JSON")?)?;
    std::io::stdout()
        .flush()
        .context("could not write to standard output")?;
    // Ctrl-C ends the process (the default signal action); until then, serve.
    runtime.block_on(std::future::pending::<()>());
    drop(sandbox);
    Ok(ExitCode::SUCCESS)
}

/// The saved profiles; a fresh config directory has the Sandbox profile, as
/// the window's first launch does.
fn saved_or_first_launch_profiles(
    dir: &std::path::Path,
) -> anyhow::Result<Vec<crate::oauth::Profile>> {
    let mut loaded = ProfileStore::new(dir).load()?.profiles;
    if loaded.is_empty() && !dir.join(crate::store::profiles::FILE_NAME).exists() {
        loaded.push(crate::sandbox::first_launch_profile());
    }
    Ok(loaded)
}

/// The network runtime for `run`; and a Sandbox profile brings its provider
/// along: started here, in this process, on the profile's port (or another,
/// the profile repointed), with the sandbox's client secret when none was given.
fn bring_sandbox(
    mut profile: crate::oauth::Profile,
    secret: Option<crate::secret::Secret>,
) -> anyhow::Result<(
    crate::net::NetRuntime,
    crate::oauth::Profile,
    Option<crate::secret::Secret>,
    Option<crate::sandbox::Sandbox>,
)> {
    let runtime = crate::net::NetRuntime::new().context("could not start the network runtime")?;
    let sandbox = crate::sandbox::ensure_for(&mut profile, &runtime.handle(), Arc::new(system_now))
        .transpose()
        .context("could not start the sandbox provider")?;
    let secret = secret.or_else(|| crate::sandbox::client_secret_of(&profile));
    Ok((runtime, profile, secret, sandbox))
}

pub fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    use crate::oauth::runner::{
        call_api, introspect as introspect_token, logout as logout_session, revoke as revoke_token,
        run_grant,
    };
    let Some(Headless::Run(args)) = &cli.command else {
        anyhow::bail!("not the run command");
    };
    let RunCli {
        logout,
        introspect,
        revoke,
        json,
        ..
    } = **args;
    // `_sandbox` keeps a Sandbox profile's provider serving until the run ends.
    let (mut session, options, runtime, _sandbox) = run_session(cli, args)?;
    // What the profile marks secret is masked in every line, like the client secret.
    let marks = crate::export::redact::SecretMarks::of(&session.profile);
    let mut write_error = None;
    let ciba = session.profile.ciba.clone();
    let profile = session.profile.clone();
    let mut observe = |record: &crate::oauth::runner::StepRecord| {
        if record.step == crate::oauth::flow::Step::BackchannelAuthentication
            && record.outcome.is_ok()
        {
            print_ciba_prompt(&ciba);
        }
        let line = crate::cli::run::step_line(record, system_now(), &marks);
        let text = if json {
            serde_json::to_string(&line).unwrap_or_default()
        } else {
            crate::cli::run::step_text(&line, &profile)
        };
        if let Err(error) = print(&text) {
            write_error = Some(error);
        }
    };
    let result = runtime.block_on(async {
        run_grant(
            &mut session,
            &options,
            system_now,
            print_user_code,
            &mut observe,
        )
        .await?;
        if let Some(url) = &args.call_api {
            url.clone_into(&mut session.api_url);
            call_api(&mut session, &options, system_now, &mut observe).await?;
        }
        if introspect {
            introspect_token(&mut session, &options, system_now, &mut observe).await?;
        }
        if revoke {
            revoke_token(&mut session, &options, system_now, &mut observe).await?;
        }
        if logout {
            logout_session(&mut session, &options, system_now, &mut observe).await?;
        }
        Ok::<(), crate::oauth::flow::StepFailure>(())
    });
    if let Some(error) = write_error {
        return Err(error);
    }
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(failure) => {
            if session.records.last().is_none_or(|r| r.outcome.is_ok()) {
                let _ = writeln!(std::io::stderr(), "tokenscope: {failure}");
            }
            Ok(ExitCode::from(1))
        }
    }
}

/// The session `run` walks and how it talks to the provider: the profile,
/// its secrets and the grant's inputs from the command line.
fn run_session(
    cli: &Cli,
    args: &RunCli,
) -> anyhow::Result<(
    crate::oauth::runner::FlowSession,
    crate::oauth::runner::RunOptions,
    crate::net::NetRuntime,
    Option<crate::sandbox::Sandbox>,
)> {
    use crate::oauth::runner::{Browser, FlowSession, RunOptions};
    let dir = config_dir(cli)?;
    let RunProfile {
        profile: chosen,
        mut secret,
        tls_passphrase,
        decryption_passphrase,
    } = run_profile(
        cli,
        &dir,
        args.profile.as_deref(),
        args.profile_file.as_ref(),
        PassphraseEnvs {
            pkcs12: args.pkcs12_passphrase_env.as_deref(),
            decryption_key: args.decryption_key_passphrase_env.as_deref(),
        },
    )?;
    if let Some(var) = &args.client_secret_env {
        let value = std::env::var(var)
            .with_context(|| format!("the environment variable {var} is not set"))?;
        secret = Some(crate::secret::Secret::new(value));
    }
    // CIBA's delivery mode is the client's registration (CIBA Core §4): set
    // on the profile, before a Sandbox profile's provider registers it.
    let mut chosen = chosen;
    if let Some(mode) = &args.ciba_mode {
        chosen.ciba.delivery_mode = crate::oauth::ciba::DeliveryMode::parse(mode)
            .with_context(|| format!("--ciba-mode {mode}: poll or ping"))?;
    }
    if let Some(endpoint) = &args.ciba_notification_endpoint {
        endpoint
            .trim()
            .clone_into(&mut chosen.ciba.notification_endpoint);
    }
    let (runtime, mut chosen, secret, sandbox) = bring_sandbox(chosen, secret)?;
    chosen.dpop |= args.dpop;
    chosen.par |= args.par;
    chosen.request_object |= args.request_object;
    chosen.introspection_jwt |= args.introspection_jwt;
    if let Some(mode) = &args.response_mode {
        chosen.response_mode.clone_from(mode);
    }
    if let Some(path) = &args.decryption_key {
        chosen.decryption_key_file = path.display().to_string();
    }
    let options = RunOptions {
        browser: args
            .browser
            .clone()
            .map_or(Browser::System, Browser::Command),
        callback_timeout: Duration::from_secs(args.callback_timeout),
        client: crate::net::ClientOptions::for_profile(&chosen, tls_passphrase),
        verify: if args.no_verify {
            crate::oauth::runner::VerifyMode::Report
        } else {
            crate::oauth::runner::VerifyMode::Enforce
        },
        ..RunOptions::default()
    };
    let extension_secrets =
        stored_extension_secrets(cli, &dir, args.profile_file.as_ref(), &chosen)?;
    let mut session = FlowSession::new(chosen, secret);
    session.extension_secrets = extension_secrets;
    session.decryption_key_passphrase = decryption_passphrase;
    if args.decryption_key.is_some() {
        // A key file named on the command line that cannot be read is a
        // usage error now, not a surprise at the first encrypted token.
        session.load_decryption_key();
        if let Some(error) = &session.decryption_key_error {
            anyhow::bail!("--decryption-key: {error}");
        }
    }
    run_inputs(
        &mut session,
        RunInputs {
            grant: args.grant.as_deref(),
            login_hint: args.login_hint.as_deref(),
            binding_message: args.binding_message.as_deref(),
            username: args.username.as_deref(),
            password_env: args.password_env.as_deref(),
            refresh_token_env: args.refresh_token_env.as_deref(),
            fields: &args.fields,
            field_envs: &args.field_envs,
        },
    )?;
    Ok((session, options, runtime, sandbox))
}

/// The device's user code, for the person at the terminal (stderr; the
/// `--json` lines carry it too).
fn print_user_code(answer: &crate::oauth::device::DeviceAuthorization) {
    let _ = writeln!(
        std::io::stderr(),
        "Open {} and enter the code {}{}",
        answer.verification_uri,
        answer.user_code,
        answer
            .verification_uri_complete
            .as_deref()
            .map(|c| format!(" (or open {c})"))
            .unwrap_or_default()
    );
}

/// What the user's phone shows for a CIBA request, for the person at the
/// terminal (stderr; the `--json` lines carry it too).
fn print_ciba_prompt(ciba: &crate::oauth::ciba::CibaSettings) {
    let message = crate::oauth::ciba::shown_binding_message(&ciba.binding_message);
    let _ = writeln!(
        std::io::stderr(),
        "Waiting for {} to approve on their phone{}",
        match ciba.hint_kind {
            crate::oauth::ciba::CibaHint::LoginHint => ciba.hint.trim(),
            _ => "the user",
        },
        if message.is_empty() {
            String::new()
        } else {
            format!(", which shows “{message}”")
        }
    );
}

/// The profile `run` walks, with the secrets kept apart from it.
struct RunProfile {
    profile: crate::oauth::Profile,
    /// The client secret.
    secret: Option<crate::secret::Secret>,
    /// The passphrase of the PKCS#12 client certificate.
    tls_passphrase: Option<crate::secret::Secret>,
    /// The passphrase of a PKCS#12 decryption key file.
    decryption_passphrase: Option<crate::secret::Secret>,
}

/// The environment variables `run` reads passphrases from, when given.
#[derive(Clone, Copy)]
struct PassphraseEnvs<'a> {
    /// `--pkcs12-passphrase-env`.
    pkcs12: Option<&'a str>,
    /// `--decryption-key-passphrase-env`.
    decryption_key: Option<&'a str>,
}

/// The profile `run` walks, from the store (by name) or an export file,
/// with its client secret and its PKCS#12 passphrases: each from its
/// environment variable when given, else from the secret store (an export
/// file has only the environment).
fn run_profile(
    cli: &Cli,
    dir: &std::path::Path,
    profile: Option<&str>,
    profile_file: Option<&PathBuf>,
    envs: PassphraseEnvs<'_>,
) -> anyhow::Result<RunProfile> {
    use crate::store::secrets::names;
    let tls_passphrase = pkcs12_passphrase_from_env(envs.pkcs12)?;
    let decryption_passphrase = pkcs12_passphrase_from_env(envs.decryption_key)?;
    Ok(if let Some(path) = profile_file {
        let text = read_input(Some(path))?;
        let mut list = Vec::new();
        crate::store::transfer::import(&text, &mut list, None).map_err(anyhow::Error::msg)?;
        let first = list
            .into_iter()
            .next()
            .context("the profile file holds no profile")?;
        let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let secret = value["secrets"][&first.id.0]["client_secret"]
            .as_str()
            .map(crate::secret::Secret::new);
        RunProfile {
            profile: first,
            secret,
            tls_passphrase,
            decryption_passphrase,
        }
    } else {
        let wanted = profile.unwrap_or_default();
        let loaded = saved_or_first_launch_profiles(dir)?;
        let mut found = crate::store::transfer::find(&loaded, wanted)
            .map_err(anyhow::Error::msg)?
            .clone();
        let secrets = SecretStore::open(dir, secret_preference(cli))?;
        // The proxy password, secret headers and parameters, filled back in.
        secrets.fill_stored_values(&mut found)?;
        let secret = secrets.get(&found.id, names::CLIENT_SECRET)?;
        let stored = |given: Option<crate::secret::Secret>, name: &str| match given {
            Some(passphrase) => Ok(Some(passphrase)),
            None => secrets.get(&found.id, name),
        };
        RunProfile {
            tls_passphrase: stored(tls_passphrase, names::PKCS12_PASSPHRASE)?,
            decryption_passphrase: stored(decryption_passphrase, names::DECRYPTION_KEY_PASSPHRASE)?,
            profile: found,
            secret,
        }
    })
}

/// A PKCS#12 passphrase from the environment variable named by
/// `--pkcs12-passphrase-env`, `--decryption-key-passphrase-env` or
/// `--key-passphrase-env`, if given.
fn pkcs12_passphrase_from_env(var: Option<&str>) -> anyhow::Result<Option<crate::secret::Secret>> {
    var.map(|var| {
        std::env::var(var)
            .map(crate::secret::Secret::new)
            .with_context(|| format!("the environment variable {var} is not set"))
    })
    .transpose()
}

/// The extension grant's secret values, from the export file's `secrets`
/// or the secret store.
fn stored_extension_secrets(
    cli: &Cli,
    dir: &std::path::Path,
    profile_file: Option<&PathBuf>,
    profile: &crate::oauth::Profile,
) -> anyhow::Result<Vec<(String, crate::secret::Secret)>> {
    let mut values = Vec::new();
    let fields: Vec<_> = profile
        .extension_grant
        .fields
        .iter()
        .filter(|f| f.secret)
        .collect();
    if fields.is_empty() {
        return Ok(values);
    }
    let exported: Option<serde_json::Value> = match profile_file {
        Some(path) => Some(serde_json::from_str(&read_input(Some(path))?).unwrap_or_default()),
        None => None,
    };
    let store = match exported {
        Some(_) => None,
        None => Some(SecretStore::open(dir, secret_preference(cli))?),
    };
    for field in fields {
        let value = match (&exported, &store) {
            (Some(file), _) => file["secrets"][&profile.id.0][field.secret_name()]
                .as_str()
                .map(crate::secret::Secret::new),
            (None, Some(store)) => store.get(&profile.id, &field.secret_name())?,
            (None, None) => None,
        };
        if let Some(value) = value {
            values.push((field.name.clone(), value));
        }
    }
    Ok(values)
}

/// What `run` takes for the grant besides the profile.
#[derive(Clone, Copy)]
struct RunInputs<'a> {
    grant: Option<&'a str>,
    login_hint: Option<&'a str>,
    binding_message: Option<&'a str>,
    username: Option<&'a str>,
    password_env: Option<&'a str>,
    refresh_token_env: Option<&'a str>,
    fields: &'a [String],
    field_envs: &'a [String],
}

/// Applies `run`'s grant options to the session: the grant, the password
/// grant's user and password, a refresh token, extension grant fields.
fn run_inputs(
    session: &mut crate::oauth::runner::FlowSession,
    inputs: RunInputs<'_>,
) -> anyhow::Result<()> {
    use crate::oauth::Grant;
    use crate::secret::Secret;
    let env = |var: &str| {
        std::env::var(var).with_context(|| format!("the environment variable {var} is not set"))
    };
    if let Some(grant) = inputs.grant {
        session.grant = match grant {
            "authorization_code" => Grant::AuthorizationCode,
            "client_credentials" => Grant::ClientCredentials,
            "password" => Grant::Password,
            "refresh_token" => Grant::RefreshToken,
            "device_code" | crate::oauth::device::GRANT_TYPE => Grant::DeviceCode,
            "ciba" | crate::oauth::ciba::GRANT_TYPE => Grant::Ciba,
            "extension" => match &session.profile.default_grant {
                Grant::Extension(name) => Grant::Extension(name.clone()),
                _ => anyhow::bail!("--grant extension: the profile has no extension grant"),
            },
            other => Grant::Extension(other.to_owned()),
        };
    }
    if let Some(hint) = inputs.login_hint {
        let ciba = &mut session.profile.ciba;
        ciba.hint_kind = crate::oauth::ciba::CibaHint::LoginHint;
        hint.clone_into(&mut ciba.hint);
    }
    if let Some(message) = inputs.binding_message {
        message.clone_into(&mut session.profile.ciba.binding_message);
    }

    if let Some(name) = inputs.username {
        name.clone_into(&mut session.username);
    }
    if let Some(var) = inputs.password_env {
        session.password = Some(Secret::new(env(var)?));
    }
    if let Some(var) = inputs.refresh_token_env {
        session.pasted_refresh_token = Some(Secret::new(env(var)?));
    }
    let mut set = |name: &str, value: String| {
        let fields = &mut session.profile.extension_grant.fields;
        let secret = match fields.iter_mut().find(|f| f.name == name) {
            Some(field) if field.secret => true,
            Some(field) => {
                field.value.clone_from(&value);
                false
            }
            None => {
                fields.push(crate::oauth::ExtensionField::plain(name, &value, ""));
                false
            }
        };
        if secret {
            session.extension_secrets.retain(|(n, _)| n != name);
            session
                .extension_secrets
                .push((name.to_owned(), Secret::new(value)));
        }
    };
    for pair in inputs.fields {
        let (name, value) = pair
            .split_once('=')
            .with_context(|| format!("--field {pair}: expected NAME=VALUE"))?;
        set(name, value.to_owned());
    }
    for pair in inputs.field_envs {
        let (name, var) = pair
            .split_once('=')
            .with_context(|| format!("--field-env {pair}: expected NAME=VAR"))?;
        set(name, env(var)?);
    }
    Ok(())
}
