#!/usr/bin/env python3
"""Spin clean text the way article spinners do, to make spun/original pairs.

A simulator of the spinners described in /work/shared/SPINNER.md (summarised
in corpus/README.md). It walks synonym sets, longest phrases first; a key
matches on word boundaries, lower case or with its first letter capitalised
(ALL CAPS never); lower-case words touching a hyphen are left alone,
capitalised ones are not; replaced text is sealed (later keys neither match
inside it nor overlap it).

Where the synonym sets come from (--sets):
  news-spinner     the project's own table read backwards (each candidate
                   original is a key, its spun forms the alternatives): tests
                   the decisions on forms the tables know, not coverage;
  wordnet, moby    the synonym sets of scripts/dict/lexicons.py
                   (wordnet_sets(), moby_sets()), made into a spinner's
                   thesaurus: surface forms (inflected), common words only,
                   a few alternatives a set (see `thesaurus`);
  FILE             a set file, one set a line: "key | alternative | ...";
  A+B              several, walked in that order (news-spinner+wordnet: a spinner
                   of the news spinner's family with a larger thesaurus).

How it spins (the two spinner families of SPINNER.md and their options):
  --directions keys   the first member of a set is the key (the seed spinner);
               both   every member is a key (the second spinner);
  --choice article    one replacement per form for the whole article, every
                      occurrence replaced (the seed spinner);
           occurrence a fresh draw per occurrence, the form itself included
                      (the second spinner);
  --quotes spin|keep  spin inside quotation marks or leave quotes alone;
  --rate R            the share of keys replaced: per article, a key left alone
                      throughout; per occurrence, an occurrence left alone;
  --case copy         a capitalised match gets a capitalised replacement;
         sentence     replacements in lower case, then the text is
                      re-capitalised after every . ! ? (the second spinner);
  --digits none|single|all
                      single: a lone digit becomes its word and two..nine
                      become digits ("3,500" -> "three,500", "3:54pm" ->
                      "three:54pm", "four" -> "4"); all: two-digit numbers
                      are spelt out too ("3.62" -> "three.sixty two").

Output: JSON Lines {"id","spun","original"}: whole articles (--unit article)
or passages of whole paragraphs of about --min-words..--max-words words cut
from the spun article (--unit passage): the spinner sees the whole article,
the pipeline a paragraph. Inputs: JSON Lines {"id","text"} (like
corpus/brown-press.jsonl) or plain text files (one article each).
--docs odd|even keeps the documents whose id ends in an odd or even number
(Brown: tune on even, test on odd). Deterministic for a given --seed.

Usage:
    python3 scripts/corpus/spin.py corpus/brown-press.jsonl --sets wordnet \\
        --directions both --choice occurrence --case sentence --seed 1 > pairs.jsonl
    python3 scripts/corpus/spin.py corpus/brown-press.jsonl --stats ...  (rates only)
"""
import argparse
import array
import json
import os
import random
import re
import struct
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
NEWS_SPINNER = os.path.join(ROOT, "dictionaries", "news-spinner.tsv")
WORD = re.compile(r"[0-9A-Za-z\u00C0-\u024F]+(?:['\u2019][0-9A-Za-z\u00C0-\u024F]+)*")
MEMBER = re.compile(r"[a-z]+(?:'[a-z]+)?(?: [a-z]+(?:'[a-z]+)?)*")
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]
# Closed-class words, never a key or an alternative of a lexicon's set: a spinner's sets are
# of content words and phrases (Moby relates "he" to "you" and "in" to "on"; WordNet has
# "can" the tin and "will" the testament).
CLOSED = set("""
a an the this that these those some any each every either neither no not nor all both
i me my mine we us our ours you your yours he him his she her hers it its they them their
theirs who whom whose which what whoever one ones oneself myself yourself himself herself
itself ourselves themselves
of in on at to for from by with about as into onto upon over under out off up down through
across along around after before behind below above beside between beyond during except
inside outside near past since till until toward towards via within without against among
and or but so yet if then than because although though while whereas unless whether
be am is are was were been being have has had having do does did done doing
will would shall should can could may might must ought need dare
there here where when why how very too also just only even still ever never
""".split())
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def unigrams(path=os.path.join(ROOT, "model", "en-us.unspin-lm.bin")):
    """word -> log10 unigram probability, from the shipped language model (see src/model.rs)."""
    b = open(path, "rb").read()
    n = struct.unpack_from("<I", b, 20)[0]
    sec = [struct.unpack_from("<II", b, 100 + 8 * i) for i in range(16)]
    prob, offs = array.array("f"), array.array("I")
    prob.frombytes(b[sec[3][0]:sec[3][0] + sec[3][1]])
    offs.frombytes(b[sec[14][0]:sec[14][0] + sec[14][1]])
    words = b[sec[15][0]:sec[15][0] + sec[15][1]]
    return {words[offs[i]:offs[i + 1]].decode(): prob[i] for i in range(n)}


