//! Fuzz target `vc_issuer_metadata`: [`tokenscope::fuzzing::vc_issuer_metadata`] on every input AFL++ makes.

fn main() {
    tokenscope::fuzzing::warm_up("vc_issuer_metadata");
    afl::fuzz!(|data: &[u8]| tokenscope::fuzzing::vc_issuer_metadata(data));
}
