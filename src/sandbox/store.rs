//! What the sandbox remembers: pending authorization requests, codes,
//! access and refresh tokens, device codes and sessions. Every lookup takes
//! `now` from the sandbox's clock: expiry is real, codes are single-use
//! (RFC 6749 §4.1.2), refresh tokens rotate (RFC 9700 §4.14.2).

use std::collections::HashMap;

use crate::token::Timestamp;

/// An authorization request waiting for the user on the login page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingRequest {
    /// `client_id`.
    pub client_id: String,
    /// `redirect_uri` as sent.
    pub redirect_uri: String,
    /// `scope`.
    pub scope: String,
    /// `state`, echoed in the redirect.
    pub state: Option<String>,
    /// `nonce`, copied into the ID token.
    pub nonce: Option<String>,
    /// PKCE `code_challenge` and its method (RFC 7636 §4.3).
    pub challenge: Option<(String, String)>,
    /// `response_mode` (OAuth 2.0 Multiple Response Type Encoding §2.1;
    /// JARM §2.3): `jwt` and `query.jwt` answer with a signed JWT.
    pub response_mode: Option<String>,
    /// The thumbprint of the DPoP key the code is bound to (RFC 9449 §10:
    /// `dpop_jkt`, or the PAR request's proof, §10.1).
    pub dpop_jkt: Option<String>,
    /// When it stops being usable.
    pub expires: Timestamp,
}

/// An issued authorization code and what it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeGrant {
    /// The request it answers.
    pub request: PendingRequest,
    /// Who signed in.
    pub user: String,
    /// When they signed in.
    pub auth_time: Timestamp,
    /// Their session.
    pub session: String,
    /// When the code expires.
    pub expires: Timestamp,
}

/// What a token stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// The client it was issued to.
    pub client_id: String,
    /// The user, or `None` for the client itself (client credentials).
    pub user: Option<String>,
    /// Scopes granted.
    pub scope: String,
    /// The session, for end-session.
    pub session: Option<String>,
    /// When the user signed in.
    pub auth_time: Option<Timestamp>,
    /// When it was issued.
    pub issued: Timestamp,
    /// When it expires.
    pub expires: Timestamp,
    /// The thumbprint of the DPoP key a DPoP-bound token is bound to (RFC 9449 §6).
    pub dpop_jkt: Option<String>,
}

/// A device authorization (RFC 8628 §3.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceGrant {
    /// The client that asked.
    pub client_id: String,
    /// The code the user types.
    pub user_code: String,
    /// Scopes asked for.
    pub scope: String,
    /// When it expires.
    pub expires: Timestamp,
    /// Polling interval in seconds.
    pub interval: i64,
    /// The last poll, for `slow_down`.
    pub last_poll: Option<Timestamp>,
    /// Pending, approved by a user, or denied.
    pub decision: DeviceDecision,
}

/// A backchannel authentication request waiting for the user's phone
/// (OpenID CIBA Core 1.0 §7.1), kept under its `auth_req_id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CibaRequest {
    /// The client that asked.
    pub client_id: String,
    /// The user the hint named.
    pub user: String,
    /// What the phone shows beside the request.
    pub binding_message: String,
    /// Scopes asked for.
    pub scope: String,
    /// The id the phone page names it by (never the `auth_req_id`, which
    /// is the client's to poll with).
    pub page_id: String,
    /// When it expires.
    pub expires: Timestamp,
    /// Polling interval in seconds.
    pub interval: i64,
    /// The last poll, for `slow_down`.
    pub last_poll: Option<Timestamp>,
    /// Pending, approved, or denied.
    pub decision: DeviceDecision,
    /// Ping mode: the `client_notification_token` the request carried, the
    /// bearer of the ping once the user decided (CIBA Core §7.1, §10.2).
    pub notification_token: Option<String>,
}

/// The user's answer on the verification page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeviceDecision {
    /// Not answered yet.
    Pending,
    /// Approved, signed in as this user.
    Approved(String),
    /// Denied.
    Denied,
}

