//! Fuzz target `keys`: [`tokenscope::fuzzing::keys`] on every input AFL++ makes.

fn main() {
    tokenscope::fuzzing::warm_up("keys");
    afl::fuzz!(|data: &[u8]| tokenscope::fuzzing::keys(data));
}
