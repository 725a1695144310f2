//! The portfolio report as one self-contained HTML page with SVG charts.
//!
//! [`HtmlReport`] turns a [`PortfolioReport`] — and, when given, a [`ModelEvaluation`], a
//! [`CohortTable`] and a model card ([`FactSheet`]) — into one HTML file that opens in any
//! browser with no network: CSS and SVG are inline, there are no scripts, fonts or images,
//! and a Content-Security-Policy forbids the page to load anything. The page holds:
//!
//! - key figures: clients, expected churn and retention rate, CLV, expected value lost,
//!   expected churn cost;
//! - expected value lost and clients by asset tier and by risk level (bars), and a
//!   tier × risk heat map;
//! - the reasons behind most of the expected loss, and the call list with reasons and
//!   actions;
//! - the model's lift and cumulative-gains curves and its calibration plot, with the
//!   diagonal (given a [`ModelEvaluation`]);
//! - cohort retention curves (given a [`CohortTable`]) and the model card.
//!
//! Charts use the Okabe–Ito palette and a single-hue ramp for the heat map, so they read
//! for colour-blind readers and in greyscale print; every value a colour carries is also
//! written as text. Widths follow the screen, down to a phone's.
//!
//! ```
//! use wealthscore::{PortfolioReport, Scorer, ScorerConfig};
//! use wealthscore::churn::{ChurnModel, scorecard::Scorecard};
//! use wealthscore::report::{HtmlReport, ModelEvaluation, FactSheet};
//! use wealthscore::synth::{generate, PortfolioConfig};
//!
//! let book = generate(&PortfolioConfig::default().with_clients(2_000).with_seed(7))?;
//! let scorer = Scorer::new(ScorerConfig::with_model(ChurnModel::Scorecard(Scorecard::default())))?;
//! let results = scorer.assess_batch(&book.clients);
//! let portfolio = PortfolioReport::build(&book.clients, &results, 800.0, 10)?;
//! let evaluation = ModelEvaluation::from_assessments(&book.clients, &results)?;
//!
//! let html = HtmlReport::new(&portfolio)
//!     .title("Private banking book")
//!     .currency("EUR")
//!     .with_evaluation(&evaluation)
//!     .with_model_card(FactSheet::new("Model card").entry("model", "default scorecard"))
//!     .render();
//! assert!(html.starts_with("<!DOCTYPE html>"));
//! assert!(html.contains(r#"data-chart="gains""#));
//! assert!(!html.contains("http://") && !html.contains("https://"));
//! # Ok::<(), wealthscore::Error>(())
//! ```

mod format;
mod svg;

use crate::churn::eval::{
    Calibration, LiftRow, average_precision, brier, calibration, lift_table, roc_auc,
};
use crate::churn::risk::RiskLevel;
use crate::client::ClientRecord;
use crate::error::{Error, Result};
use crate::metrics::CohortTable;
use crate::retention::ActionKind;
use crate::scorer::{Assessment, CallItem, GroupTotals, PortfolioReport};
use crate::segment::AssetTier;
use format::{Axis, Esc, Unit, amount, compact, count, pct};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::Path;
use svg::{Bar, Cell, Column, Plot, Series, Style, okabe_ito};

/// Most reasons shown in the reasons chart.
pub const MAX_REASONS_SHOWN: usize = 10;
/// Most cohorts drawn in the cohort chart (the most recent ones).
pub const MAX_COHORTS_SHOWN: usize = 60;
/// Most points drawn per cohort curve; longer curves are thinned evenly.
pub const MAX_POINTS_PER_CURVE: usize = 240;

/// How well the churn model ranks and how well its probabilities match outcomes, on
/// labelled clients: the inputs of the lift, gains and calibration charts.
///
/// ```
/// use wealthscore::report::ModelEvaluation;
/// let p = [0.9, 0.8, 0.3, 0.2, 0.6, 0.1, 0.7, 0.4, 0.05, 0.5];
/// let y = [true, true, false, false, true, false, false, false, false, true];
/// let e = ModelEvaluation::new(&p, &y)?;
/// assert_eq!((e.clients, e.churners, e.lift.len()), (10, 4, 10));
/// assert!(e.roc_auc > 0.8);
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[serde(deny_unknown_fields)]
pub struct ModelEvaluation {
    /// Labelled clients evaluated.
    pub clients: usize,
    /// Churners among them.
    pub churners: usize,
    /// ROC AUC.
    pub roc_auc: f64,
    /// Average precision (PR AUC).
    pub average_precision: f64,
    /// Brier score.
    pub brier: f64,
    /// Lift and capture by group, highest scores first.
    pub lift: Vec<LiftRow>,
    /// Calibration table over equal-width probability bins.
    pub calibration: Calibration,
}

impl ModelEvaluation {
    /// Evaluates probabilities against outcomes with deciles for lift and gains and ten
    /// calibration bins. Needs both churners and non-churners, at least ten clients, and
    /// probabilities in `[0, 1]`.
    pub fn new(probabilities: &[f64], churned: &[bool]) -> Result<Self> {
        Self::with_bins(probabilities, churned, 10, 10)
    }

    /// As [`ModelEvaluation::new`] with `groups` lift groups and `bins` calibration bins.
    pub fn with_bins(
        probabilities: &[f64],
        churned: &[bool],
        groups: usize,
        bins: usize,
    ) -> Result<Self> {
        let calibration = calibration(probabilities, churned, bins)?;
        let lift = lift_table(probabilities, churned, groups)?;
        Ok(ModelEvaluation {
            clients: probabilities.len(),
            churners: churned.iter().filter(|&&c| c).count(),
            roc_auc: roc_auc(probabilities, churned)?,
            average_precision: average_precision(probabilities, churned)?,
            brier: brier(probabilities, churned)?,
            lift,
            calibration,
        })
    }

    /// Evaluates the labelled clients of a batch (see [`ClientRecord::churned`]) whose
    /// assessment succeeded.
    pub fn from_assessments(
        clients: &[ClientRecord],
        assessments: &[Result<Assessment>],
    ) -> Result<Self> {
        crate::error::check::same_len("assessments vs clients", clients.len(), assessments.len())?;
        let (mut p, mut y) = (Vec::new(), Vec::new());
        for (c, a) in clients.iter().zip(assessments) {
            if let (Ok(a), Some(label)) = (a, c.churned()) {
                p.push(a.churn_probability);
                y.push(label);
            }
        }
        if p.is_empty() {
            return Err(Error::Empty {
                what:
                    "labelled clients with a successful assessment (the evaluation needs outcomes)"
                        .into(),
            });
        }
        Self::new(&p, &y)
    }
}

