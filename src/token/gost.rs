//! GOST R 34.10-2012 signature verification (the Russian elliptic-curve
//! signature standard), as used by banks that sign ID tokens and user-info
//! answers with `"alg": "gost34.10-2012"`.
//!
//! * Algorithm: RFC 7091 §6.2 (verification), on short Weierstrass curves
//!   `y² = x³ + ax + b (mod p)`; twisted Edwards parameter sets of RFC 7836
//!   are used in their Weierstrass form, as RFC 7836 lists them.
//! * Hash: GOST R 34.11-2012 "Streebog" (RFC 6986), 256-bit for 256-bit keys
//!   and 512-bit for 512-bit keys.
//! * Keys: X.509 `SubjectPublicKeyInfo` per RFC 4491 §2.3.2 / RFC 9215 §4:
//!   algorithm `id-tc26-gost3410-12-256` / `-512` (or the 2001 OID), parameters
//!   `SEQUENCE { publicKeyParamSet OID, digestParamSet OID OPTIONAL, … }`, and
//!   the key as an `OCTET STRING` of `x ‖ y`, each coordinate little-endian,
//!   wrapped in the `BIT STRING`.
//! * Signatures: `2n` bytes (`n` = 32 or 64). The layout Crypto-Pro's CSP and the
//!   OpenSSL GOST engine emit (RFC 4491 §2.2.2, kept by RFC 9215 §3) is
//!   `s ‖ r`, each big-endian, over the digest read as a **little-endian**
//!   integer. Because partners get this wrong in every possible way,
//!   [`verify`] tries the four combinations of component order and digest
//!   byte order and reports which one verified.
//!
//! Verification involves only public data, so the arithmetic is plain
//! variable-time `num-bigint`. [`GostPrivateKey`] signs with the same
//! arithmetic for the built-in sandbox provider's throwaway keys; being
//! variable-time, it must never hold a real key.

use std::fmt;

use num_bigint::BigUint;
use num_traits::{One, Zero};
use streebog::{Digest, Streebog256, Streebog512};
use x509_cert::Certificate;
use x509_cert::der::asn1::{AnyRef, ObjectIdentifier, OctetStringRef};
use x509_cert::der::{Decode, DecodePem, Encode, Reader, Tag, Tagged};
use x509_cert::spki::SubjectPublicKeyInfoRef;

/// `id-tc26-gost3410-12-256` (RFC 9215 §4): GOST R 34.10-2012, 256-bit key.
pub const OID_GOST3410_2012_256: &str = "1.2.643.7.1.1.1.1";
/// `id-tc26-gost3410-12-512` (RFC 9215 §4): GOST R 34.10-2012, 512-bit key.
pub const OID_GOST3410_2012_512: &str = "1.2.643.7.1.1.1.2";
/// `id-GostR3410-2001` (RFC 4491 §2.3.2): GOST R 34.10-2001 key, the same
/// curve arithmetic with 256-bit keys.
pub const OID_GOST3410_2001: &str = "1.2.643.2.2.19";

/// Named curve parameter sets of GOST R 34.10 (RFC 4357 §11.4, RFC 7836
/// appendix A.2, RFC 7091 §7 for the test sets).
///
/// The 2001-era Crypto-Pro sets stay in use with 2012 keys: TC26 re-registered
/// CryptoPro-A/B/C as `id-tc26-gost-3410-12-256-paramSetB/C/D`, and
/// [`GostCurve::from_oid`] maps both spellings to the same variant. The key
/// exchange sets `XchA` / `XchB` are the same curves as CryptoPro-A / -C under
/// their own OIDs, and keep their own variants so the name shown is the one
/// the certificate uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GostCurve {
    /// `id-GostR3410-2001-CryptoPro-A-ParamSet` (1.2.643.2.2.35.1) =
    /// `id-tc26-gost-3410-12-256-paramSetB` (1.2.643.7.1.2.1.1.2).
    CryptoProA,
    /// `id-GostR3410-2001-CryptoPro-B-ParamSet` (1.2.643.2.2.35.2) =
    /// `id-tc26-gost-3410-12-256-paramSetC` (1.2.643.7.1.2.1.1.3).
    CryptoProB,
    /// `id-GostR3410-2001-CryptoPro-C-ParamSet` (1.2.643.2.2.35.3) =
    /// `id-tc26-gost-3410-12-256-paramSetD` (1.2.643.7.1.2.1.1.4).
    CryptoProC,
    /// `id-GostR3410-2001-CryptoPro-XchA-ParamSet` (1.2.643.2.2.36.0): the
    /// CryptoPro-A curve.
    CryptoProXchA,
    /// `id-GostR3410-2001-CryptoPro-XchB-ParamSet` (1.2.643.2.2.36.1): the
    /// CryptoPro-C curve.
    CryptoProXchB,
    /// `id-tc26-gost-3410-12-256-paramSetA` (1.2.643.7.1.2.1.1.1), a twisted
    /// Edwards curve (cofactor 4), used here in its Weierstrass form (RFC 7836).
    Tc26Gost256A,
    /// `id-tc26-gost-3410-12-512-paramSetA` (1.2.643.7.1.2.1.2.1).
    Tc26Gost512A,
    /// `id-tc26-gost-3410-12-512-paramSetB` (1.2.643.7.1.2.1.2.2).
    Tc26Gost512B,
    /// `id-tc26-gost-3410-12-512-paramSetC` (1.2.643.7.1.2.1.2.3), a twisted
    /// Edwards curve (cofactor 4), used here in its Weierstrass form (RFC 7836).
    Tc26Gost512C,
    /// `id-GostR3410-2001-TestParamSet` (1.2.643.2.2.35.0): the 256-bit
    /// example curve of RFC 7091 §7.1 (`p = 0x8000…0431`). Never used for real
    /// keys; here so the standard's worked example can be checked.
    Test256,
    /// `id-tc26-gost-3410-12-512-paramSetTest` (1.2.643.7.1.2.1.2.0): the
    /// 512-bit example curve of RFC 7091 §7.2.
    Test512,
}

impl GostCurve {
    /// Every parameter set, in declaration order.
    pub const ALL: [Self; 11] = [
        Self::CryptoProA,
        Self::CryptoProB,
        Self::CryptoProC,
        Self::CryptoProXchA,
        Self::CryptoProXchB,
        Self::Tc26Gost256A,
        Self::Tc26Gost512A,
        Self::Tc26Gost512B,
        Self::Tc26Gost512C,
        Self::Test256,
        Self::Test512,
    ];

