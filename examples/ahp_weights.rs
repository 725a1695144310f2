//! Weigh the five satisfaction dimensions from an expert's pairwise judgments.
//!
//! Run: `cargo run --example ahp_weights`

use wealthscore::ahp::{ConsistencyConfig, PairwiseMatrix, PriorityMethod, RandomIndex};

fn main() -> Result<(), wealthscore::Error> {
    let dimensions = [
        "service quality",
        "product satisfaction",
        "client experience",
        "professional competence",
        "risk control",
    ];
    // Upper triangle, row by row: how many times more important the row dimension is than
    // the column dimension (Saaty's 1-9 scale; 1/2 means the column one matters twice as much).
    let judgments = [
        2.0,
        3.0,
        2.0,
        1.0, // service vs product, experience, competence, risk
        2.0,
        1.0,
        0.5, // product vs experience, competence, risk
        0.5,
        1.0 / 3.0, // experience vs competence, risk
        0.5,       // competence vs risk
    ];
    let m = PairwiseMatrix::from_upper_triangle(5, &judgments)?.with_labels(dimensions)?;
    if !m.off_scale().is_empty() {
        println!("note: some judgments lie outside Saaty's 1/9..9 scale");
    }

    let p = m.priorities(PriorityMethod::Eigenvector)?;
    println!("Satisfaction-dimension weights (principal eigenvector):");
    for (name, w) in dimensions.iter().zip(&p.weights) {
        println!("  {name:<24} {w:.4}");
    }
    println!(
        "lambda_max {:.4}  CI {:.4}  RI {:.2} ({})  CR {:.4} -> {}",
        p.lambda_max,
        p.consistency_index,
        p.random_index,
        p.random_index_table.citation(),
        p.consistency_ratio,
        if p.acceptable {
            "acceptable (<= 0.10)"
        } else {
            "too inconsistent"
        }
    );

    println!("\nOther methods and random-index tables:");
    for method in [PriorityMethod::GeometricMean, PriorityMethod::ColumnMean] {
        let q = m.priorities(method)?;
        let w: Vec<String> = q.weights.iter().map(|x| format!("{x:.4}")).collect();
        println!(
            "  {method:?}: [{}]  CR {:.4}",
            w.join(", "),
            q.consistency_ratio
        );
    }
    for table in RandomIndex::ALL {
        let q = m.priorities_with(
            PriorityMethod::Eigenvector,
            &ConsistencyConfig::with_random_index(table),
        )?;
        println!(
            "  CR with {:<24} {:.4}",
            table.citation(),
            q.consistency_ratio
        );
    }

    println!("\nJudgments furthest from the weights (value -> consistent value):");
    for e in m.inconsistency()?.iter().take(3) {
        println!(
            "  {} vs {}: {:.3} -> {:.3}",
            dimensions[e.row], dimensions[e.col], e.value, e.consistent_value
        );
    }
    Ok(())
}
