# tokenscope, по-русски. Каждый id должен быть и в ../en/tokenscope.ftl
# (это проверяет тест).

## Единицы и время

unit-days = { $count ->
    [one] { $count } день
    [few] { $count } дня
   *[many] { $count } дней
}
unit-hours = { $count ->
    [one] { $count } час
    [few] { $count } часа
   *[many] { $count } часов
}
unit-minutes = { $count ->
    [one] { $count } минута
    [few] { $count } минуты
   *[many] { $count } минут
}
unit-seconds = { $count ->
    [one] { $count } секунда
    [few] { $count } секунды
   *[many] { $count } секунд
}
datetime-format = %d.%m.%Y %H:%M:%S %:z
datetime-out-of-range = { $value } (вне допустимого диапазона)
time-expires-in = истекает через { $span }
time-expires-now = истекает сейчас
time-expired-ago = истёк { $ago } назад
time-not-valid-for = станет действителен через { $span }
time-valid-since = действителен уже { $ago }
time-in-future-skew = на { $span } в будущем (расхождение часов?)
time-not-real-instant = { $name } = { $value }: это не настоящий момент времени
time-not-real-lifetime = { $name } = { $value } с: это не настоящий срок жизни
time-issued-ago = выпущен { $ago } назад
time-signed-in-ago = вход { $ago } назад
time-in = через { $span }
time-ago = { $ago } назад

## Верхняя панель

top-open-file = Открыть файл…
top-open-file-hint = Прочитать токены из текстового файла
top-clear = Очистить
top-clear-hint = Очистить поле вставки
top-theme-light = Светлая
top-theme-dark = Тёмная
top-zone-local = Местное время
top-zone-local-hint = Показывать время в часовом поясе этого компьютера
top-zone-utc = UTC
top-zone-utc-hint = Показывать время в UTC, как обычно пишут журналы серверов
top-timeline = Хронология
top-timeline-hint = Все шаги всех запусков этого сеанса
top-menu = Меню
top-fit = По окну
top-fit-hint = Снова подобрать размер текста по окну
top-presenter = Режим презентации
top-presenter-hint = Крупный текст для проектора, секреты скрыты на экране (F5)
top-smaller = Мельче
top-larger = Крупнее
top-language-hint = Язык окна
top-reading-paste = Читаю вставленный текст…
top-pasted = вставлено { $size }

## Значения утверждений (token/claims.rs)

