//! Random consistency indices (RI) and the acceptance rule for the consistency ratio.

use crate::error::{Error, Result, check};
use serde::{Deserialize, Serialize};

/// Saaty (1980), *The Analytic Hierarchy Process*, McGraw-Hill, the RI table for n = 1…15
/// as printed there (including its non-monotone 1.48 at n = 12). This is the table the
/// Chinese-language AHP literature cites.
const SAATY_1980: [f64; 15] = [
    0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
];

/// Saaty (2005), *Theory and Applications of the Analytic Network Process*, RWS, p. 31,
/// n = 1…15.
const SAATY_2005: [f64; 15] = [
    0.0, 0.0, 0.52, 0.89, 1.11, 1.25, 1.35, 1.40, 1.45, 1.49, 1.52, 1.54, 1.56, 1.58, 1.59,
];

/// Alonso & Lamata (2006), "Consistency in the analytic hierarchy process: a new approach",
/// IJUFKS 14(4) 445–459, from 100,000 random matrices per size, n = 1…15.
const ALONSO_LAMATA: [f64; 15] = [
    0.0, 0.0, 0.5245, 0.8815, 1.1086, 1.2479, 1.3417, 1.4056, 1.4499, 1.4854, 1.5141, 1.5365,
    1.5551, 1.5713, 1.5838,
];

/// Alonso & Lamata's linear fit of the mean λmax of random matrices,
/// `λ̄max(n) = 2.7699·n − 4.3513`, which gives `RI(n) = (1.7699·n − 4.3513)/(n − 1)`.
const AL_SLOPE: f64 = 2.7699;
const AL_INTERCEPT: f64 = 4.3513;

/// Donegan & Dodd (1991), "A note on Saaty's random indexes", Mathematical and Computer
/// Modelling 15(10) 135–137, as tabulated (n, RI) up to n = 100; sizes between entries
/// are interpolated linearly. The table's n = 90 value (1.6213) is kept as published.
const DONEGAN_DODD: [(usize, f64); 29] = [
    (1, 0.0),
    (2, 0.0),
    (3, 0.4914),
    (4, 0.8286),
    (5, 1.0591),
    (6, 1.1797),
    (7, 1.2519),
    (8, 1.3171),
    (9, 1.3733),
    (10, 1.4055),
    (11, 1.4213),
    (12, 1.4497),
    (13, 1.4643),
    (14, 1.4822),
    (15, 1.4969),
    (16, 1.5078),
    (17, 1.5153),
    (18, 1.5262),
    (19, 1.5313),
    (20, 1.5371),
    (25, 1.5619),
    (30, 1.5772),
    (40, 1.5976),
    (50, 1.6102),
    (60, 1.6178),
    (70, 1.6237),
    (80, 1.6277),
    (90, 1.6213),
    (100, 1.6339),
];

/// Which published table of random consistency indices divides CI into CR.
///
/// ```
/// use wealthscore::ahp::RandomIndex;
/// assert_eq!(RandomIndex::Saaty1980.value(9)?, 1.45);
/// assert_eq!(RandomIndex::AlonsoLamata.value(3)?, 0.5245);
/// assert_eq!(RandomIndex::DoneganDodd.value(2)?, 0.0);
/// // Past n = 15 Alonso–Lamata use their regression.
/// assert!((RandomIndex::AlonsoLamata.value(20)? - (1.7699 * 20.0 - 4.3513) / 19.0).abs() < 1e-12);
/// assert!(RandomIndex::Saaty1980.value(16).is_err());
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum RandomIndex {
    /// Saaty 1980 (default), n ≤ 15.
    #[default]
    Saaty1980,
    /// Saaty 2005, n ≤ 15.
    Saaty2005,
    /// Alonso–Lamata 2006: their table for n ≤ 15, their regression beyond.
    AlonsoLamata,
    /// Donegan–Dodd 1991, n ≤ 100 (linear interpolation between tabulated sizes).
    DoneganDodd,
}

impl RandomIndex {
    /// All tables.
    pub const ALL: [RandomIndex; 4] = [
        RandomIndex::Saaty1980,
        RandomIndex::Saaty2005,
        RandomIndex::AlonsoLamata,
        RandomIndex::DoneganDodd,
    ];

    /// Largest matrix size the table covers (`usize::MAX` for Alonso–Lamata).
    pub fn max_n(self) -> usize {
        match self {
            RandomIndex::Saaty1980 | RandomIndex::Saaty2005 => 15,
            RandomIndex::AlonsoLamata => usize::MAX,
            RandomIndex::DoneganDodd => 100,
        }
    }

