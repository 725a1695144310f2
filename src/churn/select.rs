//! Choosing and combining models on the training data only: seeded stratified k-fold
//! cross-validation over model kinds and settings, blends of the best, and a calibrator
//! fitted on out-of-fold scores. The test split is never seen here; score it once with
//! the returned model.
//!
//! The procedure ([`select`]):
//! 1. Deal the training rows into `folds` stratified folds (seeded).
//! 2. For every candidate ([`Candidate`]), fit on each fold's complement and score the
//!    fold: out-of-fold (OOF) probabilities for every training row, and one ROC AUC per
//!    fold. A candidate that fails to fit on a fold (a constant column without a penalty,
//!    a fold too small for its leaves) drops out, with its reason in
//!    [`Selection::skipped`]; only when every candidate fails is selection an error.
//! 3. If [`SelectionParams::blend`], every pair of candidates whose contributions are in
//!    logit units (logistic, boosted) is also scored as the mean of their OOF logits.
//! 4. The candidate or blend with the highest mean fold AUC wins (ties: the first listed;
//!    singles are listed before blends).
//! 5. Calibration: Platt scaling and isotonic regression are each fitted and judged by a
//!    second seeded k-fold over the winner's OOF scores (Brier score of held-out folds);
//!    the better is fitted on all OOF scores (scikit-learn's
//!    `CalibratedClassifierCV(ensemble=False)` idea: calibrate on predictions of models
//!    that did not see the rows).
//! 6. The winner's members are refitted on all training rows.
//!
//! ```
//! use wealthscore::churn::select::{select, Candidate, SelectionParams};
//! use wealthscore::churn::{Classifier, features, logistic::LogisticParams, boost::BoostParams};
//! let p = wealthscore::synth::generate(&wealthscore::synth::PortfolioConfig::default().with_clients(3_000))?;
//! let x = features::extract_batch(&p.clients)?;
//! let y = features::labels(&p.clients)?;
//! let params = SelectionParams::default().with_candidates(vec![
//!     Candidate::logistic("logistic", LogisticParams::default()),
//!     Candidate::boosted("boosted", BoostParams::default().with_trees(30)),
//! ]);
//! let s = select(&params, x.view(), &y, None)?;
//! assert_eq!(s.results.len(), 3); // two singles and their blend
//! let prob = s.model.predict_proba(x.view())?;
//! assert!(prob.iter().all(|q| (0.0..=1.0).contains(q)));
//! # Ok::<(), wealthscore::Error>(())
//! ```

use super::boost::{BoostParams, BoostedModel};
use super::calibrate::{CalibrationMethod, Calibrator};
use super::eval::{brier, roc_auc, select_rows, stratified_kfold};
use super::forest::{ForestModel, ForestParams};
use super::logistic::{LogisticModel, LogisticParams};
use super::{ChurnModel, Classifier, FeatureSchema, Fit, sigmoid};
use crate::error::{Error, Result, check};
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

/// A model kind with its settings, named for the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    /// Name shown in the report.
    pub name: String,
    /// The kind and settings.
    pub spec: CandidateSpec,
}

/// The kind and settings of a [`Candidate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "snake_case",
    tag = "kind",
    content = "params"
)]
#[non_exhaustive]
pub enum CandidateSpec {
    /// L2 logistic regression.
    Logistic(LogisticParams),
    /// Random forest.
    Forest(ForestParams),
    /// Gradient-boosted trees.
    Boosted(BoostParams),
}

impl Candidate {
    /// A logistic candidate.
    pub fn logistic(name: &str, p: LogisticParams) -> Self {
        Candidate {
            name: name.into(),
            spec: CandidateSpec::Logistic(p),
        }
    }
    /// A forest candidate.
    pub fn forest(name: &str, p: ForestParams) -> Self {
        Candidate {
            name: name.into(),
            spec: CandidateSpec::Forest(p),
        }
    }
    /// A boosted candidate.
    pub fn boosted(name: &str, p: BoostParams) -> Self {
        Candidate {
            name: name.into(),
            spec: CandidateSpec::Boosted(p),
        }
    }

    fn logit_units(&self) -> bool {
        !matches!(self.spec, CandidateSpec::Forest(_))
    }

    fn fit(&self, x: ArrayView2<f64>, y: &[bool], schema: &FeatureSchema) -> Result<ChurnModel> {
        let s = schema.clone();
        Ok(match &self.spec {
            CandidateSpec::Logistic(p) => {
                ChurnModel::Logistic(LogisticModel::fit_with_schema(p, x, y, s)?)
            }
            CandidateSpec::Forest(p) => {
                ChurnModel::Forest(ForestModel::fit_with_schema(p, x, y, s)?)
            }
            CandidateSpec::Boosted(p) => {
                ChurnModel::Boosted(BoostedModel::fit_with_schema(p, x, y, s)?)
            }
        })
    }
}

