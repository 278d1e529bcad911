//! English and Russian: the switch in the top bar changes every word at once.

use egui_kittest::kittest::Queryable as _;
use tokenscope::i18n::Language;

use crate::support::{A_DAY_LATER, fixture, harness, paste};

#[test]
fn switching_to_russian_changes_the_labels_at_once() {
    let mut harness = harness(A_DAY_LATER);
    harness.get_by_label("Paste anything");
    harness.get_by_label("Русский").click();
    harness.run();
    assert_eq!(harness.state().workspace().language, Language::Ru);
    harness.get_by_label("Вставьте что угодно");
    harness.get_by_label("Профили");
    assert!(
        harness.query_by_label("Paste anything").is_none(),
        "no English label is left behind"
    );

    // The paste box keeps its accessible name in Russian.
    harness.get_by_label("Вставьте что угодно").focus();
    harness.run();
    harness.event(egui::Event::Paste(fixture("keycloak-login-error.log")));
    harness.run();
    // Russian plural forms: 3 → "токена".
    harness.get_by_label("Найдено 3 токена");
    harness.get_by_label("Утверждения");
    // The tabs, the role and where the token was found, in Russian.
    harness.get_by_role_and_label(egui::accesskit::Role::Button, "ID-токен");
    harness.get_by_label("два раза, как поле JSON access_token");
    // A claim's meaning and a relative time, in Russian.
    for text in ["Издатель", "истёк"] {
        assert!(
            harness.query_all_by_label_contains(text).next().is_some(),
            "{text}"
        );
    }

    harness.get_by_label("English").click();
    harness.run();
    harness.get_by_label("3 tokens found");
    assert!(
        harness
            .query_all_by_label_contains("expired")
            .next()
            .is_some()
    );
}

#[test]
fn a_second_window_keeps_its_own_language() {
    let mut russian = harness(A_DAY_LATER);
    russian.get_by_label("Русский").click();
    russian.run();
    let mut english = harness(A_DAY_LATER);
    paste(&mut english, &fixture("keycloak-login-error.log"));
    english.get_by_label("3 tokens found");
    russian.run();
    russian.get_by_label("Вставьте что угодно");
}

#[test]
fn the_language_chosen_is_remembered_beside_the_profiles() {
    let dir = crate::support::temp_dir("language");
    let mut harness = crate::support::harness_on(&dir);
    harness.get_by_label("Русский").click();
    harness.run();
    let file = dir.join(tokenscope::store::preferences::FILE_NAME);
    crate::support::wait_for(&mut harness, |_| {
        tokenscope::store::preferences::load(&dir).language == Some(Language::Ru)
    });
    assert!(file.exists());
}

#[test]
fn signatures_and_checks_read_in_russian() {
    let mut harness = harness(A_DAY_LATER);
    harness.get_by_label("Русский").click();
    harness.run();
    harness.get_by_label("Вставьте что угодно").focus();
    harness.run();
    harness.event(egui::Event::Paste(fixture("sber-token-response.json")));
    harness.run();
    harness.get_by_label("ID-токен").click();
    harness.run();
    let keys = tokenscope::token::keys::KeySet::from_pem(
        &fixture("sber-bank-certificate.pem"),
        "sber-bank-certificate.pem",
    );
    harness
        .state_mut()
        .workspace_mut()
        .add_keys(keys, "1 ключ из sber-bank-certificate.pem.".to_owned());
    harness.run();
    harness
        .get_by_label_contains("верна (GOST R 34.10-2012 256, CryptoPro-A, s‖r, хеш little-endian");
    harness.get_by_label("Проверки").click();
    harness.run();
    // A day after issue the ID token has expired: the verdict, the set and the
    // exp row are in Russian; the claim name and the spec reference are not.
    harness.get_by_label_contains("ID-токен (OIDC Core §3.1.3.7): не пройдено проверок");
    harness.get_by_label_contains("допуск 60 с");
    harness.get_by_label("OIDC Core 1.0 §3.1.3.7 step 9; RFC 7519 §4.1.4");
}

