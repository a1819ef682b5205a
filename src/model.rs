//! The language model (being written).
