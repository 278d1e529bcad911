# Проверка: подписи, ключи и проверки проверяющей стороны. Те же id, что
# в ../en/verification.ftl.

## Разбор компактного токена (token/jose.rs)

jose-part-header = заголовок
jose-part-payload = полезная нагрузка
jose-part-signature = подпись
jose-part-encrypted-key = зашифрованный ключ
jose-part-iv = вектор инициализации
jose-part-ciphertext = шифртекст
jose-part-tag = тег аутентификации
jose-segment-count = в нём { $count ->
    [one] { $count } сегмент
    [few] { $count } сегмента
   *[many] { $count } сегментов
}, а у подписанного токена (JWS) их 3, у зашифрованного (JWE) — 5
jose-base64 = часть «{ $part }» — не корректный base64url ({ $detail })
jose-header-not-json = заголовок — не JSON ({ $detail })
jose-header-not-object = заголовок — JSON, но не объект (тип: { $kind })
jose-payload-not-json = полезная нагрузка — не JSON ({ $detail })
jose-payload-not-object = полезная нагрузка — JSON, но не объект с утверждениями (тип: { $kind })
jose-too-deep = в части «{ $part }» JSON вложен слишком глубоко, чтобы его показать
jose-nested-too-deep = JWT вложены друг в друга глубже чем на { $max ->
    [one] { $max } уровень
    [few] { $max } уровня
   *[many] { $max } уровней
}
jose-kind-null = null
jose-kind-boolean = логическое значение
jose-kind-number = число
jose-kind-string = строка
jose-kind-array = массив
jose-kind-object = объект

## Проверки проверяющей стороны (token/checks.rs)

