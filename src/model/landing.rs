//! Background results landing in the model: each job's answer comes back
//! as a [`JobResult`] and changes the workspace here, the way a command
//! does in [`Workspace::apply`]; what must happen next comes back as
//! [`Effect`]s for the app to run. The app keeps only the results about
//! what it owns (the paste box's text, the profile editor, the running
//! sandbox).

use std::path::PathBuf;

use crate::oauth::{Profile, ProfileId};
use crate::paste::Inspection;
use crate::secret::Secret;
use crate::token::Timestamp;

use super::{Effect, Notice, StoreStatus, Workspace};

/// What a finished job reports.
#[derive(Debug)]
pub enum JobResult {
    /// An inspection finished.
    Inspected {
        /// Which paste it belongs to.
        generation: u64,
        /// What was found, or the bug that stopped the inspection.
        inspection: Result<Inspection, super::InternalError>,
    },
    /// A file was read.
    FileRead {
        /// Its name, to show.
        source: String,
        /// Its text.
        text: String,
        /// A remark, e.g. that it was not UTF-8.
        notice: Option<Notice>,
    },
    /// A file could not be read.
    FileFailed(String),
    /// The profile file and the secret store were opened.
    StoreOpened {
        /// The file's status.
        status: StoreStatus,
        /// The profiles read.
        profiles: Vec<Profile>,
        /// Where secrets go, in words.
        secrets: crate::i18n::Text,
        /// Why the keychain is not used, in the system's words (shown on hover).
        keychain_problem: Option<String>,
    },
    /// A save finished.
    ProfilesSaved(Result<(), String>),
    /// An unreadable file was set aside (or could not be).
    SetAside(Result<std::path::PathBuf, String>),
    /// A secret was read.
    SecretLoaded {
        /// Whose.
        id: ProfileId,
        /// The secret, or why it could not be read.
        secret: Result<Option<Secret>, String>,
    },
    /// A TLS file was picked for the profile editor.
    TlsFilePicked {
        /// Which field.
        file: super::TlsFile,
        /// The file.
        path: PathBuf,
    },
    /// A PKCS#12 passphrase was read.
    PassphraseLoaded {
        /// Whose.
        id: ProfileId,
        /// Which one.
        which: super::Passphrase,
        /// The passphrase, or why it could not be read.
        passphrase: Result<Option<Secret>, String>,
    },
    /// A secret could not be stored or deleted.
    SecretFailed(String),
    /// Profiles were imported from a file.
    Imported {
        /// The whole list after the import.
        profiles: Vec<Profile>,
        /// What happened, line by line.
        report: String,
    },
    /// Profiles were exported (to the path), or not.
    Exported(Result<PathBuf, String>),
    /// A file was saved (or not) for the flow's export buttons.
    Saved(Result<PathBuf, String>),
    /// A key file the user picked was read (any kind: JWKS, PEM, DER
    /// certificate, PKCS#12), or could not be.
    KeyFileRead {
        /// The file's name.
        label: String,
        /// Its bytes, or what went wrong.
        bytes: Result<Vec<u8>, String>,
    },
    /// Key material was read as text (a fetched JWKS), or could not be.
    KeysLoaded {
        /// Where it came from.
        label: String,
        /// The text, or what went wrong.
        result: Result<String, String>,
    },
    /// A flow step's request was answered (or failed to get an answer).
    StepAnswered {
        /// Which step.
        step: crate::oauth::flow::Step,
        /// What happened.
        exchange: crate::net::Exchange,
    },
    /// The tokens a step returned were verified (or could not be).
    AnswerVerified {
        /// The step and when it finished.
        record: (crate::oauth::flow::Step, crate::token::Timestamp),
        /// The report (`None`: nothing to verify), or why there is none.
        report: Result<Option<crate::oauth::verification::VerifyReport>, String>,
    },
    /// The provider's keys for a JWT-secured authorization response (JARM)
    /// arrived (or could not be fetched).
    JarmKeys {
        /// The redirect's parameters, with its `response`.
        params: Box<crate::oauth::callback::CallbackParams>,
        /// The JWKS JSON, or why there is none.
        jwks: Result<String, String>,
    },
    /// The provider's keys for a JWT introspection answer (RFC 9701)
    /// arrived (or could not be fetched).
    IntrospectionKeys {
        /// The introspection exchange, its answer a JWT.
        exchange: Box<crate::net::Exchange>,
        /// The JWKS JSON, or why there is none.
        jwks: Result<String, String>,
    },
    /// The device code expired while polling, before the user approved.
    DeviceCodeExpired,
    /// CIBA ping mode: the provider's ping came (CIBA Core §10.2); the
    /// token request follows.
    CibaPinged,
    /// The client's private key file was read (or not).
    ClientKeyLoaded(Result<Secret, String>),
    /// The profile's decryption key file was read (or not): its private
    /// keys, in memory only.
    DecryptionKeyLoaded(Result<crate::token::keys::KeySet, String>),
    /// An extension grant's secret values were read from the secret store.
    ExtensionSecretsLoaded {
        /// Whose.
        id: ProfileId,
        /// Field name and value, for those found.
        values: Vec<(String, Secret)>,
    },
    /// The sandbox provider started (or not).
    SandboxStarted(Result<crate::sandbox::Sandbox, String>),
    /// The sandbox's keys were rotated: the new generation, or why not.
    SandboxRotated(Result<u32, String>),
    /// An SD-JWT VC issuer's keys were fetched from its JWT VC Issuer
    /// Metadata, or why they could not be.
    IssuerKeys(Box<crate::token::sd_jwt_vc::IssuerKeys>),
    /// Discovery finished for a profile.
    Discovered {
        /// Whose.
        id: ProfileId,
        /// The metadata, or what went wrong.
        result: Result<crate::oauth::discovery::ProviderMetadata, String>,
    },
}

