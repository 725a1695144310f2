//! Churn models: who is likely to leave, and when.
//!
//! [`lifetime`] holds the probabilistic customer-base models that need no churn labels
//! (BG/NBD, Gamma-Gamma, shifted-beta-geometric).
pub mod lifetime;
