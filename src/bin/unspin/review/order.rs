//! The order the review walks its findings in: the text's, or by
//! confidence, least sure first.

/// A walk over findings `0..n`: the finding at each place, and the place of
/// each finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    walk: Vec<usize>,
    place: Vec<usize>,
}

impl Order {
    /// The text's order.
    pub fn text(n: usize) -> Order {
        Order {
            walk: (0..n).collect(),
            place: (0..n).collect(),
        }
    }

    /// Ascending by `keys` (one a finding); equal keys keep the text's order.
    pub fn by(keys: &[f64]) -> Order {
        let mut walk: Vec<usize> = (0..keys.len()).collect();
        walk.sort_by(|&a, &b| keys[a].total_cmp(&keys[b]));
        let mut place = vec![0; keys.len()];
        for (p, &i) in walk.iter().enumerate() {
            place[i] = p;
        }
        Order { walk, place }
    }

    /// The 0-based place of finding `i` in the walk.
    pub fn place(&self, i: usize) -> usize {
        self.place.get(i).copied().unwrap_or(0)
    }

    /// The first finding of the walk.
    pub fn first(&self) -> Option<usize> {
        self.walk.first().copied()
    }

    /// The finding after `i`, if `i` is not the last.
    pub fn after(&self, i: usize) -> Option<usize> {
        self.walk.get(self.place(i) + 1).copied()
    }

    /// The finding before `i`, if `i` is not the first.
    pub fn before(&self, i: usize) -> Option<usize> {
        let p = self.place(i).checked_sub(1)?;
        self.walk.get(p).copied()
    }

    /// Every finding once, starting after `i` and wrapping around to `i`.
    pub fn cycle_after(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let n = self.walk.len();
        let from = self.place(i);
        (1..=n).map(move |k| self.walk[(from + k) % n])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_key_walks_least_first_and_keeps_text_order_among_equals() {
        let o = Order::by(&[0.9, 0.2, 0.5, 0.2]);
        assert_eq!(o.first(), Some(1));
        assert_eq!(o.after(1), Some(3));
        assert_eq!(o.after(3), Some(2));
        assert_eq!(o.after(0), None);
        assert_eq!(o.before(1), None);
        assert_eq!(o.before(0), Some(2));
        assert_eq!(o.cycle_after(2).collect::<Vec<_>>(), [0, 1, 3, 2]);
        assert_eq!(o.place(0), 3);
    }

    #[test]
    fn text_order_is_the_identity() {
        let o = Order::text(3);
        assert_eq!(o.cycle_after(0).collect::<Vec<_>>(), [1, 2, 0]);
        assert_eq!(Order::text(0).cycle_after(0).count(), 0);
    }
}