impl Workspace {
    /// The provider's keys came for a JWT-secured authorization response:
    /// the run checks it and, if it holds, uses its code.
    fn jarm_keys_landed(
        &mut self,
        params: &crate::oauth::callback::CallbackParams,
        jwks: Result<String, String>,
        now: Timestamp,
    ) {
        if let Some(flow) = self.flow.as_mut() {
            flow.session.jarm_callback(params, jwks, now);
        }
    }

    /// The profile's decryption key file was read (or not), for the run in the window.
    fn decryption_key_landed(&mut self, result: Result<crate::token::keys::KeySet, String>) {
        if let Some(flow) = self.flow.as_mut() {
            flow.decryption_key_loaded(result);
        }
    }

    /// Lands a finished job's result and returns what must happen next.
    /// The results about what the app owns ([`JobResult::FileRead`],
    /// [`JobResult::TlsFilePicked`], [`JobResult::SandboxStarted`],
    /// [`JobResult::Discovered`]) change nothing here.
    pub fn land_job(&mut self, result: JobResult, now: Timestamp) -> Vec<Effect> {
        match result {
            JobResult::Inspected {
                generation,
                inspection,
            } => self.land(generation, inspection),
            JobResult::FileFailed(message) => self.file_failed(message),
            JobResult::StoreOpened {
                status,
                profiles,
                secrets,
                keychain_problem,
            } => {
                self.profiles.keychain_problem = keychain_problem;
                self.profiles.status = status;
                self.profiles.list = profiles;
                self.profiles.secrets_description = secrets;
            }
            JobResult::ProfilesSaved(result) => self.profiles.save_error = result.err(),
            JobResult::SetAside(Ok(path)) => {
                self.profiles.status = StoreStatus::Ready {
                    path: path.with_file_name(crate::store::profiles::FILE_NAME),
                    remark: Some(crate::tr!(
                        "store-set-aside",
                        path = path.display().to_string()
                    )),
                };
            }
            JobResult::SecretLoaded { id, secret } => match secret {
                Ok(secret) => {
                    if self.profiles.selected.as_ref() == Some(&id) {
                        self.profiles.loaded_secret = Some((id, secret));
                    }
                }
                Err(message) => self.profiles.save_error = Some(message),
            },
            JobResult::PassphraseLoaded {
                id,
                which,
                passphrase,
            } => self.passphrase_landed(id, which, passphrase),
            JobResult::SetAside(Err(message)) | JobResult::SecretFailed(message) => {
                self.profiles.save_error = Some(message);
            }
            JobResult::Imported { profiles, report } => {
                self.profiles.list = profiles;
                self.profiles.transfer_report = Some(report);
                return vec![Effect::SaveProfiles(self.profiles.list.clone())];
            }
            JobResult::Exported(result) => {
                self.profiles.transfer_report = Some(match result {
                    Ok(path) => crate::tr!("export-done", path = path.display().to_string()),
                    Err(message) => message,
                });
            }
            JobResult::KeysLoaded { label, result } => return self.keys_loaded(&label, result),
            JobResult::KeyFileRead { label, bytes } => return self.key_file_read(&label, bytes),
            JobResult::IssuerKeys(keys) => self.issuer_keys_landed(*keys),
            JobResult::Saved(result) => self.saved(result),
            JobResult::SandboxRotated(result) => self.sandbox.rotated(result),
            JobResult::StepAnswered { step, exchange } => {
                return self.step_answered(step, exchange, now);
            }
            JobResult::JarmKeys { params, jwks } => self.jarm_keys_landed(&params, jwks, now),
            JobResult::IntrospectionKeys { exchange, jwks } => {
                if let Some(flow) = self.flow.as_mut() {
                    flow.session.introspected_with_keys(*exchange, jwks, now);
                }
            }
            JobResult::AnswerVerified { record, report } => self.answer_verified(record, report),
            JobResult::DeviceCodeExpired => {
                if let Some(flow) = self.flow.as_mut() {
                    flow.device_code_expired(now);
                }
            }
            JobResult::CibaPinged => self.flow.iter_mut().for_each(|f| f.ciba_pinged(now)),
            JobResult::ClientKeyLoaded(result) => {
                if let Some(flow) = self.flow.as_mut() {
                    flow.key_loaded(result);
                }
            }
            JobResult::DecryptionKeyLoaded(result) => self.decryption_key_landed(result),
            JobResult::ExtensionSecretsLoaded { id, values } => {
                if let Some(flow) = self.flow.as_mut().filter(|f| f.session.profile.id == id) {
                    flow.extension_secrets_loaded(values);
                }
            }
            JobResult::FileRead { .. }
            | JobResult::TlsFilePicked { .. }
            | JobResult::SandboxStarted(_)
            | JobResult::Discovered { .. } => {}
        }
        Vec::new()
    }

