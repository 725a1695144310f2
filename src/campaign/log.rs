//! The campaign log: per client, the action offered (or none), treatment or control, the
//! date, the outcome at the stated horizon, and optionally tier, AUM and model features.
//!
//! [`CampaignColumns`] names the column of each campaign role (treatment arm, action,
//! outcome, date, tier, AUM, features). [`CampaignLog::from_table`] takes them from a
//! [`Table`] read through the bank's own [`crate::schema::Schema`]; [`read_csv`] reads a
//! CSV by header name without a schema: any column order, extra columns ignored, a missing
//! required column is one error for the file, and a bad cell rejects its row only, with
//! the physical line of the file in the error.
//!
//! ```
//! use wealthscore::campaign::{read_csv, CampaignColumns, Arm};
//!
//! let text = "client_id,arm,action,date,outcome,tier\n\
//!             C1,treatment,service_remediation,2026-05-04,stayed,mass\n\
//!             C2,control,service_remediation,2026-05-04,churned,mass\n\
//!             C3,control,,2026-05-05,maybe,mass\n";
//! let read = read_csv(text.as_bytes(), &CampaignColumns::default())?;
//! assert_eq!(read.log.records().len(), 2);
//! assert_eq!(read.log.records()[0].arm, Arm::Treatment);
//! assert!(read.rejected[0].to_string().contains("line 4"));
//! # Ok::<(), wealthscore::Error>(())
//! ```

use crate::client::parse_iso_date;
use crate::error::{Error, Result, check};
use crate::retention::ActionKind;
use crate::schema::{Column, Table};
use crate::segment::AssetTier;
use ndarray::Array2;
use serde::de::IntoDeserializer;
use serde::{Deserialize, Serialize};

/// Which arm of the campaign a client was in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
#[non_exhaustive]
pub enum Arm {
    /// Offered the action.
    Treatment,
    /// Held out on purpose (not contacted), to measure what would have happened anyway.
    Control,
}

/// What happened to a client by the end of the horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// Still a client at the horizon.
    Stayed,
    /// Left (closed the relationship or moved the assets out) within the horizon.
    Churned,
}

/// One client's line of a campaign log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CampaignRecord {
    /// The client's id.
    pub client_id: String,
    /// The action offered to a treated client, or the action a control client was held
    /// out from; `None` for a control client of a hold-out shared by every action.
    pub action: Option<ActionKind>,
    /// Treatment or control.
    pub arm: Arm,
    /// Date of the offer (or of the hold-out decision), `YYYY-MM-DD`.
    pub date: String,
    /// Outcome at the horizon.
    pub outcome: Outcome,
    /// Asset tier, when known.
    pub tier: Option<AssetTier>,
    /// AUM when the campaign started and at the horizon, when the log has them.
    pub aum: Option<(f64, f64)>,
    /// Feature values for uplift models, in the order of [`CampaignLog::feature_names`].
    pub features: Vec<f64>,
}

impl CampaignRecord {
    /// A record without tier, AUM or features; checks the date and that a treated
    /// client names the action offered.
    ///
    /// ```
    /// use wealthscore::campaign::{CampaignRecord, Arm, Outcome};
    /// use wealthscore::retention::ActionKind;
    /// let r = CampaignRecord::new("C1", Some(ActionKind::RegularContact), Arm::Treatment,
    ///                             "2026-05-04", Outcome::Stayed)?;
    /// assert!(r.stayed());
    /// assert!(CampaignRecord::new("C2", None, Arm::Treatment, "2026-05-04", Outcome::Stayed).is_err());
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn new(
        client_id: impl Into<String>,
        action: Option<ActionKind>,
        arm: Arm,
        date: impl Into<String>,
        outcome: Outcome,
    ) -> Result<Self> {
        let r = CampaignRecord {
            client_id: client_id.into(),
            action,
            arm,
            date: date.into(),
            outcome,
            tier: None,
            aum: None,
            features: Vec::new(),
        };
        r.validate()?;
        Ok(r)
    }

