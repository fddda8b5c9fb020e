"""The pipeline: normalise → identify language → segment → engine (summarise + translate) → Brief."""

from __future__ import annotations

import os
import warnings as warnings_module
from typing import Iterable, Mapping

from .brief import AlignedSentence, Brief, Translation
from .config import Config, load_config
from .deadline import Deadline
from .engines.base import EngineResult, Translator
from .errors import (BatchError, BriefsumError, ConfigError, EmptyInputError, InputError, InputTooLargeError,
                     ModelUnavailable, UnsupportedLanguageError)
from .grades import grade_specs
from .text.normalise import clean
from .text.segment import Document, segment

ConfigLike = "str | os.PathLike | Mapping | Config | None"


def _check_lang(code: str, what: str) -> str:
    from .text.langid import known_language

    code = code.strip().lower()
    if not known_language(code):
        raise UnsupportedLanguageError(f"unknown {what} language code '{code}' (use an ISO 639-1 code such as fr or en)")
    return code


def _prepare(text: str, lang: str, cfg: Config, deadline: Deadline | None = None, target: str | None = None
             ) -> tuple[Document, float, bool, dict, list[str]]:
    if not isinstance(text, str):
        raise InputError(f"text must be a str, not {type(text).__name__}")
    deadline = deadline or _deadline(cfg)
    limit = cfg.get("limits", "max_input_chars")
    if len(text) > limit:
        raise InputTooLargeError(f"input has {len(text):,} characters, more than the limit of {limit:,} "
                                 "(raise limits.max_input_chars in the config to allow it)")
    cleaned = clean(text)
    deadline.check("cleaning the text")
    warnings = list(cleaned.warnings)
    if not cleaned.text.strip():
        raise EmptyInputError("input holds no text" + (" after HTML extraction" if cleaned.warnings else ""))
    if lang is None or str(lang).strip().lower() in ("", "auto"):
        from .text.langid import identify

        guess = identify(cleaned.text, int(cfg.get("language", "sample_chars", default=4000)))
        if guess.lang == "und":
            raise EmptyInputError("input holds no words (only digits, punctuation or symbols)")
        src, conf, detected = guess.lang, guess.confidence, True
        if conf < float(cfg.get("language", "min_confidence", default=0.5)):
            warnings.append(f"language detection is unsure: {src} with confidence {conf:.2f}; pass lang= to set it")
    else:
        src, conf, detected = _check_lang(str(lang), "source"), 1.0, False
        from .text.langid import identify

        guess = identify(cleaned.text, int(cfg.get("language", "sample_chars", default=4000)))
        if guess.lang not in (src, "und") and guess.confidence >= 0.9 and len(cleaned.text) >= 80:
            warnings.append(f"declared language {src} but the text looks like {guess.lang} "
                            f"(confidence {guess.confidence:.2f}); results may be poor")
    deadline.check("identifying the language")
    doc = segment(cleaned.text, src, deadline)
    if doc.words == 0:
        raise EmptyInputError("input holds no words (only punctuation or symbols)")
    _note_foreign_paragraphs(doc, warnings, deadline, cfg, target)
    if len(doc.warnings) > 3:
        warnings.extend(doc.warnings[:2])
        warnings.append(f"... and {len(doc.warnings) - 2} more overlong sentences were cut into pieces")
    else:
        warnings.extend(doc.warnings)
    return doc, conf, detected, cleaned.metadata, warnings


def _deadline(cfg: Config) -> Deadline:
    return Deadline(float(cfg.get("limits", "timeout_s", default=300)))


def _note_foreign_paragraphs(doc: Document, warnings: list[str], deadline: Deadline, cfg: Config,
                             target: str | None) -> None:
    """Record on the document the paragraphs written in another language, with one warning saying what happens
    to them."""
    from .text.langid import foreign_paragraphs

    paras = doc.paragraphs
    found = foreign_paragraphs([" ".join(s.text for s in p) for p in paras], doc.lang, deadline)
    if not found:
        return
    doc.paragraph_langs = {paras[i][0].paragraph: g.lang for i, g in found.items()}
    shown = ", ".join(f"{i + 1} ({g.lang}, {g.confidence:.2f})" for i, g in list(found.items())[:5])
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    if target is None or target == doc.lang:
        fate = "they are left as written (the article is not translated)"
    else:
        routes = cfg.get("apertium", "routes") or {}
        fates = []
        for lang in dict.fromkeys(g.lang for g in found.values()):
            if lang == target:
                fates.append(f"{lang}: kept as written")
            elif f"{lang}-{target}" in routes:
                fates.append(f"{lang}: translated from {lang}")
            else:
                fates.append(f"{lang}: no route {lang}→{target}, translated as {doc.lang}")
        fate = "; ".join(fates)
    warnings.append(f"{len(found)} of {len(paras)} paragraphs look like another language than {doc.lang}: "
                    f"paragraph {shown}{more} ({fate})")


