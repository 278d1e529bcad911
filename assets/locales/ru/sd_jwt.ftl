# SD-JWT (RFC 9901): разбор, проверки и пометки инспектора.

## Разбор (token/sd_jwt.rs)

sd-summary-disclosures = { $count ->
    [one] { $count } раскрытие
    [few] { $count } раскрытия
   *[many] { $count } раскрытий
}
sd-top-level = полезная нагрузка
sd-empty = раскрытие { $number } пустое (два ~ подряд)
sd-not-base64 = раскрытие { $number } — не base64url: { $detail }
sd-not-json = раскрытие { $number } — не JSON: { $detail }
sd-shape = раскрытие { $number } — не [соль, имя, значение] и не [соль, значение] со строковыми солью и именем
sd-repeated = раскрытие { $number } предъявлено дважды
sd-unreferenced = ни один дайджест полезной нагрузки не ссылается на раскрытие { $number }: его изменили, или оно от другого SD-JWT
sd-duplicate-digest = дайджест { $digest } встречается больше одного раза
sd-wrong-kind = раскрытие { $number } не подходит к месту своего дайджеста ({ $path }): свойству объекта нужно [соль, имя, значение], элементу массива — [соль, значение]
sd-reserved-name = раскрытие { $number } называет утверждение { $name }, а это имя раскрытию запрещено
sd-name-exists = раскрытие { $number } раскрывает { $path }, а такое утверждение уже есть
sd-not-digests = _sd или ... в { $path } содержит не строки-дайджесты
sd-alg-unsupported = _sd_alg = { $alg }; tokenscope умеет только sha-256, sha-384, sha-512
sd-too-many = раскрытий { $count }; прочитаны только первые { $max }
sd-too-deep = раскрытия вложены слишком глубоко
sd-issuer-not-jws = часть до первого ~ — не подписанный JWT с утверждениями

## Проверки (token/sd_jwt.rs)

check-set-sd-jwt = SD-JWT (RFC 9901 §7)
check-sd-alg-default = _sd_alg нет: дайджесты SHA-256
check-sd-alg = дайджесты { $alg }
check-sd-disclosures-ok = { $count ->
    [one] { $count } раскрытие найдено
    [few] { $count } раскрытия найдены
   *[many] { $count } раскрытий найдены
} по дайджестам { $alg }; скрыто или ложных: { $withheld }
check-sd-disclosures-unchecked = раскрытия ({ $count }) не проверить: алгоритм дайджеста не поддерживается
check-sd-digests-ok = ни один дайджест не повторяется
check-sd-names-ok = имена раскрытых утверждений не зарезервированы и не повторяются
check-sd-no-exp = exp нет: срок действия SD-JWT не ограничен
check-sd-cnf-jwk = ключ владельца из cnf.jwk: { $key }
check-sd-cnf-absent = cnf нет: SD-JWT не привязан к ключу владельца
check-sd-cnf-missing-kb = предъявлен JWT привязки к ключу, но в SD-JWT нет cnf, чтобы его проверить
check-sd-cnf-not-object = cnf имеет тип «{ $kind }», а не объект
check-sd-cnf-no-jwk = cnf.jwk — непригодный ключ
check-sd-cnf-other = в cnf есть { $members }, но нет jwk: tokenscope проверяет только по cnf.jwk
check-sd-kb-missing = проверяющий ждёт привязки к ключу (задан aud или nonce), но JWT привязки в конце SD-JWT нет
check-sd-kb-none = JWT привязки нет: предъявить этот SD-JWT может любой, у кого он есть
check-sd-kb-encrypted = JWT привязки зашифрован (JWE), а должен быть подписанным JWT
check-sd-kb-undecodable = JWT привязки не раскодировать: { $error }
check-sd-kb-typ-ok = typ = kb+jwt
check-sd-kb-typ-wrong = typ = { $typ }, а у JWT привязки должен быть kb+jwt
check-sd-kb-typ-missing = typ нет, а у JWT привязки должен быть kb+jwt
check-sd-hash-ok = sd_hash — это { $alg } предъявленного SD-JWT
check-sd-hash-mismatch = sd_hash = { $written }, а { $alg } предъявленного SD-JWT = { $expected }: JWT привязки сделан для других раскрытий
check-sd-kb-not-expected = { $name } = { $value }; ничего не ожидалось (задайте --audience / --nonce)
check-sd-kb-as-expected = { $name } = { $value }, как ожидалось
check-sd-kb-mismatch = { $name } = { $value }, а ожидалось { $expected }
check-sd-kb-iat-ok = создан { $age } назад ({ $at }), в пределах { $max }

## Утверждения SD-JWT VC (token/claims.rs)

