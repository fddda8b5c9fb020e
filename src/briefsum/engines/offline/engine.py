"""The offline engine: an extractive graded summariser with a swappable sentence scorer."""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from ...brief import AlignedSentence, GradeResult, Translation
from ...errors import BackendError
from ...grading.budgets import GradeSpec, effective_budgets, fill_nested, truncate_to_words
from ...grading.deletion import doc_counts as _doc_counts
from ...grading.rules import compress
from ...text.segment import Document, count_words
from ...text.words import STOP_WORDS as _STOP
from ...text.words import WORD as _TOKEN
from ..base import EngineResult, Translator
from .labels import LABEL_WORDS as _LABEL_WORDS
from .labels import TOPIC_FORM as _TOPIC_FORM
from .labels import proper_noun_form
from .planning import BRIEF_POOL, brief_candidates
from .scoring import CentralityScorer, Scores, SentenceScorer, cosine, tfidf_vectors


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



class ExtractiveEngine:
    """Rank sentences, fill nested grade budgets in the source language, then translate what was chosen."""

    name = "offline"

    def __init__(self, scorer: SentenceScorer, redundancy: float = 0.6, headline_target: int | None = None,
                 headline_fit_margin: float = 0.0, headline_label: float | None = None,
                 label_langs: Sequence[str] = ("fr",), compressor=None):
        self.scorer = scorer
        # Parse-based learned compression (briefsum.grading.compressor.LearnedCompressor) for the languages it covers:
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