    /// A short display name: `"CryptoPro-A"`, `"CryptoPro-XchB"`,
    /// `"TC26-256-A"`, `"TC26-512-C"`, `"Test-256"`, ….
    pub fn name(self) -> &'static str {
        match self {
            Self::CryptoProA => "CryptoPro-A",
            Self::CryptoProB => "CryptoPro-B",
            Self::CryptoProC => "CryptoPro-C",
            Self::CryptoProXchA => "CryptoPro-XchA",
            Self::CryptoProXchB => "CryptoPro-XchB",
            Self::Tc26Gost256A => "TC26-256-A",
            Self::Tc26Gost512A => "TC26-512-A",
            Self::Tc26Gost512B => "TC26-512-B",
            Self::Tc26Gost512C => "TC26-512-C",
            Self::Test256 => "Test-256",
            Self::Test512 => "Test-512",
        }
    }

    /// The key size class, 256 or 512: it fixes the coordinate and signature
    /// component length (`bits / 8` bytes) and the Streebog variant. (The
    /// RFC 7091 §7.2 test curve has a 511-bit `p` and is still a 512-bit set.)
    pub fn bits(self) -> usize {
        match self {
            Self::CryptoProA
            | Self::CryptoProB
            | Self::CryptoProC
            | Self::CryptoProXchA
            | Self::CryptoProXchB
            | Self::Tc26Gost256A
            | Self::Test256 => 256,
            Self::Tc26Gost512A | Self::Tc26Gost512B | Self::Tc26Gost512C | Self::Test512 => 512,
        }
    }

    /// Length in bytes of one coordinate, and of one signature component.
    pub fn coordinate_len(self) -> usize {
        self.bits() / 8
    }

    /// The parameter set's OID, in the spelling a 2012 certificate normally
    /// carries (the 2001 OIDs for CryptoPro-A/B/C, which is what
    /// Crypto-Pro's CSP writes).
    pub fn oid(self) -> &'static str {
        match self {
            Self::CryptoProA => "1.2.643.2.2.35.1",
            Self::CryptoProB => "1.2.643.2.2.35.2",
            Self::CryptoProC => "1.2.643.2.2.35.3",
            Self::CryptoProXchA => "1.2.643.2.2.36.0",
            Self::CryptoProXchB => "1.2.643.2.2.36.1",
            Self::Tc26Gost256A => "1.2.643.7.1.2.1.1.1",
            Self::Tc26Gost512A => "1.2.643.7.1.2.1.2.1",
            Self::Tc26Gost512B => "1.2.643.7.1.2.1.2.2",
            Self::Tc26Gost512C => "1.2.643.7.1.2.1.2.3",
            Self::Test256 => "1.2.643.2.2.35.0",
            Self::Test512 => "1.2.643.7.1.2.1.2.0",
        }
    }

    /// The parameter set named by a dotted OID (RFC 4357 §10.8, RFC 7836
    /// §5.2, RFC 9215 §4), including the TC26 aliases of CryptoPro-A/B/C
    /// (`id-tc26-gost-3410-12-256-paramSetB/C/D`).
    pub fn from_oid(oid: &str) -> Option<Self> {
        Some(match oid {
            "1.2.643.2.2.35.1" | "1.2.643.7.1.2.1.1.2" => Self::CryptoProA,
            "1.2.643.2.2.35.2" | "1.2.643.7.1.2.1.1.3" => Self::CryptoProB,
            "1.2.643.2.2.35.3" | "1.2.643.7.1.2.1.1.4" => Self::CryptoProC,
            "1.2.643.2.2.36.0" => Self::CryptoProXchA,
            "1.2.643.2.2.36.1" => Self::CryptoProXchB,
            "1.2.643.7.1.2.1.1.1" => Self::Tc26Gost256A,
            "1.2.643.7.1.2.1.2.1" => Self::Tc26Gost512A,
            "1.2.643.7.1.2.1.2.2" => Self::Tc26Gost512B,
            "1.2.643.7.1.2.1.2.3" => Self::Tc26Gost512C,
            "1.2.643.2.2.35.0" => Self::Test256,
            "1.2.643.7.1.2.1.2.0" => Self::Test512,
            _ => return None,
        })
    }

    /// The domain parameters `(p, a, b, q, x_P, y_P)` as big-endian hex, from
    /// RFC 4357 §11.4 (Crypto-Pro sets), RFC 7836 appendix A.2 (TC26, Edwards sets
    /// in Weierstrass form) and RFC 7091 §7 (test sets). The `curve_constants`
    /// test checks each set: `P` on the curve and `q·P = O`.
    fn hex_params(self) -> [&'static str; 6] {
        match self {
            Self::CryptoProA | Self::CryptoProXchA => [
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFD97",
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFD94",
                "A6",
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF6C611070995AD10045841B09B761B893",
                "1",
                "8D91E471E0989CDA27DF505A453F2B7635294F2DDF23E3B122ACC99C9E9F1E14",
            ],
            Self::CryptoProB => [
                "8000000000000000000000000000000000000000000000000000000000000C99",
                "8000000000000000000000000000000000000000000000000000000000000C96",
                "3E1AF419A269A5F866A7D3C25C3DF80AE979259373FF2B182F49D4CE7E1BBC8B",
                "800000000000000000000000000000015F700CFFF1A624E5E497161BCC8A198F",
                "1",
                "3FA8124359F96680B83D1C3EB2C070E5C545C9858D03ECFB744BF8D717717EFC",
            ],
            Self::CryptoProC | Self::CryptoProXchB => [
                "9B9F605F5A858107AB1EC85E6B41C8AACF846E86789051D37998F7B9022D759B",
                "9B9F605F5A858107AB1EC85E6B41C8AACF846E86789051D37998F7B9022D7598",
                "805A",
                "9B9F605F5A858107AB1EC85E6B41C8AA582CA3511EDDFB74F02F3A6598980BB9",
                "0",
                "41ECE55743711A8C3CBF3783CD08C0EE4D4DC440D4641A8F366E550DFDB3BB67",
            ],
            Self::Tc26Gost256A => [
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFD97",
                "C2173F1513981673AF4892C23035A27CE25E2013BF95AA33B22C656F277E7335",
                "295F9BAE7428ED9CCC20E7C359A9D41A22FCCD9108E17BF7BA9337A6F8AE9513",
                "400000000000000000000000000000000FD8CDDFC87B6635C115AF556C360C67",
                "91E38443A5E82C0D880923425712B2BB658B9196932E02C78B2582FE742DAA28",
                "32879423AB1A0375895786C4BB46E9565FDE0B5344766740AF268ADB32322E5C",
            ],
            Self::Tc26Gost512A => [
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF\
                 FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDC7",
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF\
                 FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDC4",
                "E8C2505DEDFC86DDC1BD0B2B6667F1DA34B82574761CB0E879BD081CFD0B6265\
                 EE3CB090F30D27614CB4574010DA90DD862EF9D4EBEE4761503190785A71C760",
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF\
                 27E69532F48D89116FF22B8D4E0560609B4B38ABFAD2B85DCACDB1411F10B275",
                "3",
                "7503CFE87A836AE3A61B8816E25450E6CE5E1C93ACF1ABC1778064FDCBEFA921\
                 DF1626BE4FD036E93D75E6A50E3A41E98028FE5FC235F5B889A589CB5215F2A4",
            ],
            Self::Tc26Gost512B => [
                "8000000000000000000000000000000000000000000000000000000000000000\
                 000000000000000000000000000000000000000000000000000000000000006F",
                "8000000000000000000000000000000000000000000000000000000000000000\
                 000000000000000000000000000000000000000000000000000000000000006C",
                "687D1B459DC841457E3E06CF6F5E2517B97C7D614AF138BCBF85DC806C4B289F\
                 3E965D2DB1416D217F8B276FAD1AB69C50F78BEE1FA3106EFB8CCBC7C5140116",
                "8000000000000000000000000000000000000000000000000000000000000001\
                 49A1EC142565A545ACFDB77BD9D40CFA8B996712101BEA0EC6346C54374F25BD",
                "2",
                "1A8F7EDA389B094C2C071E3647A8940F3C123B697578C213BE6DD9E6C8EC7335\
                 DCB228FD1EDF4A39152CBCAAF8C0398828041055F94CEEEC7E21340780FE41BD",
            ],
            Self::Tc26Gost512C => [
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF\
                 FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDC7",
                "DC9203E514A721875485A529D2C722FB187BC8980EB866644DE41C68E1430645\
                 46E861C0E2C9EDD92ADE71F46FCF50FF2AD97F951FDA9F2A2EB6546F39689BD3",
                "B4C4EE28CEBC6C2C8AC12952CF37F16AC7EFB6A9F69F4B57FFDA2E4F0DE5ADE0\
                 38CBC2FFF719D2C18DE0284B8BFEF3B52B8CC7A5F5BF0A3C8D2319A5312557E1",
                "3FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF\
                 C98CDBA46506AB004C33A9FF5147502CC8EDA9E7A769A12694623CEF47F023ED",
                "E2E31EDFC23DE7BDEBE241CE593EF5DE2295B7A9CBAEF021D385F7074CEA043A\
                 A27272A7AE602BF2A7B9033DB9ED3610C6FB85487EAE97AAC5BC7928C1950148",
                "F5CE40D95B5EB899ABBCCFF5911CB8577939804D6527378B8C108C3D2090FF9B\
                 E18E2D33E3021ED2EF32D85822423B6304F726AA854BAE07D0396E9A9ADDC40F",
            ],
            Self::Test256 => [
                "8000000000000000000000000000000000000000000000000000000000000431",
                "7",
                "5FBFF498AA938CE739B8E022FBAFEF40563F6E6A3472FC2A514C0CE9DAE23B7E",
                "8000000000000000000000000000000150FE8A1892976154C59CFC193ACCF5B3",
                "2",
                "08E2A8A0E65147D4BD6316030E16D19C85C97F0A9CA267122B96ABBCEA7E8FC8",
            ],
            Self::Test512 => [
                "4531ACD1FE0023C7550D267B6B2FEE80922B14B2FFB90F04D4EB7C09B5D2D15D\
                 F1D852741AF4704A0458047E80E4546D35B8336FAC224DD81664BBF528BE6373",
                "7",
                "1CFF0806A31116DA29D8CFA54E57EB748BC5F377E49400FDD788B649ECA1AC43\
                 61834013B2AD7322480A89CA58E0CF74BC9E540C2ADD6897FAD0A3084F302ADC",
                "4531ACD1FE0023C7550D267B6B2FEE80922B14B2FFB90F04D4EB7C09B5D2D15D\
                 A82F2D7ECB1DBAC719905C5EECC423F1D86E25EDBE23C595D644AAF187E6E6DF",
                "24D19CC64572EE30F396BF6EBBFD7A6C5213B3B3D7057CC825F91093A68CD762\
                 FD60611262CD838DC6B60AA7EEE804E28BC849977FAC33B4B530F1B120248A9A",
                "2BB312A43BD2CE6E0D020613C857ACDDCFBF061E91E5F2C3F32447C259F39B2C\
                 83AB156D77F1496BF7EB3351E1EE4E43DC1A18B91B24640B6DBB92CB1ADD371E",
            ],
        }
    }

    fn params(self) -> Curve {
        let [p, a, b, q, base_x, base_y] = self.hex_params().map(hex_constant);
        Curve {
            p,
            a,
            b,
            q,
            base: (base_x, base_y),
        }
    }
}

impl fmt::Display for GostCurve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Parses one of the compile-time hex constants above. They are checked by
/// the `curve_constants` test, so the fallback to zero never happens.
fn hex_constant(hex: &'static str) -> BigUint {
    BigUint::parse_bytes(hex.as_bytes(), 16).unwrap_or_default()
}

/// A GOST R 34.10 public key: a point `Q = (x, y)` on a named curve, checked
/// to lie on that curve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GostPublicKey {
    /// The parameter set the key belongs to.
    pub curve: GostCurve,
    x: BigUint,
    y: BigUint,
}

impl GostPublicKey {
    /// From a DER `SubjectPublicKeyInfo` (RFC 4491 §2.3.2, RFC 9215 §4):
    /// algorithm `id-tc26-gost3410-12-256` / `-512` or `id-GostR3410-2001`,
    /// parameters `SEQUENCE { publicKeyParamSet OID, [digestParamSet OID], … }`
    /// and, inside the `BIT STRING`, an `OCTET STRING` of `x ‖ y`, each
    /// coordinate little-endian.
    ///
    /// The digest parameter, when present, is not checked: signatures are
    /// always verified with Streebog (a 2001 key whose certificate names
    /// GOST R 34.11-94 parses, but its 34.11-94 signatures will not verify).
    pub fn from_spki_der(der: &[u8]) -> Result<Self, GostError> {
        let spki = SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|e| GostError::BadKey(crate::tr!("gost-not-spki", error = e.to_string())))?;

        let algorithm = spki.algorithm.oid.to_string();
        let algorithm_bits = match algorithm.as_str() {
            OID_GOST3410_2012_256 | OID_GOST3410_2001 => 256,
            OID_GOST3410_2012_512 => 512,
            _ => {
                return Err(GostError::UnsupportedAlgorithm(describe_algorithm(
                    &algorithm,
                )));
            }
        };

        let parameters = spki
            .algorithm
            .parameters
            .ok_or_else(|| GostError::BadKey(crate::tr!("gost-no-parameters")))?;
        let param_set = first_oid_of_sequence(parameters)?;
        let curve = GostCurve::from_oid(&param_set)
            .ok_or_else(|| GostError::UnknownCurve(param_set.clone()))?;
        if curve.bits() != algorithm_bits {
            return Err(GostError::BadKey(crate::tr!(
                "gost-parameter-bits",
                curve = curve.name(),
                oid = param_set.as_str(),
                bits = curve.bits(),
                algorithm = algorithm.as_str(),
                algorithm_bits = algorithm_bits
            )));
        }

