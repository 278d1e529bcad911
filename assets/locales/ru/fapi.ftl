# Наборы проверок соответствия (src/oauth/fapi.rs) и их значок.

fapi-no-authorization-request = грант по умолчанию — { $grant }: запроса авторизации нет
fapi-par-on = PAR включён: параметры авторизации уходят на конечную точку PAR
fapi-par-required = провайдер требует PAR (require_pushed_authorization_requests)
fapi-par-off = PAR выключен: параметры авторизации идут через браузер
fapi-par-no-endpoint = PAR включён, но ни в профиле, ни в метаданных нет конечной точки PAR
fapi-pkce-not-s256 = PKCE — { $mode }; нужен S256
fapi-pkce-unlisted = провайдер указывает code_challenge_methods_supported { $listed }, без S256
fapi-pkce-s256 = code_challenge_method=S256 в каждом запросе авторизации
fapi-dpop-on = DPoP включён: токены привязаны к ключу запуска
fapi-dpop-not-offered = DPoP включён, но провайдер его не объявляет (нет dpop_signing_alg_values_supported)
fapi-mtls-bound-unknown = привязывает ли провайдер токены к сертификату клиента, станет известно после обнаружения
fapi-mtls-bound = mTLS: провайдер привязывает токены к сертификату клиента
fapi-mtls-not-bound = сертификат клиента есть, но провайдер не объявляет tls_client_certificate_bound_access_tokens
fapi-bearer-tokens = обычные токены на предъявителя: включите DPoP или используйте сертификат клиента (mTLS)
fapi-needs-discovery = станет известно после обнаружения (нажмите «Обнаружить»)
fapi-iss-supported = провайдер передаёт iss в ответе на запрос авторизации
fapi-iss-not-supported = провайдер не объявляет authorization_response_iss_parameter_supported
fapi-alg-hmac = client_secret_jwt подписывает HMAC; допустимы: { $allowed }
fapi-alg-from-key = алгоритм утверждения берётся из ключа: укажите один из { $allowed }
fapi-alg-assertion-ok = утверждение клиента подписано { $alg }
fapi-alg-assertion-bad = утверждение клиента подписано { $alg }; допустимы: { $allowed }
fapi-alg-id-token-ok = провайдер может подписывать ID-токены { $alg }
fapi-alg-id-token-bad = провайдер подписывает ID-токены { $listed }; допустимы: { $allowed }
fapi-alg-not-offered = у провайдера { $member } — { $listed }, ни одного из { $allowed }
fapi-client-auth-weak = { $method } не допускается: используйте private_key_jwt или tls_client_auth
fapi-client-auth-unlisted = провайдер не указывает { $method } (token_endpoint_auth_methods_supported: { $listed })
fapi-client-auth-ok = клиент аутентифицируется через { $method }
fapi-password-grant = грант по умолчанию — password (пароль владельца ресурса)
fapi-response-type = response_type={ $value } в дополнительных параметрах: допускается только code
fapi-code-only = только код авторизации
fapi-no-assertion = утверждения клиента нет: клиент аутентифицируется через { $method }
fapi-aud-issuer = aud утверждения — идентификатор издателя
fapi-aud-token-endpoint = aud утверждения — конечная точка токена; FAPI 2.0 требует идентификатор издателя строкой
fapi-aud-custom = aud утверждения — { $value }, а не идентификатор издателя
fapi-mode-fragment = response_mode=fragment помещает ответ во фрагмент адреса
fapi-mode-query-implicit = response_mode=query с неявным response_type
fapi-mode-unlisted = провайдер не указывает response_mode { $mode } (response_modes_supported: { $listed })
fapi-mode-default = по умолчанию (query)
fapi-mode-ok = режим ответа: { $mode }
fapi-request-object-off = подписанные объекты запроса выключены
fapi-request-object-no-par = подписанные объекты запроса включены, но PAR выключен: они должны уходить на конечную точку PAR
fapi-request-object-on = запрос авторизации — подписанный объект запроса, отправленный на конечную точку PAR
fapi-jarm-off = режим ответа — { $mode }; для JARM нужен jwt (или query.jwt, fragment.jwt, form_post.jwt)
fapi-jarm-on = ответ на запрос авторизации в виде JWT ({ $mode })
fapi-alg-nothing = проверять нечего: утверждения клиента нет, а провайдер не указывает алгоритмы ID-токенов
finding-conformance-unknown = Набора проверок { $set } нет; известные наборы: { $known }

# Значок и форма.
conformance-check-against = Проверять по
conformance-check-against-hover = Именованный набор правил, по которому проверяется профиль; значок показывает, сколько выполнено
conformance-none = Ничему
conformance-badge = { $set } { $passed }/{ $total }
conformance-badge-failing = не выполнено: { $count }
conformance-badge-unknown = неизвестно: { $count }
conformance-badge-hover = { $set }: выполнено { $passed } из { $total } правил. Правилам с пометкой «неизвестно» нужны метаданные провайдера («Обнаружить»).
conformance-details = { $set }: правила
conformance-rule-pass = выполнено
conformance-rule-fail = не выполнено
conformance-rule-unknown = неизвестно
conformance-rule-not-applicable = неприменимо
conformance-source = Источник: { $source }
preset-fapi2-summary = Клиент FAPI 2.0 (Security Profile): обнаружение, private_key_jwt с PS256 и aud = издатель, PKCE S256, PAR и DPoP; проверяется по FAPI 2.0
preset-fapi-sek-summary = Банковский клиент ФАПИ.СЕК (СТО БР ФАПИ.СЕК-1.6-2024 в нашем понимании): аутентификация mTLS и токены с привязкой к сертификату, ГОСТ Р 34.10-2012, PKCE S256, PAR; проверяется по ФАПИ.СЕК
