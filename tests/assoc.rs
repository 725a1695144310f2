//! Frequent itemsets and association rules against mlxtend 0.25.0
//! (tests/data/assoc_mlxtend_reference.json, made by
//! tests/data/scripts/assoc_mlxtend_reference.py) on a basket data set of our own
//! (tests/data/assoc_baskets.csv) and on the holdings of the synthetic book
//! (tests/data/assoc_synth_baskets.csv); bad input; next-best product by hand.

use serde_json::Value;
use std::collections::HashMap;
use wealthscore::assoc::{
    Baskets, Metric, MinSupport, MiningParams, NextBestProduct, RuleParams, apriori,
    association_rules, fpgrowth,
};
use wealthscore::synth::{PortfolioConfig, generate};
use wealthscore::{ClientRecord, Error};

const TOL: f64 = 1e-12;
const SYNTH_CLIENTS: usize = 2_000;
const SYNTH_SEED: u64 = 42;

fn read_baskets(path: &str) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            if l.is_empty() {
                Vec::new()
            } else {
                l.split(';').map(str::to_string).collect()
            }
        })
        .collect()
}

fn synth_lines() -> Vec<String> {
    let p = generate(
        &PortfolioConfig::default()
            .with_clients(SYNTH_CLIENTS)
            .with_seed(SYNTH_SEED),
    )
    .unwrap();
    let b = Baskets::from_records(&p.clients).unwrap();
    b.iter()
        .map(|ids| {
            ids.iter()
                .map(|&i| b.items()[i as usize].as_str())
                .collect::<Vec<_>>()
                .join(";")
        })
        .collect()
}

/// Writes the synthetic book's baskets for the reference script:
/// `cargo test --test assoc -- --ignored write_synth_baskets`.
#[test]
#[ignore]
fn write_synth_baskets() {
    let mut s = synth_lines().join("\n");
    s.push('\n');
    std::fs::write("tests/data/assoc_synth_baskets.csv", s).unwrap();
}

#[test]
fn committed_synth_baskets_are_the_generators() {
    let lines = synth_lines();
    let file = std::fs::read_to_string("tests/data/assoc_synth_baskets.csv").unwrap();
    let committed: Vec<&str> = file.lines().collect();
    assert_eq!(committed.len(), lines.len());
    assert!(committed.iter().zip(&lines).all(|(a, b)| a == b));
}

fn close(ours: f64, theirs: Option<f64>, what: &str) {
    match theirs {
        None => assert_eq!(ours, f64::INFINITY, "{what}: mlxtend gives inf, we {ours}"),
        Some(t) => assert!(
            (ours - t).abs() <= TOL * t.abs().max(1.0),
            "{what}: ours {ours}, mlxtend {t}"
        ),
    }
}

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

