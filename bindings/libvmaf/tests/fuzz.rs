//! Drives the fuzzing hook (`vmaf::fuzz::run`) with random call sequences: every export must
//! return 0 or a negative errno, never panic or crash, and keep the ownership rules.

use rand::{Rng, SeedableRng};

#[test]
fn random_call_sequences() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x0072_766d_6166);
    let mut reads = 0;
    for _ in 0..400 {
        let n = rng.gen_range(0..600);
        let data: Vec<u8> = (0..n).map(|_| rng.gen()).collect();
        reads += vmaf::fuzz::run(&data);
    }
    // the sequences get past the argument checks: pictures are scored
    assert!(reads > 100, "only {reads} picture pairs were scored");
}
