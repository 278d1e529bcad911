# Verification: signatures, keys and relying-party checks (token/verify.rs,
# token/keys.rs, token/checks.rs). Same ids in ../ru/verification.ftl.