check-claim-missing = нет утверждения { $name }
check-claim-is = { $name } = { $value }
check-not-a-string = { $name } имеет тип «{ $kind }», а должен быть строкой; утверждение неверного типа не считается отсутствующим
check-ui-sub-missing = в ответе UserInfo нет sub, поэтому ни одно из его утверждений нельзя использовать
check-ui-sub-no-id-token = sub в UserInfo = { $sub }; sub ID-токена для сравнения нет
check-ui-sub-equal = sub в UserInfo совпадает с sub ID-токена ({ $sub })
check-ui-sub-mismatch = sub в UserInfo = { $sub }, а sub ID-токена = { $expected }: утверждения UserInfo использовать нельзя
check-ui-not-signed = обычный ответ JSON: не подписан
check-typ-none-id-token = заголовка typ нет (для ID-токена он необязателен)
check-typ-access-not-id = typ = { $typ }: так помечают JWT-токен доступа (RFC 9068 §2.1), а не ID-токен
check-typ-logout-not-id = typ = { $typ }: так помечают токен выхода (OIDC Back-Channel Logout §2.4), а не ID-токен
check-typ-other-not-id = typ = { $typ }; у ID-токена typ либо JWT, либо отсутствует, значит, это токен другого вида
check-typ-not-access = typ = { $typ }; токен доступа по RFC 9068 должен иметь typ at+jwt, значит, это не он
check-typ-none-access = заголовка typ нет; токен доступа по RFC 9068 должен иметь typ at+jwt
check-iss-not-configured = iss = { $iss }; издатель для сравнения не настроен
check-iss-as-expected = iss = { $iss }, как и ожидалось
check-iss-mismatch = iss = { $iss }, а этот профиль ожидает { $expected }
check-iss-mismatch-slash = iss = { $iss }, а этот профиль ожидает { $expected } (разница только в завершающей косой черте; издатель сравнивается посимвольно)
check-iss-mismatch-case = iss = { $iss }, а этот профиль ожидает { $expected } (разница только в регистре букв; издатель сравнивается посимвольно)
check-sub-empty = sub пуст
check-sub-too-long = длина sub — { $count ->
    [one] { $count } символ
    [few] { $count } символа
   *[many] { $count } символов
}; допускается не больше 255
check-aud-item-type = в aud есть значение типа «{ $kind }»; каждый получатель должен быть строкой
check-aud-empty = aud — пустой массив
check-aud-type = aud имеет тип «{ $kind }», а должен быть строкой или массивом строк
check-aud-no-client = aud = { $aud }; client_id для поиска не настроен
check-aud-has-client = aud { $aud } содержит идентификатор этого клиента { $client }
check-aud-mismatch = aud = { $aud }, и в нём нет client_id этого профиля { $client }
check-azp-none-no-client = azp нет; client_id не настроен
check-azp-no-client = azp = { $azp }; client_id для сравнения не настроен
check-azp-is-client = azp — идентификатор этого клиента { $client }
check-azp-mismatch = azp = { $azp }, а client_id этого профиля — { $client }: токен выдан другому клиенту
check-azp-missing-several = в aud { $count ->
    [one] { $count } получатель
    [few] { $count } получателя
   *[many] { $count } получателей
} ({ $list }), но нет azp, который назвал бы клиента, получившего токен
check-azp-not-needed = azp нет; при одном получателе он не нужен
check-at-aud-no-resource = aud = { $aud }; ожидаемый ресурс не настроен
check-at-aud-has-resource = aud { $aud } содержит ожидаемый ресурс { $resource }
check-at-aud-mismatch = aud = { $aud }, и в нём нет ожидаемого ресурса { $resource }
check-client-id-mismatch = client_id = { $id }, а client_id этого профиля — { $expected }
check-unix-seconds = { $seconds } (секунды Unix)
check-duration-seconds = { $seconds } с
check-duration-minutes = { $minutes } мин
check-duration-hours = { $hours } ч { $minutes } мин
check-duration-days = { $days } дн. { $hours } ч
check-exp-expired = истёк { $at } ({ $ago } назад; допуск { $leeway } с)
check-exp-within-leeway = истёк { $ago } назад, в пределах допуска { $leeway } с
check-exp-valid-until = действителен до { $at } (ещё { $left })
check-date-type = { $name } имеет тип «{ $kind }»; NumericDate — это число JSON (RFC 7519 §2), а утверждение неверного типа не считается отсутствующим
check-iat-future = iat на { $ahead } в будущем ({ $at }): часы издателя или этого компьютера расходятся больше чем на допуск { $leeway } с
check-iat-old = выпущен { $age } назад ({ $at }), раньше, чем допускает этот профиль ({ $max })
check-iat-future-within-leeway = выпущен на { $ahead } в будущем, в пределах допуска { $leeway } с
check-iat-ago = выпущен { $age } назад ({ $at })
check-nbf-future = недействителен до { $at } (ещё { $ahead }; допуск { $leeway } с)
check-nbf-valid-since = действителен с { $at }
check-nonce-not-sent = nonce не отправлялся
check-nonce-not-sent-but-present = nonce = { $nonce }; nonce для сравнения не отправлялся
check-nonce-missing = в запросе был отправлен nonce { $sent }, а в токене nonce нет
check-nonce-as-sent = nonce = { $nonce }, как и был отправлен
check-nonce-mismatch = nonce = { $nonce }, а в запросе был отправлен { $sent }
# От чего считается хеш; в родительном падеже: «хеш токена доступа».
check-hash-covers-access-token = токена доступа
check-hash-covers-code = кода авторизации
check-hash-covers-state = state
check-hash-at-when-absent = необязательно, если ID-токен получен от конечной точки токенов; обязательно, если токен доступа выдан конечной точкой авторизации
check-hash-c-when-absent = обязательно только в гибридном потоке
check-hash-s-when-absent = обязательно только по FAPI 1.0 Advanced
check-hash-absent = нет утверждения { $name } ({ $when })
check-hash-absent-nothing = нет утверждения { $name } и нет { $covers } для проверки
check-hash-nothing-to-compare = { $name } = { $claimed }; значения { $covers } для сравнения нет
check-hash-how = левая половина { $hash }
check-hash-how-assumed = левая половина { $hash }, предполагается для { $alg }
check-hash-matches = { $name } совпадает с хешем { $covers } ({ $how })
check-hash-mismatch = { $name } = { $claimed }, а хеш { $covers } — { $computed } ({ $how })
check-hash-alg-unknown = для alg { $alg } хеш не определён, поэтому утверждение-хеш проверить нельзя; оно считается непройденным, а не совпавшим
check-auth-time-none-no-max-age = auth_time нет; max_age не запрашивался
check-auth-time-no-max-age = пользователь прошёл аутентификацию { $at }; max_age не запрашивался
check-auth-time-missing = запрошен max_age={ $max_age }, поэтому auth_time обязателен, но в токене его нет
check-auth-time-future = auth_time на { $ahead } в будущем ({ $at })
check-auth-time-too-old = пользователь прошёл аутентификацию { $age } назад ({ $at }), раньше, чем позволяет запрошенный max_age { $max_age } с
check-auth-time-within = пользователь прошёл аутентификацию { $age } назад, в пределах max_age { $max_age } с
check-acr-none-not-requested = acr нет; acr_values не запрашивались
check-acr-not-requested = acr = { $acr }; acr_values не запрашивались
check-acr-missing = в запросе был указан acr { $wanted }, а в токене acr нет
check-acr-as-requested = acr = { $acr }, как и запрошено
check-acr-mismatch = acr = { $acr }, а в запросе был указан { $wanted }

