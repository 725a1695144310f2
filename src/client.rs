//! The typed record of one wealth-management client.
//!
//! A [`ClientRecord`] holds what every later stage needs: balances and their monthly
//! history, product holdings, activity, transfer-outs, service contacts, complaints,
//! performance, fees, survey answers and, for training data, a churn label.
//! [`ClientRecord::validate`] rejects anything impossible with an error naming the field.
//!
//! Records round-trip through JSON (serde) and through a flat CSV layout
//! ([`read_csv`], [`write_csv`]) in which the monthly histories are `;`-separated.
//!
//! ```
//! use wealthscore::client::{ClientRecord, read_csv, write_csv};
//!
//! let client = ClientRecord::example();
//! client.validate()?;
//! let json = serde_json::to_string(&client).unwrap();
//! let back: ClientRecord = serde_json::from_str(&json).unwrap();
//! assert_eq!(back, client);
//!
//! let mut csv = Vec::new();
//! write_csv(&mut csv, std::slice::from_ref(&client))?;
//! let rows = read_csv(csv.as_slice())?;
//! assert_eq!(rows[0].as_ref().unwrap(), &client);
//! # Ok::<(), wealthscore::Error>(())
//! ```

use crate::error::{Error, Result, check};
use serde::{Deserialize, Serialize};

/// Longest monthly history accepted (50 years); longer ones are almost surely a unit error.
pub const MAX_HISTORY_MONTHS: usize = 600;
/// Most transactions accepted in one month (about one every 2.6 seconds, day and night);
/// more is almost surely a unit or export error. With [`MAX_HISTORY_MONTHS`] months, a
/// whole history sums to at most 6 × 10⁸, well inside `u32`.
pub const MAX_MONTHLY_TRANSACTIONS: u32 = 1_000_000;
/// Youngest client accepted.
pub const MIN_AGE: u32 = 18;
/// Oldest client accepted.
pub const MAX_AGE: u32 = 120;

/// A client's stated appetite for risk, in the five levels regulators use (C1…C5).
///
/// JSON and CSV accept the snake-case name (`conservative`, `moderately_conservative`,
/// `moderate`, `moderately_aggressive`, `aggressive`) or the regulatory code (`C1` to
/// `C5`, also lower case); they write the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum RiskTolerance {
    /// C1 (`conservative`): capital preservation.
    #[serde(alias = "C1", alias = "c1")]
    Conservative,
    /// C2 (`moderately_conservative`).
    #[serde(alias = "C2", alias = "c2")]
    ModeratelyConservative,
    /// C3 (`moderate`).
    #[serde(alias = "C3", alias = "c3")]
    Moderate,
    /// C4 (`moderately_aggressive`).
    #[serde(alias = "C4", alias = "c4")]
    ModeratelyAggressive,
    /// C5 (`aggressive`).
    #[serde(alias = "C5", alias = "c5")]
    Aggressive,
}

impl RiskTolerance {
    /// All levels, from the most to the least cautious.
    pub const ALL: [RiskTolerance; 5] = [
        RiskTolerance::Conservative,
        RiskTolerance::ModeratelyConservative,
        RiskTolerance::Moderate,
        RiskTolerance::ModeratelyAggressive,
        RiskTolerance::Aggressive,
    ];

    /// 1 (conservative) to 5 (aggressive).
    pub fn level(self) -> u8 {
        match self {
            RiskTolerance::Conservative => 1,
            RiskTolerance::ModeratelyConservative => 2,
            RiskTolerance::Moderate => 3,
            RiskTolerance::ModeratelyAggressive => 4,
            RiskTolerance::Aggressive => 5,
        }
    }
}

/// Amounts held per product category, in the same currency as AUM; they add up to AUM.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Holdings {
    /// Current and time deposits.
    pub deposits: f64,
    /// Bank wealth-management products.
    pub wealth_products: f64,
    /// Mutual funds.
    pub funds: f64,
    /// Insurance with a savings component.
    pub insurance: f64,
    /// Bonds and fixed income.
    pub fixed_income: f64,
    /// Private and alternative investments.
    pub alternatives: f64,
}

/// Builder-style setters: the type is `#[non_exhaustive]`, so callers outside the crate
/// start from a constructor or [`Default`] and set what they need.
impl Holdings {
    setters! {
        with_deposits => deposits: f64,
        with_wealth_products => wealth_products: f64,
        with_funds => funds: f64,
        with_insurance => insurance: f64,
        with_fixed_income => fixed_income: f64,
        with_alternatives => alternatives: f64,
    }
}

impl Holdings {
    /// Category names, in the order of [`Holdings::amounts`].
    pub const NAMES: [&'static str; 6] = [
        "deposits",
        "wealth_products",
        "funds",
        "insurance",
        "fixed_income",
        "alternatives",
    ];

