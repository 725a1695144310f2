//! Property tests for `ahp`: closed-form facts of reciprocal matrices.

use proptest::prelude::*;
use wealthscore::ahp::{CompletionMethod, IncompleteMatrix, PairwiseMatrix, PriorityMethod};

const METHODS: [PriorityMethod; 3] = [
    PriorityMethod::Eigenvector,
    PriorityMethod::GeometricMean,
    PriorityMethod::ColumnMean,
];

/// Saaty-scale judgments 1/9 … 9.
fn judgment() -> impl Strategy<Value = f64> {
    (1u32..=9, any::<bool>()).prop_map(|(k, inv)| if inv { 1.0 / k as f64 } else { k as f64 })
}

fn random_matrix() -> impl Strategy<Value = PairwiseMatrix> {
    (3usize..=10).prop_flat_map(|n| {
        prop::collection::vec(judgment(), n * (n - 1) / 2)
            .prop_map(move |up| PairwiseMatrix::from_upper_triangle(n, &up).unwrap())
    })
}

fn normalised(w: Vec<f64>) -> Vec<f64> {
    let s: f64 = w.iter().sum();
    w.into_iter().map(|x| x / s).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn consistent_matrix_returns_its_weights(w in prop::collection::vec(0.01f64..1.0, 1..=12)) {
        // a_ij = w_i / w_j is consistent: every method returns w exactly and λmax = n.
        let w = normalised(w);
        let m = PairwiseMatrix::from_weights(&w).unwrap();
        for method in METHODS {
            let p = m.priorities(method).unwrap();
            for (a, b) in p.weights.iter().zip(&w) {
                prop_assert!((a - b).abs() < 1e-10, "{method:?}: {a} vs {b}");
            }
            prop_assert!(p.consistency_ratio.abs() < 1e-10);
            prop_assert!((p.lambda_max - w.len() as f64).abs() < 1e-9);
        }
    }

    #[test]
    fn transpose_keeps_cr_and_inverts_gm_weights(m in random_matrix()) {
        // A and Aᵀ have the same spectrum, hence λmax and CR; the geometric-mean weights of
        // Aᵀ are the normalised reciprocals of A's.
        let t = m.transpose();
        for method in METHODS {
            let p = m.priorities(method).unwrap();
            let q = t.priorities(method).unwrap();
            prop_assert!((p.consistency_ratio - q.consistency_ratio).abs() < 1e-10);
        }
        let g = m.weights(PriorityMethod::GeometricMean).unwrap();
        let gt = t.weights(PriorityMethod::GeometricMean).unwrap();
        let inv = normalised(g.iter().map(|x| 1.0 / x).collect());
        for (a, b) in gt.iter().zip(&inv) {
            prop_assert!((a - b).abs() < 1e-12);
        }
        let spread = g.iter().cloned().fold(0.0, f64::max) - g.iter().cloned().fold(1.0, f64::min);
        if spread > 1e-6 {
            prop_assert!(gt.iter().zip(&g).any(|(a, b)| (a - b).abs() > 1e-9));
        }
    }

    #[test]
    fn weights_sum_to_one_and_eigenvector_is_exact(m in random_matrix()) {
        for method in METHODS {
            let p = m.priorities(method).unwrap();
            prop_assert!((p.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            prop_assert!(p.weights.iter().all(|&x| x > 0.0));
            prop_assert!(p.lambda_max >= m.n() as f64 - 1e-9);
        }
        // Eigen-residual of the returned vector: ‖Aw − λw‖∞ tiny relative to λ·max w.
        let p = m.priorities(PriorityMethod::Eigenvector).unwrap();
        let n = m.n();
        let a = m.as_slice();
        let wmax = p.weights.iter().cloned().fold(0.0, f64::max);
        for i in 0..n {
            let aw: f64 = (0..n).map(|j| a[i * n + j] * p.weights[j]).sum();
            prop_assert!((aw - p.lambda_max * p.weights[i]).abs() < 1e-11 * p.lambda_max * wmax);
        }
    }

    #[test]
    fn completion_of_consistent_gaps_recovers_weights(
        w in prop::collection::vec(0.05f64..1.0, 4..=7),
        drop in prop::collection::vec(any::<bool>(), 21),
    ) {
        // Keep the chain (i, i+1) so the graph stays connected; drop others at random.
        // The consistent fill has λmax = n, which both methods must find.
        let w = normalised(w);
        let n = w.len();
        let mut up = Vec::new();
        let mut k = 0;
        for i in 0..n {
            for j in i + 1..n {
                let keep = j == i + 1 || !drop[k % drop.len()];
                up.push(keep.then(|| w[i] / w[j]));
                k += 1;
            }
        }
        let m = IncompleteMatrix::from_upper_triangle(n, &up).unwrap();
        for method in [CompletionMethod::Harker, CompletionMethod::LambdaMax] {
            let done = m.complete(method).unwrap();
            let p = done.matrix.priorities(PriorityMethod::Eigenvector).unwrap();
            for (a, b) in p.weights.iter().zip(&w) {
                prop_assert!((a - b).abs() < 1e-9, "{method:?}: {a} vs {b}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn large_and_extreme_matrices_converge(
        n in 10usize..=60,
        seed in prop::collection::vec(-12.0f64..12.0, 1770),
    ) {
        // Judgments e^x with |x| ≤ 12 (up to ~1.6e5, far off Saaty's scale): power iteration
        // must still certify λmax; CR uses Alonso–Lamata's regression past n = 15.
        use wealthscore::ahp::{ConsistencyConfig, RandomIndex};
        let up: Vec<f64> = seed.iter().take(n * (n - 1) / 2).map(|x| x.exp()).collect();
        let m = PairwiseMatrix::from_upper_triangle(n, &up).unwrap();
        let cfg = ConsistencyConfig::with_random_index(RandomIndex::AlonsoLamata);
        let p = m.priorities_with(PriorityMethod::Eigenvector, &cfg).unwrap();
        prop_assert!(p.lambda_max >= n as f64 - 1e-6);
        prop_assert!(p.consistency_ratio.is_finite());
        prop_assert!((p.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
}

#[test]
fn near_degenerate_modulus_matrix_converges() {
    // Found by `large_and_extreme_matrices_converge`: n = 11, all judgments 1 but three of
    // e^±11, whose second eigenvalue is so close in modulus to λmax that plain power
    // iteration stalls. The result must still satisfy A w = λmax w.
    let mut x = [0.0f64; 55];
    x[27] = -11.743070623339941;
    x[28] = 10.82107403952222;
    x[34] = -11.115076596411287;
    let up: Vec<f64> = x.iter().map(|v| v.exp()).collect();
    let m = PairwiseMatrix::from_upper_triangle(11, &up).unwrap();
    let p = m.priorities(PriorityMethod::Eigenvector).unwrap();
    assert!(p.lambda_max >= 11.0);
    let a = m.view();
    for i in 0..11 {
        let aw: f64 = (0..11).map(|j| a[[i, j]] * p.weights[j]).sum();
        let rel = (aw - p.lambda_max * p.weights[i]).abs() / (p.lambda_max * p.weights[i]);
        assert!(rel < 1e-9, "row {i}: {rel}");
    }
}