        let bits = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| GostError::BadKey(crate::tr!("gost-bit-string-unused-bits")))?;
        let octets = <&OctetStringRef>::from_der(bits).map_err(|e| {
            GostError::BadKey(crate::tr!("gost-not-octet-string", error = e.to_string()))
        })?;
        let raw = octets.as_bytes();
        let n = curve.coordinate_len();
        if raw.len() != 2 * n {
            return Err(GostError::BadKey(crate::tr!(
                "gost-key-length",
                bits = curve.bits(),
                expected = 2 * n,
                got = raw.len()
            )));
        }
        let (x_le, y_le) = raw.split_at(n);
        Self::from_coordinates(curve, x_le, y_le)
    }

    /// From an X.509 certificate, PEM (the first `CERTIFICATE` block; text
    /// around it is ignored) or DER.
    pub fn from_certificate(pem_or_der: &[u8]) -> Result<Self, GostError> {
        let certificate = parse_certificate(pem_or_der)?;
        let spki = certificate
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(|e| {
                GostError::BadCertificate(crate::tr!("gost-reencode", error = e.to_string()))
            })?;
        Self::from_spki_der(&spki)
    }

    /// From raw coordinates, each little-endian (the byte order of the key
    /// `OCTET STRING`), at most [`GostCurve::coordinate_len`] bytes long — for
    /// JWK-style keys if ever needed. The point must lie on the curve.
    pub fn from_coordinates(curve: GostCurve, x_le: &[u8], y_le: &[u8]) -> Result<Self, GostError> {
        let n = curve.coordinate_len();
        for (name, bytes) in [("x", x_le), ("y", y_le)] {
            if bytes.is_empty() || bytes.len() > n {
                return Err(GostError::BadKey(crate::tr!(
                    "gost-coordinate-length",
                    name = name,
                    length = bytes.len(),
                    bits = curve.bits(),
                    size = n
                )));
            }
        }
        let x = BigUint::from_bytes_le(x_le);
        let y = BigUint::from_bytes_le(y_le);
        let params = curve.params();
        if x >= params.p || y >= params.p {
            return Err(GostError::BadKey(crate::tr!(
                "gost-coordinate-too-large",
                curve = curve.name()
            )));
        }
        if !params.contains(&x, &y) {
            return Err(GostError::BadKey(crate::tr!(
                "gost-not-on-curve",
                curve = curve.name()
            )));
        }
        Ok(Self { curve, x, y })
    }

    /// The affine x coordinate of the key point.
    pub fn x(&self) -> &BigUint {
        &self.x
    }

    /// The affine y coordinate of the key point.
    pub fn y(&self) -> &BigUint {
        &self.y
    }

    /// The key as it appears inside its `OCTET STRING`: `x ‖ y`, each
    /// little-endian and zero-padded to [`GostCurve::coordinate_len`] bytes.
    pub fn to_raw_le(&self) -> Vec<u8> {
        let n = self.curve.coordinate_len();
        let mut raw = Vec::with_capacity(2 * n);
        for coordinate in [&self.x, &self.y] {
            let mut bytes = coordinate.to_bytes_le();
            bytes.resize(n, 0);
            raw.extend_from_slice(&bytes);
        }
        raw
    }

    /// A short fingerprint for display: the first 16 bytes of the
    /// Streebog-256 hash of [`Self::to_raw_le`] (the key's `OCTET STRING`
    /// content, so it does not depend on how the certificate spells the
    /// parameters), as 32 lowercase hex digits.
    pub fn fingerprint(&self) -> String {
        let digest = Streebog256::digest(self.to_raw_le());
        digest
            .iter()
            .take(16)
            .fold(String::with_capacity(32), |mut out, byte| {
                for nibble in [byte >> 4, byte & 0x0f] {
                    let digit = HEX_DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0');
                    out.push(char::from(digit));
                }
                out
            })
    }
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Which half of the signature holds `r` and which `s`. Each half is
/// big-endian either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ComponentOrder {
    /// `s ‖ r`: RFC 4491 §2.2.2 / RFC 9215 §3, Crypto-Pro's CSP, OpenSSL GOST engine.
    SThenR,
    /// `r ‖ s`: the order in which GOST R 34.10-2012 §6.1 step 6 writes the
    /// concatenation (`ζ = r̄ ‖ s̄`), read as a byte order, as some signers do.
    RThenS,
}

impl fmt::Display for ComponentOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::SThenR => "s‖r",
            Self::RThenS => "r‖s",
        })
    }
}

/// How the Streebog output bytes become the integer `α` of RFC 7091 §6.2
/// step 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DigestEndianness {
    /// The first output byte is the least significant (Crypto-Pro's CSP, OpenSSL
    /// GOST engine). The integer then equals the hash value as RFC 6986 §10
    /// prints it.
    LittleEndian,
    /// The first output byte is the most significant.
    BigEndian,
}

impl fmt::Display for DigestEndianness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::LittleEndian => "little-endian",
            Self::BigEndian => "big-endian",
        })
    }
}

/// How a signature's bytes were laid out; displays as
/// `"s‖r, digest little-endian"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignatureLayout {
    /// Order of the two components.
    pub order: ComponentOrder,
    /// Byte order in which the digest was read as an integer.
    pub digest: DigestEndianness,
}

impl SignatureLayout {
    /// The standard layout: `s ‖ r`, digest little-endian (RFC 4491 §2.2.2,
    /// Crypto-Pro's CSP, OpenSSL GOST engine).
    pub const STANDARD: Self = Self {
        order: ComponentOrder::SThenR,
        digest: DigestEndianness::LittleEndian,
    };

    /// All four layouts, in the order [`verify`] tries them.
    pub const ALL: [Self; 4] = [
        Self::STANDARD,
        Self {
            order: ComponentOrder::RThenS,
            digest: DigestEndianness::LittleEndian,
        },
        Self {
            order: ComponentOrder::SThenR,
            digest: DigestEndianness::BigEndian,
        },
        Self {
            order: ComponentOrder::RThenS,
            digest: DigestEndianness::BigEndian,
        },
    ];

    /// Whether this is the standard layout ([`Self::STANDARD`]).
    pub fn is_standard(self) -> bool {
        self == Self::STANDARD
    }
}

impl fmt::Display for SignatureLayout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::tr!(
            "gost-layout",
            order = self.order.to_string(),
            digest = self.digest.to_string()
        ))
    }
}

/// Why a key could not be read or a signature did not verify. Displays in
/// the thread's language ([`crate::i18n`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GostError {
    /// The key names a parameter set (OID) this module does not know.
    UnknownCurve(String),
    /// The key is not a GOST R 34.10 key at all (RSA, EC, Ed25519, …).
    UnsupportedAlgorithm(String),
    /// The key is malformed or its point is not on its curve.
    BadKey(String),
    /// The certificate could not be read (bad PEM, bad DER).
    BadCertificate(String),
    /// The signature is not `2 × coordinate length` bytes.
    WrongSignatureLength {
        /// Bytes expected: 64 for 256-bit keys, 128 for 512-bit keys.
        expected: usize,
        /// Bytes received.
        got: usize,
    },
    /// None of the four layouts verified: wrong key, or the signed bytes differ.
    NoLayoutVerified,
    /// A private key (PKCS#8) that cannot be used to sign.
    BadPrivateKey(String),
}

impl fmt::Display for GostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&match self {
            Self::UnknownCurve(oid) => crate::tr!("gost-unknown-curve", oid = oid.as_str()),
            Self::UnsupportedAlgorithm(algorithm) => {
                crate::tr!("gost-unsupported-algorithm", algorithm = algorithm.as_str())
            }
            Self::BadKey(detail) => crate::tr!("gost-bad-key", detail = detail.as_str()),
            Self::BadCertificate(detail) => {
                crate::tr!("gost-bad-certificate", detail = detail.as_str())
            }
            Self::WrongSignatureLength { expected, got } => crate::tr!(
                "gost-signature-length",
                expected = *expected,
                half = *expected / 2,
                got = *got
            ),
            Self::NoLayoutVerified => crate::tr!("gost-no-layout-verified"),
            Self::BadPrivateKey(detail) => {
                crate::tr!("gost-bad-private-key", detail = detail.as_str())
            }
        })
    }
}

impl std::error::Error for GostError {}

/// Verifies `signature` over `message` with `key` (RFC 7091 §6.2).
///
/// The digest is computed here: Streebog-256 for 256-bit keys, Streebog-512
/// for 512-bit keys (RFC 6986). For a JWS the message is the ASCII signing
/// input `BASE64URL(header) "." BASE64URL(payload)`. The layouts are tried in
/// the fixed order of [`SignatureLayout::ALL`] (`s‖r` + LE digest first, then
/// `r‖s` + LE, `s‖r` + BE, `r‖s` + BE); the first that verifies is returned.
pub fn verify(
    key: &GostPublicKey,
    message: &[u8],
    signature: &[u8],
) -> Result<SignatureLayout, GostError> {
    let candidate = Candidate::new(key, message, signature)?;
    SignatureLayout::ALL
        .into_iter()
        .find(|layout| candidate.verifies(*layout))
        .ok_or(GostError::NoLayoutVerified)
}

/// Verifies with one given layout only: `Ok(())` when it verifies, for callers
/// that insist on a layout (normally [`SignatureLayout::STANDARD`]).
pub fn verify_with_layout(
    key: &GostPublicKey,
    message: &[u8],
    signature: &[u8],
    layout: SignatureLayout,
) -> Result<(), GostError> {
    if Candidate::new(key, message, signature)?.verifies(layout) {
        Ok(())
    } else {
        Err(GostError::NoLayoutVerified)
    }
}

/// The byte-order diagnostics: tries every layout of
/// [`SignatureLayout::ALL`] and reports each result, in that order. Errors
/// only when the signature length is wrong for the key.
pub fn verify_all_layouts(
    key: &GostPublicKey,
    message: &[u8],
    signature: &[u8],
) -> Result<[(SignatureLayout, bool); 4], GostError> {
    let candidate = Candidate::new(key, message, signature)?;
    Ok(SignatureLayout::ALL.map(|layout| (layout, candidate.verifies(layout))))
}