    /// The six amounts in the order of [`Holdings::NAMES`].
    pub fn amounts(&self) -> [f64; 6] {
        [
            self.deposits,
            self.wealth_products,
            self.funds,
            self.insurance,
            self.fixed_income,
            self.alternatives,
        ]
    }

    /// Sum over categories.
    pub fn total(&self) -> f64 {
        self.amounts().iter().sum()
    }

    /// Number of categories with a positive amount.
    pub fn categories_held(&self) -> usize {
        self.amounts().iter().filter(|&&a| a > 0.0).count()
    }
}

/// Answers to the satisfaction survey on its five dimensions, each on a 1–5 Likert scale
/// (5 = very satisfied). A dimension left blank is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SurveyAnswers {
    /// Service quality: speed, courtesy, personal attention.
    pub service_quality: Option<u8>,
    /// Product satisfaction: fit and range of products.
    pub product: Option<u8>,
    /// Client experience: channels, convenience.
    pub experience: Option<u8>,
    /// Professional competence of the advisor.
    pub competence: Option<u8>,
    /// Risk control: suitability, disclosure, drawdowns.
    pub risk_control: Option<u8>,
}

/// Builder-style setters: the type is `#[non_exhaustive]`, so callers outside the crate
/// start from a constructor or [`Default`] and set what they need.
impl SurveyAnswers {
    setters! {
        with_service_quality => service_quality: Option<u8>,
        with_product => product: Option<u8>,
        with_experience => experience: Option<u8>,
        with_competence => competence: Option<u8>,
        with_risk_control => risk_control: Option<u8>,
    }
}

impl SurveyAnswers {
    /// Dimension names, in the order of [`SurveyAnswers::as_array`].
    pub const DIMENSIONS: [&'static str; 5] = [
        "service_quality",
        "product",
        "experience",
        "competence",
        "risk_control",
    ];

    /// The answers in the order of [`SurveyAnswers::DIMENSIONS`].
    pub fn as_array(&self) -> [Option<u8>; 5] {
        [
            self.service_quality,
            self.product,
            self.experience,
            self.competence,
            self.risk_control,
        ]
    }

    /// Whether at least one dimension was answered.
    pub fn any(&self) -> bool {
        self.as_array().iter().any(Option::is_some)
    }
}

/// Whether a client churned, and the date (ISO `YYYY-MM-DD`) it was observed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChurnLabel {
    /// `true` if the client left (closed, or moved most assets out).
    pub churned: bool,
    /// The observation date, `YYYY-MM-DD`.
    pub observed_on: String,
}

/// One wealth-management client, as a bank's systems know it.
///
/// Monthly histories run oldest to newest; their last element is the current month.
/// Money is in one currency of the caller's choice; rates are fractions (0.01 = 1 %).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ClientRecord {
    /// The bank's identifier.
    pub id: String,
    /// Branch or team that serves the client, if known.
    #[serde(default)]
    pub branch: Option<String>,
    /// Age in years (18–120).
    pub age: u32,
    /// Months since the relationship began.
    pub tenure_months: u32,
    /// Assets under management now.
    pub aum: f64,
    /// Month-end AUM, oldest first, the last being the current month (1–600 months).
    pub aum_history: Vec<f64>,
    /// Current holdings by product category; they add up to `aum`.
    pub holdings: Holdings,
    /// Transactions per month, aligned with `aum_history`.
    pub monthly_transactions: Vec<u32>,
    /// Transfers out of the bank in the last 90 days.
    pub transfers_out_90d: u32,
    /// Amount transferred out of the bank in the last 90 days.
    pub transfer_out_amount_90d: f64,
    /// Days since the client last transacted or logged in.
    pub days_since_last_activity: u32,
    /// Advisor contacts (calls, meetings, messages) in the last 180 days.
    pub advisor_contacts_180d: u32,
    /// Complaints filed in the last 12 months.
    pub complaints_12m: u32,
    /// Portfolio return minus its benchmark over 12 months (−0.03 = 3 points behind).
    pub return_vs_benchmark_12m: f64,
    /// All-in annual fee rate on AUM (0.012 = 1.2 %).
    pub fee_rate: f64,
    /// Stated risk tolerance.
    pub risk_tolerance: RiskTolerance,
    /// Share of interactions through digital channels, in `[0, 1]`.
    pub digital_share: f64,
    /// Whether the client has a dedicated relationship manager.
    #[serde(default)]
    pub dedicated_advisor: bool,
    /// Survey answers, if the client ever answered.
    #[serde(default)]
    pub survey: Option<SurveyAnswers>,
    /// Churn outcome, for training and evaluation data.
    #[serde(default)]
    pub churn: Option<ChurnLabel>,
}

