//! Fuzz target `paste`: [`tokenscope::fuzzing::paste`] on every input AFL++ makes.

fn main() {
    tokenscope::fuzzing::warm_up("paste");
    afl::fuzz!(|data: &[u8]| tokenscope::fuzzing::paste(data));
}