## Подписи (token/verify.rs)

verify-key-kid = ключ { $kid }
verify-valid = верна ({ $details })
verify-invalid = неверна: { $reason }
verify-unknown-kid = неизвестный kid: { $reason }
verify-no-key = нет ключа: { $reason }
verify-unsigned = подписи нет (alg { $alg }): токен отклонён, такой может написать кто угодно (RFC 8725 §3.1)
verify-unsupported = алгоритм { $alg } не поддерживается: подпись не проверялась
verify-rejected = токен отклонён: { $reason }
verify-encrypted = токен зашифрован (JWE { $alg }/{ $enc }): расшифруйте его, чтобы проверить подпись внутри
verify-nested-valid = подпись вложенного токена тоже верна
verify-nested-encrypted = вложенный токен зашифрован; его содержимое не проверялось
verify-nested-invalid = внешняя подпись верна, а подпись вложенного токена — нет
verify-alg-not-string = alg имеет тип «{ $kind }», а не строка (RFC 7515 §4.1.1)
verify-no-alg = в заголовке нет alg (RFC 7515 §4.1.1)
verify-kid-not-string = kid имеет тип «{ $kind }»; kid — это строка (RFC 7515 §4.1.4)
verify-header-url-ignored = { $name } из заголовка ({ $value }) проигнорирован: ключи никогда не загружаются по адресу, который называет сам токен (RFC 8725 §3.10)
verify-header-key-ignored = в заголовок встроен ключ ({ $name }); он проигнорирован: токен не может сам предоставить ключ для своей проверки (RFC 8725 §3.10)
verify-crit-unsupported = в crit указано { $names }, а tokenscope этого не реализует; такой токен нужно отклонить (RFC 7515 §4.1.11)
verify-crit-malformed = crit задан неверно: это должен быть непустой массив имён (RFC 7515 §4.1.11)
verify-b64-false = b64: false (незакодированная полезная нагрузка) в JWT не допускается (RFC 7797 §6)
verify-needs-rsa = открытый ключ RSA
verify-needs-ec = открытый ключ EC { $curve }
verify-needs-ed25519 = открытый ключ Ed25519
verify-needs-secret = общий секрет
verify-needs-gost-bits = { $bits }-битный открытый ключ ГОСТ Р 34.10-2012
verify-needs-gost = открытый ключ ГОСТ Р 34.10-2012
verify-unfit-family = { $key } — { $size }; для { $alg } нужен { $needs }
verify-unfit-alg = { $key } предназначен только для { $key_alg }, а токен использует { $alg } (RFC 7517 §4.4)
verify-unfit-use = { $key } пропущен: его назначение (use) — «{ $key_use }», а не подписи (RFC 7517 §4.2)
verify-unfit-ops = { $key } пропущен: в его key_ops ({ $ops }) нет verify (RFC 7517 §4.3)
verify-empty-set = набор ключей пуст: загрузите JWKS, ключ PEM, сертификат или общий секрет
verify-empty-set-unusable = набор ключей пуст ({ $count ->
    [one] { $count } запись не удалось использовать
    [few] { $count } записи не удалось использовать
   *[many] { $count } записей не удалось использовать
}): загрузите JWKS, ключ PEM, сертификат или общий секрет
verify-kid-fallback-failed = нет ключа с kid { $kid }; в наборе есть kid { $kids }, а ключи без kid подпись тоже не подтвердили ({ $reason })
verify-no-kid-only-key = в заголовке нет kid: использован единственный подходящий ключ
verify-no-kid-tried-until = в заголовке нет kid: перебрано { $tried } из { $count } подходящих ключей, пока { $key } не подтвердил подпись; строгие проверяющие стороны отклоняют токены без kid, если подходят несколько ключей
verify-one-failure = подпись не подтверждается ключом { $failure }
verify-no-kid-tried = в заголовке нет kid: { $count ->
    [one] перебран { $count } подходящий ключ
    [few] перебрано { $count } подходящих ключа
   *[many] перебрано { $count } подходящих ключей
}
verify-none-verify = подпись не подтверждается ни одним из подходящих ключей ({ $count }): { $failures }
verify-short-secret = длина { $key } — { $bits ->
    [one] { $bits } бит
    [few] { $bits } бита
   *[many] { $bits } бит
}, а { $alg } требует не меньше { $needed ->
    [one] { $needed } бит
    [few] { $needed } бита
   *[many] { $needed } бит
} (RFC 7518 §3.2): угадываемый секрет позволяет подделать MAC
verify-kidless-stand-in = ни у одного ключа нет kid { $kid }; перебраны ключи без kid ({ $count })
verify-kid-unknown = нет ключа с kid { $kid }; в наборе есть kid { $kids }
verify-key-is = { $key } — { $size }
verify-only-public = в наборе только открытые ключи ({ $sizes })
verify-key-confusion = для { $alg } нужен общий секрет, а { $which }; проверка с байтами открытого ключа в роли секрета HMAC была бы атакой подмены ключа (RFC 8725 §2.6, §3.1)
verify-kid-cannot-verify = ни один ключ с kid { $kid } не может проверить { $alg }
verify-needs-but-has = для { $alg } нужен { $needs }, а в наборе: { $sizes }
verify-mismatch = подпись не совпадает
verify-rsa-length = длина подписи — { $length ->
    [one] { $length } байт
    [few] { $length } байта
   *[many] { $length } байт
}, а { $bits }-битный ключ RSA даёт { $expected ->
    [one] { $expected } байт
    [few] { $expected } байта
   *[many] { $expected } байт
} (RFC 8017 §8.2.2)
verify-ecdsa-out-of-range = r или s равно нулю или вне диапазона, поэтому подпись не может быть верной
verify-ed25519-length = длина подписи — { $length ->
    [one] { $length } байт
    [few] { $length } байта
   *[many] { $length } байт
}, а у Ed25519 — 64 байта
verify-mac-mismatch = MAC не совпадает
verify-secret-unusable = этот секрет нельзя использовать как ключ HMAC
verify-ecdsa-length = длина подписи { $alg } — { $length ->
    [one] { $length } байт
    [few] { $length } байта
   *[many] { $length } байт
}, а JOSE требует ровно { $expected ->
    [one] { $expected } байт
    [few] { $expected } байта
   *[many] { $expected } байт
} r ‖ s без кодирования (RFC 7518 §3.4)
verify-ecdsa-length-der = длина подписи { $alg } — { $length ->
    [one] { $length } байт
    [few] { $length } байта
   *[many] { $length } байт
}, а JOSE требует ровно { $expected ->
    [one] { $expected } байт
    [few] { $expected } байта
   *[many] { $expected } байт
} r ‖ s без кодирования (RFC 7518 §3.4); похоже, она в DER, а JOSE его не использует

