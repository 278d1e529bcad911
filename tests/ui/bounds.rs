//! Bounds on screen: a cut answer is said on its card, a long body shows
//! its first part with Show all and Save to file…, automatic refresh says
//! when it backs off and when it stopped, the history says how many earlier
//! steps it no longer keeps, and the profile form flags an answer limit out
//! of range — in English and in Russian.

use egui_kittest::kittest::Queryable as _;
use tokenscope::app::{Command, FlowState, TokenscopeApp};
use tokenscope::net::{Exchange, RecordedRequest, RecordedResponse};
use tokenscope::oauth::flow::{Step, StepFailure};
use tokenscope::oauth::runner::FlowSession;
use tokenscope::oauth::{ClientAuth, Grant, Profile, ProfileId};
use tokenscope::secret::Secret;
use tokenscope::token::Timestamp;

use crate::support::{A_DAY_LATER, harness};

type Harness = egui_kittest::Harness<'static, TokenscopeApp>;

fn profile() -> Profile {
    let mut profile = Profile {
        id: ProfileId("bounds".to_owned()),
        name: "Bounds".to_owned(),
        client_id: "app".to_owned(),
        client_auth: ClientAuth::ClientSecretPost,
        default_grant: Grant::ClientCredentials,
        ..Profile::default()
    };
    "https://op.example.test/token".clone_into(&mut profile.endpoints.token);
    profile
}

fn show(state: FlowState) -> Harness {
    let mut harness = harness(A_DAY_LATER);
    {
        let workspace = harness.state_mut().workspace_mut();
        workspace.profiles.list.push(state.session.profile.clone());
        workspace.profiles.selected = Some(state.session.profile.id.clone());
        workspace.show_flow = true;
        workspace.flow = Some(state);
    }
    harness.run();
    harness
}

fn answered(status: u16, body: Vec<u8>, truncated_at: Option<u64>) -> Exchange {
    Exchange {
        request: RecordedRequest {
            method: "POST".to_owned(),
            url: "https://op.example.test/token".to_owned(),
            headers: Vec::new(),
            body: b"grant_type=client_credentials".to_vec(),
        },
        response: Ok(RecordedResponse {
            status,
            reason: String::new(),
            version: "HTTP/1.1".to_owned(),
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body,
            truncated_at,
        }),
        duration: std::time::Duration::from_millis(40),
    }
}

/// Switches the window to Russian the way a user does: the language menu.
fn to_russian(harness: &mut Harness) {
    harness.get_by_label("Русский").click();
    harness.run();
}

#[test]
fn a_cut_answer_is_said_and_a_long_body_shows_its_first_part() {
    let mut session = FlowSession::new(profile(), Some(Secret::new("s")));
    // 200 KiB of an answer cut at 10 MiB, in two- and three-byte
    // characters: a careless cut would split one (the window's fonts have
    // no emoji; their cut is covered by the unit tests).
    let mut body = br#"{"access_token":""#.to_vec();
    while body.len() < 200 * 1024 {
        body.extend_from_slice("Токен€".as_bytes());
    }
    session.client_credentials_answered(
        answered(200, body, Some(10 * 1024 * 1024)),
        Timestamp::from_unix(A_DAY_LATER),
    );
    let mut harness = show(FlowState::new(session));
    harness.get_by_label_contains("The answer was cut at 10 MiB");
    harness.get_by_label_contains("HTTP 200: the answer was cut at 10 MiB");
    // The latest answer's pane is open without a click.
    harness.get_by_label("Response as received");
    harness.get_by_label_contains("Showing the first 64 KiB of 200");
    harness.get_by_label("Save to file…");
    harness.get_by_label("Show all").click();
    harness.run();
    harness.get_by_label("Show the first part only");
    assert!(
        harness
            .query_by_label_contains("Showing the first")
            .is_none(),
        "all of it is shown"
    );
    to_russian(&mut harness);
    harness.get_by_label_contains("Ответ обрезан на 10 МиБ");
    // The pane stays as the user left it (open, all shown) in the other language.
    harness.get_by_label("Ответ, как получен");
    harness.get_by_label("Показать только начало").click();
    harness.run();
    harness.get_by_label_contains("Показаны первые 64 КиБ из 200");
    harness.get_by_label("Показать всё");
    harness.get_by_label("Сохранить в файл…");
}

