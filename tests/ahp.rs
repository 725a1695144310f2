//! Golden tests for the `ahp` module: published examples and AHPy's output
//! (tests/data/ahp_ahpy_reference.json, made by tests/data/scripts/ahpy_reference.py).

use serde_json::Value;
use wealthscore::Error;
use wealthscore::ahp::{ConsistencyConfig, PairwiseMatrix, PriorityMethod, RandomIndex};

fn reference() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/ahp_ahpy_reference.json"
    ))
    .expect("reference file");
    serde_json::from_str(&text).expect("reference JSON")
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// Saaty (2008), "Decision making with the analytic hierarchy process", Int. J. Services
/// Sciences 1(1) 83–98, Table 2: relative consumption of drinks in the United States.
fn drinks() -> PairwiseMatrix {
    PairwiseMatrix::from_rows(&[
        [1.0, 9.0, 5.0, 2.0, 1.0, 1.0, 0.5],
        [
            1.0 / 9.0,
            1.0,
            1.0 / 3.0,
            1.0 / 9.0,
            1.0 / 9.0,
            1.0 / 9.0,
            1.0 / 9.0,
        ],
        [0.2, 3.0, 1.0, 1.0 / 3.0, 0.25, 1.0 / 3.0, 1.0 / 9.0],
        [0.5, 9.0, 3.0, 1.0, 0.5, 1.0, 1.0 / 3.0],
        [1.0, 9.0, 4.0, 2.0, 1.0, 2.0, 0.5],
        [1.0, 9.0, 3.0, 1.0, 0.5, 1.0, 1.0 / 3.0],
        [2.0, 9.0, 9.0, 3.0, 2.0, 3.0, 1.0],
    ])
    .unwrap()
    .with_labels(["coffee", "wine", "tea", "beer", "soda", "milk", "water"])
    .unwrap()
}

#[test]
fn drinks_matches_saaty_2008() {
    // Published eigenvector weights (3 decimals) and λmax ≈ 7.18 from Saaty (2008).
    let published = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327];
    let p = drinks().priorities(PriorityMethod::Eigenvector).unwrap();
    for (w, e) in p.weights.iter().zip(published) {
        assert!((w - e).abs() <= 5e-4 + 1e-12, "{w} vs {e}");
    }
    assert!((p.lambda_max - 7.18).abs() < 5e-3, "{}", p.lambda_max);
    assert!(p.acceptable);
    assert_eq!(p.ranking()[0], 6); // water first
}

#[test]
fn drinks_matches_ahpy() {
    let r = reference();
    let m = drinks();
    let p = m.priorities(PriorityMethod::Eigenvector).unwrap();
    // AHPy rounds to 10 decimals.
    for (w, e) in p.weights.iter().zip(floats(&r["drinks_dd"]["weights"])) {
        assert!((w - e).abs() <= 6e-11, "{w} vs {e}");
    }
    let dd = m
        .priorities_with(
            PriorityMethod::Eigenvector,
            &ConsistencyConfig::with_random_index(RandomIndex::DoneganDodd),
        )
        .unwrap();
    let e = r["drinks_dd"]["consistency_ratio"].as_f64().unwrap();
    assert!(
        (dd.consistency_ratio - e).abs() <= 6e-11,
        "{}",
        dd.consistency_ratio
    );
    let s5 = m
        .priorities_with(
            PriorityMethod::Eigenvector,
            &ConsistencyConfig::with_random_index(RandomIndex::Saaty2005),
        )
        .unwrap();
    let e = r["drinks_saaty"]["consistency_ratio"].as_f64().unwrap();
    assert!((s5.consistency_ratio - e).abs() <= 6e-11);
}