def _translator(cfg: Config, deadline: Deadline | None = None) -> Translator:
    from .engines.apertium import ApertiumTranslator

    ap = cfg.get("apertium") or {}
    timeout = float(cfg.get("limits", "backend_timeout_s"))
    left = deadline.remaining() if deadline is not None else None
    if left is not None:
        timeout = max(0.5, min(timeout, left))
    return ApertiumTranslator(ap.get("routes", {}), ap.get("packages", {}), ap.get("binary", "apertium"), timeout,
                              allow_custom_binary=ap.get("allow_custom_binary") is True,
                              pivot_unknowns=ap.get("pivot_unknowns", "source"))


def _routed(tr: Translator | None, doc: Document) -> Translator | None:
    """The translator, wrapped to route the sentences of other-language paragraphs (when there are any)."""
    langs = getattr(doc, "paragraph_langs", None)
    if tr is None or not langs:
        return tr
    from .engines.routing import ParagraphRouter

    return ParagraphRouter(tr, {s.text: langs[s.paragraph] for s in doc.sentences if s.paragraph in langs})


def _untranslated_notes(tr: Translator | None, src: str, target: str | None, cfg: Config) -> list[str]:
    """The translator's words it could not translate, as warnings (none when nothing was translated)."""
    unknown = getattr(tr, "unknown", None)
    if unknown is None:
        return []
    route = (cfg.get("apertium", "routes") or {}).get(f"{src}-{target}") or []
    pivot = route[0].split("-")[-1] if len(route) > 1 else "pivot"
    return unknown.warnings(src, pivot)


def _offline_engine(cfg: Config):
    from .engines.extractive import ExtractiveEngine, make_scorer

    opts = dict(cfg.get("engine", "offline") or {})
    custom_model = bool(opts.get("model_path"))
    if custom_model:
        path = cfg.resolve_path(opts["model_path"])
        if path.exists() and not path.is_file():  # a folder, a device, a FIFO: never opened
            raise ConfigError(f"config: engine.offline.model_path is not a regular file: {path}")
        opts["model_path"] = str(path)
    target = opts.get("headline_target")
    label = opts.get("headline_label")
    if label is False or (isinstance(label, str) and label.strip().lower() in ("none", "null", "off")):
        label = None
    if label is not None:
        try:
            value = float(label) if not isinstance(label, bool) else float("nan")
        except (TypeError, ValueError):
            value = float("nan")
        if not 0.0 <= value <= 1.0:  # NaN fails this too
            raise ConfigError("config: engine.offline.headline_label must be a probability from 0 to 1, or null "
                              f"(off), got {label!r}")
        label = value
    langs = opts.get("headline_label_langs", ["fr"])
    if langs is None:
        langs = []
    elif isinstance(langs, str) or not isinstance(langs, (list, tuple)):
        raise ConfigError(f"config: engine.offline.headline_label_langs must be a list of language codes, "
                          f"got {langs!r}")
    if custom_model:
        # A model file that does not load falls back to the centrality scorer with a notice the result's warnings
        # carry; the loader's Python warning would only repeat it on stderr.
        with warnings_module.catch_warnings():
            warnings_module.simplefilter("ignore", RuntimeWarning)
            scorer = make_scorer(opts.get("scorer", "centrality"), opts)
    else:
        scorer = make_scorer(opts.get("scorer", "centrality"), opts)
    return ExtractiveEngine(scorer, float(opts.get("redundancy", 0.6)),
                            int(target) if target else None, float(opts.get("headline_fit_margin") or 0.0),
                            label, tuple(str(x) for x in langs), _compressor(opts))


def _compressor(opts: dict):
    """The learned parse-based compressor (engine.offline.compression: learned), or None for the rules."""
    mode = opts.get("compression", "rules")
    if mode in (None, "rules"):
        return None
    if mode != "learned":
        raise ConfigError(f"config: engine.offline.compression must be 'learned' or 'rules', got {mode!r}")
    from .compressor import load

    return load(opts.get("compressor_path"))


def _prestart(cfg: Config, lang: str | None, target: str | None, engine: str):
    """An Apertium translator whose pipeline for the likely pair is already loading (None when not useful)."""
    guess = str(lang or "").strip().lower()
    if guess in ("", "auto"):
        guess = str(cfg.get("apertium", "prestart", default="") or "")
    if engine == "neural" or target is None or not guess or guess == target:
        return None
    tr = _translator(cfg)
    tr.prestart(guess, target)
    return tr