/// A titled list of facts shown as a definition list, e.g. a model card.
///
/// ```
/// use wealthscore::report::FactSheet;
/// let card = FactSheet::new("Model card").entry("model", "logistic regression").entry("AUC", "0.84");
/// assert_eq!(card.entries.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct FactSheet {
    /// Heading of the section.
    pub title: String,
    /// `(name, value)` pairs, in order.
    pub entries: Vec<(String, String)>,
}

impl FactSheet {
    /// An empty sheet with a heading.
    pub fn new(title: impl Into<String>) -> Self {
        FactSheet {
            title: title.into(),
            entries: Vec::new(),
        }
    }

    /// Adds a fact.
    #[must_use]
    pub fn entry(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.entries.push((name.into(), value.into()));
        self
    }
}

/// Builder of the HTML page; see the [module documentation](self).
///
/// ```
/// use wealthscore::report::HtmlReport;
/// use wealthscore::metrics::CohortTable;
/// use wealthscore::{PortfolioReport, Scorer, ScorerConfig, ClientRecord};
/// use wealthscore::churn::{ChurnModel, scorecard::Scorecard};
///
/// let scorer = Scorer::new(ScorerConfig::with_model(ChurnModel::Scorecard(Scorecard::default())))?;
/// let clients = vec![ClientRecord::example()];
/// let portfolio = PortfolioReport::build(&clients, &scorer.assess_batch(&clients), 800.0, 5)?;
/// let cohorts = CohortTable::build(&[(0, None), (0, Some(2)), (1, None)], 3)?;
/// let path = std::env::temp_dir().join("wealthscore_doc_report.html");
/// HtmlReport::new(&portfolio).with_cohorts(&cohorts, "month").write_to(&path)?;
/// assert!(std::fs::read_to_string(&path).unwrap().contains(r#"data-chart="cohorts""#));
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct HtmlReport<'a> {
    portfolio: &'a PortfolioReport,
    title: String,
    subtitle: Option<String>,
    currency: Option<String>,
    evaluation: Option<&'a ModelEvaluation>,
    cohorts: Option<(&'a CohortTable, String)>,
    model_card: Option<FactSheet>,
}

impl PortfolioReport {
    /// The page with the portfolio's charts only; [`HtmlReport`] adds the model's
    /// evaluation, cohorts and a model card.
    pub fn to_html(&self) -> String {
        HtmlReport::new(self).render()
    }
}

impl<'a> HtmlReport<'a> {
    /// A page for `portfolio`, titled "Client churn: portfolio report".
    pub fn new(portfolio: &'a PortfolioReport) -> Self {
        HtmlReport {
            portfolio,
            title: "Client churn: portfolio report".into(),
            subtitle: None,
            currency: None,
            evaluation: None,
            cohorts: None,
            model_card: None,
        }
    }

    /// Sets the page title.
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Sets a line under the title (book, date, scope).
    #[must_use]
    pub fn subtitle(mut self, subtitle: impl Into<String>) -> Self {
        self.subtitle = Some(subtitle.into());
        self
    }

    /// Names the currency of amounts (e.g. `EUR`), shown in axis titles and figures.
    #[must_use]
    pub fn currency(mut self, code: impl Into<String>) -> Self {
        self.currency = Some(code.into());
        self
    }

    /// Adds the lift, gains and calibration charts.
    #[must_use]
    pub fn with_evaluation(mut self, evaluation: &'a ModelEvaluation) -> Self {
        self.evaluation = Some(evaluation);
        self
    }

    /// Adds cohort retention curves; `period` names the table's period (e.g. `month`).
    #[must_use]
    pub fn with_cohorts(mut self, cohorts: &'a CohortTable, period: impl Into<String>) -> Self {
        self.cohorts = Some((cohorts, period.into()));
        self
    }

    /// Adds a model card.
    #[must_use]
    pub fn with_model_card(mut self, card: FactSheet) -> Self {
        self.model_card = Some(card);
        self
    }

