"""Learned sentence compression by deleting parse subtrees.

A sentence parsed by the parse layer (`briefsum.text.parse.Parsed`) offers *candidates*: subtrees a modifier heads
(adverbials, obliques, noun modifiers, relative and adverbial clauses, appositions, conjuncts, parentheticals...),
each with the punctuation that sets it off, and, where the root is a verb of saying after the quoted clause, the
attribution around that clause. A candidate whose deletion would remove the root, its subject, a finite verb
of the main clause, a negation or a number the sentence is about, would split a pair of quotes or brackets, or
would cut words out of a quotation, is never offered. A tree model (trained by training/train_compressor.py on
OrangeSum train: which subtrees the human title / abstract left out of the sentence it rewrites; LightGBM exported
to numpy arrays) gives each candidate a probability of deletion; compression deletes the likeliest ones under the
length and probability rules of its caller, never leaving neighbours French would spell otherwise
(`briefsum.grading.wellformed`) nor deleting a modifier whose loss changes what the sentence says
(`briefsum.grading.meaning`). The result is always a subsequence of the sentence's tokens (the first
letter may be capitalised).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from ..text.parse import Parsed
from ..text.words import WORD
from .meaning import changes_meaning, cuts_a_bound
from .misparse import (DEMONSTRATIVES, SUBJECTS, bare_infinitive, bare_nominal, hides_a_main_verb, misread_label,
                       misread_modifier, misread_verbless, spans_a_colon, strands_a_neighbour, takes_the_subject,
                       trusted_root, verb_read_as_adverb)
from .wellformed import joins_well, parts_a_pair, present_participle, required, second_aside

# Dependency labels whose subtree may go.
DELETABLE: tuple[str, ...] = ("advmod", "advcl", "obl:mod", "obl:agent", "nmod", "acl", "acl:relcl", "appos", "amod",
                              "parataxis", "conj", "vocative", "dep", "attrib")
_POS: tuple[str, ...] = ("NOUN", "PROPN", "VERB", "ADJ", "ADV", "ADP", "NUM", "PRON", "AUX", "DET")
_CORE = frozenset({"nsubj", "nsubj:pass", "obj", "iobj", "ROOT", "obl:arg", "xcomp", "ccomp"})
_CLAUSE = frozenset({"ccomp", "parataxis", "advcl", "xcomp", "conj"})
_SAY = frozenset("""déclarer dire affirmer expliquer indiquer assurer souligner estimer préciser annoncer rapporter
ajouter confier reconnaître écrire raconter avertir prévenir lancer insister répondre commenter détailler juger
noter observer rappeler regretter résumer révéler martèler marteler poursuivre conclure""".split())
_PUNCT_OPEN = {"«": "»", "(": ")", "[": "]", "“": "”"}
_QUOTES = {"«": "»", "“": "”"}
# Pronouns that cannot stand without their complement ("similaires à celui [retrouvé chez M. Soros]", "l'un [des
# plus grandes universités]"): the demonstratives and "un" as a pronoun.
_ONE = frozenset({"un", "une"})  # ...when a pronoun
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_TITLE_WORDS = 5  # a quotation this short, without a finite verb, is kept whole or deleted whole
# French function words that never count as content when deletion labels and features are made.
LABEL_STOP_WORDS = frozenset("""le la les l un une des du de d et ou mais donc or ni car que qu qui quoi dont où
à au aux en dans par pour sur sous avec sans ce cet cette ces son sa ses leur leurs se s il elle ils elles on nous vous je tu me te
lui y ne pas plus est sont été être a ont avait avoir fait comme aussi très bien tout tous""".split())

FEATURES: tuple[str, ...] = (
    *(f"dep_{d}" for d in DELETABLE), *(f"pos_{p}" for p in _POS), *(f"gov_{p}" for p in _POS),
    "gov_root", "gov_subj", "gov_core", "depth", "tokens", "words", "log_words", "share", "start", "end",
    "at_start", "at_end", "comma_before", "comma_after", "set_off", "ents", "has_per", "has_org", "has_loc",
    "has_misc", "numbers", "quote", "finite", "verbs", "sent_words", "n_cands", "first_rate", "first_seen",
    "gov_rate", "gov_seen", "head_rate", "head_seen", "doc_tf_mean", "doc_tf_max", "doc_new", "key_share",
)


@dataclass
class Candidate:
    """A deletable part of a sentence: the token indices it removes, the token heading it, its kind."""

    tokens: frozenset[int]
    head: int
    kind: str  # a dependency label of DELETABLE


def _depth(p: Parsed, i: int) -> int:
    d, seen = 0, set()
    while p.head[i] != i and i not in seen:
        seen.add(i)
        i = p.head[i]
        d += 1
    return d


def _balanced(p: Parsed, toks: set[int]) -> bool:
    """Whether removing these tokens leaves every quote and bracket pair whole (both gone or both kept)."""
    for o, c in _PUNCT_OPEN.items():
        if sum(p.text[i] == o for i in toks) != sum(p.text[i] == c for i in toks):
            return False
    return sum(p.text[i].count('"') for i in toks) % 2 == 0  # a mark may be glued into a word: l'"invraisemblable


def quotations(p: Parsed) -> list[tuple[int, int]]:
    """The quoted spans of a sentence, as the indices of their opening and closing marks: « », “ ” and straight
    quotes paired in order. A quote opened and not closed in the sentence runs to its end; one closed and not
    opened in it (a quotation begun in an earlier sentence) runs from its start; so does a lone straight quote
    glued to the word before it and not to the one after ('baissé", a dit')."""
    n = len(p)
    spans: list[tuple[int, int]] = []
    opened: list[tuple[str, int]] = []
    straight: int | None = None
    closers = {c: o for o, c in _QUOTES.items()}
    for i, t in enumerate(p.text):
        if t != '"' and '"' in t:  # a straight quote glued into a word (l'"invraisemblable, vérité")
            if t.endswith('"') and straight is None:
                spans.append((-1, i))
            elif straight is None:
                straight = i
            else:
                spans.append((straight, i))
                straight = None
        elif t == '"':
            if straight is None and i > 0 and not p.ws[i - 1] and (i + 1 == n or p.ws[i] or p.is_punct(i + 1)):
                spans.append((-1, i))  # glued to the word before it and not to the one after: a closing mark
            elif straight is None:
                straight = i
            else:
                spans.append((straight, i))
                straight = None
        elif t in _QUOTES:
            opened.append((t, i))
        elif t in closers:
            j = next((k for k in range(len(opened) - 1, -1, -1) if opened[k][0] == closers[t]), None)
            if j is None:
                spans.append((-1, i))
            else:
                spans.append((opened[j][1], i))
                del opened[j:]
    spans += [(i, n) for _, i in opened]
    if straight is not None:
        spans.append((straight, n))
    return spans


def _glued(p: Parsed, i: int) -> bool:
    """Whether tokens i and i + 1 are parts of one written word (no space between, neither a separator)."""
    def wordish(t: str) -> bool:
        return bool(WORD.search(t)) or t in ("-", "'", "’", "/", "&")

    return not p.ws[i] and wordish(p.text[i]) and wordish(p.text[i + 1])


def _needs_its_complement(p: Parsed, h: int) -> bool:
    lemma = p.lemma[h].lower()
    return lemma in DEMONSTRATIVES or (lemma in _ONE and p.pos[h] == "PRON")


def protected(p: Parsed) -> set[int]:
    """Tokens no deletion may remove: the roots, their subjects, the finite verbs and auxiliaries of the main
    clause, negations, numbers the sentence is about (on the root or one of its core arguments), and the words
    before a root that is an infinitive alone (`misparse.bare_infinitive`)."""
    keep: set[int] = set()
    roots = [i for i in range(len(p)) if p.head[i] == i]
    keep.update(roots)
    kids = p.children()
    for r in roots:
        if bare_infinitive(p, kids, r):
            keep.update(range(r))  # what stands before an infinitive makes it a sentence ("[De quoi] inquiéter")
    for i in range(len(p)):
        h = p.head[i]
        if h in roots and (p.dep[i] in SUBJECTS or p.dep[i].startswith("aux") or p.dep[i] == "cop"
                           or p.finite[i]):
            keep.add(i)
        if p.negation(i):
            keep.add(i)
        if p.number[i] and (h in roots or (p.dep[h] in _CORE and p.head[h] in roots)):
            keep.add(i)
    return keep


def _with_its_commas(p: Parsed, toks: set[int], keep: set[int]) -> set[int]:
    """A contiguous span with the punctuation that sets it off: the commas (or dashes) on both sides of it, but
    after an opening phrase (no subject nor finite verb before it) the comma closing that phrase stays; the one
    before it alone before the sentence's end, a closing mark or a conjunction, or when the span holds its own
    closing comma; the one after it at the sentence's start."""
    n = len(p)
    toks = set(toks)
    lo, hi = min(toks), max(toks)
    if hi > lo and p.text[lo] == p.text[hi] == "," and (_opening(p, lo) or second_aside(p, toks, hi)):
        return toks - {lo}  # an aside holding both its commas, after an opening phrase: the phrase keeps its own
    before, after = lo - 1, hi + 1
    if before >= 0 and p.text[before] in (",", "–", "—") and before not in keep:
        if after < n and p.text[after] == p.text[before] and after not in keep:
            # an aside after an opening phrase leaves the comma that closes the phrase ("Produite en Turquie[, à
            # Izmit], la Hyundai ..."); one after the subject takes both ("Le ministre[, visiblement ému,] a signé")
            toks.update((after,) if p.text[before] == "," and (_opening(p, before) or second_aside(p, toks, after))
                        else (before, after))
        elif after >= n or (p.text[hi] == p.text[before] and not (p.text[hi] == "," and second_aside(p, toks, hi))) \
                or p.pos[after] == "CCONJ" or \
                (p.is_punct(after) and p.text[after] not in (",", "–", "—", "(", "«", "“")):
            toks.add(before)  # ... or a list's member before its last ("tué, [démembré] et brûlé")
        # else the comma sets off more than the span ("Le ministre, [visiblement] ému, a signé") or closes what came
        # before it ("Dans l'hypothèse où ..., [alors] Jean-Luc Mélenchon arriverait"): it stays
    elif before < 0 and after < n and p.text[after] == ",":
        toks.add(after)
    return toks