/// Builder-style setters: the type is `#[non_exhaustive]`, so callers outside the crate
/// start from a constructor or [`Default`] and set what they need.
impl ClientRecord {
    setters! {
        with_branch => branch: Option<String>,
        with_age => age: u32,
        with_tenure_months => tenure_months: u32,
        with_aum => aum: f64,
        with_aum_history => aum_history: Vec<f64>,
        with_holdings => holdings: Holdings,
        with_monthly_transactions => monthly_transactions: Vec<u32>,
        with_transfers_out_90d => transfers_out_90d: u32,
        with_transfer_out_amount_90d => transfer_out_amount_90d: f64,
        with_days_since_last_activity => days_since_last_activity: u32,
        with_advisor_contacts_180d => advisor_contacts_180d: u32,
        with_complaints_12m => complaints_12m: u32,
        with_return_vs_benchmark_12m => return_vs_benchmark_12m: f64,
        with_fee_rate => fee_rate: f64,
        with_risk_tolerance => risk_tolerance: RiskTolerance,
        with_digital_share => digital_share: f64,
        with_dedicated_advisor => dedicated_advisor: bool,
        with_survey => survey: Option<SurveyAnswers>,
        with_churn => churn: Option<ChurnLabel>,
    }
}

/// Tolerance on holdings adding up to AUM: 0.5 % of AUM plus one currency unit.
const HOLDINGS_REL_TOL: f64 = 0.005;

impl ClientRecord {
    /// A client with the given id, age, tenure and monthly histories (oldest first), and
    /// neutral values elsewhere: AUM is the last month of `aum_history`, all held as
    /// deposits; no transfers, contacts or complaints; activity today; return equal to
    /// the benchmark; no fee; moderate (C3) risk tolerance; no digital use, dedicated
    /// advisor, survey answers or churn label. Set the rest with the `with_` methods or
    /// the public fields, then [`ClientRecord::validate`].
    ///
    /// ```
    /// use wealthscore::ClientRecord;
    /// let c = ClientRecord::new("C-42", 40, 24, vec![1e5, 1.1e5], vec![3, 4])
    ///     .with_fee_rate(0.01)
    ///     .with_complaints_12m(1);
    /// c.validate()?;
    /// assert_eq!(c.aum, 1.1e5);
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn new(
        id: impl Into<String>,
        age: u32,
        tenure_months: u32,
        aum_history: Vec<f64>,
        monthly_transactions: Vec<u32>,
    ) -> Self {
        let aum = aum_history.last().copied().unwrap_or(0.0);
        ClientRecord {
            id: id.into(),
            branch: None,
            age,
            tenure_months,
            aum,
            aum_history,
            holdings: Holdings {
                deposits: aum,
                ..Holdings::default()
            },
            monthly_transactions,
            transfers_out_90d: 0,
            transfer_out_amount_90d: 0.0,
            days_since_last_activity: 0,
            advisor_contacts_180d: 0,
            complaints_12m: 0,
            return_vs_benchmark_12m: 0.0,
            fee_rate: 0.0,
            risk_tolerance: RiskTolerance::Moderate,
            digital_share: 0.0,
            dedicated_advisor: false,
            survey: None,
            churn: None,
        }
    }

    /// A plausible, valid client for examples and doc tests.
    ///
    /// ```
    /// let c = wealthscore::ClientRecord::example();
    /// assert!(c.validate().is_ok());
    /// assert_eq!(c.aum_history.len(), 12);
    /// ```
    pub fn example() -> Self {
        let aum_history = vec![
            520_000.0, 518_000.0, 525_000.0, 530_000.0, 512_000.0, 498_000.0, 480_000.0, 470_000.0,
            455_000.0, 440_000.0, 420_000.0, 400_000.0,
        ];
        ClientRecord {
            id: "C-000001".into(),
            branch: Some("Shanghai-Pudong".into()),
            age: 52,
            tenure_months: 84,
            aum: 400_000.0,
            aum_history,
            holdings: Holdings {
                deposits: 120_000.0,
                wealth_products: 150_000.0,
                funds: 80_000.0,
                insurance: 50_000.0,
                fixed_income: 0.0,
                alternatives: 0.0,
            },
            monthly_transactions: vec![9, 8, 10, 9, 7, 6, 6, 5, 4, 4, 3, 2],
            transfers_out_90d: 3,
            transfer_out_amount_90d: 60_000.0,
            days_since_last_activity: 21,
            advisor_contacts_180d: 1,
            complaints_12m: 2,
            return_vs_benchmark_12m: -0.025,
            fee_rate: 0.012,
            risk_tolerance: RiskTolerance::Moderate,
            digital_share: 0.35,
            dedicated_advisor: false,
            survey: Some(SurveyAnswers {
                service_quality: Some(2),
                product: Some(3),
                experience: Some(3),
                competence: Some(4),
                risk_control: Some(3),
            }),
            churn: None,
        }
    }