fn check_case(case: &Value) {
    let name = case["name"].as_str().unwrap();
    let data = read_baskets(case["data"].as_str().unwrap());
    let baskets = Baskets::from_lists(&data).unwrap();
    assert_eq!(baskets.len() as u64, case["baskets"].as_u64().unwrap());
    let mut params = MiningParams::new(MinSupport::Share(case["min_support"].as_f64().unwrap()));
    if let Some(l) = case["max_len"].as_u64() {
        params = params.max_len(l as usize);
    }
    let itemsets = fpgrowth(&baskets, &params).unwrap();
    assert_eq!(
        apriori(&baskets, &params).unwrap(),
        itemsets,
        "{name}: apriori"
    );

    let want: HashMap<Vec<String>, f64> = case["itemsets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (names(&s["items"]), s["support"].as_f64().unwrap()))
        .collect();
    assert_eq!(itemsets.len(), want.len(), "{name}: number of itemsets");
    for s in itemsets.iter() {
        let key: Vec<String> = itemsets
            .names(s.items)
            .into_iter()
            .map(String::from)
            .collect();
        let t = want
            .get(&key)
            .unwrap_or_else(|| panic!("{name}: extra {key:?}"));
        close(s.support, Some(*t), &format!("{name} support of {key:?}"));
    }

    let metric = Metric::ALL
        .into_iter()
        .find(|m| m.name() == case["metric"].as_str().unwrap())
        .unwrap();
    let threshold = case["min_threshold"].as_f64().unwrap();
    let rules = association_rules(&itemsets, &RuleParams::new(metric, threshold)).unwrap();
    let want: HashMap<(Vec<String>, Vec<String>), &Value> = case["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| ((names(&r["antecedents"]), names(&r["consequents"])), r))
        .collect();
    assert_eq!(rules.len(), want.len(), "{name}: number of rules");
    assert!(!rules.is_empty());
    for r in rules.iter() {
        let key = (
            rules
                .names(&r.antecedent)
                .into_iter()
                .map(String::from)
                .collect(),
            rules
                .names(&r.consequent)
                .into_iter()
                .map(String::from)
                .collect(),
        );
        let t = want
            .get(&key)
            .unwrap_or_else(|| panic!("{name}: extra rule {key:?}"));
        for m in Metric::ALL {
            close(
                m.of(r),
                t[m.name()].as_f64(),
                &format!("{name} {key:?} {}", m.name()),
            );
        }
    }
}

fn reference() -> Value {
    let s = std::fs::read_to_string("tests/data/assoc_mlxtend_reference.json").unwrap();
    serde_json::from_str(&s).unwrap()
}

#[test]
fn itemsets_and_rules_equal_mlxtend_on_our_baskets() {
    let r = reference();
    let cases: Vec<&Value> = r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["name"].as_str().unwrap().starts_with("own"))
        .collect();
    assert_eq!(cases.len(), 5);
    for c in cases {
        check_case(c);
    }
}

#[test]
fn itemsets_and_rules_equal_mlxtend_on_the_synthetic_book() {
    let r = reference();
    let cases: Vec<&Value> = r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["name"].as_str().unwrap().starts_with("synth"))
        .collect();
    assert_eq!(cases.len(), 2);
    for c in cases {
        check_case(c);
    }
}