    /// The same record with a tier.
    pub fn with_tier(mut self, tier: AssetTier) -> Self {
        self.tier = Some(tier);
        self
    }

    /// The same record with AUM at the start and at the horizon (checked: finite, ≥ 0).
    ///
    /// ```
    /// # use wealthscore::campaign::{CampaignRecord, Arm, Outcome};
    /// let r = CampaignRecord::new("C1", None, Arm::Control, "2026-05-04", Outcome::Stayed)?;
    /// assert!(r.with_aum(100.0, f64::NAN).is_err());
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn with_aum(mut self, before: f64, after: f64) -> Result<Self> {
        check::non_negative("aum_before", before)?;
        check::non_negative("aum_after", after)?;
        self.aum = Some((before, after));
        Ok(self)
    }

    /// The same record with feature values (checked finite).
    pub fn with_features(mut self, features: Vec<f64>) -> Result<Self> {
        check::all_finite("features", &features)?;
        self.features = features;
        Ok(self)
    }

    /// Whether the client stayed.
    pub fn stayed(&self) -> bool {
        self.outcome == Outcome::Stayed
    }

    /// Checks the record: non-empty id, a calendar date, an action for treated clients,
    /// finite non-negative AUM and finite features.
    pub fn validate(&self) -> Result<()> {
        if self.client_id.trim().is_empty() {
            return Err(Error::invalid("client_id", "", "must not be empty"));
        }
        parse_iso_date(&self.date)
            .map_err(|_| Error::invalid("date", &self.date, "must be a date YYYY-MM-DD"))?;
        if self.arm == Arm::Treatment && self.action.is_none() {
            return Err(Error::invalid(
                "action",
                "none",
                "a treated client must name the action offered",
            ));
        }
        if let Some((before, after)) = self.aum {
            check::non_negative("aum_before", before)?;
            check::non_negative("aum_after", after)?;
        }
        check::all_finite("features", &self.features)
    }
}

/// A validated campaign log: records, the horizon at which outcomes were read, and the
/// names of the feature columns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignLog {
    horizon_days: u32,
    feature_names: Vec<String>,
    records: Vec<CampaignRecord>,
}

impl<'de> Deserialize<'de> for CampaignLog {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            horizon_days: u32,
            feature_names: Vec<String>,
            records: Vec<CampaignRecord>,
        }
        let raw = Raw::deserialize(d)?;
        CampaignLog::new(raw.horizon_days, raw.feature_names, raw.records)
            .map_err(serde::de::Error::custom)
    }
}

impl CampaignLog {
    /// Builds a log after checking every record; the error names the record
    /// (`records[3].date`). Every record must hold one value per feature name.
    ///
    /// ```
    /// use wealthscore::campaign::{CampaignLog, CampaignRecord, Arm, Outcome};
    /// let r = CampaignRecord::new("C1", None, Arm::Control, "2026-05-04", Outcome::Stayed)?;
    /// let log = CampaignLog::new(180, vec![], vec![r.clone()])?;
    /// assert_eq!(log.horizon_days(), 180);
    /// assert!(CampaignLog::new(180, vec!["age".into()], vec![r]).is_err()); // no feature value
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn new(
        horizon_days: u32,
        feature_names: Vec<String>,
        records: Vec<CampaignRecord>,
    ) -> Result<Self> {
        if horizon_days == 0 {
            return Err(Error::config("horizon_days", "must be at least 1 day"));
        }
        for (i, r) in records.iter().enumerate() {
            r.validate()
                .map_err(|e| e.within(|f| format!("records[{i}].{f}")))?;
            if r.features.len() != feature_names.len() {
                return Err(Error::dims(
                    format!("records[{i}].features vs feature_names"),
                    feature_names.len(),
                    r.features.len(),
                ));
            }
        }
        Ok(CampaignLog {
            horizon_days,
            feature_names,
            records,
        })
    }