    /// Checks every field; the first problem found is returned, naming the field.
    ///
    /// Rules: `id` not empty; age in 18–120; money finite and `>= 0`; histories of
    /// 1–600 months, of equal length, no longer than `tenure_months + 1`; at most
    /// [`MAX_MONTHLY_TRANSACTIONS`] transactions in any month; holdings add
    /// up to `aum` within 0.5 %; `days_since_last_activity` within the tenure;
    /// `return_vs_benchmark_12m` in [−1, 10]; `fee_rate` in [0, 0.2];
    /// `digital_share` in [0, 1]; survey answers 1–5; label date `YYYY-MM-DD`.
    ///
    /// ```
    /// use wealthscore::{ClientRecord, Error};
    /// let mut c = ClientRecord::example();
    /// c.aum = -1.0;
    /// assert!(matches!(c.validate(), Err(Error::InvalidInput { field, .. }) if field == "aum"));
    /// ```
    pub fn validate(&self) -> Result<()> {
        if self.id.trim().is_empty() {
            return Err(Error::invalid("id", "\"\"", "must not be empty"));
        }
        if !(MIN_AGE..=MAX_AGE).contains(&self.age) {
            return Err(Error::invalid(
                "age",
                self.age,
                format!("must lie in {MIN_AGE}..={MAX_AGE}"),
            ));
        }
        check::non_negative("aum", self.aum)?;
        let n = self.aum_history.len();
        if n == 0 {
            return Err(Error::Empty {
                what: "aum_history".into(),
            });
        }
        if n > MAX_HISTORY_MONTHS {
            return Err(Error::invalid(
                "aum_history",
                format!("{n} months"),
                format!("at most {MAX_HISTORY_MONTHS} months"),
            ));
        }
        for (i, &a) in self.aum_history.iter().enumerate() {
            check::non_negative_lazy(a, || format!("aum_history[{i}]"))?;
        }
        if n > self.tenure_months as usize + 1 {
            return Err(Error::invalid(
                "aum_history",
                format!("{n} months"),
                format!(
                    "longer than the relationship (tenure_months = {})",
                    self.tenure_months
                ),
            ));
        }
        check::same_len(
            "monthly_transactions vs aum_history",
            n,
            self.monthly_transactions.len(),
        )?;
        if let Some((i, &t)) = self
            .monthly_transactions
            .iter()
            .enumerate()
            .find(|&(_, &t)| t > MAX_MONTHLY_TRANSACTIONS)
        {
            return Err(Error::invalid(
                format!("monthly_transactions[{i}]"),
                t,
                format!("at most {MAX_MONTHLY_TRANSACTIONS} transactions a month"),
            ));
        }
        let h = &self.holdings;
        for (name, amount) in Holdings::NAMES.iter().zip(h.amounts()) {
            check::non_negative_lazy(amount, || format!("holdings.{name}"))?;
        }
        let total = h.total();
        if (total - self.aum).abs() > HOLDINGS_REL_TOL * self.aum + 1.0 {
            return Err(Error::invalid(
                "holdings",
                format!("total {total}"),
                format!("must add up to aum = {} (within 0.5 %)", self.aum),
            ));
        }
        check::non_negative("transfer_out_amount_90d", self.transfer_out_amount_90d)?;
        if self.transfer_out_amount_90d > 0.0 && self.transfers_out_90d == 0 {
            return Err(Error::invalid(
                "transfers_out_90d",
                0,
                "is 0 while transfer_out_amount_90d is positive",
            ));
        }
        let max_days = (self.tenure_months as u64 + 1) * 31;
        if u64::from(self.days_since_last_activity) > max_days {
            return Err(Error::invalid(
                "days_since_last_activity",
                self.days_since_last_activity,
                format!("exceeds the relationship's length ({max_days} days)"),
            ));
        }
        check::in_range(
            "return_vs_benchmark_12m",
            self.return_vs_benchmark_12m,
            -1.0,
            10.0,
        )?;
        check::in_range("fee_rate", self.fee_rate, 0.0, 0.2)?;
        check::probability("digital_share", self.digital_share)?;
        if let Some(s) = &self.survey {
            for (name, v) in SurveyAnswers::DIMENSIONS.iter().zip(s.as_array()) {
                if let Some(v) = v
                    && !(1..=5).contains(&v)
                {
                    return Err(Error::invalid(
                        format!("survey.{name}"),
                        v,
                        "must be a Likert answer 1..=5",
                    ));
                }
            }
        }
        if let Some(label) = &self.churn {
            parse_iso_date(&label.observed_on).map_err(|_| {
                Error::invalid(
                    "churn.observed_on",
                    &label.observed_on,
                    "must be a date YYYY-MM-DD",
                )
            })?;
        }
        Ok(())
    }

