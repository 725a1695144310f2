//! Text for the page: HTML escaping, numbers people read, and axis ticks at nice numbers.

use std::fmt;

/// Text escaped for HTML and SVG element content and quoted attribute values.
pub(crate) struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..i])?;
            let entity = match rest.as_bytes()[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            };
            f.write_str(entity)?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)
    }
}

/// A whole number with thousands separators: `12,345`.
pub(crate) fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// An amount rounded to a whole number with thousands separators; `n/a` when not finite.
pub(crate) fn amount(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let r = x.abs().round();
    // Amounts past usize (≈ 1.8e19) are not portfolio figures; print them plainly.
    if r >= 1e18 {
        return format!("{x:.3e}");
    }
    let sign = if x < 0.0 && r > 0.0 { "-" } else { "" };
    format!("{sign}{}", count(r as usize))
}

/// Scale and suffix for compact amounts of magnitude `m`.
fn scale_of(m: f64) -> (f64, &'static str) {
    if m >= 1e9 {
        (1e9, " bn")
    } else if m >= 1e6 {
        (1e6, " M")
    } else if m >= 1e3 {
        (1e3, " k")
    } else {
        (1.0, "")
    }
}

/// An amount in three significant digits with a k / M / bn suffix: `12.3 M`.
pub(crate) fn compact(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let (s, suffix) = scale_of(x.abs());
    let v = x / s;
    let decimals: usize = if v.abs() >= 100.0 {
        0
    } else if v.abs() >= 10.0 {
        1
    } else {
        2
    };
    let f = 10f64.powi(decimals as i32);
    // A value that rounds up to 1000 of its unit reads better in the next unit.
    if s < 1e9 && (v.abs() * f).round() / f >= 1000.0 {
        return compact(x.signum() * s * 1000.0);
    }
    if s == 1.0 {
        return format!("{}", x.round());
    }
    format!("{v:.decimals$}{suffix}")
}

/// A share as a percentage: `12.3%`; `n/a` when not finite.
pub(crate) fn pct(x: f64, decimals: usize) -> String {
    if x.is_finite() {
        format!("{:.decimals$}%", 100.0 * x)
    } else {
        "n/a".into()
    }
}

/// How the values of an axis are written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Unit {
    /// Money, compact with a k / M / bn suffix shared by all ticks.
    Money,
    /// Head counts.
    Count,
    /// A share in `[0, 1]` written as a percentage.
    Percent,
    /// A plain number (lift, periods).
    Plain,
}

/// An axis range extended to nice numbers, with its ticks.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    pub ticks: Vec<f64>,
}

/// Heckbert's nice number ("Nice numbers for graph labels", Graphics Gems, 1990): 1, 2,
/// 5 or 10 times a power of ten, the nearest to `x`.
fn nice_num(x: f64) -> f64 {
    let e = x.log10().floor();
    let base = 10f64.powf(e);
    let f = x / base;
    let nf = if f < 1.5 {
        1.0
    } else if f < 3.0 {
        2.0
    } else if f < 7.0 {
        5.0
    } else {
        10.0
    };
    nf * base
}

