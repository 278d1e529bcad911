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
