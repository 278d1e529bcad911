//! Fuzz target `pasted_error`: [`tokenscope::fuzzing::pasted_error`] on every input AFL++ makes.

fn main() {
    tokenscope::fuzzing::warm_up("pasted_error");
    afl::fuzz!(|data: &[u8]| tokenscope::fuzzing::pasted_error(data));
}