/// Why a code could not be redeemed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeProblem {
    /// Unknown, used, or deleted after a failed exchange.
    Unknown,
    /// Older than its lifetime (and now deleted).
    Expired,
}

/// Why a token could not be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenProblem {
    /// Unknown, revoked or rotated away.
    Unknown,
    /// Past its expiry.
    Expired,
}

/// The sandbox's memory. Not thread-safe by itself: the server holds it in a mutex.
#[derive(Debug, Default)]
pub struct Store {
    pending: HashMap<String, PendingRequest>,
    codes: HashMap<String, CodeGrant>,
    access: HashMap<String, Grant>,
    refresh: HashMap<String, Grant>,
    devices: HashMap<String, DeviceGrant>,
    ciba: HashMap<String, CibaRequest>,
    sessions: HashMap<String, String>,
    pushed: HashMap<String, PendingRequest>,
    dpop_nonce: Option<(String, Timestamp)>,
    dpop_jtis: HashMap<String, Timestamp>,
}

/// How many pushed requests and DPoP `jti`s the store keeps at most: a
/// hostile loopback client cannot grow it without end (the oldest go).
const MAX_KEPT: usize = 10_000;

/// How long a DPoP nonce the sandbox gave stays good, in seconds.
pub const DPOP_NONCE_LIFETIME: i64 = 300;

impl Store {
    /// Remembers a pushed authorization request under its `request_uri`
    /// (RFC 9126 §2.2); expired ones are dropped first.
    pub fn add_pushed(&mut self, request_uri: String, request: PendingRequest, now: Timestamp) {
        self.pushed.retain(|_, r| r.expires > now);
        if self.pushed.len() >= MAX_KEPT {
            self.pushed.clear();
        }
        self.pushed.insert(request_uri, request);
    }

    /// Takes a pushed request (once: RFC 9126 §4, one-time use). `Err`
    /// with the request when it has expired (its `redirect_uri` was checked
    /// when it was pushed, so the error may go back there), `Err(None)` when
    /// it is unknown or used.
    pub fn take_pushed(
        &mut self,
        request_uri: &str,
        now: Timestamp,
    ) -> Result<PendingRequest, Option<Box<PendingRequest>>> {
        let request = self.pushed.remove(request_uri).ok_or(None)?;
        if request.expires > now {
            Ok(request)
        } else {
            Err(Some(Box::new(request)))
        }
    }

    /// The DPoP nonce the server gives now (RFC 9449 §8): the current
    /// one, or a fresh one when there is none or it expired.
    pub fn dpop_nonce(&mut self, now: Timestamp, fresh: impl FnOnce() -> String) -> String {
        match &self.dpop_nonce {
            Some((nonce, expires)) if *expires > now => nonce.clone(),
            _ => {
                let nonce = fresh();
                self.dpop_nonce = Some((nonce.clone(), now.plus_seconds(DPOP_NONCE_LIFETIME)));
                nonce
            }
        }
    }

    /// Records a proof's `jti` until `until`; `false` when it was seen
    /// before (a replay, RFC 9449 §11.1).
    pub fn first_dpop_jti(&mut self, jti: &str, now: Timestamp, until: Timestamp) -> bool {
        self.dpop_jtis.retain(|_, expires| *expires > now);
        if self.dpop_jtis.contains_key(jti) {
            return false;
        }
        if self.dpop_jtis.len() >= MAX_KEPT {
            self.dpop_jtis.clear();
        }
        self.dpop_jtis.insert(jti.to_owned(), until);
        true
    }

    /// Remembers a request shown on the login page under `id`.
    pub fn add_pending(&mut self, id: String, request: PendingRequest) {
        self.pending.insert(id, request);
    }

    /// Takes a pending request (once), if it has not expired.
    pub fn take_pending(&mut self, id: &str, now: Timestamp) -> Option<PendingRequest> {
        self.pending.remove(id).filter(|r| r.expires > now)
    }

    /// Issues `code` for a signed-in user and opens a session.
    pub fn add_code(&mut self, code: String, grant: CodeGrant) {
        self.sessions
            .insert(grant.session.clone(), grant.user.clone());
        self.codes.insert(code, grant);
    }

