//! Worked fuzzy comprehensive evaluations from the literature, reproduced.
//!
//! Each test prints A, R and B (`cargo test --test fuzzy_fce -- --nocapture`).

use ndarray::{Array2, array};
use wealthscore::fuzzy::{
    FactorGroup, FuzzyEvaluation, GradeSet, Hierarchy, MembershipMatrix, Normalisation, Operator,
};

fn show(title: &str, a: &[f64], r: &Array2<f64>, b: &[f64]) {
    println!("{title}\nA = {a:?}\nR =\n{r}\nB = {b:?}\n");
}

fn assert_close(got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= tol, "got {got:?}, want {want:?}");
    }
}

/// M(·,⊕), one level. Cadre evaluation (political performance, ability, attitude,
/// results over excellent, good, fair, poor, bad) from Si Shoukui & Sun Xijing,
/// *Mathematical Modeling Algorithms and Applications* (数学建模算法与应用), p. 375,
/// as worked in github.com/RabbitWhite1/Mathematical-Modeling-In-Python,
/// "14.2 模糊综合评判法.ipynb", cell 2, which prints
/// B = [0.175 0.53 0.275 0.02 0.] and the grade 良好 (good).
#[test]
fn weighted_average_cadre_evaluation() {
    let a = [0.25, 0.2, 0.25, 0.3];
    let r = array![
        [0.1, 0.5, 0.4, 0.0, 0.0],
        [0.2, 0.5, 0.2, 0.1, 0.0],
        [0.2, 0.5, 0.3, 0.0, 0.0],
        [0.2, 0.6, 0.2, 0.0, 0.0],
    ];
    let m = MembershipMatrix::new(r.clone(), Normalisation::Require { tolerance: 1e-12 }).unwrap();
    let b = m.compose_raw(&a, Operator::WeightedAverage).unwrap();
    show("Si & Sun p. 375, M(·,⊕)", &a, &r, &b);
    assert_close(&b, &[0.175, 0.53, 0.275, 0.02, 0.0], 1e-12);
    let grades = GradeSet::new(&[
        ("excellent", 5.0),
        ("good", 4.0),
        ("fair", 3.0),
        ("poor", 2.0),
        ("bad", 1.0),
    ])
    .unwrap();
    let e = FuzzyEvaluation::from_raw(b, &grades).unwrap();
    assert_eq!(e.grade_name(&grades), Some("good"));
}

/// M(·,⊕), two levels. The same source's multi-level example (notebook cell 3, data
/// file "14.D 多层次模糊综合评判数据.txt"): four groups of 4, 5, 5, 4 indicators,
/// printed result B = [0.288 0.354 0.2355 0.0865 0.036], grade good.
#[test]
fn weighted_average_two_level_evaluation() {
    let rows = [
        [0.8, 0.15, 0.05, 0.0, 0.0],
        [0.2, 0.6, 0.1, 0.1, 0.0],
        [0.5, 0.4, 0.1, 0.0, 0.0],
        [0.1, 0.3, 0.5, 0.05, 0.05],
        [0.3, 0.5, 0.15, 0.05, 0.0],
        [0.2, 0.2, 0.4, 0.1, 0.1],
        [0.4, 0.4, 0.1, 0.1, 0.0],
        [0.1, 0.3, 0.3, 0.2, 0.1],
        [0.3, 0.2, 0.2, 0.2, 0.1],
        [0.1, 0.3, 0.5, 0.1, 0.0],
        [0.2, 0.3, 0.3, 0.1, 0.1],
        [0.2, 0.3, 0.35, 0.15, 0.0],
        [0.1, 0.3, 0.4, 0.1, 0.1],
        [0.1, 0.4, 0.3, 0.1, 0.1],
        [0.3, 0.4, 0.2, 0.1, 0.0],
        [0.1, 0.4, 0.3, 0.1, 0.1],
        [0.2, 0.3, 0.4, 0.1, 0.0],
        [0.4, 0.3, 0.2, 0.1, 0.0],
    ];
    let sizes = [4, 5, 5, 4];
    let weights: [&[f64]; 4] = [
        &[0.2, 0.3, 0.3, 0.2],
        &[0.3, 0.2, 0.1, 0.2, 0.2],
        &[0.1, 0.2, 0.3, 0.2, 0.2],
        &[0.3, 0.2, 0.2, 0.3],
    ];
    let mut start = 0;
    let mut matrices = Vec::new();
    let mut groups = Vec::new();
    for (g, &n) in sizes.iter().enumerate() {
        let rs: Vec<Vec<f64>> = rows[start..start + n].iter().map(|r| r.to_vec()).collect();
        matrices.push(
            MembershipMatrix::from_rows(&rs, Normalisation::Require { tolerance: 1e-12 }).unwrap(),
        );
        groups.push(FactorGroup::new(
            format!("group {}", g + 1),
            (0..n).map(|i| format!("u{}{}", g + 1, i + 1)),
            weights[g].to_vec(),
        ));
        start += n;
    }
    let grades = GradeSet::new(&[
        ("excellent", 5.0),
        ("good", 4.0),
        ("fair", 3.0),
        ("poor", 2.0),
        ("bad", 1.0),
    ])
    .unwrap();
    let h = Hierarchy::new(groups, vec![0.4, 0.3, 0.2, 0.1])
        .with_operator(Operator::WeightedAverage)
        .with_grades(grades.clone());
    let e = h.evaluate(&matrices).unwrap();
    for (g, (ge, m)) in e.groups.iter().zip(&matrices).enumerate() {
        show(
            &format!("group {}", g + 1),
            weights[g],
            m.as_array(),
            &ge.evaluation.b,
        );
    }
    println!("overall B = {:?}", e.overall.raw);
    assert_close(
        &e.overall.raw,
        &[0.288, 0.354, 0.2355, 0.0865, 0.036],
        1e-12,
    );
    assert_eq!(e.overall.grade_name(&grades), Some("good"));
}

