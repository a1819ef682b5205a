//! The signature step of `unspin learn --corpus`, for joining signatures
//! at scale elsewhere (a Spark job bands them and joins the bands): the
//! functions `signature` and `similarity` of `unspin.mine`. The hashing is
//! the library's own and fixed, so signatures made here compare with the
//! command line's and across machines.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use unspin::mine::signature::{Signature, BANDS, HASHES, ROWS, SHINGLE};

/// The signature of `text` as a dict: `minhash` (list of int), `bands`
/// (the LSH band keys, list of int, empty when the text has no shingle),
/// `shingles` (int), `digest` (int: a hash of the text up to white space,
/// equal for exact duplicates) and `bytes` (int).
#[pyfunction]
fn signature<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyDict>> {
    let text = text.to_owned();
    let sig = py.detach(move || Signature::of(&text));
    let d = PyDict::new(py);
    d.set_item("minhash", sig.minhash.to_vec())?;
    d.set_item("bands", sig.bands())?;
    d.set_item("shingles", sig.shingles)?;
    d.set_item("digest", sig.digest)?;
    d.set_item("bytes", sig.bytes)?;
    Ok(d)
}

/// The estimated Jaccard similarity of two signatures' `minhash` lists: the
/// share of positions equal (0 when either is all `2**32 - 1`, no shingle).
#[pyfunction]
fn similarity(a: Vec<u32>, b: Vec<u32>) -> PyResult<f64> {
    let sig = |m: Vec<u32>| -> PyResult<Signature> {
        let minhash: [u32; HASHES] = m.try_into().map_err(|m: Vec<u32>| {
            pyo3::exceptions::PyValueError::new_err(format!(
                "a minhash has {HASHES} values, not {}",
                m.len()
            ))
        })?;
        let shingles = u32::from(minhash.iter().any(|&h| h != u32::MAX));
        Ok(Signature {
            minhash,
            shingles,
            digest: 0,
            bytes: 0,
        })
    };
    Ok(sig(a)?.similarity(&sig(b)?))
}

/// Adds the functions and constants of `unspin.mine` to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(signature, m)?)?;
    m.add_function(wrap_pyfunction!(similarity, m)?)?;
    m.add("SIGNATURE_HASHES", HASHES)?;
    m.add("SIGNATURE_BANDS", BANDS)?;
    m.add("SIGNATURE_ROWS", ROWS)?;
    m.add("SIGNATURE_SHINGLE", SHINGLE)?;
    Ok(())
}