    /// Keys from a file or a JWKS join the verification's key set; a `kid`
    /// the set still lacks fetches the JWKS once more (a rotated key, OIDC
    /// Core §10.1.1).
    fn keys_loaded(&mut self, label: &str, result: Result<String, String>) -> Vec<Effect> {
        self.verification.fetching = false;
        match result {
            Ok(text) => {
                self.keys_landed(label, crate::token::keys::KeySet::from_text(&text, label))
            }
            Err(message) => {
                self.verification.message = Some(message);
                Vec::new()
            }
        }
    }

    /// A passphrase of the selected profile was read from the secret store.
    fn passphrase_landed(
        &mut self,
        id: ProfileId,
        which: super::Passphrase,
        passphrase: Result<Option<Secret>, String>,
    ) {
        match passphrase {
            Ok(passphrase) => {
                if self.profiles.selected.as_ref() == Some(&id) {
                    self.profiles.passphrase_loaded(which, id, passphrase);
                }
            }
            Err(message) => self.profiles.save_error = Some(message),
        }
    }

    /// A key file's bytes: its keys join the set, or — a PKCS#12 container
    /// that needs a passphrase — the Keys tab asks for it.
    fn key_file_read(&mut self, label: &str, bytes: Result<Vec<u8>, String>) -> Vec<Effect> {
        let bytes = match bytes {
            Ok(bytes) => bytes,
            Err(message) => {
                self.verification.message = Some(message);
                return Vec::new();
            }
        };
        match super::key_passphrase::KeyPassphrasePrompt::read(label.to_owned(), bytes) {
            Ok(keys) => self.keys_landed(label, keys),
            Err(prompt) => {
                self.verification.message = None;
                self.verification.key_passphrase = Some(prompt);
                Vec::new()
            }
        }
    }