meaning-with-note = { $meaning }. Здесь: { $note }
meaning-realm-roles = Роли пользователя в realm Keycloak
meaning-client-roles = Keycloak: роли пользователя в клиенте { $client }
meaning-roles = Роли
meaning-rows-omitted = ещё { $count ->
    [one] { $count } значение здесь не показано
    [few] { $count } значения здесь не показаны
   *[many] { $count } значений здесь не показано
}; в JSON утверждений есть все
note-amr-string = передано одной строкой, а не массивом JSON, как требует RFC 8176 (так делает SberBusiness ID)
note-aud-several = несколько получателей: тогда OIDC Core §3.1.3.7 требует, чтобы azp называл этот клиент
note-acr-loa = уровень доверия в терминах банка; loa-3 — более строгий вход
note-sub-federated = федеративный идентификатор пользователя Keycloak, f:<provider id>:<external id>
unit-keys = { $count ->
    [one] { $count } ключ
    [few] { $count } ключа
   *[many] { $count } ключей
}
unit-items = { $count ->
    [one] { $count } элемент
    [few] { $count } элемента
   *[many] { $count } элементов
}
claim-iss = Издатель: кто выпустил токен (RFC 7519 §4.1.1); должен в точности совпадать с идентификатором издателя (issuer) провайдера
claim-sub = Субъект: пользователь или клиент, к которому относится токен; уникален в пределах издателя (RFC 7519 §4.1.2)
claim-aud = Аудитория: для кого предназначен токен; доверяющая сторона должна найти здесь свой идентификатор клиента (RFC 7519 §4.1.3)
claim-exp = Срок действия: токен нельзя принимать в этот момент и позже (RFC 7519 §4.1.4)
claim-nbf = Не ранее: токен нельзя принимать до этого момента (RFC 7519 §4.1.5)
claim-iat = Время выпуска: когда был выпущен токен (RFC 7519 §4.1.6)
claim-jti = Идентификатор JWT: уникальный идентификатор этого токена, используется для защиты от повторного использования (RFC 7519 §4.1.7)
claim-auth-time = Когда пользователь в последний раз активно проходил аутентификацию (OIDC Core §2)
claim-nonce = Значение, переданное клиентом в запросе авторизации и возвращаемое для привязки ID-токена к этому запросу (OIDC Core §2, §3.1.3.7)
claim-acr = Ссылка на класс контекста аутентификации: насколько надёжно был аутентифицирован пользователь (OIDC Core §2)
claim-amr = Ссылки на методы аутентификации, например pwd, otp, mfa (OIDC Core §2, RFC 8176)
claim-azp = Авторизованная сторона: клиент, которому выдан токен (OIDC Core §2; Keycloak записывает сюда идентификатор клиента)
claim-at-hash = Хеш токена доступа: левая половина хеша токена доступа в base64url (OIDC Core §3.1.3.6)
claim-c-hash = Хеш кода: левая половина хеша кода авторизации (OIDC Core §3.3.2.11)
claim-s-hash = Хеш state: левая половина хеша значения state (FAPI 1.0 Advanced §5.1)
claim-sid = Идентификатор сессии у провайдера; используется для front-channel и back-channel logout (OIDC Front-Channel Logout §3)
claim-events = События токена выхода: признак токена back-channel logout (OIDC Back-Channel Logout §2.4)
claim-name = Полное имя (OIDC Core §5.1)
claim-given-name = Имя (OIDC Core §5.1)
claim-family-name = Фамилия (OIDC Core §5.1)
claim-middle-name = Второе имя; в русских именах — отчество (OIDC Core §5.1)
claim-nickname = Неофициальное имя (OIDC Core §5.1)
claim-preferred-username = Предпочтительное имя пользователя; не уникально, никогда не используйте его как ключ (OIDC Core §5.1)
claim-profile = URL страницы профиля (OIDC Core §5.1)
claim-picture = URL изображения профиля (OIDC Core §5.1)
claim-website = URL веб-страницы или блога (OIDC Core §5.1)
claim-email = Адрес электронной почты (OIDC Core §5.1); доверяйте ему, только если email_verified равен true
claim-email-verified = Подтвердил ли провайдер адрес электронной почты (OIDC Core §5.1)
claim-gender = Пол (OIDC Core §5.1)
claim-birthdate = Дата рождения, YYYY-MM-DD (OIDC Core §5.1)
claim-zoneinfo = Часовой пояс, например Europe/Moscow (OIDC Core §5.1)
claim-locale = Локаль, например ru-RU (OIDC Core §5.1)
claim-phone-number = Номер телефона, предпочтительно в формате E.164 (OIDC Core §5.1)
claim-phone-number-verified = Подтвердил ли провайдер номер телефона (OIDC Core §5.1)
claim-address = Почтовый адрес, JSON-объект (OIDC Core §5.1.1)
claim-updated-at = Когда данные пользователя обновлялись в последний раз (OIDC Core §5.1)
claim-client-id = Клиент, которому выдан токен доступа (RFC 9068 §2.2, RFC 8693 §4.3)
claim-scope = Предоставленные области доступа через пробел (RFC 9068 §2.2.3, RFC 8693 §4.2)
claim-scp = Предоставленные области доступа (вариант написания scope в Microsoft Entra ID)
claim-groups = Группы, в которые входит субъект (RFC 9068 §2.2.3.1, RFC 7643)
claim-roles = Роли субъекта (RFC 9068 §2.2.3.1, RFC 7643)
claim-entitlements = Права субъекта (RFC 9068 §2.2.3.1, RFC 7643)
claim-cnf = Подтверждение: ключ, к которому привязан токен (RFC 7800 §3); jkt для DPoP (RFC 9449), x5t#S256 для mTLS (RFC 8705)
claim-act = Действующее лицо: кто действует от имени субъекта после обмена токенами (RFC 8693 §4.1)
claim-may-act = Кто может действовать от имени субъекта при обмене токенами (RFC 8693 §4.4)
claim-typ = Тип токена в Keycloak: Bearer (доступа), ID, Refresh или Offline
claim-session-state = Keycloak: идентификатор SSO-сессии пользователя (удалён из токенов в Keycloak 25)
claim-realm-access = Keycloak: роли пользователя уровня realm
claim-resource-access = Keycloak: клиентские роли пользователя с разбивкой по клиентам
claim-allowed-origins = Keycloak: источники (web origins), которым разрешено использовать этот токен (CORS)
claim-tid = Microsoft Entra ID: идентификатор тенанта; подставляется вместо {"{"}tenantid{"}"} в мультитенантном идентификаторе издателя
claim-oid = Microsoft Entra ID: идентификатор объекта пользователя, неизменный для всех приложений тенанта
claim-upn = Microsoft Entra ID: имя участника-пользователя
claim-ver = Версия формата токена (Microsoft Entra ID: 1.0 или 2.0)
claim-idp = Провайдер идентификации, аутентифицировавший пользователя (федерация)
claim-hashorgid = SberBusiness ID: хеш идентификатора организации (64 шестнадцатеричных символа), неизменный для каждой организации
claim-inn = Идентификационный номер налогоплательщика (ИНН) организации
claim-orgname = SberBusiness ID: краткое наименование организации
claim-orgfullname = SberBusiness ID: полное официальное наименование организации
claim-orgkpp = Код причины постановки на учёт (КПП) организации
claim-orgogrn = Основной государственный регистрационный номер (ОГРН) организации
claim-orgid = SberBusiness ID: идентификатор организации
claim-userguid = SberBusiness ID: GUID пользователя
claim-userposition = SberBusiness ID: должность пользователя
claim-userroles = SberBusiness ID: роли пользователя в системе банка
claim-usergroups = SberBusiness ID: группы пользователя
claim-usercryptotype = SberBusiness ID: способ подписи пользователя: SMS или аппаратный токен
claim-usersignaturetype = SberBusiness ID: право подписи пользователя
claim-isidentified = SberBusiness ID: подтверждена ли личность пользователя банком
claim-terbank = SberBusiness ID: территориальный банк, обслуживающий организацию
claim-accounts = SberBusiness ID: банковские счета организации
claim-esb = MOEX: регистрационные данные клиента в сервисной шине биржи
header-alg = Алгоритм подписи (JWS) или шифрования ключа (JWE) (RFC 7515 §4.1.1)
header-typ = Медиатип всего токена: JWT, at+jwt для токенов доступа (RFC 9068), logout+jwt (RFC 7515 §4.1.9)
header-cty = Тип содержимого полезной нагрузки; JWT для вложенного токена (RFC 7519 §5.2)
header-kid = Идентификатор ключа: каким из ключей издателя подписан токен (RFC 7515 §4.1.4)
header-jku = URL набора ключей; отображается, но никогда не загружается и не считается доверенным (RFC 7515 §4.1.2, RFC 8725 §3.10)
header-jwk = Открытый ключ, встроенный в заголовок; сам по себе никогда не считается доверенным (RFC 7515 §4.1.3)
header-x5u = URL цепочки сертификатов X.509; отображается, но никогда не загружается (RFC 7515 §4.1.5)
header-x5c = Цепочка сертификатов X.509 в заголовке (RFC 7515 §4.1.6)
header-x5t = Отпечаток SHA-1 сертификата подписи (RFC 7515 §4.1.7)
header-x5t-s256 = Отпечаток SHA-256 сертификата подписи (RFC 7515 §4.1.8)
header-crit = Расширения, которые получатель обязан поддерживать (RFC 7515 §4.1.11)
header-enc = Алгоритм шифрования содержимого JWE (RFC 7516 §4.1.2)
header-zip = Сжатие, применяемое перед шифрованием (RFC 7516 §4.1.3)
header-epk = Эфемерный открытый ключ для согласования ключей ECDH (RFC 7518 §4.6.1.1)