/// Settings of the selection; defaults in the field docs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct SelectionParams {
    /// Folds (default 5).
    pub folds: usize,
    /// Seed of the folds (default 42).
    pub seed: u64,
    /// Also score pairwise blends of logit-unit candidates (default true).
    pub blend: bool,
    /// Fit a calibrator on the out-of-fold scores (default true).
    pub calibrate: bool,
    /// The candidates (default [`SelectionParams::default_candidates`]).
    pub candidates: Vec<Candidate>,
}

impl Default for SelectionParams {
    fn default() -> Self {
        SelectionParams {
            folds: 5,
            seed: 42,
            blend: true,
            calibrate: true,
            candidates: SelectionParams::default_candidates(),
        }
    }
}

impl SelectionParams {
    /// Logistic regression (C = 1), a random forest (200 trees, depth 8), and five boosted
    /// settings from scikit-learn's defaults to slow, shallow, subsampled ensembles.
    pub fn default_candidates() -> Vec<Candidate> {
        let b =
            |lr: f64, leaves: usize, depth: usize, msl: usize, l2: f64, trees: usize, sub: f64| {
                BoostParams::default()
                    .with_learning_rate(lr)
                    .with_size(depth, leaves)
                    .with_min_samples_leaf(msl)
                    .with_l2(l2)
                    .with_trees(trees)
                    .with_subsample(sub, if sub < 1.0 { 0.8 } else { 1.0 })
            };
        vec![
            Candidate::logistic("logistic C=1", LogisticParams::default()),
            Candidate::forest(
                "forest 200 trees depth 8",
                ForestParams {
                    n_trees: 200,
                    max_depth: 8,
                    min_samples_leaf: 1,
                    ..Default::default()
                },
            ),
            Candidate::boosted(
                "boosted lr 0.1 31 leaves",
                b(0.1, 31, 40, 20, 0.0, 100, 1.0),
            ),
            Candidate::boosted(
                "boosted lr 0.05 15 leaves depth 4",
                b(0.05, 15, 4, 20, 1.0, 200, 0.8),
            ),
            Candidate::boosted(
                "boosted lr 0.03 7 leaves depth 3",
                b(0.03, 7, 3, 40, 1.0, 400, 0.8),
            ),
            Candidate::boosted(
                "boosted lr 0.02 15 leaves depth 4 l2 5",
                b(0.02, 15, 4, 50, 5.0, 500, 0.7),
            ),
            Candidate::boosted(
                "boosted lr 0.02 stumps of 4 leaves",
                b(0.02, 4, 2, 50, 1.0, 800, 0.8),
            ),
        ]
    }

    /// Replaces the candidates.
    pub fn with_candidates(mut self, c: Vec<Candidate>) -> Self {
        self.candidates = c;
        self
    }
    /// Sets the folds and seed.
    pub fn with_folds(mut self, folds: usize, seed: u64) -> Self {
        self.folds = folds;
        self.seed = seed;
        self
    }
    /// Turns blends on or off.
    pub fn with_blend(mut self, on: bool) -> Self {
        self.blend = on;
        self
    }

    /// Checks the settings.
    pub fn validate(&self) -> Result<()> {
        if !(2..=20).contains(&self.folds) {
            return Err(Error::config("folds", "must lie in 2..=20"));
        }
        if self.candidates.is_empty() {
            return Err(Error::config("candidates", "at least one is needed"));
        }
        for (i, c) in self.candidates.iter().enumerate() {
            let r = match &c.spec {
                CandidateSpec::Logistic(p) => p.validate(),
                CandidateSpec::Forest(p) => p.validate(),
                CandidateSpec::Boosted(p) => p.validate(),
            };
            r.map_err(|e| e.within(|f| format!("candidates[{i}] ({}).{f}", c.name)))?;
        }
        Ok(())
    }
}

/// Cross-validated figures of one candidate or blend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CandidateResult {
    /// Name (a blend is `a + b`).
    pub name: String,
    /// ROC AUC of each held-out fold.
    pub fold_auc: Vec<f64>,
    /// Their mean.
    pub mean_auc: f64,
    /// Their standard deviation.
    pub sd_auc: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SelectedData {
    name: String,
    members: Vec<ChurnModel>,
    calibrator: Option<Calibrator>,
}

