# Расшифровка JWE (token/jwe.rs, token/private_keys.rs) и где она видна:
# инспектор, `decode --key`, `verify --decryption-key`.

## Ключи для расшифровки (token/private_keys.rs)

key-size-symmetric = секретный ключ, { $bits ->
    [one] { $bits } бит
    [few] { $bits } бита
   *[many] { $bits } бит
}
key-private-part = его закрытой частью нельзя расшифровать: { $reason }
key-private-unusable = непригодный закрытый ключ RSA ({ $error })
key-private-rsa-too-small = длина ключа RSA — { $bits ->
    [one] { $bits } бит
    [few] { $bits } бита
   *[many] { $bits } бит
}; для RSA-OAEP нужно не меньше { $min } (RFC 7518 §4.3)
key-private-ec-invalid = "d" — не закрытый ключ { $crv }
key-private-ec-mismatch = "d" не соответствует открытому ключу "x", "y" того же JWK
key-private-invalid = некорректный закрытый ключ ({ $error })
key-private-encrypted = зашифрованный закрытый ключ: выгрузите его без пароля или как PKCS#12 (тогда пароль будет запрошен)
key-private-signing-only = закрытый ключ { $name } подписывает, а не расшифровывает; для проверки нужен только открытый ключ
key-private-unsupported = закрытые ключи { $name } для расшифровки не поддерживаются
key-file-unreadable = не удалось прочитать ключ для расшифровки { $path }: { $error }
key-file-no-decryption-key = в { $path } нет закрытого ключа для расшифровки
key-file-no-decryption-key-why = в { $path } нет закрытого ключа для расшифровки: { $why }
key-file-passphrase-wrong = пароль к { $file } неверный
key-file-passphrase-missing = пароль к { $file } не задан, а этот файл PKCS#12 без него не открыть

## Расшифровка (token/jwe.rs)

jwe-decrypted-with = Расшифрован ключом { $key } ({ $alg }, { $enc })
jwe-malformed = некорректный JWE: { $reason }
jwe-unsupported = не поддерживается { $what }: токен не расшифрован
jwe-crit = заголовок помечает { $names } как критичные, а tokenscope их не реализует: отклонено (RFC 7516 §4.1.13)
jwe-rsa1-5-refused = шифрование ключа RSA1_5 отклонено: оно уязвимо к атакам с оракулом дополнения (RFC 8725 §3.2, RFC 7518 §8.3); чтобы всё же расшифровать, разрешите его явно
jwe-no-key = ни один ключ не расшифровывает этот токен { $alg }: { $reason }
jwe-epk = эфемерный ключ (epk) отклонён: { $reason }
jwe-key-unwrap = ключ { $key } не восстанавливает ключ содержимого ({ $alg }): не тот ключ или токен изменён
jwe-tag = тег не сходится с ключом { $key } ({ $enc }): не тот ключ или токен изменён
jwe-zip = сжатое содержимое (zip DEF) не читается: { $reason }
jwe-several = ни один из подходящих ключей ({ $count }) не расшифровывает токен: { $reasons }
jwe-member-not-string = "{ $name }" — { $kind }, а не строка
jwe-member-missing = в заголовке нет "{ $name }" (RFC 7516 §4.1)
jwe-member-not-base64url = "{ $name }" — не base64url
jwe-member-length = длина "{ $name }" — { $length ->
    [one] { $length } байт
    [few] { $length } байта
   *[many] { $length } байт
}, а должна быть { $expected } (RFC 7518)
jwe-encrypted-key-too-long = зашифрованный ключ длиной { $length } байт длиннее любого, что tokenscope умеет развернуть
jwe-encrypted-key-not-empty = у { $alg } нет зашифрованного ключа, а у этого токена он есть (RFC 7518 §4.5, §4.6)
jwe-cek-length = длина ключа содержимого — { $length } байт, а { $enc } нужно { $expected }: не тот ключ или токен изменён
jwe-padding = у расшифрованного содержимого испорчено дополнение
jwe-compressed-note = содержимое сжато перед шифрованием (zip DEF), чего RFC 8725 §3.6 делать не советует
jwe-zip-too-large = после распаковки больше { $mebibytes } МиБ: отклонено
jwe-no-decryption-keys = ключ для расшифровки не задан
jwe-no-key-of-type = нужен { $needs }, а среди ключей для расшифровки ({ $count }) такого нет
jwe-unknown-kid = ни у одного ключа для расшифровки нет kid { $kid } (kid ключей: { $kids })
jwe-needs-rsa = закрытый ключ RSA
jwe-needs-ec = закрытый ключ EC на кривой { $curve }
jwe-needs-secret = секретный ключ длиной { $bits } бит
jwe-unfit-alg = { $key } предназначен только для { $key_alg }, а токен использует { $alg } (RFC 7517 §4.4)
jwe-unfit-use = у { $key } use "{ $key_use }", а не "enc" (RFC 7517 §4.2)
jwe-unfit-ops = { $key } разрешает только { $ops } (RFC 7517 §4.3)
jwe-epk-missing = в заголовке нет "epk" (RFC 7518 §4.6.1.1)
jwe-epk-not-object = "epk" — { $kind }, а не объект JWK
jwe-epk-member = у "epk" нет пригодного "{ $name }"
jwe-epk-coordinate = длина "{ $name }" в "epk" — { $length } байт, а для { $crv } нужно ровно { $size }
jwe-epk-off-curve = это не точка на кривой { $crv }: отклонено, как требует RFC 8725 §3.4 (атака с неверной кривой)
jwe-epk-curve-mismatch = он на кривой { $crv }, а ключ — нет
jwe-nested-closed = вложенный токен остался зашифрованным: { $error }
jwe-nested-undecodable = cty говорит JWT, но открытый текст не декодируется: { $error }

## Строка подписи расшифрованного токена (token/verify.rs)

verify-not-decrypted = не расшифрован: { $reason }
verify-encrypted-decrypted = зашифрован { $alg } / { $enc }, расшифрован ключом { $key } (OIDC Core §10.2: подписан, затем зашифрован)
verify-decrypted-unsigned = { $decrypted }; внутри { $content }, без подписи: ничто не доказывает, кто это написал

## Инспектор (ui/token_panel.rs, ui/verify_views.rs)

fact-encryption = Шифр
decryption-keys-title = Ключи для расшифровки (закрытые, для JWE)
decryption-allow-rsa1-5 = Разрешить RSA1_5 (небезопасно, RFC 8725 §3.2)
decryption-allow-rsa1-5-hint = Шифрование ключа RSA1_5 уязвимо к атакам с оракулом дополнения; расшифровывайте так только токен, которому доверяете
claims-encrypted-load-key = Зашифрованный токен: чтобы прочитать его, загрузите закрытый ключ получателя (файл JWK, PEM или PKCS#12) на вкладке «Ключи».
claims-decrypted-text = Расшифрованный открытый текст — не набор утверждений:
claims-decrypted-binary = Расшифрованный открытый текст — { $length } байт, и это не текст.

## Шифрование (token/jwe/seal.rs): песочница шифрует ID-токены и UserInfo

jwe-seal-unsupported = нельзя зашифровать с { $what }: tokenscope шифрует RSA-OAEP-256 или RSA-OAEP с A128GCM, A192GCM или A256GCM
jwe-seal-random = операционная система не дала случайных байтов для ключа содержимого: { $error }
jwe-seal-key-encryption = { $alg } не смог зашифровать ключ содержимого: { $error }
jwe-seal-content = { $enc } не смог зашифровать содержимое: оно слишком длинное