## Таблица утверждений

claims-column-claim = Утверждение
claims-column-value = Значение
claims-column-meaning = Смысл
claims-copy-value = значение { $path }
claims-expand = Развернуть { $path }
claims-collapse = Свернуть { $path }
claims-epoch-seconds = { $seconds } секунд с 1970-01-01 UTC
claims-not-registered = незарегистрированное утверждение

## Панель токенов

tokens-empty = Вставьте текст слева: каждый токен из него появится здесь в раскодированном виде.
tokens-none-found = В этом тексте нет токенов. tokenscope ищет JWT (eyJ…), ответы с токенами (JSON или form-encoded), заголовки Authorization: Bearer и адреса перенаправления с кодом или токенами.
tokens-found = { $count ->
    [one] Найден { $count } токен
    [few] Найдено { $count } токена
   *[many] Найдено { $count } токенов
}
tokens-found-dropped = { $count ->
    [one] Найден { $count } токен
    [few] Найдено { $count } токена
   *[many] Найдено { $count } токенов
} (ещё { $dropped } не показано)
copy-the-token = токен
copy-the-decoded-json = раскодированный JSON
fact-role = Роль
fact-role-unknown = неизвестна: нет имени поля, typ или говорящего утверждения
fact-found = Найден
fact-found-times = { $count ->
    [1] один раз
    [2] два раза
    [one] { $count } раз
    [few] { $count } раза
   *[many] { $count } раз
}, как { $origins }
fact-mended = Исправлен
fact-signature = Подпись
fact-problem = Проблема
fact-cannot-decode = Не удаётся раскодировать токен: { $error }.
fact-response = Ответ
fact-time-from-claims = из утверждений токена
signature-no-alg = нет alg
signature-alg-none = alg none: токен не подписан, его нельзя принимать никогда (RFC 8725 §3.2)
signature-no-kid = в заголовке нет kid
signature-key = ключ { $kid }
signature-not-verified = { $alg }, { $key }: не проверена (загрузите ключи на вкладке «Ключи»)
signature-encrypted = зашифрован ({ $alg }, { $enc }): утверждения нельзя прочитать без ключа получателя
signature-opaque = не видна: непрозрачный токен проверяют, спрашивая издателя (интроспекция, RFC 7662)
signature-unknown = неизвестна: токен не удалось раскодировать
view-claims = Утверждения
view-header = Заголовок
view-json = JSON
view-token = Токен
view-checks = Проверки
view-keys = Ключи
view-compare = Сравнение
claims-opaque = Непрозрачный токен ({ $shape }): в нём нет утверждений, которые может прочитать клиент. Что он значит, знает только издатель; спросите его через интроспекцию (RFC 7662).
claims-encrypted = Зашифрованный токен: его утверждения можно прочитать только закрытым ключом получателя.
claims-none-error = Нечего показать: { $error }.
claims-none = В этом токене нет утверждений.
compare-need-another = Вставьте ещё один JWT, чтобы сравнить (например, ответы до и после обновления).
compare-with = Сравнить с
compare-differ = Различаются { $differing } из { $count }
compare-absent = (нет)
json-pretty = Форматированный
json-raw = Как есть
json-raw-hint = Ровно так, как записал издатель
token-characters = { $count ->
    [one] { $count } символ
    [few] { $count } символа
   *[many] { $count } символов
}

