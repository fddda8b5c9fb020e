"""The pipeline: normalise → identify language → segment → engine (summarise + translate) → Brief."""

from __future__ import annotations

import os
from typing import Any, Callable, Iterable, Mapping

from .brief import AlignedSentence, Brief, Translation
from .config import Config, load_config
from .deadline import Deadline
from .engines.base import EngineResult
from .engines.factory import neural_engine, offline_engine
from .errors import BatchError, BriefsumError, InputError, ModelUnavailable, UnsupportedLanguageError
from .grading.budgets import GradeSpec, grade_specs
from .prepare import Prepared, check_lang, prepare
from .settings import Settings
from .translation import factory as translators


def _neural_or_none(engine: str, build: Callable[[], Any], what: str, fallback: str) -> tuple[Any, list[str]]:
    """Run build() on the neural engine: (its result, []). When its models or packages are missing, raise
    (engine='neural') or give (None, [one warning]) (engine='auto')."""
    try:
        return build(), []
    except ModelUnavailable as exc:
        if engine == "neural":
            raise
        return None, [f"neural {what} unavailable, used {fallback}: {exc}"]
    except ImportError as exc:
        if engine == "neural":
            raise ModelUnavailable(f"the neural engine needs extra packages: {exc} "
                                   "(pip install 'briefsum[neural]')") from None
        return None, [f"neural engine unavailable (pip install 'briefsum[neural]'); used {fallback}"]


def _iterable(x) -> bool:
    try:
        iter(x)
    except TypeError:
        return False
    return True


def _check_lang_arg(lang) -> None:
    if lang is not None and not isinstance(lang, str):
        raise InputError(f"lang must be a language code such as 'fr' or 'auto', not {type(lang).__name__}")


def _grade_names(grades) -> list[str] | None:
    if grades is None:
        return None
    if isinstance(grades, (str, bytes, Mapping)) or not _iterable(grades):
        raise InputError(f"grades must be a list of grade names such as ['headline', 'brief'], not "
                         f"{type(grades).__name__}" + (f" {grades!r}" if isinstance(grades, str) else ""))
    grades = list(grades)
    bad = next((g for g in grades if not isinstance(g, str)), None)
    if bad is not None or any(not isinstance(g, str) for g in grades):
        raise InputError(f"grades must be a list of grade names (str), got a {type(bad).__name__}: {bad!r}")
    return grades


def _engine_name(engine, settings: Settings) -> str:
    if engine is not None and not isinstance(engine, str):
        raise InputError(f"engine must be a name (auto, offline or neural), not {type(engine).__name__}")
    name = (engine or settings.engine_default or "auto").lower()
    if name not in ("auto", "offline", "neural"):
        raise InputError(f"unknown engine '{name}' (use auto, offline or neural)")
    return name


def _call_settings(config, grades, engine, target) -> tuple[Settings, list[GradeSpec], str, str | None]:
    """The settings, grade specs, engine name and target language of one call, checked."""
    names = _grade_names(grades)
    if engine is not None and not isinstance(engine, str):
        raise InputError(f"engine must be a name (auto, offline or neural), not {type(engine).__name__}")
    if target is not None and not isinstance(target, str):
        raise InputError(f"target must be a language code such as 'en' (or None), not {type(target).__name__}")
    settings = load_config(config).settings
    specs = grade_specs(settings.grades, names)
    engine = _engine_name(engine, settings)
    if target is not None:
        target = check_lang(str(target), "target") if str(target).strip() else None
    return settings, specs, engine, target


def _run_offline(settings: Settings, prep: Prepared, specs: list[GradeSpec], target: str | None, translation: bool,
                 engine, early=None, deadline: Deadline | None = None) -> tuple[EngineResult, list[str]]:
    """The offline engine on one article, handed the translator the factory chose; (result, warnings)."""
    choice = translators.choose(settings, prep.doc, target, early, deadline)
    result = engine.run(prep.doc, specs, target, choice.translator, translation)
    return result, [*choice.warnings, *translators.untranslated_notes(choice.plain, prep.lang, target, settings)]


