//! Our side of `benches/peers/speed_vs_peers.py`, which runs this and the Python peer on
//! the same data back to back and prints the ratios. Each task times the work `repeats`
//! times and prints `name best_seconds` lines.
//!
//! ```sh
//! cargo run --release --example peer_timing -- TASK DIR [REPEATS]
//! ```
//! Tasks: `rfm`, `kmeans`, `lifetime`, `forest`, `trimf`. `DIR` holds the data the peer
//! script wrote (raw little-endian f64), except for `forest`, which writes the synthetic
//! training matrix there for the peer.

use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

use ndarray::ArrayView2;
use wealthscore::churn::features::{self, N_FEATURES};
use wealthscore::churn::forest::{ForestModel, ForestParams};
use wealthscore::churn::lifetime::{
    BgNbd, ClvOptions, FitOptions, GammaGamma, RfmSummary, SpendSummary,
    customer_lifetime_value_batch,
};
use wealthscore::churn::{Classifier, Fit};
use wealthscore::fuzzy::Membership;
use wealthscore::segment::{KMeansParams, RfmModel, RfmValues, kmeans};
use wealthscore::synth::{PortfolioConfig, generate};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn read_f64(path: &str) -> Res<Vec<f64>> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    Ok(bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
        .collect())
}

/// Best wall time of `repeats` runs of `f`, in seconds.
fn best<T>(repeats: usize, mut f: impl FnMut() -> T) -> f64 {
    (0..repeats)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn rfm(dir: &str, repeats: usize) -> Res<()> {
    let cols = read_f64(&format!("{dir}/rfm.f64"))?;
    let n = cols.len() / 3;
    let values: Vec<RfmValues> = (0..n)
        .map(|i| RfmValues {
            recency_days: cols[i],
            frequency: cols[n + i],
            monetary: cols[2 * n + i],
        })
        .collect();
    let secs = best(repeats, || {
        let model = RfmModel::fit(&values).expect("valid values");
        model.score_all(&values).expect("valid values")
    });
    println!("rfm_fit_score_segments {secs}");
    Ok(())
}

fn kmeans_task(dir: &str, repeats: usize) -> Res<()> {
    let x = read_f64(&format!("{dir}/kmeans.f64"))?;
    let d = 4;
    let view = ArrayView2::from_shape((x.len() / d, d), &x)?;
    for n_init in [1, 4] {
        let params = KMeansParams::new(5).with_n_init(n_init).with_seed(0);
        let mut iterations = 0;
        let mut inertia = 0.0;
        let secs = best(repeats, || {
            let fit = kmeans(view, &params).expect("k-means");
            iterations = fit.iterations;
            inertia = fit.inertia;
        });
        println!("kmeans_n_init_{n_init} {secs}");
        println!("# kmeans n_init {n_init}: {iterations} iterations, inertia {inertia:.6e}");
    }
    Ok(())
}

fn lifetime(dir: &str, repeats: usize) -> Res<()> {
    // frequency, recency, T, monetary per client, column-major.
    let cols = read_f64(&format!("{dir}/cdnow.f64"))?;
    let n = cols.len() / 4;
    let data: Vec<RfmSummary> = (0..n)
        .map(|i| {
            RfmSummary::new(cols[i], cols[n + i], cols[2 * n + i])
                .and_then(|s| s.with_monetary(cols[3 * n + i]))
        })
        .collect::<Result<_, _>>()?;
    let repeat_free = data.iter().filter(|s| s.frequency == 0.0).count();
    let pairs: std::collections::HashSet<(u64, u64)> = data
        .iter()
        .map(|s| (s.frequency.to_bits(), s.age.to_bits()))
        .collect();
    println!(
        "# {n} clients: {repeat_free} without a repeat purchase, {} distinct (x, T)",
        pairs.len()
    );
    let opts = FitOptions::default();
    let mut bg = None;
    let secs = best(repeats, || {
        bg = Some(BgNbd::fit(&data, &opts).expect("fit"))
    });
    let bg = bg.ok_or("no fit")?;
    println!("bgnbd_fit {secs}");
    let m = bg.model;
    println!(
        "# BG/NBD r {:.10} alpha {:.10} a {:.10} b {:.10}, {} iterations",
        m.r(),
        m.alpha(),
        m.a(),
        m.b(),
        bg.report.iterations
    );
    let spend: Vec<SpendSummary> = data
        .iter()
        .filter(|s| s.frequency > 0.0 && s.monetary > 0.0)
        .map(|s| SpendSummary {
            frequency: s.frequency,
            mean_value: s.monetary,
        })
        .collect();
    let mut gg = None;
    let secs = best(repeats, || {
        gg = Some(GammaGamma::fit(&spend, &opts).expect("fit"))
    });
    let gg = gg.ok_or("no fit")?.model;
    println!("gamma_gamma_fit {secs}");
    println!(
        "# Gamma-Gamma p {:.10} q {:.10} gamma {:.10}",
        gg.p(),
        gg.q(),
        gg.gamma()
    );
    // CLV over the cohort with the fitted models, 12 months, days.
    let clv_opts = ClvOptions::default()
        .with_months(12)
        .with_monthly_discount_rate(0.01)
        .with_periods_per_month(30.0);
    let mut clv = vec![0.0; n];
    let secs = best(repeats, || {
        customer_lifetime_value_batch(&m, &gg, &data, &clv_opts, &mut clv).expect("clv")
    });
    println!("clv_cohort {secs}");
    println!("# CLV sum {:.6}", clv.iter().sum::<f64>());
    let big: Vec<RfmSummary> = data.iter().copied().cycle().take(1_000_000).collect();
    let mut out = vec![0.0; big.len()];
    let secs = best(repeats, || {
        m.probability_alive_batch(&big, &mut out).expect("p alive")
    });
    println!("p_alive_1m {secs}");
    println!("# P(alive) sum {:.6}", out.iter().sum::<f64>());
    Ok(())
}

fn forest(dir: &str, repeats: usize) -> Res<()> {
    const TRAIN: usize = 100_000;
    let p = generate(&PortfolioConfig::default().with_clients(TRAIN).with_seed(42))?;
    let x = features::extract_batch(&p.clients)?;
    let y = features::labels(&p.clients)?;
    std::fs::create_dir_all(dir)?;
    let mut f = std::fs::File::create(format!("{dir}/train_x.f64"))?;
    f.write_all(&x.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>())?;
    let mut f = std::fs::File::create(format!("{dir}/train_y.u8"))?;
    f.write_all(&y.iter().map(|&b| u8::from(b)).collect::<Vec<u8>>())?;
    let model = ForestModel::fit_features(&ForestParams::default(), x.view(), &y)?;
    // 1,000,000 rows: the training rows ten times, as the peer does.
    let rows: Vec<f64> = x
        .as_slice()
        .ok_or("layout")?
        .iter()
        .copied()
        .cycle()
        .take(10 * TRAIN * N_FEATURES)
        .collect();
    let mut out = vec![0.0; 10 * TRAIN];
    let secs = best(repeats, || {
        model.predict_into(&rows, &mut out).expect("predict")
    });
    println!("forest_predict_1m {secs}");
    let mut one = 0.0;
    let reps = 20_000;
    let secs = best(repeats, || {
        for r in rows.chunks_exact(N_FEATURES).take(reps) {
            one += model.predict_one(black_box(r)).expect("row");
        }
    }) / reps as f64;
    println!("forest_one_row {secs}");
    let mut f = std::fs::File::create(format!("{dir}/ours_proba.f64"))?;
    f.write_all(
        &out.iter()
            .flat_map(|v: &f64| v.to_le_bytes())
            .collect::<Vec<u8>>(),
    )?;
    Ok(())
}

fn trimf(repeats: usize) -> Res<()> {
    let n = 10_000_000usize;
    let xs: Vec<f64> = (0..n).map(|i| 10.0 * i as f64 / (n - 1) as f64).collect();
    let m = Membership::triangular(2.0, 5.0, 8.0)?;
    let secs = best(repeats, || m.eval_vec(&xs).expect("finite"));
    println!("trimf_fresh_vec_10m {secs}");
    // The parts of that time: the memberships written into a vector that exists, and a
    // fresh vector of the same size filled with a plain copy over the same cores (its
    // pages are mapped and zeroed by the kernel on first write, as the peer's are).
    let mut reused = vec![0.0; n];
    let secs = best(repeats, || m.eval_slice(&xs, &mut reused).expect("finite"));
    println!("# trimf into an existing vector: {:.1} ms", secs * 1e3);
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    let secs = best(repeats, || {
        let mut fresh = vec![0.0; n];
        let per = n.div_ceil(threads);
        std::thread::scope(|s| {
            for (o, x) in fresh.chunks_mut(per).zip(xs.chunks(per)) {
                s.spawn(move || o.copy_from_slice(x));
            }
        });
        fresh
    });
    println!(
        "# a fresh vector (4 kB pages) filled by a plain copy ({threads} threads): {:.1} ms",
        secs * 1e3
    );
    Ok(())
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().collect();
    let task = args.get(1).map(String::as_str).unwrap_or("");
    let dir = args
        .get(2)
        .map(String::as_str)
        .unwrap_or("/tmp/wealthscore_peers");
    let repeats: usize = args.get(3).map_or(Ok(5), |r| r.parse())?;
    match task {
        "rfm" => rfm(dir, repeats),
        "kmeans" => kmeans_task(dir, repeats),
        "lifetime" => lifetime(dir, repeats),
        "forest" => forest(dir, repeats),
        "trimf" => trimf(repeats),
        _ => Err("task: rfm | kmeans | lifetime | forest | trimf".into()),
    }
}
