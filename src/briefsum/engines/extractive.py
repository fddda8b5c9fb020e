"""The offline engine: an extractive graded summariser with a swappable sentence scorer."""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Protocol, Sequence

import numpy as np

from ..brief import AlignedSentence, GradeResult, Translation
from ..compress import compress
from ..deletion import doc_counts as _doc_counts
from ..errors import BackendError
from ..grades import GradeSpec, effective_budgets, fill_nested, truncate_to_words
from ..text.segment import Document, count_words
from .base import EngineResult, Translator


_TOKEN = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset("""
le la les l un une des du de d et ou mais donc or ni car que qu qui quoi dont où à au aux en dans par pour sur
sous avec sans ce cet cette ces son sa ses leur leurs se s il elle ils elles on nous vous je tu me te lui y ne pas
plus est sont été être a ont avait avoir fait comme aussi très bien tout tous toute toutes même entre après avant
the a an and or but of to in on at for with by from as is are was were be been being it its this that these those
he she they we you i his her their our your not no have has had do does did will would can could should may might
""".split())


@dataclass
class Scores:
    """Per-sentence scores: one for choosing the headline, one for filling the other grades."""

    headline: np.ndarray
    body: np.ndarray
    # A learned length decision: sentences whose body score is below `stop` are left out of the shortest
    # body grade (the brief); longer grades still fill their budgets with them. None: fill every budget.
    stop: float | None = None
    notes: list[str] = field(default_factory=list)  # anything the result's warnings should say
    # A learned choice of the brief: sets(order, seed, candidates) scores candidate sets of sentences (each
    # holding `seed`; `order` ranks sentences by body score), higher is better. None: fill by `stop`.
    sets: "Callable[[Sequence[int], Sequence[int], Sequence[Sequence[int]]], np.ndarray] | None" = None
    sets_budget: int = 0  # ...used for a shortest body grade of at most this many words (what it was trained for)
    # The probability that a human title uses each of the document's words (lower-case), when the scorer knows it.
    title_words: "dict[str, float] | None" = None


# Candidate briefs for a learned brief choice: the seed (the headline's sentence) plus up to BRIEF_MAX_SENTENCES
# in all from the BRIEF_POOL best body sentences.
BRIEF_POOL = 6
BRIEF_MAX_SENTENCES = 3


def brief_candidates(order: Sequence[int], lengths: dict[int, int], budget: int, seed: Sequence[int],
                     redundant: "Callable[[int, list[int]], bool] | None" = None,
                     max_sentences: int | None = None) -> list[tuple[int, ...]]:
    """Every set of sentences that holds `seed`, adds at most a few of the best-ranked others, fits `budget`
    words and repeats no sentence (redundant(i, chosen)); in a fixed order, sorted indices each."""
    seed = list(dict.fromkeys(seed))
    limit = min(BRIEF_MAX_SENTENCES, max_sentences or BRIEF_MAX_SENTENCES)
    base_words = sum(lengths[i] for i in seed)
    if len(seed) > limit or base_words > budget:
        return []
    top = [i for i in order if i not in seed][:BRIEF_POOL]
    out: list[tuple[int, ...]] = []
    for k in range(0 if seed else 1, limit - len(seed) + 1):
        for extra in itertools.combinations(top, k):
            if base_words + sum(lengths[i] for i in extra) > budget:
                continue
            chosen = list(seed)
            ok = True
            for i in extra:
                if redundant is not None and redundant(i, chosen):
                    ok = False
                    break
                chosen.append(i)
            if ok:
                out.append(tuple(sorted(chosen)))
    return out


