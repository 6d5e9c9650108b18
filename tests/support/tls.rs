//! A certificate authority made for one test: a CA certificate, and a server certificate
//! it signed for `127.0.0.1`, `localhost` and `::1`, written as PEM files to a temporary
//! directory, plus a TLS acceptor for the fake server.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A CA and a server certificate for loopback addresses.
pub struct TestCa {
    dir: tempfile::TempDir,
    cert_der: CertificateDer<'static>,
    key_der: Vec<u8>,
}

impl TestCa {
    /// Makes a new CA named `name` and a server certificate it signed.
    pub fn new(name: &str) -> TestCa {
        let ca_key = KeyPair::generate().expect("a CA key");
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name.push(DnType::CommonName, name);
        let ca_cert = ca.self_signed(&ca_key).expect("a CA certificate");
        let issuer = Issuer::from_params(&ca, &ca_key);
        let key = KeyPair::generate().expect("a server key");
        let mut server = CertificateParams::new(vec![
            "127.0.0.1".to_owned(),
            "localhost".to_owned(),
            "::1".to_owned(),
        ])
        .expect("server params");
        server
            .distinguished_name
            .push(DnType::CommonName, "tagpilot test registry");
        let cert = server
            .signed_by(&key, &issuer)
            .expect("a server certificate");
        let dir = tempfile::tempdir().expect("a temp dir for certificates");
        std::fs::write(dir.path().join("ca.pem"), ca_cert.pem()).expect("writing ca.pem");
        std::fs::write(dir.path().join("server.pem"), cert.pem()).expect("writing server.pem");
        std::fs::write(dir.path().join("server.key"), key.serialize_pem())
            .expect("writing server.key");
        TestCa {
            dir,
            cert_der: cert.der().clone(),
            key_der: key.serialize_der(),
        }
    }

    /// The CA certificate (PEM) to trust.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// The server certificate (PEM).
    pub fn cert_file(&self) -> PathBuf {
        self.dir.path().join("server.pem")
    }

    /// The server's private key (PEM).
    pub fn key_file(&self) -> PathBuf {
        self.dir.path().join("server.key")
    }

    /// A TLS acceptor presenting the server certificate.
    pub fn acceptor(&self) -> tokio_rustls::TlsAcceptor {
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone()));
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(vec![self.cert_der.clone()], key)
        .expect("a TLS server config");
        tokio_rustls::TlsAcceptor::from(Arc::new(config))
    }
}
