# Сторона потока: карточки шагов, поля гранта, карточка устройства,
# диаграмма последовательности, рассказ ведущего, итоги шагов и страница,
# которую показывает loopback-приёмник после перенаправления.

## Шаги: название, назначение (на карточке), рассказ (режим ведущего)

step-title-discovery = Обнаружение
step-title-authorize = Авторизация
step-title-callback = Возврат в приложение
step-title-token = Обмен кода на токены
step-title-userinfo = UserInfo
step-title-refresh = Обновление токенов
step-title-client-credentials = Учётные данные клиента
step-title-introspection = Интроспекция
step-title-revocation = Отзыв токена
step-title-password = Пароль
step-title-device-authorization = Авторизация устройства
step-title-device-token = Токен устройства
step-title-extension-grant = Грант-расширение
step-title-logout = Выход

step-purpose-discovery = Приложение читает документ метаданных провайдера, чтобы узнать его эндпоинты, ключи и возможности.
step-purpose-authorize = Браузер ведёт пользователя к провайдеру, где тот входит и даёт согласие; приложение пароля не видит.
step-purpose-callback = Провайдер возвращает браузер в приложение с одноразовым кодом; приложение проверяет state, чтобы ответ относился к этой попытке.
step-purpose-token = Приложение обменивает код (и PKCE verifier) на токены, обращаясь к провайдеру напрямую, а не через браузер.
step-purpose-userinfo = Приложение предъявляет токен доступа эндпоинту UserInfo провайдера, чтобы узнать, кто вошёл.
step-purpose-refresh = Приложение получает новый токен доступа по токену обновления, не спрашивая пользователя снова.
step-purpose-client-credentials = Приложение аутентифицируется само, без пользователя, и получает токен доступа для себя.
step-purpose-introspection = Приложение спрашивает провайдера, активен ли ещё токен и что он разрешает, как это сделал бы сервер ресурсов.
step-purpose-revocation = Приложение сообщает провайдеру, что токен больше не нужен, и провайдер перестаёт его принимать.
step-purpose-password = Приложение отправляет имя и пароль пользователя на эндпоинт токенов (RFC 6749 §4.3); устаревший способ, но встречается.
step-purpose-device-authorization = Устройство получает код устройства и пользовательский код; пользователь подтверждает вход на другом экране (RFC 8628 §3.1).
step-purpose-device-token = Устройство опрашивает эндпоинт токенов с заданным интервалом, пока пользователь не согласится, не откажет или код не истечёт (RFC 8628 §3.4).
step-purpose-extension-grant = Приложение отправляет тип гранта, определённый провайдером, с его собственными полями (RFC 6749 §4.5).
step-purpose-logout = Браузер переходит на эндпоинт завершения сессии провайдера и возвращается с state приложения (RP-Initiated Logout §2).

step-narration-discovery = Сначала приложение запрашивает у сервера авторизации его «визитную карточку» — документ метаданных: куда отправить пользователя, где обменять код на токены и какими ключами сервер подписывает токены. Пользователь ещё не входил.
step-narration-authorize = Приложение не спрашивает пароль. Оно открывает браузер пользователя на странице входа сервера авторизации, передавая случайный state, чтобы узнать свой ответ, и PKCE challenge, чтобы позже доказать, что это то же приложение. Пользователь входит там и даёт согласие.
step-narration-callback = Сервер авторизации возвращает браузер в приложение с одноразовым кодом. Приложение сначала проверяет, что state тот же, что оно отправило, — иначе ответ может принадлежать чужой попытке, — а если сервер назвал себя в iss, то и его.
step-narration-token = Теперь приложение говорит с сервером авторизации напрямую, без браузера. Оно передаёт код и PKCE verifier — секрет, стоящий за challenge, — а конфиденциальный клиент ещё и свои учётные данные. В ответ приходят токены: токен доступа для API, ID-токен о том, кто вошёл, и часто токен обновления.
step-narration-userinfo = С токеном доступа в качестве пропуска приложение спрашивает у UserInfo, кто пользователь. Токен доступа — как билет: кто его держит, тот и пользуется, поэтому он живёт всего несколько минут.
step-narration-refresh = Когда токен доступа истекает, приложение обменивает долгоживущий токен обновления на новый, не беспокоя пользователя. Токен обновления — такой же ценный секрет, как пароль.
step-narration-client-credentials = Пользователь не участвует: приложение входит само от своего имени со своими учётными данными и получает токен доступа для API, к которым у него есть доступ.
step-narration-introspection = Приложение спрашивает сервер авторизации, что означает токен: активен ли он, для кого и до какого времени. Непрозрачный токен можно понять только так.
step-narration-revocation = Приложение сообщает серверу авторизации, что токен больше не нужен, чтобы никто не смог им воспользоваться, даже если он утёк.
step-narration-password = Старый способ: приложение само спрашивает у пользователя пароль и передаёт его серверу авторизации. Это работает, но приложение видит пароль, поэтому OAuth 2.1 отказывается от этого гранта; он живёт в старых и внутренних системах.
step-narration-device-authorization = У телевизора или консольной утилиты нет удобной клавиатуры или браузера. Устройство просит у сервера авторизации два кода: секретный для себя и короткий, который пользователь введёт на телефоне или ноутбуке.
step-narration-device-token = Пока пользователь вводит код на другом устройстве, приложение снова и снова вежливо спрашивает эндпоинт токенов: не чаще, чем велено, реже, если попросили замедлиться, — пока пользователь не согласится или не откажет, или пока код не истечёт.
step-narration-extension-grant = Некоторые провайдеры придумывают свои способы получить токен: паспортный сертификат биржи или обмен одного токена на другой. Приложение отправляет тип гранта, определённый провайдером, и нужные ему поля.
step-narration-logout = Приложение отправляет браузер к провайдеру, чтобы завершить сессию пользователя и там, с ID-токеном как подсказкой, кто уходит; провайдер возвращает браузер с тем же state, что дало приложение.