    /// Days after the offer at which outcomes were read.
    pub fn horizon_days(&self) -> u32 {
        self.horizon_days
    }

    /// Names of the feature columns.
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// The records.
    pub fn records(&self) -> &[CampaignRecord] {
        &self.records
    }

    /// The records that measure `action`: its treated clients and its controls. Controls
    /// are those held out from `action` itself; when there are none, the hold-out shared
    /// by every action (control records without an action). The flag says which.
    pub fn arms_of(&self, action: ActionKind) -> (Vec<&CampaignRecord>, bool) {
        let own = self
            .records
            .iter()
            .any(|r| r.arm == Arm::Control && r.action == Some(action));
        let rows = self
            .records
            .iter()
            .filter(|r| match r.arm {
                Arm::Treatment => r.action == Some(action),
                Arm::Control => r.action == if own { Some(action) } else { None },
            })
            .collect();
        (rows, !own)
    }

    /// Features, outcomes and arms of the records that measure `action` (see
    /// [`CampaignLog::arms_of`]), as uplift models take them: an `n × p` matrix, whether
    /// each client stayed, and whether each was treated.
    ///
    /// ```
    /// use wealthscore::campaign::{CampaignLog, CampaignRecord, Arm, Outcome};
    /// use wealthscore::retention::ActionKind::RegularContact;
    /// let t = CampaignRecord::new("C1", Some(RegularContact), Arm::Treatment, "2026-05-04", Outcome::Stayed)?
    ///     .with_features(vec![1.0])?;
    /// let c = CampaignRecord::new("C2", None, Arm::Control, "2026-05-04", Outcome::Churned)?
    ///     .with_features(vec![2.0])?;
    /// let log = CampaignLog::new(180, vec!["x".into()], vec![t, c])?;
    /// let (x, stayed, treated) = log.training_data(RegularContact)?;
    /// assert_eq!((x.nrows(), stayed, treated), (2, vec![true, false], vec![true, false]));
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn training_data(&self, action: ActionKind) -> Result<(Array2<f64>, Vec<bool>, Vec<bool>)> {
        let (rows, _) = self.arms_of(action);
        if rows.is_empty() {
            return Err(Error::Empty {
                what: format!("campaign records for {action:?}"),
            });
        }
        let p = self.feature_names.len();
        let mut x = Array2::zeros((rows.len(), p));
        for (mut xr, r) in x.rows_mut().into_iter().zip(&rows) {
            xr.iter_mut().zip(&r.features).for_each(|(d, v)| *d = *v);
        }
        let stayed = rows.iter().map(|r| r.stayed()).collect();
        let treated = rows.iter().map(|r| r.arm == Arm::Treatment).collect();
        Ok((x, stayed, treated))
    }
}

/// Which header holds each part of a campaign log, and the horizon the outcomes refer to.
/// Plain serde data (unknown fields rejected); defaults on each field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct CampaignColumns {
    /// Client id column (default `client_id`).
    pub client_id: String,
    /// Action column (default `action`): an action name in snake case
    /// (`service_remediation`), or empty / `none` for a shared hold-out.
    pub action: String,
    /// Arm column (default `arm`): `treatment` / `treated` / `1` or `control` / `holdout` / `0`.
    pub arm: String,
    /// Date column (default `date`), `YYYY-MM-DD`.
    pub date: String,
    /// Outcome column (default `outcome`): `stayed` / `retained` / `0` or `churned` / `1`.
    pub outcome: String,
    /// Tier column, `mass` / `mid_net_worth` / `high_net_worth` (default `tier`; `None`
    /// when the log has no tier).
    pub tier: Option<String>,
    /// AUM at the start and at the horizon (default `None`: no AUM columns).
    pub aum: Option<(String, String)>,
    /// Feature columns for uplift models, numbers (default none).
    pub features: Vec<String>,
    /// Days after the offer at which the outcome was read (default 180).
    pub horizon_days: u32,
}