    /// Redeems a code: it is removed whatever happens next (single use).
    pub fn redeem_code(&mut self, code: &str, now: Timestamp) -> Result<CodeGrant, CodeProblem> {
        let grant = self.codes.remove(code).ok_or(CodeProblem::Unknown)?;
        if grant.expires <= now {
            return Err(CodeProblem::Expired);
        }
        Ok(grant)
    }

    /// Stores an access token.
    pub fn add_access(&mut self, token: String, grant: Grant) {
        self.access.insert(token, grant);
    }

    /// Stores a refresh token.
    pub fn add_refresh(&mut self, token: String, grant: Grant) {
        self.refresh.insert(token, grant);
    }

    /// An access token's grant, if it is known, not revoked and not expired
    /// (and its session, if any, is still open).
    pub fn access(&self, token: &str, now: Timestamp) -> Result<&Grant, TokenProblem> {
        let grant = self.access.get(token).ok_or(TokenProblem::Unknown)?;
        self.usable(grant, now)
    }

    /// A refresh token's grant, without using it up.
    pub fn refresh(&self, token: &str, now: Timestamp) -> Result<&Grant, TokenProblem> {
        let grant = self.refresh.get(token).ok_or(TokenProblem::Unknown)?;
        self.usable(grant, now)
    }

    /// Uses a refresh token up (rotation: the new one replaces it).
    pub fn take_refresh(&mut self, token: &str, now: Timestamp) -> Result<Grant, TokenProblem> {
        self.refresh(token, now)?;
        self.refresh.remove(token).ok_or(TokenProblem::Unknown)
    }

