//! Fuzz target `token_response`: [`tokenscope::fuzzing::token_response`] on every input AFL++ makes.

fn main() {
    tokenscope::fuzzing::warm_up("token_response");
    afl::fuzz!(|data: &[u8]| tokenscope::fuzzing::token_response(data));
}
