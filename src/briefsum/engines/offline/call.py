"""One run of the offline engine on one document, step by step: score and budget, choose the headline's
sentence, plan the grades in the source language, translate what they use, plan again with the translated
lengths (budgets bind the output), then write each grade."""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np

from ...brief import AlignedSentence, GradeResult, Translation
from ...errors import BackendError
from ...grading.choice import choose_brief, choose_headline, expected_f1, rater
from ...grading.budgets import GradeSpec, effective_budgets, fill_nested, truncate_to_words
from ...grading.deletion import doc_counts
from ...grading.rules import compress, no_stop
from ...grading.wellformed import ends_open
from ...text.segment import Document, count_words, runs_in
from ...text.words import STOP_WORDS, WORD, lower_tokens
from ..base import EngineResult, Translator
from .labels import LABEL_WORDS, TOPIC_FORM, proper_noun_form
from .planning import BRIEF_POOL, brief_candidates
from .scoring import Scores, cosine, tfidf_vectors


def words_of(doc: Document, idxs: Sequence[int]) -> set[str]:
    """The lower-case words of some of a document's sentences."""
    return {w.lower() for i in idxs for w in WORD.findall(doc.sentences[i].text)}


def within(words: set[str], label: str) -> bool:
    """Whether every word of the label is among these (lower-case) words."""
    return all(w.lower() in words for w in WORD.findall(label))