    /// A short citation, for reports.
    pub fn citation(self) -> &'static str {
        match self {
            RandomIndex::Saaty1980 => "Saaty (1980)",
            RandomIndex::Saaty2005 => "Saaty (2005)",
            RandomIndex::AlonsoLamata => "Alonso & Lamata (2006)",
            RandomIndex::DoneganDodd => "Donegan & Dodd (1991)",
        }
    }

    /// The random index for an `n × n` matrix; 0 for n ≤ 2.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for n = 0 or n beyond what the table covers.
    pub fn value(self, n: usize) -> Result<f64> {
        if n == 0 {
            return Err(Error::invalid("n", n, "matrix size must be at least 1"));
        }
        if n <= 2 {
            return Ok(0.0);
        }
        if n > self.max_n() {
            return Err(Error::invalid(
                "n",
                n,
                format!(
                    "the {} random index table covers n <= {}; choose RandomIndex::AlonsoLamata",
                    self.citation(),
                    self.max_n()
                ),
            ));
        }
        Ok(match self {
            RandomIndex::Saaty1980 => SAATY_1980[n - 1],
            RandomIndex::Saaty2005 => SAATY_2005[n - 1],
            RandomIndex::AlonsoLamata => {
                if n <= ALONSO_LAMATA.len() {
                    ALONSO_LAMATA[n - 1]
                } else {
                    let nf = n as f64;
                    (AL_SLOPE * nf - AL_INTERCEPT - nf) / (nf - 1.0)
                }
            }
            RandomIndex::DoneganDodd => donegan_dodd(n),
        })
    }
}

fn donegan_dodd(n: usize) -> f64 {
    let mut prev = DONEGAN_DODD[0];
    for &(k, ri) in DONEGAN_DODD.iter() {
        if k == n {
            return ri;
        }
        if k > n {
            let (k0, r0) = prev;
            return r0 + (ri - r0) * (n - k0) as f64 / (k - k0) as f64;
        }
        prev = (k, ri);
    }
    prev.1
}

/// When a consistency ratio is acceptable, and against which random index.
///
/// Defaults: [`RandomIndex::Saaty1980`], threshold 0.10, Saaty's stricter thresholds for
/// small matrices off. With `saaty_small_n` on, n = 3 must reach CR ≤ 0.05 and n = 4
/// CR ≤ 0.08 (Saaty 1994, *Fundamentals of Decision Making*), larger n the `threshold`.
///
/// ```
/// use wealthscore::ahp::{ConsistencyConfig, RandomIndex};
/// let strict = ConsistencyConfig::default().with_saaty_small_n(true);
/// strict.validate()?;
/// assert_eq!(strict.threshold_for(3), 0.05);
/// assert_eq!(strict.threshold_for(4), 0.08);
/// assert_eq!(strict.threshold_for(5), 0.10);
/// # Ok::<(), wealthscore::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "crate::json::Strict<ConsistencyConfigRaw>")]
#[non_exhaustive]
pub struct ConsistencyConfig {
    /// Table used for CR = CI / RI.
    pub random_index: RandomIndex,
    /// Largest acceptable CR (default 0.10), in (0, 1].
    pub threshold: f64,
    /// Use 0.05 for n = 3 and 0.08 for n = 4 instead of `threshold`.
    pub saaty_small_n: bool,
}

crate::json::strict_try_from!(ConsistencyConfig, ConsistencyConfigRaw);

/// Builder-style setters: the type is `#[non_exhaustive]`, so callers outside the crate
/// start from a constructor or [`Default`] and set what they need.
impl ConsistencyConfig {
    setters! {
        with_threshold => threshold: f64,
        with_saaty_small_n => saaty_small_n: bool,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsistencyConfigRaw {
    #[serde(default)]
    random_index: RandomIndex,
    #[serde(default = "default_threshold")]
    threshold: f64,
    #[serde(default)]
    saaty_small_n: bool,
}

fn default_threshold() -> f64 {
    0.10
}

impl TryFrom<ConsistencyConfigRaw> for ConsistencyConfig {
    type Error = Error;
    fn try_from(r: ConsistencyConfigRaw) -> Result<Self> {
        let c = ConsistencyConfig {
            random_index: r.random_index,
            threshold: r.threshold,
            saaty_small_n: r.saaty_small_n,
        };
        c.validate()?;
        Ok(c)
    }
}

impl Default for ConsistencyConfig {
    fn default() -> Self {
        ConsistencyConfig {
            random_index: RandomIndex::Saaty1980,
            threshold: default_threshold(),
            saaty_small_n: false,
        }
    }
}

impl ConsistencyConfig {
    /// The default rule with another random index table.
    pub fn with_random_index(random_index: RandomIndex) -> Self {
        ConsistencyConfig {
            random_index,
            ..Self::default()
        }
    }

    /// Checks the threshold lies in (0, 1].
    ///
    /// # Errors
    /// [`Error::NonFinite`] or [`Error::InvalidInput`] naming `threshold`.
    pub fn validate(&self) -> Result<()> {
        check::finite("threshold", self.threshold)?;
        if self.threshold <= 0.0 || self.threshold > 1.0 {
            return Err(Error::invalid(
                "threshold",
                self.threshold,
                "must lie in (0, 1]",
            ));
        }
        Ok(())
    }

    /// The CR threshold that applies to an `n × n` matrix.
    pub fn threshold_for(&self, n: usize) -> f64 {
        match (self.saaty_small_n, n) {
            (true, 3) => 0.05,
            (true, 4) => 0.08,
            _ => self.threshold,
        }
    }
}
