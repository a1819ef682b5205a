#!/usr/bin/env python3
"""Builds unspin's trigram language model file from the CMU Sphinx US-English LM.

Usage (from the repository root):

    python3 scripts/lm/build_lm.py [--source PATH/en-us.lm.bin] [--out model/en-us.unspin-lm.bin]

Without --source, the pocketsphinx 5.1.1 wheel is fetched from PyPI with
`pip download` into target/lm-source/ (reused when already there), and
`pocketsphinx/model/en-us/en-us.lm.bin` is taken out of it.  The source file's
sha256 is checked either way.  The output is byte-identical on every run.

Needs only the Python 3.11 standard library (and pip, for the download).
The output format is described in model/README.md and in src/model.rs.
"""

import argparse
import hashlib
import os
import struct
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sphinx_trie  # noqa: E402

PACKAGE = "pocketsphinx"
VERSION = "5.1.1"
WHEEL = "pocketsphinx-5.1.1-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl"
WHEEL_SHA256 = "bb8fd0fc7fb08dd8f85da21f5121f34ebf4186a5bee91ce85e2d358e69a448bf"
MEMBER = "pocketsphinx/model/en-us/en-us.lm.bin"
SOURCE_SHA256 = "db21d0642286677699e6dbc859d2e5395570222361999387ce60f6e1d01995d6"