#[test]
fn reference_exercises_infinite_conviction_and_zero_denominators() {
    // The reference must contain the edge cases the metrics special-case.
    let r = reference();
    let all: Vec<&Value> = r["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["rules"].as_array().unwrap())
        .collect();
    assert!(all.iter().any(|r| r["conviction"].is_null()));
    assert!(
        all.iter()
            .any(|r| r["consequent support"].as_f64() == Some(1.0))
    );
}

#[test]
fn count_and_share_agree() {
    let data = read_baskets("tests/data/assoc_baskets.csv");
    let b = Baskets::from_lists(&data).unwrap();
    // 300 baskets: a share of 0.05 is 15 baskets.
    let by_share = fpgrowth(&b, &MiningParams::new(MinSupport::Share(0.05))).unwrap();
    let by_count = fpgrowth(&b, &MiningParams::new(MinSupport::Count(15))).unwrap();
    assert_eq!(by_share, by_count);
    assert!(by_share.iter().all(|s| s.count >= 15));
}

#[test]
fn input_forms_give_the_same_baskets() {
    let lists =
        Baskets::from_lists(&[vec!["funds", "deposits"], vec![], vec!["insurance"]]).unwrap();
    let log = [
        ("A", "deposits"),
        ("C", "insurance"),
        ("A", "funds"),
        ("A", "funds"),
        ("B", "x"),
    ];
    let (clients, from_log) = Baskets::from_transactions(log).unwrap();
    assert_eq!(clients, ["A", "C", "B"]);
    assert_eq!(from_log.basket(0), Some(&[0, 1][..]));
    let m = ndarray::array![
        [true, true, false],
        [false, false, false],
        [false, false, true]
    ];
    let from_table =
        Baskets::from_indicator(&["funds", "deposits", "insurance"], m.view()).unwrap();
    assert_eq!(from_table, lists);
    let m01 = m.mapv(|x| if x { 1.0 } else { 0.0 });
    assert_eq!(
        Baskets::from_indicator_01(&["funds", "deposits", "insurance"], m01.view()).unwrap(),
        lists
    );
}

#[test]
fn empty_baskets_count_in_the_denominator() {
    // mlxtend counts an all-False row: support({a}) = 1 / 4 here.
    let b = Baskets::from_lists(&[vec!["a"], vec![], vec![], vec![]]).unwrap();
    let f = fpgrowth(&b, &MiningParams::new(MinSupport::Count(1))).unwrap();
    assert_eq!(f.support(&[0]), Some(0.25));
    // Only empty baskets: nothing is frequent, no rule, no error.
    let empty: Vec<Vec<&str>> = vec![vec![]; 3];
    let b = Baskets::from_lists(&empty).unwrap();
    let f = fpgrowth(&b, &MiningParams::new(MinSupport::Count(1))).unwrap();
    assert!(f.is_empty());
    assert!(
        association_rules(&f, &RuleParams::default())
            .unwrap()
            .is_empty()
    );
}

fn field(e: &Error) -> String {
    match e {
        Error::InvalidInput { field, .. } | Error::InvalidConfig { field, .. } => field.clone(),
        Error::NonFinite { field } => field.clone(),
        Error::Empty { what } => what.clone(),
        Error::DimensionMismatch { what, .. } => what.clone(),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn bad_input_gives_clear_errors() {
    let none: Vec<Vec<&str>> = Vec::new();
    assert_eq!(field(&Baskets::from_lists(&none).unwrap_err()), "baskets");
    let dup = Baskets::from_lists(&[vec!["a"], vec!["b", "a", "b"]]).unwrap_err();
    assert_eq!(field(&dup), "baskets[1][2]");
    assert!(dup.to_string().contains("twice"), "{dup}");
    assert_eq!(
        field(&Baskets::from_lists(&[vec!["a", " "]]).unwrap_err()),
        "baskets[0][1]"
    );
    let no_rows: [(&str, &str); 0] = [];
    assert_eq!(
        field(&Baskets::from_transactions(no_rows).unwrap_err()),
        "transactions"
    );
    assert_eq!(
        field(&Baskets::from_transactions([("A", "x"), ("", "y")]).unwrap_err()),
        "transactions[1].client"
    );
    let m = ndarray::array![[true, false]];
    assert!(matches!(
        Baskets::from_indicator(&["a"], m.view()).unwrap_err(),
        Error::DimensionMismatch { .. }
    ));
    assert_eq!(
        field(&Baskets::from_indicator(&["a", "a"], m.view()).unwrap_err()),
        "products[1]"
    );
    let m01 = ndarray::array![[1.0, 0.5]];
    assert_eq!(
        field(&Baskets::from_indicator_01(&["a", "b"], m01.view()).unwrap_err()),
        "table[0][1] (b)"
    );
    let mut c = ClientRecord::example();
    c.holdings.funds = f64::NAN;
    assert_eq!(
        field(&Baskets::from_records(&[c]).unwrap_err()),
        "clients[0].holdings.funds"
    );
    assert_eq!(field(&Baskets::from_records(&[]).unwrap_err()), "clients");

    // Absurd sizes: more distinct products than MAX_ITEMS.
    let many: Vec<Vec<String>> = vec![
        (0..wealthscore::assoc::MAX_ITEMS + 1)
            .map(|i| i.to_string())
            .collect(),
    ];
    let e = Baskets::from_lists(&many).unwrap_err();
    assert_eq!(field(&e), "products");

    let b = Baskets::from_lists(&[vec!["a", "b"], vec!["a"]]).unwrap();
    for s in [0.0, -0.1, 1.5, f64::NAN, f64::INFINITY] {
        let e = fpgrowth(&b, &MiningParams::new(MinSupport::Share(s))).unwrap_err();
        assert_eq!(field(&e), "min_support", "{s}");
        assert_eq!(
            apriori(&b, &MiningParams::new(MinSupport::Share(s))).unwrap_err(),
            e
        );
    }
    assert_eq!(
        field(&fpgrowth(&b, &MiningParams::new(MinSupport::Count(0))).unwrap_err()),
        "min_support"
    );
    let p = MiningParams::new(MinSupport::Count(1)).max_len(0);
    assert_eq!(field(&fpgrowth(&b, &p).unwrap_err()), "max_len");
    // A support of 1 is allowed: only what every basket holds.
    let f = fpgrowth(&b, &MiningParams::new(MinSupport::Share(1.0))).unwrap();
    assert_eq!(f.len(), 1);
    // A count above the number of baskets finds nothing, without error.
    assert!(
        fpgrowth(&b, &MiningParams::new(MinSupport::Count(3)))
            .unwrap()
            .is_empty()
    );

    let f = fpgrowth(&b, &MiningParams::new(MinSupport::Count(1))).unwrap();
    let e = association_rules(&f, &RuleParams::new(Metric::Lift, f64::NAN)).unwrap_err();
    assert_eq!(field(&e), "min_threshold");
    let e = association_rules(&f, &RuleParams::new(Metric::Lift, 0.0).max_rules(1)).unwrap_err();
    assert_eq!(field(&e), "max_rules");
}

#[test]
fn itemset_limit_bounds_memory_with_an_error_naming_it() {
    // 20 products in every basket: 2^20 − 1 frequent itemsets.
    let row: Vec<String> = (0..20).map(|i| format!("p{i:02}")).collect();
    let b = Baskets::from_lists(&vec![row; 10]).unwrap();
    let p = MiningParams::new(MinSupport::Count(1)).max_itemsets(10_000);
    for e in [fpgrowth(&b, &p).unwrap_err(), apriori(&b, &p).unwrap_err()] {
        assert_eq!(field(&e), "max_itemsets");
        assert!(e.to_string().contains("10000"), "{e}");
    }
    // max_len keeps it small: C(20,1) + C(20,2) = 210.
    let f = fpgrowth(&b, &p.max_len(2)).unwrap();
    assert_eq!(f.len(), 210);
}

#[test]
fn rules_roundtrip_json_with_infinite_conviction_as_null() {
    let b = Baskets::from_lists(&[vec!["a", "b"], vec!["a"]]).unwrap();
    let f = fpgrowth(&b, &MiningParams::new(MinSupport::Count(1))).unwrap();
    let rules = association_rules(&f, &RuleParams::new(Metric::Support, 0.0)).unwrap();
    let b_to_a = rules.iter().find(|r| r.antecedent == [1]).unwrap();
    assert_eq!(b_to_a.conviction, f64::INFINITY);
    let json = serde_json::to_string(b_to_a).unwrap();
    assert!(json.contains("\"conviction\":null"), "{json}");
    let back: wealthscore::assoc::Rule = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, b_to_a);
}

#[test]
fn next_best_product_ranks_by_confidence_then_lift() {
    // 10 baskets. By hand: s(a)=0.6, s(b)=0.5, s(c)=0.4, s(ab)=0.4, s(ac)=0.3, s(bc)=0.2.
    let mut data = vec![vec!["a", "b", "c"]; 2];
    data.extend(vec![vec!["a", "b"]; 2]);
    data.push(vec!["a", "c"]);
    data.push(vec!["a"]);
    data.push(vec!["b"]);
    data.push(vec!["c"]);
    data.push(vec![]);
    data.push(vec![]);
    let b = Baskets::from_lists(&data).unwrap();
    let f = fpgrowth(&b, &MiningParams::new(MinSupport::Count(2))).unwrap();
    let rules = association_rules(&f, &RuleParams::new(Metric::Lift, 1.0)).unwrap();
    let next = NextBestProduct::new(&rules).unwrap();

    // Holding a: b by a → b (conf 0.4/0.6 = 2/3, lift 4/3); c by a → c (conf 0.5, lift 1.25).
    let offers = next.recommend(&["a"]).unwrap();
    let got: Vec<(&str, f64)> = offers
        .iter()
        .map(|o| (next.product(o), o.confidence))
        .collect();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].0, "b");
    assert!((got[0].1 - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(got[1].0, "c");
    assert!((got[1].1 - 0.5).abs() < 1e-12);
    let r = next.rule(&offers[0]).unwrap();
    assert_eq!(rules.names(&r.antecedent), ["a"]);
    assert!((offers[0].lift - 4.0 / 3.0).abs() < 1e-12);

    // Holding b and c: a → by {b, c} → a (conf 1) beats b → a (0.8) and c → a (0.75).
    let offers = next.recommend(&["c", "b", "unknown"]).unwrap();
    assert_eq!(offers.len(), 1);
    let r = next.rule(&offers[0]).unwrap();
    assert_eq!(rules.names(&r.antecedent), ["b", "c"]);
    assert_eq!(offers[0].confidence, 1.0);

    // Holding everything: nothing to offer.
    assert!(next.recommend(&["a", "b", "c"]).unwrap().is_empty());
    assert!(next.recommend(&[""]).is_err());

    // The model round-trips JSON and rejects a broken rule.
    let json = serde_json::to_string(&next).unwrap();
    let back: NextBestProduct = serde_json::from_str(&json).unwrap();
    assert_eq!(back, next);
    let broken = json.replacen("\"consequent\":[", "\"consequent\":[7,", 1);
    assert!(serde_json::from_str::<NextBestProduct>(&broken).is_err());
}

#[test]
fn schema_tables_give_the_same_baskets_and_name_bad_cells() {
    use wealthscore::schema::{Column, Table, Validity, Values};
    let lists =
        Baskets::from_lists(&[vec!["funds", "deposits"], vec![], vec!["insurance"]]).unwrap();
    let flags = |v: [bool; 3]| Column::Boolean(Values::new(v.to_vec(), None).unwrap());
    let t = Table::from_columns(vec![
        ("funds".into(), flags([true, false, false])),
        (
            "deposits".into(),
            Column::Number(Values::new(vec![1.0, 0.0, 0.0], None).unwrap()),
        ),
        ("insurance".into(), flags([false, false, true])),
        (
            "held".into(),
            Column::Text(
                Values::new(
                    vec!["funds; deposits".into(), String::new(), "insurance".into()],
                    None,
                )
                .unwrap(),
            ),
        ),
    ])
    .unwrap();
    assert_eq!(
        Baskets::from_table(&t, &["funds", "deposits", "insurance"]).unwrap(),
        lists
    );
    assert_eq!(Baskets::from_table_lists(&t, "held", ';').unwrap(), lists);

    assert_eq!(
        field(&Baskets::from_table(&t, &["funds", "bonds"]).unwrap_err()),
        "products[1]"
    );
    assert_eq!(
        field(&Baskets::from_table(&t, &["held"]).unwrap_err()),
        "held"
    );
    assert_eq!(
        field(&Baskets::from_table_lists(&t, "funds", ';').unwrap_err()),
        "funds"
    );

    let bad = Table::from_columns(vec![
        (
            "a".into(),
            Column::Number(Values::new(vec![1.0, 2.0], None).unwrap()),
        ),
        (
            "b".into(),
            Column::Number(
                Values::new(vec![1.0, 0.0], Some(Validity::from_flags(&[true, false]))).unwrap(),
            ),
        ),
        (
            "l".into(),
            Column::Text(Values::new(vec!["x;x".into(), "y".into()], None).unwrap()),
        ),
    ])
    .unwrap();
    assert_eq!(
        field(&Baskets::from_table(&bad, &["a"]).unwrap_err()),
        "a (row 1)"
    );
    assert_eq!(
        field(&Baskets::from_table(&bad, &["b"]).unwrap_err()),
        "b (row 1)"
    );
    let dup = Baskets::from_table_lists(&bad, "l", ';').unwrap_err();
    assert_eq!(field(&dup), "l (row 0)");
}

#[test]
fn the_cap_is_exact_and_long_baskets_fail_fast() {
    // Three products in every basket: exactly 7 itemsets, allowed by a cap of 7.
    let b = Baskets::from_lists(&vec![vec!["a", "b", "c"]; 4]).unwrap();
    let p = MiningParams::new(MinSupport::Count(1)).max_itemsets(7);
    assert_eq!(fpgrowth(&b, &p).unwrap().len(), 7);
    assert_eq!(apriori(&b, &p).unwrap().len(), 7);
    assert!(fpgrowth(&b, &p.max_itemsets(6)).is_err());
    // 5,000 products in one basket, next to a varied one: 2^5000 itemsets. The error
    // comes at once, without deep recursion.
    let long: Vec<String> = (0..5_000).map(|i| format!("p{i}")).collect();
    let b = Baskets::from_lists(&[long.clone(), long[..10].to_vec(), vec!["q".into()]]).unwrap();
    let e = fpgrowth(&b, &MiningParams::new(MinSupport::Count(1))).unwrap_err();
    assert_eq!(field(&e), "max_itemsets");
}