def _opening(p: Parsed, comma: int) -> bool:
    """Whether the words before a comma are an opening phrase: more than punctuation, no subject, no finite verb,
    no conjunction last, and the root of the sentence after them ("Dimanche 19 janvier, ...", not "Au menu : un
    plan ... et, surtout, ...")."""
    return any(not p.is_punct(i) for i in range(comma)) and p.pos[comma - 1] != "CCONJ" and \
        any(p.head[i] == i for i in range(comma + 1, len(p))) and \
        not any(p.finite[i] or p.dep[i] in SUBJECTS or p.head[i] == i for i in range(comma))


def candidates(p: Parsed, fixed: frozenset[tuple[str, str]] = frozenset()) -> list[Candidate]:
    """The deletable subtrees of a sentence (the module's docstring), each once; `fixed`: pairs never parted."""
    n = len(p)
    if n == 0:
        return []
    kids = p.children()
    roots = [i for i in range(n) if p.head[i] == i]
    if any(p.dep[k] == "mark" for r in roots for k in kids[r]):
        return []  # a root under a subordinating conjunction: a misparse, or what is left would be a fragment
    if not all(trusted_root(p, kids, r) for r in roots) or any(verb_read_as_adverb(p, i) for i in range(n)) or \
            misread_verbless(p, roots):
        return []
    keep = protected(p)
    first_root = roots[0]
    quoted = quotations(p)
    names = p.entities()
    out: dict[frozenset[int], Candidate] = {}

    def offer(toks: set[int], head: int, kind: str) -> None:
        if not toks or toks & keep or len(toks) >= n or not _balanced(p, toks):
            return
        lo, hi = min(toks), max(toks)
        if len(toks) != hi - lo + 1:
            return  # not a contiguous span (a non-projective parse)
        if any(s < e and lo < e and hi >= s and not (lo <= s and hi >= e - 1) for s, e, _ in names):
            return  # never part of a name ("France [Inter]"): a named entity goes whole or stays whole
        for a, b in quoted:
            # never words cut out of a quotation but its tail: what is kept of it is what was said, from its start
            if (a < lo < b or a < hi < b) and not all(p.is_punct(i) for i in range(hi + 1, b)):
                return
            if a < lo < b and sum(_LETTER.search(p.text[i]) is not None for i in range(a + 1, lo)) < 2:
                return  # and a tail only where two words of it stay ('"hedge [funds]"')
            if (a < lo < b or a < hi < b) and _words(p, range(a + 1, b)) <= _TITLE_WORDS and \
                    not any(p.finite[i] for i in range(a + 1, b)):
                return  # and none of a short one without a verb, a name or a title ('"Présidentielle : [candidats]"')
            # nor all of it, leaving its marks around nothing ("une « » rapide")
            inside = [i for i in range(a + 1, b) if not p.is_punct(i)]
            if inside and all(i in toks for i in inside) and not (a in toks or b in toks):
                return
        if all(p.is_punct(i) for i in toks) or hides_a_main_verb(p, kids, toks) or strands_a_neighbour(p, toks) or \
                takes_the_subject(p, kids, toks, first_root) or cuts_a_bound(p, toks) or \
                spans_a_colon(p, toks):
            return
        # never part of a written word ("Kassym-Jomart", "l'agence"): no space between it and a kept word
        if (lo > 0 and _glued(p, lo - 1)) or (hi + 1 < n and _glued(p, hi)):
            return
        # never a determiner's noun: a determiner before the span whose noun is in it or before it would be left
        # dangling ("plusieurs [pays d'Asie] ont entamé")
        if lo > 0 and p.pos[lo - 1] == "DET" and p.head[lo - 1] <= hi:
            return
        toks = _with_its_commas(p, toks, keep)
        if any(not p.is_punct(i) for i in range(n) if i not in toks):
            out.setdefault(frozenset(toks), Candidate(frozenset(toks), head, kind))

    for i in range(n):
        if p.head[i] == i or i in keep:
            continue
        dep = p.dep[i]
        if dep in DELETABLE and not (dep == "nummod" and p.number[i] and i in keep) and \
                not bare_nominal(p, kids, i) and not misread_label(p, i) and not misread_modifier(p, kids, i) and \
                not _needs_its_complement(p, p.head[i]) and not required(p, kids, i) and \
                not changes_meaning(p, kids, i) and not parts_a_pair(p, kids, i, fixed):
            offer(Parsed.subtree(kids, i), i, dep)
    # A verb of saying as the root, after the clause it reports ("Le pays a signé l'accord, a rapporté X"): the
    # attribution goes, the reported clause stays.
    for r in (i for i in range(n) if p.head[i] == i):
        if p.lemma[r].lower() not in _SAY:
            continue
        for c in kids[r]:
            if p.dep[c] in _CLAUSE and c < r:
                clause = Parsed.subtree(kids, c)
                if not any(p.finite[i] for i in clause) or len(clause) < 4:
                    continue
                rest = set(range(n)) - clause
                rest = {i for i in rest if not (i == n - 1 and p.is_punct(i))}  # the final full stop stays
                if rest and not any(p.negation(i) for i in rest) and _balanced(p, rest):
                    toks = rest
                    if min(rest) > max(clause) and _balanced(p, toks):
                        out.setdefault(frozenset(toks), Candidate(frozenset(toks), r, "attrib"))
    return list(out.values())