/// M(∧,∨). The clothing evaluation (colour, style, durability, price over very welcome,
/// fairly welcome, not very welcome, unwelcome) in Wang Peizhuang's tradition, as worked
/// at e-com-net.com/article/1276296104417181696.htm (MATLAB "Example8_4", model 1,
/// 主因素决定型), which prints B1 = 0.2 0.3 0.4 0.1 and B2 = 0.35 0.4 0.2 0.1 for two
/// classes of customers: the first finds it "not very welcome", the second "fairly
/// welcome".
#[test]
fn min_max_clothing_evaluation() {
    let r = array![
        [0.2, 0.5, 0.2, 0.1],
        [0.7, 0.2, 0.1, 0.0],
        [0.0, 0.4, 0.5, 0.1],
        [0.2, 0.3, 0.5, 0.0],
    ];
    let m = MembershipMatrix::new(r.clone(), Normalisation::Require { tolerance: 1e-12 }).unwrap();
    let grades = GradeSet::new(&[
        ("very welcome", 4.0),
        ("fairly welcome", 3.0),
        ("not very welcome", 2.0),
        ("unwelcome", 1.0),
    ])
    .unwrap();
    let cases: [(&[f64], [f64; 4], &str); 2] = [
        (
            &[0.1, 0.2, 0.3, 0.4],
            [0.2, 0.3, 0.4, 0.1],
            "not very welcome",
        ),
        (
            &[0.4, 0.35, 0.15, 0.1],
            [0.35, 0.4, 0.2, 0.1],
            "fairly welcome",
        ),
    ];
    for (a, want, grade) in cases {
        let b = m.compose_raw(a, Operator::MinMax).unwrap();
        show("clothing, M(∧,∨)", a, &r, &b);
        assert_eq!(b, want.to_vec()); // min and max only pick existing values: exact
        let e = FuzzyEvaluation::from_raw(b, &grades).unwrap();
        assert_eq!(e.grade_name(&grades), Some(grade));
        // B is normalised for reading: B2 sums to 1.05 before.
        assert!((e.b.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
}

/// The other two operators on the clothing data, checked by hand from their
/// definitions (closed form, worked here): M(·,∨) b_j = max_i a_i r_ij and
/// M(∧,⊕) b_j = min(1, Σ_i min(a_i, r_ij)).
#[test]
fn product_max_and_bounded_sum_on_clothing_data() {
    let r = array![
        [0.2, 0.5, 0.2, 0.1],
        [0.7, 0.2, 0.1, 0.0],
        [0.0, 0.4, 0.5, 0.1],
        [0.2, 0.3, 0.5, 0.0],
    ];
    let m = MembershipMatrix::new(r, Normalisation::Keep).unwrap();
    let a = [0.1, 0.2, 0.3, 0.4];
    // max(0.02, 0.14, 0, 0.08), max(0.05, 0.04, 0.12, 0.12), max(0.02, 0.02, 0.15, 0.2), max(0.01, 0, 0.03, 0)
    assert_close(
        &m.compose_raw(&a, Operator::ProductMax).unwrap(),
        &[0.14, 0.12, 0.2, 0.03],
        1e-15,
    );
    // 0.1+0.2+0+0.2, 0.1+0.2+0.3+0.3, 0.1+0.1+0.3+0.4, 0.1+0+0.1+0
    assert_close(
        &m.compose_raw(&a, Operator::MinBoundedSum).unwrap(),
        &[0.5, 0.9, 0.9, 0.2],
        1e-15,
    );
}
