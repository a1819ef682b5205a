//! What the dictionary and the language model know of each word of a
//! document, looked up once per distinct spelling.
//!
//! Scanning for spun forms and decoding both need every word normalized and
//! looked up; news repeats its words ("the", "said", names), so a document's
//! spellings are each normalized and looked up once here and shared.

use rustc_hash::FxHashMap;

use crate::dict::{Dictionary, TokenWord};
use crate::model::{LanguageModel, WordId};
use crate::tokenize::{is_capitals, normalize_into, Token, TokenKind};

/// One token as the dictionary and the model see it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Lexeme {
    /// What the dictionary's scan needs of it.
    pub(crate) dict: TokenWord,
    /// Its id in the model's vocabulary; `None` when out of vocabulary, and
    /// for tokens that are not words or numbers.
    pub(crate) lm: Option<WordId>,
}

/// The lexeme of every token of `tokens` (a tokenization of `text`), in
/// order; spaces and punctuation get the default.
pub(crate) fn lexemes(
    text: &str,
    tokens: &[Token],
    dict: &Dictionary,
    model: &LanguageModel,
) -> Vec<Lexeme> {
    // About one distinct spelling in eight tokens (four words) of news.
    let mut seen: FxHashMap<&str, Lexeme> = FxHashMap::default();
    seen.reserve(tokens.len() / 8);
    let mut buf = String::new();
    tokens
        .iter()
        .map(|t| {
            if !matches!(t.kind, TokenKind::Word | TokenKind::Number) {
                return Lexeme::default();
            }
            let written = &text[t.span.clone()];
            *seen.entry(written).or_insert_with(|| {
                buf.clear();
                normalize_into(written, &mut buf);
                Lexeme {
                    dict: TokenWord {
                        id: dict.word_id(&buf),
                        capitals: is_capitals(written),
                    },
                    lm: model.word_id(&buf),
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::tokenize;

    #[test]
    fn each_word_is_looked_up_as_normalized() {
        let dict = Dictionary::builtin(crate::dict::DEFAULT_TABLES).unwrap();
        let model = LanguageModel::shipped();
        let text = "The navy MENTIONED it, the Navy’s xqzzy.";
        let tokens = tokenize(text);
        let lex = lexemes(text, &tokens, &dict, model);
        assert_eq!(lex.len(), tokens.len());
        for (t, l) in tokens.iter().zip(&lex) {
            let written = &text[t.span.clone()];
            if !matches!(t.kind, TokenKind::Word | TokenKind::Number) {
                assert!(l.lm.is_none() && l.dict.id.is_none(), "{written}");
                continue;
            }
            let normalized = crate::tokenize::normalize(written);
            assert_eq!(l.lm, model.word_id(&normalized), "{written}");
            assert_eq!(l.dict.id, dict.word_id(&normalized), "{written}");
            assert_eq!(l.dict.capitals, is_capitals(written), "{written}");
        }
        let id = |w: &str| {
            lex[tokens
                .iter()
                .position(|t| &text[t.span.clone()] == w)
                .unwrap()]
        };
        assert!(id("MENTIONED").dict.capitals && id("MENTIONED").dict.id.is_some());
        assert_eq!(id("navy").lm, model.word_id("navy"));
        assert_eq!(id("Navy’s").lm, model.word_id("navy's"));
        assert!(id("xqzzy").lm.is_none());
    }
}
