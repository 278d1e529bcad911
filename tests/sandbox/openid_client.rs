//! An independent client proves the sandbox is a real provider: the npm
//! `openid-client` package (tests/provider/openid-client-flow.mjs) walks
//! discovery, code + PKCE, UserInfo and refresh against `tokenscope sandbox`
//! started as a user would start it.

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// `tokenscope sandbox`, killed on drop.
struct SandboxProcess {
    child: Child,
    info: serde_json::Value,
}

impl SandboxProcess {
    fn start(personality: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
            .args(["sandbox", "--personality", personality])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tokenscope sandbox runs");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the JSON line");
        let info = serde_json::from_str(&line).expect("one JSON line");
        Self { child, info }
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/provider")
}

#[test]
fn openid_client_completes_discovery_code_pkce_userinfo_and_refresh() {
    // openid-client is in tests/provider's lock file, next to oidc-provider.
    crate::provider::ensure_node_modules();
    for (personality, alg) in [
        ("generic", "RS256"),
        ("keycloak", "RS256"),
        ("kontur", "ES256"),
    ] {
        let sandbox = SandboxProcess::start(personality);
        let info = &sandbox.info;
        let scope = match personality {
            "keycloak" => "openid profile email",
            _ => "openid profile email offline_access",
        };
        let output = Command::new("node")
            .arg("openid-client-flow.mjs")
            .arg(info["issuer"].as_str().expect("issuer"))
            .arg(info["client_id"].as_str().expect("client_id"))
            .arg(info["client_secret"].as_str().expect("client_secret"))
            .arg(scope)
            .current_dir(provider_dir())
            .output()
            .expect("node runs");
        assert!(
            output.status.success(),
            "{personality}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let result: serde_json::Value =
            serde_json::from_slice(&output.stdout).expect("one JSON line");
        assert_eq!(result["id_token_alg"], alg, "{personality}: {result}");
        assert_eq!(
            result["sub"], result["userinfo_sub"],
            "{personality}: {result}"
        );
        assert_eq!(result["refreshed"], true, "{personality}: {result}");
        assert_eq!(result["rotated"], true, "{personality}: {result}");
    }
}
