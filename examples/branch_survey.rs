//! Evaluates one branch's satisfaction survey with the default satisfaction index.
//!
//! `cargo run --example branch_survey`
//!
//! Part 1 reads a survey tally (votes per dimension and grade); part 2 evaluates the
//! same branch from its client records, survey answers and behaviour together, and
//! names what pulls the weakest dimension down.

use wealthscore::ClientRecord;
use wealthscore::client::SurveyAnswers;
use wealthscore::fuzzy::{
    Dimension, SATISFACTION_GRADES, SatisfactionEvaluation, SatisfactionIndex,
};

fn print(index: &SatisfactionIndex, e: &SatisfactionEvaluation) {
    println!("  B = {}", fmt(&e.b));
    println!(
        "  grade (max membership): {}   effectiveness α = {:.3}",
        index.grade_name(e.grade).unwrap_or("?"),
        e.effectiveness
    );
    println!("  score (weighted average): {:.2}", e.score);
    for d in Dimension::ALL {
        match e.dimension_scores[d.index()] {
            Some(score) => println!(
                "    {:<24} B = {}  score {:.2}",
                d.name(),
                fmt(&e.dimension_b[d.index()]),
                score
            ),
            None => println!("    {:<24} no evidence", d.name()),
        }
    }
    println!("  weakest dimension: {}", e.weakest_dimension.name());
    let pulling: Vec<&str> = e.pulling_down().iter().map(|i| i.name()).collect();
    if !pulling.is_empty() {
        println!("  pulled down by: {}", pulling.join(", "));
    }
    println!("  basis: {:?}", e.basis);
}

fn fmt(b: &[f64]) -> String {
    let parts: Vec<String> = b.iter().map(|x| format!("{x:.3}")).collect();
    format!("[{}]", parts.join(", "))
}

fn main() -> wealthscore::Result<()> {
    let index = SatisfactionIndex::default();
    println!("grades: {}", SATISFACTION_GRADES.join(" / "));

    // 1. The branch's survey tally: 120 respondents, votes per dimension over
    //    very satisfied … very dissatisfied.
    let votes = [
        [18, 41, 36, 17, 8], // service quality
        [22, 48, 33, 12, 5], // product satisfaction
        [30, 52, 26, 9, 3],  // client experience
        [27, 50, 29, 10, 4], // professional competence
        [25, 47, 34, 10, 4], // risk control
    ];
    println!("\nShanghai-Pudong survey, 120 respondents:");
    print(&index, &index.evaluate_votes(&votes)?);

    // 2. The same branch from client records: answers where given, behaviour always.
    let clients: Vec<ClientRecord> = (0..40)
        .map(|i| {
            let mut c = ClientRecord::example();
            c.id = format!("C-{i:06}");
            c.complaints_12m = (i % 4) as u32;
            c.advisor_contacts_180d = (i % 7) as u32;
            c.days_since_last_activity = 5 + (i * 11 % 90) as u32;
            c.return_vs_benchmark_12m = ((i % 9) as f64 - 4.0) / 100.0;
            c.dedicated_advisor = i % 3 == 0;
            c.survey = (i % 4 != 0).then_some(
                SurveyAnswers::default()
                    .with_service_quality(Some(2 + (i % 3) as u8))
                    .with_product(Some(3 + (i % 2) as u8))
                    .with_experience(Some(3 + (i % 3) as u8))
                    .with_competence(Some(4))
                    .with_risk_control((i % 5 != 0).then_some(3 + (i % 2) as u8)),
            );
            c
        })
        .collect();
    let group = index.evaluate_group(&clients)?;
    println!(
        "\nShanghai-Pudong from {} client records ({} answered the survey):",
        group.clients, group.respondents
    );
    print(&index, &group.evaluation);

    // 3. One client who never answered: evaluated from behaviour, and it says so.
    let mut silent = ClientRecord::example();
    silent.survey = None;
    println!("\nclient {} (no survey answers):", silent.id);
    print(&index, &index.evaluate(&silent)?);
    Ok(())
}