/// The model the selection returns: one model or the logit mean of several, optionally
/// followed by a calibrator. Validated on construction and on load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SelectedData", into = "SelectedData")]
pub struct SelectedModel {
    name: String,
    members: Vec<ChurnModel>,
    calibrator: Option<Calibrator>,
    schema: FeatureSchema,
}

impl From<SelectedModel> for SelectedData {
    fn from(m: SelectedModel) -> Self {
        SelectedData {
            name: m.name,
            members: m.members,
            calibrator: m.calibrator,
        }
    }
}

impl TryFrom<SelectedData> for SelectedModel {
    type Error = Error;
    fn try_from(d: SelectedData) -> Result<Self> {
        SelectedModel::new(&d.name, d.members, d.calibrator)
    }
}

fn inner(m: &ChurnModel) -> &dyn Classifier {
    m.as_classifier()
}

fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-15, 1.0 - 1e-15);
    p.ln() - (-p).ln_1p()
}

impl SelectedModel {
    /// Builds from members (more than one: all must have logit-unit contributions) and an
    /// optional calibrator.
    pub fn new(
        name: &str,
        members: Vec<ChurnModel>,
        calibrator: Option<Calibrator>,
    ) -> Result<Self> {
        let Some(first) = members.first() else {
            return Err(Error::model("a selected model needs at least one member"));
        };
        let schema = inner(first).schema().clone();
        for m in &members {
            if matches!(m, ChurnModel::Selected(_)) {
                return Err(Error::model("a selected model cannot hold another one"));
            }
            if inner(m).schema() != &schema {
                return Err(Error::model("blend members differ in their columns"));
            }
            if members.len() > 1 && !m.contributions_in_logit() {
                return Err(Error::model(
                    "only models with logit contributions (logistic, boosted) can be blended",
                ));
            }
        }
        if let Some(c) = &calibrator {
            c.validate()?;
        }
        Ok(SelectedModel {
            name: name.into(),
            members,
            calibrator,
            schema,
        })
    }

    /// Name of the winner.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The members.
    pub fn members(&self) -> &[ChurnModel] {
        &self.members
    }
    /// The calibrator, if any.
    pub fn calibrator(&self) -> Option<&Calibrator> {
        self.calibrator.as_ref()
    }

    /// The uncalibrated score: the member's probability, or σ(mean of member logits).
    pub fn raw_probability(&self, x: &[f64]) -> Result<f64> {
        if let [m] = &self.members[..] {
            return inner(m).predict_one(x);
        }
        let mut z = 0.0;
        for m in &self.members {
            z += logit(inner(m).predict_one(x)?);
        }
        Ok(sigmoid(z / self.members.len() as f64))
    }

    fn calibrated(&self, p: f64) -> f64 {
        self.calibrator.as_ref().map_or(p, |c| c.apply_unchecked(p))
    }

    /// Whether contributions are in logit units.
    pub fn contributions_in_logit(&self) -> bool {
        self.members.iter().all(|m| m.contributions_in_logit())
    }
}

impl Classifier for SelectedModel {
    fn schema(&self) -> &FeatureSchema {
        &self.schema
    }

    fn predict_one(&self, x: &[f64]) -> Result<f64> {
        Ok(self.calibrated(self.raw_probability(x)?))
    }

    /// The members' contributions, averaged: they explain the uncalibrated score (the
    /// blend's mean logit, or the single member's own units); the calibrator is a
    /// monotone map applied after. Returns the calibrated probability.
    fn contributions(&self, x: &[f64], contrib: &mut [f64]) -> Result<f64> {
        check::same_len("contributions", self.n_features(), contrib.len())?;
        if let [m] = &self.members[..] {
            let p = inner(m).contributions(x, contrib)?;
            return Ok(self.calibrated(p));
        }
        let mut tmp = vec![0.0; contrib.len()];
        contrib.iter_mut().for_each(|c| *c = 0.0);
        let w = 1.0 / self.members.len() as f64;
        let mut z = 0.0;
        for m in &self.members {
            let p = inner(m).contributions(x, &mut tmp)?;
            z += logit(p);
            contrib.iter_mut().zip(&tmp).for_each(|(c, t)| *c += w * t);
        }
        Ok(self.calibrated(sigmoid(z * w)))
    }

    fn base_value(&self) -> f64 {
        let w = 1.0 / self.members.len().max(1) as f64;
        self.members
            .iter()
            .map(|m| inner(m).base_value())
            .sum::<f64>()
            * w
    }
}