def _subject_before(p: Parsed, i: int, comma: int) -> bool:
    """Whether token i is a finite verb (or auxiliary) whose clause's subject stands before the comma."""
    if not p.finite[i]:
        return False
    verb = p.head[i] if p.dep[i].startswith("aux") or p.dep[i] == "cop" else i
    return any(p.dep[k] in SUBJECTS and p.head[k] == verb and k < comma for k in range(comma))


def realise(p: Parsed, deleted: set[int]) -> tuple[str, list[int]]:
    """The sentence without the deleted tokens, its punctuation tidied (no doubled or leading comma, none
    before the full stop); the text and the indices of the tokens it keeps."""
    kept = [i for i in range(len(p)) if i not in deleted]
    spans = quotations(p) if deleted else []
    opens = {a for a, _ in spans if a >= 0}
    closes = {b for _, b in spans if b < len(p)}
    out: list[int] = []
    for i in kept:
        t = p.text[i]
        if t == "," and i > 0 and (i - 1) in deleted:
            # "X, [deleted], Y": the comma that opened the aside went with it; this one closes nothing now
            j = i - 1
            while j >= 0 and j in deleted and p.text[j] != ",":
                j -= 1
            if j >= 0 and j in deleted and not (i + 1 < len(p) and present_participle(p, i + 1)):
                continue  # the deleted run next to it began with a comma (a participle's clause keeps it)
            if out and out[-1] == j and p.text[j] == ",":
                out.pop()  # an aside between two commas, gone in several deletions: both commas go
                continue
        if t in (",", ";", ":") and (not out or p.text[out[-1]] in (",", ";", ":", "(", "«", "–", "—")
                                     or (out[-1] in opens and (i - 1) in deleted)):
            continue  # leading, after another separator or where deleted words followed a quotation's opening
        if (t in (".", "!", "?", ")", "»", ",", ";") or i in closes) and out and \
                p.text[out[-1]] in (",", ";", ":", "–", "—"):
            out.pop()  # a separator left dangling before the end or a closing mark
        if out and p.text[out[-1]] == "," and (i - 1) in deleted and _subject_before(p, i, out[-1]):
            out.pop()  # "Le jeune homme, [ancien habitant ...,] a été interpellé": no comma between subject and verb
        out.append(i)
    while out and p.text[out[-1]] in (",", ";", ":", "–", "—"):
        out.pop()
    text = ""
    for j, i in enumerate(out):
        text += p.text[i]
        if j + 1 < len(out):
            # keep the source's spacing, but a space where deleted tokens stood between two words
            nxt = out[j + 1]
            if nxt == i + 1:
                text += p.ws[i]
            elif p.text[nxt] in (",", ".", ")", "…"):
                text += ""
            elif nxt in closes:
                text += p.ws[nxt - 1]  # the source's spacing before a quotation's closing mark
            elif i in opens:
                text += p.ws[i]  # and after its opening one
            else:
                text += p.ws[i] or p.ws[nxt - 1] or " "
    text = text.strip()
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text, out