def summarise(
    text: str,
    lang: str = "auto",
    target: str | None = "en",
    grades: Iterable[str] | None = None,
    engine: str | None = None,
    config: "str | os.PathLike | Mapping | Config | None" = None,
    translation: bool = False,
) -> Brief:
    """Summarise an article into graded summaries (in `target`, translated when needed).

    Raises InputError (and its subclasses) for unusable input or arguments of the wrong type (grades a str or
    not a list of names, engine or lang not a str), ConfigError for a bad configuration, ModelUnavailable when
    engine='neural' cannot load its models, BackendError when a backend fails, TimeLimitError past
    limits.timeout_s.
    """
    _check_lang_arg(lang)
    settings, specs, engine, target = _call_settings(config, grades, engine, target)
    deadline = Deadline(settings.limits.timeout_s)
    early = translators.prestarted(settings, lang, target, engine)
    try:
        prep = prepare(text, lang, settings, deadline, target)
        result, notes = None, []
        if engine in ("neural", "auto"):
            def run_neural() -> EngineResult:
                return neural_engine(settings, prep.lang, target).run(prep.doc, specs, target, None, translation)

            result, notes = _neural_or_none(engine, run_neural, "models", "the offline engine")
        if result is not None:
            return _brief(prep, notes, result, "neural", target)
        deadline.check("starting the offline engine")
        result, more = _run_offline(settings, prep, specs, target, translation, offline_engine(settings.offline),
                                    early, deadline)
    finally:  # a pre-started Apertium pipeline never outlives the call
        if early is not None:
            early.close()
    return _brief(prep, [*notes, *more], result, "offline", target)


def _brief(prep: Prepared, notes: list[str], result: EngineResult, engine_name: str, target: str | None) -> Brief:
    """The Brief of one article: the warnings of every stage, in order (preparing, choosing, the engine's)."""
    doc = prep.doc
    stats = {"sentences": len(doc.sentences), "words": doc.words, "paragraphs": len(doc.paragraphs), **result.stats}
    return Brief(
        source_lang=doc.lang, lang_confidence=prep.confidence, lang_detected=prep.detected, target_lang=target,
        output_lang=result.output_lang, grades=result.grades, engine=engine_name, models=result.models,
        warnings=[*prep.warnings, *notes, *result.warnings], translation=result.translation, metadata=prep.metadata,
        stats=stats,
    )


def _texts(texts) -> list:
    if isinstance(texts, str):
        raise InputError("summarise_many takes a list of texts (use summarise for one text)")
    if texts is None or isinstance(texts, (bytes, Mapping)) or not _iterable(texts):
        raise InputError(f"summarise_many takes a list of texts, not {type(texts).__name__}")
    return list(texts)


def _neural_many(settings: Settings, prepared: dict[int, Prepared], specs: list[GradeSpec], engine: str,
                 target: str | None, translation: bool) -> tuple[dict[int, EngineResult], dict[int, BaseException],
                                                                 dict[int, list[str]]]:
    """The neural engine over the prepared articles, one language at a time, in windows of summary_window
    articles: (results, errors, warnings) by article index; an article in none of them goes offline."""
    results: dict[int, EngineResult] = {}
    failed: dict[int, BaseException] = {}
    notes: dict[int, list[str]] = {}
    by_lang: dict[str, list[int]] = {}
    for i, p in prepared.items():
        by_lang.setdefault(p.lang, []).append(i)
    for src, idx in by_lang.items():
        try:
            eng, said = _neural_or_none(engine, lambda: neural_engine(settings, src, target), "models",
                                        "the offline engine")
        except ModelUnavailable as exc:  # engine='neural': these articles fail, others (languages) go on
            failed.update((i, exc) for i in idx)
            continue
        if eng is None:
            notes.update((i, list(said)) for i in idx)
            continue
        window = settings.neural.summary_window
        for w in range(0, len(idx), window):
            part = idx[w:w + window]
            got = eng.run_many([prepared[i].doc for i in part], specs, target, None, translation)
            for i, res in zip(part, got):
                if isinstance(res, ModelUnavailable) and engine == "auto":
                    notes[i] = [f"neural models unavailable, used the offline engine: {res}"]
                elif isinstance(res, BaseException):
                    failed[i] = res
                else:
                    results[i] = res
    return results, failed, notes


def _raise_or_return(out: list, errors: str) -> list:
    failed = {i: r for i, r in enumerate(out) if isinstance(r, BaseException)}
    if failed and errors == "raise":
        first = next(iter(failed.items()))
        shown = ", ".join(map(str, list(failed)[:10])) + (", ..." if len(failed) > 10 else "")
        raise BatchError(f"{len(failed)} of {len(out)} articles failed (index {shown}); "
                         f"first, article {first[0]}: {first[1]}", out, failed)
    return out