impl Default for CampaignColumns {
    fn default() -> Self {
        CampaignColumns {
            client_id: "client_id".into(),
            action: "action".into(),
            arm: "arm".into(),
            date: "date".into(),
            outcome: "outcome".into(),
            tier: Some("tier".into()),
            aum: None,
            features: Vec::new(),
            horizon_days: 180,
        }
    }
}

impl CampaignColumns {
    /// The same layout with the columns of the five required roles renamed: client id,
    /// action, treatment arm, date and outcome.
    ///
    /// ```
    /// use wealthscore::campaign::CampaignColumns;
    /// let c = CampaignColumns::default().with_roles("id", "offer", "treated", "offered_on", "churned")
    ///     .with_tier(None::<String>);
    /// assert_eq!((c.arm.as_str(), c.tier), ("treated", None));
    /// ```
    pub fn with_roles(
        mut self,
        client_id: impl Into<String>,
        action: impl Into<String>,
        arm: impl Into<String>,
        date: impl Into<String>,
        outcome: impl Into<String>,
    ) -> Self {
        self.client_id = client_id.into();
        self.action = action.into();
        self.arm = arm.into();
        self.date = date.into();
        self.outcome = outcome.into();
        self
    }

    /// The same layout with another tier column, or none.
    pub fn with_tier<S: Into<String>>(mut self, tier: Option<S>) -> Self {
        self.tier = tier.map(Into::into);
        self
    }

    /// The same layout with feature columns.
    pub fn with_features<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.features = names.into_iter().map(Into::into).collect();
        self
    }

    /// The same layout with AUM columns (at the start, at the horizon).
    pub fn with_aum(mut self, before: impl Into<String>, after: impl Into<String>) -> Self {
        self.aum = Some((before.into(), after.into()));
        self
    }

    /// The same layout with another horizon.
    pub fn with_horizon_days(mut self, days: u32) -> Self {
        self.horizon_days = days;
        self
    }

    /// Checks the layout: a horizon of at least a day, non-empty and distinct names.
    pub fn validate(&self) -> Result<()> {
        if self.horizon_days == 0 {
            return Err(Error::config("horizon_days", "must be at least 1 day"));
        }
        let names = self.columns();
        for (i, (role, name)) in names.iter().enumerate() {
            if name.trim().is_empty() {
                return Err(Error::config(*role, "the column name must not be empty"));
            }
            if let Some((other, _)) = names[..i].iter().find(|(_, n)| n == name) {
                return Err(Error::config(
                    *role,
                    format!("column `{name}` is also the {other} column"),
                ));
            }
        }
        Ok(())
    }

    /// (role, header) for every column the layout names.
    fn columns(&self) -> Vec<(&'static str, &str)> {
        let mut v = vec![
            ("client_id", self.client_id.as_str()),
            ("action", self.action.as_str()),
            ("arm", self.arm.as_str()),
            ("date", self.date.as_str()),
            ("outcome", self.outcome.as_str()),
        ];
        if let Some(t) = &self.tier {
            v.push(("tier", t));
        }
        if let Some((b, a)) = &self.aum {
            v.push(("aum_before", b));
            v.push(("aum_after", a));
        }
        v.extend(self.features.iter().map(|f| ("feature", f.as_str())));
        v
    }
}

/// A log read from a file: the good rows, and one error per rejected row (naming its line).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CampaignRead {
    /// The log of the rows that parsed.
    pub log: CampaignLog,
    /// One error per rejected row, in file order.
    pub rejected: Vec<Error>,
}