/// A signature split into its two big-endian halves, with the message digest
/// computed once, ready to be checked under any layout.
struct Candidate<'k> {
    key: &'k GostPublicKey,
    digest: Vec<u8>,
    first: BigUint,
    second: BigUint,
}

impl<'k> Candidate<'k> {
    fn new(key: &'k GostPublicKey, message: &[u8], signature: &[u8]) -> Result<Self, GostError> {
        let n = key.curve.coordinate_len();
        if signature.len() != 2 * n {
            return Err(GostError::WrongSignatureLength {
                expected: 2 * n,
                got: signature.len(),
            });
        }
        let (first, second) = signature.split_at(n);
        Ok(Self {
            key,
            digest: streebog_digest(key.curve, message),
            first: BigUint::from_bytes_be(first),
            second: BigUint::from_bytes_be(second),
        })
    }

    fn verifies(&self, layout: SignatureLayout) -> bool {
        let alpha = digest_to_integer(&self.digest, layout.digest);
        let (r, s) = match layout.order {
            ComponentOrder::SThenR => (&self.second, &self.first),
            ComponentOrder::RThenS => (&self.first, &self.second),
        };
        verify_digest(self.key, &alpha, r, s)
    }
}

/// The integer `α` of RFC 7091 §6.2 step 3 from the hash output bytes.
pub fn digest_to_integer(digest: &[u8], endianness: DigestEndianness) -> BigUint {
    match endianness {
        DigestEndianness::LittleEndian => BigUint::from_bytes_le(digest),
        DigestEndianness::BigEndian => BigUint::from_bytes_be(digest),
    }
}

/// The Streebog digest of `message` for `curve`'s size (256 or 512 bits), as
/// raw output bytes in the order the hash function emits them.
pub fn streebog_digest(curve: GostCurve, message: &[u8]) -> Vec<u8> {
    if curve.bits() == 512 {
        Streebog512::digest(message).to_vec()
    } else {
        Streebog256::digest(message).to_vec()
    }
}

/// The raw algorithm, RFC 7091 §6.2 steps 1 and 3–7, on an already computed
/// digest integer `α` (`digest_alpha`, reduced mod `q` here, 0 becoming 1)
/// and the signature components `r` and `s`.
///
/// Checks `0 < r < q` and `0 < s < q`; computes `e = α mod q` (`e = 1` if 0),
/// `v = e⁻¹ mod q`, `z1 = s·v mod q`, `z2 = −r·v mod q`, `C = z1·P + z2·Q`,
/// `R = x_C mod q`; valid iff `R == r`.
#[expect(clippy::many_single_char_names, reason = "the names of RFC 7091 §6.2")]
pub fn verify_digest(
    key: &GostPublicKey,
    digest_alpha: &BigUint,
    r: &BigUint,
    s: &BigUint,
) -> bool {
    let curve = key.curve.params();
    let q = &curve.q;
    if r.is_zero() || s.is_zero() || r >= q || s >= q {
        return false;
    }
    let mut e = digest_alpha % q;
    if e.is_zero() {
        e = BigUint::one();
    }
    let Some(v) = e.modinv(q) else {
        return false;
    };
    let z1 = (s * &v) % q;
    let z2 = (q - (r * &v) % q) % q;
    match curve.double_mul(&z1, &z2, (&key.x, &key.y)) {
        Some((x_c, _)) => &(x_c % q) == r,
        None => false,
    }
}

/// A GOST R 34.10-2012 private key `d` with its public key `Q = d·P`, for
/// the sandbox provider's bank personality and for a client's request
/// objects and assertions (RFC 7091 §6.1). Variable-time arithmetic, and
/// `d` is a `BigUint` that is not wiped on drop: fit for test and
/// development keys on the developer's own machine, not for a production
/// signing key on a shared host.
#[derive(Clone)]
pub struct GostPrivateKey {
    d: BigUint,
    public: GostPublicKey,
}

impl fmt::Debug for GostPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GostPrivateKey")
            .field("curve", &self.public.curve)
            .finish_non_exhaustive()
    }
}

impl GostPrivateKey {
    /// A key on `curve` from random octets: `d = random mod (q − 1) + 1`, so
    /// `0 < d < q` (RFC 7091 §5.2). Give at least as many octets as the
    /// curve's coordinates, e.g. 64 for a 256-bit curve, to keep the bias negligible.
    pub fn from_random(curve: GostCurve, random: &[u8]) -> Result<Self, GostError> {
        let params = curve.params();
        let d = BigUint::from_bytes_be(random) % (&params.q - BigUint::one()) + BigUint::one();
        let (x, y) = params
            .double_mul(&d, &BigUint::zero(), (&params.base.0, &params.base.1))
            .ok_or_else(|| GostError::BadKey("d·P is the point at infinity".to_owned()))?;
        Ok(Self {
            d,
            public: GostPublicKey { curve, x, y },
        })
    }

    /// The public key.
    pub fn public_key(&self) -> &GostPublicKey {
        &self.public
    }

    /// A key on `curve` from its secret scalar `d`, big-endian; `0 < d < q`
    /// (RFC 7091 §5.2).
    pub fn from_scalar(curve: GostCurve, d_be: &[u8]) -> Result<Self, GostError> {
        let params = curve.params();
        let d = BigUint::from_bytes_be(d_be);
        if d.is_zero() || d >= params.q {
            return Err(GostError::BadPrivateKey(crate::tr!(
                "gost-private-out-of-range",
                curve = curve.name()
            )));
        }
        let (x, y) = params
            .double_mul(&d, &BigUint::zero(), (&params.base.0, &params.base.1))
            .ok_or_else(|| GostError::BadKey("d·P is the point at infinity".to_owned()))?;
        Ok(Self {
            d,
            public: GostPublicKey { curve, x, y },
        })
    }

    /// From a DER PKCS#8 `PrivateKeyInfo` (RFC 5208 §5) of a GOST
    /// R 34.10-2012 key: algorithm `id-tc26-gost3410-12-256` / `-512`,
    /// parameters `SEQUENCE { publicKeyParamSet OID, [digestParamSet OID] }`
    /// as in a certificate (RFC 9215 §4), and the private key `d` as the
    /// OpenSSL GOST engine and TC26 (R 1323565.1.023) write it: an `OCTET
    /// STRING` of `d` little-endian, or an `INTEGER`, or the bare
    /// little-endian octets. GOST R 34.10-2001 keys are refused: they sign
    /// with GOST R 34.11-94, not Streebog.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, GostError> {
        use x509_cert::der::asn1::UintRef;
        let bad = GostError::BadPrivateKey;
        let info = rsa::pkcs8::PrivateKeyInfoRef::from_der(der)
            .map_err(|e| bad(crate::tr!("gost-private-not-pkcs8", error = e.to_string())))?;
        let algorithm = info.algorithm.oid.to_string();
        let algorithm_bits = match algorithm.as_str() {
            OID_GOST3410_2012_256 => 256,
            OID_GOST3410_2012_512 => 512,
            OID_GOST3410_2001 => return Err(bad(crate::tr!("gost-private-2001"))),
            _ => {
                return Err(GostError::UnsupportedAlgorithm(describe_algorithm(
                    &algorithm,
                )));
            }
        };
        let parameters = info
            .algorithm
            .parameters
            .ok_or_else(|| GostError::BadKey(crate::tr!("gost-no-parameters")))?;
        let param_set = first_oid_of_sequence(parameters)?;
        let curve = GostCurve::from_oid(&param_set)
            .ok_or_else(|| GostError::UnknownCurve(param_set.clone()))?;
        if curve.bits() != algorithm_bits {
            return Err(GostError::BadKey(crate::tr!(
                "gost-parameter-bits",
                curve = curve.name(),
                oid = param_set.as_str(),
                bits = curve.bits(),
                algorithm = algorithm.as_str(),
                algorithm_bits = algorithm_bits
            )));
        }
        let raw = info.private_key.as_bytes();
        let n = curve.coordinate_len();
        // Bare octets first when the length says so: an OCTET STRING or an
        // INTEGER of `d` is longer than the coordinate (but for a `d` two
        // bytes short, as likely as 2^-16).
        let d_be: zeroize::Zeroizing<Vec<u8>> = if raw.len() == n {
            zeroize::Zeroizing::new(raw.iter().rev().copied().collect())
        } else if let Ok(octets) = <&OctetStringRef>::from_der(raw)
            && octets.as_bytes().len() == n
        {
            zeroize::Zeroizing::new(octets.as_bytes().iter().rev().copied().collect())
        } else if let Ok(integer) = UintRef::from_der(raw) {
            zeroize::Zeroizing::new(integer.as_bytes().to_vec())
        } else {
            return Err(bad(crate::tr!(
                "gost-private-length",
                bits = curve.bits(),
                size = n,
                got = raw.len()
            )));
        };
        Self::from_scalar(curve, &d_be)
    }

    /// The key as a DER PKCS#8 `PrivateKeyInfo` that [`Self::from_pkcs8_der`]
    /// reads back: parameters `SEQUENCE { curve OID }`, the private key an
    /// `OCTET STRING` of `d` little-endian (the OpenSSL GOST engine's form).
    pub fn to_pkcs8_der(&self) -> Result<zeroize::Zeroizing<Vec<u8>>, GostError> {
        use x509_cert::der::asn1::{Any, OctetString};
        let bad = |e: x509_cert::der::Error| GostError::BadKey(e.to_string());
        let curve = self.public.curve;
        let algorithm = if curve.bits() == 512 {
            OID_GOST3410_2012_512
        } else {
            OID_GOST3410_2012_256
        };
        let algorithm =
            ObjectIdentifier::new(algorithm).map_err(|e| GostError::BadKey(e.to_string()))?;
        let curve_oid =
            ObjectIdentifier::new(curve.oid()).map_err(|e| GostError::BadKey(e.to_string()))?;
        let parameters = Any::new(Tag::Sequence, curve_oid.to_der().map_err(bad)?).map_err(bad)?;
        let n = curve.coordinate_len();
        let mut d_le = zeroize::Zeroizing::new(self.d.to_bytes_le());
        d_le.resize(n, 0);
        let inner = zeroize::Zeroizing::new(
            OctetString::new(d_le.as_slice())
                .map_err(bad)?
                .to_der()
                .map_err(bad)?,
        );
        let info = rsa::pkcs8::PrivateKeyInfoOwned::new(
            x509_cert::spki::AlgorithmIdentifierOwned {
                oid: algorithm,
                parameters: Some(parameters),
            },
            OctetString::new(inner.as_slice()).map_err(bad)?,
        );
        info.to_der().map(zeroize::Zeroizing::new).map_err(bad)
    }

    /// Signs `message` (RFC 7091 §6.1): `e = α mod q` with `α` the Streebog
    /// digest read little-endian (0 becomes 1), `C = k·P`, `r = x_C mod q`,
    /// `s = (r·d + k·e) mod q`; the signature is `s ‖ r`, each big-endian —
    /// [`SignatureLayout::STANDARD`], the layout [`verify`] tries first.
    /// `nonce_random` gives the per-signature secret `k` (fresh random octets
    /// every time: a repeated `k` reveals the key).
    pub fn sign(&self, message: &[u8], nonce_random: &[u8]) -> Result<Vec<u8>, GostError> {
        self.sign_with_layout(message, nonce_random, SignatureLayout::STANDARD)
    }

    /// [`Self::sign`] in another byte layout, for partners that expect one
    /// ([`SignatureLayout`]): the digest read as an integer in `layout.digest`
    /// order, the halves written in `layout.order`.
    #[expect(clippy::many_single_char_names, reason = "the names of RFC 7091 §6.1")]
    pub fn sign_with_layout(
        &self,
        message: &[u8],
        nonce_random: &[u8],
        layout: SignatureLayout,
    ) -> Result<Vec<u8>, GostError> {
        let curve = self.public.curve;
        let params = curve.params();
        let q = &params.q;
        let digest = streebog_digest(curve, message);
        let mut e = digest_to_integer(&digest, layout.digest) % q;
        if e.is_zero() {
            e = BigUint::one();
        }
        let k = BigUint::from_bytes_be(nonce_random) % (q - BigUint::one()) + BigUint::one();
        let (x_c, _) = params
            .double_mul(&k, &BigUint::zero(), (&params.base.0, &params.base.1))
            .ok_or_else(|| GostError::BadKey("k·P is the point at infinity".to_owned()))?;
        let r = x_c % q;
        let s = (&r * &self.d + &k * &e) % q;
        if r.is_zero() || s.is_zero() {
            return Err(GostError::BadKey(
                "r or s is zero: sign again with a fresh nonce".to_owned(),
            ));
        }
        let n = curve.coordinate_len();
        let halves = match layout.order {
            ComponentOrder::SThenR => [&s, &r],
            ComponentOrder::RThenS => [&r, &s],
        };
        let mut signature = Vec::with_capacity(2 * n);
        for component in halves {
            let bytes = component.to_bytes_be();
            signature.extend(std::iter::repeat_n(0, n.saturating_sub(bytes.len())));
            signature.extend_from_slice(&bytes);
        }
        Ok(signature)
    }
}