## Панель вставки

paste-title = Вставьте что угодно
paste-hint = Токен, ответ с токенами, строку журнала, адрес перенаправления, команду curl, текст из Word… или перетащите сюда файл.
paste-from = Из { $source }
paste-here = Вставьте сюда (Ctrl+V)
paste-too-large = { $size } текста: слишком много для редактирования здесь, но все токены в нём найдены.

## Проверки и ключи

checks-not-applicable = Проверки проверяющей стороны применяются к ID-токенам и JWT-токенам доступа (typ at+jwt); у этого токена проверяется только подпись.
checks-all-pass = { $set }: все применимые проверки ({ $count }) пройдены
checks-some-fail = { $set }: не пройдено проверок — { $failed } из { $count }
checks-column-check = Проверка
checks-column-result = Результат
checks-column-spec = Спецификация
checks-not-applicable-short = н/п
checks-against = Проверять по
checks-no-profile-long = без профиля (издатель и получатель не проверяются)
checks-no-profile = без профиля
checks-nonce-sent = Отправленный nonce
checks-nonce-hint = nonce из запроса авторизации
checks-leeway = Допуск расхождения часов (с)
keys-load-file = Загрузить ключи из файла…
keys-load-file-hint = JWKS, открытые ключи PEM или сертификат X.509 (в том числе ГОСТ); для расшифровки JWE — закрытый JWK, закрытый ключ PEM или файл PKCS#12 (тогда будет запрошен пароль)
keys-fetch-jwks = Загрузить JWKS профиля { $profile }
keys-clear = Убрать ключи
keys-hmac-secret = Секрет HMAC
keys-hmac-hint = для токенов HS256/384/512
keys-use-as-key = Использовать как ключ
keys-passphrase-for = Пароль к { $file }
keys-passphrase-hint = хранится в памяти только до закрытия окна
keys-passphrase-open = Открыть
keys-passphrase-cancel = Отмена
keys-passphrase-wrong = Неверный пароль: { $file } с ним не открывается.
keys-none = Ключей пока нет: подписи показаны как непроверенные.
keys-column-size = размер
keys-column-fingerprint = отпечаток
keys-column-from = источник