    /// Transactions over the last `months` months (or the whole history if shorter),
    /// summed in `u64` so that no history of `u32` counts can wrap, validated or not.
    ///
    /// ```
    /// let c = wealthscore::ClientRecord::example();
    /// assert_eq!(c.recent_transactions(3), 4 + 3 + 2);
    /// ```
    pub fn recent_transactions(&self, months: usize) -> u64 {
        let n = self.monthly_transactions.len();
        self.monthly_transactions[n.saturating_sub(months)..]
            .iter()
            .map(|&t| u64::from(t))
            .sum()
    }

    /// Relative AUM change over the last `months` months of `aum_history` (from the oldest
    /// month when the history is shorter); 0 with one month of history or a zero balance
    /// then.
    ///
    /// ```
    /// let c = wealthscore::ClientRecord::example();
    /// assert!((c.aum_change(3) - (400_000.0 / 455_000.0 - 1.0)).abs() < 1e-12);
    /// ```
    pub fn aum_change(&self, months: usize) -> f64 {
        let h = &self.aum_history;
        let n = h.len();
        if n < 2 {
            return 0.0;
        }
        let now = h[n - 1];
        let then = h[n - 1 - months.min(n - 1)];
        if then > 0.0 { now / then - 1.0 } else { 0.0 }
    }

    /// Activity now against its own baseline: (mean transactions of the last 3 months + 0.5)
    /// over (mean of the 6 months before + 0.5); 1 with fewer than 4 months of history.
    ///
    /// ```
    /// let c = wealthscore::ClientRecord::example();
    /// // Last 3 months 4, 3, 2; the 6 before 9, 7, 6, 6, 5, 4.
    /// assert!((c.activity_ratio() - (3.5 / (37.0 / 6.0 + 0.5))).abs() < 1e-12);
    /// ```
    pub fn activity_ratio(&self) -> f64 {
        let tx = &self.monthly_transactions;
        let n = tx.len();
        if n < 4 {
            return 1.0;
        }
        let recent = &tx[n - 3..];
        let before = &tx[n.saturating_sub(9)..n - 3];
        let mean = |xs: &[u32]| xs.iter().map(|&x| f64::from(x)).sum::<f64>() / xs.len() as f64;
        (mean(recent) + 0.5) / (mean(before) + 0.5)
    }

    /// The churn label as 0/1, if present.
    pub fn churned(&self) -> Option<bool> {
        self.churn.as_ref().map(|l| l.churned)
    }
}

/// Parses `YYYY-MM-DD` into (year, month, day), checking the calendar.
pub fn parse_iso_date(s: &str) -> Result<(i32, u32, u32)> {
    let bad = || Error::parse("date", format!("`{s}` is not a date YYYY-MM-DD"));
    let b = s.as_bytes();
    if !s.is_ascii() || b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let y: i32 = s[0..4].parse().map_err(|_| bad())?;
    let m: u32 = s[5..7].parse().map_err(|_| bad())?;
    let d: u32 = s[8..10].parse().map_err(|_| bad())?;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if d == 0 || d > days {
        return Err(bad());
    }
    Ok((y, m, d))
}

/// The flat CSV row: nested parts spread into columns, histories `;`-separated.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CsvRow {
    id: String,
    branch: Option<String>,
    age: u32,
    tenure_months: u32,
    aum: f64,
    aum_history: String,
    deposits: f64,
    wealth_products: f64,
    funds: f64,
    insurance: f64,
    fixed_income: f64,
    alternatives: f64,
    monthly_transactions: String,
    transfers_out_90d: u32,
    transfer_out_amount_90d: f64,
    days_since_last_activity: u32,
    advisor_contacts_180d: u32,
    complaints_12m: u32,
    return_vs_benchmark_12m: f64,
    fee_rate: f64,
    risk_tolerance: RiskTolerance,
    digital_share: f64,
    dedicated_advisor: bool,
    survey_service_quality: Option<u8>,
    survey_product: Option<u8>,
    survey_experience: Option<u8>,
    survey_competence: Option<u8>,
    survey_risk_control: Option<u8>,
    churned: Option<bool>,
    churn_observed_on: Option<String>,
}

fn join<T: std::fmt::Display>(xs: &[T]) -> String {
    let mut s = String::new();
    for (i, x) in xs.iter().enumerate() {
        if i > 0 {
            s.push(';');
        }
        s.push_str(&x.to_string());
    }
    s
}

