//! Helpers shared by the integration tests.

use std::sync::OnceLock;

use unspin::Unspinner;

/// The default unspinner, built once per test binary.
pub fn unspinner() -> &'static Unspinner {
    static U: OnceLock<Unspinner> = OnceLock::new();
    U.get_or_init(|| {
        Unspinner::builder()
            .build()
            .expect("default unspinner builds")
    })
}