# --- the spinner's thesaurus -------------------------------------------------

def news_spinner_sets(path):
    """The table read backwards: [original, spun form, ...] for each lower-case original."""
    sets = {}
    for line in open(path, encoding="utf-8"):
        if not line.strip() or line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        for c in (c.strip() for c in f[1].split("|")):
            if c == c.lower():
                sets.setdefault(c, [c]).append(f[0])
    return list(sets.values())


def file_sets(path):
    out = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("#"):
            out.append([m.strip() for m in line.split("|") if m.strip()])
    return out


def lexicons():
    """scripts/dict/lexicons.py of this tree (or of the directory in $UNSPIN_LEXICONS)."""
    sys.path.insert(0, os.environ.get("UNSPIN_LEXICONS", os.path.join(ROOT, "scripts", "dict")))
    import lexicons as lx  # noqa: E402 (found at run time)

    return lx


def wordnet_word_sets():
    """(pos, [word, synonym, ...]) for each word of WordNet: the other members of the word's
    most frequent synset (SemCor counts; ties: where the word is listed first)."""
    lx = lexicons()
    counts = lx.wordnet_sense_counts()
    best = {}
    for n, s in enumerate(lx.wordnet_synsets()):
        if len(s.words) < 2:
            continue
        for i, w in enumerate(s.words):
            rank = (counts.get((w, s.pos, s.offset), 0), i == 0, -n)
            if w not in best or rank > best[w][0]:
                best[w] = (rank, s)
    return [({"n": "NOUN", "v": "VERB"}.get(s.pos), [w] + [m for m in s.words if m != w])
            for w, (_, s) in best.items()]


def moby_word_sets():
    """(None, [head, related, ...]) for each Moby entry, the related words kept only where
    the relation is mutual (each lists the other: synonyms rather than associations), the
    closest first (cosine of the two entries' lists)."""
    lx = lexicons()
    index = lx.moby_index()
    out = []
    for s in lx.moby_sets():
        head = s[0].lower()
        mine = index.get(head, frozenset())

        def close(m):
            theirs = index.get(m.lower(), frozenset())
            return len(mine & theirs) / max(1.0, (len(mine) * len(theirs)) ** 0.5)

        mutual = [m for m in s[1:] if head in index.get(m.lower(), ())]
        out.append((None, [s[0]] + sorted(mutual, key=close, reverse=True)))
    return out


def inflections(phrase, pos):
    """{tag: inflected phrase} (the head inflected: the first word of a verb phrase, the last
    of a noun phrase), with lemminflect; {} when it cannot say."""
    try:
        from lemminflect import getAllInflections
    except ImportError:
        return {}
    words = phrase.split(" ")
    head = 0 if pos == "VERB" else len(words) - 1
    out = {}
    for tag, forms in getAllInflections(words[head], upos=pos).items():
        out[tag] = " ".join(words[:head] + [forms[0]] + words[head + 1:])
    return out


def thesaurus(word_sets, common, both, key_logp, alt_logp, max_alts):
    """A spinner's thesaurus made of a lexicon's (pos, [word, synonym, ...]) sets.

    Members in lower case of at most four words, each known to the language model, no
    closed-class word (CLOSED); the key common (log10 unigram >= key_logp), the alternatives
    fairly common (>= alt_logp), at most max_alts of them in the lexicon's order (closest
    first). Sets are walked from the commonest key down; with both directions every word is
    a key of its own set, with keys only a word already an alternative of an earlier set is
    not a key. Each set also gives its inflections where every member inflects alike
    (lemminflect, as a verb or a noun: the given part of speech, or both when none is given):
    "say | state" -> "said | stated", "says | states", "saying | stating"."""
    def logp(m):
        return min(common.get(w, -99.0) for w in m.split(" "))

    groups = []
    for pos, s in word_sets:
        members = []
        for m in s:
            m = " ".join(m.split())
            if (MEMBER.fullmatch(m) and len(m.split(" ")) <= 4 and m not in members
                    and m not in CLOSED):
                members.append(m)
        if len(members) < 2 or logp(members[0]) < key_logp:
            continue
        alts = [m for m in members[1:] if logp(m) >= alt_logp]
        if alts:
            groups.append((pos, [members[0]] + alts[:max_alts]))
    groups.sort(key=lambda g: -logp(g[1][0]))
    out, alternatives = [], set()
    for pos, group in groups:
        if not both and group[0] in alternatives:
            continue
        alternatives.update(group[1:])
        out.append(group)
        for p in [pos] if pos else ["VERB", "NOUN"]:
            forms = [inflections(m, p) for m in group]
            for tag in forms[0]:
                if all(tag in f for f in forms):
                    inflected = [f[tag] for f in forms]
                    if inflected != group and len(set(inflected)) == len(inflected):
                        out.append(inflected)
    return out


