//! Fuzz target `jose`: [`tokenscope::fuzzing::jose`] on every input AFL++ makes.

fn main() {
    tokenscope::fuzzing::warm_up("jose");
    afl::fuzz!(|data: &[u8]| tokenscope::fuzzing::jose(data));
}
