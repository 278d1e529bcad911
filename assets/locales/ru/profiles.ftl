# Профили, редактор профиля, песочница и сообщения вокруг них. Те же id,
# что в ../en/profiles.ftl.

## Редактор профиля (ui/profile_form.rs)

form-from-preset = Из шаблона { $name }: { $summary }
form-unnamed = Профиль без имени
form-unsaved = есть несохранённые изменения
form-save = Сохранить
form-duplicate = Дублировать
form-delete = Удалить
form-close = Закрыть
form-close-hint = Назад к инспектору
form-section-profile = Профиль
form-name = Имя
form-name-hint = например, Keycloak partner-realm (тест)
form-environment = Окружение
form-environment-hint = тест, прод, …
form-notes = Заметки
form-notes-hint = произвольный текст
form-section-provider = Провайдер
form-issuer = Издатель
form-discovery-url = URL обнаружения
form-discovery-url-hint = пусто: {"{"}issuer{"}"}/.well-known/openid-configuration
form-endpoint-authorize = Конечная точка авторизации
form-endpoint-token = Конечная точка токенов
form-endpoint-userinfo = Конечная точка UserInfo
form-endpoint-jwks = URI JWKS
form-endpoint-introspection = Конечная точка интроспекции
form-endpoint-revocation = Конечная точка отзыва
form-endpoint-device = Авторизация устройства
form-endpoint-par = Отправка параметров авторизации (PAR)
form-endpoint-ciba = Аутентификация по обратному каналу (CIBA)
form-endpoint-end-session = Конечная точка выхода
form-endpoint = Конечная точка
form-provider-extras = Доп. адреса провайдера
form-add-extra-endpoint = Добавить адрес провайдера
form-discover = Обнаружить
form-discover-hint = Получить метаданные провайдера и заполнить конечные точки
form-discovery-failed = Обнаружение не удалось: { $message }
form-discovered-same = Получены метаданные { $url }: конечные точки уже совпадают.
form-discovered-filled = Получены метаданные { $url }: { $count ->
    [one] заполнена { $count } конечная точка
    [few] заполнены { $count } конечные точки
   *[many] заполнено { $count } конечных точек
}; сохраните профиль, чтобы их оставить.
form-discovered-empty = (пусто)
form-discovered-kept = { $field }: оставлено ваше значение { $before } (в метаданных { $after })
form-metadata-document = Документ метаданных
form-section-client = Клиент
form-client-id = Идентификатор клиента
form-client-secret = Секрет клиента
form-secret-hint = хранится в связке ключей, никогда не в файле профиля
form-secret-reading = чтение…
form-show-secret = Показать секрет
form-client-auth = Аутентификация клиента
form-redirect-uri = URI перенаправления
form-scopes = Области доступа
form-decryption-key-file = Файл ключа для расшифровки
form-decryption-key-file-hint = JWK/JWKS с закрытыми частями, закрытый ключ PEM/PKCS#8 или PKCS#12 (.p12/.pfx)
form-decryption-key-passphrase = Пароль ключа
form-decryption-key-passphrase-hint = для файла ключа PKCS#12 (.p12/.pfx); хранится в связке ключей, никогда не в файле профиля
form-default-grant = Тип гранта по умолчанию
form-grant-extension = расширение
form-grant-type-hint = например, passport
form-extra-parameters = Дополнительные параметры
form-per-request = По видам запросов
form-add = Добавить
form-add-extra-parameter = Добавить дополнительный параметр
form-request-kind = Вид запроса
form-headers = Заголовки
form-add-header = Добавить заголовок
form-param-name = имя
form-param-value = значение
form-param-secret = секрет
form-param-secret-hint = Секретное значение (ключ API, подписанный параметр): хранится в связке ключей, никогда не в файле профиля; скрыто на экране, в экспорте и в режиме презентации
form-remove = Убрать
form-section-network = TLS и сеть
form-extra-ca-files = Доп. корневые сертификаты
form-add-ca-file = Добавить корневой сертификат…
form-add-ca-file-hint = Доверять ещё одному сертификату УЦ (PEM), например корневому сертификату провайдера
form-no-ca-files = нет: только системные УЦ
form-remove-ca-file = Убрать файл сертификата УЦ { $path }
form-ca-file = Файл сертификата УЦ
form-only-given-cas = Доверять только этим УЦ (не системным)
form-client-certificate = Сертификат клиента
form-client-certificate-hint = сертификат PEM для взаимного TLS
form-client-key = Ключ клиента
form-client-key-hint = его закрытый ключ PEM
form-pkcs12-file = Файл PKCS#12
form-pkcs12-file-hint = или сертификат и ключ в одном .p12/.pfx
form-pkcs12-passphrase = Пароль PKCS#12
form-choose = Выбрать…
form-choose-file = Выбрать: { $what }
form-accept-invalid-certs = Принимать недействительные сертификаты сервера
form-connect-timeout = Тайм-аут соединения (с)
form-total-timeout = Общий тайм-аут (с)
form-response-limit = Наибольший ответ (МиБ)
form-response-limit-hover = Ответы читаются до этого размера, от 1 до 100 МиБ; остальное отбрасывается, и шаг об этом сообщает.
form-proxy = Прокси
form-proxy-hint = пусто: HTTPS_PROXY / NO_PROXY из окружения
form-proxy-password = Пароль прокси
form-proxy-password-hint = хранится в связке ключей, никогда не в файле профиля
form-proxy-password-no-user = сначала укажите пользователя в URL прокси (http://user@proxy:3128)

badge-insecure-tls = принимает недействительные сертификаты
badge-insecure-tls-hint = Этот профиль принимает любой сертификат сервера: его секреты и токены может прочитать любой в сети. Только для тестового стенда.

## Что редактор находит в полях (oauth/profile.rs)

finding-name-empty = Дайте профилю имя.
finding-issuer-url = Издатель указан неверно: { $why }.
finding-issuer-slash = Издатель оканчивается на «/»: iss в токенах должен совпадать с ним в точности, а у большинства провайдеров завершающей косой черты нет.
finding-endpoint-url = Конечная точка указана неверно: { $why }.
finding-redirect-empty = Нет URI перенаправления: он нужен для потока с кодом авторизации.
finding-redirect-url = URI перенаправления указан неверно: { $why }.
finding-redirect-localhost = RFC 8252 §8.3 советует http://127.0.0.1 вместо localhost: межсетевой экран или файл hosts могут направить localhost в другое место.
finding-redirect-plain-http = Перенаправление по обычному http за пределы этой машины открывает код авторизации всей сети.
finding-redirect-not-loopback = Это не адрес loopback: после входа вставьте адрес, на котором остановился браузер.
finding-client-id-empty = Идентификатор клиента пуст.
finding-client-id-spaces = Вокруг идентификатора клиента есть пробелы.
finding-secret-spaces = Секрет клиента начинается или заканчивается пробелом: обычно это случайность при копировании.
finding-secret-needed = Для { $auth } нужен секрет клиента.
finding-key-file-needed = private_key_jwt подписывает закрытым ключом клиента: укажите путь к файлу ключа PEM (сам ключ в профиле не хранится).
finding-scopes-no-openid = В областях доступа нет openid: провайдер не выдаст ID-токен.
finding-insecure-tls = Принимается любой сертификат сервера: секреты, которые отправляет этот профиль, может прочитать любой в сети. Только для тестового стенда.
finding-proxy-url = Прокси указан неверно: { $why }.
finding-no-ca-given = Доверие только указанным УЦ, но ни один не указан: любой вызов HTTPS завершится ошибкой. Добавьте корневой сертификат провайдера.
finding-pem-and-pkcs12 = Укажите либо сертификат и ключ PEM, либо файл PKCS#12, но не то и другое.
finding-client-cert-needed = Для tls_client_auth нужен сертификат клиента (RFC 8705 §2): укажите сертификат и ключ PEM или файл PKCS#12.
finding-zero-timeout = С тайм-аутом 0 секунд любой вызов завершится ошибкой: укажите хотя бы 1.
finding-response-limit = Предел ответа { $value } МиБ вне допустимого: укажите от { $min } до { $max } МиБ.
url-not-absolute = это не абсолютный URL (нужен https:// или http://)
url-wrong-scheme = схема { $scheme }://, а нужна https:// или http://
url-no-host = нет имени хоста
url-spaces = есть пробелы

## Панель песочницы (ui/sandbox_panel.rs)

sandbox-title = Провайдер-песочница
sandbox-intro = Провайдер OpenID на этой машине (только 127.0.0.1): весь поток работает без сети.
sandbox-behaves-like = Ведёт себя как
sandbox-personality-generic = Обычный провайдер OpenID
sandbox-personality-keycloak = Как Keycloak
sandbox-personality-bank = Как банк (SberBusiness ID)
sandbox-personality-github = Как GitHub
sandbox-personality-kontur = Как Контур
sandbox-personality-moex = Как MOEX (грант passport)
sandbox-personality-fapi = Как FAPI 2.0 (PAR, подписанные запросы, JARM, DPoP)
sandbox-personality-fapi-gost = Как FAPI 2.0, подпись ГОСТ
sandbox-personality-jwe = Шифрующий (ID-токены и UserInfo в JWE)
sandbox-stopped = Остановлена.
sandbox-start = Запустить песочницу
sandbox-starting = Запуск: создаются ключи…
sandbox-failed = Не удалось запустить: { $message }
sandbox-running = Работает: { $personality }
sandbox-issuer = Издатель
sandbox-client-id = Идентификатор клиента
sandbox-client-secret = Секрет клиента
sandbox-copy-issuer = издателя песочницы
sandbox-copy-client-id = идентификатор клиента песочницы
sandbox-copy-client-secret = секрет клиента песочницы
sandbox-client-key-file = Файл ключа клиента
sandbox-copy-client-key-file = путь к файлу ключа клиента песочницы
sandbox-decryption-key-file = Файл ключа расшифровки клиента
sandbox-copy-decryption-key-file = файл ключа расшифровки клиента песочницы
sandbox-key-generation = Ключи подписи: поколение { $generation }
sandbox-rotate = Сменить ключи сейчас
sandbox-stop = Остановить песочницу
sandbox-next-start = Новое поведение вступит в силу при следующем запуске.
sandbox-faults = Сбои по запросу
sandbox-fault-expire = Токены истекают через
sandbox-unit-seconds = с
sandbox-fault-wrong-key = Подписывать не тем ключом
sandbox-fault-wrong-nonce = Отправлять неверный nonce
sandbox-fault-wrong-at-hash = Отправлять неверный at_hash
sandbox-fault-rotate = Менять ключи после каждого токена
sandbox-fault-unavailable = Отвечать 503 Service Unavailable
sandbox-fault-slow = Отвечать медленно
sandbox-unit-ms = мс
sandbox-fault-html = Отвечать на ошибки HTML-страницей
sandbox-fault-bare-refresh = Обновлять без нового ID-токена и токена обновления
sandbox-fault-logout-needs-hint = Отказывать в выходе без id_token_hint
sandbox-fault-auto-sign-in = Входить сразу, без страницы входа
sandbox-fault-auto-sign-in-hover = Первый пользователь входит, как только приходит браузер, как при живой сессии: для демонстраций, автопоказа и браузеров, которые только следуют редиректам. Запрос CIBA тоже подтверждается сразу, без страницы телефона.
sandbox-fault-dpop-replay = Отклонять доказательства DPoP как повторные (jti уже был)
sandbox-fault-dpop-nonce-missing = Требовать nonce DPoP без заголовка DPoP-Nonce
sandbox-fault-wrong-cnf-jkt = Привязывать токены к чужому ключу (неверный cnf.jkt)
sandbox-fault-jarm-wrong-key = Подписывать ответы JARM ключом не из JWKS
sandbox-fault-par-expired = Сразу истекать отправленные запросы (invalid_request_uri)
sandbox-profile-notes = Встроенный провайдер-песочница (tokenscope sandbox): работает на этой машине, сеть не нужна.
sandbox-could-not-start = Провайдер-песочница не запустилась: { $message }
sandbox-cannot-write-key = Не удалось записать файл ключа клиента песочницы { $path }: { $error }

## Шаблоны провайдеров (oauth/presets.rs): названия провайдеров не переводятся

preset-keycloak-summary = Realm Keycloak (раскладка Quarkus; для Keycloak 16 и более ранних добавьте /auth к базовому URL)
preset-env-test = тест
preset-env-prod = прод
preset-keycloak-notes = Ответы с токенами содержат refresh_expires_in (0 для офлайн-токенов) и not-before-policy. Токены обновления подписаны HS внутренним ключом realm: проверить их может только Keycloak. Keycloak 16 и более ранние версии (WildFly) обслуживают всё под /auth.
preset-sber-business-id-summary = Партнёрский SSO СберБанка (СББОЛ): поток с кодом, mTLS, непрозрачные токены, ID-токен и user-info с подписью ГОСТ
preset-env-test-web-users = тест (пользователи WEB)
preset-env-test-token-users = тест (пользователи Token)
preset-env-prod-web-users = прод (пользователи WEB)
preset-env-prod-token-users = прод (пользователи Token)
preset-sber-business-id-notes = Нет обнаружения и нет JWKS: ID-токен и user-info подписаны по gost34.10-2012 сертификатом банка (конечная точка certificate). Закрепите издателя для каждого стенда: iss банка — внутреннее имя хоста. state должен быть не короче 36 символов, nonce — не короче 10. openid должен стоять первой областью доступа. Каждому обратному вызову нужен TLS-сертификат клиента для стенда, а цепочка сервера ведёт к национальному корневому сертификату Минцифры. Код одноразовый и живёт 2 минуты; любой неудачный обмен удаляет его, поэтому следующая попытка получит "Unknown code". Токены доступа живут 60 минут, токены обновления — 180 дней; у секретов клиента есть срок действия. Делайте между запросами паузу не меньше 2 секунд.
preset-kontur-summary = Контур.Идентити от СКБ Контур (IdentityServer) для Контур.Экстерна и других API Контура
preset-kontur-notes = client_secret — это api-key (GUID). Токены доступа — непрозрачные ссылочные токены. Для client credentials — только области API, никогда openid/profile/email. Гранты password и certificate могут ответить partial_factor_token и required_factors: нужен второй фактор. В поддержку сообщайте X-Kontur-Trace-Id.
preset-moex-passport-summary = SSO Московской биржи (realm Keycloak SSO, префикс /auth) с собственным грантом passport
preset-moex-passport-notes = grant_type=passport: passport — значение cookie MicexPassportCert с passport.moex.com/authenticate, signature — её отсоединённая подпись, algorithm — GOST или RSA. Имена полей публично не подтверждены: исправьте их по своему договору. При смене учётных данных отправляйте новую пару client id/secret; старую держите только на время перехода. Токены доступа — непрозрачные UUID или JWT Keycloak с RS256.
preset-github-summary = OAuth-приложение GitHub: без обнаружения, ответы в form-encoded без Accept: application/json, поток для устройств
preset-github-notes = Без Accept: application/json конечная точка токенов отвечает в form-encoded, а ошибки приходят с HTTP 200. Токены непрозрачные (gho_…). Это не провайдер OpenID: ID-токена нет, данные пользователя — с api.github.com/user.
preset-google-summary = Аккаунты Google (OpenID Connect)
preset-google-notes = Токен обновления приходит только с access_type=offline, а повторно — только с prompt=consent. У настольных клиентов всё равно есть (несекретный) секрет клиента. Токены доступа непрозрачные (ya29.…).
preset-entra-summary = Платформа удостоверений Microsoft v2.0 (Azure AD)
preset-entra-notes = При tenant common издатель в метаданных — шаблон (https://login.microsoftonline.com/{"{"}tenantid{"}"}/v2.0): в токенах настоящий клиент указан в tid. Ошибки начинаются с AADSTSnnnnn. AADSTS7000215 обычно значит, что вставлен идентификатор секрета вместо его значения.
preset-generic-oidc-summary = Любой провайдер OpenID: укажите издателя, обнаружение заполнит остальное

## Сбои сети и TLS (net/exchange.rs, net/tls.rs)

net-dns = не удалось разрешить имя хоста: { $detail }
net-refused = в соединении отказано: запущен ли сервер на этом порту? ({ $detail })
net-timeout = нет ответа в течение { $seconds ->
    [one] { $seconds } секунды
   *[other] { $seconds } секунд
}
net-tls = не удалось установить TLS-соединение: { $failure }
net-cancelled = отменено
net-answer-cut = ответ обрезан на { $size }: сервер прислал больше, остальное не прочитано
net-size-mib = { $count } МиБ
net-size-kib = { $count } КиБ
net-size-bytes = { $count ->
    [one] { $count } байт
    [few] { $count } байта
   *[other] { $count } байт
}
tls-unknown-issuer = сертификат сервера подписан УЦ, которому tokenscope не доверяет — загрузите корневой сертификат провайдера (PEM) в настройках TLS профиля
tls-expired = срок действия сертификата сервера { $host } истёк{ $dates }
tls-not-yet-valid = сертификат сервера { $host } ещё не действителен{ $dates }
tls-name-mismatch = сертификат сервера не действителен для { $host } — хоста, к которому обратился tokenscope{ $names }
tls-client-certificate-required = сервер требует сертификат клиента — укажите его в настройках TLS профиля
tls-client-certificate-rejected = сервер отверг сертификат клиента (предупреждение { $alert }): проверьте, что это тот сертификат, который зарегистрирован у провайдера, что он подписан доверенным для провайдера УЦ и не просрочен
tls-handshake-refused = сервер отказал в рукопожатии (предупреждение handshake_failure): возможно, он требует сертификат клиента — укажите его в настройках TLS профиля, — или у него нет общих с tokenscope версий TLS и шифров
tls-dates-expired-now = (истёк { $at }; сейчас { $now })
tls-dates-expired = (истёк { $at })
tls-dates-valid-from-now = (действует с { $at }; сейчас { $now })
tls-dates-valid-from = (действует с { $at })
tls-presented-names = (в нём указаны { $names })

## Сообщения: файлы, хранилище профилей, секреты, импорт и экспорт

dialog-load-keys = Загрузить ключи для проверки
dialog-ca-certificate = Добавить сертификат УЦ (PEM)
dialog-client-certificate = Сертификат клиента (PEM)
dialog-client-key = Закрытый ключ клиента (PEM)
dialog-pkcs12 = Сертификат клиента (PKCS#12)
dialog-filter-pem-certificates = Сертификаты PEM
dialog-filter-pem-keys = Ключи PEM
dialog-filter-all = Все файлы
dialog-filter-profiles = Профили tokenscope
dialog-save = Сохранить
dialog-import-profiles = Импорт профилей
dialog-export-profiles = Экспорт профилей
dialog-open-tokens = Открыть файл с токенами
file-could-not-read = Не удалось прочитать { $path }: { $error }
file-could-not-write = Не удалось записать { $path }: { $error }
file-too-big = его размер { $size } МБ, а tokenscope читает файлы до { $max } МБ
file-is-folder = это папка
file-not-utf8 = Это не текст UTF-8: { $count ->
    [one] { $count } нечитаемая последовательность байтов заменена
    [few] { $count } нечитаемые последовательности байтов заменены
   *[many] { $count } нечитаемых последовательностей байтов заменено
} на �. Токены в остальной части файла всё равно показаны.
jobs-could-not-start = Не удалось запустить фоновую работу ({ $error }); закройте другие программы и попробуйте снова.
net-thread-failed = не удалось запустить сетевой поток: { $error }
keys-jwks-of = JWKS профиля { $name }
keys-no-jwks-uri = У профиля { $name } нет URI JWKS: выполните обнаружение или введите его вручную.
keys-hmac-source = введённый секрет HMAC
keys-jwks-http = { $url } ответил HTTP { $status }: { $body }
keys-not-utf8 = { $url } ответил байтами не в UTF-8 (по смещению { $at })
store-could-not-start = Не удалось запустить хранилище профилей ({ $error }).
store-read-backup = Файла профилей не было; прочитана резервная копия.
store-migrated = Профили обновлены со схемы { $version }; при следующем изменении они сохранятся в новом формате.
store-values-unreadable = Часть секретных значений профилей (пароли прокси, секретные заголовки или параметры) не удалось прочитать из хранилища секретов или сохранить в нём: { $error }
store-not-open = хранилище профилей не открыто
store-set-aside = Нечитаемый файл перемещён в { $path }.
secrets-in-keychain = Секреты хранятся в связке ключей ОС.
secrets-in-file-no-keychain = Системной связки ключей нет: секреты хранятся в файле, который можете читать только вы ({ $path }).
secrets-keychain-detail = Почему связка ключей не используется: { $reason }
secrets-in-file = Секреты хранятся в { $path }, доступном для чтения только вам.
secrets-unavailable = Секреты нельзя сохранить: { $error }. Они хранятся только до конца сеанса.
secret-not-saved = Не сохранено ({ $what }): { $error }
secret-not-deleted = Секрет клиента не удалён: { $error }
secret-title-passphrase = пароль PKCS#12
secret-title-decryption-passphrase = пароль ключа для расшифровки
secret-title-client-secret = секрет клиента
secret-title-field = { $name }
import-report = Импортировано: { $added ->
    [one] { $added } новый профиль
    [few] { $added } новых профиля
   *[many] { $added } новых профилей
}, { $replaced ->
    [one] { $replaced } заменён
    [few] { $replaced } заменены
   *[many] { $replaced } заменено
}.
import-nothing = Ничего не импортировано: { $message }
export-done = Экспортировано в { $path }.
profile-copy-name = { $name } (копия)
sandbox-cannot-listen = не удалось слушать 127.0.0.1:{ $port }: { $error }

## Обнаружение (oauth/discovery.rs)

discovery-no-issuer = в профиле нет ни издателя, ни URL обнаружения
discovery-not-metadata = { $url } ответил { $status }, а не документом метаданных
discovery-redirect = { $url } ответил { $status }, а не документом метаданных: перенаправление на { $location }, по которому tokenscope не переходит; укажите в профиле конечный адрес
discovery-html = { $url } ответил { $status }, а не документом метаданных: пришла HTML-страница (страница входа или ошибки?)
discovery-not-json-object = { $url } ответил { $status }, а не документом метаданных: тело ответа — не объект JSON
discovery-cut = { $url } ответил { $status }, а не документом метаданных: { $note }
discovery-issuer-differs = Издатель в метаданных — { $issuer }, а в профиле — { $profile }: в токенах будет значение из метаданных, а OIDC Discovery §4.3 требует, чтобы они совпадали.
discovery-unlisted = Провайдер не указывает { $value } в { $member } ({ $listed }).
discovery-no-pkce-methods = В метаданных нет code_challenge_methods_supported: провайдер может игнорировать PKCE.
discovery-scope-unlisted = Провайдер не указывает область доступа { $scope } в scopes_supported.

## Настройка HTTPS-клиента по разделу TLS профиля (net/client.rs)

client-no-ca-given = профиль доверяет только указанным сертификатам УЦ, но ни одного не указывает: добавьте корневой сертификат провайдера (PEM) в настройках TLS
client-proxy-unusable = прокси { $proxy } нельзя использовать: { $error }
client-https-setup = не удалось настроить HTTPS: { $error }
client-ca-unreadable = не удалось прочитать файл сертификата УЦ { $path }: { $error }
client-ca-unusable = в файле сертификата УЦ { $path } нет пригодного сертификата PEM: { $error }
client-ca-empty = в файле сертификата УЦ { $path } нет сертификата PEM (-----BEGIN CERTIFICATE-----)
client-cert-unreadable = не удалось прочитать сертификат клиента { $path }: { $error }
client-key-unreadable = не удалось прочитать ключ клиента { $path }: { $error }
client-pkcs12-unreadable = не удалось прочитать файл PKCS#12 { $path }: { $error }
client-pkcs12-bad = файл PKCS#12 { $path }: { $why }
client-identity-unusable = сертификат и ключ клиента нельзя использовать: { $error }
pkcs12-wrong-passphrase = не открывается: пароль неверный (или не указан)
pkcs12-unreadable = не читается: { $error }
pkcs12-no-key = в нём нет закрытого ключа с сертификатом
pkcs12-no-certificate = в нём есть закрытый ключ, но нет сертификата к нему

## Файл профилей (store/profiles.rs)

store-io = { $action } { $path }: { $error }
store-io-back-up = не удалось сделать резервную копию
store-io-create = не удалось создать
store-io-flush = не удалось сбросить на диск
store-io-replace = не удалось заменить
store-io-write = не удалось записать
store-io-move = не удалось переместить
store-io-read = не удалось прочитать
store-io-lock = не удалось заблокировать
store-io-encode = не удалось закодировать
secrets-lock-poisoned = предыдущая запись завершилась аварийно
secrets-keychain-refused = связка ключей отказала: { $detail }
store-corrupt = { $path } не читается как файл профилей: { $detail }. Файл оставлен как есть.
store-too-new = { $path } записан более новой версией tokenscope (схема { $schema }; эта сборка читает схемы до { $supported }). Файл оставлен как есть.
store-newer-schema = записан более новой версией tokenscope (схема { $schema })
store-no-schema = нет номера схемы
store-not-object = не объект JSON

## Импорт и экспорт профилей (store/transfer.rs)

transfer-secret-unreadable = не удалось прочитать секрет профиля { $name }: { $error }
transfer-not-json = не JSON: { $error }
transfer-not-export = это не экспорт профилей
transfer-profile-label = профиль { $number } ({ $name })
transfer-no-name = «без имени»
transfer-not-imported = { $label }: не импортирован: { $detail }
transfer-level-error = ошибка
transfer-level-warning = предупреждение
transfer-secret-not-stored = { $label }: не удалось сохранить его секрет: { $error }
transfer-field-not-stored = { $label }: не удалось сохранить { $name }: { $error }
form-dpop = Токены с привязкой к ключу (DPoP)
form-dpop-hover = RFC 9449: каждый запуск создаёт ключ; каждый запрос токена и UserInfo несёт подписанное им доказательство, а запрошенный сервером nonce отправляется со второй попытки
preset-keycloak-dpop-summary = Realm Keycloak 26, клиент которого требует токены с привязкой DPoP (RFC 9449; «Require DPoP bound tokens» в расширенных настройках клиента)
form-par = Предварительная отправка параметров (PAR)
form-par-hover = RFC 9126: параметры авторизации сначала отправляются провайдеру с аутентификацией клиента; браузер несёт только короткоживущий request_uri
form-request-object = Подписанный объект запроса (JAR)
form-request-object-hover = RFC 9101: параметры авторизации отправляются как JWT, подписанный ключом клиентского утверждения (файл ключа, key id и алгоритм ниже)
form-introspection-jwt = Запрашивать ответы интроспекции в виде JWT
form-introspection-jwt-hover = RFC 9701: интроспекция просит Accept: application/token-introspection+jwt; ответ, подписанный провайдером (и, возможно, зашифрованный для клиента), проверяется — typ, подпись, iss, aud, iat — прежде чем использовать его поля
form-response-mode = Режим ответа
form-response-mode-default = по умолчанию у провайдера
form-response-mode-hover = jwt, query.jwt, fragment.jwt и form_post.jwt запрашивают подписанный ответ авторизации (JARM): tokenscope проверяет подпись, iss, aud, exp и state, прежде чем использовать код
