#![no_main]
//! AHP constructors and priority methods on arbitrary numbers: weights sum to 1 or an error.
use libfuzzer_sys::fuzz_target;
use wealthscore::ahp::{PairwiseMatrix, PriorityMethod};

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else { return };
    let n = usize::from(n % 12);
    let vals: Vec<f64> = rest
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
        .collect();
    let m = if n % 2 == 0 {
        PairwiseMatrix::from_upper_triangle(n, &vals)
    } else {
        let rows: Vec<&[f64]> = vals.chunks(n.max(1)).take(n).collect();
        PairwiseMatrix::from_rows(&rows)
    };
    if let Ok(m) = m {
        for method in [
            PriorityMethod::Eigenvector,
            PriorityMethod::GeometricMean,
            PriorityMethod::ColumnMean,
        ] {
            if let Ok(p) = m.priorities(method) {
                let s: f64 = p.weights.iter().sum();
                assert!((s - 1.0).abs() < 1e-9, "weights sum {s}");
                assert!(p.consistency_ratio.is_finite());
            }
        }
    }
});