## Хронология

timeline-title = Хронология сеанса: { $count ->
    [one] { $count } шаг
    [few] { $count } шага
   *[many] { $count } шагов
}
timeline-empty = Здесь появится каждый шаг каждого запуска в этом сеансе.
timeline-column-time = Время
timeline-column-profile = Профиль
timeline-column-step = Шаг
timeline-column-status = Статус
timeline-column-took = Заняло
unit-ms = { $count } мс

## Элементы

copy-named = Копировать { $what }
copy = Копировать
status-succeeded = успешно
status-failed = не удалось

## Окно

tab-profile = Профиль
tab-flow = Поток
drop-file = Отпустите файл, чтобы найти в нём токены

## Панель профилей

profiles-title = Профили
profiles-search = Поиск
profiles-search-hint = имя, издатель, client id
profiles-new = Новый профиль…
profiles-deleted = Профиль { $name } удалён.
profiles-undo = Отменить
profiles-none = Профилей пока нет: создайте первый из шаблона.
profiles-import = Импорт…
profiles-import-hint = Добавить профили из файла экспорта
profiles-export = Экспорт…
profiles-export-hint = Записать все профили в файл
profiles-export-secrets = Экспортировать секреты клиентов
profiles-export-secrets-hint = Записывает секреты клиентов в файл экспорта открытым текстом
profiles-export-secrets-warning = В файле экспорта секреты будут открытым текстом.
profiles-reading = Читаю профили…
profiles-unreadable-nothing-saved = Ничего не сохраняется, пока файл не исправлен или не отложен в сторону.
profiles-set-aside = Отложить файл в сторону
profiles-no-config-dir = Нет каталога настроек: профили живут только до конца сеанса.

## Где найден токен, что исправлено