class EngineCall:
    """The state one run shares between its steps. `engine` holds the settings (an ExtractiveEngine)."""

    def __init__(self, engine, doc: Document, grades: Sequence[GradeSpec], target: str | None,
                 translator: Translator | None, want_translation: bool):
        self.engine, self.doc, self.grades, self.target = engine, doc, grades, target
        self.translator, self.want_translation = translator, want_translation
        self.warnings: list[str] = list(getattr(engine.scorer, "notices", []))
        self.src = doc.lang
        self.translate = translator is not None and target is not None and target != self.src
        self.out_lang = target if self.translate else self.src
        self.sents = doc.sentences
        self.scores: Scores = engine.scorer.score(doc)
        self.warnings.extend(self.scores.notes)
        sents = self.sents
        self.cands = [s.index for s in sents if not s.heading and s.words > 0] or \
            [s.index for s in sents if s.words > 0]
        self.vecs = tfidf_vectors([s.text for s in sents])
        self._budgets()
        self.body_order = sorted(self.cands, key=lambda i: (-self.scores.body[i], i))
        self.head_spec = next((g for g in grades if g.max_sentences == 1 or g.compress), None)
        self.non_head = [g for g in grades if g is not self.head_spec]
        self.head_idx: int | None = None
        self.compressed: dict[int, str] = {}
        self.brief_forms: dict[int, str] = {}  # source sentence -> its compressed form for the brief (learned only)
        comp = engine.compressor
        self.learned = comp is not None and comp.covers(self.src)
        if comp is not None and not self.learned and self.src in getattr(comp, "langs", ()):
            self.warnings.append("the parse layer (spaCy) is not installed: compression used the rules")
        self.doc_tf, self.keywords = doc_counts([s.text for s in sents]) if self.learned else (None, frozenset())
        # the brief's forms chosen together by expected ROUGE, or each sentence cut at the abstract threshold
        self.brief_choice = getattr(comp, "brief_choice", None) if self.learned and self.scores.abstract_words \
            else None
        self.abstract_words: Mapping[str, float] | None = None  # what the brief's choice reads, once refined
        self.title_words: Mapping[str, float] | None = None  # ...and the headline's choice and label
        self.brief_compress = self.learned and (self.brief_choice is not None or
                                                comp.sentences([], self.src) is not None)
        self.src_len = {s.index: s.words for s in sents}
        self.nb = [b for g, b in zip(grades, self.budgets) if g is not self.head_spec]
        self.max_sents = [g.max_sentences for g in self.non_head]
        self.seed: list[int] = []
        self.plan: list[list[int]] = []
        self.tr: dict[int, str] = {}
        self.tr_forms: dict[int, str] = {}

    # ---- budgets and sentence forms ----------------------------------------------------------------------

    def _budgets(self) -> None:
        self.total_words = sum(self.sents[i].words for i in self.cands)
        self.budgets = effective_budgets(self.grades, self.total_words)
        lowered = [g.name for g, b in zip(self.grades, self.budgets) if b < g.max_words and self.total_words > b]
        if lowered:
            self.warnings.append(f"{' and '.join(lowered)}: budget lowered to {self.budgets[-1]} words "
                                 f"for an article of {self.total_words} words")

    def redundant(self, i: int, chosen: list[int]) -> bool:
        return any(cosine(self.vecs[i], self.vecs[j]) >= self.engine.redundancy for j in chosen)

    def headline_form(self, i: int) -> str:
        """Sentence i compressed as a headline (the learned deletions where they apply, else the rules)."""
        if i not in self.compressed:
            comp, spec, src, text = self.engine.compressor, self.head_spec, self.src, None
            sentence = self.sents[i].text
            if self.learned and getattr(comp, "head_after_rules", False):
                # the rules as they are; the learned deletions only where the rules leave it over budget
                base = compress(sentence, src, spec.max_words, target_words=self.engine.headline_target)
                text = base if count_words(base) <= spec.max_words else \
                    comp.headline(base, src, spec.max_words, self.doc_tf, self.keywords, target=spec.max_words)
            elif self.learned:
                # the rules' sure cuts first (asides, connectives, attributions), then the learned deletions
                base = compress(sentence, src, spec.max_words, target_words=spec.max_words)
                text = comp.headline(base, src, spec.max_words, self.doc_tf, self.keywords)
            self.compressed[i] = text or compress(sentence, src, spec.max_words,
                                                  target_words=self.engine.headline_target)
        return self.compressed[i]

    def brief_form(self, i: int) -> str:
        """Sentence i as the brief prints it (compressed by the learned compressor, when it compresses)."""
        if i not in self.brief_forms:
            sentence = self.sents[i].text
            out = self.engine.compressor.sentences([sentence], self.src, self.doc_tf, self.keywords) \
                if self.learned else None
            self.brief_forms[i] = out[0].text if out else sentence
        return self.brief_forms[i]

    # ---- the steps -----------------------------------------------------------------------------------------

    def choose_headline(self) -> None:
        """The headline's sentence (the best headline score among those that fit the other grades), preferring,
        within the fit margin, one that compresses within the headline budget, or chosen with its form by
        expected ROUGE where the learned compressor says so; it seeds the shorter grades."""
        spec = self.head_spec
        if spec is not None:
            room = min([b for g, b in zip(self.grades, self.budgets) if g is not spec] or [10**9])
            pool = [i for i in self.cands if self.sents[i].words <= room] or self.cands
            # a sentence holding a heading run into it ("un exercice périlleuxLa cérémonie") heads nothing
            pool = [i for i in pool if not runs_in(self.sents[i].text)] or pool
            ranked = sorted(pool, key=lambda i: (-self.scores.headline[i], i))
            self.head_idx = ranked[0]
            # The margin is in the learned scorer's units (its headline ranker); other scorers ignore it.
            margin = self.engine.headline_fit_margin if self.engine.scorer.name == "learned" else 0.0
            # (the learned choice settles the sentence and its form together; else the fit margin may move it)
            if spec.compress and not self.choose_by_expected_rouge(ranked) and margin > 0:
                for i in ranked[:8]:
                    if self.scores.headline[ranked[0]] - self.scores.headline[i] > margin:
                        break
                    if count_words(self.headline_form(i)) <= spec.max_words:
                        self.head_idx = i
                        break
        nb, h = self.nb, self.head_idx
        self.seed = [h] if h is not None and self.non_head and self.src_len[h] <= min(nb) else []

    def choose_by_expected_rouge(self, ranked: list[int]) -> bool:
        """The learned choice (grading.choice): the headline's sentence and form among the best sentences'
        forms, whole, as the rules shorten them and along the learned deletion path; False where it is off."""
        comp, spec = self.engine.compressor, self.head_spec
        choice = getattr(comp, "choice", None) if self.learned else None
        if choice is None or not self.scores.title_words:
            return False
        title_words = self.title_probabilities()
        top = float(self.scores.headline[ranked[0]])
        cands: list[tuple[int, str, float]] = []
        for i in ranked[:choice.sentences]:
            sentence, gap = self.sents[i].text, top - float(self.scores.headline[i])
            base = compress(sentence, self.src, spec.max_words, target_words=spec.max_words)
            forms = [no_stop(sentence), compress(sentence, self.src, spec.max_words,
                                                 target_words=self.engine.headline_target), base]
            forms += comp.deletion_forms(base, self.src, "title", self.doc_tf, self.keywords, choice.floor)
            if choice.search:
                forms += comp.deletion_forms(base, self.src, "title", self.doc_tf, self.keywords, choice.floor,
                                             value=rater(title_words, choice))
            fit = [f for f in dict.fromkeys(forms) if f and count_words(f) <= spec.max_words]
            # never a form left hanging on "de", "et", "est"... where the sentence offers another
            cands += [(i, f, gap) for f in ([f for f in fit if not ends_open(f, sentence)] or fit)]
        best = choose_headline(cands, title_words, choice)
        if best is None:
            return False
        self.head_idx, self.compressed[best[0]] = best
        return True

    def title_probabilities(self) -> Mapping[str, float]:
        """The probability that a human title uses each word: the word models', refined by the word prior where the
        learned compressor has one (computed once)."""
        if self.title_words is None:
            probs = self.scores.title_words or {}
            self.title_words = self.engine.compressor.word_probabilities(probs, "title", self.src) \
                if self.learned and probs else probs
        return self.title_words

    def plan_grades(self, order: list[int], lengths: dict[int, int], seed: list[int],
                    refine: "Callable[[list[int]], list[int]] | None" = None) -> list[list[int]]:
        """The grades' sentences; refine(brief): the brief's sentences once chosen, as the compressed brief
        prints them (refilled, or with its forms chosen), where the brief compresses."""
        nb, max_sents, redundant = self.nb, self.max_sents, self.redundant
        first = self._learned_brief(order, lengths, seed)
        if first is None:
            if self.scores.stop is None or not nb:
                return fill_nested(order, lengths, nb, seed=seed, max_sentences=max_sents, redundant=redundant)
            # Or it takes only sentences scored at or above `stop` (at least one).
            keep = [i for i in order if self.scores.body[i] >= self.scores.stop] or order[:1]
            first = fill_nested(keep, lengths, nb[:1], seed=seed, max_sentences=max_sents[:1],
                                redundant=redundant)[0]
            if not first:
                first = fill_nested(order, lengths, nb[:1], seed=seed, max_sentences=max_sents[:1],
                                    redundant=redundant)[0]
        if refine is not None and nb:
            first = refine(first)
        # The longer grades then grow from it as usual, so nesting holds.
        rest = fill_nested(order, lengths, nb[1:], seed=first, max_sentences=max_sents[1:],
                           redundant=redundant) if len(nb) > 1 else []
        return [first] + rest

    def _learned_brief(self, order: list[int], lengths: dict[int, int], seed: list[int]) -> list[int] | None:
        """The shortest body grade (the brief) as the best-scored candidate set, where the scorer scores sets."""
        nb = self.nb
        if self.scores.sets is None or not nb or nb[0] > self.scores.sets_budget:
            return None
        options = brief_candidates(order, lengths, nb[0], seed, self.redundant, self.max_sents[0])
        if not options:
            return None
        return sorted(options[int(np.argmax(self.scores.sets(order, seed, options)))])

    def _refill(self, first: list[int], order: Sequence[int], lengths: dict[int, int],
                short: Callable[[int], int]) -> list[int]:
        """The brief's sentences plus, while their compressed forms leave room in its budget, the best-ranked
        others (of the BRIEF_POOL best) whose compressed forms fit; the whole sentences must still fit the next
        grade's budget, so that it can hold the brief."""
        if not getattr(self.engine.compressor, "brief_refill", False):
            return first
        nb, max_sentences = self.nb, self.max_sents[0]
        out = list(first)
        used = sum(short(i) for i in out)
        whole = sum(lengths[i] for i in out)
        for i in [j for j in order if j not in out][:BRIEF_POOL]:
            if max_sentences is not None and len(out) >= max_sentences:
                break
            if used + short(i) <= nb[0] and (len(nb) < 2 or whole + lengths[i] <= nb[1]) and \
                    not self.redundant(i, out):
                out.append(i)
                used += short(i)
                whole += lengths[i]
        return sorted(out)

    def plan_source(self) -> None:
        """The grades planned with the source sentences' lengths (and the brief's forms chosen, where the
        learned compressor chooses them)."""
        order, lengths = self.body_order, self.src_len

        def refine(first: list[int]) -> list[int]:
            if self.brief_choice is not None:
                return self.brief_by_expected_rouge(first, order, lengths) if first else first
            return self._refill(first, order, lengths, lambda i: count_words(self.brief_form(i)))

        self.plan = self.plan_grades(order, lengths, self.seed, refine if self.brief_compress else None)

    def brief_by_expected_rouge(self, first: list[int], order: Sequence[int], lengths: dict[int, int]) -> list[int]:
        """The brief's sentences, each whole or at a step of its deletion path, chosen together (grading.choice);
        with the choice's refill, while one of the best-ranked others raises the expected F1 and fits (its form
        within the brief's budget, whole within the next grade's), the best such one joins."""
        comp, choice, nb = self.engine.compressor, self.brief_choice, self.nb
        if self.abstract_words is None:
            self.abstract_words = comp.word_probabilities(self.scores.abstract_words, "abstract", self.src)
        words = self.abstract_words
        forms: dict[int, list[str]] = {}
        rate = rater(words, choice)

        def forms_of(i: int) -> list[str]:
            if i not in forms:
                text = self.sents[i].text
                forms[i] = [text, *comp.deletion_forms(text, self.src, "abstract", self.doc_tf, self.keywords,
                                                       choice.floor, min_words=6)]
                if choice.search:
                    found = comp.deletion_forms(text, self.src, "abstract", self.doc_tf, self.keywords, choice.floor,
                                                min_words=6, value=rate)
                    forms[i] += [f for f in found if f not in forms[i]]
            return forms[i]

        def chosen(idxs: list[int]) -> tuple[float, list[str]]:
            texts = [forms_of(i)[k] for i, k in zip(idxs, choose_brief([forms_of(i) for i in idxs], words, choice))]
            return expected_f1(lower_tokens(" ".join(texts)), words, choice.length, choice.bigram), texts

        out = sorted(first)
        value, texts = chosen(out)
        limit = self.max_sents[0]
        while choice.refill and (limit is None or len(out) < limit):
            best = None
            for j in [j for j in order if j not in out][:BRIEF_POOL]:
                if (len(nb) > 1 and sum(lengths[i] for i in out) + lengths[j] > nb[1]) or self.redundant(j, out):
                    continue
                trial = sorted([*out, j])
                v, t = chosen(trial)
                if v > value + 1e-12 and sum(map(count_words, t)) <= nb[0] and (best is None or v > best[0]):
                    best = (v, trial, t)
            if best is None:
                break
            value, out, texts = best
        self.brief_forms.update(zip(out, texts))
        return out

    def to_translate(self) -> list[int]:
        """What the grades use plus ranked reserves (translation changes lengths), or every sentence when the
        full translation is wanted."""
        if self.want_translation and self.translate:
            return [s.index for s in self.sents]
        needed = {i for p in self.plan for i in p} | ({self.head_idx} if self.head_idx is not None else set())
        reserve_words, reserve_n = 0, 0
        for i in self.body_order:
            if reserve_words >= max(self.nb or [0]) and reserve_n >= 5:
                break
            if i not in needed:
                needed.add(i)
                reserve_words += self.src_len[i]
                reserve_n += 1
        return sorted(needed)

    def headline_source(self) -> str | None:
        if self.head_spec is None or self.head_idx is None:
            return None
        return self.headline_form(self.head_idx) if self.head_spec.compress else self.sents[self.head_idx].text

    def brief_parses(self) -> list:
        """The parses of the brief's sentences (the parse layer's; those it cannot parse left out)."""
        comp = self.engine.compressor
        return [p for p in (comp.parsed(self.sents[i].text, self.src) for i in self.plan[0]) if p is not None]

    def brief_entities(self) -> set[str] | None:
        """The brief's named entities (the parse layer's NER): only a word inside one may label the headline;
        None where the compressor does not restrict labels so."""
        comp = self.engine.compressor
        if not (self.learned and getattr(comp, "label_ner", False) and self.plan):
            return None
        return {w.lower() for p in self.brief_parses() for a, b, _ in p.entities()
                for w in WORD.findall(p.span_text(a, b))}

    def topic_label(self, headline: str, entities: "set[str] | None") -> str | None:
        """The topic label for the headline (see ExtractiveEngine), or None. Where the learned compressor says so,
        a common noun of the brief that human titles take as their topic may label it too ("Coronavirus : ..."),
        from both thresholds (the label's and the compressor's), whatever the NER says."""
        eng, doc, scores = self.engine, self.doc, self.scores
        brief = self.plan[0] if self.plan else []
        if eng.headline_label is None or not scores.title_words or doc.lang not in eng.label_langs or not brief:
            return None
        if TOPIC_FORM.match(headline):  # it has a topic already ("Au menu : ...")
            return None
        used = {w.lower() for w in WORD.findall(headline)}
        inside = words_of(doc, brief)
        texts = [s.text for s in doc.sentences]
        noun_floor = getattr(eng.compressor, "label_nouns", None) if self.learned else None
        topics = getattr(eng.compressor, "label_topics", frozenset()) if noun_floor is not None else frozenset()
        nouns = {t.lower() for p in self.brief_parses() for t, pos in zip(p.text, p.pos) if pos == "NOUN"} \
            if topics else set()
        for word, p in sorted(self.title_probabilities().items(), key=lambda kv: (-kv[1], kv[0])):
            if p < eng.headline_label:
                break
            if word in used or word not in inside or word in STOP_WORDS or len(word) < 3 or not word.isalpha():
                continue
            form = proper_noun_form(word, texts, used)
            if form is None:  # not a name: a common noun titles take as their topic, or nothing
                if word in nouns and p >= noun_floor and word in topics:
                    return word[:1].upper() + word[1:]
                continue
            if entities is not None and word not in entities:
                continue
            if not within(inside, form):  # the name runs outside the brief: its own compound
                form = proper_noun_form(word, texts, used, longest=1)
            if form and not runs_in(form):  # never a name run into a heading ("Stop ZappingSur Twitter")
                return form
        return None

    def translate_batch(self, needed: list[int], head_src: str | None,
                        label: str | None) -> tuple[str | None, str | None]:
        """Translate the needed sentences, the brief's compressed forms, the headline and its label in one batch;
        (the headline, the label) as translated."""
        forms_src = [i for i in (self.plan[0] if self.plan else [])
                     if self.brief_compress and self.brief_form(i) != self.sents[i].text]
        extra = ([head_src] if head_src is not None else []) + ([label] if label else [])
        batch = [self.sents[i].text for i in needed] + [self.brief_form(i) for i in forms_src] + extra
        outs = self.translator.translate_sentences(batch, self.src, self.target)
        if len(outs) != len(batch):
            raise BackendError(f"translator {self.translator.name} returned {len(outs)} sentences for {len(batch)}")
        self.tr = dict(zip(needed, outs))
        self.tr_forms = dict(zip(forms_src, outs[len(needed):len(needed) + len(forms_src)]))
        head_out = outs[len(needed) + len(forms_src)] if head_src is not None else head_src
        label_out = (outs[-1].strip().strip(".!?:;,") or None) if label else label
        return head_out, label_out

    def refit_translated(self, needed: list[int]) -> None:
        """Plan the grades again with the target language's lengths: budgets are hard limits on the output."""
        out_len = {i: count_words(self.tr[i]) for i in needed}
        pool = set(needed)
        order_t = [i for i in self.body_order if i in pool]
        seed, nb = self.seed, self.nb
        seed_t = seed if seed and out_len[seed[0]] <= min(nb) else []
        if seed and not seed_t:
            self.warnings.append("the headline's sentence no longer fits the shorter grades once translated")

        def refill(first: list[int]) -> list[int]:  # with the translated forms' lengths (not chosen again)
            return self._refill(first, order_t, out_len, lambda i: count_words(self.tr_forms.get(i, self.tr[i])))

        self.plan = self.plan_grades(order_t, out_len, seed_t, refill if self.tr_forms else None)

    # ---- writing the grades ---------------------------------------------------------------------------------

    def text_of(self, i: int) -> str:
        return self.tr[i] if self.translate else self.sents[i].text

    def headline_result(self, text: str, label: str | None, keep_form: bool) -> GradeResult:
        """The headline grade: the sentence compressed (unless keep_form: the learned compressor's form, printed
        as it is), cut to fit if it must, with its topic label where the label has room."""
        spec, idx, out_lang = self.head_spec, self.head_idx, self.out_lang
        limit = spec.max_words
        if spec.compress and not keep_form:
            text = compress(text, out_lang, limit, target_words=self.engine.headline_target)
        room = limit - (count_words(label) if label else 0)
        words = count_words(text)
        # a label takes its words from the headline's budget, never the words of a headline that fits it whole
        if label and (count_words(label) > LABEL_WORDS or room < 5 or room < words <= limit):
            label, room = None, limit
        text, cut = truncate_to_words(text, room)
        if cut:
            self.warnings.append(f"{spec.name}: the chosen sentence was cut to {count_words(text)} words "
                                 f"to fit its {limit}-word budget")
        method = "extractive+compressed" if spec.compress else "extractive"
        if label:
            # French sets a colon off with a space on both sides; English and most others do not
            text = f"{label}{' : ' if out_lang == 'fr' else ': '}{text}"
            method += "+label"
        return GradeResult(spec.name, text, [idx], count_words(text), limit, out_lang, cut, method)

    def compressed_brief(self, g: GradeSpec, budget: int, idxs: list[int]) -> GradeResult | None:
        """The brief printed with its sentences compressed (source language, or their compressed forms
        translated), when that fits its budget."""
        parts = [self.tr_forms.get(i, self.tr[i]) if self.translate else self.brief_form(i) for i in idxs]
        txt = " ".join(parts)
        if count_words(txt) > budget:
            return None
        full = [count_words(self.text_of(i)) for i in idxs]
        method = "extractive+compressed" if any(count_words(p) < f for p, f in zip(parts, full)) else "extractive"
        return GradeResult(g.name, txt, idxs, count_words(txt), budget, self.out_lang, False, method,
                           [{"index": i, "compressed": count_words(p) < f, "source_words": f, "words": count_words(p)}
                            for i, p, f in zip(idxs, parts, full)])

    def body_results(self) -> dict[str, GradeResult]:
        """The grades other than the headline, from the plan (the best sentence cut to fit where none fits)."""
        results: dict[str, GradeResult] = {}
        whole: list[str] = []
        for k, (g, budget, idxs) in enumerate(zip(self.non_head, self.nb, self.plan)):
            if self.brief_compress and k == 0 and idxs:
                got = self.compressed_brief(g, budget, idxs)
                if got is not None:
                    results[g.name] = got
                    continue
            if not idxs:
                # Nothing fits: take the best sentence and cut it, saying so.
                best = self.body_order[0]
                txt, cut = truncate_to_words(self.text_of(best), budget)
                idxs = [best]
                results[g.name] = GradeResult(g.name, txt, idxs, count_words(txt), budget, self.out_lang, cut)
                if cut:
                    self.warnings.append(f"{g.name}: no sentence fits {budget} words; the best one was cut to fit")
            else:
                txt = " ".join(self.text_of(i) for i in idxs)
                # whole sentences always fit, except a brief planned with compressed forms whose forms fell through
                txt, cut = truncate_to_words(txt, budget)
                if cut:
                    self.warnings.append(f"{g.name}: its sentences were cut to fit its {budget}-word budget")
                results[g.name] = GradeResult(g.name, txt, idxs, count_words(txt), budget, self.out_lang, cut)
            if len(idxs) == len(self.cands) and not results[g.name].truncated:
                whole.append(g.name)
        if whole:
            self.warnings.append(f"{', '.join(whole)}: the article is shorter than the budget; "
                                 f"{'it holds' if len(whole) == 1 else 'they hold'} the whole text")
        return results

    def result(self, results: dict[str, GradeResult]) -> EngineResult:
        """What the engine hands back: the grades in the requested order, the translation when wanted."""
        ordered = {g.name: results[g.name] for g in self.grades if g.name in results}
        translation = None
        name = self.translator.name if self.translate else None
        if self.want_translation and self.translate:
            translation = Translation(self.src, self.target, [AlignedSentence(s.index, s.paragraph, s.text,
                                                                              self.tr[s.index]) for s in self.sents],
                                      name)
        stats = {"candidates": len(self.cands), "scorer": self.engine.scorer.name}
        return EngineResult(ordered, self.out_lang, translation, self.warnings,
                            {"scorer": self.engine.scorer.name, **({"translator": name} if self.translate else {})},
                            stats)