impl GostPublicKey {
    /// The key as a DER `SubjectPublicKeyInfo` (RFC 9215 §4): algorithm
    /// `id-tc26-gost3410-12-256`/`-512`, parameters `SEQUENCE { curve OID }`,
    /// the key an `OCTET STRING` of `x ‖ y` (little-endian) in the `BIT STRING`.
    /// [`Self::from_spki_der`] reads it back.
    pub fn to_spki_der(&self) -> Result<Vec<u8>, GostError> {
        use x509_cert::der::asn1::{Any, BitString, OctetString};
        use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
        let bad = |e: x509_cert::der::Error| GostError::BadKey(e.to_string());
        let algorithm = if self.curve.bits() == 512 {
            OID_GOST3410_2012_512
        } else {
            OID_GOST3410_2012_256
        };
        let algorithm =
            ObjectIdentifier::new(algorithm).map_err(|e| GostError::BadKey(e.to_string()))?;
        let curve_oid = ObjectIdentifier::new(self.curve.oid())
            .map_err(|e| GostError::BadKey(e.to_string()))?;
        let parameters = Any::new(Tag::Sequence, curve_oid.to_der().map_err(bad)?).map_err(bad)?;
        let key = OctetString::new(self.to_raw_le())
            .map_err(bad)?
            .to_der()
            .map_err(bad)?;
        SubjectPublicKeyInfoOwned {
            algorithm: AlgorithmIdentifierOwned {
                oid: algorithm,
                parameters: Some(parameters),
            },
            subject_public_key: BitString::from_bytes(&key).map_err(bad)?,
        }
        .to_der()
        .map_err(bad)
    }
}

/// Reads the first OID of the key parameters `SEQUENCE` and skips the rest
/// (digest and, for 2001 keys, encryption parameter sets).
fn first_oid_of_sequence(parameters: AnyRef<'_>) -> Result<String, GostError> {
    if parameters.tag() != Tag::Sequence {
        return Err(GostError::BadKey(crate::tr!(
            "gost-parameters-not-sequence",
            tag = parameters.tag().to_string()
        )));
    }
    parameters
        .sequence(|reader| {
            let oid: ObjectIdentifier = reader.decode()?;
            while !reader.is_finished() {
                let _: AnyRef<'_> = reader.decode()?;
            }
            Ok(oid.to_string())
        })
        .map_err(|e: x509_cert::der::Error| {
            GostError::BadKey(crate::tr!("gost-parameter-oid", error = e.to_string()))
        })
}

/// A readable name for the key algorithms one meets instead of GOST.
fn describe_algorithm(oid: &str) -> String {
    let name = match oid {
        "1.2.840.113549.1.1.1" => "rsaEncryption",
        "1.2.840.10045.2.1" => "id-ecPublicKey (ECDSA)",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        "1.2.840.10040.4.1" => "DSA",
        _ => return oid.to_owned(),
    };
    format!("{name} ({oid})")
}