fn split<T: std::str::FromStr>(field: &str, s: &str) -> Result<Vec<T>> {
    if s.trim().is_empty() {
        return Ok(Vec::new());
    }
    s.split(';')
        .enumerate()
        .map(|(i, p)| {
            p.trim()
                .parse()
                .map_err(|_| Error::invalid(format!("{field}[{i}]"), p, "is not a number"))
        })
        .collect()
}

impl From<&ClientRecord> for CsvRow {
    fn from(c: &ClientRecord) -> Self {
        let s = c.survey.unwrap_or_default();
        CsvRow {
            id: c.id.clone(),
            branch: c.branch.clone(),
            age: c.age,
            tenure_months: c.tenure_months,
            aum: c.aum,
            aum_history: join(&c.aum_history),
            deposits: c.holdings.deposits,
            wealth_products: c.holdings.wealth_products,
            funds: c.holdings.funds,
            insurance: c.holdings.insurance,
            fixed_income: c.holdings.fixed_income,
            alternatives: c.holdings.alternatives,
            monthly_transactions: join(&c.monthly_transactions),
            transfers_out_90d: c.transfers_out_90d,
            transfer_out_amount_90d: c.transfer_out_amount_90d,
            days_since_last_activity: c.days_since_last_activity,
            advisor_contacts_180d: c.advisor_contacts_180d,
            complaints_12m: c.complaints_12m,
            return_vs_benchmark_12m: c.return_vs_benchmark_12m,
            fee_rate: c.fee_rate,
            risk_tolerance: c.risk_tolerance,
            digital_share: c.digital_share,
            dedicated_advisor: c.dedicated_advisor,
            survey_service_quality: s.service_quality,
            survey_product: s.product,
            survey_experience: s.experience,
            survey_competence: s.competence,
            survey_risk_control: s.risk_control,
            churned: c.churn.as_ref().map(|l| l.churned),
            churn_observed_on: c.churn.as_ref().map(|l| l.observed_on.clone()),
        }
    }
}

impl CsvRow {
    fn into_record(self) -> Result<ClientRecord> {
        let survey = SurveyAnswers {
            service_quality: self.survey_service_quality,
            product: self.survey_product,
            experience: self.survey_experience,
            competence: self.survey_competence,
            risk_control: self.survey_risk_control,
        };
        let churn = match (self.churned, self.churn_observed_on) {
            (Some(churned), Some(observed_on)) => Some(ChurnLabel {
                churned,
                observed_on,
            }),
            (None, None) => None,
            (Some(_), None) => {
                return Err(Error::invalid(
                    "churn_observed_on",
                    "empty",
                    "required when churned is given",
                ));
            }
            (None, Some(d)) => {
                return Err(Error::invalid(
                    "churned",
                    "empty",
                    format!("required when churn_observed_on is given ({d})"),
                ));
            }
        };
        let record = ClientRecord {
            id: self.id,
            branch: self.branch.filter(|b| !b.is_empty()),
            age: self.age,
            tenure_months: self.tenure_months,
            aum: self.aum,
            aum_history: split("aum_history", &self.aum_history)?,
            holdings: Holdings {
                deposits: self.deposits,
                wealth_products: self.wealth_products,
                funds: self.funds,
                insurance: self.insurance,
                fixed_income: self.fixed_income,
                alternatives: self.alternatives,
            },
            monthly_transactions: split("monthly_transactions", &self.monthly_transactions)?,
            transfers_out_90d: self.transfers_out_90d,
            transfer_out_amount_90d: self.transfer_out_amount_90d,
            days_since_last_activity: self.days_since_last_activity,
            advisor_contacts_180d: self.advisor_contacts_180d,
            complaints_12m: self.complaints_12m,
            return_vs_benchmark_12m: self.return_vs_benchmark_12m,
            fee_rate: self.fee_rate,
            risk_tolerance: self.risk_tolerance,
            digital_share: self.digital_share,
            dedicated_advisor: self.dedicated_advisor,
            survey: survey.any().then_some(survey),
            churn,
        };
        record.validate()?;
        Ok(record)
    }
}

/// Writes records as CSV with a header row.
///
/// ```
/// let mut out = Vec::new();
/// wealthscore::client::write_csv(&mut out, &[wealthscore::ClientRecord::example()])?;
/// assert!(String::from_utf8(out).unwrap().starts_with("id,branch,age"));
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn write_csv<W: std::io::Write>(writer: W, records: &[ClientRecord]) -> Result<()> {
    let mut w = csv::Writer::from_writer(writer);
    for r in records {
        w.serialize(CsvRow::from(r))?;
    }
    w.flush()?;
    Ok(())
}

