//! Inter-annotator agreement: observed agreement, Cohen's kappa and
//! Krippendorff's alpha (nominal), on reliability data with missing values.
//!
//! Reliability data is a table of units × coders; a cell holds a category or
//! nothing (the coder has no sidecar for that document, or did not code that
//! unit). Only *pairable* values count: units with at least two values.
//!
//! - **observed**: the share of agreeing pairs among all pairable pairs of
//!   values (Krippendorff's `Σ o_cc / n`); with two coders and no missing
//!   values, the share of units on which they agree.
//! - **kappa**: Cohen (1960), exactly two coders, on the units both coded.
//! - **alpha**: Krippendorff's α for nominal data, any number of coders,
//!   missing values allowed: `α = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k`.
//!
//! A coefficient is `None` when it is undefined: fewer than two coders, no
//! pairable values, or no variation to measure against (every value pairable
//! is the same category — e.g. a kind nobody used — where kappa and alpha are
//! 0/0). Observed agreement is then still given (1.0 for a kind nobody used).

use std::collections::BTreeMap;

/// The three figures reported for one kind (or for stance).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Coefficients {
    pub observed: Option<f64>,
    pub kappa: Option<f64>,
    pub alpha: Option<f64>,
}

/// Reliability data: `units[u][c]` is coder `c`'s category for unit `u`.
pub type Table = [Vec<Option<u32>>];

/// All three coefficients for `units` coded by `coders` coders.
pub fn coefficients(units: &Table, coders: usize) -> Coefficients {
    let o = Coincidences::of(units);
    Coefficients {
        observed: o.observed(),
        kappa: if coders == 2 {
            cohen_kappa(units)
        } else {
            None
        },
        alpha: if coders >= 2 { o.alpha() } else { None },
    }
}

/// Krippendorff's coincidence matrix for nominal data.
#[derive(Debug, Default)]
struct Coincidences {
    /// o[(c, k)]: coincidences of values c and k within units.
    o: BTreeMap<(u32, u32), f64>,
}

impl Coincidences {
    fn of(units: &Table) -> Coincidences {
        let mut o: BTreeMap<(u32, u32), f64> = BTreeMap::new();
        for unit in units {
            let values: Vec<u32> = unit.iter().flatten().copied().collect();
            let m = values.len();
            if m < 2 {
                continue;
            }
            // Count values per category in the unit: pairs (c, k) of distinct
            // coders number n_c·n_k (c ≠ k) or n_c·(n_c − 1), each weighted 1/(m − 1).
            let mut counts: BTreeMap<u32, f64> = BTreeMap::new();
            for v in &values {
                *counts.entry(*v).or_default() += 1.0;
            }
            let w = 1.0 / (m as f64 - 1.0);
            for (&c, &nc) in &counts {
                for (&k, &nk) in &counts {
                    let pairs = if c == k { nc * (nc - 1.0) } else { nc * nk };
                    if pairs > 0.0 {
                        *o.entry((c, k)).or_default() += pairs * w;
                    }
                }
            }
        }
        Coincidences { o }
    }

    /// n: the number of pairable values.
    fn total(&self) -> f64 {
        self.o.values().sum()
    }

    fn marginals(&self) -> BTreeMap<u32, f64> {
        let mut n: BTreeMap<u32, f64> = BTreeMap::new();
        for (&(c, _), &v) in &self.o {
            *n.entry(c).or_default() += v;
        }
        n
    }

    fn observed(&self) -> Option<f64> {
        let n = self.total();
        if n <= 0.0 {
            return None;
        }
        let agree: f64 = self
            .o
            .iter()
            .filter(|((c, k), _)| c == k)
            .map(|(_, v)| v)
            .sum();
        Some(agree / n)
    }

    fn alpha(&self) -> Option<f64> {
        let n = self.total();
        if n < 2.0 {
            return None;
        }
        let disagree: f64 = self
            .o
            .iter()
            .filter(|((c, k), _)| c != k)
            .map(|(_, v)| v)
            .sum();
        let marginals = self.marginals();
        let sum_sq: f64 = marginals.values().map(|m| m * m).sum();
        // Σ_{c≠k} n_c·n_k = n² − Σ n_c²
        let expected = n * n - sum_sq;
        if expected <= f64::EPSILON * n * n {
            return None;
        }
        Some(1.0 - (n - 1.0) * disagree / expected)
    }
}