## Панель потока

flow-intro = Проходит грант профиля (см. «Грант» в профиле) шаг за шагом.
flow-plan = Что впереди: шаги этого гранта до первого из них
flow-private-key-error = Закрытый ключ клиента: { $error }
flow-decryption-key-error = Ключ для расшифровки: { $error }
flow-auto-refresh-next = Автоматическое обновление включено: следующее в { $time }.
flow-auto-refresh-retry = Обновление не удалось { $count ->
    [one] { $count } раз подряд
    [few] { $count } раза подряд
   *[other] { $count } раз подряд
}: следующая попытка в { $time }.
flow-auto-refresh-stopped = Автоматическое обновление остановлено после { $count ->
    [one] { $count } неудачной попытки
   *[other] { $count } неудачных попыток
} подряд. Прочтите последнюю карточку обновления, затем обновите вручную или выключите и снова включите автоматическое обновление.
flow-earlier-steps-dropped = { $count ->
    [one] { $count } более ранний шаг не сохранён
    [few] { $count } более ранних шага не сохранены
   *[other] { $count } более ранних шагов не сохранено
}
flow-start = Начать поток
flow-start-over = Начать заново
flow-start-hover = Новый запуск: свежие state, nonce и PKCE verifier
flow-cancel = Отмена
flow-show-tokens = Показать токены в инспекторе
flow-export-har = Экспорт HAR…
flow-export-har-hover = Файл HAR 1.2 для инструментов разработчика браузера; секреты и токены скрыты
flow-export-report = Экспорт отчёта…
flow-export-report-hover = Отчёт в Markdown для обращения в поддержку; секреты и токены скрыты
flow-export-saved = Сохранено: { $path } (секреты и токены скрыты).
flow-auto-refresh = Обновлять автоматически
flow-auto-refresh-hover = Отправляет запрос обновления за 30 с до истечения токена доступа
flow-verifying = Проверка токенов: загружаем ключи провайдера…
flow-verified-token = Проверен: { $title }, подпись { $signature }; проверок пройдено: { $count }
flow-not-verified = Не прошёл проверку: { $what }
flow-verification-error = Токены не удалось проверить: { $error }
flow-run-values = Этот запуск:
flow-run-state = state { $value }
flow-run-nonce = nonce { $value }
flow-run-pkce = PKCE { $method }, challenge { $value }
flow-prepare = Подготовить
flow-waiting = ожидание…
flow-pending = ожидает
flow-duration-ms = { $count } мс
flow-load-ca = Загрузить сертификат УЦ провайдера…
flow-open-tls = Открыть настройки TLS
flow-tls-fix-hover = Настройки TLS профиля; сохраните профиль, чтобы изменение осталось
flow-request-as-sent = Запрос, как отправлен
flow-copy-curl = Копировать как curl
flow-copy-curl-hover = Команда curl для этого запроса, секреты заменены заполнителями
flow-response-as-received = Ответ, как получен
flow-html-instead = Вместо ответа API пришла HTML-страница.
flow-answer-cut = Ответ обрезан на { $size }: сервер прислал больше, чем допускает наибольший ответ профиля. Полученное сохранено.
flow-body-preview = Показаны первые { $shown } из { $total }.
flow-body-show-all = Показать всё
flow-body-show-less = Показать только начало
flow-body-save = Сохранить в файл…
flow-body-save-hover = Записать всё тело, как оно было отправлено или получено, в файл
flow-press-enter = Нажмите Enter, чтобы отправить.
flow-copy-url = Копировать URL
flow-copy-url-hover = Адрес запроса авторизации: его можно открыть в любом браузере вручную
flow-no-browser = Браузер открыть не удалось ({ $reason }): скопируйте URL в браузер; запуск по-прежнему ждёт перенаправления.
flow-open-browser = Открыть браузер
flow-open-browser-hover = Открывает системный браузер по этому адресу
flow-paste-redirect = Вставьте адрес, на котором остановился браузер:
flow-use-it = Применить
flow-send = Отправить
flow-reset = Вернуть сгенерированный
flow-assertion-decoded = client_assertion в раскодированном виде (заголовок . утверждения):
flow-method = Метод
flow-url = URL
flow-headers = Заголовки
flow-body = Тело

## Поля гранта и разделы грантов в форме профиля