    fn usable<'g>(&self, grant: &'g Grant, now: Timestamp) -> Result<&'g Grant, TokenProblem> {
        if grant
            .session
            .as_ref()
            .is_some_and(|s| !self.sessions.contains_key(s))
        {
            return Err(TokenProblem::Unknown);
        }
        if grant.expires <= now {
            return Err(TokenProblem::Expired);
        }
        Ok(grant)
    }

    /// Forgets a token of either kind (RFC 7009 §2.1); `true` if it was known.
    pub fn revoke(&mut self, token: &str) -> bool {
        self.access.remove(token).is_some() | self.refresh.remove(token).is_some()
    }

    /// Ends a session: its tokens stop working (RP-Initiated Logout 1.0 §2).
    pub fn end_session(&mut self, session: &str) -> bool {
        self.sessions.remove(session).is_some()
    }

    /// Opens a session without a code (password and device grants).
    pub fn open_session(&mut self, session: String, user: &str) {
        self.sessions.insert(session, user.to_owned());
    }

    /// Stores a device authorization.
    pub fn add_device(&mut self, device_code: String, grant: DeviceGrant) {
        self.devices.insert(device_code, grant);
    }

    /// The device authorization a user code belongs to, if still valid.
    pub fn device_by_user_code(
        &mut self,
        user_code: &str,
        now: Timestamp,
    ) -> Option<&mut DeviceGrant> {
        let wanted = normalize_user_code(user_code);
        self.devices
            .values_mut()
            .find(|d| normalize_user_code(&d.user_code) == wanted && d.expires > now)
    }

    /// Stores a backchannel authentication request under its `auth_req_id`.
    pub fn add_ciba(&mut self, auth_req_id: String, request: CibaRequest) {
        self.ciba.insert(auth_req_id, request);
    }

    /// The CIBA requests still waiting for the phone, oldest expiry first.
    pub fn pending_ciba(&self, now: Timestamp) -> Vec<CibaRequest> {
        let mut pending: Vec<CibaRequest> = self
            .ciba
            .values()
            .filter(|r| r.decision == DeviceDecision::Pending && r.expires > now)
            .cloned()
            .collect();
        pending.sort_by_key(|r| (r.expires, r.page_id.clone()));
        pending
    }

    /// The phone's answer to the request the page names: its `auth_req_id`
    /// and, in ping mode, its `client_notification_token` (the ping is due
    /// now, CIBA Core §10.2); `None` when it is unknown, decided already or
    /// expired.
    pub fn decide_ciba(
        &mut self,
        page_id: &str,
        approve: bool,
        now: Timestamp,
    ) -> Option<(String, Option<String>)> {
        let (auth_req_id, request) = self.ciba.iter_mut().find(|(_, r)| {
            r.page_id == page_id && r.decision == DeviceDecision::Pending && r.expires > now
        })?;
        request.decision = if approve {
            DeviceDecision::Approved(request.user.clone())
        } else {
            DeviceDecision::Denied
        };
        Some((auth_req_id.clone(), request.notification_token.clone()))
    }

    /// An `auth_req_id` polled at the token endpoint (CIBA Core §11):
    /// removed once approved, denied or expired; `slow_down` when polled
    /// faster than the interval.
    pub fn poll_ciba(&mut self, auth_req_id: &str, now: Timestamp) -> Option<DevicePoll> {
        let request = self.ciba.get_mut(auth_req_id)?;
        let poll = poll_decision(
            &mut request.interval,
            &mut request.last_poll,
            &request.decision,
            request.expires,
            now,
        );
        if poll != DevicePoll::Pending && poll != DevicePoll::SlowDown {
            let request = self.ciba.remove(auth_req_id)?;
            if let DevicePoll::Approved { user, .. } = poll {
                return Some(DevicePoll::Approved {
                    user,
                    client_id: request.client_id,
                    scope: request.scope,
                });
            }
        }
        Some(poll)
    }

    /// A device code polled at the token endpoint; removed once approved,
    /// denied or expired (RFC 8628 §3.5).
    pub fn poll_device(&mut self, device_code: &str, now: Timestamp) -> Option<DevicePoll> {
        let grant = self.devices.get_mut(device_code)?;
        if grant.expires <= now {
            self.devices.remove(device_code);
            return Some(DevicePoll::Expired);
        }
        let too_fast = grant
            .last_poll
            .is_some_and(|last| now.unix().saturating_sub(last.unix()) < grant.interval);
        grant.last_poll = Some(now);
        match grant.decision.clone() {
            DeviceDecision::Pending if too_fast => {
                // RFC 8628 §3.5: slow_down adds 5 seconds to the interval.
                grant.interval = grant.interval.saturating_add(5);
                Some(DevicePoll::SlowDown)
            }
            DeviceDecision::Pending => Some(DevicePoll::Pending),
            DeviceDecision::Denied => {
                self.devices.remove(device_code);
                Some(DevicePoll::Denied)
            }
            DeviceDecision::Approved(user) => {
                let grant = self.devices.remove(device_code)?;
                Some(DevicePoll::Approved {
                    user,
                    client_id: grant.client_id,
                    scope: grant.scope,
                })
            }
        }
    }
}

/// What a poll says for a pending grant (device or CIBA): expiry first,
/// then `slow_down` for a poll inside the interval (which grows by 5 s),
/// else the user's decision. The approval's client and scope are the
/// caller's to fill in.
fn poll_decision(
    interval: &mut i64,
    last_poll: &mut Option<Timestamp>,
    decision: &DeviceDecision,
    expires: Timestamp,
    now: Timestamp,
) -> DevicePoll {
    if expires <= now {
        return DevicePoll::Expired;
    }
    let too_fast = last_poll.is_some_and(|last| now.unix().saturating_sub(last.unix()) < *interval);
    *last_poll = Some(now);
    match decision {
        DeviceDecision::Pending if too_fast => {
            *interval = interval.saturating_add(5);
            DevicePoll::SlowDown
        }
        DeviceDecision::Pending => DevicePoll::Pending,
        DeviceDecision::Denied => DevicePoll::Denied,
        DeviceDecision::Approved(user) => DevicePoll::Approved {
            user: user.clone(),
            client_id: String::new(),
            scope: String::new(),
        },
    }
}