def _words(p: Parsed, toks) -> int:
    return sum(1 for i in toks if _LETTER.search(p.text[i]))


def features(p: Parsed, cands: Sequence[Candidate], lexicon: dict[str, dict[str, tuple[float, float]]],
             doc_tf: Counter | None = None, keywords: frozenset[str] = frozenset()) -> np.ndarray:
    """One row of FEATURES per candidate. lexicon: per feature family ('first', 'gov', 'head'), lower-case word
    -> (deletion rate, log count) learned on the training data. doc_tf: the article's word counts (lower-case
    \\w+), keywords: its recurring content words."""
    n = len(p)
    total = max(1, _words(p, range(n)))
    x = np.zeros((len(cands), len(FEATURES)))
    dep_ix = {d: k for k, d in enumerate(DELETABLE)}
    pos_ix = {q: k for k, q in enumerate(_POS)}
    nd, npos = len(DELETABLE), len(_POS)
    roots = {i for i in range(n) if p.head[i] == i}
    prior = lexicon.get("prior", {}).get("", (0.5, 0.0))

    def rate(family: str, word: str) -> tuple[float, float]:
        return lexicon.get(family, {}).get(word.lower(), (prior[0], 0.0))

    for k, c in enumerate(cands):
        toks = sorted(c.tokens)
        lo, hi = toks[0], toks[-1]
        h = c.head
        g = p.head[h]
        row = x[k]
        row[dep_ix[c.kind]] = 1
        if p.pos[h] in pos_ix:
            row[nd + pos_ix[p.pos[h]]] = 1
        if p.pos[g] in pos_ix:
            row[nd + npos + pos_ix[p.pos[g]]] = 1
        b = nd + 2 * npos
        w = _words(p, toks)
        content = [p.text[i].lower() for i in toks
                   if _LETTER.search(p.text[i]) and p.text[i].lower() not in LABEL_STOP_WORDS]
        first = next((p.text[i] for i in toks if WORD.search(p.text[i])), "")
        tfs = [math.log1p(doc_tf.get(t, 0)) for t in content] if doc_tf is not None else []
        ents = [p.ent[i] for i in toks if p.ent[i]]
        fr, fs = rate("first", first)
        gr, gs = rate("gov", p.lemma[g])
        hr, hs = rate("head", p.lemma[h])
        row[b:] = (
            g in roots, p.dep[g] in SUBJECTS, p.dep[g] in _CORE, _depth(p, h), len(toks), w, math.log1p(w), w / total,
            lo / n, hi / n, lo == 0, hi >= n - 2, lo > 0 and p.text[lo - 1] == ",",
            hi + 1 < n and p.text[hi + 1] == ",", p.text[lo] == "," or (lo > 0 and p.text[lo - 1] == ","),
            len(ents), "PER" in ents, "ORG" in ents, "LOC" in ents, "MISC" in ents,
            sum(p.number[i] for i in toks), any(p.text[i] in "«»\"“”" for i in toks), any(p.finite[i] for i in toks),
            sum(p.pos[i] == "VERB" for i in toks), total, len(cands), fr, fs, gr, gs, hr, hs,
            float(np.mean(tfs)) if tfs else 0.0, max(tfs, default=0.0),
            float(np.mean([t == 0.0 for t in tfs])) if tfs else 0.0,
            sum(t in keywords for t in content) / max(1, len(content)),
        )
    return x


