//! Fuzz target `discovery`: [`tokenscope::fuzzing::discovery`] on every input AFL++ makes.

fn main() {
    tokenscope::fuzzing::warm_up("discovery");
    afl::fuzz!(|data: &[u8]| tokenscope::fuzzing::discovery(data));
}
