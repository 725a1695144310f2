//! PSI and CSI against hand-computed tables, bands, and the columns that moved most.

use ndarray::Array2;
use wealthscore::churn::drift::{DriftBand, DriftMonitor, MIN_SHARE, StabilityBins, psi};

fn column(counts: &[(f64, usize)]) -> Vec<f64> {
    counts
        .iter()
        .flat_map(|&(v, c)| std::iter::repeat_n(v, c))
        .collect()
}

#[test]
fn psi_matches_a_hand_computed_table() {
    // Training shares of the values 1, 2, 3, 4: 0.4, 0.3, 0.2, 0.1; new shares 0.25 each.
    // By hand, Σ (a − e) ln(a / e):
    //   (0.25 − 0.4) ln(0.25/0.4) = 0.0705006
    //   (0.25 − 0.3) ln(0.25/0.3) = 0.0091161
    //   (0.25 − 0.2) ln(0.25/0.2) = 0.0111572
    //   (0.25 − 0.1) ln(0.25/0.1) = 0.1374436
    //   total                       0.2282174 → watch
    let train = column(&[(1.0, 40), (2.0, 30), (3.0, 20), (4.0, 10)]);
    let new = column(&[(1.0, 25), (2.0, 25), (3.0, 25), (4.0, 25)]);
    let s = psi(&train, &new, 10).unwrap();
    let by_hand = [0.0705006, 0.0091161, 0.0111572, 0.1374436];
    assert_eq!(s.bins.len(), 4);
    for (b, h) in s.bins.iter().zip(by_hand) {
        assert!(
            (b.contribution - h).abs() < 1e-7,
            "{} vs {h}",
            b.contribution
        );
    }
    assert!((s.index - 0.2282174).abs() < 1e-6);
    assert_eq!(s.band, DriftBand::Watch);
    assert_eq!((s.bins[0].upper, s.bins[3].lower), (1.5, 3.5));
}

#[test]
fn an_emptied_bin_counts_as_the_minimum_share() {
    // New shares 0.5, 0.3, 0.2, 0: the empty bin counts as MIN_SHARE = 1e-4.
    //   (0.5 − 0.4) ln(0.5/0.4)   = 0.0223144
    //   (1e-4 − 0.1) ln(1e-4/0.1) = 0.6900849
    //   total                       0.7123991 → act
    assert_eq!(MIN_SHARE, 1e-4);
    let train = column(&[(1.0, 40), (2.0, 30), (3.0, 20), (4.0, 10)]);
    let new = column(&[(1.0, 50), (2.0, 30), (3.0, 20)]);
    let s = psi(&train, &new, 10).unwrap();
    assert!((s.index - 0.7123991).abs() < 1e-6, "{}", s.index);
    assert_eq!(s.band, DriftBand::Act);
}

#[test]
fn bands_follow_the_usual_cut_offs() {
    assert_eq!(DriftBand::of(0.0999), DriftBand::Stable);
    assert_eq!(DriftBand::of(0.1), DriftBand::Watch);
    assert_eq!(DriftBand::of(0.25), DriftBand::Watch);
    assert_eq!(DriftBand::of(0.2501), DriftBand::Act);
}

#[test]
fn the_monitor_ranks_the_columns_that_moved() {
    let n = 2_000;
    let train = Array2::from_shape_fn((n, 3), |(i, j)| ((i * (j + 7)) % 101) as f64);
    let scores: Vec<f64> = (0..n).map(|i| (i % 100) as f64 / 100.0).collect();
    let names: Vec<String> = ["steady", "shifted", "slightly"].map(String::from).to_vec();
    let m = DriftMonitor::fit(&names, train.view(), &scores, 10).unwrap();
    let mut new = train.clone();
    new.column_mut(1).mapv_inplace(|v| v + 40.0);
    new.column_mut(2).mapv_inplace(|v| v + 3.0);
    let r = m.check(new.view(), &scores).unwrap();
    let top = r.top_columns(3);
    assert_eq!(top[0].0, "shifted");
    assert_eq!(top[1].0, "slightly");
    assert_eq!(top[2], ("steady", 0.0));
    assert_eq!(r.columns[0].1.band, DriftBand::Act);
    assert_eq!(r.score.band, DriftBand::Stable);
    assert!(r.to_text().starts_with("score PSI 0.0000"));
    // Shipped as JSON and loaded, the monitor gives the same report.
    let back: DriftMonitor = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
    assert_eq!(back.check(new.view(), &scores).unwrap(), r);
}

#[test]
fn bad_inputs_name_the_field() {
    match psi(&[0.1, f64::NAN], &[0.1], 10) {
        Err(wealthscore::Error::NonFinite { field }) => assert_eq!(field, "values[1]"),
        other => panic!("unexpected {other:?}"),
    }
    assert!(StabilityBins::fit(&[1.0, 2.0], 1).is_err());
    let bad: Result<StabilityBins, _> =
        serde_json::from_str(r#"{"edges":[2.0,1.0],"expected":[0.2,0.3,0.5]}"#);
    assert!(bad.is_err());
    let names = vec!["a".to_string()];
    let x = Array2::from_elem((3, 1), 1.0);
    let m = DriftMonitor::fit(&names, x.view(), &[0.1, 0.2, 0.3], 10).unwrap();
    let mut y = x.clone();
    y[[2, 0]] = f64::INFINITY;
    match m.check(y.view(), &[0.1, 0.2, 0.3]) {
        Err(wealthscore::Error::NonFinite { field }) => assert_eq!(field, "a: values[2]"),
        other => panic!("unexpected {other:?}"),
    }
}