origin-json-field = поле JSON { $name }
origin-form-field = поле формы { $name }
origin-url-query = параметр запроса URL { $name }
origin-url-fragment = параметр фрагмента URL { $name }
origin-bearer = заголовок Authorization: Bearer
origin-bare = компактный JWT в тексте
mend-lines-joined = { $count ->
    [one] склеена { $count } строка
    [few] склеены { $count } строки
   *[many] склеено { $count } строк
}
mend-blank-lines = { $count ->
    [one] убрана { $count } пустая строка
    [few] убраны { $count } пустые строки
   *[many] убрано { $count } пустых строк
}
mend-spaces = { $count ->
    [one] убран { $count } пробел
    [few] убраны { $count } пробела
   *[many] убрано { $count } пробелов
}
mend-zero-width = { $count ->
    [one] убран { $count } символ нулевой ширины
    [few] убраны { $count } символа нулевой ширины
   *[many] убрано { $count } символов нулевой ширины
}
mend-quotes = { $count ->
    [one] убрана { $count } кавычка
    [few] убраны { $count } кавычки
   *[many] убрано { $count } кавычек
}
mend-bearer-prefix = убран префикс Bearer
mend-unicode-spaces = { $count ->
    [one] убран { $count } особый пробел (неразрывный, узкий, …)
    [few] убраны { $count } особых пробела (неразрывные, узкие, …)
   *[many] убрано { $count } особых пробелов (неразрывные, узкие, …)
}
mend-line-end-hyphens = { $count ->
    [one] убран { $count } дефис, добавленный в конце строки
    [few] убраны { $count } дефиса, добавленных в концах строк
   *[many] убрано { $count } дефисов, добавленных в концах строк
}
mend-qp-soft-breaks = { $count ->
    [one] убран { $count } мягкий перенос quoted-printable (= в конце строки)
    [few] убраны { $count } мягких переноса quoted-printable (= в конце строки)
   *[many] убрано { $count } мягких переносов quoted-printable (= в конце строки)
}
mend-qp-escapes = { $count ->
    [one] раскодирован { $count } код quoted-printable (=3D, …)
    [few] раскодированы { $count } кода quoted-printable (=3D, …)
   *[many] раскодировано { $count } кодов quoted-printable (=3D, …)
}
mend-quote-markers = { $count ->
    [one] убран { $count } знак цитирования (>)
    [few] убраны { $count } знака цитирования (>)
   *[many] убрано { $count } знаков цитирования (>)
}
mend-html-entities = { $count ->
    [one] раскодирована { $count } HTML-сущность (&quot;, &#46;, …)
    [few] раскодированы { $count } HTML-сущности (&quot;, &#46;, …)
   *[many] раскодировано { $count } HTML-сущностей (&quot;, &#46;, …)
}
mend-json-escapes = { $count ->
    [one] раскодирована { $count } escape-последовательность JSON (\u002e, \/, …)
    [few] раскодированы { $count } escape-последовательности JSON (\u002e, \/, …)
   *[many] раскодировано { $count } escape-последовательностей JSON (\u002e, \/, …)
}
mend-percent-escapes = { $count ->
    [one] раскодирован { $count } символ в %-кодировке (%2E, …)
    [few] раскодированы { $count } символа в %-кодировке (%2E, …)
   *[many] раскодировано { $count } символов в %-кодировке (%2E, …)
}

## Reading a paste

paste-truncated = Вставка длиннее { $mebibytes } МиБ: прочитаны только первые { $mebibytes } МиБ.
paste-invalid-utf8 = Вставка — не корректный UTF-8: { $count ->
    [one] { $count } неверная последовательность байтов заменена
    [few] { $count } неверные последовательности байтов заменены
   *[many] { $count } неверных последовательностей байтов заменено
} на �.
paste-tokens-dropped = Ещё { $count ->
    [one] { $count } вхождение токена не сохранено
    [few] { $count } вхождения токенов не сохранены
   *[many] { $count } вхождений токенов не сохранено
}: читается не больше { $max } разных токенов и { $occurrences } вхождений.
paste-errors-dropped = Ещё { $count ->
    [one] { $count } ответ с ошибкой не разобран
    [few] { $count } ответа с ошибкой не разобраны
   *[many] { $count } ответов с ошибкой не разобрано
}: разбирается не больше { $max } разных ответов.

## Роли и виды токенов

role-access = Токен доступа
role-id = ID-токен
role-refresh = Токен обновления
role-code = Код авторизации
role-logout = Токен выхода
role-credential = Удостоверение (SD-JWT VC)
shape-uuid = UUID
shape-uuid-suffix = UUID с числовым суффиксом (как в SberBusiness ID)
shape-github = GitHub: { $kind }
shape-hex = шестнадцатеричная строка
shape-random = случайная строка
role-unknown = Токен
reason-response-field = по полю ответа { $field }
reason-typ-header = по заголовку typ { $typ }
reason-keycloak-typ = по утверждению typ от Keycloak { $typ }
reason-id-only-claim = по утверждению { $name }, которое есть только в ID-токенах
reason-events = по утверждению events
reason-claim = по утверждению { $name }

## Настройки

preferences-not-saved = Не удалось сохранить выбор языка ({ $error }); он действует до конца сеанса.

## Песочница

top-sandbox = Песочница
top-sandbox-hint = Встроенный провайдер OpenID: запустить, выбрать, кого он изображает, включить сбои

internal-error-inspection = Не удалось разобрать этот текст (внутренняя ошибка).
internal-error-verification = Не удалось проверить подписи в этом тексте (внутренняя ошибка).
internal-error-kept = Вставленный текст сохранён в точности. Это ошибка tokenscope, а не вашего текста: отчёт ниже поможет её исправить.
internal-error-copy-report = Скопировать отчёт
internal-error-copy-report-hover = Копирует, что и где сломалось, и только размер текста: ни одного его символа.
autoplay-no-profile = Автопоказ остановлен: профиля «{ $name }» нет.
autoplay-running = Автопоказ: пауза { $seconds } с на каждом шаге, затем следующий; в конце всё сначала. Нажмите любую клавишу, чтобы взять управление.
