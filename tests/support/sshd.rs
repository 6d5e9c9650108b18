//! A throwaway OpenSSH server on 127.0.0.1 for git over SSH: its own host key, one
//! authorized client key, public-key authentication only, everything in a temporary
//! directory. Needs `/usr/sbin/sshd` (Debian's openssh-server) and `ssh-keygen`.
#![allow(dead_code)]

use std::fs;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::registry::free_port;

const SSHD: &str = "/usr/sbin/sshd";

/// A key pair made by `ssh-keygen`.
pub struct KeyPair {
    /// The private key file (OpenSSH format, no passphrase).
    pub private: PathBuf,
    /// The public key line (`ssh-ed25519 AAAA… comment`).
    pub public: String,
}

/// Make an ed25519 key pair at `path` (and `path.pub`).
pub fn keygen(path: &Path) -> KeyPair {
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "tagpilot-test", "-f"])
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .expect("running ssh-keygen");
    assert!(
        out.status.success(),
        "ssh-keygen: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = fs::read_to_string(path.with_extension("pub")).expect("public key");
    KeyPair {
        private: path.to_path_buf(),
        public: public.trim().to_owned(),
    }
}

/// A running sshd; killed when dropped.
pub struct Sshd {
    child: Child,
    port: u16,
    host_key: KeyPair,
    log: PathBuf,
}

impl Sshd {
    /// Start sshd with its files in `dir` (created), accepting `authorized` public keys.
    pub fn start(dir: &Path, authorized: &[&str]) -> Sshd {
        assert!(
            Path::new(SSHD).is_file(),
            "{SSHD} is missing: install Debian's openssh-server"
        );
        fs::create_dir_all(dir).expect("sshd dir");
        // sshd insists on its privilege separation directory, even for one connection.
        let _ = fs::create_dir_all("/run/sshd");
        let host_key = keygen(&dir.join("host_ed25519"));
        let authorized_keys = dir.join("authorized_keys");
        fs::write(&authorized_keys, format!("{}\n", authorized.join("\n"))).expect("keys");
        let log = dir.join("sshd.log");
        let config = dir.join("sshd_config");
        fs::write(
            &config,
            format!(
                "ListenAddress 127.0.0.1\n\
                 HostKey {host}\n\
                 PidFile {pid}\n\
                 AuthorizedKeysFile {keys}\n\
                 StrictModes no\n\
                 UsePAM no\n\
                 PubkeyAuthentication yes\n\
                 PasswordAuthentication no\n\
                 KbdInteractiveAuthentication no\n\
                 PermitRootLogin prohibit-password\n\
                 AllowTcpForwarding no\n\
                 X11Forwarding no\n\
                 PrintMotd no\n\
                 LogLevel VERBOSE\n",
                host = host_key.private.display(),
                pid = dir.join("sshd.pid").display(),
                keys = authorized_keys.display(),
            ),
        )
        .expect("sshd_config");
        let port = free_port("127.0.0.1");
        let child = Command::new(SSHD)
            .arg("-D")
            .arg("-e")
            .arg("-f")
            .arg(&config)
            .arg("-p")
            .arg(port.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(fs::File::create(&log).expect("sshd log"))
            .spawn()
            .expect("starting sshd");
        let mut sshd = Sshd {
            child,
            port,
            host_key,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = sshd.child.try_wait() {
                panic!("sshd exited with {status}:\n{}", sshd.log());
            }
            assert!(
                Instant::now() < deadline,
                "sshd did not start:\n{}",
                sshd.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        sshd
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// An `ssh://` URL for `path` on this server, logging in as the current user.
    pub fn url(&self, path: &Path) -> String {
        format!(
            "ssh://{}@127.0.0.1:{}{}",
            current_user(),
            self.port,
            path.display()
        )
    }

    /// The `known_hosts` line for this server's host key.
    pub fn known_hosts_line(&self) -> String {
        let mut fields = self.host_key.public.split_whitespace();
        let kind = fields.next().expect("key type");
        let key = fields.next().expect("key");
        format!("[127.0.0.1]:{} {kind} {key}", self.port)
    }

    /// What sshd logged so far.
    pub fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The login name of the user running the tests.
fn current_user() -> String {
    let out = Command::new("id").arg("-un").output().expect("running id");
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}
