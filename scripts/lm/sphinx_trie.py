"""Reader for the CMU Sphinx / PocketSphinx trie binary language model format.

This is a from-scratch reading of the layout written by
``ngram_model_trie_write_bin`` / ``lm_trie_write_bin`` / ``lm_trie_quant_write_bin``
in pocketsphinx 5.1.1 (``src/lm/ngram_model_trie.c``, ``src/lm/lm_trie.c``,
``src/lm/lm_trie_quant.c``, ``src/lm/bitarr.c``).  Everything is little-endian.

File layout::

    "Trie Language Model"            19 bytes, no NUL
    order                            u8 (3 for en-us.lm.bin)
    counts[order]                    u32 each: #unigrams, #bigrams, #trigrams
                                     (the bigram count can exceed the number of
                                     bigram slots actually used, see below)
    quantiser type                   i32 (always 1)
    quantiser tables                 f32 × ((order-2)·2·65536 + 65536):
                                     per middle order a 65536-entry prob table
                                     then a 65536-entry backoff table; then the
                                     65536-entry prob table of the highest order
    unigrams[counts[0] + 1]          {f32 prob, f32 backoff, u32 next}; the last
                                     one is a sentinel whose `next` ends the
                                     range of the last real word
    ngram memory                     bit-packed arrays (see below)
    word strings                     u32 byte length, then NUL-terminated words,
                                     word i being unigram i

The n-gram memory is a *reversed* trie (as in KenLM): a unigram node is the
predicted word w; its children [unigram[w].next, unigram[w+1].next) in the
bigram ("middle") array are the previous words h, each carrying
P(w | h) and backoff(h w); the children of middle entry i, in the trigram
("longest") array, are [next_i, next_{i+1}), the words g two back, carrying
P(w | g h).

A middle entry is `word_bits + 32 + next_bits` bits long, where
word_bits = bit length of counts[0] and next_bits = bit length of counts[2]:
word id, 16-bit backoff code, 16-bit prob code, next pointer, packed from the
least significant bit of a little-endian bit stream.  The array has one extra
entry whose only meaningful field is the final `next` pointer, and is followed
by 8 padding bytes.  A longest entry is `word_bits + 16` bits: word id and
16-bit prob code; again one extra entry plus 8 padding bytes.  The middle array
is sized from the header's bigram count.

Scores are stored in the log domain of base 1.0001 (logmath's default, no
shift): log10 value = stored value × log10(1.0001).

When building the trie, Sphinx inserts "dummy" middle entries for trigrams
whose suffix bigram is absent from the ARPA file (prob = the backed-off
estimate, backoff = 0), so that every trigram is reachable; the header's
bigram count for en-us.lm.bin is 6 higher than the number of middle slots the
unigram pointers actually use (2,051,547 vs 2,051,541), which is what trips the
stock converters.  We only trust the unigram pointers.
"""

import math
import struct

MAGIC = b"Trie Language Model"
QUANT_BITS = 16
QUANT_LEN = 1 << QUANT_BITS
LOG10_OF_BASE = math.log10(1.0001)


class FormatError(Exception):
    """The bytes are not a Sphinx trie LM this reader understands."""


def _bits(max_value):
    """bitarr_required_bits: number of bits needed to store 0..=max_value."""
    return max_value.bit_length()