def _pick_translator(cfg: Config, src: str, target: str | None, warnings: list[str],
                     early: Translator | None = None, deadline: Deadline | None = None) -> Translator | None:
    if target is None or target == src:
        return None
    tr = early if early is not None else _translator(cfg, deadline)
    if early is not None and deadline is not None and deadline.remaining() is not None:
        tr.timeout = max(0.5, min(tr.timeout, deadline.remaining()))
    reason = tr.missing_reason(src, target)
    if reason:
        warnings.append(f"not translated: {reason}; the summaries are in the source language ({src})")
        return None
    return tr


def _neural_or_none(engine: str, build, what: str, fallback: str, warnings: list[str]):
    """Run build() on the neural engine; when its models or packages are missing, raise (engine='neural')
    or add one warning and return None (engine='auto')."""
    try:
        return build()
    except ModelUnavailable as exc:
        if engine == "neural":
            raise
        warnings.append(f"neural {what} unavailable, used {fallback}: {exc}")
    except ImportError as exc:
        if engine == "neural":
            raise ModelUnavailable(f"the neural engine needs extra packages: {exc} "
                                   "(pip install 'briefsum[neural]')") from None
        warnings.append(f"neural engine unavailable (pip install 'briefsum[neural]'); used {fallback}")
    return None


def _iterable(x) -> bool:
    try:
        iter(x)
    except TypeError:
        return False
    return True


def _check_lang_arg(lang) -> None:
    if lang is not None and not isinstance(lang, str):
        raise InputError(f"lang must be a language code such as 'fr' or 'auto', not {type(lang).__name__}")


def _call_settings(config, grades, engine, target):
    """The configuration, grade specs, engine name and target language of one call, checked."""
    if grades is not None and (isinstance(grades, (str, bytes, Mapping)) or not _iterable(grades)):
        raise InputError(f"grades must be a list of grade names such as ['headline', 'brief'], not "
                         f"{type(grades).__name__}" + (f" {grades!r}" if isinstance(grades, str) else ""))
    if grades is not None:
        grades = list(grades)
        bad = next((g for g in grades if not isinstance(g, str)), None)
        if bad is not None or any(not isinstance(g, str) for g in grades):
            raise InputError(f"grades must be a list of grade names (str), got a {type(bad).__name__}: {bad!r}")
    if engine is not None and not isinstance(engine, str):
        raise InputError(f"engine must be a name (auto, offline or neural), not {type(engine).__name__}")
    if target is not None and not isinstance(target, str):
        raise InputError(f"target must be a language code such as 'en' (or None), not {type(target).__name__}")
    cfg = load_config(config)
    specs = grade_specs(cfg, grades)
    engine = (engine or cfg.get("engine", "default") or "auto").lower()
    if engine not in ("auto", "offline", "neural"):
        raise InputError(f"unknown engine '{engine}' (use auto, offline or neural)")
    if target is not None:
        target = _check_lang(str(target), "target") if str(target).strip() else None
    return cfg, specs, engine, target


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
    cfg, specs, engine, target = _call_settings(config, grades, engine, target)
    deadline = _deadline(cfg)
    early = _prestart(cfg, lang, target, engine)
    try:
        doc, conf, detected, meta, warnings = _prepare(text, lang, cfg, deadline, target)
        src = doc.lang
        result: EngineResult | None = None
        engine_name = "offline"
        if engine in ("neural", "auto"):
            def run_neural() -> EngineResult:
                from .engines.neural import NeuralEngine

                return NeuralEngine.from_config(cfg, src, target, fallback=lambda: _offline_engine(cfg)).run(
                    doc, specs, target, None, translation)

            result = _neural_or_none(engine, run_neural, "models", "the offline engine", warnings)
            if result is not None:
                engine_name = "neural"
        if result is None:
            deadline.check("starting the offline engine")
            tr = _pick_translator(cfg, src, target, warnings, early, deadline)
            result = _offline_engine(cfg).run(doc, specs, target, _routed(tr, doc), translation)
            warnings.extend(_untranslated_notes(tr, src, target, cfg))
    finally:  # a pre-started Apertium pipeline never outlives the call
        if early is not None:
            early.close()
    return _brief(doc, conf, detected, meta, warnings, result, engine_name, target)