/// What [`select`] found and the model it built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Selection {
    /// Every candidate and blend, best mean fold AUC first.
    pub results: Vec<CandidateResult>,
    /// The calibration chosen and the held-out Brier scores of each method tried.
    pub calibration: Option<(CalibrationMethod, Vec<(CalibrationMethod, f64)>)>,
    /// The refitted winner.
    pub model: SelectedModel,
    /// Candidates that could not be fitted on some fold, with the reason: they take no
    /// part in the choice (for example a small fold too small for a forest's leaves).
    #[serde(default)]
    pub skipped: Vec<(String, String)>,
}

impl Selection {
    /// What was chosen and why, as text.
    pub fn to_text(&self) -> String {
        let mut s =
            String::from("cross-validated ROC AUC on the training rows (mean ± sd over folds):\n");
        for (i, r) in self.results.iter().enumerate() {
            s.push_str(&format!(
                "{} {:<48} {:.4} ± {:.4}\n",
                if i == 0 { "*" } else { " " },
                r.name,
                r.mean_auc,
                r.sd_auc
            ));
        }
        for (name, why) in &self.skipped {
            s.push_str(&format!("  {name:<48} skipped: {why}\n"));
        }
        s.push_str(&format!("chose {}: highest mean fold AUC", self.model.name));
        if let Some((m, tried)) = &self.calibration {
            let t: Vec<String> = tried.iter().map(|(k, b)| format!("{k:?} {b:.5}")).collect();
            s.push_str(&format!(
                "; calibration {m:?} (held-out Brier on out-of-fold scores: {})",
                t.join(", ")
            ));
        }
        s.push('\n');
        s
    }
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|a| (a - m) * (a - m)).sum::<f64>() / (n - 1.0).max(1.0);
    (m, var.sqrt())
}

