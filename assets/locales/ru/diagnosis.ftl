# Диагностика сбоев и предупреждения перед отправкой (src/diagnose, вид
# диагноза). Записи самого каталога — в assets/catalogue.

lint-code-already-used = Этот код уже отправлялся: код действует один раз, а некоторые провайдеры (в том числе банк) удаляют код после любой неудачной попытки обмена. Пройдите шаг авторизации заново, чтобы получить новый код.
lint-redirect-uri-differs = redirect_uri равен { $sent }, а в запросе авторизации был { $authorized }: провайдер сравнивает их посимвольно.
lint-redirect-uri-missing = redirect_uri не передан, а в запросе авторизации был { $authorized }: его нужно передать снова, в точности таким же.
lint-insecure-redirect = Адрес перенаправления { $redirect } — обычный http:// и не на этой машине: код передаётся без шифрования. Используйте https:// или http://127.0.0.1 для настольного клиента.
lint-secret-whitespace = В секрете клиента есть пробелы или перевод строки по краям (скопирован вместе со строкой?): провайдер его не примет. Уберите их в профиле.
lint-github-accept-json = GitHub отвечает в form-encoded (а ошибки — с HTTP 200), если в запросе нет Accept: application/json. Добавьте этот заголовок.
lint-auth-method-not-listed = Клиент аутентифицируется способом { $method }, которого нет в метаданных провайдера ({ $list_name }: { $list }). Выберите в профиле способ из списка.
lint-openid-missing = В scope нет openid: провайдер не выдаст ID-токен (а банку нужен openid первым). Добавьте openid в scopes профиля.
lint-too-short = В { $name } { $have ->
    [one] { $have } символ
    [few] { $have } символа
   *[many] { $have } символов
}; банк требует не меньше { $need ->
    [one] { $need } символа
   *[other] { $need } символов
}.
lint-pkce-method-not-listed = Метода PKCE { $method } нет в code_challenge_methods_supported провайдера ({ $list }). Выберите S256, если он есть в списке.

diagnosis-probably = Вероятно
diagnosis-also-possible = Возможно также
diagnosis-cause = Причина
diagnosis-fix = Что сделать
diagnosis-source = Источник
diagnosis-warning = Предупреждение
diagnosis-pasted-found = { $count ->
    [one] Найден { $count } ответ с ошибкой
    [few] Найдено { $count } ответа с ошибкой
   *[many] Найдено { $count } ответов с ошибкой
}
diagnosis-not-in-catalogue = В каталоге нет записи для этой ошибки.
diagnosis-an-error-answer = ответ с ошибкой
diagnosis-times = { $count ->
    [one] { $count } раз
    [few] { $count } раза
   *[many] { $count } раз
}
lint-ping-not-listed = Запрос просит режим CIBA ping (в нём есть client_notification_token), но в метаданных провайдера в backchannel_token_delivery_modes_supported есть только { $list }: ping не придёт. Зарегистрируйте клиента в режиме из списка и выберите его в настройках CIBA.