#[test]
fn bench_matrix_matches_ahpy_for_every_method_cr() {
    let r = reference();
    let b = &r["bench9"];
    let m = PairwiseMatrix::from_upper_triangle(9, &floats(&b["upper"])).unwrap();
    let cfg = ConsistencyConfig::with_random_index(RandomIndex::DoneganDodd);
    let e = b["consistency_ratio"].as_f64().unwrap();
    for method in [
        PriorityMethod::Eigenvector,
        PriorityMethod::GeometricMean,
        PriorityMethod::ColumnMean,
    ] {
        let p = m.priorities_with(method, &cfg).unwrap();
        // CR is a property of the matrix (λmax), the same for every method.
        assert!((p.consistency_ratio - e).abs() <= 6e-11, "{method:?}");
        assert!((p.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
    let p = m.priorities(PriorityMethod::Eigenvector).unwrap();
    for (w, e) in p.weights.iter().zip(floats(&b["weights"])) {
        assert!((w - e).abs() <= 6e-11, "{w} vs {e}");
    }
}

#[test]
fn random_index_tables_match_publications() {
    // Saaty (1980) p. 21 as printed; Saaty (2005) p. 31; Alonso & Lamata (2006) Table;
    // Donegan & Dodd (1991) table (values as quoted in AHPy's source).
    assert_eq!(RandomIndex::Saaty1980.value(3).unwrap(), 0.58);
    assert_eq!(RandomIndex::Saaty1980.value(10).unwrap(), 1.49);
    assert_eq!(RandomIndex::Saaty1980.value(15).unwrap(), 1.59);
    assert_eq!(RandomIndex::Saaty2005.value(3).unwrap(), 0.52);
    assert_eq!(RandomIndex::Saaty2005.value(7).unwrap(), 1.35);
    assert_eq!(RandomIndex::AlonsoLamata.value(9).unwrap(), 1.4499);
    assert_eq!(RandomIndex::AlonsoLamata.value(15).unwrap(), 1.5838);
    assert_eq!(RandomIndex::DoneganDodd.value(9).unwrap(), 1.3733);
    // Interpolated between the tabulated 20 (1.5371) and 25 (1.5619), as AHPy does.
    let dd22 = RandomIndex::DoneganDodd.value(22).unwrap();
    assert!((dd22 - (1.5371 + 2.0 * (1.5619 - 1.5371) / 5.0)).abs() < 1e-12);
    // Alonso–Lamata regression past 15 agrees with their own n = 15 table entry to 0.2 %.
    let al15 = (1.7699 * 15.0 - 4.3513) / 14.0;
    assert!((al15 - 1.5838f64).abs() / 1.5838 < 2e-3);
    assert!(RandomIndex::AlonsoLamata.value(40).unwrap() > 1.59);
    for t in RandomIndex::ALL {
        assert_eq!(t.value(1).unwrap(), 0.0);
        assert_eq!(t.value(2).unwrap(), 0.0);
        assert!(t.value(0).is_err());
    }
    assert!(RandomIndex::Saaty2005.value(16).is_err());
    assert!(RandomIndex::DoneganDodd.value(101).is_err());
}

#[test]
fn validation_names_the_cell() {
    let e = PairwiseMatrix::from_rows(&[[1.0, f64::NAN], [1.0, 1.0]]).unwrap_err();
    assert_eq!(
        e,
        Error::NonFinite {
            field: "a[0][1]".into()
        }
    );
    let e = PairwiseMatrix::from_rows(&[[1.0, -2.0], [-0.5, 1.0]]).unwrap_err();
    assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "a[0][1]"));
    let e = PairwiseMatrix::from_rows(&[[2.0, 2.0], [0.5, 1.0]]).unwrap_err();
    assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "a[0][0]"));
    let e = PairwiseMatrix::from_rows(&[[1.0, 3.0], [0.3, 1.0]]).unwrap_err();
    assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "a[1][0]"));
    let e = PairwiseMatrix::from_rows::<[f64; 0]>(&[]).unwrap_err();
    assert!(matches!(e, Error::Empty { .. }));
    let e = PairwiseMatrix::from_upper_triangle(0, &[]).unwrap_err();
    assert!(matches!(e, Error::Empty { .. }));
    let e = PairwiseMatrix::from_upper_triangle(3, &[2.0, f64::INFINITY, 1.0]).unwrap_err();
    assert_eq!(
        e,
        Error::NonFinite {
            field: "a[0][2]".into()
        }
    );
    let e = PairwiseMatrix::from_upper_triangle(3, &[2.0, 1.0]).unwrap_err();
    assert!(matches!(e, Error::DimensionMismatch { .. }));
    let e = PairwiseMatrix::from_rows(&[vec![1.0, 2.0], vec![0.5]]).unwrap_err();
    assert!(matches!(e, Error::DimensionMismatch { .. }));
    // Typed thirds pass with a looser tolerance.
    assert!(PairwiseMatrix::from_rows(&[[1.0, 3.0], [0.333, 1.0]]).is_err());
    assert!(PairwiseMatrix::from_rows_with_tolerance(&[[1.0, 3.0], [0.333, 1.0]], 1e-3).is_ok());
}

#[test]
fn off_scale_judgments_are_reported_not_rejected() {
    let m = PairwiseMatrix::from_upper_triangle(3, &[12.0, 9.0, 1.0 / 20.0]).unwrap();
    let off = m.off_scale();
    assert_eq!(off.len(), 2);
    assert_eq!((off[0].row, off[0].col, off[0].value), (0, 1, 12.0));
    assert_eq!((off[1].row, off[1].col), (1, 2));
    assert!(drinks().off_scale().is_empty());
}

#[test]
fn small_n_threshold_option() {
    // n = 3 matrix with CR ≈ 0.081 (numpy eigvals, RI 0.58): between 0.05 and 0.10.
    let mm = PairwiseMatrix::from_upper_triangle(3, &[2.0, 5.0, 1.0]).unwrap();
    let p = mm.priorities(PriorityMethod::Eigenvector).unwrap();
    let strict = ConsistencyConfig {
        saaty_small_n: true,
        ..ConsistencyConfig::default()
    };
    let q = mm
        .priorities_with(PriorityMethod::Eigenvector, &strict)
        .unwrap();
    assert!(
        p.consistency_ratio > 0.05 && p.consistency_ratio < 0.10,
        "{}",
        p.consistency_ratio
    );
    assert!(p.acceptable && !q.acceptable);
    assert_eq!(q.threshold, 0.05);
    assert!(matches!(
        q.require_acceptable("criteria"),
        Err(Error::Inconsistent { .. })
    ));
}

#[test]
fn serde_round_trip_validates() {
    let m = drinks();
    let json = serde_json::to_string(&m).unwrap();
    let back: PairwiseMatrix = serde_json::from_str(&json).unwrap();
    assert_eq!(back, m);
    let bad = r#"{"rows": [[1.0, 2.0], [2.0, 1.0]], "labels": null}"#;
    assert!(serde_json::from_str::<PairwiseMatrix>(bad).is_err());
    let bad_cfg = r#"{"random_index": "saaty1980", "threshold": 0.0, "saaty_small_n": false}"#;
    assert!(serde_json::from_str::<ConsistencyConfig>(bad_cfg).is_err());
    let cfg: ConsistencyConfig =
        serde_json::from_str(r#"{"random_index": "alonso_lamata"}"#).unwrap();
    assert_eq!(cfg.random_index, RandomIndex::AlonsoLamata);
    assert_eq!(cfg.threshold, 0.10);
}