#[test]
fn saving_a_body_asks_for_a_file_off_the_ui_thread() {
    // The UI only emits the command; the workspace turns it into the save job's effect.
    let mut workspace = tokenscope::model::Workspace::new();
    let effects = workspace.apply(
        Command::SaveBody {
            name: "tokenscope-token-response.json".to_owned(),
            body: b"\xff{\"a\":1}".to_vec(),
        },
        Timestamp::from_unix(0),
    );
    assert_eq!(
        effects,
        [tokenscope::app::Effect::SaveFile {
            name: "tokenscope-token-response.json".to_owned(),
            contents: b"\xff{\"a\":1}".to_vec(),
        }]
    );
}

fn refreshing_state(failures: u32) -> FlowState {
    let mut session = FlowSession::new(profile(), Some(Secret::new("s")));
    session.grant = Grant::Password;
    session.granted(
        Step::Password,
        answered(
            200,
            br#"{"access_token":"a","refresh_token":"r","expires_in":300}"#.to_vec(),
            None,
        ),
        Timestamp::from_unix(A_DAY_LATER - 600),
    );
    let mut state = FlowState::new(session);
    state.auto_refresh = true;
    for _ in 0..failures {
        state
            .refresh_backoff
            .failed(Timestamp::from_unix(A_DAY_LATER), None);
    }
    state
}

#[test]
fn automatic_refresh_says_when_it_backs_off_and_when_it_stopped() {
    let mut harness = show(refreshing_state(2));
    harness.get_by_label_contains("The refresh failed 2 times in a row: next try at");
    to_russian(&mut harness);
    harness.get_by_label_contains("Обновление не удалось 2 раза подряд: следующая попытка в");

    let mut harness = show(refreshing_state(5));
    harness.get_by_label_contains("Automatic refresh stopped after 5 failed refreshes in a row.");
    assert!(harness.query_by_label_contains("next try").is_none());
    to_russian(&mut harness);
    harness.get_by_label_contains(
        "Автоматическое обновление остановлено после 5 неудачных попыток подряд.",
    );
}

#[test]
fn the_history_says_how_many_earlier_steps_it_no_longer_keeps() {
    let mut session = FlowSession::new(profile(), Some(Secret::new("s")));
    let now = Timestamp::from_unix(A_DAY_LATER);
    for n in 0..221 {
        session.failed(
            Step::ClientCredentials,
            StepFailure::new(format!("попытка {n}")),
            now,
        );
    }
    let mut harness = show(FlowState::new(session));
    harness.get_by_label("21 earlier steps not kept");
    harness.get_by_label("Timeline").click();
    harness.run();
    // The timeline saw the run only once it was full: those 21 count there too.
    assert_eq!(
        harness
            .get_all_by_label("21 earlier steps not kept")
            .count(),
        2
    );
    // Numbered across the session: the first entry kept is the 22nd step.
    harness.get_by_label_contains("#22 ");
    to_russian(&mut harness);
    assert_eq!(
        harness
            .get_all_by_label("21 более ранний шаг не сохранён")
            .count(),
        2
    );
}

#[test]
fn the_profile_form_flags_an_answer_limit_out_of_range() {
    let mut harness = harness(A_DAY_LATER);
    let mut profile = profile();
    profile.network.max_response_mib = 500;
    {
        let workspace = harness.state_mut().workspace_mut();
        workspace.profiles.list.push(profile.clone());
        workspace.profiles.selected = Some(profile.id.clone());
        workspace.show_flow = false;
    }
    harness.run();
    let field = harness.get_by_label("Largest answer (MiB)");
    assert_eq!(field.value().as_deref(), Some("500"));
    harness.get_by_label("An answer limit of 500 MiB is out of range: give 1 to 100 MiB.");
    to_russian(&mut harness);
    harness.get_by_label("Наибольший ответ (МиБ)");
    harness.get_by_label_contains("Предел ответа 500 МиБ вне допустимого");
}
