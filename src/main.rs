//! tokenscope: no arguments opens the window; subcommands run headless.

use std::io::{Read as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand, ValueEnum};

use tokenscope::app::{
    Clock, Screenshot, StartOptions, ThemeChoice, TokenscopeApp, system_now, text_from_bytes,
};
use tokenscope::store::{ProfileStore, SecretPreference, SecretStore};
use tokenscope::token::Timestamp;
use tokenscope::token::inspect::inspect_bytes;
use tokenscope::token::time::Zone;

/// An OAuth 2.0 / `OpenID` Connect token inspector.
#[derive(Debug, Parser)]
#[command(name = "tokenscope", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Headless>,
    /// Where profiles and the secrets file live (default: the user's config directory).
    #[arg(long, global = true, value_name = "DIR")]
    config_dir: Option<PathBuf>,
    /// Where secrets go: the OS keychain when it works (auto), only the keychain, or the file.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    secret_store: SecretStoreArg,
    /// Open the window, render it, write this PNG and exit.
    #[arg(long, value_name = "OUT.png")]
    screenshot: Option<PathBuf>,
    /// Start with the text of this file pasted (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    paste: Option<PathBuf>,
    /// Treat this Unix time as "now" instead of the clock.
    #[arg(long, value_name = "UNIX")]
    now: Option<i64>,
    /// Colour scheme.
    #[arg(long, value_enum)]
    theme: Option<Theme>,
    /// Show instants in UTC instead of local time.
    #[arg(long)]
    utc: bool,
    /// The language of the window (default: the system's, else English).
    #[arg(long, value_enum, value_name = "LANG")]
    lang: Option<Lang>,
    /// Open authorization requests with this command instead of the system browser.
    #[arg(long, value_name = "CMD")]
    browser: Option<String>,
    /// Close the window after this many seconds (demos and benchmarks).
    #[arg(long, value_name = "SECONDS")]
    quit_after: Option<f64>,
    /// On exit, print to standard error how many frames were drawn (benchmarks).
    #[arg(long)]
    report_frames: bool,
    /// Window size in logical pixels, e.g. 1280x800.
    #[arg(long, value_name = "WxH", default_value = "1280x800", value_parser = parse_size)]
    size: (f32, f32),
}