/// Columns every CSV must have; the others (`branch`, the survey answers and the churn
/// label) may be absent or empty.
pub const REQUIRED_CSV_COLUMNS: [&str; 22] = [
    "id",
    "age",
    "tenure_months",
    "aum",
    "aum_history",
    "deposits",
    "wealth_products",
    "funds",
    "insurance",
    "fixed_income",
    "alternatives",
    "monthly_transactions",
    "transfers_out_90d",
    "transfer_out_amount_90d",
    "days_since_last_activity",
    "advisor_contacts_180d",
    "complaints_12m",
    "return_vs_benchmark_12m",
    "fee_rate",
    "risk_tolerance",
    "digital_share",
    "dedicated_advisor",
];

/// Columns a CSV may have in addition to [`REQUIRED_CSV_COLUMNS`].
pub const OPTIONAL_CSV_COLUMNS: [&str; 8] = [
    "branch",
    "survey_service_quality",
    "survey_product",
    "survey_experience",
    "survey_competence",
    "survey_risk_control",
    "churned",
    "churn_observed_on",
];

/// Checks the header once: a missing or renamed required column, or a column of no
/// known name, is one error for the whole file naming the column.
fn check_header(headers: &csv::StringRecord) -> Result<()> {
    let known = |h: &str| REQUIRED_CSV_COLUMNS.contains(&h) || OPTIONAL_CSV_COLUMNS.contains(&h);
    let unknown: Vec<&str> = headers.iter().filter(|h| !known(h)).collect();
    let hint = if unknown.is_empty() {
        String::new()
    } else {
        format!(
            " (the header has unknown column{} {}; names are case-sensitive)",
            if unknown.len() > 1 { "s" } else { "" },
            unknown
                .iter()
                .map(|u| format!("`{u}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    if let Some(missing) = REQUIRED_CSV_COLUMNS
        .iter()
        .find(|c| !headers.iter().any(|h| h == **c))
    {
        return Err(Error::parse(
            "CSV header (line 1)",
            format!("missing required column `{missing}`{hint}"),
        ));
    }
    if let Some(u) = unknown.first() {
        return Err(Error::parse(
            "CSV header (line 1)",
            format!("unknown column `{u}`{hint}"),
        ));
    }
    Ok(())
}

/// Reads CSV written by [`write_csv`] (or by a bank's export in the same layout).
///
/// Returns one result per data row, so one bad row never loses the rest: a row that
/// does not parse or fails [`ClientRecord::validate`] yields an error naming its physical
/// line in the file (the header is line 1; `\n` and `\r\n` endings alike). The whole
/// read fails, with one error, when the header lacks a column of
/// [`REQUIRED_CSV_COLUMNS`] or has a column of no known name, and when a quoted field
/// does not close on its line: no field of this layout spans lines, so that is an
/// unterminated quote, and reading on would merge the following rows into one.
///
/// ```
/// let text = "id,branch,age\nC1,,40\n";
/// // A header without the required columns is one error naming the first missing one.
/// let e = wealthscore::client::read_csv(text.as_bytes()).unwrap_err();
/// assert!(e.to_string().contains("missing required column `tenure_months`"));
/// ```
pub fn read_csv<R: std::io::Read>(reader: R) -> Result<Vec<Result<ClientRecord>>> {
    let (counting, newlines) = crate::csvlines::LineCounter::new(reader);
    // Flexible, so that a row of the wrong length is checked here, after the
    // unterminated-quote check below has seen its fields.
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(counting);
    let headers = r.headers()?.clone();
    check_header(&headers)?;
    let mut out = Vec::new();
    let mut row = csv::StringRecord::new();
    loop {
        let start = r.position().byte();
        match r.read_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {
                let offset = row.position().map_or(start, |p| p.byte());
                let line = newlines.borrow_mut().line_of(offset);
                if let Some(col) = row.iter().position(|f| f.contains(['\n', '\r'])) {
                    let name = headers.get(col).unwrap_or("?");
                    return Err(Error::parse(
                        format!("CSV line {line}"),
                        format!(
                            "the quoted field in column `{name}` is not closed on this line \
                             (an unterminated quote?); no field of this layout spans lines, \
                             so the file is not read further"
                        ),
                    ));
                }
                if row.len() != headers.len() {
                    out.push(Err(Error::parse(
                        format!("CSV line {line}"),
                        format!(
                            "{} fields where the header has {}",
                            row.len(),
                            headers.len()
                        ),
                    )));
                    continue;
                }
                let rec = row
                    .deserialize::<CsvRow>(Some(&headers))
                    .map_err(|e| Error::parse(format!("CSV line {line}"), csv_message(&e)))
                    .and_then(|row| {
                        row.into_record()
                            .map_err(|e| e.within(|f| format!("line {line}: {f}")))
                    });
                out.push(rec);
            }
            Err(e) => {
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return Err(Error::from(e));
                }
                let offset = e.position().map_or(start, |p| p.byte());
                let line = newlines.borrow_mut().line_of(offset);
                out.push(Err(Error::parse(
                    format!("CSV line {line}"),
                    csv_message(&e),
                )));
            }
        }
    }
    Ok(out)
}

/// csv's message without its own position (which counts records, not lines).
fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } => match err.field() {
            Some(i) => format!("field {}: {}", i + 1, err.kind()),
            None => err.kind().to_string(),
        },
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { err, .. } => format!("field {} is not UTF-8", err.field() + 1),
        _ => e.to_string(),
    }
}