#[test]
fn a_profile_reads_in_russian_in_the_editor() {
    let dir = crate::support::temp_dir("language-profile");
    let profiles = r#"{"schema":1,"profiles":[
        {"id":"insecure","name":"Test stand","issuer":"https://127.0.0.1:9/","client_id":"app",
         "redirect_uri":"http://127.0.0.1:53682/callback","tls":{"accept_invalid_certs":true}}]}"#;
    std::fs::write(dir.join("profiles.json"), profiles).expect("profiles");
    let mut harness = crate::support::harness_on(&dir);
    harness.get_by_label("Русский").click();
    harness.run();
    harness.get_by_label("Новый профиль…").click();
    harness.run();
    // The environment is data with both languages: the menu reads "тест".
    harness.get_by_label("Keycloak · тест").click();
    harness.run();
    // Field labels, the section titles and the buttons are Russian; the
    // labels are also the fields' accessible names.
    for label in [
        "Издатель",
        "Конечная точка токенов",
        "Идентификатор клиента",
        "Секрет клиента",
        "Сертификат клиента",
        "Доп. корневые сертификаты",
        "Принимать недействительные сертификаты сервера",
        "Сохранить",
    ] {
        assert!(
            harness.query_all_by_label(label).next().is_some(),
            "{label}"
        );
    }
    assert!(harness.query_by_label("Client secret").is_none());
    // The preset's summary and the profile's notes come in Russian too.
    harness.get_by_label_contains("Из шаблона Keycloak: Realm Keycloak");
    // A validation finding under its field, in Russian: the new profile has
    // no client id yet.
    harness.get_by_label("Идентификатор клиента пуст.");
    crate::support::type_into(&mut harness, "Прокси", "proxy.example.test");
    harness
        .get_by_label("Прокси указан неверно: это не абсолютный URL (нужен https:// или http://).");
    // The profile that accepts invalid certificates carries the red badge
    // on its row, in Russian.
    assert!(
        harness
            .query_all_by_label("принимает недействительные сертификаты")
            .next()
            .is_some()
    );
}

#[test]
fn the_sandbox_panel_reads_in_russian() {
    let dir = crate::support::temp_dir("language-sandbox");
    let mut harness = crate::support::harness_on(&dir);
    harness.get_by_label("Русский").click();
    harness.run();
    harness.get_by_label("Песочница").click();
    harness.run();
    harness.get_by_label("Провайдер-песочница");
    harness.get_by_label("Остановлена.");
    harness.get_by_label("Запустить песочницу");
    harness.get_by_label("Сбои по запросу");
    harness.get_by_label("Подписывать не тем ключом").click();
    harness.run();
    assert!(harness.state().workspace().sandbox.faults.wrong_key);
    // Who it imitates: the provider names stay, the words around them do not.
    harness
        .get_by_role_and_label(egui::accesskit::Role::ComboBox, "Ведёт себя как")
        .click();
    harness.run();
    harness.get_by_label("Как Keycloak");
    harness.get_by_label("Как банк (SberBusiness ID)");
    assert!(harness.query_by_label("Start sandbox").is_none());
    assert!(harness.query_by_label("Faults on demand").is_none());
}

/// The flow side in Russian: a run that failed at its token step shows its
/// cards, buttons, step summaries and the diagnosis in Russian; the
/// provider's own words, codes and spec references stay as they are.
#[test]
fn a_failed_token_step_reads_in_russian() {
    let mut harness = crate::snapshots::flow_scene_harness_in(
        Some("Русский"),
        r#"{"error":"invalid_client","error_description":"Invalid client or Invalid client credentials"}"#,
        401,
    );
    assert_eq!(harness.state().workspace().language, Language::Ru);
    // The run's controls and the cards' titles and purposes.
    for label in [
        "Начать заново",
        "Этот запуск:",
        "1 Авторизация",
        "2 Возврат в приложение",
        "3 Обмен кода на токены",
        "Отправить",
        "Вернуть сгенерированный",
    ] {
        harness.get_by_label(label);
    }
    harness.get_by_label_contains("Приложение обменивает код (и PKCE verifier) на токены");
    // What each step did, written when it happened.
    harness.get_by_label("браузер отправлен к провайдеру");
    harness.get_by_label("код получен; state совпадает");
    // The failure: the provider's words as sent, the diagnosis in Russian.
    harness.get_by_label("HTTP 401: invalid_client: Invalid client or Invalid client credentials");
    harness.get_by_label("Вероятно: Keycloak не принял клиента");
    harness.get_by_label("Причина: Неверный или отсутствующий секрет конфиденциального клиента.");
    harness.get_by_label_contains("Что сделать: Скопируйте секрет со вкладки Credentials клиента");
    for english in [
        "Start over",
        "Send",
        "3 Token",
        "Probably: Keycloak did not accept the client",
    ] {
        assert!(
            harness.query_by_label(english).is_none(),
            "{english} is left in English"
        );
    }
    harness.snapshot("flow_token_error_ru");
}
