"""The offline engine: an extractive graded summariser with a swappable sentence scorer."""

from __future__ import annotations

from typing import Sequence

from ...errors import ConfigError
from ...grading.budgets import GradeSpec
from ...text.segment import Document, count_words
from ..base import EngineResult, Translator
from .call import EngineCall, words_of, within
from .scoring import CentralityScorer, SentenceScorer


def make_scorer(name: str, options: dict | None = None) -> SentenceScorer:
    """Build the configured scorer ('learned' or 'centrality')."""
    options = options or {}
    if name == "centrality":
        return CentralityScorer(position_weight=float(options.get("position_weight", 0.35)))
    if name == "learned":
        from .learned import LearnedScorer

        return LearnedScorer.load(options.get("model_path"))
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
        # likely uses, by the scorer's title-word probabilities (refined by the word prior where the learned
        # compressor applies), when that is at least headline_label (None: off) and the article's language is one
        # of label_langs.
        self.headline_label = headline_label
        self.label_langs = tuple(label_langs)
        self.redundancy = redundancy
        self.headline_target = headline_target  # compress the headline while it is longer than this
        # A sentence that compresses within the headline budget wins over a better-scored one that would have
        # to be cut, when its headline score is at most this much lower (the scorer's units).
        self.headline_fit_margin = headline_fit_margin

    def run(self, doc: Document, grades: Sequence[GradeSpec], target: str | None,
            translator: Translator | None, want_translation: bool) -> EngineResult:
        """The graded summaries of a document, translated to `target` when a translator is given."""
        call = EngineCall(self, doc, grades, target, translator, want_translation)
        call.choose_headline()
        call.plan_source()
        needed = call.to_translate()
        head_src = call.headline_source()
        label = call.topic_label(head_src, call.brief_entities()) if head_src is not None else None
        head_out, label_out = head_src, label
        if call.translate:
            head_out, label_out = call.translate_batch(needed, head_src, label)
            call.refit_translated(needed)
        if label and not (call.plan and within(words_of(doc, call.plan[0]), label)):
            label_out = None  # the brief changed with the translation: the label must stay within it
        results = {}
        spec = call.head_spec
        if spec is not None and call.head_idx is not None:
            head = call.headline_result(head_out, label_out, keep_form=call.learned and not call.translate
                                        and spec.compress)
            if spec.compress:
                head.compression = [{"index": call.head_idx, "compressed": True,
                                     "source_words": call.src_len[call.head_idx], "words": count_words(head_src or "")}]
            results[spec.name] = head
        results.update(call.body_results())
        return call.result(results)