/// [`read_csv`] from a file; I/O errors name the path.
pub fn read_csv_file(path: impl AsRef<std::path::Path>) -> Result<Vec<Result<ClientRecord>>> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|e| Error::io(path.display(), e))?;
    read_csv(std::io::BufReader::new(file)).map_err(|e| e.at(&path.display().to_string()))
}

/// Reads a JSON array of records, one result per element (a malformed array is an
/// error for the whole input; a well-formed element that fails validation is not).
/// The array is streamed: memory holds the records and one element at a time, not the
/// whole document as a tree. Records are read strictly (see [`crate::json`]).
///
/// ```
/// let json = serde_json::to_string(&[wealthscore::ClientRecord::example()]).unwrap();
/// let rows = wealthscore::client::read_json(json.as_bytes())?;
/// assert!(rows[0].is_ok());
/// # Ok::<(), wealthscore::Error>(())
/// ```
pub fn read_json<R: std::io::Read>(reader: R) -> Result<Vec<Result<ClientRecord>>> {
    use serde::Deserializer as _;
    use serde::de::{SeqAccess, Visitor};

    struct Elements;
    impl<'de> Visitor<'de> for Elements {
        type Value = Vec<Result<ClientRecord>>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON array of client records")
        }
        fn visit_seq<A: SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            // One element at a time as a tree, so that a bad element is its own error.
            while let Some(v) = seq.next_element::<serde_json::Value>()? {
                let i = out.len();
                out.push(
                    ClientRecord::deserialize(crate::json::StrictDe(v))
                        .map_err(|e| Error::Parse {
                            context: format!("JSON element {i}"),
                            message: e.to_string(),
                            source: Some(crate::error::ErrorSource::new(e)),
                        })
                        .and_then(|rec| rec.validate().map(|()| rec)),
                );
            }
            Ok(out)
        }
    }

    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(reader));
    let out = de.deserialize_seq(Elements)?;
    de.end()?;
    Ok(out)
}

/// [`read_json`] from a file; I/O errors name the path.
pub fn read_json_file(path: impl AsRef<std::path::Path>) -> Result<Vec<Result<ClientRecord>>> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|e| Error::io(path.display(), e))?;
    read_json(file).map_err(|e| e.at(&path.display().to_string()))
}

/// Why clients leave: the causes named by the domain, used by reason codes, retention
/// actions and the synthetic generator's ground truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum ChurnCause {
    /// Poor service: slow, impersonal, complaints, low satisfaction.
    Service,
    /// Homogeneous or ill-fitting products.
    Product,
    /// Weak relationship upkeep: no contact, falling activity, long silence.
    Relationship,
    /// Market and regulatory shocks.
    Market,
    /// Poor investment performance against the benchmark.
    Performance,
    /// Loss of trust.
    Trust,
    /// Fees and rates.
    Fees,
    /// Life events: retirement, relocation, inheritance.
    LifeEvent,
    /// Competitors' offers: money moving out to another institution.
    Competitor,
}

impl ChurnCause {
    /// All causes.
    pub const ALL: [ChurnCause; 9] = [
        ChurnCause::Service,
        ChurnCause::Product,
        ChurnCause::Relationship,
        ChurnCause::Market,
        ChurnCause::Performance,
        ChurnCause::Trust,
        ChurnCause::Fees,
        ChurnCause::LifeEvent,
        ChurnCause::Competitor,
    ];

    /// A short lowercase name, the same as its serde form.
    pub fn name(self) -> &'static str {
        match self {
            ChurnCause::Service => "service",
            ChurnCause::Product => "product",
            ChurnCause::Relationship => "relationship",
            ChurnCause::Market => "market",
            ChurnCause::Performance => "performance",
            ChurnCause::Trust => "trust",
            ChurnCause::Fees => "fees",
            ChurnCause::LifeEvent => "life_event",
            ChurnCause::Competitor => "competitor",
        }
    }
}