def summarise_many(
    texts: Iterable[str],
    lang: str = "auto",
    target: str | None = "en",
    grades: Iterable[str] | None = None,
    engine: str | None = None,
    config: "str | os.PathLike | Mapping | Config | None" = None,
    translation: bool = False,
    errors: str = "raise",
) -> "list[Brief] | list[Brief | BriefsumError]":
    """Summarise many articles; entry i is what summarise(texts[i], ...) gives, in the same order.

    The neural engine goes through the grades with all the articles of a language together: for each grade
    it generates in batches across articles (sorted by length; each article continuing its own shorter grade),
    and encodes each article once (transformers backend). The offline engine takes the articles one by one.
    Models load once for the whole call.

    errors='raise' (default): every article is attempted; when some failed (unusable input, a backend error),
    BatchError is raised at the end, naming the failed indices, with every result on it (.results: the Brief
    or the error of each input, in order; .errors: {index: error}). errors='return': the list is returned with
    the BriefsumError in the place of each failed article (engine='neural' without the models of an article's
    language: ModelUnavailable for those articles). Errors that concern the whole call (a bad config, grade
    name, engine name or target language, errors mode) are raised at once, before any work.
    """
    texts = _texts(texts)
    _check_lang_arg(lang)
    if errors not in ("raise", "return"):
        raise InputError(f"unknown errors mode '{errors}' (use raise or return)")
    settings, specs, engine, target = _call_settings(config, grades, engine, target)
    out: list = [None] * len(texts)
    prepared: dict[int, Prepared] = {}
    for i, text in enumerate(texts):
        try:
            prepared[i] = prepare(text, lang, settings, None, target)
        except BriefsumError as exc:
            out[i] = exc
    results, failed, notes = ({}, {}, {}) if engine == "offline" else _neural_many(
        settings, prepared, specs, engine, target, translation)
    offline = None
    for i, prep in prepared.items():
        if i in failed:
            out[i] = failed[i]
        elif i in results:
            out[i] = _brief(prep, notes.get(i, []), results[i], "neural", target)
        else:
            try:
                offline = offline or offline_engine(settings.offline)
                res, more = _run_offline(settings, prep, specs, target, translation, offline)
                out[i] = _brief(prep, [*notes.get(i, []), *more], res, "offline", target)
            except BriefsumError as exc:
                out[i] = exc
    return _raise_or_return(out, errors)


def translate(
    text: str,
    source: str = "auto",
    target: str = "en",
    config: "str | os.PathLike | Mapping | Config | None" = None,
    engine: str | None = None,
) -> Translation:
    """Translate a whole text sentence by sentence, keeping paragraphs and the alignment.

    engine: auto (default: the neural model when it is on this machine, else Apertium), neural, or offline.
    """
    settings = load_config(config).settings
    engine = _engine_name(engine, settings)
    target = check_lang(str(target), "target")
    prep = prepare(text, source, settings, None, target)
    src, sents = prep.lang, prep.doc.sentences
    texts = [s.text for s in sents]
    if src == target:
        outs, name, notes = texts, "identity", []
    else:
        got, notes = (None, []) if engine == "offline" else _neural_or_none(
            engine, lambda: _neural_translation(settings, src, target, texts), "translation model", "Apertium")
        if got is not None:
            outs, name, more = got
        else:
            outs, name, more = _apertium_translation(settings, prep, target, texts)
        notes = [*notes, *more]
    return Translation(src, target, [AlignedSentence(s.index, s.paragraph, s.text, o) for s, o in zip(sents, outs)],
                       name, [*prep.warnings, *notes])


def _neural_translation(settings: Settings, src: str, target: str, texts: list[str]):
    from .engines.neural import NeuralTranslator

    ntr = NeuralTranslator.from_config(settings, src, target)
    run = ntr.translate(texts)
    return run.texts, ntr.label, list(run.warnings)


def _apertium_translation(settings: Settings, prep: Prepared, target: str, texts: list[str]):
    tr = translators.offline_translator(settings)
    reason = tr.missing_reason(prep.lang, target)
    if reason:
        raise (UnsupportedLanguageError if "no Apertium route" in reason else ModelUnavailable)(reason)
    outs = translators.routed(tr, prep.doc).translate_sentences(texts, prep.lang, target)
    return outs, tr.name, translators.untranslated_notes(tr, prep.lang, target, settings)
