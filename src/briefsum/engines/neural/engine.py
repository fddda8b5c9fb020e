"""The neural engine: translation and abstractive graded summaries with the models of the registry.

What "contained" means here: grades are written shortest first, and with `neural.nesting: prefix` (the default)
the decoder of each longer grade is primed with the final text of the shorter one, so every shorter grade is
the literal start of the longer ones (a grade cut at a clause keeps its words, without the '…' mark). With
`nesting: independent` every grade is generated on its own from the same input.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from ...brief import AlignedSentence, GradeResult, Translation
from ...settings import Settings
from ...errors import BriefsumError, ConfigError, ModelUnavailable
from ...grading.budgets import GradeSpec, effective_budgets
from ...text.segment import Document, Sentence, count_words, split_sentences
from ...grading.fitting import fit_budget
from .faithfulness import support_indices, unsupported_terms
from ..base import EngineResult, Translator
from ..registry import Located, ModelEntry
from .loading import load_model
from .model import Generated, Seq2Seq
from .planning import plan
from .summariser import NeuralSummariser
from .translator import NeuralTranslator


@dataclass
class _Job:
    """One document's state while the engine goes through the grades (of several documents together)."""

    doc: Document
    warnings: list[str]
    stats: dict
    units: list[str]
    unit_lang: str
    refs: list[str]
    translation: Translation | None
    unit_doc: Document
    reduced: str
    budgets: list[int]
    extractive: dict[str, GradeResult] | None = None
    texts: dict[str, str] = field(default_factory=dict)
    methods: dict[str, str] = field(default_factory=dict)
    cut: dict[str, bool] = field(default_factory=dict)
    generated: dict[str, int] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)  # a grade that is its shorter grade's text, unchanged
    prev: str = ""
    inputs: dict[int, str] = field(default_factory=dict)  # the input of a model other than the summariser's