fn parse_certificate(input: &[u8]) -> Result<Certificate, GostError> {
    const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
    const END: &[u8] = b"-----END CERTIFICATE-----";
    if let Some(rest) = find(input, BEGIN).and_then(|start| input.get(start..)) {
        let block = find(rest, END)
            .and_then(|end| rest.get(..end.saturating_add(END.len())))
            .ok_or_else(|| GostError::BadCertificate(crate::tr!("gost-pem-no-end")))?;
        return Certificate::from_pem(block).map_err(|e| {
            GostError::BadCertificate(crate::tr!("gost-bad-pem", error = e.to_string()))
        });
    }
    if find(input, b"-----BEGIN").is_some() {
        return Err(GostError::BadCertificate(crate::tr!(
            "gost-no-certificate-block"
        )));
    }
    if input.first() != Some(&0x30) {
        return Err(GostError::BadCertificate(crate::tr!("gost-not-pem-or-der")));
    }
    Certificate::from_der(input)
        .map_err(|e| GostError::BadCertificate(crate::tr!("gost-bad-der", error = e.to_string())))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Short Weierstrass curve `y² = x³ + ax + b (mod p)` with a base point of
/// prime order `q`.
struct Curve {
    p: BigUint,
    a: BigUint,
    b: BigUint,
    q: BigUint,
    base: (BigUint, BigUint),
}

/// A point in Jacobian coordinates `(X, Y, Z)` ↔ affine `(X/Z², Y/Z³)`;
/// `Z = 0` is the point at infinity.
#[derive(Clone)]
struct Jacobian {
    x: BigUint,
    y: BigUint,
    z: BigUint,
}

impl Jacobian {
    fn infinity() -> Self {
        Self {
            x: BigUint::one(),
            y: BigUint::one(),
            z: BigUint::zero(),
        }
    }

    fn from_affine(x: &BigUint, y: &BigUint) -> Self {
        Self {
            x: x.clone(),
            y: y.clone(),
            z: BigUint::one(),
        }
    }

    fn is_infinity(&self) -> bool {
        self.z.is_zero()
    }
}

impl Curve {
    fn mul(&self, left: &BigUint, right: &BigUint) -> BigUint {
        (left * right) % &self.p
    }

    fn add(&self, left: &BigUint, right: &BigUint) -> BigUint {
        let sum = left + right;
        if sum >= self.p { sum - &self.p } else { sum }
    }

    fn sub(&self, left: &BigUint, right: &BigUint) -> BigUint {
        if left >= right {
            left - right
        } else {
            left + &self.p - right
        }
    }

    fn contains(&self, x: &BigUint, y: &BigUint) -> bool {
        let lhs = self.mul(y, y);
        let x3 = self.mul(&self.mul(x, x), x);
        let rhs = self.add(&self.add(&x3, &self.mul(&self.a, x)), &(&self.b % &self.p));
        lhs == rhs
    }

    /// Point doubling, general `a` ("dbl-2007-bl" shape).
    fn double(&self, point: &Jacobian) -> Jacobian {
        if point.is_infinity() || point.y.is_zero() {
            return Jacobian::infinity();
        }
        let xx = self.mul(&point.x, &point.x);
        let yy = self.mul(&point.y, &point.y);
        let yyyy = self.mul(&yy, &yy);
        let zz = self.mul(&point.z, &point.z);
        // S = 4·X·Y²
        let s = self.mul(&BigUint::from(4u8), &self.mul(&point.x, &yy));
        // M = 3·X² + a·Z⁴
        let m = self.add(
            &self.mul(&BigUint::from(3u8), &xx),
            &self.mul(&self.a, &self.mul(&zz, &zz)),
        );
        let x3 = self.sub(&self.mul(&m, &m), &self.add(&s, &s));
        let y3 = self.sub(
            &self.mul(&m, &self.sub(&s, &x3)),
            &self.mul(&BigUint::from(8u8), &yyyy),
        );
        let z3 = self.mul(&self.add(&point.y, &point.y), &point.z);
        Jacobian {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// Point addition ("add-1998-cmo-2" shape), handling the special cases.
    fn add_points(&self, left: &Jacobian, right: &Jacobian) -> Jacobian {
        if left.is_infinity() {
            return right.clone();
        }
        if right.is_infinity() {
            return left.clone();
        }
        let z1z1 = self.mul(&left.z, &left.z);
        let z2z2 = self.mul(&right.z, &right.z);
        let u1 = self.mul(&left.x, &z2z2);
        let u2 = self.mul(&right.x, &z1z1);
        let s1 = self.mul(&left.y, &self.mul(&right.z, &z2z2));
        let s2 = self.mul(&right.y, &self.mul(&left.z, &z1z1));
        let h = self.sub(&u2, &u1);
        let rr = self.sub(&s2, &s1);
        if h.is_zero() {
            return if rr.is_zero() {
                self.double(left)
            } else {
                Jacobian::infinity()
            };
        }
        let hh = self.mul(&h, &h);
        let hhh = self.mul(&h, &hh);
        let v = self.mul(&u1, &hh);
        let x3 = self.sub(&self.sub(&self.mul(&rr, &rr), &hhh), &self.add(&v, &v));
        let y3 = self.sub(&self.mul(&rr, &self.sub(&v, &x3)), &self.mul(&s1, &hhh));
        let z3 = self.mul(&h, &self.mul(&left.z, &right.z));
        Jacobian {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    fn to_affine(&self, point: &Jacobian) -> Option<(BigUint, BigUint)> {
        if point.is_infinity() {
            return None;
        }
        let z_inv = point.z.modinv(&self.p)?;
        let z_inv2 = self.mul(&z_inv, &z_inv);
        let z_inv3 = self.mul(&z_inv2, &z_inv);
        Some((self.mul(&point.x, &z_inv2), self.mul(&point.y, &z_inv3)))
    }

    /// `k1·P + k2·Q` (`P` the base point) by Shamir's trick: one shared
    /// doubling chain. `None` for the point at infinity.
    fn double_mul(
        &self,
        k1: &BigUint,
        k2: &BigUint,
        q_point: (&BigUint, &BigUint),
    ) -> Option<(BigUint, BigUint)> {
        let base = Jacobian::from_affine(&self.base.0, &self.base.1);
        let other = Jacobian::from_affine(q_point.0, q_point.1);
        let sum = self.add_points(&base, &other);
        let mut acc = Jacobian::infinity();
        for i in (0..k1.bits().max(k2.bits())).rev() {
            acc = self.double(&acc);
            match (k1.bit(i), k2.bit(i)) {
                (true, true) => acc = self.add_points(&acc, &sum),
                (true, false) => acc = self.add_points(&acc, &base),
                (false, true) => acc = self.add_points(&acc, &other),
                (false, false) => {}
            }
        }
        self.to_affine(&acc)
    }
}

#[cfg(test)]
#[expect(
    clippy::string_slice,
    reason = "tests cut ASCII fixtures (hex, PEM, base64url) at known places"
)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

    const CERT_PEM: &str = include_str!("../../tests/fixtures/sber-bank-certificate.pem");
    const TOKEN_RESPONSE: &str = include_str!("../../tests/fixtures/sber-token-response.json");
    const USER_INFO_JWT: &str = include_str!("../../tests/fixtures/sber-user-info.jwt");

    /// A throwaway self-signed RSA-1024 certificate, made with
    /// `openssl req -x509 -newkey rsa:1024 -nodes -subj /CN=rsa-test -days 1`.
    const RSA_CERT_PEM: &str = concat!(
        "-----BEGIN CERTIFICATE-----\n",
        "MIICAjCCAWugAwIBAgIUUt61J5EBwjjOkce8K16Lb0Aau/QwDQYJKoZIhvcNAQEL\n",
        "BQAwEzERMA8GA1UEAwwIcnNhLXRlc3QwHhcNMjYxMTI1MDgwMjAxWhcNMjYxMTI2\n",
        "MDgwMjAxWjATMREwDwYDVQQDDAhyc2EtdGVzdDCBnzANBgkqhkiG9w0BAQEFAAOB\n",
        "jQAwgYkCgYEAy0TySqMmNjFZchmHii/S2O84VMDi3PM+ELX70g5v8hXs6eYoBWHc\n",
        "TYbeTPf7UMgTIsOF3xKzjMI3KHuKbXWt8XAo64UaV4zCnkGQewzLMPCgkXLeRJWd\n",
        "gSB2nOsRDs1IHMyiwq7a+9vXf3jnd6ofsydubpokyjGWTeadvk8IqAsCAwEAAaNT\n",
        "MFEwHQYDVR0OBBYEFD3r4T2m/49wV/f2gv3q/i4meb4vMB8GA1UdIwQYMBaAFD3r\n",
        "4T2m/49wV/f2gv3q/i4meb4vMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQEL\n",
        "BQADgYEAoe4wTs25uK0Ee+03ZhhQnQUY+7qgcNvQw1xmN9CD5ryXApQgKWP2rHQH\n",
        "X+bLJj0/giHNQL++QNzh1frFEj+5FyQtifxg6e3SHY32LrNDPgq7j0BavF7NqID9\n",
        "AgZaZ+UHbiUFmMMRw/WckDpiJ6IGc2NAlgD0vNo6jDIyfdubNJY=\n",
        "-----END CERTIFICATE-----\n",
    );

    fn dec(decimal: &str) -> BigUint {
        BigUint::parse_bytes(decimal.as_bytes(), 10).unwrap()
    }

    fn unhex(hex: &str) -> Vec<u8> {
        assert!(hex.len().is_multiple_of(2), "odd hex length");
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect()
    }

    fn key_from_decimal(curve: GostCurve, x: &str, y: &str) -> GostPublicKey {
        GostPublicKey::from_coordinates(curve, &dec(x).to_bytes_le(), &dec(y).to_bytes_le())
            .unwrap()
    }

    fn fixture_key() -> GostPublicKey {
        GostPublicKey::from_certificate(CERT_PEM.as_bytes()).unwrap()
    }

    fn id_token() -> String {
        // The fixture is flat JSON; find the "id_token" string value.
        let after = TOKEN_RESPONSE.split("\"id_token\"").nth(1).unwrap();
        let start = after.find('"').unwrap() + 1;
        let len = after[start..].find('"').unwrap();
        after[start..start + len].to_owned()
    }

    /// Splits a compact JWS into (signing input, signature bytes).
    fn jws_parts(jws: &str) -> (&str, Vec<u8>) {
        let jws = jws.trim();
        let dot = jws.rfind('.').unwrap();
        let signature = URL_SAFE_NO_PAD.decode(&jws[dot + 1..]).unwrap();
        (&jws[..dot], signature)
    }

    /// Test-only signing (RFC 7091 §6.1 with a given k), to exercise the
    /// 512-bit path and every layout.
    #[expect(clippy::many_single_char_names, reason = "the names of RFC 7091 §6.1")]
    fn sign(curve: GostCurve, d: &BigUint, k: &BigUint, alpha: &BigUint) -> (BigUint, BigUint) {
        let params = curve.params();
        let q = &params.q;
        let mut e = alpha % q;
        if e.is_zero() {
            e = BigUint::one();
        }
        let (x_c, _) = params
            .double_mul(k, &BigUint::zero(), (&params.base.0, &params.base.1))
            .unwrap();
        let r = x_c % q;
        let s = (&r * d + k * &e) % q;
        (r, s)
    }

    fn public_key_for(curve: GostCurve, d: &BigUint) -> GostPublicKey {
        let params = curve.params();
        let (x, y) = params
            .double_mul(d, &BigUint::zero(), (&params.base.0, &params.base.1))
            .unwrap();
        GostPublicKey::from_coordinates(curve, &x.to_bytes_le(), &y.to_bytes_le()).unwrap()
    }

    fn pad_be(value: &BigUint, n: usize) -> Vec<u8> {
        let bytes = value.to_bytes_be();
        let mut out = vec![0; n - bytes.len()];
        out.extend_from_slice(&bytes);
        out
    }

    fn encode_signature(layout: SignatureLayout, r: &BigUint, s: &BigUint, n: usize) -> Vec<u8> {
        let (first, second) = match layout.order {
            ComponentOrder::SThenR => (s, r),
            ComponentOrder::RThenS => (r, s),
        };
        [pad_be(first, n), pad_be(second, n)].concat()
    }

    #[test]
    fn curve_constants() {
        for curve in GostCurve::ALL {
            let params = curve.params();
            assert!(!params.p.is_zero() && !params.q.is_zero(), "{curve}");
            assert!(
                params.contains(&params.base.0, &params.base.1),
                "{curve}: P on curve"
            );
            // q·P = O, i.e. (q−1)·P = −P.
            let q_minus_1 = &params.q - 1u8;
            let (x, y) = params
                .double_mul(
                    &q_minus_1,
                    &BigUint::zero(),
                    (&params.base.0, &params.base.1),
                )
                .unwrap();
            assert_eq!(x, params.base.0, "{curve}: (q-1)P");
            assert_eq!(y, &params.p - &params.base.1, "{curve}: (q-1)P = -P");
            let expected_p_bits = if curve == GostCurve::Test512 {
                511
            } else {
                curve.bits()
            };
            assert_eq!(
                params.p.bits(),
                u64::try_from(expected_p_bits).unwrap(),
                "{curve}"
            );
            assert_eq!(GostCurve::from_oid(curve.oid()), Some(curve), "{curve}");
        }
        assert_eq!(
            GostCurve::from_oid("1.2.643.7.1.2.1.1.2"),
            Some(GostCurve::CryptoProA)
        );
        assert_eq!(
            GostCurve::from_oid("1.2.643.7.1.2.1.1.3"),
            Some(GostCurve::CryptoProB)
        );
        assert_eq!(
            GostCurve::from_oid("1.2.643.7.1.2.1.1.4"),
            Some(GostCurve::CryptoProC)
        );
        assert_eq!(GostCurve::from_oid("1.2.840.10045.3.1.7"), None);
        assert_eq!(GostCurve::CryptoProA.name(), "CryptoPro-A");
        assert_eq!(GostCurve::Tc26Gost512C.bits(), 512);
    }

    /// RFC 7091 §7.1: 256-bit example on the test curve.
    #[test]
    #[expect(clippy::many_single_char_names, reason = "the names of RFC 7091 §6-7")]
    fn rfc7091_example_256() {
        let curve = GostCurve::Test256;
        let params = curve.params();
        assert_eq!(
            params.p,
            dec("57896044618658097711785492504343953926634992332820282019728792003956564821041")
        );
        assert_eq!(
            params.b,
            dec("43308876546767276905765904595650931995942111794451039583252968842033849580414")
        );
        assert_eq!(
            params.q,
            dec("57896044618658097711785492504343953927082934583725450622380973592137631069619")
        );
        assert_eq!(
            params.base.1,
            dec("4018974056539037503335449422937059775635739389905545080690979365213431566280")
        );
        let key = key_from_decimal(
            curve,
            "57520216126176808443631405023338071176630104906313632182896741342206604859403",
            "17614944419213781543809391949654080031942662045363639260709847859438286763994",
        );
        let d =
            dec("55441196065363246126355624130324183196576709222340016572108097750006097525544");
        assert_eq!(public_key_for(curve, &d), key, "Q = d·P");

        let e =
            dec("20798893674476452017134061561508270130637142515379653289952617252661468872421");
        let r =
            dec("29700980915817952874371204983938256990422752107994319651632687982059210933395");
        let s = dec("574973400270084654178925310019147038455227042649098563933718999175515839552");
        let k =
            dec("53854137677348463731403841147996619241504003434302020712960838528893196233395");
        assert_eq!(
            sign(curve, &d, &k, &e),
            (r.clone(), s.clone()),
            "signing reproduces r, s"
        );

        assert!(verify_digest(&key, &e, &r, &s));
        let flip = BigUint::one() << 17u32;
        assert!(
            !verify_digest(&key, &(&e ^ &flip), &r, &s),
            "flipped digest bit"
        );
        assert!(!verify_digest(&key, &e, &(&r ^ &flip), &s), "flipped r bit");
        assert!(!verify_digest(&key, &e, &r, &(&s ^ &flip)), "flipped s bit");
        assert!(!verify_digest(&key, &e, &s, &r), "swapped components");
        assert!(!verify_digest(&key, &e, &BigUint::zero(), &s), "r = 0");
        assert!(!verify_digest(&key, &e, &r, &(&s + &params.q)), "s >= q");
    }

    /// RFC 7091 §7.2: 512-bit example on the 512-bit test curve.
    #[test]
    #[expect(clippy::many_single_char_names, reason = "the names of RFC 7091 §6-7")]
    fn rfc7091_example_512() {
        let curve = GostCurve::Test512;
        let key = key_from_decimal(
            curve,
            "909546853002536596556690768669830310006929272546556281596372965370312498563182320436892870052842808608262832456858223580713780290717986855863433431150561",
            "2921457203374425620632449734248415455640700823559488705164895837509539134297327397380287741428246088626609329139441895016863758984106326600572476822372076",
        );
        let d = dec(
            "610081804136373098219538153239847583006845519069531562982388135354890606301782255383608393423372379057665527595116827307025046458837440766121180466875860",
        );
        assert_eq!(public_key_for(curve, &d), key, "Q = d·P");
        let e = dec(
            "2897963881682868575562827278553865049173745197871825199562947419041388950970536661109553499954248733088719748844538964641281654463513296973827706272045964",
        );
        let r = dec(
            "2489204477031349265072864643032147753667451319282131444027498637357611092810221795101871412928823716805959828708330284243653453085322004442442534151761462",
        );
        let s = dec(
            "864523221707669519038849297382936917075023735848431579919598799313385180564748877195639672460179421760770893278030956807690115822709903853682831835159370",
        );
        let k = dec(
            "175516356025850499540628279921125280333451031747737791650208144243182057075034446102986750962508909227235866126872473516807810541747529710309879958632945",
        );
        assert_eq!(
            sign(curve, &d, &k, &e),
            (r.clone(), s.clone()),
            "signing reproduces r, s"
        );
        assert!(verify_digest(&key, &e, &r, &s));
        let flip = BigUint::one() << 300u32;
        assert!(!verify_digest(&key, &(&e ^ &flip), &r, &s));
        assert!(!verify_digest(&key, &e, &(&r ^ &flip), &s));
    }

    #[test]
    fn fixture_certificate_parses() {
        let key = fixture_key();
        assert_eq!(key.curve, GostCurve::CryptoProA);
        assert_eq!(key.curve.name(), "CryptoPro-A");
        assert_eq!(key.curve.bits(), 256);
        assert_eq!(key.to_raw_le().len(), 64);
        let fingerprint = key.fingerprint();
        assert_eq!(fingerprint.len(), 32);
        assert!(
            fingerprint
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );

        // The same certificate as DER, and its bare SubjectPublicKeyInfo.
        let body: String = CERT_PEM
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        let der = STANDARD.decode(body).unwrap();
        assert_eq!(GostPublicKey::from_certificate(&der).unwrap(), key);
        let certificate = Certificate::from_der(&der).unwrap();
        let spki = certificate
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .unwrap();
        assert_eq!(GostPublicKey::from_spki_der(&spki).unwrap(), key);

        // Text around the PEM block is ignored.
        let noisy = format!("Bank certificate:\r\n{CERT_PEM}\nthanks\n");
        assert_eq!(
            GostPublicKey::from_certificate(noisy.as_bytes()).unwrap(),
            key
        );
        // Windows line endings.
        let crlf = CERT_PEM.replace('\n', "\r\n");
        assert_eq!(
            GostPublicKey::from_certificate(crlf.as_bytes()).unwrap(),
            key
        );
    }

    #[test]
    fn fixture_id_token_verifies() {
        let key = fixture_key();
        let token = id_token();
        let (signing_input, signature) = jws_parts(&token);
        assert_eq!(signature.len(), 64);
        let layout = verify(&key, signing_input.as_bytes(), &signature).unwrap();
        assert_eq!(layout, SignatureLayout::STANDARD);
        assert_eq!(layout.to_string(), "s‖r, digest little-endian");
        assert!(layout.is_standard());
        verify_with_layout(&key, signing_input.as_bytes(), &signature, layout).unwrap();
        let all = verify_all_layouts(&key, signing_input.as_bytes(), &signature).unwrap();
        assert_eq!(all.iter().filter(|(_, ok)| *ok).count(), 1);
    }

    #[test]
    fn fixture_user_info_verifies() {
        let key = fixture_key();
        let (signing_input, signature) = jws_parts(USER_INFO_JWT);
        let layout = verify(&key, signing_input.as_bytes(), &signature).unwrap();
        assert_eq!(layout.order, ComponentOrder::SThenR);
        assert_eq!(layout.digest, DigestEndianness::LittleEndian);
    }

    #[test]
    fn altered_token_fails() {
        let key = fixture_key();
        let token = id_token();
        let (signing_input, signature) = jws_parts(&token);
        // Change one byte of the payload part.
        let mut altered = signing_input.as_bytes().to_vec();
        let i = altered.len() - 5;
        altered[i] = if altered[i] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            verify(&key, &altered, &signature),
            Err(GostError::NoLayoutVerified)
        );
        // And one byte of the signature.
        let mut bad_signature = signature.clone();
        bad_signature[40] ^= 0x01;
        assert_eq!(
            verify(&key, signing_input.as_bytes(), &bad_signature),
            Err(GostError::NoLayoutVerified)
        );
        // The user-info signature does not verify the ID token.
        let (_, other_signature) = jws_parts(USER_INFO_JWT);
        assert_eq!(
            verify(&key, signing_input.as_bytes(), &other_signature),
            Err(GostError::NoLayoutVerified)
        );
        // Insisting on another layout fails.
        let swapped = SignatureLayout::ALL[1];
        assert_eq!(
            verify_with_layout(&key, signing_input.as_bytes(), &signature, swapped),
            Err(GostError::NoLayoutVerified)
        );
    }

    #[test]
    #[expect(clippy::many_single_char_names, reason = "the names of RFC 7091 §6-7")]
    fn every_layout_is_detected_256_and_512() {
        let message = b"eyJhbGciOiJnb3N0MzQuMTAtMjAxMiJ9.eyJzdWIiOiJ0ZXN0In0";
        for curve in [
            GostCurve::Tc26Gost256A,
            GostCurve::Tc26Gost512A,
            GostCurve::Tc26Gost512C,
        ] {
            let d = dec("1234567890123456789012345678901234567890123456789");
            let k = dec("9876543210987654321098765432109876543210987654321");
            let key = public_key_for(curve, &d);
            let n = curve.coordinate_len();
            for layout in SignatureLayout::ALL {
                let alpha = digest_to_integer(&streebog_digest(curve, message), layout.digest);
                let (r, s) = sign(curve, &d, &k, &alpha);
                let signature = encode_signature(layout, &r, &s, n);
                assert_eq!(signature.len(), 2 * n);
                assert_eq!(
                    verify(&key, message, &signature),
                    Ok(layout),
                    "{curve} {layout}"
                );
            }
        }
    }

    #[test]
    fn wrong_signature_length() {
        let key = fixture_key();
        let err = verify(&key, b"x", &[0u8; 63]).unwrap_err();
        assert_eq!(
            err,
            GostError::WrongSignatureLength {
                expected: 64,
                got: 63
            }
        );
        assert_eq!(
            err.to_string(),
            "a GOST signature for this key is 64 bytes (two 32-byte halves), this one is 63"
        );
        assert!(matches!(
            verify(&key, b"x", &[0u8; 128]),
            Err(GostError::WrongSignatureLength {
                expected: 64,
                got: 128
            })
        ));
        // All-zero signature: r = s = 0 is rejected, not a panic.
        assert_eq!(
            verify(&key, b"x", &[0u8; 64]),
            Err(GostError::NoLayoutVerified)
        );
        assert_eq!(
            verify(&key, b"x", &[0xffu8; 64]),
            Err(GostError::NoLayoutVerified)
        );
    }

    #[test]
    fn truncated_pem() {
        let half = &CERT_PEM[..CERT_PEM.len() / 2];
        let err = GostPublicKey::from_certificate(half.as_bytes()).unwrap_err();
        assert!(matches!(err, GostError::BadCertificate(_)), "{err}");
        assert!(err.to_string().contains("truncated"), "{err}");

        // Body cut short but END line kept.
        let mut lines: Vec<&str> = CERT_PEM.lines().collect();
        lines.remove(3);
        let cut = lines.join("\n");
        let err = GostPublicKey::from_certificate(cut.as_bytes()).unwrap_err();
        assert!(matches!(err, GostError::BadCertificate(_)), "{err}");

        for junk in [
            &b""[..],
            b"hello",
            b"\x30\x03\x02\x01",
            b"-----BEGIN PUBLIC KEY-----\n",
        ] {
            let err = GostPublicKey::from_certificate(junk).unwrap_err();
            assert!(matches!(err, GostError::BadCertificate(_)), "{err}");
        }
        assert!(matches!(
            GostPublicKey::from_spki_der(b"\x30\x00"),
            Err(GostError::BadKey(_))
        ));
    }

    #[test]
    fn rsa_certificate_is_refused() {
        let err = GostPublicKey::from_certificate(RSA_CERT_PEM.as_bytes()).unwrap_err();
        assert_eq!(
            err,
            GostError::UnsupportedAlgorithm("rsaEncryption (1.2.840.113549.1.1.1)".to_owned())
        );
        assert!(
            err.to_string().starts_with("not a GOST R 34.10 public key"),
            "{err}"
        );
    }

    /// Edits the fixture's SPKI: another parameter set OID, another length.
    #[test]
    fn bad_key_material() {
        let body: String = CERT_PEM
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        let der = STANDARD.decode(body).unwrap();
        let certificate = Certificate::from_der(&der).unwrap();
        let spki = certificate
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .unwrap();
        // 1.2.643.2.2.35.1 encodes as 06 07 2A 85 03 02 02 23 01.
        let param_oid = [0x06, 0x07, 0x2a, 0x85, 0x03, 0x02, 0x02, 0x23, 0x01];
        let at = find(&spki, &param_oid).unwrap();
        let with_last = |byte: u8| {
            let mut edited = spki.clone();
            edited[at + param_oid.len() - 1] = byte;
            edited
        };
        // CryptoPro-B / -C: valid sets, but the point is not on those curves
        // (for B, x is not even below its p).
        for (last, name) in [(0x02, "CryptoPro-B"), (0x03, "CryptoPro-C")] {
            let err = GostPublicKey::from_spki_der(&with_last(last)).unwrap_err();
            assert!(
                matches!(err, GostError::BadKey(ref m) if m.contains(name)),
                "{err}"
            );
        }
        let err = GostPublicKey::from_coordinates(GostCurve::CryptoProA, &[1], &[1]).unwrap_err();
        assert!(
            matches!(err, GostError::BadKey(ref m) if m.contains("not on the CryptoPro-A curve")),
            "{err}"
        );
        // XchA: the same curve as CryptoPro-A under another OID.
        let xch = GostPublicKey::from_spki_der(&{
            let mut edited = spki.clone();
            edited[at + 7] = 0x24;
            edited[at + 8] = 0x00;
            edited
        })
        .unwrap();
        assert_eq!(xch.curve, GostCurve::CryptoProXchA);
        // Unknown set.
        assert_eq!(
            GostPublicKey::from_spki_der(&with_last(0x09)).unwrap_err(),
            GostError::UnknownCurve("1.2.643.2.2.35.9".to_owned())
        );
        // 512-bit algorithm OID (…1.1.2) with a 256-bit set.
        let alg_oid = [0x2a, 0x85, 0x03, 0x07, 0x01, 0x01, 0x01, 0x01];
        let alg_at = find(&spki, &alg_oid).unwrap();
        let mut as_512 = spki.clone();
        as_512[alg_at + alg_oid.len() - 1] = 0x02;
        let err = GostPublicKey::from_spki_der(&as_512).unwrap_err();
        assert!(
            matches!(err, GostError::BadKey(ref m) if m.contains("256-bit")),
            "{err}"
        );

        // Raw coordinates: wrong sizes, off-curve point.
        let key = fixture_key();
        let raw = key.to_raw_le();
        assert!(
            GostPublicKey::from_coordinates(GostCurve::CryptoProA, &raw[..32], &raw[32..]).is_ok()
        );
        assert!(matches!(
            GostPublicKey::from_coordinates(GostCurve::CryptoProA, &raw, &raw[32..]),
            Err(GostError::BadKey(_))
        ));
        assert!(matches!(
            GostPublicKey::from_coordinates(GostCurve::CryptoProA, &[], &raw[32..]),
            Err(GostError::BadKey(_))
        ));
        let mut big_endian_x = raw[..32].to_vec();
        big_endian_x.reverse();
        assert!(matches!(
            GostPublicKey::from_coordinates(GostCurve::CryptoProA, &big_endian_x, &raw[32..]),
            Err(GostError::BadKey(_))
        ));
        assert!(matches!(
            GostPublicKey::from_coordinates(GostCurve::CryptoProA, &[0xff; 32], &raw[32..]),
            Err(GostError::BadKey(_))
        ));
    }

    /// GOST R 34.11-2012 / RFC 6986 §10.1: M1 is the 63 ASCII digits
    /// "0123…012" (RFC 6986 prints the message and the digests as numbers,
    /// i.e. byte-reversed).
    #[test]
    fn streebog_m1() {
        let m1 = b"012345678901234567890123456789012345678901234567890123456789012";
        assert_eq!(m1.len(), 63);
        let h256 = streebog_digest(GostCurve::CryptoProA, m1);
        assert_eq!(
            h256,
            unhex("9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500")
        );
        // As RFC 6986 §10.1.2 prints it (most significant byte first).
        let mut printed = h256.clone();
        printed.reverse();
        assert_eq!(
            printed,
            unhex("00557be5e584fd52a449b16b0251d05d27f94ab76cbaa6da890b59d8ef1e159d")
        );
        let h512 = streebog_digest(GostCurve::Tc26Gost512A, m1);
        assert_eq!(
            h512,
            unhex(
                "1b54d01a4af5b9d5cc3d86d68d285462b19abc2475222f35c085122be4ba1ffa\
                 00ad30f8767b3a82384c6574f024c311e2a481332b08ef7f41797891c1646f48"
            )
        );
    }

    #[test]
    fn a_signature_made_here_verifies_with_the_verifier_in_the_standard_layout() {
        let random: Vec<u8> = (0u8..64)
            .map(|i| i.wrapping_mul(37).wrapping_add(11))
            .collect();
        let key = GostPrivateKey::from_random(GostCurve::CryptoProA, &random).unwrap();
        let message = b"eyJhbGciOiJnb3N0MzQuMTAtMjAxMiJ9.eyJzdWIiOiJhbm5hIn0";
        let nonce: Vec<u8> = (0u8..64)
            .map(|i| i.wrapping_mul(91).wrapping_add(3))
            .collect();
        let signature = key.sign(message, &nonce).unwrap();
        assert_eq!(signature.len(), 64);
        assert_eq!(
            verify(key.public_key(), message, &signature),
            Ok(SignatureLayout::STANDARD)
        );
        assert_eq!(
            verify(key.public_key(), b"another message", &signature),
            Err(GostError::NoLayoutVerified)
        );
        let spki = key.public_key().to_spki_der().unwrap();
        assert_eq!(
            &GostPublicKey::from_spki_der(&spki).unwrap(),
            key.public_key()
        );
    }

    /// A PKCS#8 `PrivateKeyInfo` around `private_key` for `algorithm` on CryptoPro-A.
    fn gost_pkcs8(algorithm: &str, private_key: &[u8]) -> Vec<u8> {
        use x509_cert::der::asn1::{Any, OctetString};
        let curve_oid = ObjectIdentifier::new(GostCurve::CryptoProA.oid()).expect("oid");
        rsa::pkcs8::PrivateKeyInfoOwned::new(
            x509_cert::spki::AlgorithmIdentifierOwned {
                oid: ObjectIdentifier::new(algorithm).expect("oid"),
                parameters: Some(
                    Any::new(Tag::Sequence, curve_oid.to_der().expect("der")).expect("any"),
                ),
            },
            OctetString::new(private_key).expect("octets"),
        )
        .to_der()
        .expect("der")
    }

    #[test]
    fn private_keys_read_back_in_the_forms_signers_write() {
        let key = GostPrivateKey::from_random(GostCurve::CryptoProA, &[7; 64]).expect("key");
        let der = key.to_pkcs8_der().expect("pkcs8");
        let again = GostPrivateKey::from_pkcs8_der(&der).expect("read back");
        assert_eq!(again.public_key(), key.public_key());
        // Bare little-endian octets, no inner OCTET STRING.
        let mut d_le = key.d.to_bytes_le();
        d_le.resize(32, 0);
        let bare = GostPrivateKey::from_pkcs8_der(&gost_pkcs8(OID_GOST3410_2012_256, &d_le))
            .expect("bare octets");
        assert_eq!(bare.public_key(), key.public_key());
        // A signature made with the loaded key verifies with the original's public key.
        let signature = bare.sign(b"message", &[9; 64]).expect("signed");
        assert_eq!(
            verify(key.public_key(), b"message", &signature),
            Ok(SignatureLayout::STANDARD)
        );
        // Refused: 2001 keys, zero, a wrong length, a 512-bit algorithm on a 256-bit curve.
        for (algorithm, private_key, expected) in [
            (OID_GOST3410_2001, d_le.clone(), "34.11-94"),
            (OID_GOST3410_2012_256, vec![0; 32], "not between 1"),
            (
                OID_GOST3410_2012_256,
                vec![1; 7],
                "is 32 bytes, this one is 7",
            ),
            (OID_GOST3410_2012_512, d_le.clone(), "512-bit keys"),
        ] {
            let error = GostPrivateKey::from_pkcs8_der(&gost_pkcs8(algorithm, &private_key))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(error.contains(expected), "{algorithm}: {error}");
        }
        assert!(GostPrivateKey::from_pkcs8_der(b"\x30\x00").is_err());
        assert!(GostPrivateKey::from_pkcs8_der(&[]).is_err());
    }

    #[test]
    fn every_layout_signs_what_that_layout_verifies() {
        for curve in [GostCurve::CryptoProB, GostCurve::Tc26Gost512B] {
            let key = GostPrivateKey::from_random(curve, &[3; 128]).expect("key");
            for layout in SignatureLayout::ALL {
                let signature = key
                    .sign_with_layout(b"payload", &[5; 128], layout)
                    .expect("signed");
                assert_eq!(signature.len(), 2 * curve.coordinate_len());
                assert_eq!(
                    verify_with_layout(key.public_key(), b"payload", &signature, layout),
                    Ok(())
                );
            }
        }
    }
}