    /// Keys read from `label` join the verification's key set (see
    /// [`Self::keys_loaded`] for the JWKS fetched once more).
    pub(super) fn keys_landed(
        &mut self,
        label: &str,
        keys: crate::token::keys::KeySet,
    ) -> Vec<Effect> {
        let message = crate::tr!("key-loaded", count = keys.rows().len(), label = label);
        self.add_keys(keys, message);
        let Some(id) = self.wants_jwks_refetch() else {
            return Vec::new();
        };
        if let Some((_, refetched)) = self.verification.jwks_from.as_mut() {
            *refetched = true;
        }
        let Some(profile) = self.profiles.list.iter().find(|p| p.id == id) else {
            return Vec::new();
        };
        self.verification.fetching = true;
        vec![Effect::FetchJwks(Box::new(profile.clone()))]
    }

    /// The tokens a step returned were verified (or could not be): the
    /// report joins the run's record of that step.
    fn answer_verified(
        &mut self,
        record: (crate::oauth::flow::Step, Timestamp),
        report: Result<Option<crate::oauth::verification::VerifyReport>, String>,
    ) {
        if let Some(flow) = self.flow.as_mut() {
            if flow.verifying == Some(record) {
                flow.verifying = None;
            }
            match report {
                Ok(Some(report)) => {
                    flow.session.verified_at(record, report, false);
                }
                Ok(None) => {}
                Err(message) => flow.verification_error = Some(message),
            }
        }
    }

    /// An SD-JWT VC issuer's keys arrived: the ones its metadata vouches
    /// for join the key set (verification runs again), and the checks get
    /// their `issuer_key` row; a refusal is said there and beside the keys.
    fn issuer_keys_landed(&mut self, keys: crate::token::sd_jwt_vc::IssuerKeys) {
        self.verification.fetching_issuer_keys = false;
        let keys = std::sync::Arc::new(keys);
        self.verification.issuer_keys = Some(std::sync::Arc::clone(&keys));
        match keys.key_set() {
            Some(set) => {
                let message = crate::tr!(
                    "sd-vc-keys-loaded",
                    count = set.rows().len(),
                    url = keys.source()
                );
                self.add_keys(set, message);
            }
            None => self.verification.message = keys.jwks.as_ref().err().cloned(),
        }
    }

    /// A file saved for the flow's export buttons, said on the flow card (or
    /// as a notice, when the run has closed since).
    fn saved(&mut self, result: Result<PathBuf, String>) {
        let is_error = result.is_err();
        let text = match result {
            Ok(path) => crate::tr!("flow-export-saved", path = path.display().to_string()),
            Err(message) => message,
        };
        match self.flow.as_mut() {
            Some(flow) => flow.export_message = Some(text),
            None => self.notice = Some(Notice { text, is_error }),
        }
    }