/// Cohen's kappa for the first two coders of `units`, on units both coded.
/// `None` when no unit was coded by both, or when chance agreement is 1
/// (both coders used one and the same category throughout).
pub fn cohen_kappa(units: &Table) -> Option<f64> {
    let pairs: Vec<(u32, u32)> = units
        .iter()
        .filter_map(
            |u| match (u.first().copied().flatten(), u.get(1).copied().flatten()) {
                (Some(a), Some(b)) => Some((a, b)),
                _ => None,
            },
        )
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let n = pairs.len() as f64;
    let agree = pairs.iter().filter(|(a, b)| a == b).count() as f64;
    let mut first: BTreeMap<u32, f64> = BTreeMap::new();
    let mut second: BTreeMap<u32, f64> = BTreeMap::new();
    for (a, b) in &pairs {
        *first.entry(*a).or_default() += 1.0;
        *second.entry(*b).or_default() += 1.0;
    }
    let p_o = agree / n;
    let p_e: f64 = first
        .iter()
        .map(|(c, fa)| fa / n * second.get(c).copied().unwrap_or(0.0) / n)
        .sum();
    if (1.0 - p_e).abs() < 1e-12 {
        return None;
    }
    Some((p_o - p_e) / (1.0 - p_e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) {
        let a = a.expect("defined");
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    fn two(a: &[u32], b: &[u32]) -> Vec<Vec<Option<u32>>> {
        a.iter()
            .zip(b)
            .map(|(x, y)| vec![Some(*x), Some(*y)])
            .collect()
    }

    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability",
    /// example A: binary data, two observers, no missing data. Published:
    /// α = 1 − (20 − 1)·4/(14·6)... = 0.095 (exactly 2/21); o_00 = 10, o_11 = 2.
    #[test]
    fn krippendorff_binary_two_observers() {
        let a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
        let b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
        let c = coefficients(&two(&a, &b), 2);
        close(c.alpha, 2.0 / 21.0);
        assert_eq!(format!("{:.3}", c.alpha.unwrap()), "0.095");
        close(c.observed, 0.6);
        // Cohen: p_o = 0.6, p_e = 0.2·0.4 + 0.8·0.6 = 0.56 → κ = 0.04/0.44.
        close(c.kappa, 0.04 / 0.44);
    }

    /// Krippendorff (2011), example C: nominal data, four observers, twelve
    /// units, missing values (unit 12 has one value and is not pairable).
    /// Published α_nominal = 0.743; from the published coincidences (n = 40)
    /// it is exactly 113/152.
    #[test]
    fn krippendorff_nominal_four_observers_missing_data() {
        let n = None;
        let rows: [[Option<u32>; 12]; 4] = [
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(1),
                Some(4),
                Some(1),
                Some(2),
                n,
                n,
                n,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(2),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                n,
                Some(3),
            ],
            [
                n,
                Some(3),
                Some(3),
                Some(3),
                Some(2),
                Some(3),
                Some(4),
                Some(2),
                Some(2),
                Some(5),
                Some(1),
                n,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(4),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                Some(1),
                n,
            ],
        ];
        let units: Vec<Vec<Option<u32>>> = (0..12)
            .map(|u| rows.iter().map(|r| r[u]).collect())
            .collect();
        let o = Coincidences::of(&units);
        close(Some(o.total()), 40.0);
        let c = coefficients(&units, 4);
        close(c.alpha, 113.0 / 152.0);
        assert_eq!(format!("{:.3}", c.alpha.unwrap()), "0.743");
        assert_eq!(c.kappa, None, "kappa is for exactly two coders");
    }

    /// The textbook kappa example (50 proposals read by two readers: 20 both
    /// yes, 15 both no, 5 yes/no, 10 no/yes): p_o = 0.7, p_e = 0.5, κ = 0.4.
    #[test]
    fn cohen_textbook_example() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        for (x, y, count) in [(1, 1, 20), (1, 0, 5), (0, 1, 10), (0, 0, 15)] {
            for _ in 0..count {
                a.push(x);
                b.push(y);
            }
        }
        let c = coefficients(&two(&a, &b), 2);
        close(c.kappa, 0.4);
        close(c.observed, 0.7);
    }

    #[test]
    fn perfect_agreement_none_and_unused() {
        let c = coefficients(&two(&[1, 0, 1, 0], &[1, 0, 1, 0]), 2);
        close(c.kappa, 1.0);
        close(c.alpha, 1.0);
        close(c.observed, 1.0);
        // Complete disagreement with balanced categories.
        let c = coefficients(&two(&[1, 0, 1, 0], &[0, 1, 0, 1]), 2);
        close(c.observed, 0.0);
        close(c.kappa, -1.0);
        // α = 1 − 7·8/(64 − 32) = −0.75
        close(c.alpha, -0.75);
        // A kind nobody used: full agreement, nothing to measure against.
        let c = coefficients(&two(&[0, 0, 0], &[0, 0, 0]), 2);
        close(c.observed, 1.0);
        assert_eq!(c.kappa, None);
        assert_eq!(c.alpha, None);
    }

    #[test]
    fn too_few_coders_or_values() {
        let one: Vec<Vec<Option<u32>>> = vec![vec![Some(1)], vec![Some(0)]];
        assert_eq!(coefficients(&one, 1), Coefficients::default());
        let sparse = vec![vec![Some(1), None], vec![None, Some(0)]];
        assert_eq!(coefficients(&sparse, 2), Coefficients::default());
    }
}
