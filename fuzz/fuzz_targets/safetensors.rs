#![no_main]
include!("../bodies.rs");
// The same body as `model`, with its own corpus of `.safetensors` files.
libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_model(data));
