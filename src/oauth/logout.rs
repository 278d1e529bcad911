//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2, §3): the
//! end-session URL the browser is sent to, and the check of the redirect
//! that comes back to the post-logout redirect URI.

use super::callback::{CallbackParams, CallbackProblem, constant_time_eq};
use super::flow::StepFailure;
use super::profile::Profile;

/// The end-session URL (RP-Initiated Logout §2): `id_token_hint` (recommended),
/// `client_id`, `post_logout_redirect_uri` and `state`.
pub fn end_session_url(
    profile: &Profile,
    id_token_hint: Option<&str>,
    post_logout_redirect_uri: &str,
    state: &str,
) -> Result<String, StepFailure> {
    let endpoint = profile.endpoints.end_session.trim();
    if endpoint.is_empty() {
        return Err(StepFailure::new(crate::tr!("run-no-end-session")));
    }
    let mut params: Vec<(&str, &str)> = Vec::new();
    if let Some(hint) = id_token_hint.filter(|h| !h.is_empty()) {
        params.push(("id_token_hint", hint));
    }
    params.push(("client_id", profile.client_id.trim()));
    if !post_logout_redirect_uri.trim().is_empty() {
        params.push(("post_logout_redirect_uri", post_logout_redirect_uri.trim()));
        params.push(("state", state));
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    let separator = if endpoint.contains('?') { '&' } else { '?' };
    Ok(format!("{endpoint}{separator}{query}"))
}

/// Checks the redirect back from the provider (RP-Initiated Logout §3): the
/// `state` must be the one this logout sent, so the answer belongs to it.
pub fn check_return(params: &CallbackParams, expected_state: &str) -> Result<(), StepFailure> {
    let problem = if let Some(name) = params.repeated_param() {
        Some(CallbackProblem::DuplicateParameter {
            name: name.to_owned(),
        })
    } else {
        match params.state.as_deref() {
            None => Some(CallbackProblem::StateMissing),
            Some(state) if !constant_time_eq(state.as_bytes(), expected_state.as_bytes()) => {
                Some(CallbackProblem::StateMismatch {
                    received: state.to_owned(),
                    expected: expected_state.to_owned(),
                })
            }
            Some(_) => None,
        }
    };
    match (problem, &params.error) {
        (Some(problem), _) => Err(StepFailure::new(crate::tr!(
            "run-logout-problem",
            problem = problem.to_string()
        ))),
        (None, Some(error)) => Err(super::flow::failure_from(super::flow::ProviderError {
            status: 0,
            error: error.clone(),
            description: params.error_description.clone(),
            uri: params.error_uri.clone(),
        })),
        (None, None) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_carries_hint_redirect_and_state() {
        let mut profile = Profile {
            client_id: "app".to_owned(),
            ..Profile::default()
        };
        assert!(end_session_url(&profile, None, "x", "s").is_err());
        profile.endpoints.end_session = "https://op/session/end".to_owned();
        let url = end_session_url(&profile, Some("eyJ.x.y"), "http://127.0.0.1:5/cb", "st4te")
            .expect("url");
        assert!(url.starts_with("https://op/session/end?id_token_hint=eyJ.x.y&client_id=app"));
        assert!(url.contains("post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A5%2Fcb"));
        assert!(url.ends_with("state=st4te"));
    }

    #[test]
    fn the_return_must_carry_our_state() {
        let back = CallbackParams {
            raw_url: "http://127.0.0.1:5/cb?state=st4te".to_owned(),
            state: Some("st4te".to_owned()),
            ..CallbackParams::default()
        };
        assert_eq!(check_return(&back, "st4te"), Ok(()));
        assert!(check_return(&back, "other").is_err_and(|f| f.message.contains("state mismatch")));
    }
}