    /// A step's answer joins the run; the tokens it returned are verified
    /// by the engine `run` uses (the inspector's paste is the user's and is
    /// left as it is).
    fn step_answered(
        &mut self,
        step: crate::oauth::flow::Step,
        exchange: crate::net::Exchange,
        now: Timestamp,
    ) -> Vec<Effect> {
        let Some(flow) = self.flow.as_mut() else {
            return Vec::new();
        };
        if step == crate::oauth::flow::Step::Introspection
            && crate::oauth::flow::introspection_needs_keys(&exchange)
        {
            // RFC 9701: checked with the provider's keys before it is used.
            return flow
                .introspection_jwt_answered(exchange)
                .into_iter()
                .collect();
        }
        flow.answered(step, exchange, now);
        if let Some(draft) = flow.session.dpop_nonce_retry(step, now) {
            // The server asked for a DPoP nonce: the same request once more,
            // its proof carrying it (RFC 9449 §8); both attempts stay on the card.
            return super::flow::FlowState::apply(
                &mut self.flow,
                super::FlowCommand::Send { step, draft },
                now,
            );
        }
        let Some(pending) = flow.session.answer_verification(now) else {
            return Vec::new();
        };
        let Some(record) = flow.session.records.last().map(|r| (r.step, r.at)) else {
            return Vec::new();
        };
        if record.0 != step {
            return Vec::new();
        }
        flow.verifying = Some(record);
        flow.verification_error = None;
        vec![Effect::VerifyAnswer {
            profile: Box::new(flow.session.profile.clone()),
            pending: Box::new(pending),
            tls_passphrase: flow.tls_passphrase.clone(),
            record,
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Command, FlowCommand};
    use crate::net::Exchange;
    use crate::oauth::flow::Step;

    const TOKEN_ANSWER: &str = include_str!("../../tests/fixtures/keycloak-token-response.json");
    const KEYCLOAK_JWKS: &str = include_str!("../../tests/fixtures/keycloak-jwks.json");

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_unix(seconds)
    }

    fn answer(body: &str) -> Exchange {
        Exchange::json_answer("https://sso.example.test/token", 200, body)
    }

    fn profile() -> Profile {
        let mut profile = Profile::default();
        profile.endpoints.token = "https://sso.example.test/token".to_owned();
        profile.endpoints.jwks = "https://sso.example.test/certs".to_owned();
        profile
    }

    /// The window answers a DPoP nonce demand as `run` does: the request
    /// again, its proof carrying the nonce (RFC 9449 §8); the demand stays
    /// on the card as the step's first attempt.
    #[test]
    fn a_dpop_nonce_demand_sends_the_step_again() {
        let mut workspace = Workspace::new();
        let profile = Profile {
            dpop: true,
            default_grant: crate::oauth::Grant::ClientCredentials,
            ..profile()
        };
        workspace.apply(
            Command::Flow(FlowCommand::Start {
                profile: Box::new(profile),
                secret: None,
                tls_passphrase: None,
            }),
            at(0),
        );
        workspace.flow.as_mut().expect("started").waiting = Some(Step::ClientCredentials);
        let mut demand = Exchange::json_answer(
            "https://sso.example.test/token",
            400,
            r#"{"error":"use_dpop_nonce"}"#,
        );
        if let Ok(response) = &mut demand.response {
            response
                .headers
                .push(("DPoP-Nonce".to_owned(), "n-1".to_owned()));
        }
        let effects = workspace.land_job(
            JobResult::StepAnswered {
                step: Step::ClientCredentials,
                exchange: demand,
            },
            at(1),
        );
        let Some(Effect::SendStep { step, draft, .. }) = effects.first() else {
            panic!("sent again: {effects:?}");
        };
        assert_eq!(*step, Step::ClientCredentials);
        let proof = draft.header("DPoP").unwrap_or_default();
        assert!(proof.starts_with("eyJ"), "a proof: {proof}");
        let flow = workspace.flow.as_ref().expect("run");
        assert_eq!(flow.waiting, Some(Step::ClientCredentials));
        assert_eq!(flow.session.records.len(), 1, "the demand is on the card");
    }

    /// A workspace whose run waits for the answer of `step`.
    fn waiting_for(step: Step) -> Workspace {
        let mut workspace = Workspace::new();
        workspace.apply(
            Command::Flow(FlowCommand::Start {
                profile: Box::new(profile()),
                secret: None,
                tls_passphrase: None,
            }),
            at(0),
        );
        workspace.flow.as_mut().expect("started").waiting = Some(step);
        workspace
    }

    /// RFC 9701 in the window: a JWT introspection answer waits for the
    /// provider's keys (the one JWKS fetch of the jobs), then the run
    /// checks it as `run` does.
    #[test]
    fn a_jwt_introspection_answer_fetches_the_keys_then_is_checked() {
        use crate::oauth::introspection_jwt::fixtures::{
            ISSUER, NOW, good_claims, jwks_json, provider_key, signed,
        };
        let mut workspace = waiting_for(Step::Introspection);
        if let Some(flow) = workspace.flow.as_mut() {
            flow.session.profile.issuer = ISSUER.to_owned();
            flow.session.profile.client_id = "rs-1".to_owned();
        }
        let key = provider_key(1);
        let jwt = signed(&key, Some("token-introspection+jwt"), &good_claims());
        let mut exchange = Exchange::json_answer("https://sso.example.test/introspect", 200, &jwt);
        if let Ok(response) = &mut exchange.response {
            response.headers = vec![(
                "content-type".to_owned(),
                "application/token-introspection+jwt".to_owned(),
            )];
        }
        let effects = workspace.land_job(
            JobResult::StepAnswered {
                step: Step::Introspection,
                exchange,
            },
            at(NOW),
        );
        let Some(Effect::CheckIntrospectionJwt { exchange, .. }) = effects.into_iter().next()
        else {
            panic!("the keys are fetched first")
        };
        let flow = workspace.flow.as_ref().expect("run");
        assert_eq!(flow.waiting, None);
        assert!(flow.session.records.is_empty(), "nothing used yet");
        workspace.land_job(
            JobResult::IntrospectionKeys {
                exchange,
                jwks: Ok(jwks_json(&key)),
            },
            at(NOW),
        );
        let flow = workspace.flow.as_ref().expect("run");
        let record = flow.session.records.last().expect("the step");
        assert!(record.outcome.is_ok(), "{:?}", record.outcome);
        assert!(
            record
                .introspection_jwt
                .as_deref()
                .is_some_and(|f| f.passed)
        );
        assert!(
            flow.session
                .introspection
                .as_ref()
                .is_some_and(|a| a.active)
        );
    }

    #[test]
    fn a_token_answer_is_verified_by_the_engine_and_the_paste_is_left_alone() {
        let mut workspace = waiting_for(Step::Token);
        workspace.apply(Command::Inspect("мой текст 🙂".to_owned()), at(5));
        let users_paste = workspace.pending;
        let effects = workspace.land_job(
            JobResult::StepAnswered {
                step: Step::Token,
                exchange: answer(TOKEN_ANSWER),
            },
            at(10),
        );
        let [
            Effect::VerifyAnswer {
                pending, record, ..
            },
        ] = effects.as_slice()
        else {
            panic!("one verification expected, got {effects:?}");
        };
        assert_eq!(*record, (Step::Token, at(10)));
        assert_eq!(pending.text, TOKEN_ANSWER);
        let flow = workspace.flow.as_ref().expect("running");
        assert_eq!(flow.verifying, Some((Step::Token, at(10))));
        assert_eq!(flow.waiting, None);
        // Nothing re-inspects or replaces the user's paste (no `Decode`,
        // no `ShowTokens`): the inspection they wait for is still theirs.
        assert_eq!(workspace.pending, users_paste);
    }

    #[test]
    fn a_verification_lands_on_its_own_step_and_a_failure_is_said() {
        let mut workspace = waiting_for(Step::Token);
        workspace.land_job(
            JobResult::StepAnswered {
                step: Step::Token,
                exchange: answer(TOKEN_ANSWER),
            },
            at(10),
        );
        workspace.land_job(
            JobResult::AnswerVerified {
                record: (Step::Token, at(10)),
                report: Err("the JWKS answered 503".to_owned()),
            },
            at(11),
        );
        let flow = workspace.flow.as_ref().expect("running");
        assert_eq!(flow.verifying, None);
        assert_eq!(
            flow.verification_error.as_deref(),
            Some("the JWKS answered 503")
        );
    }

    #[test]
    fn an_answer_for_a_step_not_waited_for_changes_nothing() {
        let mut workspace = waiting_for(Step::Refresh);
        let effects = workspace.land_job(
            JobResult::StepAnswered {
                step: Step::Token,
                exchange: answer(TOKEN_ANSWER),
            },
            at(10),
        );
        assert!(effects.is_empty());
        let flow = workspace.flow.as_ref().expect("running");
        assert!(flow.session.records.is_empty());
        assert_eq!(flow.waiting, Some(Step::Refresh));
    }

    #[test]
    fn imported_profiles_are_saved_and_a_secret_for_another_profile_is_dropped() {
        let mut workspace = Workspace::new();
        let imported = vec![profile()];
        let effects = workspace.land_job(
            JobResult::Imported {
                profiles: imported.clone(),
                report: "1 профиль".to_owned(),
            },
            at(0),
        );
        assert_eq!(effects, vec![Effect::SaveProfiles(imported)]);
        assert_eq!(
            workspace.profiles.transfer_report.as_deref(),
            Some("1 профиль")
        );

        let other = Profile::default().id;
        workspace.land_job(
            JobResult::SecretLoaded {
                id: other,
                secret: Ok(Some(Secret::new("s3cret".to_owned()))),
            },
            at(1),
        );
        assert!(workspace.profiles.loaded_secret.is_none());
    }

    #[test]
    fn a_file_saved_after_the_run_closed_becomes_a_notice() {
        let mut workspace = Workspace::new();
        workspace.land_job(JobResult::Saved(Err("диск заполнен".to_owned())), at(0));
        assert_eq!(
            workspace.notice,
            Some(Notice {
                text: "диск заполнен".to_owned(),
                is_error: true,
            })
        );
    }

    #[test]
    fn keys_lacking_the_signing_kid_fetch_the_jwks_once_more_and_only_once() {
        let mut workspace = Workspace::new();
        let profile = profile();
        workspace.profiles.list = vec![profile.clone()];
        let access_token = TOKEN_ANSWER
            .split('"')
            .find(|part| part.starts_with("eyJ"))
            .expect("a JWT in the fixture")
            .to_owned();
        let generation = match workspace
            .apply(Command::Inspect(access_token.clone()), at(0))
            .as_slice()
        {
            [Effect::Decode { generation, .. }] => *generation,
            other => panic!("decode expected, got {other:?}"),
        };
        workspace.land(generation, Ok(crate::paste::inspect(&access_token, at(0))));
        workspace.verification.jwks_from = Some((profile.id.clone(), false));
        // The provider's set, with its key renamed: the token's kid is unknown.
        let rotated = KEYCLOAK_JWKS.replace("kc-rsa-1", "kc-rsa-2");
        let effects = workspace.land_job(
            JobResult::KeysLoaded {
                label: "JWKS".to_owned(),
                result: Ok(rotated.clone()),
            },
            at(1),
        );
        assert_eq!(effects, vec![Effect::FetchJwks(Box::new(profile))]);
        assert!(workspace.verification.fetching);
        let again = workspace.land_job(
            JobResult::KeysLoaded {
                label: "JWKS".to_owned(),
                result: Ok(rotated),
            },
            at(2),
        );
        assert!(again.is_empty(), "refetched once only");
        assert!(!workspace.verification.fetching);
    }

    /// A PKCS#12 key file picked in the Keys tab that needs a passphrase
    /// waits for it: a wrong one says so and keeps waiting, the right one
    /// adds the key; Cancel and Clear keys drop the question.
    #[test]
    fn a_pkcs12_key_file_waits_for_its_passphrase() {
        use crate::secret::Secret;
        let p12 = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/jwe/recipient-rsa.p12"
        ))
        .expect("fixture");
        let mut workspace = Workspace::new();
        let picked = |workspace: &mut Workspace| {
            workspace.land_job(
                JobResult::KeyFileRead {
                    label: "bank-key.p12".to_owned(),
                    bytes: Ok(p12.clone()),
                },
                at(0),
            )
        };
        assert!(picked(&mut workspace).is_empty());
        let asked = |w: &Workspace| {
            w.verification
                .key_passphrase
                .as_ref()
                .map(|p| (p.file.clone(), p.wrong))
        };
        assert_eq!(asked(&workspace), Some(("bank-key.p12".to_owned(), false)));
        assert!(!workspace.verification.keys.can_decrypt());
        assert!(
            workspace.verification.keys.problems.is_empty(),
            "a question, not a problem"
        );