MAGIC = b"UNSPINLM"
FORMAT_VERSION = 1
HEADER_LEN = 256
SECTION_NAMES = [
    "bigram_prob_codebook",
    "bigram_backoff_codebook",
    "trigram_prob_codebook",
    "unigram_prob",
    "unigram_backoff",
    "unigram_next",
    "bigram_entry",
    "bigram_backoff",
    "bigram_skip",
    "bigram_has_trigrams",
    "bigram_trigram_rank",
    "trigram_next",
    "trigram_entry",
    "trigram_skip",
    "word_offsets",
    "word_bytes",
]
BLOCK = 16  # entries per skip-list block (one 64-byte cache line)
BACKOFF_BITS = 16
ALIGN = 64


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def repo_root():
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def fetch_source(cache_dir):
    """Returns the bytes of en-us.lm.bin, downloading the wheel if needed."""
    wheel_path = os.path.join(cache_dir, WHEEL)
    if not os.path.exists(wheel_path):
        os.makedirs(cache_dir, exist_ok=True)
        cmd = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
            "--platform", "manylinux2014_x86_64", "--python-version", "3.11",
            "--implementation", "cp", "--abi", "cp311",
            "%s==%s" % (PACKAGE, VERSION), "-d", cache_dir,
        ]
        print("fetching:", " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, check=True)
    with open(wheel_path, "rb") as f:
        wheel = f.read()
    if sha256(wheel) != WHEEL_SHA256:
        sys.exit("%s: sha256 %s, expected %s" % (wheel_path, sha256(wheel), WHEEL_SHA256))
    with zipfile.ZipFile(wheel_path) as z:
        return z.read(MEMBER)


# -- quantisation ------------------------------------------------------------

def f32(x):
    """Rounds a Python float to the nearest f32."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def lloyd_codebook(values, k, force_zero=False, iterations=12):
    """A k-entry codebook (sorted f32 values) minimising squared error over
    `values` (1-D Lloyd-Max, weighted by multiplicity, started from
    equal-count bins).  Deterministic.  If force_zero, 0.0 is one of the
    entries (the centre nearest to 0 is replaced by it)."""
    counts = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    xs = sorted(counts)
    ws = [counts[x] for x in xs]
    if len(xs) <= k:
        centres = list(xs)
    else:
        # start from weighted quantiles (coinciding ones merge)
        total = sum(ws)
        centres = []
        cum = 0
        i = 0
        for b in range(k):
            target = (2 * b + 1) * total  # compare 2*k*cum against this
            while i < len(xs) - 1 and 2 * k * (cum + ws[i]) <= target:
                cum += ws[i]
                i += 1
            centres.append(xs[i])
        for _ in range(iterations):
            centres = sorted(set(centres))
            sums = [0.0] * len(centres)
            cnts = [0] * len(centres)
            j = 0
            m = len(centres)
            for x, w in zip(xs, ws):
                while j + 1 < m and abs(centres[j + 1] - x) <= abs(x - centres[j]):
                    j += 1
                sums[j] += x * w
                cnts[j] += w
            centres = [sums[t] / cnts[t] if cnts[t] else centres[t] for t in range(m)]
    centres = sorted(set(f32(c) for c in centres))
    if force_zero and 0.0 not in centres:
        nearest = min(range(len(centres)), key=lambda t: (abs(centres[t]), t))
        centres[nearest] = 0.0
        centres = sorted(set(centres))
    while len(centres) < k:  # pad (never chosen: encode picks the first nearest)
        centres.append(centres[-1])
    return centres


def encoder(codebook):
    """Returns (encode, decode) for a sorted codebook (nearest entry)."""
    import bisect

    distinct = sorted(set(codebook))
    index = {}
    for i, c in enumerate(codebook):
        index.setdefault(c, i)

    def encode(v):
        i = bisect.bisect_left(distinct, v)
        if i == 0:
            return index[distinct[0]]
        if i == len(distinct):
            return index[distinct[-1]]
        lo, hi = distinct[i - 1], distinct[i]
        return index[lo] if v - lo <= hi - v else index[hi]

    return encode


def quant_stats(values, codes, codebook):
    n = len(values)
    err = [abs(codebook[c] - v) for v, c in zip(values, codes)]
    rms = (sum(e * e for e in err) / n) ** 0.5 if n else 0.0
    return "max |err| %.5f, rms %.6f (log10)" % (max(err) if err else 0.0, rms)


# -- the build ---------------------------------------------------------------

def build(source, out_path):
    src = sphinx_trie.SphinxTrieLM(source)
    src_words = src.words
    n_words = len(src_words)
    stats = {}
    stats["source header counts"] = src.header_counts
    stats["source bigram slots used"] = src.bigram_slots

    # New ids: words sorted by UTF-8 bytes (identical to the source order for
    # en-us.lm.bin, but do not rely on it).
    order = sorted(range(n_words), key=lambda i: src_words[i].encode("utf-8"))
    new_id = [0] * n_words
    for rank, old in enumerate(order):
        new_id[old] = rank
    words = [src_words[old] for old in order]
    for a, b in zip(words, words[1:]):
        if a == b:
            sys.exit("duplicate word %r" % a)
    wid = {w: i for i, w in enumerate(words)}
    bos, eos = wid["<s>"], wid["</s>"]
    unk = wid.get("<unk>")

    src_uni = src.unigrams()
    uni = [src_uni[old] for old in order]

    bigrams_src, trigrams_src = src.ngrams()
    stats["source trigram nodes out of order (re-sorted)"] = src.unsorted_trigram_nodes
    bigrams = sorted((new_id[a], new_id[b], p, bo) for a, b, p, bo in bigrams_src)
    trigrams = sorted((new_id[a], new_id[b], new_id[c], p) for a, b, c, p in trigrams_src)
    del bigrams_src, trigrams_src
    for x, y in zip(bigrams, bigrams[1:]):
        if x[:2] == y[:2]:
            sys.exit("duplicate bigram %r" % (x[:2],))
    for x, y in zip(trigrams, trigrams[1:]):
        if x[:3] == y[:3]:
            sys.exit("duplicate trigram %r" % (x[:3],))

    # Every trigram needs its prefix bigram as a node in our forward trie.
    bigram_keys = set((a, b) for a, b, _, _ in bigrams)
    missing = sorted(set((a, b) for a, b, _, _ in trigrams) - bigram_keys)
    for a, b in missing:
        bigrams.append((a, b, uni[a][1] + uni[b][0], 0.0))
    bigrams.sort()
    stats["prefix bigrams added for trigrams"] = len(missing)
    del bigram_keys

    # unk penalty: the lowest real-word unigram log10 prob
    real = [uni[i][0] for i in range(n_words) if words[i] not in ("<s>", "</s>", "<unk>")]
    unk_log10 = f32(uni[unk][0]) if unk is not None else f32(min(real))

    word_bits = max(1, (n_words - 1).bit_length())
    if word_bits > 24:
        sys.exit("vocabulary too large for the 32-bit entry packing")
    prob_bits = 32 - word_bits

    bi_probs = [p for _, _, p, _ in bigrams]
    bi_bos = [bo for _, _, _, bo in bigrams]
    tri_probs = [p for _, _, _, p in trigrams]
    bi_prob_cb = lloyd_codebook(bi_probs, 1 << prob_bits)
    bi_bo_cb = lloyd_codebook(bi_bos, 1 << BACKOFF_BITS, force_zero=True)
    tri_prob_cb = lloyd_codebook(tri_probs, 1 << prob_bits)
    enc_bp, enc_bb, enc_tp = encoder(bi_prob_cb), encoder(bi_bo_cb), encoder(tri_prob_cb)
    bp_codes = [enc_bp(v) for v in bi_probs]
    bb_codes = [enc_bb(v) for v in bi_bos]
    tp_codes = [enc_tp(v) for v in tri_probs]
    stats["bigram prob quantisation (%d bits)" % prob_bits] = quant_stats(bi_probs, bp_codes, bi_prob_cb)
    stats["bigram backoff quantisation (%d bits)" % BACKOFF_BITS] = quant_stats(bi_bos, bb_codes, bi_bo_cb)
    stats["trigram prob quantisation (%d bits)" % prob_bits] = quant_stats(tri_probs, tp_codes, tri_prob_cb)
    del bi_probs, bi_bos, tri_probs

    n_bi, n_tri = len(bigrams), len(trigrams)

    # CSR: unigram -> bigram range
    uni_next = [0] * (n_words + 1)
    for a, _, _, _ in bigrams:
        uni_next[a + 1] += 1
    for i in range(n_words):
        uni_next[i + 1] += uni_next[i]
    # CSR: bigram -> trigram range
    bi_index = {(a, b): i for i, (a, b, _, _) in enumerate(bigrams)}
    tri_count = [0] * n_bi
    for a, b, _, _ in trigrams:
        tri_count[bi_index[(a, b)]] += 1
    del bi_index
    # Only bigrams with trigrams get a range: a bitmap marks them, a rank
    # directory (set bits before each 64-bit word) numbers them, and
    # trigram_next holds the ranges of the numbered ones.
    n_words64 = (n_bi + 63) // 64
    has_tri = [0] * n_words64
    tri_rank = [0] * n_words64
    tri_next = [0]
    for i, c in enumerate(tri_count):
        if c:
            has_tri[i >> 6] |= 1 << (i & 63)
            tri_next.append(tri_next[-1] + c)
    rank = 0
    for j in range(n_words64):
        tri_rank[j] = rank
        rank += bin(has_tri[j]).count("1")
    assert tri_next[-1] == len(trigrams)
    stats["bigrams with trigrams"] = len(tri_next) - 1
    del tri_count

    bi_entry = [(b << prob_bits) | c for (_, b, _, _), c in zip(bigrams, bp_codes)]
    tri_entry = [(c3 << prob_bits) | c for (_, _, c3, _), c in zip(trigrams, tp_codes)]

    bi_skip = [bi_entry[j] >> prob_bits for j in range(0, n_bi, BLOCK)]
    tri_skip = [tri_entry[j] >> prob_bits for j in range(0, n_tri, BLOCK)]

    word_bytes = b"".join(w.encode("utf-8") for w in words)
    word_offsets = [0]
    for w in words:
        word_offsets.append(word_offsets[-1] + len(w.encode("utf-8")))

    sections = {
        "bigram_prob_codebook": struct.pack("<%df" % len(bi_prob_cb), *bi_prob_cb),
        "bigram_backoff_codebook": struct.pack("<%df" % len(bi_bo_cb), *bi_bo_cb),
        "trigram_prob_codebook": struct.pack("<%df" % len(tri_prob_cb), *tri_prob_cb),
        "unigram_prob": struct.pack("<%df" % n_words, *(p for p, _ in uni)),
        "unigram_backoff": struct.pack("<%df" % n_words, *(b for _, b in uni)),
        "unigram_next": struct.pack("<%dI" % (n_words + 1), *uni_next),
        "bigram_entry": struct.pack("<%dI" % n_bi, *bi_entry),
        "bigram_backoff": struct.pack("<%dH" % n_bi, *bb_codes),
        "bigram_skip": struct.pack("<%dI" % len(bi_skip), *bi_skip),
        "bigram_has_trigrams": struct.pack("<%dQ" % n_words64, *has_tri),
        "bigram_trigram_rank": struct.pack("<%dI" % n_words64, *tri_rank),
        "trigram_next": struct.pack("<%dI" % len(tri_next), *tri_next),
        "trigram_entry": struct.pack("<%dI" % n_tri, *tri_entry),
        "trigram_skip": struct.pack("<%dI" % len(tri_skip), *tri_skip),
        "word_offsets": struct.pack("<%dI" % (n_words + 1), *word_offsets),
        "word_bytes": word_bytes,
    }

    body = bytearray()
    table = []
    pos = HEADER_LEN
    for name in SECTION_NAMES:
        data = sections[name]
        pad = (-pos) % ALIGN
        body += b"\0" * pad
        pos += pad
        table.append((pos, len(data)))
        body += data
        pos += len(data)
    total = HEADER_LEN + len(body)

    header = bytearray()
    header += MAGIC
    header += struct.pack(
        "<IIIIIIIIIIfIII",
        FORMAT_VERSION,
        HEADER_LEN,
        total,
        n_words,
        n_bi,
        n_tri,
        word_bits,
        BACKOFF_BITS,
        bos,
        eos,
        unk_log10,
        unk if unk is not None else 0xFFFFFFFF,
        len(tri_next) - 1,
        BLOCK,
    )
    header += bytes.fromhex(sha256(source))
    header += struct.pack("<I", len(SECTION_NAMES))
    for off, length in table:
        header += struct.pack("<II", off, length)
    assert len(header) <= HEADER_LEN, len(header)
    header += b"\0" * (HEADER_LEN - len(header))
    out = bytes(header) + bytes(body)
    assert len(out) == total

    tmp = out_path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(out)
    os.replace(tmp, out_path)

    stats["words"] = n_words
    stats["bigrams"] = n_bi
    stats["trigrams"] = n_tri
    stats["<s> id / </s> id / <unk> id"] = (bos, eos, unk)
    stats["unk_log10"] = unk_log10
    stats["sections"] = {n: t for n, t in zip(SECTION_NAMES, table)}
    stats["output bytes"] = total
    stats["output sha256"] = sha256(out)
    return stats


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", help="path to en-us.lm.bin (default: fetch pocketsphinx %s from PyPI)" % VERSION)
    ap.add_argument("--out", default=os.path.join(repo_root(), "model", "en-us.unspin-lm.bin"))
    ap.add_argument("--cache", default=os.path.join(repo_root(), "target", "lm-source"))
    args = ap.parse_args()
    if args.source:
        with open(args.source, "rb") as f:
            source = f.read()
    else:
        source = fetch_source(args.cache)
    if sha256(source) != SOURCE_SHA256:
        sys.exit("source sha256 %s, expected %s" % (sha256(source), SOURCE_SHA256))
    stats = build(source, args.out)
    for k, v in stats.items():
        print("%s: %s" % (k, v))


if __name__ == "__main__":
    main()