def deletion_labels(p: Parsed, cands: Sequence[Candidate], reference: str) -> np.ndarray:
    """1 for a candidate the reference leaves out: fewer than half its content words (any words, if it has no
    content word) are in the reference (lower-case \\w+ words)."""
    ref = {w.lower() for w in WORD.findall(reference)}
    y = np.zeros(len(cands))
    for k, c in enumerate(cands):
        ws = [p.text[i].lower() for i in c.tokens if _LETTER.search(p.text[i])]
        content = [w for w in ws if w not in LABEL_STOP_WORDS] or ws
        y[k] = float(sum(w in ref for w in content) < 0.5 * len(content)) if content else 1.0
    return y


def _likeliest_first(probs: np.ndarray, cands: Sequence[Candidate]) -> list[int]:
    """The candidates' indices, likeliest deletion first (the earlier span first on ties)."""
    return sorted(range(len(cands)), key=lambda k: (-probs[k], min(cands[k].tokens)))


def compress_parsed(p: Parsed, probs: np.ndarray, cands: Sequence[Candidate], threshold: float,
                    target: int | None = None, floor: float = 0.0, min_words: int = 4) -> tuple[str, list[int]]:
    """Delete candidates, likeliest first: every one whose probability reaches `threshold`, and, while the
    sentence is longer than `target` words, those reaching `floor`; never below `min_words` words. The text
    and the kept token indices."""
    from ..text.segment import count_words

    deleted: set[int] = set()
    order = _likeliest_first(probs, cands)
    words_now = count_words(realise(p, deleted)[0])
    for k in order:
        c = cands[k]
        if c.tokens <= deleted:
            continue
        want = probs[k] >= threshold or (target is not None and words_now > target and probs[k] >= floor)
        if not want:
            if probs[k] < min(threshold, floor if target is not None else threshold):
                break
            continue
        trial = deleted | c.tokens
        n = count_words(realise(p, trial)[0])
        if n < min_words or not joins_well(p, trial):
            continue
        deleted, words_now = trial, n
    return realise(p, deleted)


