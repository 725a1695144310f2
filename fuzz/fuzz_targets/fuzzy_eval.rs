#![no_main]
//! Membership functions and FCE composition on arbitrary numbers: values in [0, 1],
//! B sums to 1, or an error.
use libfuzzer_sys::fuzz_target;
use ndarray::Array2;
use wealthscore::fuzzy::{Membership, MembershipMatrix, Normalisation, Operator};

fuzz_target!(|data: &[u8]| {
    let vals: Vec<f64> = data
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
        .collect();
    if vals.len() < 5 {
        return;
    }
    if let Ok(m) = Membership::trapezoidal(vals[0], vals[1], vals[2], vals[3]) {
        let y = m.eval(vals[4]);
        assert!(y.is_nan() || (0.0..=1.0).contains(&y));
    }
    if let Ok(m) = Membership::triangular(vals[0], vals[1], vals[2]) {
        let y = m.eval(vals[3]);
        assert!(y.is_nan() || (0.0..=1.0).contains(&y));
    }
    let k = 1 + (vals.len() - 1) / 6;
    let (w, r) = vals.split_at(k.min(vals.len()));
    let rows = r.len() / 5;
    if rows == 0 {
        return;
    }
    if let Ok(r) = Array2::from_shape_vec((rows, 5), r[..rows * 5].to_vec())
        && let Ok(m) = MembershipMatrix::new(r, Normalisation::RowSum)
        && let Ok(b) = m.compose(w, Operator::WeightedAverage)
    {
        let s: f64 = b.iter().sum();
        assert!((s - 1.0).abs() < 1e-6 || s == 0.0, "B sums to {s}");
    }
});