impl Axis {
    /// The range `[lo, hi]` widened to multiples of a nice step, with about `ticks` ticks.
    /// Non-finite or empty ranges fall back to `[0, 1]`.
    pub(crate) fn nice(lo: f64, hi: f64, ticks: usize) -> Axis {
        let (mut lo, mut hi) = if lo.is_finite() && hi.is_finite() {
            (lo.min(hi), lo.max(hi))
        } else {
            (0.0, 1.0)
        };
        if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
            if hi == 0.0 {
                hi = 1.0;
            } else {
                let pad = hi.abs() * 0.1;
                lo -= pad;
                hi += pad;
            }
        }
        // The step is rounded, not the range first (as Heckbert does): a tighter axis.
        let step = nice_num((hi - lo) / (ticks.max(2) - 1) as f64);
        let first = (lo / step).floor();
        let last = (hi / step).ceil();
        let n = (last - first).round().max(1.0) as usize;
        let ticks = (0..=n).map(|k| (first + k as f64) * step).collect();
        Axis {
            lo: first * step,
            hi: last * step,
            step,
            ticks,
        }
    }

    /// Position of `v` on a pixel range `[a, b]` (b may be below a for a y axis).
    pub(crate) fn map(&self, v: f64, a: f64, b: f64) -> f64 {
        let span = self.hi - self.lo;
        if span <= 0.0 || !v.is_finite() {
            return a;
        }
        a + (v - self.lo) / span * (b - a)
    }

    /// Decimals needed to tell ticks `step / scale` apart.
    fn decimals(step: f64) -> usize {
        if step >= 1.0 || step <= 0.0 || !step.is_finite() {
            0
        } else {
            (-(step.log10() + 1e-9).floor()).clamp(0.0, 10.0) as usize
        }
    }

    /// The tick labels, written consistently for the unit.
    pub(crate) fn labels(&self, unit: Unit) -> Vec<String> {
        match unit {
            Unit::Money => {
                let m = self.lo.abs().max(self.hi.abs());
                let (s, suffix) = scale_of(m);
                let d = Self::decimals(self.step / s);
                self.ticks
                    .iter()
                    .map(|t| {
                        let v = t / s;
                        if v.abs() < 1e-12 {
                            "0".into()
                        } else {
                            format!("{v:.d$}{suffix}")
                        }
                    })
                    .collect()
            }
            Unit::Percent => {
                let d = Self::decimals(self.step * 100.0);
                self.ticks
                    .iter()
                    .map(|t| format!("{:.d$}%", 100.0 * t + 0.0))
                    .collect()
            }
            Unit::Count => self
                .ticks
                .iter()
                .map(|t| {
                    if t.fract().abs() < 1e-9 && *t >= 0.0 {
                        count(t.round() as usize)
                    } else {
                        format!("{t}")
                    }
                })
                .collect(),
            Unit::Plain => {
                let d = Self::decimals(self.step);
                self.ticks
                    .iter()
                    .map(|t| format!("{:.d$}", t + 0.0))
                    .collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_markup_character() {
        let s = Esc(r#"<b a="1">Tom & 'Jerry'</b>"#).to_string();
        assert_eq!(
            s,
            "&lt;b a=&quot;1&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
        assert_eq!(Esc("plain é").to_string(), "plain é");
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(amount(-1234.6), "-1,235");
        assert_eq!(amount(f64::NAN), "n/a");
        assert_eq!(compact(987.0), "987");
        assert_eq!(compact(12_345.0), "12.3 k");
        assert_eq!(compact(999_999.0), "1.00 M");
        assert_eq!(compact(4_560_000_000.0), "4.56 bn");
        assert_eq!(pct(0.12345, 1), "12.3%");
    }

    #[test]
    fn ticks_fall_on_nice_numbers() {
        // 0..97 in about 6 ticks: 97 / 5 = 19.4 → step 20, axis 0..100.
        let a = Axis::nice(0.0, 97.0, 6);
        assert_eq!((a.lo, a.hi, a.step), (0.0, 100.0, 20.0));
        assert_eq!(a.ticks, vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        let a = Axis::nice(0.0, 1.0, 6);
        assert_eq!(a.labels(Unit::Percent)[1], "20%");
        let a = Axis::nice(0.0, 3_400_000.0, 5);
        assert_eq!(a.step, 1_000_000.0);
        assert_eq!(a.labels(Unit::Money), vec!["0", "1 M", "2 M", "3 M", "4 M"]);
        let a = Axis::nice(0.0, 0.034, 5);
        assert_eq!(a.labels(Unit::Percent), vec!["0%", "1%", "2%", "3%", "4%"]);
        // 0..23 in about 6 ticks: 4.6 → step 5, axis 0..25 (not 0..30).
        let a = Axis::nice(0.0, 23.0, 6);
        assert_eq!((a.hi, a.step), (25.0, 5.0));
        // Degenerate and non-finite ranges still give an axis.
        assert_eq!(Axis::nice(0.0, 0.0, 5).hi, 1.0);
        assert_eq!(Axis::nice(f64::NAN, 1.0, 5).lo, 0.0);
        let a = Axis::nice(5.0, 5.0, 5);
        assert!(a.lo < 5.0 && a.hi > 5.0);
    }
}