class SentenceScorer(Protocol):
    """Anything that scores the sentences of a document (higher is better)."""

    name: str

    def score(self, doc: Document) -> Scores: ...


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens without stop words."""
    return [t for t in _TOKEN.findall(text.lower()) if t not in _STOP and not t.isdigit() or len(t) > 3 and t.isdigit()]


def tfidf_vectors(sentences: Sequence[str]) -> list[dict[str, float]]:
    """L2-normalised sparse TF-IDF vectors of the sentences, IDF counted over the sentences themselves."""
    toks = [tokens(s) for s in sentences]
    df = Counter(t for ts in toks for t in set(ts))
    n = len(sentences)
    out: list[dict[str, float]] = []
    for ts in toks:
        vec = {t: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[t])) + 1) for t, c in Counter(ts).items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out.append({t: v / norm for t, v in vec.items()})
    return out


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Dot product of two normalised sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def centrality(vectors: list[dict[str, float]]) -> np.ndarray:
    """Mean cosine similarity of each sentence to the others, in linear time (through the vectors' sum)."""
    n = len(vectors)
    if n < 2:
        return np.zeros(n)
    total: Counter = Counter()
    for v in vectors:
        total.update(v)
    # sum_j cos(i, j) = v_i · sum_j v_j; remove the self-similarity (1 for a non-empty vector).
    return np.array([(cosine(v, total) - (1.0 if v else 0.0)) / (n - 1) for v in vectors])


def cosine_matrix(sentences: Sequence[str]) -> np.ndarray:
    """Pairwise cosine similarities of the sentences' TF-IDF vectors (n x n; for documents of moderate size)."""
    vecs = tfidf_vectors(sentences)
    vocab: dict[str, int] = {}
    for v in vecs:
        for t in v:
            vocab.setdefault(t, len(vocab))
    m = np.zeros((len(vecs), max(1, len(vocab))))
    for i, v in enumerate(vecs):
        for t, w in v.items():
            m[i, vocab[t]] = w
    sim = m @ m.T
    if len(vecs) == 1:
        sim[0, 0] = 1.0
    return sim


def _minmax(x: np.ndarray) -> np.ndarray:
    if x.size == 0:
        return x
    lo, hi = float(x.min()), float(x.max())
    return np.zeros_like(x) if hi - lo < 1e-12 else (x - lo) / (hi - lo)


class CentralityScorer:
    """Untrained scorer: TF-IDF centrality mixed with a news position prior."""

    name = "centrality"

    def __init__(self, position_weight: float = 0.35):
        self.position_weight = position_weight

    def score(self, doc: Document) -> Scores:
        n = len(doc.sentences)
        if n == 0:
            return Scores(np.zeros(0), np.zeros(0))
        cent = centrality(tfidf_vectors([s.text for s in doc.sentences]))
        pos = np.array([1.0 / math.sqrt(1 + i) for i in range(n)])
        words = np.array([s.words for s in doc.sentences], dtype=float)
        length_ok = np.clip(words / 12.0, 0, 1)  # very short sentences carry little
        body = ((1 - self.position_weight) * _minmax(cent) + self.position_weight * pos) * length_ok
        # Headline: favour early sentences of headline-like length.
        fit = np.exp(-((words - 18.0) / 14.0) ** 2)
        head = (0.5 * _minmax(cent) + 0.5 * pos) * (0.5 + 0.5 * fit) * length_ok
        return Scores(head, body)


def make_scorer(name: str, options: dict | None = None) -> SentenceScorer:
    """Build the configured scorer ('learned' or 'centrality')."""
    options = options or {}
    if name == "centrality":
        return CentralityScorer(position_weight=float(options.get("position_weight", 0.35)))
    if name == "learned":
        from .learned import LearnedScorer

        return LearnedScorer.load(options.get("model_path"))
    from ..errors import ConfigError

    raise ConfigError(f"config: unknown offline scorer '{name}' (use 'learned' or 'centrality')")


_TOPIC_FORM = re.compile(r"^\W*(?:\w+\W+){0,3}?\w+\s*:(?!\d)")  # a headline opening with a few words and a colon
_AFTER_START = frozenset(".!?:;«»\"“”'‘’([-–—…")

_LABEL_WORDS = 4  # the longest topic label, in words (a translated one may grow)
_COMPOUND = re.compile(r"\w+(?:-\w+)*")  # a word with its hyphenated parts ("Hauts-de-France")
# Particles that join the parts of a person's name when written capitalised inside it ("Marine Le Pen").
_PARTICLES = frozenset("le la de du des di da del della van von der ben el al".split())
# A medium cited rather than a topic: a one-word name or a title with its article right after these words
# ("selon Le Parisien", "rapporte Le Figaro", "d'après RTL"), after these and "de" ("au micro de RTL"), or after a
# verb of saying or showing and then "à"/"au"/"sur" ("a confié à BFMTV", "a annoncé sur Twitter").
_SOURCE_BEFORE = frozenset("selon rapporte rapportent révèle révèlent écrit titre".split())
_SOURCE_OF = frozenset("micro antenne auprès".split())
_SOURCE_VERBS = frozenset("""confié confiée déclaré déclarée expliqué expliquée indiqué indiquée raconté racontée
affirmé affirmée assuré assurée précisé précisée interrogé interrogée invité invitée annoncé annoncée publié
publiée""".split())
# Offices a name completes ("ministre de l'Intérieur", "ministère du Travail", "secrétaire d'État").
_OFFICES = frozenset("ministre ministère ministres secrétaire".split())


def _source_cue(before: Sequence[str]) -> bool:
    """Whether the lower-case words right before a name present it as a source (see _SOURCE_BEFORE)."""
    if not before:
        return False
    if before[-1] in _SOURCE_BEFORE or list(before[-2:]) == ["d", "après"]:
        return True
    if len(before) > 1 and before[-1] in ("de", "du", "d") and before[-2] in _SOURCE_OF:
        return True
    verb = next((i for i in range(len(before) - 1, -1, -1) if before[i] in _SOURCE_VERBS), None)
    return verb is not None and bool({"à", "au", "aux", "sur"}.intersection(before[verb + 1:]))


def _office_cue(before: Sequence[str]) -> bool:
    """Whether the lower-case words right before a name make it part of an office (see _OFFICES)."""
    return (len(before) > 1 and before[-2] in _OFFICES and before[-1] in ("de", "du", "des", "d")) or \
        (len(before) > 2 and before[-3] in _OFFICES and before[-2] == "de" and before[-1] in ("l", "la"))


def proper_noun_form(word: str, texts: Sequence[str], avoid: "set[str] | frozenset[str]" = frozenset(),
                     longest: int = 3) -> str | None:
    """How the texts name what `word` (lower-case) belongs to when they treat it as a proper noun: most of its
    occurrences capitalised, at least one of them inside a sentence (not first, nor after an opening quote, a
    colon, a dash or a bracket). The name is the word's hyphenated compound with the capitalised compounds right
    next to it (at most `longest`, none of them a stop word but a capitalised particle inside a name: "Carlos
    Ghosn", "Hauts-de-France", "Marine Le Pen"), or the compound alone where the name would repeat a word of
    `avoid`. Its most frequent spelling, else None. None too where at least half its capitalised occurrences
    present a source or an office rather than a topic: a medium cited ("selon Le Parisien", "sur RTL", "a confié
    à BFMTV", "rapporte Le Figaro"), part of an office ("ministre de l'Intérieur")."""
    forms: Counter = Counter()
    total = capital = aside = 0
    inside = False

    def opens(text: str, start: int) -> bool:  # first in its sentence, or after a quote, colon, dash, bracket
        before = text[:start].rstrip()
        if len(before) > 1 and before[-1] in "'’" and before[-2].isalpha():
            return False  # an elided article or preposition ("l'Élysée", "d'Air France"), not a quote
        return not before or before[-1] in _AFTER_START

    # compounds written capitalised inside a sentence somewhere: only those may join a name where a sentence opens
    inner = {m.group(0).lower() for text in texts for m in _COMPOUND.finditer(text)
             if m.group(0)[:1].isupper() and not opens(text, m.start())}
    for text in texts:
        parts = [(m.start(), m.end(), m.group(0)) for m in _COMPOUND.finditer(text)]

        def joins(a: int, b: int) -> bool:  # compounds a < b are next to each other, one space apart
            return text[parts[a][1]:parts[b][0]] == " "

        def words_before(j: int) -> list[str]:
            return [c.lower() for _, _, c in parts[max(0, j - 4):j]]

        def name_like(j: int) -> bool:  # not a word that completes an office ("l'Intérieur Christophe ...")
            c = parts[j][2]
            return c[:1].isupper() and c.lower() not in _STOP and (c.lower() in inner or
                                                                  not opens(text, parts[j][0])) \
                and not _office_cue(words_before(j))

        def particle(j: int) -> bool:  # a particle in title case ("Le" of "Le Pen", not "LE")
            c = parts[j][2]
            return c[:1].isupper() and c[1:].islower() and c.lower() in _PARTICLES

        def joined_by_particle(a: int, p: int, b: int) -> bool:  # a particle p between a and b, in title case
            return particle(p) and joins(min(a, b), p) and joins(p, max(a, b)) and name_like(b) \
                and not parts[a][2].isupper() and not parts[b][2].isupper()

        for k, (start, end, comp) in enumerate(parts):
            if word not in comp.lower().split("-"):
                continue
            total += 1
            piece = next(x for x in comp.split("-") if x.lower() == word)
            if not piece[:1].isupper():
                continue
            capital += 1
            inside = inside or not opens(text, start)
            lo = hi = k
            while hi - lo + 1 < longest and hi + 1 < len(parts) and joins(hi, hi + 1):
                if name_like(hi + 1):
                    hi += 1
                elif hi - lo + 2 < longest and hi + 2 < len(parts) and joined_by_particle(hi, hi + 1, hi + 2):
                    hi += 2
                else:
                    break
            while hi - lo + 1 < longest and lo > 0 and joins(lo - 1, lo):
                if name_like(lo - 1):
                    lo -= 1
                elif hi - lo + 2 < longest and lo > 1 and joined_by_particle(lo, lo - 1, lo - 2):
                    lo -= 2
                else:
                    break
            # a title with its article ("Le Parisien") reads the cue before the article
            titled = lo > 0 and joins(lo - 1, lo) and particle(lo - 1) and parts[lo - 1][2].lower() in ("le", "la")
            if ((lo == hi or titled) and _source_cue(words_before(lo - 1 if titled else lo))) \
                    or _office_cue(words_before(lo)):
                aside += 1  # "selon Le Parisien", "a confié à BFMTV", "ministre de l'Intérieur"
            name = text[parts[lo][0]:parts[hi][1]]
            if avoid and any(w.lower() in avoid for w in _TOKEN.findall(name) if w.lower() != word):
                name = comp
            forms[name] += 1
    if not inside or 2 * capital <= total or 2 * aside >= capital:
        return None
    return forms.most_common(1)[0][0]


class ExtractiveEngine:
    """Rank sentences, fill nested grade budgets in the source language, then translate what was chosen."""

    name = "offline"

    def __init__(self, scorer: SentenceScorer, redundancy: float = 0.6, headline_target: int | None = None,
                 headline_fit_margin: float = 0.0, headline_label: float | None = None,
                 label_langs: Sequence[str] = ("fr",), compressor=None):
        self.scorer = scorer
        # Parse-based learned compression (briefsum.compressor.LearnedCompressor) for the languages it covers:
        # the headline's sentence and the brief's sentences; None, or another language: the rules of compress.
        self.compressor = compressor
        # Topic label before the headline ("Ghosn : ..."): the proper noun of the brief that a human title most
        # likely uses, by the scorer's title-word probabilities, when that is at least headline_label (None: off)
        # and the article's language is one of label_langs.
        self.headline_label = headline_label
        self.label_langs = tuple(label_langs)
        self.redundancy = redundancy
        self.headline_target = headline_target  # compress the headline while it is longer than this
        # A sentence that compresses within the headline budget wins over a better-scored one that would have
        # to be cut, when its headline score is at most this much lower (the scorer's units).
        self.headline_fit_margin = headline_fit_margin

    def run(self, doc: Document, grades: Sequence[GradeSpec], target: str | None,
            translator: Translator | None, want_translation: bool) -> EngineResult:
        warnings: list[str] = list(getattr(self.scorer, "notices", []))
        src = doc.lang
        translate = translator is not None and target is not None and target != src
        out_lang = target if translate else src
        sents = doc.sentences
        scores = self.scorer.score(doc)
        warnings.extend(scores.notes)
        cands = [s.index for s in sents if not s.heading and s.words > 0] or [s.index for s in sents if s.words > 0]
        vecs = tfidf_vectors([s.text for s in sents])

        def redundant(i: int, chosen: list[int]) -> bool:
            return any(cosine(vecs[i], vecs[j]) >= self.redundancy for j in chosen)

        total_words = sum(sents[i].words for i in cands)
        budgets = effective_budgets(grades, total_words)
        lowered = [g.name for g, b in zip(grades, budgets) if b < g.max_words and total_words > b]
        if lowered:
            warnings.append(f"{' and '.join(lowered)}: budget lowered to {budgets[-1]} words "
                            f"for an article of {total_words} words")
        body_order = sorted(cands, key=lambda i: (-scores.body[i], i))
        head_spec = next((g for g in grades if g.max_sentences == 1 or g.compress), None)
        non_head = [g for g in grades if g is not head_spec]
        head_idx: int | None = None
        compressed: dict[int, str] = {}
        learned = self.compressor is not None and self.compressor.covers(src)
        if self.compressor is not None and not learned and src in getattr(self.compressor, "langs", ()):
            warnings.append("the parse layer (spaCy) is not installed: compression used the rules")
        doc_tf, keywords = _doc_counts([s.text for s in sents]) if learned else (None, frozenset())

        def headline_form(i: int) -> str:
            if i not in compressed:
                text = None
                if learned and getattr(self.compressor, "head_after_rules", False):
                    # the rules as they are; the learned deletions only where the rules leave it over budget
                    base = compress(sents[i].text, src, head_spec.max_words, target_words=self.headline_target)
                    text = base if count_words(base) <= head_spec.max_words else \
                        self.compressor.headline(base, src, head_spec.max_words, doc_tf, keywords,
                                                 target=head_spec.max_words)
                elif learned:
                    # the rules' sure cuts first (asides, connectives, attributions), then the learned deletions
                    base = compress(sents[i].text, src, head_spec.max_words, target_words=head_spec.max_words)
                    text = self.compressor.headline(base, src, head_spec.max_words, doc_tf, keywords)
                compressed[i] = text or compress(sents[i].text, src, head_spec.max_words,
                                                 target_words=self.headline_target)
            return compressed[i]

        brief_forms: dict[int, str] = {}  # source sentence -> its compressed form for the brief (learned only)

        def brief_form(i: int) -> str:
            if i not in brief_forms:
                out = self.compressor.sentences([sents[i].text], src, doc_tf, keywords) if learned else None
                brief_forms[i] = out[0].text if out else sents[i].text
            return brief_forms[i]

        if head_spec is not None:
            room = min([b for g, b in zip(grades, budgets) if g is not head_spec] or [10**9])
            pool = [i for i in cands if sents[i].words <= room] or cands
            ranked = sorted(pool, key=lambda i: (-scores.headline[i], i))
            head_idx = ranked[0]
            # The margin is in the learned scorer's units (its headline ranker); other scorers ignore it.
            margin = self.headline_fit_margin if self.scorer.name == "learned" else 0.0
            if head_spec.compress and margin > 0:
                for i in ranked[:8]:
                    if scores.headline[ranked[0]] - scores.headline[i] > margin:
                        break
                    if count_words(headline_form(i)) <= head_spec.max_words:
                        head_idx = i
                        break

        src_len = {s.index: s.words for s in sents}
        nb = [b for g, b in zip(grades, budgets) if g is not head_spec]
        seed = [head_idx] if head_idx is not None and non_head and src_len[head_idx] <= min(nb) else []
        max_sents = [g.max_sentences for g in non_head]

        def plan_grades(order: list[int], lengths: dict[int, int], seed: list[int],
                        short: "Callable[[int], int] | None" = None) -> list[list[int]]:
            """The grades' sentences; short(i): the words of sentence i compressed for the brief, where the brief
            compresses (then the brief, once chosen, is refilled up to its budget with compressed sentences)."""
            first: list[int] | None = None
            if scores.sets is not None and nb and nb[0] <= scores.sets_budget:
                # The shortest body grade (the brief) is the best-scored candidate set.
                options = brief_candidates(order, lengths, nb[0], seed, redundant, max_sents[0])
                if options:
                    first = sorted(options[int(np.argmax(scores.sets(order, seed, options)))])
            if first is None:
                if scores.stop is None or not nb:
                    return fill_nested(order, lengths, nb, seed=seed, max_sentences=max_sents, redundant=redundant)
                # Or it takes only sentences scored at or above `stop` (at least one).
                keep = [i for i in order if scores.body[i] >= scores.stop] or order[:1]
                first = fill_nested(keep, lengths, nb[:1], seed=seed, max_sentences=max_sents[:1],
                                    redundant=redundant)[0]
                if not first:
                    first = fill_nested(order, lengths, nb[:1], seed=seed, max_sentences=max_sents[:1],
                                        redundant=redundant)[0]
            if short is not None and nb:
                first = self._refill(first, order, lengths, short, nb, max_sents[0], redundant)
            # The longer grades then grow from it as usual, so nesting holds.
            rest = fill_nested(order, lengths, nb[1:], seed=first, max_sentences=max_sents[1:],
                               redundant=redundant) if len(nb) > 1 else []
            return [first] + rest

        brief_compress = learned and self.compressor.sentences([], src) is not None
        plan = plan_grades(body_order, src_len, seed,
                           (lambda i: count_words(brief_form(i))) if brief_compress else None)

        # Translate what the grades use plus ranked reserves (translation changes lengths), or
        # everything when the full translation is wanted; the compressed headline goes in the same batch.
        chosen = {i for p in plan for i in p} | ({head_idx} if head_idx is not None else set())
        if want_translation and translate:
            needed = [s.index for s in sents]
        else:
            needed_set = set(chosen)
            reserve_words, reserve_n = 0, 0
            for i in body_order:
                if reserve_words >= max(nb or [0]) and reserve_n >= 5:
                    break
                if i not in needed_set:
                    needed_set.add(i)
                    reserve_words += src_len[i]
                    reserve_n += 1
            needed = sorted(needed_set)
        head_src = None
        if head_spec is not None and head_idx is not None:
            head_src = headline_form(head_idx) if head_spec.compress else sents[head_idx].text
        ents = None
        if learned and getattr(self.compressor, "label_ner", False) and plan:
            # the brief's named entities (the parse layer's NER): only a word inside one may label the headline
            ents = set()
            for i in plan[0]:
                p = self.compressor.parsed(sents[i].text, src)
                for a, b, _ in (p.entities() if p is not None else []):
                    ents.update(w.lower() for w in _TOKEN.findall(p.span_text(a, b)))
        label = self._label(doc, scores, plan[0] if plan else [], head_src, ents) if head_src is not None else None
        label_out = label
        tr: dict[int, str] = {}
        head_out = head_src
        forms_src = [i for i in (plan[0] if plan else []) if brief_compress and brief_form(i) != sents[i].text]
        tr_forms: dict[int, str] = {}
        if translate:
            extra = ([head_src] if head_src is not None else []) + ([label] if label else [])
            batch = [sents[i].text for i in needed] + [brief_form(i) for i in forms_src] + extra
            outs = translator.translate_sentences(batch, src, target)
            if len(outs) != len(batch):
                raise BackendError(f"translator {translator.name} returned {len(outs)} sentences for {len(batch)}")
            tr = dict(zip(needed, outs))
            tr_forms = dict(zip(forms_src, outs[len(needed):len(needed) + len(forms_src)]))
            if head_src is not None:
                head_out = outs[len(needed) + len(forms_src)]
            if label:
                label_out = outs[-1].strip().strip(".!?:;,") or None
        text_of = (lambda i: tr[i]) if translate else (lambda i: sents[i].text)
        if translate:
            # Re-fill with the target language's lengths: budgets are hard limits on the output.
            out_len = {i: count_words(tr[i]) for i in needed}
            pool = set(needed)
            order_t = [i for i in body_order if i in pool]
            seed_t = seed if seed and out_len[seed[0]] <= min(nb) else []
            if seed and not seed_t:
                warnings.append("the headline's sentence no longer fits the shorter grades once translated")
            plan = plan_grades(order_t, out_len, seed_t,
                               (lambda i: count_words(tr_forms.get(i, tr[i]))) if tr_forms else None)
        if label and not (plan and self._within(self._words(doc, plan[0]), label)):
            label_out = None  # the brief changed with the translation: the label must stay within it

        results: dict[str, GradeResult] = {}
        if head_spec is not None and head_idx is not None:
            results[head_spec.name] = self._headline(head_spec, head_idx, head_out, out_lang, warnings, label_out,
                                                     keep_form=learned and not translate and head_spec.compress)
            if head_spec.compress:
                results[head_spec.name].compression = [
                    {"index": head_idx, "compressed": True, "source_words": src_len[head_idx],
                     "words": count_words(head_src or "")}]
        if brief_compress:
            # the brief prints its sentences compressed (source language, or their compressed forms translated)
            def brief_text(i: int) -> str:
                if translate:
                    return tr_forms.get(i, tr[i])
                return brief_form(i)
        whole: list[str] = []
        for k, (g, budget, idxs) in enumerate(zip(non_head, nb, plan)):
            if brief_compress and k == 0 and idxs:
                parts = [brief_text(i) for i in idxs]
                txt = " ".join(parts)
                if count_words(txt) <= budget:
                    full = [count_words(text_of(i)) for i in idxs]
                    results[g.name] = GradeResult(g.name, txt, idxs, count_words(txt), budget, out_lang, False,
                                                  "extractive+compressed" if any(
                                                      count_words(p) < f for p, f in zip(parts, full)) else
                                                  "extractive",
                                                  [{"index": i, "compressed": count_words(p) < f, "source_words": f,
                                                    "words": count_words(p)} for i, p, f in zip(idxs, parts, full)])
                    continue
            if not idxs:
                # Nothing fits: take the best sentence and cut it, saying so.
                best = body_order[0]
                txt, cut = truncate_to_words(text_of(best), budget)
                idxs = [best]
                results[g.name] = GradeResult(g.name, txt, idxs, count_words(txt), budget, out_lang, cut)
                if cut:
                    warnings.append(f"{g.name}: no sentence fits {budget} words; the best one was cut to fit")
            else:
                txt = " ".join(text_of(i) for i in idxs)
                results[g.name] = GradeResult(g.name, txt, idxs, count_words(txt), budget, out_lang, False)
            if len(idxs) == len(cands) and not results[g.name].truncated:
                whole.append(g.name)
        if whole:
            warnings.append(f"{', '.join(whole)}: the article is shorter than the budget; "
                            f"{'it holds' if len(whole) == 1 else 'they hold'} the whole text")
        ordered = {g.name: results[g.name] for g in grades if g.name in results}

        translation = None
        if want_translation and translate:
            translation = Translation(src, target, [AlignedSentence(s.index, s.paragraph, s.text, tr[s.index])
                                                    for s in sents], translator.name)
        stats = {"candidates": len(cands), "scorer": self.scorer.name}
        return EngineResult(ordered, out_lang, translation, warnings,
                            {"scorer": self.scorer.name, **({"translator": translator.name} if translate else {})},
                            stats)

    def _label(self, doc: Document, scores: Scores, brief: Sequence[int], headline: str,
               entities: "set[str] | None" = None) -> str | None:
        """The topic label for the headline (see __init__), or None."""
        if self.headline_label is None or not scores.title_words or doc.lang not in self.label_langs or not brief:
            return None
        if _TOPIC_FORM.match(headline):  # it has a topic already ("Au menu : ...")
            return None
        used = {w.lower() for w in _TOKEN.findall(headline)}
        inside = self._words(doc, brief)
        texts = [s.text for s in doc.sentences]
        for word, p in sorted(scores.title_words.items(), key=lambda kv: (-kv[1], kv[0])):
            if p < self.headline_label:
                break
            if word in used or word not in inside or word in _STOP or len(word) < 3 or not word.isalpha():
                continue
            if entities is not None and word not in entities:
                continue
            form = proper_noun_form(word, texts, used)
            if form and not self._within(inside, form):  # the name runs outside the brief: its own compound
                form = proper_noun_form(word, texts, used, longest=1)
            if form:
                return form
        return None

    def _refill(self, first: list[int], order: Sequence[int], lengths: dict[int, int], short: Callable[[int], int],
                nb: Sequence[int], max_sentences: int | None, redundant: Callable[[int, list[int]], bool]) -> list[int]:
        """The brief's sentences plus, while their compressed forms leave room in its budget, the best-ranked
        others (of the BRIEF_POOL best) whose compressed forms fit; the whole sentences must still fit the next
        grade's budget, so that it can hold the brief."""
        if not getattr(self.compressor, "brief_refill", False):
            return first
        out = list(first)
        used = sum(short(i) for i in out)
        whole = sum(lengths[i] for i in out)
        for i in [j for j in order if j not in out][:BRIEF_POOL]:
            if max_sentences is not None and len(out) >= max_sentences:
                break
            if used + short(i) <= nb[0] and (len(nb) < 2 or whole + lengths[i] <= nb[1]) and not redundant(i, out):
                out.append(i)
                used += short(i)
                whole += lengths[i]
        return sorted(out)

    @staticmethod
    def _words(doc: Document, idxs: Sequence[int]) -> set[str]:
        return {w.lower() for i in idxs for w in _TOKEN.findall(doc.sentences[i].text)}

    @staticmethod
    def _within(words: set[str], label: str) -> bool:
        """Whether every word of the label is among these (lower-case) words."""
        return all(w.lower() in words for w in _TOKEN.findall(label))

    def _headline(self, spec: GradeSpec, idx: int, text: str, out_lang: str, warnings: list[str],
                  label: str | None = None, keep_form: bool = False) -> GradeResult:
        limit = spec.max_words
        if spec.compress and not keep_form:  # keep_form: the learned compressor's form, printed as it is
            text = compress(text, out_lang, limit, target_words=self.headline_target)
        room = limit - (count_words(label) if label else 0)
        words = count_words(text)
        # a label takes its words from the headline's budget, never the words of a headline that fits it whole
        if label and (count_words(label) > _LABEL_WORDS or room < 5 or room < words <= limit):
            label, room = None, limit
        text, cut = truncate_to_words(text, room)
        if cut:
            warnings.append(f"{spec.name}: the chosen sentence was cut to {count_words(text)} words "
                            f"to fit its {limit}-word budget")
        method = "extractive+compressed" if spec.compress else "extractive"
        if label:
            # French sets a colon off with a space on both sides; English and most others do not
            text = f"{label}{' : ' if out_lang == 'fr' else ': '}{text}"
            method += "+label"
        return GradeResult(spec.name, text, [idx], count_words(text), limit, out_lang, cut, method)
