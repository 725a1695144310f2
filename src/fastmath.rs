//! `exp` of a non-positive number and `ln_1p` of a finite number above −1, written out (after
//! fdlibm's reductions) so that a loop over many values has no call and no branch: the
//! compiler then overlaps or vectorises the iterations, where a loop calling libm runs
//! one value after another. Both are within a few units in the last place of libm
//! (`tests` below check it against the standard library).

// fdlibm's published constants, kept digit for digit.
#![allow(clippy::excessive_precision)]

const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
/// 1.5 × 2^52: adding it rounds a number below 2^51 in magnitude to an integer.
const SHIFTER: f64 = 6_755_399_441_055_744.0;

/// Whether `x` is a whole number in `[0, 2^51)`, with float operations only (adding 1.5 × 2^52
/// rounds such an `x` to an integer), so a loop of these tests vectorises where a round
/// trip through an integer does not.
// `&` rather than `contains`, whose `&&` may branch.
#[allow(clippy::manual_range_contains)]
#[inline]
pub(crate) fn is_small_whole(x: f64) -> bool {
    (x >= 0.0) & (x < 2_251_799_813_685_248.0) & ((x + SHIFTER) - SHIFTER == x)
}

/// `x` as an index for a whole `x` in `[0, 2^51)`, through the bits of `x + 1.5 × 2^52`;
/// any other `x` gives some number, never a panic.
#[inline]
pub(crate) fn small_whole_index(x: f64) -> usize {
    (x + SHIFTER).to_bits().wrapping_sub(SHIFTER.to_bits()) as usize
}

/// `e^y` for `y <= 0` (0 below about −745, as libm).
#[inline]
pub(crate) fn exp_nonpos(y: f64) -> f64 {
    let y = y.max(-746.0);
    let t = y * std::f64::consts::LOG2_E + SHIFTER;
    let kf = t - SHIFTER;
    let k = (t.to_bits() as i64).wrapping_sub(SHIFTER.to_bits() as i64);
    // kf × LN2_HI is exact (LN2_HI has 32 significant bits, |k| < 2^11).
    let r = (y - kf * LN2_HI) - kf * LN2_LO;
    // Taylor to r^13 for |r| <= ln 2 / 2: truncation below 1e-17 relative.
    const C: [f64; 14] = [
        1.0 / 6_227_020_800.0,
        1.0 / 479_001_600.0,
        1.0 / 39_916_800.0,
        1.0 / 3_628_800.0,
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ];
    let mut p = C[0];
    for c in &C[1..] {
        p = p * r + c;
    }
    // 2^k in two normal halves, so results down to the subnormals scale exactly.
    let k1 = k >> 1;
    let k2 = k - k1;
    let pow2 = |e: i64| f64::from_bits(((e + 1023) as u64) << 52);
    p * pow2(k1) * pow2(k2)
}

/// `ln(1 + g)` for finite `g > -1` (garbage, never a panic, outside it).
#[inline]
pub(crate) fn ln_1p_fast(g: f64) -> f64 {
    const LG: [f64; 7] = [
        6.666_666_666_666_735_130e-01,
        3.999_999_999_940_941_908e-01,
        2.857_142_874_366_239_149e-01,
        2.222_219_843_214_978_396e-01,
        1.818_357_216_161_805_012e-01,
        1.531_383_769_920_937_332e-01,
        1.479_819_860_511_658_591e-01,
    ];
    let u = 1.0 + g;
    // The exact rounding error of 1 + g (Knuth's two-sum), so small g keep their digits.
    let bv = u - 1.0;
    let err = (1.0 - (u - bv)) + (g - bv);
    let bits = u.to_bits();
    let mut k = ((bits >> 52) as i64) - 1023;
    let mut m = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52));
    // m in [√2/2, √2).
    let big = m > std::f64::consts::SQRT_2;
    m = if big { m * 0.5 } else { m };
    k += i64::from(big);
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG[1] + w * (LG[3] + w * LG[5]));
    let t2 = z * (LG[0] + w * (LG[2] + w * (LG[4] + w * LG[6])));
    let r = t2 + t1;
    let hfsq = 0.5 * f * f;
    // k as f64 through the shifter's bits: an integer add, which vectorises where an
    // integer-to-float conversion does not.
    let kf = f64::from_bits(SHIFTER.to_bits().wrapping_add(k as u64)) - SHIFTER;
    let c = err / u;
    kf * LN2_HI - ((hfsq - (s * (hfsq + r) + (kf * LN2_LO + c))) - f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::SmallRng;
    use rand::{RngExt, SeedableRng};

    fn ulps(a: f64, b: f64) -> u64 {
        if a == b {
            return 0;
        }
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    /// Against the definition: whole, at least 0, below 2^51.
    #[test]
    fn small_whole_numbers_and_their_indices() {
        let top = 2f64.powi(51);
        for x in [0.0, 1.0, 63.0, 64.0, 1e6, top - 1.0] {
            assert!(is_small_whole(x), "{x}");
            assert_eq!(small_whole_index(x), x as usize);
        }
        let odd = [
            -0.5,
            -1.0,
            0.5,
            63.5,
            1e6 + 0.25,
            top,
            2.0 * top,
            f64::NAN,
            f64::INFINITY,
        ];
        for x in odd {
            assert!(!is_small_whole(x), "{x}");
        }
        assert!(is_small_whole(-0.0));
    }

    /// Against the standard library (libm) over a logarithmic sweep and the edges.
    #[test]
    fn within_a_few_ulps_of_libm() {
        let mut worst = (0, 0);
        let mut rng = SmallRng::seed_from_u64(1);
        let mut next = || rng.random::<f64>();
        for _ in 0..200_000 {
            let mag = 10f64.powf(next() * 40.0 - 20.0);
            let y = -(mag.min(745.0));
            let e = ulps(exp_nonpos(y), y.exp());
            worst.0 = worst.0.max(e);
            let g = 10f64.powf(next() * 60.0 - 30.0);
            let l = ulps(ln_1p_fast(g), g.ln_1p());
            worst.1 = worst.1.max(l);
            // Negative arguments, from -1e-30 to just above -1.
            let g = -(10f64.powf(next() * 30.0 - 30.0)).min(1.0 - f64::EPSILON);
            worst.1 = worst.1.max(ulps(ln_1p_fast(g), g.ln_1p()));
            let g = -next();
            if g > -1.0 {
                worst.1 = worst.1.max(ulps(ln_1p_fast(g), g.ln_1p()));
            }
        }
        for y in [
            0.0, -0.0, -1e-300, -0.5, -1.0, -700.0, -708.4, -709.0, -740.0, -745.0,
        ] {
            worst.0 = worst.0.max(ulps(exp_nonpos(y), y.exp()));
        }
        for g in [
            0.0,
            1e-300,
            5e-324,
            1e-17,
            0.41421356,
            1.0,
            1e15,
            9.007e15,
            1e300,
            f64::MAX,
            -0.0,
            -1e-300,
            -0.29289321881345254,
            -0.5,
            -0.9,
            -1.0 + f64::EPSILON / 2.0,
        ] {
            worst.1 = worst.1.max(ulps(ln_1p_fast(g), g.ln_1p()));
        }
        assert!(
            worst.0 <= 4 && worst.1 <= 2,
            "worst ulps: exp {} ln_1p {}",
            worst.0,
            worst.1
        );
        assert_eq!(exp_nonpos(-800.0), 0.0);
    }
}
