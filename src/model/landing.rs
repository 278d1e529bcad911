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
    /// Key material was read (file or JWKS), or could not be.
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
    #[expect(
        clippy::too_many_lines,
        reason = "one short arm per job result; splitting would scatter where results land"
    )]
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
            JobResult::PassphraseLoaded { id, passphrase } => match passphrase {
                Ok(passphrase) => {
                    if self.profiles.selected.as_ref() == Some(&id) {
                        self.profiles.loaded_passphrase = Some((id, passphrase));
                    }
                }
                Err(message) => self.profiles.save_error = Some(message),
            },
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
            JobResult::Saved(result) => self.saved(result),
            JobResult::SandboxRotated(result) => self.sandbox.rotated(result),
            JobResult::StepAnswered { step, exchange } => {
                return self.step_answered(step, exchange, now);
            }
            JobResult::JarmKeys { params, jwks } => self.jarm_keys_landed(&params, jwks, now),
            JobResult::AnswerVerified { record, report } => {
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
        let text = match result {
            Ok(text) => text,
            Err(message) => {
                self.verification.message = Some(message);
                return Vec::new();
            }
        };
        let keys = crate::token::keys::KeySet::from_text(&text, label);
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
}
