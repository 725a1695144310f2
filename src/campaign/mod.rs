//! Did the retention action work? Campaign logs with a control group, the measured effect
//! of each action per tier, uplift models that find the clients an action changes, and the
//! way back into the action catalogue.
//!
//! - [`log`]: the campaign log (action offered or none, treatment or control, date,
//!   outcome at a stated horizon, tier, AUM, features), read from CSV by header names.
//! - [`effect`]: retention treated vs control per action and tier, Newcombe's interval for
//!   the difference, Katz's for the relative cut, number needed to treat, value saved net
//!   of cost, and a verdict that says when groups are too small to tell.
//! - [`uplift`]: T-learner and class-transformation uplift models on the crate's
//!   classifiers; uplift at top k, Qini and uplift curves and their normalised areas,
//!   equal to scikit-uplift's.
//! - Feeding back: [`EffectTable::update_catalogue`] puts measured effects in place of the
//!   catalogue's assumptions; [`crate::retention::ActionCatalogue::describe`] says which
//!   effects are measured and which assumed.
//!
//! ```
//! use wealthscore::campaign::{EffectConfig, EffectTable};
//! use wealthscore::retention::{ActionCatalogue, ActionKind};
//! use wealthscore::synth::campaign::{simulate, CampaignConfig};
//!
//! let sim = simulate(&CampaignConfig::default().with_clients(10_000).with_seed(5))?;
//! let catalogue = ActionCatalogue::default();
//! let table = EffectTable::estimate(&sim.log, &catalogue, &EffectConfig::new(10_000.0)?)?;
//! let row = table.get(ActionKind::ServiceRemediation, None).unwrap();
//! println!("{:+.3} ({:+.3} to {:+.3}), {}", row.difference.estimate,
//!          row.difference.low, row.difference.high, row.verdict.phrase());
//! let next = table.update_catalogue(catalogue, "simulated spring campaign")?;
//! println!("{}", next.describe());
//! # Ok::<(), wealthscore::Error>(())
//! ```

pub mod effect;
pub mod log;
pub mod uplift;

pub use effect::{
    ActionEffect, ArmSummary, EffectConfig, EffectTable, Interval, Verdict, newcombe_interval,
    risk_ratio_interval, wilson_interval,
};
pub use log::{Arm, CampaignColumns, CampaignLog, CampaignRead, CampaignRecord, Outcome, read_csv};
