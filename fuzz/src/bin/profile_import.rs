//! Fuzz target `profile_import`: [`tokenscope::fuzzing::profile_import`] on every input AFL++ makes.

fn main() {
    tokenscope::fuzzing::warm_up("profile_import");
    afl::fuzz!(|data: &[u8]| tokenscope::fuzzing::profile_import(data));
}