def _brief(doc: Document, conf: float, detected: bool, meta: dict, warnings: list[str], result: EngineResult,
           engine_name: str, target: str | None) -> Brief:
    warnings.extend(result.warnings)
    stats = {"sentences": len(doc.sentences), "words": doc.words, "paragraphs": len(doc.paragraphs), **result.stats}
    return Brief(
        source_lang=doc.lang, lang_confidence=conf, lang_detected=detected, target_lang=target,
        output_lang=result.output_lang, grades=result.grades, engine=engine_name, models=result.models,
        warnings=warnings, translation=result.translation, metadata=meta, stats=stats,
    )


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
    if isinstance(texts, str):
        raise InputError("summarise_many takes a list of texts (use summarise for one text)")
    if texts is None or isinstance(texts, (bytes, Mapping)) or not _iterable(texts):
        raise InputError(f"summarise_many takes a list of texts, not {type(texts).__name__}")
    _check_lang_arg(lang)
    texts = list(texts)
    if errors not in ("raise", "return"):
        raise InputError(f"unknown errors mode '{errors}' (use raise or return)")
    cfg, specs, engine, target = _call_settings(config, grades, engine, target)
    out: list = [None] * len(texts)
    prepared: dict[int, tuple] = {}
    for i, text in enumerate(texts):
        try:
            prepared[i] = _prepare(text, lang, cfg, None, target)
        except BriefsumError as exc:
            out[i] = exc
    results: dict[int, tuple[EngineResult, str]] = {}
    if engine in ("neural", "auto"):
        by_lang: dict[str, list[int]] = {}
        for i, p in prepared.items():
            by_lang.setdefault(p[0].lang, []).append(i)
        for src, idx in by_lang.items():
            notes: list[str] = []

            def build(src: str = src):
                from .engines.neural import NeuralEngine

                return NeuralEngine.from_config(cfg, src, target, fallback=lambda: _offline_engine(cfg))

            try:
                eng = _neural_or_none(engine, build, "models", "the offline engine", notes)
            except ModelUnavailable as exc:  # engine='neural': these articles fail, others (languages) go on
                for i in idx:
                    out[i] = exc
                continue
            if eng is None:
                for i in idx:
                    prepared[i][4].extend(notes)
                continue
            window = max(1, int(cfg.get("neural", "summary_window", default=64) or 64))
            for w in range(0, len(idx), window):
                part = idx[w:w + window]
                got = eng.run_many([prepared[i][0] for i in part], specs, target, None, translation)
                for i, res in zip(part, got):
                    if isinstance(res, ModelUnavailable) and engine == "auto":
                        prepared[i][4].append(f"neural models unavailable, used the offline engine: {res}")
                    elif isinstance(res, BaseException):
                        out[i] = res
                    else:
                        results[i] = (res, "neural")
    offline = None
    for i, (doc, conf, detected, meta, warnings) in prepared.items():
        if out[i] is not None:
            continue
        try:
            if i not in results:
                tr = _pick_translator(cfg, doc.lang, target, warnings)
                if offline is None:
                    offline = _offline_engine(cfg)
                results[i] = (offline.run(doc, specs, target, _routed(tr, doc), translation), "offline")
                warnings.extend(_untranslated_notes(tr, doc.lang, target, cfg))
            res, name = results[i]
            out[i] = _brief(doc, conf, detected, meta, warnings, res, name, target)
        except BriefsumError as exc:
            out[i] = exc
    failed = {i: r for i, r in enumerate(out) if isinstance(r, BaseException)}
    if failed and errors == "raise":
        first = next(iter(failed.items()))
        shown = ", ".join(map(str, list(failed)[:10])) + (", ..." if len(failed) > 10 else "")
        raise BatchError(f"{len(failed)} of {len(texts)} articles failed (index {shown}); "
                         f"first, article {first[0]}: {first[1]}", out, failed)
    return out


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
    cfg = load_config(config)
    engine = (engine or cfg.get("engine", "default") or "auto").lower()
    if engine not in ("auto", "offline", "neural"):
        raise InputError(f"unknown engine '{engine}' (use auto, offline or neural)")
    target = _check_lang(str(target), "target")
    doc, _conf, _det, _meta, warnings = _prepare(text, source, cfg, None, target)
    src = doc.lang
    sents = doc.sentences
    outs: list[str] | None = None
    if src == target:
        outs = [s.text for s in sents]
        name = "identity"
    elif engine in ("neural", "auto"):
        def run_neural():
            from .engines.neural import NeuralTranslator

            ntr = NeuralTranslator.from_config(cfg, src, target)
            return ntr.translate([s.text for s in sents]), ntr.label

        got = _neural_or_none(engine, run_neural, "translation model", "Apertium", warnings)
        if got is not None:
            run, name = got
            outs = run.texts
            warnings.extend(run.warnings)
    if outs is None:
        tr = _translator(cfg)
        reason = tr.missing_reason(src, target)
        if reason:
            raise (UnsupportedLanguageError if "no Apertium route" in reason else ModelUnavailable)(reason)
        outs = _routed(tr, doc).translate_sentences([s.text for s in sents], src, target)
        warnings.extend(_untranslated_notes(tr, src, target, cfg))
        name = tr.name
    return Translation(src, target, [AlignedSentence(s.index, s.paragraph, s.text, o) for s, o in zip(sents, outs)],
                       name, warnings)