/// The answer to one device-code poll.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DevicePoll {
    /// Keep polling.
    Pending,
    /// Polled faster than the interval: wait 5 s longer (RFC 8628 §3.5).
    SlowDown,
    /// Expired.
    Expired,
    /// Denied by the user.
    Denied,
    /// Approved: issue tokens.
    Approved {
        /// Who approved.
        user: String,
        /// The client.
        client_id: String,
        /// Scopes.
        scope: String,
    },
}

/// User codes compare without case and without the dash (RFC 8628 §6.1).
fn normalize_user_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(now: i64) -> PendingRequest {
        PendingRequest {
            client_id: "c".to_owned(),
            redirect_uri: "http://127.0.0.1/cb".to_owned(),
            scope: "openid".to_owned(),
            state: None,
            nonce: None,
            challenge: None,
            response_mode: None,
            dpop_jkt: None,
            expires: Timestamp::from_unix(now + 600),
        }
    }

    #[test]
    fn a_code_is_single_use_and_expires() {
        let mut store = Store::default();
        let grant = |expires| CodeGrant {
            request: request(0),
            user: "anna".to_owned(),
            auth_time: Timestamp::from_unix(0),
            session: "s".to_owned(),
            expires: Timestamp::from_unix(expires),
        };
        store.add_code("one".to_owned(), grant(60));
        assert!(store.redeem_code("one", Timestamp::from_unix(10)).is_ok());
        assert_eq!(
            store.redeem_code("one", Timestamp::from_unix(10)),
            Err(CodeProblem::Unknown)
        );
        store.add_code("two".to_owned(), grant(60));
        assert_eq!(
            store.redeem_code("two", Timestamp::from_unix(60)),
            Err(CodeProblem::Expired)
        );
    }

    #[test]
    fn tokens_expire_and_die_with_their_session() {
        let mut store = Store::default();
        store.open_session("s".to_owned(), "anna");
        let grant = Grant {
            client_id: "c".to_owned(),
            user: Some("anna".to_owned()),
            scope: String::new(),
            session: Some("s".to_owned()),
            auth_time: None,
            issued: Timestamp::from_unix(0),
            expires: Timestamp::from_unix(300),
            dpop_jkt: None,
        };
        store.add_access("at".to_owned(), grant.clone());
        store.add_refresh("rt".to_owned(), grant);
        assert!(store.access("at", Timestamp::from_unix(299)).is_ok());
        assert_eq!(
            store.access("at", Timestamp::from_unix(300)).err(),
            Some(TokenProblem::Expired)
        );
        assert!(store.take_refresh("rt", Timestamp::from_unix(1)).is_ok());
        assert_eq!(
            store.take_refresh("rt", Timestamp::from_unix(1)).err(),
            Some(TokenProblem::Unknown)
        );
        store.end_session("s");
        assert_eq!(
            store.access("at", Timestamp::from_unix(1)).err(),
            Some(TokenProblem::Unknown)
        );
    }

    #[test]
    fn device_polling_answers_pending_slow_down_then_tokens() {
        let mut store = Store::default();
        store.add_device(
            "dc".to_owned(),
            DeviceGrant {
                client_id: "c".to_owned(),
                user_code: "ABCD-EFGH".to_owned(),
                scope: String::new(),
                expires: Timestamp::from_unix(600),
                interval: 5,
                last_poll: None,
                decision: DeviceDecision::Pending,
            },
        );
        assert_eq!(
            store.poll_device("dc", Timestamp::from_unix(0)),
            Some(DevicePoll::Pending)
        );
        assert_eq!(
            store.poll_device("dc", Timestamp::from_unix(1)),
            Some(DevicePoll::SlowDown)
        );
        let device = store
            .device_by_user_code("abcdefgh", Timestamp::from_unix(2))
            .unwrap();
        device.decision = DeviceDecision::Approved("anna".to_owned());
        assert!(matches!(
            store.poll_device("dc", Timestamp::from_unix(20)),
            Some(DevicePoll::Approved { .. })
        ));
        assert_eq!(store.poll_device("dc", Timestamp::from_unix(21)), None);
    }
}
