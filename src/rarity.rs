//! The general detector's rarity map (`dictionaries/rarity.tsv`, format in
//! [`crate::detect`]) in the word ids of a language model: for each word,
//! its log10 ratio and its commonest synonyms as ids. `build.rs` makes the shipped model's, so
//! that no run reads the file's 29,000 lines nor looks up a synonym's id
//! each time a text holds the word; another model's is made on its first
//! use. Shared with `build.rs`, so it depends on nothing of the crate.

use std::borrow::Cow;

/// The map of one model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Map {
    /// By word id: 0 when the word is not in the map, else its line's index
    /// plus one.
    line: Cow<'static, [u32]>,
    /// Where each line's synonyms start in `ids`, and a last end.
    starts: Cow<'static, [u32]>,
    /// Each line's log10 ratio (its second field, 0 when not a number), as
    /// `f32` bits.
    ratios: Cow<'static, [u32]>,
    /// Every line's synonyms that the model knows, in the file's order.
    ids: Cow<'static, [u32]>,
}

impl Map {
    /// Reads `text` for a model of `n_words` words whose ids `word_id`
    /// gives: each line of three fields whose word the model knows (a word
    /// on two lines takes the later), with its ratio and the synonyms of its
    /// third field that the model knows.
    pub fn parse(text: &str, n_words: u32, word_id: impl Fn(&str) -> Option<u32>) -> Map {
        let mut line = vec![0u32; n_words as usize];
        let (mut starts, mut ids, mut ratios) = (vec![0u32], Vec::new(), Vec::new());
        for l in text.lines().filter(|l| !l.starts_with('#')) {
            let mut fields = l.split('\t');
            let (Some(word), Some(ratio), Some(synonyms)) =
                (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            let Some(slot) = word_id(word).and_then(|id| line.get_mut(id as usize)) else {
                continue;
            };
            ids.extend(synonyms.split(" | ").filter_map(|w| word_id(w.trim())));
            starts.push(ids.len() as u32);
            ratios.push(ratio.parse::<f32>().unwrap_or(0.0).to_bits());
            *slot = (starts.len() - 1) as u32;
        }
        Map {
            line: Cow::Owned(line),
            starts: Cow::Owned(starts),
            ratios: Cow::Owned(ratios),
            ids: Cow::Owned(ids),
        }
    }

    /// The commonest synonyms of `word` (possibly none the model knows)
    /// and its log10 ratio, when the map holds it.
    pub fn get(&self, word: u32) -> Option<(&[u32], f32)> {
        let line = (*self.line.get(word as usize)?).checked_sub(1)? as usize;
        let (start, end) = (self.starts[line] as usize, self.starts[line + 1] as usize);
        Some((
            self.ids.get(start..end)?,
            f32::from_bits(*self.ratios.get(line)?),
        ))
    }

    /// How many lines the map holds.
    #[cfg(test)]
    pub fn lines(&self) -> usize {
        self.starts.len() - 1
    }

    /// The map as `build.rs` writes it: the counts of words, line starts
    /// and ids, then the arrays: lines, starts, ratios (one fewer than the
    /// starts), ids.
    #[allow(dead_code)] // build.rs writes it; the crate reads it
    pub fn to_words(&self) -> Vec<u32> {
        let mut out = vec![
            self.line.len() as u32,
            self.starts.len() as u32,
            self.ids.len() as u32,
        ];
        out.extend_from_slice(&self.line);
        out.extend_from_slice(&self.starts);
        out.extend_from_slice(&self.ratios);
        out.extend_from_slice(&self.ids);
        out
    }

    /// The map of [`Map::to_words`] read in place, when it is whole and
    /// made for a model of `n_words` words.
    pub fn from_words(words: &'static [u32], n_words: u32) -> Option<Map> {
        let [n, lines, ids, rest @ ..] = words else {
            return None;
        };
        let (n, lines, ids) = (*n as usize, *lines as usize, *ids as usize);
        if n != n_words as usize || lines == 0 || rest.len() != n + 2 * lines - 1 + ids {
            return None;
        }
        let (line, rest) = rest.split_at(n);
        let (starts, rest) = rest.split_at(lines);
        let (ratios, ids) = rest.split_at(lines - 1);
        let whole = starts.windows(2).all(|w| w[0] <= w[1])
            && starts.last().is_some_and(|&e| e as usize == ids.len())
            && line.iter().all(|&l| (l as usize) < lines);
        whole.then_some(Map {
            line: Cow::Borrowed(line),
            starts: Cow::Borrowed(starts),
            ratios: Cow::Borrowed(ratios),
            ids: Cow::Borrowed(ids),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(w: &str) -> Option<u32> {
        ["calm", "tranquil", "quiet", "still", "row"]
            .iter()
            .position(|&x| x == w)
            .map(|i| i as u32)
    }

    #[test]
    fn lines_of_known_words_hold_their_known_synonyms() {
        let text = "# comment\ntranquil\t1.2\tcalm | unknown | quiet\nnowhere\t1.0\tcalm\n\
                    still\tx\tunknown\nrow\t1.0\n";
        let map = Map::parse(text, 5, ids);
        assert_eq!(map.get(1), Some((&[0, 2][..], 1.2)));
        assert_eq!(
            map.get(3),
            Some((&[][..], 0.0)),
            "held, with no synonym known"
        );
        assert_eq!(map.get(0), None);
        assert_eq!(map.get(4), None, "a line without synonyms is no line");
        assert_eq!(map.get(99), None);
        assert_eq!(map.lines(), 2);
    }

    #[test]
    fn a_word_on_two_lines_takes_the_later() {
        let map = Map::parse("calm\t1\tquiet\ncalm\t1\tstill | tranquil\n", 5, ids);
        assert_eq!(map.get(0), Some((&[3, 1][..], 1.0)));
    }

    #[test]
    fn the_written_map_reads_back_and_a_wrong_one_does_not() {
        let map = Map::parse("tranquil\t1.2\tcalm | quiet\nstill\t1\tcalm\n", 5, ids);
        let words: &'static [u32] = Box::leak(map.to_words().into_boxed_slice());
        assert_eq!(Map::from_words(words, 5), Some(map));
        assert_eq!(Map::from_words(words, 6), None, "another model's");
        assert_eq!(Map::from_words(&words[..words.len() - 1], 5), None);
        assert_eq!(Map::from_words(&[], 5), None);
    }
}