def _step(p: Parsed, cand: Candidate, deleted: set[int], min_words: int) -> tuple[set[int], str] | None:
    """Deleting cand as well: the tokens then deleted and the text, or None when it adds nothing, leaves fewer
    than min_words words or joins words badly."""
    from ..text.segment import count_words

    if cand.tokens <= deleted:
        return None
    trial = deleted | cand.tokens
    text = realise(p, trial)[0]
    return (trial, text) if count_words(text) >= min_words and joins_well(p, trial) else None


def deletion_path(p: Parsed, probs: np.ndarray, cands: Sequence[Candidate], floor: float,
                  min_words: int = 4, value: Callable[[str], float] | None = None) -> list[str]:
    """The sentence shortened one deletion at a time among the candidates reaching `floor` (never below
    `min_words` words): the text after each deletion, longest first. Each step deletes the likeliest candidate
    left, or, with `value`, the one whose result `value` rates highest (the likelier candidate on ties). Each
    text is a subsequence of the sentence, and each holds the next one's words."""
    deleted: set[int] = set()
    out: list[str] = []
    order = [k for k in _likeliest_first(probs, cands) if probs[k] >= floor]
    if value is None:
        for k in order:
            step = _step(p, cands[k], deleted, min_words)
            if step is not None:
                deleted, text = step
                out.append(text)
        return out
    while True:
        steps = [st for st in (_step(p, cands[k], deleted, min_words) for k in order) if st is not None]
        if not steps:
            return out
        deleted, text = max(steps, key=lambda st: value(st[1]))  # the first of the best
        out.append(text)


def doc_counts(texts: Sequence[str]) -> tuple[Counter, frozenset[str]]:
    """An article's word counts (lower-case \\w+) and its recurring content words (the ten most frequent words of
    four letters or more that occur at least twice), as the candidate features read them."""
    tf = Counter(w.lower() for t in texts for w in WORD.findall(t))
    keys = [w for w, c in sorted(tf.items(), key=lambda kv: (-kv[1], kv[0])) if c >= 2 and len(w) >= 4
            and not w.isdigit()][:10]
    return tf, frozenset(keys)