## Ключи (token/keys.rs)

key-source-certificate = сертификат { $label }
key-source-secret = общий секрет { $label }
key-size-hmac = HMAC, { $bits ->
    [one] { $bits } бит
    [few] { $bits } бита
   *[many] { $bits } бит
}
key-name-from = { $size } ({ $source })
key-jwks-not-object = JWKS — это объект JSON, а здесь тип «{ $kind }»
key-not-json = не JSON ({ $error })
key-the-key = ключ
key-keys-not-array = "keys" должен быть массивом, а здесь тип «{ $kind }»
key-no-keys-member = нет поля "keys": это не набор JWK (RFC 7517 §5)
key-set-empty = в наборе JWK нет ключей
key-entry = ключ № { $number }
key-entry-kid = ключ № { $number } (kid { $kid })
key-entry-not-object = тип «{ $kind }», а не объект JWK
key-no-pem-block = блоков PEM не найдено (ожидается -----BEGIN PUBLIC KEY----- или -----BEGIN CERTIFICATE-----)
key-pem-block = блок PEM № { $number }
key-unsupported-pem = неподдерживаемый блок PEM (ожидается PUBLIC KEY, RSA PUBLIC KEY, CERTIFICATE или PRIVATE KEY для расшифровки)
key-secret-empty = секрет пуст
key-neither-jwks-nor-pem = это не набор JWK (JSON) и не текст PEM
key-no-kty = нет "kty" (RFC 7517 §4.1)
key-ops-non-string = в "key_ops" есть значение, которое не строка
key-ops-not-array = "key_ops" должен быть массивом, а здесь тип «{ $kind }»
key-oct-empty = "k" ключа oct пуст
key-unsupported-kty = неподдерживаемый тип ключа "{ $kty }" (поддерживаются RSA, EC, OKP, oct)
key-x5c-not-base64 = "x5c" — не base64 ({ $error })
key-member-not-string = "{ $name }" должен быть строкой, а здесь тип «{ $kind }»
key-member-missing = у ключа { $kty } нет "{ $name }" (RFC 7518 §6)
key-member-not-base64url = "{ $name }" — не корректный base64url
key-ec-no-crv = у ключа EC нет "crv" (RFC 7518 §6.2.1.1)
key-ec-unsupported-curve = неподдерживаемая кривая EC "{ $crv }" (поддерживаются P-256, P-384, P-521)
key-ec-coordinate-length = длина "{ $name }" — { $length ->
    [one] { $length } байт
    [few] { $length } байта
   *[many] { $length } байт
}, а для { $crv } нужно ровно { $size ->
    [one] { $size } байт
    [few] { $size } байта
   *[many] { $size } байт
} (RFC 7518 §6.2.1.2)
key-ec-not-on-curve = точка не лежит на кривой { $crv }
key-ec-unsupported-curve-name = неподдерживаемая кривая EC "{ $crv }"
key-okp-no-crv = у ключа OKP нет "crv" (RFC 8037 §2)
key-okp-key-agreement = { $crv } — кривая для согласования ключей; проверять подписи она не может (RFC 8037 §3.2)
key-okp-unsupported-curve = неподдерживаемая кривая OKP "{ $crv }" (поддерживается Ed25519)
key-ed25519-length = ключ Ed25519 занимает 32 байта, а этот — { $length ->
    [one] { $length } байт
    [few] { $length } байта
   *[many] { $length } байт
}
key-ed25519-invalid = некорректная точка Ed25519
key-rsa-too-small = длина ключа RSA — { $bits ->
    [one] { $bits } бит
    [few] { $bits } бита
   *[many] { $bits } бит
}; для RS*/PS* нужно не меньше { $min } (RFC 7518 §3.3)
key-rsa-too-large = длина ключа RSA — { $bits ->
    [one] { $bits } бит
    [few] { $bits } бита
   *[many] { $bits } бит
}; ключи длиннее { $max } бит не принимаются (защита от отказа в обслуживании)
key-rsa-unusable = непригодный открытый ключ RSA ({ $error })
key-pkcs1-invalid = некорректный открытый ключ RSA в PKCS#1 ({ $error })
key-spki-invalid = некорректный SubjectPublicKeyInfo ({ $error })
key-bit-string-unused-bits = в BIT STRING открытого ключа есть неиспользуемые биты
key-ec-no-named-curve = ключ EC не называет именованную кривую
key-ec-secp256k1 = неподдерживаемая кривая EC secp256k1 (ES256K не поддерживается)
key-ec-curve-oid = неподдерживаемая кривая EC (OID { $oid })
key-gost-unusable = открытый ключ ГОСТ непригоден: { $error }
key-kind-key-agreement = { $name } (согласование ключей)
key-unsupported-oid = неподдерживаемый тип ключа (OID алгоритма { $oid })
key-unsupported-named = неподдерживаемый тип ключа { $name } (OID { $oid })
key-certificate-invalid = некорректный сертификат X.509 ({ $error })
key-gost-certificate-unusable = ключ ГОСТ из сертификата непригоден: { $error }
key-certificate-reencode = не удалось заново закодировать ключ сертификата ({ $error })
key-pem-truncated = у блока { $label } нет строки "{ $end }": текст PEM обрезан
key-pem-not-base64 = блок { $label } — не корректный base64 ({ $error })