class NeuralEngine:
    """Translate and write abstractive graded summaries with the models of the registry."""

    name = "neural"

    def __init__(self, settings: Settings, source: str, target: str | None, strategy: str, summariser: NeuralSummariser,
                 translator: NeuralTranslator | None = None, headline: NeuralSummariser | None = None,
                 notes: Sequence[str] = (), fallback: Callable[[], Any] | None = None):
        self.settings = settings
        # the extractive engine, made on first need, for grades the model could not write (None: none)
        self.fallback = fallback
        self.source = source
        self.target = target
        self.strategy = strategy
        self.summariser = summariser
        self.translator = translator
        self.headline = headline
        self.notes = list(notes)
        self.nesting = settings.neural.nesting
        self.faithfulness = settings.neural.faithfulness

    @classmethod
    def plan(cls, settings: Settings, source: str, target: str | None,
             models: Mapping[str, str] | None = None) -> tuple[str, dict[str, tuple[ModelEntry, Located]], list[str]]:
        """Pick the strategy and find every model it needs on disk, without importing torch (planning.plan);
        settings may also be the Config that holds them."""
        return plan(getattr(settings, "settings", settings), source, target, models)

    @classmethod
    def from_config(cls, settings: Settings, source: str, target: str | None,
                    models: Mapping[str, str] | None = None,
                    fallback: Callable[[], Any] | None = None) -> "NeuralEngine":
        """Load the models the configured strategy needs; raise ModelUnavailable saying how to get any missing.
        A headline model that cannot load leaves the headline to the summariser, with one warning.
        fallback: makes the extractive engine that writes a grade the model could not write (an engine with
        run(doc, grades, None, None, False)). settings may also be the Config that holds them."""
        settings = getattr(settings, "settings", settings)
        strategy, entries, notes = cls.plan(settings, source, target, models)
        head = entries.pop("headline", None)
        loaded = {role: (entry, load_model(settings, loc, "translation" if role == "translator" else "summarisation"))
                  for role, (entry, loc) in entries.items()}
        s_entry, s_model = loaded["summariser"]
        sum_lang = target if strategy == "translate-summarise" else source
        summariser = NeuralSummariser(settings, s_entry, s_model, sum_lang)
        headline = None
        if head is not None:
            try:
                headline = NeuralSummariser(settings, head[0], load_model(settings, head[1], "summarisation"), sum_lang)
            except (ModelUnavailable, ConfigError) as exc:
                notes.append(f"headline model unavailable, the summariser wrote the headline: {exc}")
        translator = None
        if "translator" in loaded:
            t_entry, t_model = loaded["translator"]
            src, tgt = t_entry.key.split("-", 1) if "-" in t_entry.key else (source, target)
            translator = NeuralTranslator(settings, t_entry, t_model, src, tgt)
        for m in (summariser, headline, translator):  # what transformers said that changes an output, once
            for note in getattr(m.model, "notes", ()) if m is not None else ():
                if note not in notes:
                    notes.append(note)
        return cls(settings, source, target, strategy, summariser, translator, headline, notes, fallback)

    @property
    def models(self) -> dict[str, str]:
        """The models in use, by role; a model run other than by transformers in float32 says how, e.g.
        'ID [ctranslate2 int8]' or 'ID [transformers bfloat16]'."""
        def label(name: str, model: Seq2Seq) -> str:
            return name if model.backend == "transformers float32" else f"{name} [{model.backend}]"

        out = {}
        if self.translator is not None:
            out["translator"] = label(self.translator.name, self.translator.model)
        out["summariser"] = label(self.summariser.name, self.summariser.model)
        if self.headline is not None:
            out["headline"] = label(self.headline.name, self.headline.model)
        return out

    def _loaded(self) -> dict[str, Seq2Seq]:
        out = {"summariser": self.summariser.model}
        if self.translator is not None:
            out["translator"] = self.translator.model
        if self.headline is not None:
            out["headline"] = self.headline.model
        return out

    def _extractive(self, doc: Document, specs: Sequence[GradeSpec]) -> dict[str, GradeResult] | None:
        """The fallback engine's grades for a document, or None without a fallback."""
        if self.fallback is None:
            return None
        return self.fallback().run(doc, specs, None, None, False).grades

    def run(self, doc: Document, grades: Sequence[GradeSpec], target: str | None, translator: Translator | None,
            want_translation: bool) -> EngineResult:
        """Write the graded summaries of a document (and its translation when wanted)."""
        res = self.run_many([doc], grades, target, translator, want_translation)[0]
        if isinstance(res, BaseException):
            raise res
        return res

    def run_many(self, docs: Sequence[Document], grades: Sequence[GradeSpec], target: str | None,
                 translator: Translator | None, want_translation: bool) -> list["EngineResult | BriefsumError"]:
        """Write the graded summaries of several documents, going through the grades together: for each grade,
        the documents' generations run in batches (each continuing its own shorter grade), and every result is
        what run() gives for that document alone. A document that fails gets its BriefsumError in its place;
        the others go on. The engine translates with the model it loaded with its summariser (planning chose it
        for the strategy), so `translator` must be None: a translator handed in would not be used."""
        if translator is not None:
            raise ValueError("the neural engine translates with its own model (loaded with the summariser); "
                             "pass translator=None")
        out: list[EngineResult | BriefsumError | None] = [None] * len(docs)
        jobs: dict[int, _Job] = {}
        for i, doc in enumerate(docs):
            try:
                jobs[i] = self._begin(doc, grades)
            except BriefsumError as exc:
                out[i] = exc
        models = {id(m.model): m.model for m in (self.summariser, self.headline) if m is not None}
        with contextlib.ExitStack() as stack:
            for m in models.values():  # each document is encoded once for all its grades
                stack.enter_context(m.keep_encodings(len(jobs)))
            for k, spec in enumerate(grades):
                groups: dict[int, tuple[NeuralSummariser, dict, list[tuple[int, str]]]] = {}
                for i, job in jobs.items():
                    model, settings, prefix = self._request(job, k, spec)
                    groups.setdefault(id(model), (model, settings, []))[2].append((i, prefix))
                for model, settings, items in groups.values():
                    gens = model.write_many([(self._input_for(jobs[i], model), prefix) for i, prefix in items],
                                            settings)
                    for (i, prefix), g in zip(items, gens):
                        if isinstance(g, BriefsumError):
                            out[i] = g
                            del jobs[i]
                        else:
                            self._accept(jobs[i], grades, k, prefix, g)
        for i, job in jobs.items():
            try:
                out[i] = self._end(job, grades, target, want_translation)
            except BriefsumError as exc:
                out[i] = exc
        return out  # type: ignore[return-value]

    def _begin(self, doc: Document, grades: Sequence[GradeSpec]) -> "_Job":
        """A document's work before its grades: translation (translate-summarise) and the map-reduce."""
        warnings = list(self.notes)
        stats: dict[str, Any] = {"strategy": self.strategy, "nesting": self.nesting,
                                 "device": self.summariser.model.device,
                                 "dtype": str(self.summariser.model.dtype).replace("torch.", ""),
                                 "backend": {role: m.backend for role, m in self._loaded().items()}}
        sents = doc.sentences
        src_texts = [s.text for s in sents]
        translation = None
        if self.strategy == "translate-summarise" and self.translator is not None:
            run = self.translator.translate(src_texts)
            warnings.extend(run.warnings)
            stats.update(run.stats)
            units = run.texts
            unit_lang = self.translator.target
            translation = Translation(doc.lang, unit_lang, [AlignedSentence(s.index, s.paragraph, s.text, t)
                                                            for s, t in zip(sents, units)], self.translator.label)
            refs = [doc.text, *units]
        else:
            units, unit_lang, refs = src_texts, self.summariser.lang, [doc.text]
        unit_doc = Document(" ".join(units), unit_lang, [Sentence(s.index, u, s.paragraph, 0, 0, s.heading)
                                                          for s, u in zip(sents, units)])
        reduced, rstats, rwarn = self.summariser.reduce(units)
        stats.update(rstats)
        warnings.extend(rwarn)
        return _Job(doc, warnings, stats, units, unit_lang, refs, translation, unit_doc, reduced,
                    effective_budgets(grades, doc.words))

    def _input_for(self, job: "_Job", model: NeuralSummariser) -> str:
        """The document's input for a model: the summariser's reduced input, or for another model (the headline
        model) one reduced to that model's own input limit when the summariser's does not fit it."""
        if model is self.summariser or model.fits(job.reduced):
            return job.reduced
        if id(model) not in job.inputs:
            text, stats, warnings = model.reduce(job.units)
            job.inputs[id(model)] = text
            job.stats["headline_input_passes"] = stats.get("passes", 0)
            job.warnings.extend(f"headline: {w}" for w in warnings)
        return job.inputs[id(model)]

    def _request(self, job: "_Job", k: int, spec: GradeSpec) -> tuple["NeuralSummariser", dict, str]:
        """Which model writes grade k of a document, with which settings, continuing which prefix."""
        is_head = spec.max_sentences == 1 or spec.name == "headline"
        model = self.headline if (is_head and self.headline is not None and not job.prev) else self.summariser
        prefix = job.prev if self.nesting == "prefix" else ""
        return model, model.settings_for(spec.name), prefix

    def _accept(self, job: "_Job", grades: Sequence[GradeSpec], k: int, prefix: str, g: Generated) -> None:
        """Fit what the model wrote for grade k to its budget, check it, and keep it (or the fallback)."""
        spec, budget = grades[k], job.budgets[k]
        texts, methods, cut, origin = job.texts, job.methods, job.cut, job.origin
        job.generated[spec.name] = g.new_tokens
        text, was_cut, note = fit_budget(g.text, budget, spec.max_sentences, job.unit_lang, keep=prefix)
        method = "abstractive"
        problem = ""
        if not text.strip():
            problem = "the model wrote nothing"
        elif self.faithfulness != "off":
            terms = unsupported_terms(text, job.refs, job.unit_lang)
            if terms:
                problem = f"{', '.join(terms)} not found in the source"
        if problem:
            fall = self.faithfulness == "fallback" or problem == "the model wrote nothing"
            if fall and self.fallback is not None:
                if job.extractive is None:
                    job.extractive = self._extractive(job.unit_doc, grades)
                extractive = job.extractive
                assert extractive is not None
                redo = [grades[j].name for j in range(k + 1)] if self.nesting == "prefix" else [spec.name]
                for name in redo:
                    origin.pop(name, None)
                    texts[name] = extractive[name].text
                    methods[name] = "extractive (fallback)"
                    cut[name] = extractive[name].truncated
                text, method, was_cut = texts[spec.name], methods[spec.name], cut[spec.name]
                job.warnings.append(f"{spec.name}: {problem}; used the extractive text"
                                    + (f" for {', '.join(redo)}" if len(redo) > 1 else ""))
            elif fall:
                job.warnings.append(f"{spec.name}: {problem} (no extractive engine to stand in)")
            else:
                job.warnings.append(f"{spec.name}: {problem} (check it, or set neural.faithfulness: fallback)")
        elif was_cut:
            job.warnings.append(f"{spec.name}: {note} (limit {budget} words)")
        if prefix and text == prefix and k > 0:  # nothing generated survived the cut: the shorter grade, as is
            method = methods[grades[k - 1].name]
            origin[spec.name] = origin.get(grades[k - 1].name, grades[k - 1].name)
        texts[spec.name], methods[spec.name], cut[spec.name] = text, method, was_cut
        job.prev = text[:-2].rstrip() if text.endswith(" …") else text

    def _end(self, job: "_Job", grades: Sequence[GradeSpec], target: str | None,
             want_translation: bool) -> EngineResult:
        """A document's work after its grades: translating them (summarise-translate), alignment, the result."""
        doc, texts, cut, methods = job.doc, job.texts, job.cut, job.methods
        warnings, stats, budgets = job.warnings, job.stats, job.budgets
        stats["generated_tokens"] = job.generated
        unit_lang, units, translation, extractive = job.unit_lang, job.units, job.translation, job.extractive
        out_lang = unit_lang
        final = dict(texts)
        if self.strategy != "translate-summarise" and self.translator is not None and target not in (None, unit_lang):
            final, twarn = self._translate_grades(grades, budgets, texts, cut)
            warnings.extend(twarn)
            out_lang = self.translator.target

        results: dict[str, GradeResult] = {}
        for spec, budget in zip(grades, budgets):
            if methods[spec.name].startswith("extractive") and extractive is not None:
                idx = extractive[job.origin.get(spec.name, spec.name)].source_indices
            else:
                idx = support_indices(texts[spec.name], units, unit_lang)
            text = final[spec.name]
            results[spec.name] = GradeResult(spec.name, text, idx, count_words(text), budget, out_lang,
                                             cut[spec.name], methods[spec.name])

        if want_translation and translation is None and target not in (None, doc.lang):
            if self.translator is not None and self.translator.source == doc.lang:
                sents = doc.sentences
                run = self.translator.translate([s.text for s in sents])
                warnings.extend(run.warnings)
                translation = Translation(doc.lang, self.translator.target,
                                          [AlignedSentence(s.index, s.paragraph, s.text, t)
                                           for s, t in zip(sents, run.texts)], self.translator.label)
            else:
                warnings.append("no translation model for the full text; only the summaries were translated")
        return EngineResult(results, out_lang, translation, warnings, self.models, stats)

    def _translate_grades(self, grades: Sequence[GradeSpec], budgets: Sequence[int], texts: dict[str, str],
                          cut: dict[str, bool]) -> tuple[dict[str, str], list[str]]:
        """Translate the grades sentence by sentence (shared sentences once), then re-fit the budgets."""
        assert self.translator is not None
        lang = self.translator.source
        parts = {name: split_sentences(t, lang) or [t] for name, t in texts.items()}
        unique = list(dict.fromkeys(s for p in parts.values() for s in p))
        run = self.translator.translate(unique)
        tr = dict(zip(unique, run.texts))
        out: dict[str, str] = {}
        warnings = list(run.warnings)
        prev = ""
        for spec, budget in zip(grades, budgets):
            text = " ".join(tr[s] for s in parts[spec.name])
            keep = prev if self.nesting == "prefix" and text.startswith(prev) else ""
            text, was_cut, note = fit_budget(text, budget, spec.max_sentences, self.translator.target, keep=keep)
            if was_cut:
                cut[spec.name] = True
                warnings.append(f"{spec.name}: {note} once translated (limit {budget} words)")
            out[spec.name] = text
            prev = text[:-2].rstrip() if text.endswith(" …") else text
        return out, warnings