class SphinxTrieLM:
    """A parsed trigram model. Scores are log10 floats (Python doubles)."""

    def __init__(self, data):
        if data[: len(MAGIC)] != MAGIC:
            raise FormatError("bad magic")
        off = len(MAGIC)
        order = data[off]
        off += 1
        if order != 3:
            raise FormatError("only trigram models are supported, got order %d" % order)
        self.header_counts = struct.unpack_from("<3I", data, off)
        off += 12
        n1, n2, n3 = self.header_counts
        (quant_type,) = struct.unpack_from("<i", data, off)
        off += 4
        if quant_type != 1:
            raise FormatError("unexpected quantiser type %d" % quant_type)
        nq = (order - 2) * 2 * QUANT_LEN + QUANT_LEN
        q = struct.unpack_from("<%df" % nq, data, off)
        off += 4 * nq
        self.bi_prob_table = q[0:QUANT_LEN]
        self.bi_bo_table = q[QUANT_LEN : 2 * QUANT_LEN]
        self.tri_prob_table = q[2 * QUANT_LEN : 3 * QUANT_LEN]

        ug = list(struct.iter_unpack("<ffI", data[off : off + 12 * (n1 + 1)]))
        off += 12 * (n1 + 1)
        self.unigram_raw = ug

        word_bits = _bits(n1)
        next_bits = _bits(n3)
        mid_bits = word_bits + 2 * QUANT_BITS + next_bits
        long_bits = word_bits + QUANT_BITS
        mid_size = ((1 + n2) * mid_bits + 7) // 8 + 8
        long_size = ((1 + n3) * long_bits + 7) // 8 + 8
        self.mid = data[off : off + mid_size]
        off += mid_size
        self.long = data[off : off + long_size]
        off += long_size
        (k,) = struct.unpack_from("<I", data, off)
        off += 4
        blob = data[off : off + k]
        off += k
        if off != len(data):
            raise FormatError("%d trailing bytes" % (len(data) - off))
        if not blob.endswith(b"\0"):
            raise FormatError("word strings not NUL-terminated")
        words = [w.decode("utf-8") for w in blob[:-1].split(b"\0")]
        if len(words) != n1:
            raise FormatError("%d words for %d unigrams" % (len(words), n1))
        self.words = words
        self.word_bits = word_bits
        self.next_bits = next_bits
        self.mid_bits = mid_bits
        self.long_bits = long_bits

        nexts = [u[2] for u in ug]
        if any(a > b for a, b in zip(nexts, nexts[1:])):
            raise FormatError("unigram next pointers are not monotonic")
        self.bigram_slots = nexts[-1]
        if self.bigram_slots > n2:
            raise FormatError("unigram pointers exceed the bigram array")

    # -- raw field access -------------------------------------------------
    def _mid_entry(self, i):
        """(word, bo_code, prob_code, next) of middle entry i."""
        bit = i * self.mid_bits
        v = int.from_bytes(self.mid[bit >> 3 : (bit >> 3) + 16], "little") >> (bit & 7)
        wb = self.word_bits
        word = v & ((1 << wb) - 1)
        v >>= wb
        bo = v & 0xFFFF
        v >>= 16
        prob = v & 0xFFFF
        v >>= 16
        nxt = v & ((1 << self.next_bits) - 1)
        return word, bo, prob, nxt

    def _long_entry(self, j):
        """(word, prob_code) of longest entry j."""
        bit = j * self.long_bits
        v = int.from_bytes(self.long[bit >> 3 : (bit >> 3) + 8], "little") >> (bit & 7)
        wb = self.word_bits
        return v & ((1 << wb) - 1), (v >> wb) & 0xFFFF

    # -- decoded n-grams ----------------------------------------------------
    def unigrams(self):
        """[(log10 prob, log10 backoff)] indexed by source word id."""
        return [(p * LOG10_OF_BASE, b * LOG10_OF_BASE) for p, b, _ in self.unigram_raw[:-1]]

    def ngrams(self):
        """Returns (bigrams, trigrams) in natural word order, as lists of
        (w1, w2, log10 prob, log10 backoff) and (w1, w2, w3, log10 prob),
        with source word ids.  Also checks the trie's internal consistency."""
        n1 = len(self.words)
        n3 = self.header_counts[2]
        bigrams = []
        trigrams = []
        ug = self.unigram_raw
        bi_p, bi_b, tri_p = self.bi_prob_table, self.bi_bo_table, self.tri_prob_table
        k = LOG10_OF_BASE
        mid_entry = self._mid_entry
        long_entry = self._long_entry
        expected_next = 0
        # en-us.lm.bin has 2 nodes whose trigram children are out of order
        # (a glitch of the tool that built it); we count them and carry on,
        # the caller re-sorts everything anyway.
        self.unsorted_trigram_nodes = 0
        for w in range(n1):
            begin, end = ug[w][2], ug[w + 1][2]
            prev_h = -1
            for i in range(begin, end):
                h, bo, pr, nxt = mid_entry(i)
                if h <= prev_h or h >= n1:
                    raise FormatError("middle entries under %d not sorted" % w)
                prev_h = h
                if nxt != expected_next:
                    raise FormatError("middle next pointers not contiguous at %d" % i)
                nxt_end = mid_entry(i + 1)[3]
                if nxt_end < nxt or nxt_end > n3:
                    raise FormatError("bad trigram range at middle entry %d" % i)
                bigrams.append((h, w, bi_p[pr] * k, bi_b[bo] * k))
                prev_g = -1
                for j in range(nxt, nxt_end):
                    g, tp = long_entry(j)
                    if g >= n1:
                        raise FormatError("bad word id in longest entry %d" % j)
                    if g <= prev_g:
                        self.unsorted_trigram_nodes += 1
                    prev_g = g
                    trigrams.append((g, h, w, tri_p[tp] * k))
                expected_next = nxt_end
        if expected_next != n3:
            raise FormatError("trigram slots used %d != header count %d" % (expected_next, n3))
        return bigrams, trigrams