/// Runs the procedure of the module docs on training rows `x`, `y`; `schema` names the
/// columns (generic names when `None`).
pub fn select(
    params: &SelectionParams,
    x: ArrayView2<f64>,
    y: &[bool],
    schema: Option<FeatureSchema>,
) -> Result<Selection> {
    params.validate()?;
    check::same_len("labels vs rows", x.nrows(), y.len())?;
    let schema = schema.unwrap_or_else(|| FeatureSchema::generic(x.ncols()));
    check::same_len("schema vs columns", schema.names.len(), x.ncols())?;
    super::check_two_classes("model selection", y)?;
    let folds = stratified_kfold(y, params.folds, params.seed)?;
    let n = y.len();
    // OOF probabilities per candidate.
    let mut oof = vec![vec![0.0; n]; params.candidates.len()];
    // A candidate that fails on a fold drops out; only when all do is it an error.
    let mut failed: Vec<Option<Error>> = vec![None; params.candidates.len()];
    for (train, test) in &folds {
        let xtr = select_rows(x, train)?;
        let ytr: Vec<bool> = train.iter().map(|&i| y[i]).collect();
        let xte = select_rows(x, test)?;
        for ((c, o), f) in params
            .candidates
            .iter()
            .zip(oof.iter_mut())
            .zip(&mut failed)
        {
            if f.is_some() {
                continue;
            }
            let p = c
                .fit(xtr.view(), &ytr, &schema)
                .and_then(|m| m.as_classifier().predict_proba(xte.view()));
            match p {
                Ok(p) => {
                    for (&i, &v) in test.iter().zip(p.iter()) {
                        o[i] = v;
                    }
                }
                Err(e) => *f = Some(e.within(|fl| format!("{}: {fl}", c.name))),
            }
        }
    }
    if failed.iter().all(Option::is_some) {
        if let Some(Some(e)) = failed.into_iter().next() {
            return Err(e);
        }
        return Err(Error::config("candidates", "at least one is needed"));
    }
    let skipped: Vec<(String, String)> = params
        .candidates
        .iter()
        .zip(&failed)
        .filter_map(|(c, f)| Some((c.name.clone(), f.as_ref()?.to_string())))
        .collect();
    let fold_auc = |scores: &[f64]| -> Result<Vec<f64>> {
        folds
            .iter()
            .map(|(_, test)| {
                let s: Vec<f64> = test.iter().map(|&i| scores[i]).collect();
                let yy: Vec<bool> = test.iter().map(|&i| y[i]).collect();
                roc_auc(&s, &yy)
            })
            .collect()
    };
    // (members, name, oof scores)
    let mut entries: Vec<(Vec<usize>, String, Vec<f64>)> = params
        .candidates
        .iter()
        .enumerate()
        .filter(|&(k, _)| failed[k].is_none())
        .map(|(k, c)| (vec![k], c.name.clone(), oof[k].clone()))
        .collect();
    if params.blend {
        let k = params.candidates.len();
        for a in 0..k {
            for b in a + 1..k {
                let (ca, cb) = (&params.candidates[a], &params.candidates[b]);
                if !(ca.logit_units() && cb.logit_units())
                    || failed[a].is_some()
                    || failed[b].is_some()
                {
                    continue;
                }
                let s: Vec<f64> = oof[a]
                    .iter()
                    .zip(&oof[b])
                    .map(|(&u, &v)| sigmoid(0.5 * (logit(u) + logit(v))))
                    .collect();
                entries.push((vec![a, b], format!("{} + {}", ca.name, cb.name), s));
            }
        }
    }
    let mut results = Vec::with_capacity(entries.len());
    let mut best: Option<(f64, usize)> = None;
    for (e, (_, name, s)) in entries.iter().enumerate() {
        let fa = fold_auc(s)?;
        let (m, sd) = mean_sd(&fa);
        if best.is_none_or(|(b, _)| m > b) {
            best = Some((m, e));
        }
        results.push(CandidateResult {
            name: name.clone(),
            fold_auc: fa,
            mean_auc: m,
            sd_auc: sd,
        });
    }
    let Some((_, winner)) = best else {
        return Err(Error::config("candidates", "at least one is needed"));
    };
    let (members_idx, name, scores) = &entries[winner];
    // Calibration chosen by a second k-fold over the OOF scores.
    let calibration = if params.calibrate {
        let inner_folds = stratified_kfold(y, params.folds, params.seed ^ 0x5eed)?;
        let mut tried = Vec::new();
        for method in [CalibrationMethod::Platt, CalibrationMethod::Isotonic] {
            let mut held = vec![0.0; n];
            for (train, test) in &inner_folds {
                let s: Vec<f64> = train.iter().map(|&i| scores[i]).collect();
                let yy: Vec<bool> = train.iter().map(|&i| y[i]).collect();
                let c = Calibrator::fit(method, &s, &yy)?;
                for &i in test {
                    held[i] = c.apply_unchecked(scores[i]);
                }
            }
            tried.push((method, brier(&held, y)?));
        }
        let chosen = tried
            .iter()
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(CalibrationMethod::Platt, |t| t.0);
        Some((chosen, tried))
    } else {
        None
    };
    let calibrator = match &calibration {
        Some((m, _)) => Some(Calibrator::fit(*m, scores, y)?),
        None => None,
    };
    let members = members_idx
        .iter()
        .map(|&k| params.candidates[k].fit(x, y, &schema))
        .collect::<Result<Vec<_>>>()?;
    let model = SelectedModel::new(name, members, calibrator)?;
    results.sort_by(|a, b| b.mean_auc.total_cmp(&a.mean_auc));
    Ok(Selection {
        results,
        calibration,
        model,
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::churn::logistic::LogisticParams;
    use ndarray::Array2;

    /// Two informative columns and a constant one: unpenalised logistic regression has no
    /// unique solution there (a closed-form fact: the constant's coefficient is free), so
    /// that candidate fails on every fold while the penalised one fits.
    fn data() -> (Array2<f64>, Vec<bool>) {
        let n = 200;
        let x = Array2::from_shape_fn((n, 3), |(i, j)| match j {
            0 => (i % 17) as f64,
            1 => ((i * 7) % 13) as f64,
            _ => 1.0,
        });
        let y = (0..n).map(|i| (i % 17) + ((i * 7) % 13) > 14).collect();
        (x, y)
    }

    #[test]
    fn a_candidate_that_cannot_fit_is_skipped_with_its_reason() {
        let (x, y) = data();
        let params = SelectionParams::default().with_candidates(vec![
            Candidate::logistic("unpenalised", LogisticParams::default().with_l2(0.0)),
            Candidate::logistic("penalised", LogisticParams::default()),
        ]);
        let s = select(&params, x.view(), &y, None).unwrap();
        assert_eq!(s.model.name(), "penalised");
        assert_eq!(s.results.len(), 1);
        assert_eq!(s.skipped.len(), 1);
        assert_eq!(s.skipped[0].0, "unpenalised");
        assert!(s.skipped[0].1.contains("constant"), "{:?}", s.skipped);
        assert!(s.to_text().contains("unpenalised"), "{}", s.to_text());
        // When every candidate fails, the first one's error is the answer.
        let params = SelectionParams::default().with_candidates(vec![Candidate::logistic(
            "unpenalised",
            LogisticParams::default().with_l2(0.0),
        )]);
        let e = select(&params, x.view(), &y, None).unwrap_err().to_string();
        assert!(e.contains("unpenalised") && e.contains("constant"), "{e}");
    }
}
