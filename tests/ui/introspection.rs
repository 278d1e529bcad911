//! A JWT introspection answer (RFC 9701) on the introspection card: the
//! rows it was checked against, a failed one in the failure's colour, in
//! English and in Russian.

use egui_kittest::kittest::Queryable as _;
use tokenscope::app::FlowState;
use tokenscope::net::{Exchange, RecordedRequest, RecordedResponse};
use tokenscope::oauth::runner::FlowSession;
use tokenscope::oauth::{ClientAuth, Grant, Profile, ProfileId};
use tokenscope::secret::Secret;
use tokenscope::token::Timestamp;

use crate::support::{A_DAY_LATER, harness};

fn answered(url: &str, content_type: &str, body: &str) -> Exchange {
    Exchange {
        request: RecordedRequest {
            method: "POST".to_owned(),
            url: url.to_owned(),
            headers: Vec::new(),
            body: Vec::new(),
        },
        response: Ok(RecordedResponse {
            status: 200,
            reason: String::new(),
            version: "HTTP/1.1".to_owned(),
            headers: vec![("Content-Type".to_owned(), content_type.to_owned())],
            body: body.as_bytes().to_vec(),
            truncated_at: None,
        }),
        duration: std::time::Duration::from_millis(12),
    }
}

#[test]
fn a_refused_jwt_introspection_answer_shows_its_rows() {
    let mut profile = Profile {
        id: ProfileId("rfc9701".to_owned()),
        name: "RFC 9701".to_owned(),
        issuer: String::new(),
        client_id: "rs-1".to_owned(),
        client_auth: ClientAuth::ClientSecretPost,
        default_grant: Grant::ClientCredentials,
        introspection_jwt: true,
        ..Profile::default()
    };
    "https://op.example.test/token".clone_into(&mut profile.endpoints.token);
    "https://op.example.test/introspect".clone_into(&mut profile.endpoints.introspection);
    let now = Timestamp::from_unix(A_DAY_LATER);
    let mut session = FlowSession::new(profile, Some(Secret::new("s")));
    session.client_credentials_answered(
        answered(
            "https://op.example.test/token",
            "application/json",
            r#"{"access_token":"at-1","token_type":"Bearer","expires_in":300}"#,
        ),
        now,
    );
    session.introspected_with_keys(
        answered(
            "https://op.example.test/introspect",
            "application/token-introspection+jwt",
            "кириллица, не JWT",
        ),
        Ok(r#"{"keys":[]}"#.to_owned()),
        now,
    );
    assert!(session.introspection.is_none());
    let mut harness = harness(A_DAY_LATER);
    {
        let workspace = harness.state_mut().workspace_mut();
        workspace.profiles.list.push(session.profile.clone());
        workspace.profiles.selected = Some(session.profile.id.clone());
        workspace.show_flow = true;
        workspace.flow = Some(FlowState::new(session));
    }
    harness.run();
    harness.get_by_label_contains("The JWT introspection answer was refused");
    // In the step's failure and as the `response` row of its own.
    assert_eq!(
        harness
            .query_all_by_label_contains("the answer is not a JWT")
            .count(),
        2
    );
    harness.get_by_label("RFC 9701 §5");
    // An answer landing in a Russian window is refused in Russian.
    harness.get_by_label("Русский").click();
    harness.run();
    if let Some(flow) = harness.state_mut().workspace_mut().flow.as_mut() {
        flow.session.introspected_with_keys(
            answered(
                "https://op.example.test/introspect",
                "application/token-introspection+jwt",
                "a.b",
            ),
            Ok(r#"{"keys":[]}"#.to_owned()),
            now,
        );
    }
    harness.run();
    harness.get_by_label_contains("Ответ интроспекции в виде JWT отклонён");
    assert_eq!(
        harness
            .query_all_by_label_contains("ответ — не JWT")
            .count(),
        2
    );
}
