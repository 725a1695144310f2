//! Portfolio KPIs against closed forms and hand-counted examples.

use wealthscore::churn::lifetime::{FitOptions, ShiftedBetaGeometric};
use wealthscore::metrics::{ChurnCost, ClientSpan, CohortTable, PeriodFlow, retention_clv};

fn span(joined: f64, left: Option<f64>) -> ClientSpan {
    ClientSpan { joined, left }
}

#[test]
fn period_flow_counts_joiners_apart() {
    // Period (10, 20]. Hand count: at start = a, b, c, d (e left before); joined = f, g, h;
    // left from start = b (15), c (20, inclusive end); left from joined = g.
    let clients = [
        span(0.0, None),        // a
        span(5.0, Some(15.0)),  // b
        span(10.0, Some(20.0)), // c: joined at the start instant, counts as present
        span(2.0, Some(25.0)),  // d: leaves after the period
        span(1.0, Some(10.0)),  // e: left at the start instant: gone
        span(11.0, None),       // f
        span(12.0, Some(18.0)), // g
        span(20.0, None),       // h
        span(21.0, None),       // i: after the period
    ];
    let f = PeriodFlow::from_clients(&clients, 10.0, 20.0).unwrap();
    assert_eq!(
        f,
        PeriodFlow {
            at_start: 4,
            joined: 3,
            left_from_start: 2,
            left_from_joined: 1
        }
    );
    assert_eq!(f.at_end().unwrap(), 4);
    assert_eq!(f.retention_rate().unwrap(), 0.5);
    assert_eq!(f.churn_rate().unwrap(), 0.5);
    // 3 departures over the mean of 4 and 4
    assert_eq!(f.churn_rate_average_base().unwrap(), 0.75);
    // The common (end - new) / start gives (4 - 3) / 4 = 0.25: g's departure is
    // charged to the starters. The explicit split does not.
    let naive = (f.at_end().unwrap() - f.joined) as f64 / f.at_start as f64;
    assert_eq!(naive, 0.25);
}

#[test]
fn period_flow_rejects_bad_input() {
    assert!(PeriodFlow::from_clients(&[span(5.0, Some(1.0))], 0.0, 10.0).is_err());
    assert!(PeriodFlow::from_clients(&[span(f64::NAN, None)], 0.0, 10.0).is_err());
    assert!(PeriodFlow::from_clients(&[], 10.0, 10.0).is_err());
    let empty = PeriodFlow {
        at_start: 0,
        joined: 2,
        left_from_start: 0,
        left_from_joined: 0,
    };
    assert!(matches!(
        empty.churn_rate(),
        Err(wealthscore::Error::Empty { .. })
    ));
    let bad = PeriodFlow {
        at_start: 1,
        joined: 0,
        left_from_start: 2,
        left_from_joined: 0,
    };
    assert!(bad.retention_rate().is_err() && bad.at_end().is_err());
}

#[test]
fn retention_clv_is_the_geometric_series() {
    // Closed form: Σ_{t>=0} m r^t / (1+d)^t = m (1+d) / (1+d-r).
    for (m, r, d) in [
        (100.0_f64, 0.8_f64, 0.1_f64),
        (250.0, 0.95, 0.08),
        (1.0, 0.0, 0.0),
        (40.0, 0.5, 0.0),
    ] {
        let series: f64 = (0..5000).map(|t| m * (r / (1.0 + d)).powi(t)).sum();
        let got = retention_clv(m, r, d).unwrap();
        assert!(
            (got - series).abs() < 1e-9 * series.abs().max(1.0),
            "{m} {r} {d}"
        );
    }
    assert!(retention_clv(100.0, 1.0, 0.0).is_err()); // diverges
    assert!(retention_clv(100.0, 1.2, 0.5).is_err());
    assert!(retention_clv(f64::INFINITY, 0.5, 0.1).is_err());
}

#[test]
fn churn_cost_adds_margin_and_replacement() {
    let c = ChurnCost::uniform(12.0, 1500.0, 400.0).unwrap();
    assert_eq!(
        (c.lost_margin, c.replacement_cost, c.total),
        (18_000.0, 4_800.0, 22_800.0)
    );
    // With the retention CLV as the forgone margin of each client
    let clv = retention_clv(1000.0, 0.8, 0.1).unwrap();
    let c = ChurnCost::from_clients(&[clv, clv], 300.0).unwrap();
    assert!((c.total - (2.0 * 1000.0 * 1.1 / 0.3 + 600.0)).abs() < 1e-9);
    assert!(ChurnCost::from_clients(&[1.0, f64::NAN], 1.0).is_err());
    assert!(ChurnCost::uniform(1.0, 1.0, -1.0).is_err());
}

#[test]
fn cohort_table_counts_and_feeds_sbg() {
    // Hand-built: cohort 0 of 1000 with Fader and Hardie's "regular" survivors
    // (1000, 631, 468, ..., 241 after 0..7 years) and cohort 3 of 10 with 7 after a year.
    let regular = [1000u64, 631, 468, 382, 326, 289, 262, 241];
    let mut clients = Vec::new();
    for k in 0..regular.len() {
        let next = regular.get(k + 1).copied().unwrap_or(0);
        let leaving = regular[k] - next;
        for _ in 0..leaving {
            // leaves at period k+1 (survived k periods); the last group is still active
            let left = if k + 1 < regular.len() {
                Some(k as i64 + 1)
            } else {
                None
            };
            clients.push((0i64, left));
        }
    }
    for i in 0..10 {
        clients.push((3, if i < 3 { Some(4) } else { None }));
    }
    clients.push((9, None)); // joins after the last period: not observable yet
    let t = CohortTable::build(&clients, 7).unwrap();
    assert_eq!(t.cohorts, vec![0, 3]);
    assert_eq!(t.active[0], regular.to_vec());
    assert_eq!(t.active[1], vec![10, 7, 7, 7, 7]);
    assert_eq!(t.retention()[1][1], 0.7);
    let fit = ShiftedBetaGeometric::fit(&t.survivors(0).unwrap(), &FitOptions::default()).unwrap();
    // Fader and Hardie (2007), regular: α = 0.704, β = 1.182
    assert!((fit.model.alpha() - 0.704).abs() < 5e-4 && (fit.model.beta() - 1.182).abs() < 5e-4);
    assert!(t.survivors(5).is_err());
    assert!(CohortTable::build(&[(3, Some(2))], 5).is_err());
    // absurd spans are rejected instead of allocated
    assert!(CohortTable::build(&[(i64::MIN, None)], i64::MAX).is_err());
    assert!(CohortTable::build(&[(0, None)], 10_000_000).is_err());
}
