//! Fuzz target `loopback_request`: [`tokenscope::fuzzing::loopback_request`] on every input AFL++ makes.

fn main() {
    tokenscope::fuzzing::warm_up("loopback_request");
    afl::fuzz!(|data: &[u8]| tokenscope::fuzzing::loopback_request(data));
}