/// Reads a campaign log from CSV by header names (see [`CampaignColumns`]).
///
/// A missing column is one error naming every missing column; a bad cell rejects its row
/// with an error naming the physical line of the file and the column. Cells are trimmed.
///
/// ```
/// use wealthscore::campaign::{read_csv, CampaignColumns};
/// let text = "client_id,arm,date,outcome\nC1,control,2026-05-04,stayed\n";
/// let err = read_csv(text.as_bytes(), &CampaignColumns::default()).unwrap_err();
/// assert!(err.to_string().contains("action") && err.to_string().contains("tier"));
/// ```
pub fn read_csv<R: std::io::Read>(reader: R, columns: &CampaignColumns) -> Result<CampaignRead> {
    columns.validate()?;
    let mut r = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(reader);
    let headers = r.headers()?.clone();
    // The seam to a columnar table: `Cells` maps roles to column positions once; a table
    // read through the crate's schema would fill the same positions.
    let cells = Cells::locate(&headers, columns)?;
    let mut records = Vec::new();
    let mut rejected = Vec::new();
    let mut row = csv::StringRecord::new();
    loop {
        let line = r.position().line();
        match r.read_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {
                // The record's own position is where it starts (blank lines are skipped).
                let line = row.position().map_or(line, |p| p.line());
                match cells.parse(&row) {
                    Ok(rec) => records.push(rec),
                    Err(e) => rejected.push(e.within(|f| format!("line {line}: {f}"))),
                }
            }
            Err(e) => rejected.push(Error::from(e)),
        }
    }
    let log = CampaignLog::new(columns.horizon_days, columns.features.clone(), records)?;
    Ok(CampaignRead { log, rejected })
}

/// Column positions of each role.
struct Cells {
    client_id: usize,
    action: usize,
    arm: usize,
    date: usize,
    outcome: usize,
    tier: Option<usize>,
    aum: Option<(usize, usize)>,
    features: Vec<(usize, String)>,
}

impl Cells {
    fn locate(headers: &csv::StringRecord, columns: &CampaignColumns) -> Result<Self> {
        let mut missing = Vec::new();
        let mut find = |name: &str| match headers.iter().position(|h| h == name) {
            Some(i) => i,
            None => {
                missing.push(name.to_string());
                0
            }
        };
        let cells = Cells {
            client_id: find(&columns.client_id),
            action: find(&columns.action),
            arm: find(&columns.arm),
            date: find(&columns.date),
            outcome: find(&columns.outcome),
            tier: columns.tier.as_deref().map(&mut find),
            aum: columns.aum.as_ref().map(|(b, a)| (find(b), find(a))),
            features: columns
                .features
                .iter()
                .map(|f| (find(f), f.clone()))
                .collect(),
        };
        if !missing.is_empty() {
            return Err(Error::Parse {
                context: "CSV header".into(),
                message: format!(
                    "missing column{} {} (columns found: {})",
                    if missing.len() > 1 { "s" } else { "" },
                    missing.join(", "),
                    headers.iter().collect::<Vec<_>>().join(", ")
                ),
                source: None,
            });
        }
        Ok(cells)
    }

    fn parse(&self, row: &csv::StringRecord) -> Result<CampaignRecord> {
        let text = |i: usize, name: &str| {
            row.get(i).ok_or_else(|| {
                Error::invalid(name, "", format!("the row has {} cells only", row.len()))
            })
        };
        let raw = RawRow {
            client_id: text(self.client_id, "client_id")?,
            action: text(self.action, "action")?,
            arm: text(self.arm, "arm")?,
            date: text(self.date, "date")?,
            outcome: text(self.outcome, "outcome")?,
            tier: self.tier.map(|i| text(i, "tier")).transpose()?,
        };
        let number = |i: usize, name: &str| number(text(i, name)?, name);
        let aum = match self.aum {
            Some((b, a)) => Some((number(b, "aum_before")?, number(a, "aum_after")?)),
            None => None,
        };
        let features = self
            .features
            .iter()
            .map(|(i, name)| number(*i, name))
            .collect::<Result<Vec<f64>>>()?;
        raw.into_record(aum, features)
    }
}

/// One row's cells as text, whatever they were read from.
struct RawRow<'a> {
    client_id: &'a str,
    action: &'a str,
    arm: &'a str,
    date: &'a str,
    outcome: &'a str,
    tier: Option<&'a str>,
}