def keymap(sets, both):
    """key -> alternatives: the first set that holds a key wins (the spinner walks its
    sets in order and seals what it replaced)."""
    out = {}
    for s in sets:
        for i, k in enumerate(s if both else s[:1]):
            if k not in out:
                out[k] = [m for m in s if m != k]
    return {k: v for k, v in out.items() if v}


def number_word(n):
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return TEENS[n - 10]
    return TENS[n // 10] + ("" if n % 10 == 0 else " " + DIGITS[n % 10])


# --- spinning ------------------------------------------------------------------

def quoted(text):
    """Character ranges inside quotation marks (curly pairs, or straight ones taken in turn)."""
    spans, open_at = [], None
    for m in re.finditer(r"[\u201c\u201d\"]", text):
        q = m.group()
        if q == "\u201c" or (q == '"' and open_at is None):
            open_at = m.end()
        elif open_at is not None:
            spans.append((open_at, m.start()))
            open_at = None
    return spans


class Spinner:
    def __init__(self, keys, rng, choice="article", quotes="spin", case="copy", digits="none",
                 rate=1.0):
        self.keys, self.rng, self.rate = keys, rng, rate
        self.choice, self.quotes, self.case, self.digits = choice, quotes, case, digits
        self.longest = max((len(k.split(" ")) for k in keys), default=1)

    def draw(self, key, chosen):
        alts = self.keys[key]
        if self.choice == "occurrence":
            if self.rate < 1.0 and self.rng.random() >= self.rate:
                return None
            pick = self.rng.choice([key] + alts)
            return None if pick == key else pick
        if key not in chosen:
            # At a rate below 1 a key is left alone in the whole article.
            spun = self.rate >= 1.0 or self.rng.random() < self.rate
            chosen[key] = self.rng.choice(alts) if spun else None
        return chosen[key]

    def number(self, tok, chosen):
        """The replacement of a digit token or number word under --digits, or None."""
        if self.digits == "none":
            return None
        if tok.isdigit() and len(tok) <= (1 if self.digits == "single" else 2) and (
                len(tok) == 1 or tok[0] != "0"):
            return number_word(int(tok))
        low = tok.lower()
        if low in DIGITS[2:] and (tok == low or tok == low.capitalize()):
            if self.choice == "occurrence" and self.rng.random() < 0.5:
                return None
            return str(DIGITS.index(low))
        return None

    def spin(self, text):
        toks = [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
        sealed = [False] * len(toks)
        if self.quotes == "keep":
            spans = quoted(text)
            for i, (s, e, _) in enumerate(toks):
                sealed[i] = any(a <= s and e <= b for a, b in spans)
        edits, chosen = [], {}
        for n in range(self.longest, 0, -1):
            for i in range(len(toks) - n + 1):
                if any(sealed[i:i + n]):
                    continue
                s, e = toks[i][0], toks[i + n - 1][1]
                words = [t[2] for t in toks[i:i + n]]
                if any(not text[toks[j][1]:toks[j + 1][0]].isspace() for j in range(i, i + n - 1)):
                    continue
                first = words[0]
                key = " ".join([first.lower()] + words[1:])
                cap = first != key.split(" ")[0]
                if cap and first != first[0].upper() + first[1:].lower():
                    continue  # ALL CAPS or mixed case: never
                if any(w != w.lower() for w in words[1:]):
                    continue
                touches = text[s - 1:s] == "-" or text[e:e + 1] == "-"
                if touches and not cap:
                    continue
                rep = None
                if key in self.keys:
                    rep = self.draw(key, chosen)
                elif n == 1:
                    rep = self.number(first, chosen)
                if rep is None:
                    continue
                if cap and self.case == "copy":
                    rep = rep[0].upper() + rep[1:]
                sealed[i:i + n] = [True] * n
                edits.append((s, e, rep))
        out, at = [], 0
        for s, e, rep in sorted(edits):
            out += [text[at:s], rep]
            at = e
        out.append(text[at:])
        out = "".join(out)
        if self.case == "sentence":
            out = re.sub(r"(^|[.!?][\"'\u201d\u2019)]*\s+[\"'\u201c\u2018(]*)([a-z])",
                         lambda m: m.group(1) + m.group(2).upper(), out)
        return out


def paragraphs(text):
    return [p for p in re.split(r"\n\s*\n|\n", text)]


def passages(spun, original, min_words, max_words):
    """Aligned passages of whole paragraphs of about min..max words (the spinner keeps the
    line breaks, so the paragraphs of the spun article are those of the original)."""
    sp, op = paragraphs(spun), paragraphs(original)
    if len(sp) != len(op):
        return
    cur_s, cur_o = [], []
    for s, o in zip(sp, op):
        n = len(WORD.findall(o))
        if n == 0:
            continue
        if cur_o and sum(len(WORD.findall(x)) for x in cur_o) + n > max_words:
            cur_s, cur_o = [], []
        cur_s.append(s)
        cur_o.append(o)
        if sum(len(WORD.findall(x)) for x in cur_o) >= min_words:
            yield "\n\n".join(cur_s), "\n\n".join(cur_o)
            cur_s, cur_o = [], []


def documents(paths, which):
    for path in paths:
        if path.endswith(".jsonl"):
            docs = [(d["id"], d["text"]) for d in map(json.loads, open(path, encoding="utf-8"))]
        else:
            docs = [(os.path.basename(path).split("_")[0], open(path, encoding="utf-8").read())]
        for doc_id, text in docs:
            num = re.search(r"(\d+)\D*$", doc_id)
            if which != "all" and num and int(num.group(1)) % 2 != (which == "odd"):
                continue
            yield doc_id, text


def spinner_keys(sets, directions, table=NEWS_SPINNER, key_logp=-5.5, alt_logp=-5.5,
                 max_alts=4, common=None):
    """The spinner's keys (key -> alternatives) for --sets: news-spinner, wordnet, moby, a set
    FILE, or several joined by "+" (walked in that order: "news-spinner+wordnet" is a spinner
    of the news spinner's family with a larger thesaurus)."""
    both = directions == "both"
    keys = {}
    for source in sets.split("+"):
        if source == "news-spinner":
            part = keymap(news_spinner_sets(table), both)
        elif source in ("wordnet", "moby"):
            word_sets = wordnet_word_sets() if source == "wordnet" else moby_word_sets()
            part = keymap(thesaurus(word_sets, common or unigrams(), both, key_logp, alt_logp,
                                    max_alts), False)  # each word has its own set already
        else:
            part = keymap(file_sets(source), both)
        for k, v in part.items():
            keys.setdefault(k, v)
    return keys


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("docs", nargs="+")
    ap.add_argument("--sets", default="news-spinner",
                    help="news-spinner, wordnet, moby or a set FILE, or several joined by +")
    ap.add_argument("--table", default=NEWS_SPINNER)
    ap.add_argument("--directions", choices=["keys", "both"], default="keys")
    ap.add_argument("--choice", choices=["article", "occurrence"], default="article")
    ap.add_argument("--quotes", choices=["spin", "keep"], default="spin")
    ap.add_argument("--case", choices=["copy", "sentence"], default="copy")
    ap.add_argument("--digits", choices=["none", "single", "all"], default="none")
    ap.add_argument("--rate", type=float, default=1.0,
                    help="share of keys replaced (per article or per occurrence, as --choice)")
    ap.add_argument("--key-logp", type=float, default=-5.5, help="commonest key: log10 unigram")
    ap.add_argument("--alt-logp", type=float, default=-5.5, help="commonest alternative")
    ap.add_argument("--max-alts", type=int, default=4)
    ap.add_argument("--unit", choices=["article", "passage"], default="article")
    ap.add_argument("--min-words", type=int, default=30)
    ap.add_argument("--max-words", type=int, default=80)
    ap.add_argument("--docs", dest="which", choices=["all", "odd", "even"], default="all")
    ap.add_argument("--limit", type=int, default=0, help="at most this many outputs per document")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dump-keys", action="store_true", help="print the spinner's keys and stop")
    ap.add_argument("--stats", action="store_true", help="print the share of words changed and stop")
    a = ap.parse_args()
    keys = spinner_keys(a.sets, a.directions, a.table, a.key_logp, a.alt_logp, a.max_alts)
    if a.dump_keys:
        for k in sorted(keys):
            print(k + " | " + " | ".join(keys[k]))
        return
    rng = random.Random(a.seed)
    words = changed = 0
    for doc_id, text in documents(a.docs, a.which):
        spinner = Spinner(keys, rng, a.choice, a.quotes, a.case, a.digits, a.rate)
        spun = spinner.spin(text)
        if a.stats:
            from difflib import SequenceMatcher
            o, s = WORD.findall(text), WORD.findall(spun)
            same = sum(b.size for b in SequenceMatcher(None, o, s, autojunk=False).get_matching_blocks())
            words, changed = words + len(o), changed + len(o) - same
            continue
        units = [(spun, text)] if a.unit == "article" else passages(spun, text, a.min_words, a.max_words)
        for k, (s, o) in enumerate(units):
            if a.limit and k >= a.limit:
                break
            unit_id = doc_id if a.unit == "article" else f"{doc_id}-p{k}"
            print(json.dumps({"id": unit_id, "spun": s, "original": o}, ensure_ascii=False))
    if a.stats:
        print(f"{len(keys)} keys; {changed} of {words} words changed ({changed / max(words, 1):.1%})")


if __name__ == "__main__":
    main()