        workspace.apply(Command::UnlockKeyFile(Secret::new("wrong")), at(1));
        assert_eq!(asked(&workspace), Some(("bank-key.p12".to_owned(), true)));
        assert!(!workspace.verification.keys.can_decrypt());
        workspace.apply(
            Command::UnlockKeyFile(Secret::new("tokenscope-test")),
            at(2),
        );
        assert_eq!(asked(&workspace), None);
        assert!(workspace.verification.keys.can_decrypt());
        assert_eq!(
            workspace.verification.keys.decryption_rows()[0].source,
            "PKCS#12 bank-key.p12"
        );
        assert!(!format!("{:?}", workspace.verification).contains("tokenscope-test"));

        picked(&mut workspace);
        workspace.apply(Command::CancelKeyPassphrase, at(3));
        assert_eq!(asked(&workspace), None);
        assert!(
            workspace.verification.keys.can_decrypt(),
            "the opened key stays"
        );
        picked(&mut workspace);
        workspace.apply(Command::ClearKeys, at(4));
        assert_eq!(asked(&workspace), None);
        assert!(!workspace.verification.keys.can_decrypt());

        // A file that could not be read says why, and asks nothing.
        workspace.land_job(
            JobResult::KeyFileRead {
                label: "gone.p12".to_owned(),
                bytes: Err("could not read gone.p12".to_owned()),
            },
            at(5),
        );
        assert_eq!(asked(&workspace), None);
        assert_eq!(
            workspace.verification.message.as_deref(),
            Some("could not read gone.p12")
        );
    }

    /// The fetch of an SD-JWT VC issuer's keys is asked for (never made
    /// unasked), and lands like a command: vouched keys join the key set
    /// and every token is verified again; a refusal adds no key and is said.
    #[test]
    fn issuer_keys_are_fetched_on_request_and_land_as_keys() {
        use crate::token::sd_jwt_vc::IssuerKeys;
        let iss = "https://issuer.example.com/tenant/1234";
        let mut workspace = Workspace::new();
        let text = include_str!("../../tests/fixtures/sd-jwt/rfc9901-5.1-issuance.txt");
        let Some(Effect::Decode { generation, .. }) = workspace
            .apply(Command::Inspect(text.to_owned()), at(0))
            .pop()
        else {
            panic!("an inspection")
        };
        workspace.land(
            generation,
            Ok(crate::paste::inspect(text, at(1_748_537_303))),
        );
        let effects = workspace.apply(Command::FetchIssuerKeys(iss.to_owned()), at(0));
        assert_eq!(effects, vec![Effect::FetchIssuerKeys(iss.to_owned())]);
        assert!(workspace.verification.fetching_issuer_keys);
        let fetched = IssuerKeys {
            iss: iss.to_owned(),
            metadata_url: Some(
                "https://issuer.example.com/.well-known/jwt-vc-issuer/tenant/1234".to_owned(),
            ),
            jwks_uri: None,
            jwks: Ok(include_str!("../../tests/fixtures/sd-jwt/issuer-jwks.json").to_owned()),
        };
        let effects = workspace.land_job(JobResult::IssuerKeys(Box::new(fetched.clone())), at(0));
        assert!(effects.is_empty());
        let verification = &workspace.verification;
        assert!(!verification.fetching_issuer_keys);
        assert_eq!(verification.issuer_keys.as_deref(), Some(&fetched));
        assert_eq!(verification.keys.rows().len(), 1);
        assert!(
            verification
                .signatures
                .iter()
                .flatten()
                .any(crate::token::verify::SignatureOutcome::is_valid),
            "verified again with the issuer's key"
        );
        // A refusal: no key, the reason kept; clearing the keys forgets both.
        let mut workspace = Workspace::new();
        let refused = IssuerKeys {
            jwks: Err("refused: the metadata's issuer is https://issuer.example.com".to_owned()),
            ..fetched
        };
        workspace.land_job(JobResult::IssuerKeys(Box::new(refused)), at(0));
        assert!(workspace.verification.keys.is_empty());
        assert!(
            workspace
                .verification
                .message
                .as_deref()
                .is_some_and(|m| m.starts_with("refused"))
        );
        workspace.apply(Command::ClearKeys, at(0));
        assert!(workspace.verification.issuer_keys.is_none());
    }
}