grant-label = Грант
grant-authorization-code = код авторизации
grant-client-credentials = учётные данные клиента
grant-password = пароль
grant-refresh = обновление (отдельно)
grant-device = устройство
grant-extension = расширение
grant-kept-refresh-token = Обновление токеном обновления, сохранённым с прошлого запуска; вставьте другой, чтобы использовать его.
grant-refresh-token = Токен обновления
grant-refresh-token-hint = вставьте токен обновления
grant-username = Имя пользователя
grant-password-label = Пароль
grant-password-note = Пароль используется только в этом запуске и не сохраняется.
grant-extension-no-fields = У этого гранта-расширения нет полей: добавьте их в профиле.
grant-keep-secrets = Сохранить секретные значения в хранилище секретов
grant-keep-secrets-hover = В файл профиля они никогда не попадают
grant-logout-no-id-token = Нет ID-токена для id_token_hint: провайдер может попросить пользователя подтвердить выход.
grant-sign-out = Выйти у провайдера
grant-sign-out-hover = Открывает URL завершения сессии и ждёт возврата с нашим state
grant-key-file = Файл закрытого ключа
grant-key-file-hint = /путь/к/client-key.pem (PKCS#8 или PKCS#1)
grant-key-id = Идентификатор ключа (kid)
grant-optional = необязательно
grant-algorithm = Алгоритм
grant-algorithm-hint = пусто: по ключу (RS256, ES256, ES384, EdDSA); или PS256
grant-assertion-aud = aud утверждения
grant-aud-token-endpoint = эндпоинт токенов
grant-aud-issuer = издатель (issuer)
grant-aud-custom = свой
grant-fields = Поля гранта
grant-add-field = Добавить поле
grant-field-name = имя
grant-field-secret = секрет
grant-field-secret-note = вводится в потоке, хранится в хранилище секретов
grant-field-value = значение
grant-field-remove = Удалить

## Карточка устройства (RFC 8628 §3.3)

device-send-first = Сначала отправьте запрос авторизации устройства.
device-open-on-other = На другом устройстве откройте
device-enter-code = и введите код
device-open-browser = Открыть в браузере
device-waiting = Ждём пользователя: опрос { $poll } через { $left } с (каждые { $interval } с).
device-stop-polling = Остановить опрос
device-polling-stopped = Опрос остановлен. Начните заново, чтобы получить новый код, или опросите снова, если код ещё действителен.
device-start-polling = Начать опрос
device-start-polling-hover = Опрашивает эндпоинт токенов с интервалом, заданным провайдером, пока пользователь не подтвердит
device-qr-too-long = (адрес слишком длинный для QR-кода)
device-qr-hover = QR-код адреса { $url }

## Диаграмма последовательности

seq-lane-browser = Пользователь / браузер
seq-lane-app = tokenscope (клиент)
seq-lane-as = Сервер авторизации
seq-lane-rs = Сервер ресурсов (UserInfo)
seq-get-metadata = GET метаданных
seq-endpoints-keys = эндпоинты, ключи
seq-open-authorize = открыть URL авторизации
seq-sign-in = вход, согласие
seq-redirect-code = перенаправление с кодом
seq-code-state = код + state
seq-code-verifier = код + PKCE verifier
seq-tokens = токены
seq-access-token = токен доступа
seq-who = кто пользователь
seq-refresh-token = токен обновления
seq-new-tokens = новые токены
seq-client-credentials = учётные данные клиента
seq-token = токен
seq-active-claims = active, утверждения
seq-revoked = отозван
seq-name-password = имя + пароль
seq-password-grant = грант password
seq-device-authorization = авторизация устройства
seq-device-user-code = код устройства, код пользователя
seq-show-user-code = показать код пользователя
seq-type-code = ввести код, подтвердить
seq-poll = опрос с кодом устройства
seq-pending-tokens = ожидание ... токены
seq-grant-fields = grant_type + поля
seq-open-end-session = открыть URL завершения сессии
seq-end-session = завершить сессию
seq-redirect-state = перенаправление со state
seq-state = state

## Итоги и ошибки шагов на карточках (и в `tokenscope run`)

run-discovery-endpoints = { $count ->
    [0] эндпоинты уже заданы; метаданные с ними согласны
    [one] { $count } эндпоинт из метаданных
    [few] { $count } эндпоинта из метаданных
   *[many] { $count } эндпоинтов из метаданных
}
run-browser-sent = браузер отправлен к провайдеру
run-code-state-iss = код получен; state и iss совпадают
run-code-state = код получен; state совпадает
run-no-code = Кода ещё нет: сначала завершите шаг возврата в приложение.
run-no-access-token = Токена доступа ещё нет.
run-userinfo-claims = { $count ->
    [one] { $count } утверждение
    [few] { $count } утверждения
   *[many] { $count } утверждений
}
run-userinfo-sub = { $count ->
    [one] { $count } утверждение
    [few] { $count } утверждения
   *[many] { $count } утверждений
}, sub { $sub }
run-userinfo-jwt = подписанный JWT (application/jwt)
run-jwe-id-token = ID-токен
run-jwe-userinfo = ответ UserInfo
run-jwe-decrypted = { $what }: зашифрован { $alg } / { $enc }, расшифрован ключом { $key }
run-jwe-no-key = { $what } зашифрован ({ $alg } / { $enc }, OIDC Core §10.2), а у профиля нет ключа для расшифровки: укажите файл ключа для расшифровки (JWK/JWKS с закрытыми частями, закрытый ключ PEM/PKCS#8 или PKCS#12 с паролем) или передайте run --decryption-key FILE.
run-jwe-key-pending = { $what } зашифрован ({ $alg } / { $enc }, OIDC Core §10.2), а файл ключа профиля для расшифровки ещё читался: начните прогон заново.
run-jwe-key-unreadable = { $what } зашифрован ({ $alg } / { $enc }, OIDC Core §10.2), но ключ профиля для расшифровки не прочитан: { $error }
run-jwe-failed = { $what } зашифрован ({ $alg } / { $enc }, OIDC Core §10.2), и ключ профиля для расшифровки его не открывает: { $error }. Это закрытая половина ключа, зарегистрированного у провайдера для шифрования (его jwks или jwks_uri, use "enc")?
run-paste-refresh = Сначала вставьте токен обновления.
run-no-refresh = В ответе с токенами не было токена обновления.
run-type-password = Сначала введите пароль для этого запуска.
run-device-authorized = код пользователя { $code } на { $uri }; истекает через { $expires } с, опрос каждые { $interval } с
run-interval-adjusted = interval равен { $value } с: это не настоящий интервал опроса; опрос каждые { $used } с
run-device-lifetime-adjusted = expires_in равен { $value } с: это не настоящий срок жизни; опрос прекратится не позже чем через { $used } с
run-no-device-code = Кода устройства ещё нет: сначала отправьте запрос авторизации устройства.
run-slow-down = slow_down: провайдер попросил опрашивать реже (RFC 8628 §3.5): теперь каждые { $interval } с.
run-pending = authorization_pending: пользователь ещё не подтвердил; следующий опрос через { $interval } с.
run-signed-out = выход у провайдера выполнен; state совпадает
run-no-logout = В этом запуске выход не начинался.
run-revoked = токен доступа отозван
run-no-issuer = В профиле нет издателя (issuer) или URL обнаружения.
run-in-browser = Этот шаг происходит в браузере.
run-access-token-lifetime = токен доступа ({ $seconds } с)
run-unreal-lifetime = { $name } равен { $value } с: это не настоящий срок жизни
run-access-token = токен доступа
run-id-token = ID-токен
run-refresh-token = токен обновления
provider-clock-ahead = часы провайдера спешат на { $span } относительно ваших (по его заголовку Date)
provider-clock-behind = часы провайдера отстают на { $span } от ваших (по его заголовку Date)
run-discovery-fallback = сначала { $urls } ответил 404 (там нет метаданных OpenID; RFC 8414 §3.1)
run-verification-failed = токены не прошли проверку: { $what }
run-id-token-kept = ID-токен сохранён прежний (в ответе его нет, OIDC Core §12.2)
run-refresh-token-kept = токен обновления сохранён прежний (в ответе его нет, RFC 6749 §6)
run-cancelled = Отменено.
run-polling-cancelled = Отменено: опрос остановлен.
run-device-expired = Код устройства истёк до подтверждения пользователем: начните заново с нового запроса авторизации устройства (RFC 8628 §3.5).
run-no-authorization-endpoint = В профиле нет эндпоинта авторизации: запустите обнаружение или введите его вручную.
run-no-token-endpoint = В профиле нет эндпоинта токенов: запустите обнаружение или введите его вручную.
run-no-introspection-endpoint = В профиле нет эндпоинта интроспекции: запустите обнаружение или введите его вручную.
run-no-revocation-endpoint = В профиле нет эндпоинта отзыва: запустите обнаружение или введите его вручную.
run-no-userinfo-endpoint = В профиле нет эндпоинта UserInfo.
run-no-device-endpoint = В профиле нет эндпоинта авторизации устройства: запустите обнаружение или введите его вручную.
run-no-end-session = В профиле нет end_session_endpoint: провайдер не поддерживает выход по инициативе клиента (RP-initiated logout) или обнаружение не запускалось.
run-logout-problem = Выход: { $problem }.
run-type-username = Введите имя пользователя для гранта password.
run-no-grant-type = У гранта-расширения нет grant_type: задайте его в профиле.
run-no-assertion = Нет утверждения клиента: { $error }. { $method } подписывает JWT для каждого запроса (RFC 7523 §2.2): проверьте настройки аутентификации клиента в профиле.

## Страница, которую браузер показывает после перенаправления

callback-page-finished = Вход завершён
callback-page-received = tokenscope получил перенаправление и сейчас его проверяет.
callback-page-failed = Вход не удался
callback-page-error = Перенаправление содержит ошибку { $error }
callback-page-close = Можно закрыть это окно или вкладку и вернуться в tokenscope.

## Ответы, которые шаг не смог использовать

run-http-no-oauth-error = Провайдер ответил HTTP { $status } без ошибки OAuth.
run-userinfo-refused = Эндпоинт UserInfo отклонил токен доступа (HTTP { $status }).
run-userinfo-http = Эндпоинт UserInfo ответил HTTP { $status }.
run-introspection-inactive = inactive: токен истёк, отозван, неизвестен или выдан не этому клиенту
run-introspection-refused = Эндпоинт интроспекции отклонил клиента (HTTP { $status }).
run-introspection-http = Эндпоинт интроспекции ответил HTTP { $status } без ошибки OAuth.
run-introspection-no-active = В ответе интроспекции нет логического поля `active` (его требует RFC 7662 §2.2).
run-jwe-introspection = ответ интроспекции
run-introspection-jwt-needs-keys = Ответ интроспекции пришёл в виде JWT (application/token-introspection+jwt, RFC 9701 §5): прежде чем использовать его поля, его нужно проверить ключами провайдера.
run-introspection-jwt-no-jwks = В профиле нет jwks_uri, чтобы проверить ответ интроспекции в виде JWT.
run-introspection-jwt-not-text = Ответ интроспекции назван JWT (application/token-introspection+jwt), но его тело — не текст: это не JWT (RFC 9701 §5).
run-introspection-jwt-unsigned = Ответ интроспекции зашифрован, но не подписан ({ $decrypted }): RFC 9701 §5 требует подписи провайдера, поэтому его поля не используются.
run-introspection-jwt-refused = Ответ интроспекции в виде JWT отклонён, его поля не используются: { $rows }
run-introspection-jwt-verified = { $summary }; JWT-ответ проверен ({ $signature }; проверены typ, iss, aud и iat)
introspection-jwt-too-large = ответ — { $size } байт, а ответ интроспекции не больше { $max }: отклонён без чтения
introspection-jwt-signed = подписанный JWT (JWS)
introspection-jwt-not-jwt = ответ — не JWT: { $error }
introspection-jwt-still-encrypted = ответ всё ещё зашифрован (JWE): его расшифровывают ключом клиента до проверки подписи
introspection-jwt-nested = в ответе вложенный токен, а RFC 9701 требует подписанные утверждения
introspection-jwt-typ-wrong = typ — { $typ }, а не token-introspection+jwt: этот JWT — не ответ интроспекции
introspection-jwt-typ-none = нет заголовка typ: у ответа интроспекции он token-introspection+jwt
introspection-jwt-no-issuer = в профиле нет издателя, с которым сравнить iss: укажите issuer
introspection-jwt-answer-not-object = token_introspection — { $kind }, а не JSON-объект с полями RFC 7662
run-revocation-http = Эндпоинт отзыва ответил HTTP { $status } без ошибки OAuth.
run-no-answer = Нет ответа: { $error }.
run-redirected = HTTP { $status }: эндпоинт перенаправляет на { $location }; tokenscope не следует перенаправлениям в вызовах API.
run-redirect-no-location = HTTP { $status }: перенаправление без заголовка Location; tokenscope не следует перенаправлениям в вызовах API.
run-body-unreadable = HTTP { $status }: тело ответа не JSON и не form-encoded.
run-body-html = HTTP { $status }: вместо ответа API пришла HTML-страница.
run-body-empty = HTTP { $status }: тело ответа пустое.
run-body-cut = HTTP { $status }: { $note }, поэтому целиком его не прочитать.
run-provider-error = Провайдер ответил ошибкой: { $error }
run-http-error = HTTP { $status }: { $error }
run-device-not-json = HTTP { $status }: ответ на авторизацию устройства не JSON.
run-device-missing = В ответе на авторизацию устройства нет { $name } (его требует RFC 8628 §3.2).

## Перенаправление: почему его нельзя использовать, почему оно не пришло

callback-duplicate = в перенаправлении `{ $name }` встречается больше одного раза, поэтому его значению нельзя доверять (RFC 6749 §3.1: параметры ответа НЕ ДОЛЖНЫ повторяться)
callback-state-missing = в перенаправлении нет state, хотя этот запуск его отправлял; ответ нельзя связать с этим входом, он может быть подделан (RFC 6749 §4.1.2, §10.12)
callback-state-mismatch = state не совпадает: в перенаправлении state `{ $received }`, а этот запуск отправил `{ $expected }`; ответ может относиться к другой попытке или быть подделан (RFC 6749 §10.12)
callback-issuer-mismatch = издатель не совпадает: перенаправление пришло, по его словам, от `{ $received }`, а этот запуск обращался к `{ $expected }` (сравнение посимвольное); ответ нельзя использовать, это может быть атака подмены (mix-up, RFC 9207 §2.4)
callback-issuer-missing = в перенаправлении нет iss, хотя метаданные провайдера заявляют authorization_response_iss_parameter_supported; ответ нельзя использовать (RFC 9207 §2.4)
callback-error-response = сервер авторизации ответил `{ $error }`{ $description }{ $uri } (RFC 6749 §4.1.2.1)
callback-more-at = {" "}(подробнее: { $uri })
callback-code-missing = в перенаправлении нет ни кода, ни ошибки (RFC 6749 §4.1.2)
callback-redirect-mismatch = вставленный адрес начинается с `{ $received }`, а не с redirect URI этого запуска `{ $expected }`; возможно, он от другого профиля (RFC 6749 §3.1.2)
callback-invalid-uri = `{ $uri }` не годится как redirect URI: { $reason }
callback-uri-fragment = у redirect URI не должно быть фрагмента (RFC 6749 §3.1.2)
callback-uri-not-absolute = это не абсолютный URI (RFC 6749 §3.1.2)
callback-uri-userinfo = данным пользователя (`user@`) не место в redirect URI
callback-uri-port = порт — не число от 0 до 65535
callback-not-loopback = `{ $uri }` не loopback redirect URI (http://127.0.0.1:PORT/path, http://[::1]:PORT/path или http://localhost:PORT/path, RFC 8252 §7.3), поэтому tokenscope не может его слушать; вставьте адрес, на котором остановится браузер
callback-no-port = у loopback redirect URI `{ $uri }` нет порта, а приёмнику он нужен: укажите, например, http://127.0.0.1:53682/callback или порт 0, если провайдер принимает любой порт (RFC 8252 §7.3)
callback-port-in-use = порт { $port } занят другой программой; закройте её или смените порт в redirect URI
callback-bind = не удаётся слушать { $addr }: { $error }
callback-timed-out = перенаправление не пришло за { $timeout }; начните вход заново
callback-cancelled = вход отменён до того, как пришло перенаправление
callback-already-taken = перенаправление уже забрали у этого приёмника
callback-malformed = это не адрес перенаправления: { $reason }
callback-nothing-pasted = ничего не вставлено
callback-no-code-or-error = во вставленном адресе нет ни кода, ни ошибки ни в запросе, ни во фрагменте; скопируйте весь адрес, на котором остановился браузер (RFC 6749 §4.1.2)
callback-io = приёмник перенаправления дал сбой: { $error }
callback-ignored-requests = { $count ->
    [one] { $count } запрос к порту отклонён
    [few] { $count } запроса к порту отклонены
   *[many] { $count } запросов к порту отклонены
} (неверный или отсутствующий state): что-то ещё на этом компьютере обращается к нему.

## Утверждения клиента (RFC 7523 §2.2)

assertion-no-key-file = для private_key_jwt нужен закрытый ключ клиента: укажите файл ключа (PEM) в профиле
assertion-key-not-loaded = закрытый ключ клиента ещё не загружен
assertion-key-file = не удалось прочитать файл ключа { $path }: { $reason }
assertion-no-secret = для client_secret_jwt нужен секрет клиента (это ключ HMAC)
assertion-no-audience = у утверждения нет аудитории: в профиле нужен эндпоинт токенов (или издатель, или своя аудитория)
assertion-alg-mismatch = { $alg } нельзя использовать с ключом { $key }
assertion-signing = не удалось подписать утверждение: { $reason }
assertion-key-encrypted = файл ключа зашифрован: экспортируйте его без шифрования (openssl pkcs8 -nocrypt) и храните файл в тайне
assertion-key-not-pem = в файле ключа нет закрытого ключа PEM (-----BEGIN PRIVATE KEY-----)
assertion-key-unknown = закрытый ключ — не RSA, P-256, P-384, Ed25519 или ГОСТ Р 34.10-2012 в PKCS#8 (и не RSA в PKCS#1, не P-256 или P-384 в SEC1)
assertion-pkcs12 = файл PKCS#12 { $reason }
assertion-key-file-kind = файл ключа — не PEM, не JWK (JSON), не PKCS#12 и не PKCS#8 в DER
assertion-jwk-not-json = JWK — не JSON: { $error }
assertion-jwk-not-object = JWK — не объект JSON
assertion-jwks-no-private = в наборе JWK нет закрытого ключа (нет члена "d")
assertion-jwk-for-encryption = JWK — ключ шифрования ("use": "enc"), а не подписи
assertion-jwk-public = JWK типа { $kty } — открытый ключ: для подписи нужен его закрытый член "d"
assertion-jwk-curve = EC JWK на кривой { $crv } здесь не подписывает (подписывают P-256 и P-384)
assertion-jwk-kty = JWK типа "{ $kty }" здесь не подписывает (подписывают RSA, EC и OKP Ed25519)
assertion-jwk-mismatch = "d" этого JWK не соответствует его открытому ключу "x"

## Открытие браузера

run-browser-failed = не удалось открыть системный браузер: { $error }
run-browser-command-empty = команда браузера пуста
run-browser-command-failed = не удалось запустить { $program }: { $error }
browser-url-refused = адрес не открыт в браузере: { $why }
browser-url-scheme = его схема { $scheme }:, а открываются только адреса http:// и https:// (другая схема может выполнить код или открыть файл на этом компьютере)
browser-url-control = в нём есть управляющие символы или пробелы по краям
flow-tokens-in-full = { $count ->
    [one] Показать { $count } токен целиком
    [few] Показать { $count } токена целиком
   *[many] Показать { $count } токенов целиком
}
flow-tokens-shorten = Сократить токены
flow-token-shortened = { $head }…{ $tail } ({ $count ->
    [one] { $count } символ
    [few] { $count } символа
   *[many] { $count } символов
})
flow-token-claims = { $count ->
    [one] { $count } утверждение
    [few] { $count } утверждения
   *[many] { $count } утверждений
}
flow-token-verified = проверен
flow-token-check-failed = проверка не пройдена: { $check }
flow-open-in-inspector = Открыть в инспекторе
flow-open-in-inspector-hover = Токены запуска в инспекторе: заголовок, данные, подпись, все проверки, сравнение
authorize-column-parameter = Параметр
authorize-column-value = Значение
authorize-column-meaning = Зачем он
authorize-param-unknown = (не стандартный параметр: собственный у провайдера или опечатка)
authorize-param-response-type = Что клиент хочет получить: code для потока с кодом (RFC 6749 §3.1.1)
authorize-param-client-id = Какое приложение спрашивает, как оно зарегистрировано у провайдера (RFC 6749 §2.2)
authorize-param-redirect-uri = Куда провайдер вернёт браузер; должен точно совпасть с зарегистрированным адресом (RFC 6749 §3.1.2)
authorize-param-scope = Какой доступ запрошен; openid делает вход входом OpenID Connect (RFC 6749 §3.3)
authorize-param-state = Случайное значение, которое приложение сверяет при возврате, чтобы отвергнуть поддельный редирект (CSRF, RFC 6749 §10.12)
authorize-param-nonce = Случайное значение, которое должен вернуть ID-токен, против повторно использованных токенов (OIDC Core §3.1.2.1)
authorize-param-code-challenge = Хеш PKCE verifier, который хранит приложение: обменять код сможет только оно (RFC 7636 §4.2)
authorize-param-code-challenge-method = Как получен challenge: S256, хеш SHA-256 (RFC 7636 §4.3)
authorize-param-response-mode = Как придёт ответ: query, fragment, form_post или подписанный JWT (OAuth 2.0 Multiple Response Types)
authorize-param-prompt = Должен ли провайдер спросить заново: none, login, consent, select_account (OIDC Core §3.1.2.1)
authorize-param-login-hint = Кто должен войти, чтобы заполнить форму входа (OIDC Core §3.1.2.1)
authorize-param-max-age = Самый старый допустимый вход в секундах; старше — войти заново (OIDC Core §3.1.2.1)
authorize-param-acr-values = Требуемая надёжность входа, например два фактора (OIDC Core §3.1.2.1)
authorize-param-ui-locales = Языки страницы входа (OIDC Core §3.1.2.1)
authorize-param-claims = Отдельные утверждения, запрошенные в ID-токене или UserInfo (OIDC Core §5.5)
authorize-param-display = Как показать страницу входа: page, popup, touch (OIDC Core §3.1.2.1)
authorize-param-id-token-hint = Прежний ID-токен, называющий уже вошедшего пользователя (OIDC Core §3.1.2.1)
authorize-param-request = Весь запрос как подписанный JWT (RFC 9101)
authorize-param-request-uri = Ссылка на запрос, отправленный заранее (RFC 9126) или опубликованный клиентом (RFC 9101)
authorize-param-resource = API, для которого токен (RFC 8707)
authorize-param-audience = API, для которого токен, в собственном параметре провайдера (Auth0, Okta)
authorize-param-dpop-jkt = Отпечаток ключа, к которому будут привязаны токены (RFC 9449 §10)
run-dpop-no-key = Для этого запуска нет ключа DPoP: системный генератор случайных чисел не смог его создать. Начните запуск заново.
flow-dpop-decoded = Доказательство DPoP (RFC 9449 §4.2), расшифровано:
run-dpop-bound = привязаны через DPoP (token_type DPoP)
run-dpop-bound-jkt = привязаны к ключу DPoP этого запуска (token_type DPoP, cnf.jkt совпадает)
run-dpop-not-bound = без привязки к ключу: token_type — { $kind }, а не DPoP (RFC 9449 §5)
run-dpop-other-key = привязаны к другому ключу: cnf.jkt — { $jkt }, ключ этого запуска — { $ours } (RFC 9449 §6.1)

## Ответы авторизации в JWT (JARM)

jarm-too-large = ответ занимает { $size } байт, а ответ авторизации — не больше { $max }: отклонён без чтения
jarm-signed-jwt = подписанный JWT (JWS)
jarm-not-jwt = ответ — не JWT: { $error }
jarm-nested = в ответе вложенный токен, а по JARM там подписанные утверждения ответа авторизации
jarm-encrypted-no-key = зашифрован (JWE, { $alg }, { $enc }); нужен ключ расшифровки: добавьте закрытый ключ клиента
jarm-decrypted-signed = { $decrypted }; внутри подписанный JWT
jarm-decrypted = { $decrypted }
jarm-decrypted-not-jwt = { $decrypted }, но расшифрованный текст — не JWT
jarm-state-for-caller = state равен { $state }: клиент сравнивает его с отправленным
jarm-state-none = в ответе нет state (он и не нужен, если не был отправлен)
jarm-state-match = state совпадает с отправленным
jarm-state-mismatch = state равен { $state }, а в запросе был { $expected }: ответ относится к другому запросу
jarm-state-missing = в ответе нет state, а в запросе был { $expected }

# Pushed authorization requests (RFC 9126) and request objects (RFC 9101)
step-title-par = Отправка параметров авторизации (PAR)
step-purpose-par = Приложение отправляет параметры авторизации прямо провайдеру и получает короткоживущий request_uri для браузера (RFC 9126).
step-narration-par = Ещё до браузера приложение отправляет серверу авторизации всё, что нужно для входа, — кто оно, куда вернуться, PKCE, state — напрямую, с аутентификацией, как запрос токена. В адресной строке браузера ничего нельзя подменить: браузер несёт только ссылку.
seq-push-parameters = параметры (PAR)
seq-request-uri = request_uri
run-no-par-endpoint = В профиле нет адреса отправки параметров авторизации: получите его из метаданных (pushed_authorization_request_endpoint) или введите вручную.
run-par-no-request-uri = В ответе PAR нет request_uri (RFC 9126 §2.2 требует его).
run-par-no-expires-in = В ответе PAR нет положительного expires_in (RFC 9126 §2.2 требует его).
run-par-pushed = request_uri { $uri }, действует { $seconds } с
run-par-not-pushed = Параметры ещё не отправлены: сначала выполните запрос PAR.
run-par-expired = Срок действия request_uri истёк (он действовал { $seconds } с): отправьте параметры заново.
run-request-object-failed = Не удалось подписать объект запроса: { $error }
run-jarm-verified = { $summary }; подписанный ответ авторизации проверен ({ $signature }; проверены iss, aud, exp и state)
run-jarm-refused = Подписанный ответ авторизации (JARM) отклонён, его код не используется: { $rows }
run-jarm-needs-keys = Ответ пришёл в виде JWT (JARM): прежде чем использовать код, его нужно проверить ключами провайдера.
run-jarm-no-jwks = В профиле нет jwks_uri, чтобы проверить подписанный ответ авторизации.

## CIBA, режим опроса (OpenID Client-Initiated Backchannel Authentication Core 1.0)

step-title-backchannel-authentication = Аутентификация по обратному каналу
step-title-ciba-token = Опрос за токенами
step-title-ciba-token-ping = Токены после уведомления
step-purpose-backchannel-authentication = Приложение напрямую просит провайдера связаться с пользователем на его телефоне и показать связующее сообщение; в ответ приходит auth_req_id (CIBA Core §7.1).
step-purpose-ciba-token = Приложение опрашивает эндпоинт токенов с auth_req_id, пока пользователь не подтвердит на телефоне, не откажет или запрос не истечёт (CIBA Core §10.1).
step-narration-backchannel-authentication = Здесь пользователя вообще нет перед нашим приложением: представьте оператора колл-центра или кассу в магазине. Приложение называет пользователя подсказкой и по обратному каналу просит сервер авторизации связаться с ним на телефоне. Короткое связующее сообщение появляется на обоих экранах, и пользователь видит, что запрос на телефоне — именно этот.
step-narration-ciba-token = Пользователь читает связующее сообщение на телефоне и там же соглашается или отказывает. Тем временем приложение вежливо, с заданным интервалом, спрашивает эндпоинт токенов с идентификатором запроса — пока не придут токены, пользователь не откажет или запрос не истечёт.
grant-ciba = CIBA (обратный канал)
ciba-hint-kind = Пользователь задан через
ciba-hint = Подсказка
ciba-hint-hint = anna, anna@example.test, номер телефона
ciba-hint-id-token = пусто: ID-токен этого запуска
ciba-binding-message = Связующее сообщение
ciba-binding-message-hint = видно здесь и на телефоне, например «Заказ 4281»
ciba-user-code = Код пользователя
ciba-acr-values = acr_values
ciba-requested-expiry = requested_expiry, с
ciba-optional = необязательно
ciba-inputs-note = Провайдер связывается с пользователем, названным подсказкой; связующее сообщение связывает запрос на телефоне с этим экраном (CIBA Core §7.1).
ciba-send-first = Сначала отправьте запрос аутентификации по обратному каналу.
ciba-phone-shows = Телефон пользователя показывает:
ciba-no-binding-message = (связующее сообщение не отправлено)
ciba-expires-in = Запрос истекает через { $left } с.
ciba-expired = Запрос истёк: начните заново, чтобы отправить новый.
ciba-approve-on-phone = Подтвердите или отклоните на телефоне; в песочнице его заменяет страница «телефона».
seq-backchannel-request = подсказка + связующее сообщение
seq-auth-req-id = auth_req_id, expires_in
seq-ask-on-phone = связующее сообщение на телефоне
seq-approve-on-phone = подтверждение на телефоне
seq-poll-ciba = опрос с auth_req_id
run-ciba-authorized = auth_req_id получен; истекает через { $expires } с, опрос каждые { $interval } с
run-ciba-binding = телефон показывает «{ $message }»
run-no-ciba-endpoint = В профиле нет эндпоинта аутентификации по обратному каналу: запустите обнаружение или введите его вручную.
run-ciba-no-hint = CIBA называет пользователя через { $name }: сначала введите его в полях гранта (или передайте --login-hint) (CIBA Core §7.1).
run-no-auth-req-id = auth_req_id ещё нет: сначала отправьте запрос аутентификации по обратному каналу.
run-ciba-expired = Запрос аутентификации по обратному каналу истёк до подтверждения пользователем: начните заново (CIBA Core §7.3 expires_in).
run-ciba-not-json = HTTP { $status }: ответ на аутентификацию по обратному каналу не JSON.
run-ciba-missing = В ответе на аутентификацию по обратному каналу нет { $name } (его требует CIBA Core §7.3).
ciba-open-phone = Открыть страницу телефона в песочнице
step-narration-dpop = С DPoP запрос несёт и доказательство: небольшой JWT, подписанный ключом, который есть только у этого приложения, с методом и адресом запроса. Полученные токены привязаны к этому ключу, и украденный токен без него бесполезен.
step-narration-jar = Параметры передаются внутри объекта запроса — JWT, подписанного ключом приложения, поэтому по дороге никто не подменит адрес возврата, scope или PKCE challenge.
step-narration-jarm = Ответ приходит в виде JWT, подписанного сервером авторизации (JARM): приложение проверяет подпись, издателя, получателя и срок, прежде чем доверять коду и state внутри.
seq-with-dpop = { $label } + доказательство DPoP
seq-signed = { $label } (подписанный JWT)
seq-response-jwt = ответ-JWT (JARM)
step-title-api-call = Вызов API
step-purpose-api-call = Приложение вызывает выбранный вами API с access token, как это будет делать ваш сервис (RFC 6750 §2.1; с DPoP — RFC 9449 §7).
step-narration-api-call = Теперь токен делает то, для чего он нужен: приложение вызывает API, передавая его в заголовке Authorization. API проверяет токен — подпись, издателя, аудиторию, срок и scope — и отвечает или объясняет отказ в заголовке WWW-Authenticate.
seq-api-answer = ответ API
grant-api-url = Адрес API
run-api-no-url = Укажите адрес API для вызова (https://…).
run-api-no-token = Пока нет access token, чтобы вызвать API.
run-api-answered = HTTP { $status }, { $bytes } байт{ $media ->
    [none] {""}
   *[other] , { $media }
}
run-api-refused = API отклонил токен (HTTP { $status }).
run-dpop-nonce-not-given = Сервер требует nonce для DPoP, но в ответе нет заголовка DPoP-Nonce, поэтому отправить нечего: ошибка на стороне сервера (RFC 9449 §8, §9 требуют этот заголовок).
# CIBA, режим ping (OpenID CIBA Core 1.0 §5, §10.2).
run-ciba-pinged = провайдер прислал ping на эндпоинт уведомлений (CIBA Core §10.2)
run-ping-cancelled = Отменено: ожидание ping от провайдера остановлено.
run-ciba-no-notification-endpoint = Режиму ping нужен эндпоинт уведомлений, с которым зарегистрирован клиент (backchannel_client_notification_endpoint), например https://127.0.0.1:8766/ciba/notify: введите его в настройках CIBA (или передайте --ciba-notification-endpoint) (CIBA Core §10.2).
run-ciba-notification-not-loopback = Эндпоинт уведомлений { $endpoint } — не loopback-адрес: tokenscope принимает ping только на 127.0.0.1, [::1] или localhost (CIBA Core §10.2).
step-narration-ciba-ping = В режиме ping приложение не опрашивает провайдера. Когда пользователь решил, провайдер сам обращается к приложению: POST на его эндпоинт уведомлений с идентификатором запроса и с client_notification_token, который прислало приложение, в качестве bearer-токена, чтобы никто другой не мог подделать вызов. Только после этого приложение один раз обращается к эндпоинту токенов.
seq-ping = ping: auth_req_id (Bearer)
seq-token-request-ciba = запрос токенов с auth_req_id
ciba-waiting-for-ping = Ожидание ping от провайдера на { $endpoint }: в режиме ping приложение не опрашивает.
ciba-pinged = Провайдер прислал ping: токены запрашиваются.
ciba-delivery-mode = Доставка токенов
ciba-mode-poll = poll: приложение опрашивает
ciba-mode-ping = ping: провайдер сообщает сам
ciba-notification-endpoint = Эндпоинт уведомлений
ciba-notification-endpoint-hint = как зарегистрирован, например https://127.0.0.1:8766/ciba/notify
ciba-ping-not-listening = Эндпоинт уведомлений не слушает: отправьте запрос аутентификации по обратному каналу ещё раз.
ciba-start-waiting = Ждать ping
ciba-stop-waiting = Перестать ждать
run-ciba-authorized-ping = auth_req_id получен; истекает через { $expires } с; провайдер пришлёт ping на эндпоинт уведомлений, когда пользователь решит
step-narration-ciba-ping-token = В режиме ping запрос несёт ещё и client_notification_token: свежий случайный секрет этого запуска, который провайдер должен предъявить, когда обратится к приложению; приложение начинает ждать это обращение ещё до отправки запроса.