#[derive(Debug, Subcommand)]
enum Headless {
    /// Print every token found in FILE (or standard input) as JSON.
    Decode {
        /// The file to read; `-` or nothing for standard input.
        file: Option<PathBuf>,
        /// Treat this Unix time as "now" for expiry statuses.
        #[arg(long, value_name = "UNIX")]
        now: Option<i64>,
    },
    /// Walk a grant for a profile (the authorization code flow or client
    /// credentials), printing each step.
    Run(Box<RunCli>),
    /// Run the built-in sandbox OpenID provider on 127.0.0.1 until Ctrl-C;
    /// prints one JSON line with its issuer and client credentials.
    Sandbox {
        /// Who it imitates: generic, keycloak, bank, github, kontur or moex.
        #[arg(long, default_value = "generic")]
        personality: String,
        /// The port on 127.0.0.1; 0 picks any free port.
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// A fault to switch on: expire=SECONDS, wrong-key, wrong-nonce,
        /// wrong-at-hash, rotate-keys, unavailable, slow=MILLISECONDS, html-errors.
        #[arg(long = "fault", value_name = "FAULT")]
        faults: Vec<String>,
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
struct RunCli {
    /// The profile's name (from the config directory).
    #[arg(long, required_unless_present = "profile_file")]
    profile: Option<String>,
    /// Or a profile export file (`tokenscope profiles export`); the first profile in it.
    #[arg(long, value_name = "FILE", conflicts_with = "profile")]
    profile_file: Option<PathBuf>,
    /// The grant to run: `authorization_code`, `client_credentials`,
    /// `password`, `refresh_token`, `device_code`, or `extension` (the
    /// profile's extension grant). Default: the profile's grant.
    #[arg(long)]
    grant: Option<String>,
    /// The password grant's user name.
    #[arg(long, value_name = "NAME")]
    username: Option<String>,
    /// Read the password grant's password from this environment variable.
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,
    /// Read the refresh token for `--grant refresh_token` from this environment variable.
    #[arg(long, value_name = "VAR")]
    refresh_token_env: Option<String>,
    /// Set an extension grant field, `NAME=VALUE` (repeatable).
    #[arg(long = "field", value_name = "NAME=VALUE")]
    fields: Vec<String>,
    /// Set an extension grant field from an environment variable, `NAME=VAR` (secrets).
    #[arg(long = "field-env", value_name = "NAME=VAR")]
    field_envs: Vec<String>,
    /// At the end, end the session at the provider (RP-initiated logout).
    #[arg(long)]
    logout: bool,
    /// After the token step, introspect the access token (RFC 7662).
    #[arg(long)]
    introspect: bool,
    /// After the token step (and introspection), revoke the access token (RFC 7009).
    #[arg(long)]
    revoke: bool,
    /// Run this command with the authorize URL instead of the system browser.
    #[arg(long, value_name = "CMD")]
    browser: Option<String>,
    /// Read the client secret from this environment variable.
    #[arg(long, value_name = "VAR")]
    client_secret_env: Option<String>,
    /// Read the passphrase of the profile's PKCS#12 client certificate
    /// from this environment variable (else from the secret store).
    #[arg(long, value_name = "VAR")]
    pkcs12_passphrase_env: Option<String>,
    /// Seconds to wait for the browser to come back.
    #[arg(long, default_value_t = 300)]
    callback_timeout: u64,
    /// One JSON object per step.
    #[arg(long)]
    json: bool,
    /// Report the returned tokens' signatures and checks without failing
    /// the run when one does not verify.
    #[arg(long)]
    no_verify: bool,
}

#[derive(Debug, Args)]
struct VerifyCli {
    /// The token, `-` for standard input, or a file; a token response or a log line works too.
    token: String,
    /// A JWKS file or an http(s) URL (fetched once more on an unknown kid). Repeatable.
    #[arg(long, value_name = "FILE|URL")]
    jwks: Vec<String>,
    /// An X.509 certificate, PEM or DER (GOST included). Repeatable.
    #[arg(long, value_name = "FILE")]
    cert: Vec<PathBuf>,
    /// PEM public keys (several blocks allowed). Repeatable.
    #[arg(long, value_name = "FILE")]
    pem: Vec<PathBuf>,
    /// An HMAC secret as text (visible in the process list). Repeatable.
    #[arg(long, value_name = "TEXT")]
    secret: Vec<String>,
    /// An HMAC secret as base64url bytes. Repeatable.
    #[arg(long, value_name = "B64U")]
    secret_b64u: Vec<String>,
    /// Take issuer, client id and JWKS URI from this saved profile (flags override).
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// The expected issuer (`iss`).
    #[arg(long, value_name = "URL")]
    issuer: Option<String>,
    /// ID token: the client id `aud` must contain. Access token: the resource.
    #[arg(long, value_name = "ID")]
    audience: Option<String>,
    /// This client's id (`azp`; an access token's `client_id`).
    #[arg(long, value_name = "ID")]
    client_id: Option<String>,
    /// The nonce sent in the authorization request.
    #[arg(long)]
    nonce: Option<String>,
    /// The access token issued with the ID token, for `at_hash`.
    #[arg(long, value_name = "TOKEN")]
    access_token: Option<String>,
    /// The authorization code, for `c_hash`.
    #[arg(long)]
    code: Option<String>,
    /// The state sent, for `s_hash`.
    #[arg(long)]
    state: Option<String>,
    /// The `max_age` sent, in seconds (`auth_time` must be that recent).
    #[arg(long, value_name = "SECONDS")]
    max_age: Option<i64>,
    /// Clock-skew tolerance in seconds (default 60).
    #[arg(long, value_name = "SECONDS")]
    leeway: Option<i64>,
    /// The ID token's `sub`, for `--kind userinfo`.
    #[arg(long, value_name = "SUB")]
    id_token_sub: Option<String>,
    /// Run this check set instead of the one the token's role implies.
    #[arg(long, value_enum)]
    kind: Option<KindArg>,
    /// Verify every JWT found, not only the ID token (or the first).
    #[arg(long)]
    all: bool,
    /// Treat this Unix time as "now" for the time checks.
    #[arg(long, value_name = "UNIX")]
    now: Option<i64>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum KindArg {
    Id,
    Access,
    Userinfo,
}

#[derive(Debug, Subcommand)]
enum ProfilesAction {
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
enum SecretStoreArg {
    Auto,
    Keychain,
    File,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Theme {
    Light,
    Dark,
}

/// A language of the window.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Lang {
    /// English.
    En,
    /// Russian.
    Ru,
}

fn parse_size(text: &str) -> Result<(f32, f32), String> {
    let (w, h) = text
        .split_once('x')
        .ok_or("expected WIDTHxHEIGHT, e.g. 1280x800")?;
    let parse = |s: &str| s.trim().parse::<f32>().map_err(|e| format!("{s}: {e}"));
    Ok((parse(w)?, parse(h)?))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Headless::Decode { ref file, now }) => decode(file.as_ref(), now),
        Some(Headless::Verify(ref args)) => verify(&cli, args),
        Some(Headless::Profiles { ref action }) => profiles(&cli, action),
        Some(Headless::Run(_)) => run(&cli),
        Some(Headless::Sandbox {
            ref personality,
            port,
            ref faults,
        }) => sandbox(personality, port, faults),
        None => window(&cli),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "tokenscope: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Reads a file, or standard input for `-`/nothing, as text (lossily, like the window).
fn read_input(file: Option<&PathBuf>) -> anyhow::Result<String> {
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
    Ok(text_from_bytes(bytes).0)
}

fn decode(file: Option<&PathBuf>, now: Option<i64>) -> anyhow::Result<ExitCode> {
    use tokenscope::cli::decode::read_paste;
    // Bytes, not text: invalid UTF-8 is read lossily and counted, and the
    // reading stops past the paste limit.
    let bytes = match file {
        Some(path) if path.as_os_str() != "-" => std::fs::File::open(path)
            .and_then(read_paste)
            .with_context(|| format!("could not read {}", path.display()))?,
        _ => read_paste(std::io::stdin().lock()).context("could not read standard input")?,
    };
    let now = now.map_or_else(system_now, Timestamp::from_unix);
    let inspection = inspect_bytes(&bytes, now);
    drop(bytes);
    for notice in inspection.notices() {
        let _ = writeln!(std::io::stderr(), "tokenscope: {notice}");
    }
    let report = tokenscope::cli::decode::report(&inspection, now);
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &report).context("could not write the report")?;
    writeln!(out).context("could not write the report")?;
    Ok(if inspection.tokens.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn verify(cli: &Cli, args: &VerifyCli) -> anyhow::Result<ExitCode> {
    use tokenscope::cli::verify as cmd;
    let mut profile = match &args.profile {
        Some(name) => {
            let store = ProfileStore::new(config_dir(cli)?);
            let loaded = store.load()?.profiles;
            Some(
                tokenscope::store::transfer::find(&loaded, name)
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
    let passphrase = match &profile {
        Some(found) if !found.tls.pkcs12_file.trim().is_empty() => {
            SecretStore::open(&config_dir(cli)?, secret_preference(cli))?.get(
                &found.id,
                tokenscope::store::secrets::names::PKCS12_PASSPHRASE,
            )?
        }
        _ => None,
    };
    let mut fetcher = cmd::HttpFetcher::new(profile.as_ref()).with_pkcs12_passphrase(passphrase);
    options.profile = profile;
    let input = cmd::read_token_input(&args.token, &mut std::io::stdin().lock())?;
    let report = cmd::verify(&options, &input, &mut |url| fetcher.fetch(url))?;
    print(&to_json(&report)?)?;
    Ok(ExitCode::from(report.exit_code()))
}

fn config_dir(cli: &Cli) -> anyhow::Result<PathBuf> {
    cli.config_dir
        .clone()
        .or_else(tokenscope::store::default_config_dir)
        .context("no config directory: pass --config-dir")
}

fn secret_preference(cli: &Cli) -> SecretPreference {
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

fn profiles(cli: &Cli, action: &ProfilesAction) -> anyhow::Result<ExitCode> {
    use tokenscope::store::transfer as cmd;
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
                print(&lines.join("\n"))?;
            }
        }
        ProfilesAction::Export {
            names,
            out,
            with_secrets,
        } => {
            let chosen: Vec<&tokenscope::oauth::Profile> = if names.is_empty() {
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
fn sandbox(personality: &str, port: u16, faults: &[String]) -> anyhow::Result<ExitCode> {
    use tokenscope::sandbox::{Faults, Personality, Sandbox, SandboxConfig};
    let personality = Personality::parse(personality).with_context(|| {
        format!(
            "unknown personality {personality}: use generic, keycloak, bank, github, kontur or moex"
        )
    })?;
    let mut switches = Faults::default();
    for fault in faults {
        switches.apply(fault)?;
    }
    let runtime =
        tokenscope::net::NetRuntime::new().context("could not start the network runtime")?;
    let config = SandboxConfig {
        personality,
        port,
        faults: switches,
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
) -> anyhow::Result<Vec<tokenscope::oauth::Profile>> {
    let mut loaded = ProfileStore::new(dir).load()?.profiles;
    if loaded.is_empty() && !dir.join(tokenscope::store::profiles::FILE_NAME).exists() {
        loaded.push(tokenscope::sandbox::first_launch_profile());
    }
    Ok(loaded)
}

/// The network runtime for `run`; and a Sandbox profile brings its provider
/// along: started here, in this process, on the profile's port (or another,
/// the profile repointed), with the sandbox's client secret when none was given.
fn bring_sandbox(
    mut profile: tokenscope::oauth::Profile,
    secret: Option<tokenscope::secret::Secret>,
) -> anyhow::Result<(
    tokenscope::net::NetRuntime,
    tokenscope::oauth::Profile,
    Option<tokenscope::secret::Secret>,
    Option<tokenscope::sandbox::Sandbox>,
)> {
    let runtime =
        tokenscope::net::NetRuntime::new().context("could not start the network runtime")?;
    let sandbox =
        tokenscope::sandbox::ensure_for(&mut profile, &runtime.handle(), Arc::new(system_now))
            .transpose()
            .context("could not start the sandbox provider")?;
    let secret = secret.or_else(|| tokenscope::sandbox::client_secret_of(&profile));
    Ok((runtime, profile, secret, sandbox))
}

fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    use tokenscope::oauth::runner::{
        introspect as introspect_token, logout as logout_session, revoke as revoke_token, run_grant,
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
    let marks = tokenscope::export::redact::SecretMarks::of(&session.profile);
    let mut write_error = None;
    let mut observe = |record: &tokenscope::oauth::runner::StepRecord| {
        let line = tokenscope::cli::run::step_line(record, system_now(), &marks);
        let text = if json {
            serde_json::to_string(&line).unwrap_or_default()
        } else {
            tokenscope::cli::run::step_text(&line)
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
        if introspect {
            introspect_token(&mut session, &options, system_now, &mut observe).await?;
        }
        if revoke {
            revoke_token(&mut session, &options, system_now, &mut observe).await?;
        }
        if logout {
            logout_session(&mut session, &options, system_now, &mut observe).await?;
        }
        Ok::<(), tokenscope::oauth::flow::StepFailure>(())
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
    tokenscope::oauth::runner::FlowSession,
    tokenscope::oauth::runner::RunOptions,
    tokenscope::net::NetRuntime,
    Option<tokenscope::sandbox::Sandbox>,
)> {
    use tokenscope::oauth::runner::{Browser, FlowSession, RunOptions};
    let dir = config_dir(cli)?;
    let (chosen, mut secret, tls_passphrase) = run_profile(
        cli,
        &dir,
        args.profile.as_deref(),
        args.profile_file.as_ref(),
        args.pkcs12_passphrase_env.as_deref(),
    )?;
    if let Some(var) = &args.client_secret_env {
        let value = std::env::var(var)
            .with_context(|| format!("the environment variable {var} is not set"))?;
        secret = Some(tokenscope::secret::Secret::new(value));
    }
    let (runtime, chosen, secret, sandbox) = bring_sandbox(chosen, secret)?;
    let options = RunOptions {
        browser: args
            .browser
            .clone()
            .map_or(Browser::System, Browser::Command),
        callback_timeout: Duration::from_secs(args.callback_timeout),
        client: tokenscope::net::ClientOptions::for_profile(&chosen, tls_passphrase),
        verify: if args.no_verify {
            tokenscope::oauth::runner::VerifyMode::Report
        } else {
            tokenscope::oauth::runner::VerifyMode::Enforce
        },
        ..RunOptions::default()
    };
    let extension_secrets =
        stored_extension_secrets(cli, &dir, args.profile_file.as_ref(), &chosen)?;
    let mut session = FlowSession::new(chosen, secret);
    session.extension_secrets = extension_secrets;
    run_inputs(
        &mut session,
        RunInputs {
            grant: args.grant.as_deref(),
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
fn print_user_code(answer: &tokenscope::oauth::device::DeviceAuthorization) {
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

/// The profile `run` walks, from the store (by name) or an export file,
/// with its client secret and its PKCS#12 passphrase.
fn run_profile(
    cli: &Cli,
    dir: &std::path::Path,
    profile: Option<&str>,
    profile_file: Option<&PathBuf>,
    pkcs12_passphrase_env: Option<&str>,
) -> anyhow::Result<(
    tokenscope::oauth::Profile,
    Option<tokenscope::secret::Secret>,
    Option<tokenscope::secret::Secret>,
)> {
    Ok(if let Some(path) = profile_file {
        let text = read_input(Some(path))?;
        let mut list = Vec::new();
        tokenscope::store::transfer::import(&text, &mut list, None).map_err(anyhow::Error::msg)?;
        let first = list
            .into_iter()
            .next()
            .context("the profile file holds no profile")?;
        let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let secret = value["secrets"][&first.id.0]["client_secret"]
            .as_str()
            .map(tokenscope::secret::Secret::new);
        let passphrase = pkcs12_passphrase_from_env(pkcs12_passphrase_env)?;
        (first, secret, passphrase)
    } else {
        let wanted = profile.unwrap_or_default();
        let loaded = saved_or_first_launch_profiles(dir)?;
        let mut found = tokenscope::store::transfer::find(&loaded, wanted)
            .map_err(anyhow::Error::msg)?
            .clone();
        let secrets = SecretStore::open(dir, secret_preference(cli))?;
        // The proxy password, secret headers and parameters, filled back in.
        secrets.fill_stored_values(&mut found)?;
        let secret = secrets.get(&found.id, tokenscope::store::secrets::names::CLIENT_SECRET)?;
        let passphrase = match pkcs12_passphrase_from_env(pkcs12_passphrase_env)? {
            Some(passphrase) => Some(passphrase),
            None => secrets.get(
                &found.id,
                tokenscope::store::secrets::names::PKCS12_PASSPHRASE,
            )?,
        };
        (found, secret, passphrase)
    })
}

/// The PKCS#12 passphrase from the environment variable named by
/// `--pkcs12-passphrase-env`, if given.
fn pkcs12_passphrase_from_env(
    var: Option<&str>,
) -> anyhow::Result<Option<tokenscope::secret::Secret>> {
    var.map(|var| {
        std::env::var(var)
            .map(tokenscope::secret::Secret::new)
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
    profile: &tokenscope::oauth::Profile,
) -> anyhow::Result<Vec<(String, tokenscope::secret::Secret)>> {
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
                .map(tokenscope::secret::Secret::new),
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
    username: Option<&'a str>,
    password_env: Option<&'a str>,
    refresh_token_env: Option<&'a str>,
    fields: &'a [String],
    field_envs: &'a [String],
}

/// Applies `run`'s grant options to the session: the grant, the password
/// grant's user and password, a refresh token, extension grant fields.
fn run_inputs(
    session: &mut tokenscope::oauth::runner::FlowSession,
    inputs: RunInputs<'_>,
) -> anyhow::Result<()> {
    use tokenscope::oauth::Grant;
    use tokenscope::secret::Secret;
    let env = |var: &str| {
        std::env::var(var).with_context(|| format!("the environment variable {var} is not set"))
    };
    if let Some(grant) = inputs.grant {
        session.grant = match grant {
            "authorization_code" => Grant::AuthorizationCode,
            "client_credentials" => Grant::ClientCredentials,
            "password" => Grant::Password,
            "refresh_token" => Grant::RefreshToken,
            "device_code" | tokenscope::oauth::device::GRANT_TYPE => Grant::DeviceCode,
            "extension" => match &session.profile.default_grant {
                Grant::Extension(name) => Grant::Extension(name.clone()),
                _ => anyhow::bail!("--grant extension: the profile has no extension grant"),
            },
            other => Grant::Extension(other.to_owned()),
        };
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
                fields.push(tokenscope::oauth::ExtensionField::plain(name, &value, ""));
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

fn window(cli: &Cli) -> anyhow::Result<ExitCode> {
    let paste = match &cli.paste {
        Some(path) => Some((read_input(Some(path))?, Some(path.display().to_string()))),
        None => None,
    };
    let outcome = Arc::new(Mutex::new(None));
    let frames = Arc::new(AtomicU64::new(0));
    let config_dir = cli
        .config_dir
        .clone()
        .or_else(tokenscope::store::default_config_dir);
    let options = StartOptions {
        clock: cli.now.map(|now| Clock::Fixed(Timestamp::from_unix(now))),
        paste,
        screenshot: cli.screenshot.clone().map(|path| Screenshot {
            path,
            outcome: Arc::clone(&outcome),
        }),
        theme: match cli.theme {
            None => ThemeChoice::System,
            Some(Theme::Light) => ThemeChoice::Light,
            Some(Theme::Dark) => ThemeChoice::Dark,
        },
        zone: if cli.utc { Zone::Utc } else { Zone::Local },
        // The language given, else the one chosen last time (read before
        // the window opens), else the system's.
        language: cli
            .lang
            .map(|lang| match lang {
                Lang::En => tokenscope::i18n::Language::En,
                Lang::Ru => tokenscope::i18n::Language::Ru,
            })
            .or_else(|| {
                config_dir
                    .as_deref()
                    .and_then(|dir| tokenscope::store::preferences::load(dir).language)
            }),
        quit_after: cli
            .quit_after
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64),
        frame_counter: cli.report_frames.then(|| Arc::clone(&frames)),
        config_dir: config_dir.clone(),
        secret_preference: secret_preference(cli),
        browser: cli.browser.clone(),
        inspector: None,
    };
    let native = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport: egui::ViewportBuilder::default()
            .with_title("tokenscope")
            .with_app_id("tokenscope")
            .with_inner_size([cli.size.0, cli.size.1])
            .with_min_inner_size([720.0, 480.0]),
        ..Default::default()
    };
    eframe::run_native(
        "tokenscope",
        native,
        Box::new(move |cc| Ok(Box::new(TokenscopeApp::new(&cc.egui_ctx, options)))),
    )
    .map_err(|error| anyhow::anyhow!("could not open the window: {error}"))?;
    if cli.report_frames {
        let _ = writeln!(
            std::io::stderr(),
            "frames: {}",
            frames.load(Ordering::Relaxed)
        );
    }
    if cli.screenshot.is_some() {
        let written = outcome.lock().ok().and_then(|mut slot| slot.take());
        match written {
            Some(Ok(())) => {}
            Some(Err(error)) => anyhow::bail!("screenshot failed: {error}"),
            None => anyhow::bail!("the window closed before the screenshot was taken"),
        }
    }
    Ok(ExitCode::SUCCESS)
}