impl RawRow<'_> {
    fn into_record(self, aum: Option<(f64, f64)>, features: Vec<f64>) -> Result<CampaignRecord> {
        let action = match self.action.to_ascii_lowercase().as_str() {
            "" | "none" | "-" => None,
            s => Some(named::<ActionKind>(s, "action", self.action)?),
        };
        let arm = match self.arm.to_ascii_lowercase().as_str() {
            "treatment" | "treated" | "t" | "1" | "true" | "yes" => Arm::Treatment,
            "control" | "holdout" | "hold-out" | "c" | "0" | "false" | "no" => Arm::Control,
            _ => {
                return Err(Error::invalid(
                    "arm",
                    self.arm,
                    "must be treatment (treated, 1, yes) or control (holdout, 0, no)",
                ));
            }
        };
        let outcome = match self.outcome.to_ascii_lowercase().as_str() {
            "stayed" | "retained" | "0" | "false" | "no" => Outcome::Stayed,
            "churned" | "left" | "1" | "true" | "yes" => Outcome::Churned,
            _ => {
                return Err(Error::invalid(
                    "outcome",
                    self.outcome,
                    "must be stayed (retained, 0, no) or churned (left, 1, yes)",
                ));
            }
        };
        let tier = match self.tier {
            Some(t) => Some(named::<AssetTier>(&t.to_ascii_lowercase(), "tier", t)?),
            None => None,
        };
        let rec = CampaignRecord {
            client_id: self.client_id.to_string(),
            action,
            arm,
            date: self.date.to_string(),
            outcome,
            tier,
            aum,
            features,
        };
        rec.validate()?;
        Ok(rec)
    }
}