    /// The page. Non-finite figures show as `n/a`; nothing here fails.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(96 * 1024);
        self.head(&mut out);
        out.push_str("<main>");
        self.key_figures(&mut out);
        self.where_section(&mut out);
        self.reasons_section(&mut out);
        self.call_list(&mut out);
        if let Some(e) = self.evaluation {
            self.model_section(&mut out, e);
        }
        if let Some((t, period)) = &self.cohorts {
            cohort_section(&mut out, t, period);
        }
        if let Some(card) = &self.model_card {
            fact_sheet(&mut out, card);
        }
        out.push_str("</main>");
        self.footer(&mut out);
        out.push_str("</body></html>\n");
        out
    }

    /// Renders the page and writes it to `path`.
    pub fn write_to(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        std::fs::write(path, self.render()).map_err(|e| Error::io(path.display(), e))
    }

    /// "Expected value lost (EUR)" or "Expected value lost" without a currency.
    fn money_title(&self, what: &str) -> String {
        match &self.currency {
            Some(c) => format!("{what} ({c})"),
            None => what.to_string(),
        }
    }

    /// An amount with the currency code after it.
    fn money(&self, x: f64) -> String {
        match &self.currency {
            Some(c) => format!("{} {c}", compact(x)),
            None => compact(x),
        }
    }

    fn head(&self, out: &mut String) {
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
             <meta name=\"generator\" content=\"wealthscore {}\">\
             <title>{}</title><style>{CSS}</style></head><body><header><h1>{}</h1>",
            env!("CARGO_PKG_VERSION"),
            Esc(&self.title),
            Esc(&self.title)
        );
        let p = self.portfolio;
        let line = match &self.subtitle {
            Some(s) => s.clone(),
            None => format!("{} clients assessed", count(p.clients)),
        };
        let _ = write!(out, r#"<p class="meta">{}</p></header>"#, Esc(&line));
    }

    fn key_figures(&self, out: &mut String) {
        let p = self.portfolio;
        out.push_str(r#"<section id="key-figures"><h2>Key figures</h2><dl class="kpis">"#);
        let failed = if p.failed.is_empty() {
            "every record scored".to_string()
        } else {
            format!("{} records could not be scored", count(p.failed.len()))
        };
        kpi(out, "Clients assessed", &count(p.clients), &failed);
        let observed = match p.observed_churn_rate {
            Some(r) => format!("observed among labelled clients: {}", pct(r, 1)),
            None => "mean churn probability".into(),
        };
        kpi(
            out,
            "Expected churn rate",
            &pct(p.expected_churn_rate, 1),
            &observed,
        );
        kpi(
            out,
            "Expected retention rate",
            &pct(p.expected_retention_rate, 1),
            &format!(
                "{} clients expected to stay",
                amount(p.total.clients as f64 - p.total.expected_churners)
            ),
        );
        let unit = self.currency.as_deref();
        kpi_unit(
            out,
            "Client lifetime value",
            &compact(p.total.clv),
            unit,
            &format!("assets under management {}", self.money(p.total.aum)),
        );
        let share = if p.total.clv > 0.0 {
            format!(
                "{} of lifetime value (CLV × churn probability)",
                pct(p.total.expected_value_lost / p.total.clv, 1)
            )
        } else {
            "CLV × churn probability".into()
        };
        kpi_unit(
            out,
            "Expected value lost",
            &compact(p.total.expected_value_lost),
            unit,
            &share,
        );
        kpi_unit(
            out,
            "Expected churn cost",
            &compact(p.expected_churn_cost),
            unit,
            &format!(
                "value lost plus replacing {} expected churners",
                amount(p.total.expected_churners)
            ),
        );
        out.push_str("</dl></section>");
    }

    fn where_section(&self, out: &mut String) {
        let p = self.portfolio;
        let value_title = self.money_title("Expected value lost");
        out.push_str(
            r#"<section id="where"><h2>Where the expected loss sits</h2><div class="grid">"#,
        );
        let tiers: Vec<(&str, &GroupTotals)> = TIERS
            .iter()
            .map(|t| tier_name(*t))
            .zip(&p.by_tier)
            .collect();
        let levels: Vec<(&str, &GroupTotals)> = RiskLevel::ALL
            .iter()
            .map(|l| risk_name(*l))
            .zip(&p.by_risk)
            .collect();
        let tier_colour = |_: usize| okabe_ito::BLUE;
        let risk_colour = |i: usize| RISK_COLOURS.get(i).copied().unwrap_or(okabe_ito::BLUE);
        let money_bars = |out: &mut String,
                          id: &str,
                          caption: &str,
                          groups: &[(&str, &GroupTotals)],
                          colour: &dyn Fn(usize) -> &'static str| {
            let items: Vec<Bar> = groups
                .iter()
                .enumerate()
                .map(|(i, (name, g))| Bar {
                    label: (*name).to_string(),
                    value: g.expected_value_lost,
                    colour: colour(i),
                    text: compact(g.expected_value_lost),
                })
                .collect();
            figure_open(out, caption);
            svg::bars(
                out,
                id,
                caption,
                &describe_bars(&items),
                &value_title,
                Unit::Money,
                &items,
            );
            out.push_str("</figure>");
        };
        let count_bars = |out: &mut String,
                          id: &str,
                          caption: &str,
                          axis_title: &str,
                          groups: &[(&str, &GroupTotals)],
                          colour: &dyn Fn(usize) -> &'static str,
                          churners: bool| {
            let items: Vec<Bar> = groups
                .iter()
                .enumerate()
                .map(|(i, (name, g))| {
                    let v = if churners {
                        g.expected_churners
                    } else {
                        g.clients as f64
                    };
                    Bar {
                        label: (*name).to_string(),
                        value: v,
                        colour: colour(i),
                        text: amount(v),
                    }
                })
                .collect();
            figure_open(out, caption);
            svg::bars(
                out,
                id,
                caption,
                &describe_bars(&items),
                axis_title,
                Unit::Count,
                &items,
            );
            out.push_str("</figure>");
        };
        money_bars(
            out,
            "value-by-tier",
            "Expected value lost by asset tier",
            &tiers,
            &tier_colour,
        );
        money_bars(
            out,
            "value-by-risk",
            "Expected value lost by risk level",
            &levels,
            &risk_colour,
        );
        self.heat_map(out);
        count_bars(
            out,
            "clients-by-tier",
            "Clients by asset tier",
            "Clients",
            &tiers,
            &tier_colour,
            false,
        );
        count_bars(
            out,
            "clients-by-risk",
            "Clients by risk level",
            "Clients",
            &levels,
            &risk_colour,
            false,
        );
        count_bars(
            out,
            "churners-by-tier",
            "Expected churners by asset tier",
            "Expected churners (sum of probabilities)",
            &tiers,
            &tier_colour,
            true,
        );
        out.push_str("</div></section>");
    }

    fn heat_map(&self, out: &mut String) {
        let p = self.portfolio;
        let caption = "Expected value lost by asset tier and risk level";
        // Highest tier on top, as people read a book from its most valuable clients down.
        let order = [2usize, 1, 0];
        let rows: Vec<&str> = order
            .iter()
            .filter_map(|&i| TIERS.get(i))
            .map(|t| tier_name(*t))
            .collect();
        let cols: Vec<&str> = RiskLevel::ALL.iter().map(|l| risk_name(*l)).collect();
        let cells: Vec<Vec<Cell>> = order
            .iter()
            .filter_map(|&i| p.by_tier_risk.get(i))
            .map(|row| {
                row.iter()
                    .map(|g| Cell {
                        value: g.expected_value_lost,
                        line1: compact(g.expected_value_lost),
                        line2: count(g.clients),
                    })
                    .collect()
            })
            .collect();
        let mut desc = String::new();
        for (r, row) in rows.iter().zip(&cells) {
            for (c, cell) in cols.iter().zip(row) {
                let _ = write!(
                    desc,
                    "{r}, {c}: {} from {} clients; ",
                    cell.line1, cell.line2
                );
            }
        }
        figure_open(out, caption);
        let legend = |v: f64| compact(v);
        svg::heat_map(
            out,
            "tier-risk",
            caption,
            desc.trim_end_matches("; "),
            "Asset tier",
            "Risk level",
            &rows,
            &cols,
            &cells,
            &legend,
        );
        let _ = write!(
            out,
            r#"<p class="note">Each cell shows the expected value lost{} and, below it, the number of clients; darker cells lose more.</p></figure>"#,
            self.currency
                .as_ref()
                .map(|c| format!(" ({})", Esc(c)))
                .unwrap_or_default()
        );
    }

    fn reasons_section(&self, out: &mut String) {
        let p = self.portfolio;
        out.push_str(r#"<section id="reasons"><h2>Why clients are expected to leave</h2>"#);
        let caption = "Expected value lost by main reason";
        let items: Vec<Bar> = p
            .by_reason
            .iter()
            .filter(|r| r.totals.clients > 0)
            .take(MAX_REASONS_SHOWN)
            .enumerate()
            .map(|(i, r)| Bar {
                label: format!("{} ({})", signal_label(r.signal), r.cause.name()),
                value: r.totals.expected_value_lost,
                // The three largest stand out; the rest share a lighter colour.
                colour: if i < 3 {
                    okabe_ito::VERMILLION
                } else {
                    okabe_ito::ORANGE
                },
                text: compact(r.totals.expected_value_lost),
            })
            .collect();
        out.push_str(r#"<div class="grid wide">"#);
        figure_open(out, caption);
        if items.is_empty() {
            out.push_str(
                r#"<p class="note">No client has a reason that raises their risk.</p></figure>"#,
            );
        } else {
            let desc = describe_bars(&items);
            svg::bars(
                out,
                "reasons",
                caption,
                &desc,
                &self.money_title("Expected value lost"),
                Unit::Money,
                &items,
            );
            let explained: f64 = p
                .by_reason
                .iter()
                .map(|r| r.totals.expected_value_lost)
                .sum();
            let covered = share(explained, p.total.expected_value_lost);
            out.push_str(r#"<p class="note">Each client counts under the reason that adds most to their risk."#);
            if covered < 0.995 {
                let _ = write!(
                    out,
                    " The rest, {}, belongs to clients with no reason that raises their risk.",
                    pct(1.0 - covered, 1)
                );
            }
            out.push_str("</p></figure>");
            // The same totals gathered by cause.
            let mut causes: Vec<(crate::client::ChurnCause, f64, usize)> = Vec::new();
            for r in &p.by_reason {
                match causes.iter_mut().find(|c| c.0 == r.cause) {
                    Some(c) => {
                        c.1 += r.totals.expected_value_lost;
                        c.2 += r.totals.clients;
                    }
                    None => causes.push((r.cause, r.totals.expected_value_lost, r.totals.clients)),
                }
            }
            causes.sort_by(|a, b| b.1.total_cmp(&a.1));
            let caption = "Expected value lost by cause of the main reason";
            let items: Vec<Bar> = causes
                .iter()
                .map(|(c, v, n)| Bar {
                    label: c.name().replace('_', " "),
                    value: *v,
                    colour: okabe_ito::VERMILLION,
                    text: format!("{} ({} clients)", compact(*v), count(*n)),
                })
                .collect();
            figure_open(out, caption);
            svg::bars(
                out,
                "causes",
                caption,
                &describe_bars(&items),
                &self.money_title("Expected value lost"),
                Unit::Money,
                &items,
            );
            out.push_str("</figure>");
        }
        out.push_str("</div></section>");
    }

    fn call_list(&self, out: &mut String) {
        let p = self.portfolio;
        let _ = write!(
            out,
            r#"<section id="call-list"><h2>Clients to call first</h2><p class="meta">The {} clients with the highest expected value lost, their main reasons and the best retention action.</p>"#,
            count(p.to_call.len())
        );
        if p.to_call.is_empty() {
            out.push_str("<p>No client to call.</p></section>");
            return;
        }
        let ev = self.money_title("Expected value lost");
        let clv = self.money_title("CLV");
        let _ = write!(
            out,
            r#"<table class="calls"><thead><tr><th>Client</th><th>Tier</th><th>Risk</th><th class="num">Churn probability</th><th class="num">{}</th><th class="num">{}</th><th>Reasons</th><th>Best action</th></tr></thead><tbody>"#,
            Esc(&clv),
            Esc(&ev)
        );
        for c in &p.to_call {
            call_row(out, c, &clv, &ev);
        }
        out.push_str("</tbody></table></section>");
    }

    fn model_section(&self, out: &mut String, e: &ModelEvaluation) {
        out.push_str(
            r#"<section id="model"><h2>How well the model finds churners</h2><ul class="stats">"#,
        );
        let calib = &e.calibration;
        for (name, value) in [
            ("Labelled clients", count(e.clients)),
            ("Churners", count(e.churners)),
            ("ROC AUC", format!("{:.3}", e.roc_auc)),
            ("Average precision", format!("{:.3}", e.average_precision)),
            ("Brier score", format!("{:.4}", e.brier)),
            ("Expected calibration error", pct(calib.ece, 2)),
        ] {
            let _ = write!(
                out,
                "<li><strong>{}</strong> {}</li>",
                Esc(name),
                Esc(&value)
            );
        }
        out.push_str(r#"</ul><div class="grid">"#);
        let n: usize = e.lift.iter().map(|r| r.clients).sum();
        let base = share(e.churners as f64, e.clients as f64);
        // Cumulative share of clients at the end of each group.
        let mut cum = 0usize;
        let ends: Vec<f64> = e
            .lift
            .iter()
            .map(|r| {
                cum += r.clients;
                share(cum as f64, n as f64)
            })
            .collect();

        // Lift: the group's own lift as columns, the cumulative lift as a line.
        let caption = "Lift by group of clients, highest scores first";
        let mut start = 0.0;
        let columns: Vec<Column> = e
            .lift
            .iter()
            .zip(&ends)
            .map(|(r, &end)| {
                let c = Column {
                    x0: start,
                    x1: end,
                    y: r.lift,
                };
                start = end;
                c
            })
            .collect();
        let cumulative: Vec<(f64, f64)> = e
            .lift
            .iter()
            .zip(&ends)
            .map(|(r, &end)| (end, r.cumulative_lift))
            .collect();
        let top = e
            .lift
            .iter()
            .flat_map(|r| [r.lift, r.cumulative_lift])
            .filter(|v| v.is_finite())
            .fold(1.0, f64::max);
        let desc = e
            .lift
            .iter()
            .map(|r| {
                format!(
                    "group {}: lift {:.2}, cumulative {:.2}",
                    r.group, r.lift, r.cumulative_lift
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        figure_open(out, caption);
        svg::plot(
            out,
            &Plot {
                id: "lift",
                title: caption,
                desc: &desc,
                x: Axis::nice(0.0, 1.0, 6),
                y: Axis::nice(0.0, top, 6),
                x_unit: Unit::Percent,
                y_unit: Unit::Plain,
                x_title: "Clients contacted, highest scores first (%)",
                y_title: "Lift (× the base churn rate)",
                columns,
                column_colour: okabe_ito::SKY_BLUE,
                series: vec![
                    Series::new(
                        "no model (lift 1)",
                        vec![(0.0, 1.0), (1.0, 1.0)],
                        svg::REFERENCE,
                        Style::Reference,
                    ),
                    Series::new(
                        "cumulative lift",
                        cumulative,
                        okabe_ito::BLUE,
                        Style::LineMarkers,
                    ),
                ],
            },
        );
        out.push_str(r#"<ul class="legend"><li><span class="key block" style="border-color:#56B4E9"></span>lift of the group</li><li><span class="key" style="border-color:#0072B2"></span>cumulative lift</li><li><span class="key dashed" style="border-color:#6b6b6b"></span>no model</li></ul></figure>"#);

        // Gains: share of churners found against share of clients contacted.
        let caption = "Cumulative gains: churners found by contacting the top-scored clients";
        let mut gains = vec![(0.0, 0.0)];
        gains.extend(
            e.lift
                .iter()
                .zip(&ends)
                .map(|(r, &end)| (end, r.cumulative_capture)),
        );
        let perfect = if base > 0.0 && base < 1.0 {
            vec![(0.0, 0.0), (base, 1.0), (1.0, 1.0)]
        } else {
            vec![(0.0, 0.0), (1.0, 1.0)]
        };
        let desc = gains
            .iter()
            .skip(1)
            .map(|(x, y)| format!("top {}: {} of churners", pct(*x, 0), pct(*y, 0)))
            .collect::<Vec<_>>()
            .join("; ");
        figure_open(out, caption);
        svg::plot(
            out,
            &Plot {
                id: "gains",
                title: caption,
                desc: &desc,
                x: Axis::nice(0.0, 1.0, 6),
                y: Axis::nice(0.0, 1.0, 6),
                x_unit: Unit::Percent,
                y_unit: Unit::Percent,
                x_title: "Clients contacted, highest scores first (%)",
                y_title: "Churners found (%)",
                columns: Vec::new(),
                column_colour: okabe_ito::SKY_BLUE,
                series: vec![
                    Series::new(
                        "random order (diagonal)",
                        vec![(0.0, 0.0), (1.0, 1.0)],
                        svg::REFERENCE,
                        Style::Reference,
                    ),
                    Series::new("perfect model", perfect, okabe_ito::GREEN, Style::Reference),
                    Series::new("model", gains, okabe_ito::BLUE, Style::LineMarkers),
                ],
            },
        );
        svg::legend(
            out,
            &[
                ("model", okabe_ito::BLUE, false),
                ("perfect model", okabe_ito::GREEN, true),
                ("random order", svg::REFERENCE, true),
            ],
        );
        out.push_str("</figure>");

        // Calibration: observed churn rate against mean predicted probability per bin.
        let caption = "Calibration: observed churn rate against predicted probability";
        let upper = calib
            .bins
            .iter()
            .flat_map(|b| [b.mean_predicted, b.observed_rate, b.upper])
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max)
            .clamp(0.01, 1.0);
        let axis = Axis::nice(0.0, upper, 6);
        let largest = calib.bins.iter().map(|b| b.count).max().unwrap_or(1).max(1) as f64;
        let points: Vec<(f64, f64)> = calib
            .bins
            .iter()
            .map(|b| (b.mean_predicted, b.observed_rate))
            .collect();
        let radii: Vec<f64> = calib
            .bins
            .iter()
            .map(|b| 2.5 + 5.0 * (b.count as f64 / largest).sqrt())
            .collect();
        let desc = calib
            .bins
            .iter()
            .map(|b| {
                format!(
                    "predicted {} → observed {} ({} clients)",
                    pct(b.mean_predicted, 1),
                    pct(b.observed_rate, 1),
                    count(b.count)
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        figure_open(out, caption);
        svg::plot(
            out,
            &Plot {
                id: "calibration",
                title: caption,
                desc: &desc,
                x: axis.clone(),
                y: axis.clone(),
                x_unit: Unit::Percent,
                y_unit: Unit::Percent,
                x_title: "Mean predicted churn probability (%)",
                y_title: "Observed churn rate (%)",
                columns: Vec::new(),
                column_colour: okabe_ito::SKY_BLUE,
                series: vec![
                    Series::new(
                        "perfect calibration (diagonal)",
                        vec![(axis.lo, axis.lo), (axis.hi, axis.hi)],
                        svg::REFERENCE,
                        Style::Reference,
                    ),
                    Series::new(
                        "model",
                        points,
                        okabe_ito::VERMILLION,
                        Style::Bubbles(radii),
                    ),
                ],
            },
        );
        svg::legend(
            out,
            &[
                (
                    "model, one point per probability bin (area ∝ clients)",
                    okabe_ito::VERMILLION,
                    false,
                ),
                ("perfect calibration", svg::REFERENCE, true),
            ],
        );
        out.push_str("</figure></div></section>");
    }

    fn footer(&self, out: &mut String) {
        let p = self.portfolio;
        out.push_str(
            "<footer><p><strong>Definitions.</strong> Churn probability comes from the churn model. \
             Expected value lost = client lifetime value (CLV) × churn probability. \
             Expected churn cost = expected value lost + replacement cost × expected churners. \
             Risk levels come from the scorer's probability cut-offs.</p>",
        );
        if !p.failed.is_empty() {
            let _ = write!(
                out,
                "<p><strong>Records not scored ({}).</strong></p><ul>",
                count(p.failed.len())
            );
            for (i, e) in p.failed.iter().take(10) {
                let _ = write!(out, "<li>record {}: {}</li>", i, Esc(&e.to_string()));
            }
            if p.failed.len() > 10 {
                let _ = write!(out, "<li>… and {} more</li>", count(p.failed.len() - 10));
            }
            out.push_str("</ul>");
        }
        let _ = write!(
            out,
            "<p>Made by wealthscore {}. This page loads nothing from the network.</p></footer>",
            env!("CARGO_PKG_VERSION")
        );
    }
}

const TIERS: [AssetTier; 3] = [
    AssetTier::Mass,
    AssetTier::MidNetWorth,
    AssetTier::HighNetWorth,
];

/// Low, medium, high, critical: green, yellow, orange, vermillion (Okabe–Ito).
const RISK_COLOURS: [&str; 4] = [
    okabe_ito::GREEN,
    okabe_ito::YELLOW,
    okabe_ito::ORANGE,
    okabe_ito::VERMILLION,
];

fn tier_name(t: AssetTier) -> &'static str {
    match t {
        AssetTier::Mass => "mass",
        AssetTier::MidNetWorth => "mid net worth",
        AssetTier::HighNetWorth => "high net worth",
    }
}

fn risk_name(l: RiskLevel) -> &'static str {
    match l {
        RiskLevel::Low => "low",
        RiskLevel::Medium => "medium",
        RiskLevel::High => "high",
        RiskLevel::Critical => "critical",
    }
}

fn action_name(k: ActionKind) -> &'static str {
    match k {
        ActionKind::PersonalisedPlan => "personalised plan",
        ActionKind::ServiceRemediation => "service remediation",
        ActionKind::ProductFitReview => "product fit review",
        ActionKind::RegularContact => "regular contact",
        ActionKind::OffersAndPoints => "offers and loyalty points",
        ActionKind::CrossSelling => "cross-selling",
        ActionKind::WinBackVisit => "win-back visit",
        ActionKind::DedicatedAdvisor => "dedicated advisor",
    }
}

/// `balance_fall_3m` → `balance fall 3m`.
fn signal_label(s: &str) -> String {
    s.replace('_', " ")
}

fn share(part: f64, whole: f64) -> f64 {
    if whole > 0.0 { part / whole } else { 0.0 }
}

fn kpi(out: &mut String, name: &str, value: &str, note: &str) {
    kpi_unit(out, name, value, None, note);
}

fn kpi_unit(out: &mut String, name: &str, value: &str, unit: Option<&str>, note: &str) {
    let _ = write!(
        out,
        r#"<div class="kpi"><dt>{}</dt><dd>{}"#,
        Esc(name),
        Esc(value)
    );
    if let Some(u) = unit {
        let _ = write!(out, r#" <span class="unit">{}</span>"#, Esc(u));
    }
    let _ = write!(out, r#"</dd><dd class="note">{}</dd></div>"#, Esc(note));
}

fn figure_open(out: &mut String, caption: &str) {
    let _ = write!(out, "<figure><figcaption>{}</figcaption>", Esc(caption));
}

fn describe_bars(items: &[Bar]) -> String {
    items
        .iter()
        .map(|b| format!("{}: {}", b.label, b.text))
        .collect::<Vec<_>>()
        .join("; ")
}

fn call_row(out: &mut String, c: &CallItem, clv_title: &str, ev_title: &str) {
    let level = risk_name(c.risk_level);
    let i = RiskLevel::ALL
        .iter()
        .position(|l| *l == c.risk_level)
        .unwrap_or(0);
    let bg = RISK_COLOURS.get(i).copied().unwrap_or(okabe_ito::GREEN);
    let ink = if i == 3 { "#fff" } else { "#1a1a1a" };
    let _ = write!(
        out,
        r#"<tr><td data-label="Client">{}</td><td data-label="Tier" class="nowrap">{}</td><td data-label="Risk"><span class="risk" style="background:{bg};color:{ink}">{level}</span></td><td class="num" data-label="Churn probability">{}</td><td class="num" data-label="{}">{}</td><td class="num" data-label="{}">{}</td><td data-label="Reasons" class="reasons">"#,
        Esc(&c.id),
        tier_name(c.tier),
        pct(c.churn_probability, 1),
        Esc(clv_title),
        amount(c.clv),
        Esc(ev_title),
        amount(c.expected_value_lost),
    );
    let reasons: Vec<String> = c
        .reasons
        .iter()
        .flatten()
        .map(|r| {
            let cause = r.cause.name().replace('_', " ");
            let signal = signal_label(r.signal);
            if signal == cause {
                Esc(&signal).to_string()
            } else {
                format!("{} <small>{}</small>", Esc(&signal), Esc(&cause))
            }
        })
        .collect();
    if reasons.is_empty() {
        out.push('–');
    } else {
        out.push_str("<span>");
        for (k, r) in reasons.iter().enumerate() {
            // Already escaped above.
            let _ = write!(out, "{}{r}", if k > 0 { "<br>" } else { "" });
        }
        out.push_str("</span>");
    }
    out.push_str(r#"</td><td data-label="Best action">"#);
    match c.action {
        Some(a) => {
            let _ = write!(
                out,
                "<span>{}<br><small>saves {} net, costs {}</small></span>",
                action_name(a.kind),
                amount(a.value_saved),
                amount(a.cost)
            );
        }
        None => out.push('–'),
    }
    out.push_str("</td></tr>");
}

fn cohort_section(out: &mut String, t: &CohortTable, period: &str) {
    out.push_str(r#"<section id="cohorts"><h2>Cohort retention</h2><div class="grid wide">"#);
    let caption = format!("Share of each cohort still active, by {period} since joining");
    let retention = t.retention();
    let first_shown = t.cohorts.len().saturating_sub(MAX_COHORTS_SHOWN);
    let shown: Vec<(i64, &Vec<f64>, u64)> = t
        .cohorts
        .iter()
        .zip(&retention)
        .zip(&t.active)
        .skip(first_shown)
        .map(|((c, r), a)| (*c, r, a.first().copied().unwrap_or(0)))
        .collect();
    figure_open(out, &caption);
    if shown.iter().all(|(_, r, _)| r.is_empty()) {
        out.push_str(
            r#"<p class="note">No cohort has been observed yet.</p></figure></div></section>"#,
        );
        return;
    }
    let longest = shown.iter().map(|(_, r, _)| r.len()).max().unwrap_or(1);
    let thin = |r: &[f64]| -> Vec<(f64, f64)> {
        let step = r.len().div_ceil(MAX_POINTS_PER_CURVE).max(1);
        let mut pts: Vec<(f64, f64)> = r
            .iter()
            .enumerate()
            .step_by(step)
            .map(|(k, v)| (k as f64, *v))
            .collect();
        if let Some(last) = r.len().checked_sub(1)
            && pts.last().is_some_and(|p| p.0 != last as f64)
        {
            pts.push((last as f64, r[last]));
        }
        pts
    };
    // Few cohorts: one Okabe–Ito colour each. Many: a light-to-dark ramp, newest darkest.
    let many = shown.len() > okabe_ito::CYCLE.len();
    let mut series = Vec::new();
    let mut legend_items: Vec<(String, &'static str)> = Vec::new();
    let ramp_colours: Vec<&'static str> = (0..shown.len())
        .map(|i| {
            let t = 0.25 + 0.75 * share(i as f64, (shown.len() - 1).max(1) as f64);
            RAMP_STEPS
                [((t * (RAMP_STEPS.len() - 1) as f64).round() as usize).min(RAMP_STEPS.len() - 1)]
        })
        .collect();
    for (i, (c, r, size)) in shown.iter().enumerate() {
        let colour = if many {
            ramp_colours[i]
        } else {
            okabe_ito::CYCLE[i % okabe_ito::CYCLE.len()]
        };
        let mut s = Series::new(
            format!("cohort {c} ({} clients)", count(*size as usize)),
            thin(r),
            colour,
            if !many && longest <= 24 {
                Style::LineMarkers
            } else {
                Style::Line
            },
        );
        if many {
            s.width = 1.4;
        }
        if !many {
            legend_items.push((format!("joined in {period} {c}"), colour));
        }
        series.push(s);
    }
    // Weighted mean over cohorts observed that long, drawn in black on top.
    if many {
        let mean: Vec<(f64, f64)> = (0..longest)
            .map(|k| {
                let (mut act, mut base) = (0u64, 0u64);
                for row in t.active.iter().skip(first_shown) {
                    if let (Some(a), Some(b)) = (row.get(k), row.first()) {
                        act += a;
                        base += b;
                    }
                }
                (k as f64, share(act as f64, base as f64))
            })
            .collect();
        let mut s = Series::new(
            "all cohorts (weighted)",
            thin(&mean.iter().map(|p| p.1).collect::<Vec<_>>()),
            okabe_ito::BLACK,
            Style::Line,
        );
        s.width = 2.8;
        series.push(s);
    }
    let desc = shown
        .iter()
        .map(|(c, r, _)| {
            format!(
                "cohort {c}: {} after {} {period}s",
                pct(r.last().copied().unwrap_or(0.0), 0),
                r.len().saturating_sub(1)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    svg::plot(
        out,
        &Plot {
            id: "cohorts",
            title: &caption,
            desc: &desc,
            x: Axis::nice(0.0, longest.saturating_sub(1).max(1) as f64, 6),
            y: Axis::nice(0.0, 1.0, 6),
            x_unit: Unit::Plain,
            y_unit: Unit::Percent,
            x_title: &format!("{} since joining", capitalise(period)),
            y_title: "Clients still active (%)",
            columns: Vec::new(),
            column_colour: okabe_ito::SKY_BLUE,
            series,
        },
    );
    if many {
        let oldest = shown.first().map_or(0, |s| s.0);
        let newest = shown.last().map_or(0, |s| s.0);
        let mut items: Vec<(&str, &str, bool)> = Vec::new();
        let a = format!("older cohorts ({period} {oldest})");
        let b = format!("newer cohorts ({period} {newest})");
        items.push((&a, RAMP_STEPS[1], false));
        items.push((&b, RAMP_STEPS[RAMP_STEPS.len() - 1], false));
        items.push(("all cohorts, weighted by size", okabe_ito::BLACK, false));
        svg::legend(out, &items);
        if first_shown > 0 {
            let _ = write!(
                out,
                r#"<p class="note">The {} most recent of {} cohorts are drawn.</p>"#,
                count(shown.len()),
                count(t.cohorts.len())
            );
        }
    } else {
        let items: Vec<(&str, &str, bool)> = legend_items
            .iter()
            .map(|(n, c)| (n.as_str(), *c, false))
            .collect();
        svg::legend(out, &items);
    }
    out.push_str("</figure>");
    cohort_table(out, &shown, longest, period);
    out.push_str("</div></section>");
}

/// Most cohorts listed in the retention table beside the curves (the most recent).
const COHORT_TABLE_ROWS: usize = 12;

/// The retention of the latest cohorts at a few horizons, as numbers.
fn cohort_table(out: &mut String, shown: &[(i64, &Vec<f64>, u64)], longest: usize, period: &str) {
    let horizons: Vec<usize> = [1, 3, 6, 12, 24, 36, 60]
        .into_iter()
        .filter(|&k| k < longest)
        .collect();
    let rows = &shown[shown.len().saturating_sub(COHORT_TABLE_ROWS)..];
    let _ = write!(
        out,
        r#"<figure><figcaption>Share still active after a number of {p}s</figcaption><table class="cohort-table"><thead><tr><th>Joined in {p}</th><th class="num">Clients</th>"#,
        p = Esc(period)
    );
    for k in &horizons {
        let _ = write!(out, r#"<th class="num">{k}</th>"#);
    }
    out.push_str("</tr></thead><tbody>");
    for (c, r, size) in rows {
        let _ = write!(
            out,
            r#"<tr><td>{c}</td><td class="num">{}</td>"#,
            count(*size as usize)
        );
        for &k in &horizons {
            match r.get(k) {
                Some(v) => {
                    let _ = write!(out, r#"<td class="num">{}</td>"#, pct(*v, 0));
                }
                None => out.push_str(r#"<td class="num muted">–</td>"#),
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    if shown.len() > rows.len() {
        let _ = write!(
            out,
            r#"<p class="note">The {} most recent cohorts; – marks horizons not yet observed.</p>"#,
            rows.len()
        );
    } else {
        out.push_str(r#"<p class="note">– marks horizons not yet observed.</p>"#);
    }
    out.push_str("</figure>");
}

/// Shades of one blue from light to dark for many cohort curves.
const RAMP_STEPS: [&str; 6] = [
    "#C6DBEF", "#9ECAE1", "#6BAED6", "#4292C6", "#2171B5", "#08519C",
];

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn fact_sheet(out: &mut String, card: &FactSheet) {
    let _ = write!(
        out,
        r#"<section id="model-card"><h2>{}</h2><dl class="card">"#,
        Esc(&card.title)
    );
    for (k, v) in &card.entries {
        let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", Esc(k), Esc(v));
    }
    out.push_str("</dl></section>");
}

const CSS: &str = "\
:root{--ink:#1a1a1a;--muted:#595959;--line:#d9d9d9;--panel:#f4f6f8;--accent:#0072B2}\
*{box-sizing:border-box}\
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\
body{margin:0;font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:var(--ink);background:#fff}\
header,main,footer{max-width:1200px;margin:0 auto;padding:0 20px}\
header{padding-top:20px;padding-bottom:6px;border-bottom:3px solid var(--accent)}\
h1{font-size:1.6rem;line-height:1.2;margin:0 0 4px}\
h2{font-size:1.25rem;margin:28px 0 12px;padding-bottom:4px;border-bottom:1px solid var(--line)}\
.meta{color:var(--muted);margin:0 0 10px}\
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(165px,1fr));gap:12px;margin:0}\
.kpi{background:var(--panel);border-radius:8px;padding:10px 14px;border-left:4px solid var(--accent)}\
.kpi dt{font-size:.85rem;color:var(--muted)}\
.kpi dd{margin:2px 0 0;font-size:1.5rem;font-weight:650;font-variant-numeric:tabular-nums}\
.kpi dd.note{font-size:.8rem;font-weight:400;color:var(--muted)}\
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(330px,1fr));gap:16px}\
.grid.wide{grid-template-columns:repeat(auto-fit,minmax(440px,1fr))}\
.nowrap{white-space:nowrap}\
.kpi .unit{font-size:.9rem;font-weight:600;color:var(--muted)}\
figure{margin:0;background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px;break-inside:avoid;min-width:0}\
figcaption{font-weight:600;margin-bottom:6px}\
.note{font-size:.8rem;color:var(--muted);margin:6px 0 0}\
svg.chart{display:block;width:100%;height:auto;max-width:620px;margin:0 auto}\
svg text{font-family:inherit}\
svg .tick{font-size:12.5px;fill:#404040}\
svg .label{font-size:13px;fill:#1a1a1a}\
svg .value{font-size:12.5px;fill:#1a1a1a}\
svg .axis-title{font-size:13px;fill:#333}\
svg .grid{stroke:#e4e4e4;stroke-width:1}\
svg .axis,svg .tickmark{stroke:#555;stroke-width:1;fill:none}\
svg .ref{stroke-width:1.6}\
svg .cell-value{font-size:14px;font-weight:600}\
svg .cell-note{font-size:11.5px}\
.legend{list-style:none;padding:0;margin:8px 0 0;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:.85rem}\
.legend .key{display:inline-block;width:24px;height:0;border-top:3px solid;vertical-align:middle;margin-right:6px}\
.legend .key.dashed{border-top-style:dashed}\
.legend .key.block{height:12px;border-top-width:12px}\
.stats{display:flex;flex-wrap:wrap;gap:6px 20px;margin:0 0 14px;padding:0;list-style:none}\
.stats strong{font-weight:600;color:var(--muted);margin-right:4px}\
table{border-collapse:collapse;width:100%;font-size:.9rem}\
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}\
th{background:var(--panel);font-weight:600}\
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
td small{color:var(--muted)}\
td.muted{color:var(--muted)}\
td.reasons{min-width:13em}\
.cohort-table{font-size:.85rem}\
.cohort-table th,.cohort-table td{padding:4px 6px}\
.risk{display:inline-block;padding:0 6px;border-radius:4px;font-size:.8rem;font-weight:600}\
dl.card{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}\
dl.card dt{font-weight:600}dl.card dd{margin:0;overflow-wrap:anywhere}\
footer{color:var(--muted);font-size:.85rem;margin-top:28px;padding-bottom:28px;border-top:1px solid var(--line)}\
@media (max-width:640px){\
header,main,footer{padding-left:12px;padding-right:12px}\
h1{font-size:1.35rem}\
.kpi dd{font-size:1.25rem}\
.grid,.grid.wide{grid-template-columns:minmax(0,1fr)}\
figure{padding:8px}\
table.calls thead{display:none}\
table.calls,table.calls tbody{display:block}\
table.calls tr{display:block;border:1px solid var(--line);border-radius:8px;margin-bottom:10px;padding:4px 10px}\
table.calls td{display:flex;justify-content:space-between;gap:12px;border:0;padding:3px 0;text-align:right;white-space:normal}\
table.calls td::before{content:attr(data-label);font-weight:600;text-align:left;color:var(--muted)}\
dl.card{grid-template-columns:minmax(0,1fr)}dl.card dd{margin-bottom:6px}\
}\
@media print{\
body{font-size:10.5pt}\
header,main,footer{max-width:none;padding:0}\
.grid,.grid.wide{grid-template-columns:repeat(2,minmax(0,1fr))}\
figure,.kpi,tr{break-inside:avoid}\
h2{break-after:avoid}\
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}\
}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluation_needs_outcomes() {
        let clients = vec![ClientRecord::example()];
        let mut unlabelled = clients.clone();
        unlabelled[0].churn = None;
        let a: Vec<Result<Assessment>> = vec![Err(Error::Empty { what: "x".into() })];
        assert!(matches!(
            ModelEvaluation::from_assessments(&unlabelled, &a),
            Err(Error::Empty { .. })
        ));
        assert!(ModelEvaluation::from_assessments(&clients, &[]).is_err());
    }

    #[test]
    fn cohort_curves_are_thinned() {
        let spans: Vec<(i64, Option<i64>)> = (0..2_000).map(|i| (0, Some(i))).collect();
        let t = CohortTable::build(&spans, 1_999).unwrap();
        let mut s = String::new();
        cohort_section(&mut s, &t, "day");
        let d = s.split(r#"class="mark line" d=""#).nth(1).unwrap();
        let points = d.split('"').next().unwrap().matches('L').count() + 1;
        assert!(points <= MAX_POINTS_PER_CURVE + 1, "{points}");
        assert!(s.contains("Day since joining"));
    }
}
