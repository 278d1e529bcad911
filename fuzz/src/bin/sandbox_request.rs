//! Fuzz target `sandbox_request`: [`tokenscope::fuzzing::sandbox_request`] on every input AFL++ makes.

fn main() {
    tokenscope::fuzzing::warm_up("sandbox_request");
    afl::fuzz!(|data: &[u8]| tokenscope::fuzzing::sandbox_request(data));
}
