//! Round trips and one bad-input test per validation rule of `ClientRecord`.

use wealthscore::client::{ChurnLabel, SurveyAnswers, read_csv, read_json, write_csv};
use wealthscore::synth::{PortfolioConfig, generate};
use wealthscore::{ClientRecord, Error};

fn field_of(e: &Error) -> &str {
    match e {
        Error::InvalidInput { field, .. } | Error::NonFinite { field } => field,
        Error::DimensionMismatch { what, .. } | Error::Empty { what } => what,
        other => panic!("unexpected error {other:?}"),
    }
}

/// Applies `edit` to the example client and checks validation fails naming `field`.
fn rejects(edit: impl FnOnce(&mut ClientRecord), field: &str) {
    let mut c = ClientRecord::example();
    edit(&mut c);
    let e = c.validate().expect_err("must be rejected");
    assert_eq!(field_of(&e), field, "{e}");
}

#[test]
fn example_is_valid() {
    ClientRecord::example().validate().unwrap();
}

#[test]
fn each_rule_rejects_its_bad_value() {
    rejects(|c| c.id = "  ".into(), "id");
    rejects(|c| c.age = 17, "age");
    rejects(|c| c.age = 121, "age");
    rejects(|c| c.aum = -5.0, "aum");
    rejects(|c| c.aum = f64::INFINITY, "aum");
    rejects(|c| c.aum_history.clear(), "aum_history");
    rejects(|c| c.aum_history = vec![1.0; 601], "aum_history");
    rejects(|c| c.aum_history[3] = f64::NAN, "aum_history[3]");
    rejects(|c| c.aum_history[0] = -1.0, "aum_history[0]");
    rejects(|c| c.tenure_months = 5, "aum_history"); // 12 months of history, 5 of tenure
    rejects(
        |c| c.monthly_transactions.pop().map(drop).unwrap_or(()),
        "monthly_transactions vs aum_history",
    );
    rejects(|c| c.holdings.funds = -1.0, "holdings.funds");
    rejects(|c| c.holdings.deposits = f64::NAN, "holdings.deposits");
    rejects(|c| c.holdings.deposits += 50_000.0, "holdings");
    rejects(
        |c| c.transfer_out_amount_90d = -1.0,
        "transfer_out_amount_90d",
    );
    rejects(|c| c.transfers_out_90d = 0, "transfers_out_90d");
    rejects(
        |c| c.days_since_last_activity = 10_000,
        "days_since_last_activity",
    );
    rejects(
        |c| c.return_vs_benchmark_12m = -1.5,
        "return_vs_benchmark_12m",
    );
    rejects(
        |c| c.return_vs_benchmark_12m = f64::NAN,
        "return_vs_benchmark_12m",
    );
    rejects(|c| c.fee_rate = 0.5, "fee_rate");
    rejects(|c| c.fee_rate = f64::NEG_INFINITY, "fee_rate");
    rejects(|c| c.digital_share = 1.01, "digital_share");
    rejects(
        |c| c.survey = Some(SurveyAnswers::default().with_product(Some(6))),
        "survey.product",
    );
    rejects(
        |c| c.survey = Some(SurveyAnswers::default().with_competence(Some(0))),
        "survey.competence",
    );
    rejects(
        |c| {
            c.churn = Some(ChurnLabel {
                churned: true,
                observed_on: "2026-02-30".into(),
            })
        },
        "churn.observed_on",
    );
}

#[test]
fn json_round_trip_is_exact() {
    let p = generate(&PortfolioConfig::default().with_clients(500)).unwrap();
    let json = serde_json::to_vec(&p.clients).unwrap();
    let back: Vec<ClientRecord> = read_json(json.as_slice())
        .unwrap()
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(back, p.clients);
}

#[test]
fn csv_round_trip_is_exact() {
    let p = generate(&PortfolioConfig::default().with_clients(500)).unwrap();
    let mut buf = Vec::new();
    write_csv(&mut buf, &p.clients).unwrap();
    let back: Vec<ClientRecord> = read_csv(buf.as_slice())
        .unwrap()
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(back, p.clients);
}

#[test]
fn a_bad_csv_row_does_not_lose_the_others() {
    let clients = vec![ClientRecord::example(), ClientRecord::example()];
    let mut buf = Vec::new();
    write_csv(&mut buf, &clients).unwrap();
    let text = String::from_utf8(buf).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Row 2 (line 3): age 52 → 200; row 1 stays valid.
    lines[2] = lines[2].replacen(",52,", ",200,", 1);
    let rows = read_csv(lines.join("\n").as_bytes()).unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows[0].is_ok());
    match &rows[1] {
        Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "line 3: age"),
        other => panic!("{other:?}"),
    }
    // A non-numeric history entry is named with its index.
    let bad = text.replacen("520000;", "52O000;", 1);
    let rows = read_csv(bad.as_bytes()).unwrap();
    match &rows[0] {
        Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "line 2: aum_history[0]"),
        other => panic!("{other:?}"),
    }
    // An unknown enum value is a parse error for that row only.
    let bad = text.replacen(",moderate,", ",reckless,", 1);
    let rows = read_csv(bad.as_bytes()).unwrap();
    assert!(matches!(rows[0], Err(Error::Parse { .. })));
    assert!(rows[1].is_ok());
}

#[test]
fn a_bad_json_element_does_not_lose_the_others() {
    let mut v =
        serde_json::to_value(vec![ClientRecord::example(), ClientRecord::example()]).unwrap();
    v[0]["risk_tolerance"] = "reckless".into();
    v[1]["fee_rate"] = (-0.1).into();
    let mut ok = ClientRecord::example();
    ok.id = "C-2".into();
    v.as_array_mut()
        .unwrap()
        .push(serde_json::to_value(&ok).unwrap());
    let rows = read_json(v.to_string().as_bytes()).unwrap();
    assert!(matches!(rows[0], Err(Error::Parse { .. })));
    assert!(matches!(&rows[1], Err(Error::InvalidInput { field, .. }) if field == "fee_rate"));
    assert_eq!(rows[2].as_ref().unwrap().id, "C-2");
    assert!(matches!(read_json(&b"[{"[..]), Err(Error::Parse { .. })));
}

#[test]
fn churn_causes_are_listed_in_declaration_order() {
    // The scorer indexes per-cause totals by `cause as usize`.
    for (i, c) in wealthscore::ChurnCause::ALL.iter().enumerate() {
        assert_eq!(*c as usize, i, "{c:?}");
    }
}
