//! Analysis throughput and start-up.
//!
//! `cargo bench --bench analyze`; figures in bytes per second of input.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use unspin::Unspinner;

const SPUN: &str = include_str!("../corpus/seeds/002_e90d1dc293122756.txt");
const CLEAN: &str = include_str!("../corpus/seeds/003_8b6ec4914fcd75e2.txt");

fn analyze(c: &mut Criterion) {
    let u = Unspinner::builder().build().expect("default unspinner");
    let mut g = c.benchmark_group("analyze");
    for (name, text) in [("spun-seed-002", SPUN), ("clean-seed-003", CLEAN)] {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| u.analyze(black_box(text)).restore().len())
        });
    }
    g.finish();
}

fn startup(c: &mut Criterion) {
    // Building an unspinner: parsing the tables and compiling the fst. The
    // model is zero-copy, so opening it is part of this too.
    c.bench_function("build-unspinner", |b| {
        b.iter(|| Unspinner::builder().build().expect("default unspinner"))
    });
}

criterion_group!(benches, analyze, startup);
criterion_main!(benches);