impl CampaignLog {
    /// Builds a log from a [`Table`] read through the crate's schema
    /// ([`Table::read_csv`] with the bank's own [`crate::schema::Schema`]), taking each
    /// part from the column `columns` names for it: the roles of a campaign log are
    /// treatment (`arm`), action, outcome and date. Text, category, boolean and date
    /// columns are accepted where names are read (a boolean arm is `yes` = treated, a
    /// boolean outcome `yes` = churned, as the churn label); AUM and features must be
    /// numeric. Rows the table could not read are rejected with the table's error; rows
    /// with a missing or bad cell are rejected naming the table's line and the column.
    ///
    /// ```
    /// use wealthscore::campaign::{CampaignColumns, CampaignLog};
    /// use wealthscore::schema::{Schema, Table};
    /// let schema = Schema::from_json(r#"{"name": "spring campaign", "columns": [
    ///   {"name": "client_id", "type": "text", "role": "id"},
    ///   {"name": "action", "type": "category", "role": "info"},
    ///   {"name": "arm", "type": "boolean", "role": "info"},
    ///   {"name": "date", "type": "date", "role": "info"},
    ///   {"name": "outcome", "type": "boolean", "role": "label"},
    ///   {"name": "balance", "type": "number"}]}"#)?;
    /// let csv = "client_id,action,arm,date,outcome,balance\n\
    ///            C1,regular_contact,yes,2026-05-04,no,120.5\n\
    ///            C2,regular_contact,no,2026-05-04,yes,80\n\
    ///            C3,regular_contact,no,2026-05-40,yes,80\n";
    /// let table = Table::read_csv(csv.as_bytes(), &schema)?;
    /// let cols = CampaignColumns::default().with_tier(None::<String>).with_features(["balance"]);
    /// let read = CampaignLog::from_table(&table, &cols)?;
    /// assert_eq!(read.log.records().len(), 2);
    /// assert!(read.rejected[0].to_string().contains("line 4"));
    /// # Ok::<(), wealthscore::Error>(())
    /// ```
    pub fn from_table(table: &Table, columns: &CampaignColumns) -> Result<CampaignRead> {
        columns.validate()?;
        let roles = columns.columns();
        let missing: Vec<&str> = roles
            .iter()
            .map(|(_, name)| *name)
            .filter(|name| table.column(name).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(Error::Parse {
                context: "campaign table".into(),
                message: format!(
                    "missing column{} {} (columns found: {})",
                    if missing.len() > 1 { "s" } else { "" },
                    missing.join(", "),
                    table.names().join(", ")
                ),
                source: None,
            });
        }
        let col = |name: &str| {
            table
                .column(name)
                .ok_or_else(|| Error::Empty { what: name.into() })
        };
        let (id_c, action_c, arm_c, date_c, outcome_c) = (
            col(&columns.client_id)?,
            col(&columns.action)?,
            col(&columns.arm)?,
            col(&columns.date)?,
            col(&columns.outcome)?,
        );
        let tier_c = columns.tier.as_deref().map(col).transpose()?;
        let aum_c = match &columns.aum {
            Some((b, a)) => Some((col(b)?, col(a)?)),
            None => None,
        };
        let feature_c = columns
            .features
            .iter()
            .map(|f| Ok((f.as_str(), col(f)?)))
            .collect::<Result<Vec<_>>>()?;
        let mut records = Vec::new();
        let mut rejected = Vec::new();
        for i in 0..table.n_rows() {
            if let Some(e) = table.row_error(i) {
                rejected.push(e.clone());
                continue;
            }
            let numeric = |c: &Column, name: &str| -> Result<f64> {
                match c.number(i) {
                    Some(v) => check::finite(name, v),
                    None if c.is_valid(i) => Err(Error::invalid(
                        name,
                        c.display(i).unwrap_or_default(),
                        format!("must be a number (the column is {})", c.type_name()),
                    )),
                    None => Err(Error::invalid(name, "", "is missing")),
                }
            };
            let parsed = (|| {
                let texts = [id_c, action_c, arm_c, date_c, outcome_c].map(|c| c.display(i));
                let tier = tier_c.map(|c| c.display(i));
                let need = |v: &Option<String>, name: &str| {
                    v.clone()
                        .ok_or_else(|| Error::invalid(name, "", "is missing"))
                };
                let [id, action, arm, date, outcome] = texts;
                let (id, arm, date, outcome) = (
                    need(&id, "client_id")?,
                    need(&arm, "arm")?,
                    need(&date, "date")?,
                    need(&outcome, "outcome")?,
                );
                let tier = match &tier {
                    Some(t) => Some(need(t, "tier")?),
                    None => None,
                };
                let aum = match aum_c {
                    Some((b, a)) => Some((numeric(b, "aum_before")?, numeric(a, "aum_after")?)),
                    None => None,
                };
                let features = feature_c
                    .iter()
                    .map(|(name, c)| numeric(c, name))
                    .collect::<Result<Vec<f64>>>()?;
                RawRow {
                    client_id: &id,
                    action: action.as_deref().unwrap_or(""),
                    arm: &arm,
                    date: &date,
                    outcome: &outcome,
                    tier: tier.as_deref(),
                }
                .into_record(aum, features)
            })();
            match parsed {
                Ok(r) => records.push(r),
                Err(e) => {
                    let at = table.row_label(i);
                    rejected.push(e.within(|f| format!("{at}: {f}")));
                }
            }
        }
        let log = CampaignLog::new(columns.horizon_days, columns.features.clone(), records)?;
        Ok(CampaignRead { log, rejected })
    }
}

/// Parses a snake-case enum name through its serde form, so the accepted names are the
/// ones the crate writes.
fn named<'a, T: Deserialize<'a>>(s: &'a str, field: &str, shown: &str) -> Result<T> {
    T::deserialize(IntoDeserializer::<serde::de::value::Error>::into_deserializer(s))
        .map_err(|e| Error::invalid(field, shown, e.to_string()))
}

fn number(s: &str, field: &str) -> Result<f64> {
    let v: f64 = s
        .parse()
        .map_err(|_| Error::invalid(field, s, "must be a number"))?;
    check::finite(field, v)
}
