//! A decision carried from one occurrence of a spun form to the others.

/// A decision stated independently of the finding it was taken on, so that
/// it can be carried to the other occurrences of the same form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Choice {
    /// Keep the text as written.
    Keep,
    /// Restore this original (lower case), written in each occurrence's case.
    Original(String),
    /// Write this text exactly as typed.
    Verbatim(String),
}

impl Choice {
    /// How the choice reads in a prompt: `restore “war”`.
    pub fn describe(&self) -> String {
        match self {
            Choice::Keep => "keep it as written".to_string(),
            Choice::Original(o) => format!("restore “{o}”"),
            Choice::Verbatim(t) => format!("write “{t}”"),
        }
    }
}

/// An offer to repeat an earlier decision on the remaining occurrences of
/// the current finding's spun form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// The normalized spun form.
    pub form: String,
    /// The earlier decision.
    pub choice: Choice,
    /// Undecided occurrences it would apply to, the current one included.
    pub count: usize,
}