## ГОСТ Р 34.10-2012 (token/gost.rs)

gost-unknown-curve = неизвестный набор параметров ГОСТ Р 34.10 { $oid }
gost-unsupported-algorithm = это не открытый ключ ГОСТ Р 34.10: алгоритм ключа — { $algorithm }
gost-bad-key = некорректный открытый ключ ГОСТ: { $detail }
gost-bad-certificate = не удаётся прочитать сертификат: { $detail }
gost-signature-length = подпись ГОСТ для этого ключа занимает { $expected ->
    [one] { $expected } байт
    [few] { $expected } байта
   *[many] { $expected } байт
} (две половины по { $half ->
    [one] { $half } байт
    [few] { $half } байта
   *[many] { $half } байт
}), а эта — { $got ->
    [one] { $got } байт
    [few] { $got } байта
   *[many] { $got } байт
}
gost-no-layout-verified = подпись не подтверждается этим ключом ни в одном известном формате (s‖r или r‖s, хеш little- или big-endian): ключ не тот, или подписанные данные изменены
# Как уложены байты подписи: «s‖r, хеш little-endian».
gost-layout = { $order }, хеш { $digest }
gost-not-spki = это не SubjectPublicKeyInfo в DER: { $error }
gost-no-parameters = у ключа нет параметров (RFC 9215 §4.1 их требует)
gost-parameter-bits = набор параметров { $curve } ({ $oid }) { $bits }-битный, а алгоритм { $algorithm } — для { $algorithm_bits }-битных ключей
gost-bit-string-unused-bits = в BIT STRING ключа есть неиспользуемые биты
gost-not-octet-string = в BIT STRING ключа нет OCTET STRING в DER (RFC 4491 §2.3.2): { $error }
gost-key-length = { $bits }-битный ключ занимает { $expected ->
    [one] { $expected } байт
    [few] { $expected } байта
   *[many] { $expected } байт
} (x ‖ y), а этот — { $got ->
    [one] { $got } байт
    [few] { $got } байта
   *[many] { $got } байт
}
gost-reencode = не удалось заново закодировать ключ: { $error }
gost-coordinate-length = длина координаты { $name } — { $length ->
    [one] { $length } байт
    [few] { $length } байта
   *[many] { $length } байт
}, а у { $bits }-битного ключа координаты по { $size ->
    [one] { $size } байт
    [few] { $size } байта
   *[many] { $size } байт
}
gost-coordinate-too-large = координата не меньше простого модуля поля { $curve }
gost-not-on-curve = точка не лежит на кривой { $curve } (не тот набор параметров или координаты не в little-endian?)
gost-parameters-not-sequence = параметры ключа заданы как { $tag }, а по RFC 9215 §4.1 это SEQUENCE из OID
gost-parameter-oid = не удаётся прочитать OID набора параметров ключа: { $error }
gost-pem-no-end = в PEM нет строки END CERTIFICATE (текст обрезан?)
gost-bad-pem = некорректный сертификат PEM: { $error }
gost-no-certificate-block = в PEM нет блока CERTIFICATE
gost-not-pem-or-der = это не сертификат ни в PEM, ни в DER (нет тега SEQUENCE)
gost-bad-der = некорректный сертификат DER: { $error }
gost-bad-private-key = закрытый ключ ГОСТ непригоден: { $detail }
gost-private-out-of-range = закрытый ключ не лежит между 1 и порядком группы { $curve }
gost-private-not-pkcs8 = это не PrivateKeyInfo PKCS#8 в DER: { $error }
gost-private-2001 = ключ ГОСТ Р 34.10-2001 подписывает с ГОСТ Р 34.11-94, который tokenscope не реализует; используйте ключ ГОСТ Р 34.10-2012
gost-private-length = закрытый ключ { $bits }-битного ключа занимает { $size } байт, а этот — { $got }

## Наборы проверок (token/assess.rs)

check-set-id-token = ID-токен (OIDC Core §3.1.3.7)
check-set-access-token = JWT-токен доступа (RFC 9068 §4)

## Загрузка ключей (app)

key-loaded = { $count ->
    [one] { $count } ключ
    [few] { $count } ключа
   *[many] { $count } ключей
} из { $label }.
key-hmac-added = Секрет HMAC добавлен.
check-set-dpop = Доказательство DPoP (RFC 9449 §4.3)
dpop-htm = Метод
dpop-htu = URL
dpop-access-token = Access token
dpop-nonce = Nonce сервера