claim-vct = Тип проверяемого удостоверения: что это за удостоверение (SD-JWT VC §3.2.2.1)
claim-vct-integrity = Целостность метаданных типа, на которые указывает vct (SD-JWT VC §6.5)
claim-status = Где узнать, не отозвано ли и не приостановлено ли удостоверение (Token Status List, SD-JWT VC §3.2.2.2)
claim-sd = Дайджесты утверждений, которые можно раскрыть; оставшиеся здесь не раскрыты: скрыты или ложные (RFC 9901 §4.2.4.1)
claim-sd-alg = Хеш-алгоритм дайджестов раскрытий (RFC 9901 §4.1.1)
claim-sd-element = Дайджест элемента массива, который можно раскрыть; этот не раскрыт: скрыт или ложный (RFC 9901 §4.2.4.2)

## Инспектор (ui)

sd-disclosed = раскрыто
sd-disclosed-hover = Раскрыто: { $disclosure }
    соль { $salt }
    дайджест { $digest }
sd-withheld = { $count ->
    [one] { $count } утверждение скрыто
    [few] { $count } утверждения скрыты
   *[many] { $count } утверждений скрыто
} (или ложные: их не отличить)
sd-none-withheld = раскрыты все дайджесты
fact-disclosures = Раскрытия
fact-key-binding = Привязка
sd-key-binding-none = нет: у SD-JWT нет JWT привязки к ключу
sd-key-binding-heading = JWT привязки к ключу
sd-problems = Неприемлемо: { $problems }
checks-audience = Аудитория (aud)
checks-audience-hint = id проверяющего

## Ключи издателя SD-JWT VC из JWT VC Issuer Metadata (token/sd_jwt_vc.rs)

sd-vc-url-empty = iss пуст
sd-vc-url-not-ascii = в iss есть «{ $character }» ({ $code }): URL пишется в ASCII, а интернационализированное имя хоста здесь не переводится в форму xn--
sd-vc-url-control = в iss есть пробел или управляющий символ ({ $code })
sd-vc-url-no-scheme = iss — не абсолютный URL (нет scheme://)
sd-vc-url-not-https = iss использует { $scheme }: метаданные загружаются только по https (http — только на локальном хосте)
sd-vc-url-query = в iss есть query или fragment, которых у идентификатора издателя быть не должно
sd-vc-url-userinfo = в iss указан пользователь (user@host)
sd-vc-url-host = в iss нет пригодного хоста ({ $host })
sd-vc-url-port = порт в iss — не число от 0 до 65535 ({ $port })
sd-vc-no-url = адрес JWT VC Issuer Metadata составить нельзя: { $reason }
sd-vc-meta-too-large = метаданные занимают { $bytes } байт, больше допустимых { $max }
sd-vc-meta-not-utf8 = метаданные не в UTF-8 (неверный байт по смещению { $at })
sd-vc-meta-not-json = метаданные — не JSON: { $detail }
sd-vc-meta-not-object = метаданные — { $kind }, а не объект JSON
sd-vc-meta-no-issuer = в метаданных нет строки issuer
sd-vc-meta-issuer-mismatch = отклонено: issuer в метаданных — { $issuer }, а не iss удостоверения { $iss }; их ключи использовать нельзя
sd-vc-meta-both = в метаданных есть и jwks, и jwks_uri; должно быть что-то одно
sd-vc-meta-neither = в метаданных нет ни jwks, ни jwks_uri
sd-vc-meta-jwks-not-object = jwks в метаданных — { $kind }, а не объект JWK Set
sd-vc-meta-jwks-uri-not-string = jwks_uri в метаданных — { $kind }, а не строка URL
sd-vc-meta-jwks-uri-refused = jwks_uri { $uri } из метаданных не загружается: { $reason }
sd-vc-not-vc = это не SD-JWT VC: typ — { $typ } (не dc+sd-jwt и не vc+sd-jwt), и утверждения vct нет
sd-vc-not-vc-no-typ = это не SD-JWT VC: нет ни typ, ни утверждения vct
sd-vc-no-iss = в JWT издателя нет iss: не у кого спросить ключи
sd-vc-iss-not-string = iss — { $kind }, а не строка URL
sd-vc-other-issuer = ключи загружены для издателя { $fetched }, а iss этого удостоверения — { $iss }
sd-vc-key-no-kid = в JWT нет kid, а издатель публикует ключей: { $count }; каким подписано, не сказано
sd-vc-key-kid-unknown = нет ключа с kid { $kid } (kid издателя: { $kids })
sd-vc-key-none = в наборе ключей издателя нет пригодного ключа
sd-vc-key-from = { $reason } в { $url }
sd-vc-issuer-key-ok = подписано ключом издателя { $key } из { $url }
sd-vc-fetch = Загрузить ключи издателя с { $host }
sd-vc-fetch-hint = Запросит { $url } (JWT VC Issuer Metadata) и указанные там ключи, затем проверит снова
sd-vc-fetch-unavailable = Ключи издателя загрузить нельзя: { $reason }
sd-vc-keys-loaded = { $count ->
    [one] { $count } ключ издателя
    [few] { $count } ключа издателя
   *[other] { $count } ключей издателя
} из { $url }
