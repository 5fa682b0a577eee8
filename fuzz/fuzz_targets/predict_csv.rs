#![no_main]
include!("../bodies.rs");
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_predict_csv(data));
