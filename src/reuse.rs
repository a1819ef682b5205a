//! Buffers a thread keeps from one document to the next.
//!
//! Analysing a document fills a dozen arrays with one entry per token or per
//! candidate: about 40 bytes for every byte of spun text. Allocated afresh
//! for each document, they cost more than the work done in them: the
//! allocator hands the memory back to the system between documents and takes
//! it again, and every page comes back zeroed by the kernel. A [`Reused`]
//! vector is taken empty from its thread's keeping and given back, emptied,
//! when dropped, so a thread analysing documents one after another allocates
//! each of its arrays once.
//!
//! ```ignore
//! let mut tokens = reused!(Token); // this call site's own buffer
//! tokenize_into(text, &mut tokens);
//! ```

use std::cell::RefCell;
use std::ops::{Deref, DerefMut};
use std::thread::LocalKey;

/// The largest buffer kept, in bytes. The largest array, the tokens, takes
/// about 12 bytes per byte of text, so this keeps the arrays of documents up
/// to about 170 KB (news articles are a few tens); bigger documents allocate
/// for themselves. A thread keeps a few dozen buffers at most, so what it
/// keeps stays bounded (tens of MB at worst) whatever it reads.
const MAX_KEPT: usize = 2 << 20;

/// How many buffers a keeping holds: enough for the holders that are alive
/// at once (the two decoding passes hold theirs together).
const KEPT: usize = 4;

/// Where a thread keeps the buffers of one call site between uses.
pub(crate) type Keep<T> = LocalKey<RefCell<Vec<Vec<T>>>>;

/// A vector taken from its thread's keeping, given back when dropped.
pub(crate) struct Reused<T: 'static> {
    vec: Vec<T>,
    home: &'static Keep<T>,
}

impl<T: 'static> Reused<T> {
    /// A buffer kept at `home`, empty (a new one if holders have them all).
    pub(crate) fn take(home: &'static Keep<T>) -> Reused<T> {
        Reused {
            vec: home.with_borrow_mut(|kept| kept.pop()).unwrap_or_default(),
            home,
        }
    }
}

impl<T: 'static> Drop for Reused<T> {
    fn drop(&mut self) {
        if self.vec.capacity() * std::mem::size_of::<T>() > MAX_KEPT {
            return;
        }
        self.vec.clear();
        let vec = std::mem::take(&mut self.vec);
        // A thread that is ending has let its keeping go: nothing to keep.
        let _ = self.home.try_with(|kept| {
            if let Ok(mut kept) = kept.try_borrow_mut() {
                if kept.len() < KEPT {
                    kept.push(vec);
                }
            }
        });
    }
}

impl<T: 'static> Deref for Reused<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.vec
    }
}

impl<T: 'static> DerefMut for Reused<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.vec
    }
}

impl<'a, T: 'static> IntoIterator for &'a Reused<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.vec.iter()
    }
}

/// A [`Reused`] vector of `$t`, kept by this call site.
macro_rules! reused {
    ($t:ty) => {{
        ::std::thread_local! {
            static KEEP: ::std::cell::RefCell<::std::vec::Vec<::std::vec::Vec<$t>>> =
                const { ::std::cell::RefCell::new(::std::vec::Vec::new()) };
        }
        $crate::reuse::Reused::take(&KEEP)
    }};
}
pub(crate) use reused;

#[cfg(test)]
mod tests {
    use super::*;

    fn buffer() -> Reused<u64> {
        reused!(u64)
    }

    #[test]
    fn a_buffer_comes_back_empty_with_its_room() {
        let mut a = buffer();
        a.extend(0..1000);
        let room = a.capacity();
        drop(a);
        let b = buffer();
        assert!(b.is_empty());
        assert_eq!(b.capacity(), room);
    }

    #[test]
    fn holders_at_once_get_buffers_of_their_own() {
        let (mut a, mut b) = (buffer(), buffer());
        a.push(1);
        b.extend([2, 3]);
        assert_eq!((&*a, &*b), (&vec![1], &vec![2, 3]));
        drop((a, b));
        // Both were kept, and come back empty.
        let (c, d) = (buffer(), buffer());
        assert!(c.is_empty() && d.is_empty());
        assert!(c.capacity() > 0 && d.capacity() > 0);
    }

    #[test]
    fn a_buffer_too_big_to_keep_is_let_go() {
        let mut a = buffer();
        a.reserve(MAX_KEPT / 8 + 1);
        drop(a);
        assert_eq!(buffer().capacity(), 0);
    }
}
