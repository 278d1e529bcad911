//! A test PKI made with rcgen: a CA in its own temporary directory, and
//! server and client certificates (PEM, PKCS#12) signed by it, for the
//! provider behind TLS. Include it with
//! `#[path = "../support/pki.rs"] mod pki;`.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

/// Each test binary that includes this module uses a different part of it.
const _: () = {
    let _ = Pki::new;
    let _ = Pki::ca;
    let _ = Pki::server;
    let _ = Pki::client;
    let _ = Pki::client_p12;
};

/// A test PKI in its own directory: a CA, and PEM files signed by it.
pub struct Pki {
    /// The directory the files are written to.
    pub dir: PathBuf,
    ca_params: CertificateParams,
    ca_key: KeyPair,
}

impl Pki {
    pub fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("tokenscope-tls-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "tokenscope test CA");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = ca_params.self_signed(&ca_key).expect("CA certificate");
        std::fs::write(dir.join("ca.pem"), ca.pem()).expect("write CA");
        Self {
            dir,
            ca_params,
            ca_key,
        }
    }

    pub fn ca(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// A certificate and key signed by the CA, written as `{name}.pem` and `{name}.key`.
    pub fn issue(&self, name: &str, params: &CertificateParams) -> (PathBuf, PathBuf) {
        let key = KeyPair::generate().expect("key");
        let issuer = Issuer::from_params(&self.ca_params, &self.ca_key);
        let cert = params.signed_by(&key, &issuer).expect("sign");
        let (cert_path, key_path) = (
            self.dir.join(format!("{name}.pem")),
            self.dir.join(format!("{name}.key")),
        );
        std::fs::write(&cert_path, cert.pem()).expect("write cert");
        std::fs::write(&key_path, key.serialize_pem()).expect("write key");
        (cert_path, key_path)
    }

    pub fn server(&self, names: &[&str], expired: bool) -> (PathBuf, PathBuf) {
        let mut params =
            CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>())
                .expect("server params");
        params.distinguished_name.push(DnType::CommonName, names[0]);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        if expired {
            params.not_before = rcgen::date_time_ymd(2020, 1, 1);
            params.not_after = rcgen::date_time_ymd(2021, 1, 1);
        }
        self.issue("server", &params)
    }

    pub fn client(&self) -> (PathBuf, PathBuf) {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("client params");
        params
            .distinguished_name
            .push(DnType::CommonName, "client-mtls");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        self.issue("client", &params)
    }

    /// The client certificate and key as a PKCS#12 file, made with the same
    /// crate tokenscope reads it with.
    pub fn client_p12(&self, cert: &Path, key: &Path, passphrase: &str) -> PathBuf {
        let der = |path: &Path| {
            let text = std::fs::read_to_string(path).expect("read PEM");
            let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
            base64_decode(&body)
        };
        let chain = p12_keystore::PrivateKeyChain::new(
            b"client-mtls".as_slice(),
            p12_keystore::PrivateKey::from_der(&der(key)).expect("PKCS#8 key"),
            [p12_keystore::Certificate::from_der(&der(cert)).expect("certificate")],
        );
        let mut store = p12_keystore::KeyStore::new();
        store.add_entry(
            "client-mtls",
            p12_keystore::KeyStoreEntry::PrivateKeyChain(chain),
        );
        let bytes = store.writer(passphrase).write().expect("write PKCS#12");
        let path = self.dir.join("client.p12");
        std::fs::write(&path, bytes).expect("write p12");
        path
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("base64")
}
