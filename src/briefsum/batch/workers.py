"""Summarising articles into records, in this process or in worker processes (order kept, memory bounded)."""

from __future__ import annotations

import collections
import multiprocessing
import signal
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

from ..errors import BriefsumError, InputError
from .readers import Article
from .records import brief_record, dumps, error_record


@dataclass(frozen=True)
class JobOptions:
    """The summarise() options of a corpus run (those of `briefsum FILE`)."""

    lang: str = "auto"
    target: str | None = "en"
    grades: tuple[str, ...] | None = None
    engine: str | None = None
    config: str | None = None

    def check(self) -> None:
        """Raise the error every article would meet (bad config, grade, engine or target) before any work."""
        from ..config import load_config
        from ..grading.budgets import grade_specs
        from ..text.langid import known_language

        settings = load_config(self.config).settings
        grade_specs(settings.grades, list(self.grades) if self.grades is not None else None)
        engine = (self.engine or settings.engine_default).lower()
        if engine not in ("auto", "offline", "neural"):
            raise InputError(f"unknown engine '{engine}' (use auto, offline or neural)")
        for code, what in ((self.target, "target"), (None if self.lang in (None, "", "auto") else self.lang, "source")):
            if code is not None and not known_language(str(code).strip().lower()):
                raise InputError(f"unknown {what} language code '{code}' (use an ISO 639-1 code such as fr or en)")


class ArticleSummariser:
    """Turns articles into record lines with briefsum's public API; its configuration is loaded once.

    Each record's Brief part is what `summarise(text, ...)` gives for that article. The offline engine goes
    article by article through summarise() (which overlaps Apertium's start with preparing the text); the neural
    and auto engines go a chunk at a time through summarise_many(), which batches generation across articles.
    """

    def __init__(self, options: JobOptions):
        from ..config import load_config

        self.options = options
        self.config = load_config(options.config)
        self.engine = (options.engine or self.config.settings.engine_default).lower()

    def _kwargs(self) -> dict:
        o = self.options
        return dict(lang=o.lang, target=o.target, grades=list(o.grades) if o.grades is not None else None,
                    engine=o.engine, config=self.config)

    def _one(self, article: Article) -> dict:
        from .. import summarise

        try:
            return brief_record(article.id, article.source, summarise(article.text, **self._kwargs()))
        except BriefsumError as exc:
            return error_record(article.id, article.source, str(exc), type(exc).__name__)
        except Exception as exc:  # an internal failure of one article is recorded; the run goes on
            return error_record(article.id, article.source, f"internal error: {type(exc).__name__}: {exc}",
                                type(exc).__name__)

    def records(self, articles: Sequence[Article]) -> list[dict]:
        """One record per article, in order; an article that fails gets an error record."""
        out: list[dict | None] = [None] * len(articles)
        todo: list[int] = []
        for i, a in enumerate(articles):
            if a.error is not None or a.text is None:
                out[i] = error_record(a.id, a.source, a.error or f"{a.source}: no text", "InputError")
            else:
                todo.append(i)
        if self.engine != "offline" and len(todo) > 1:
            from .. import summarise_many

            try:
                got = summarise_many([articles[i].text for i in todo], errors="return", **self._kwargs())
            except Exception:  # something outside the per-article errors: fall back to one article at a time
                got = None
            if got is not None:
                for i, res in zip(todo, got):
                    a = articles[i]
                    out[i] = (error_record(a.id, a.source, str(res), type(res).__name__)
                              if isinstance(res, BaseException) else brief_record(a.id, a.source, res))
                todo = []
        for i in todo:
            out[i] = self._one(articles[i])
        return out  # type: ignore[return-value]

    def lines(self, articles: Sequence[Article]) -> list[bytes]:
        """The records of the articles as JSON lines."""
        return [dumps(r) for r in self.records(articles)]


def chunked(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """Lists of up to `size` consecutive items."""
    chunk: list[Article] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_WORKER: list[ArticleSummariser] = []


def _init_worker(options: JobOptions) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    _WORKER.append(ArticleSummariser(options))


def _work(chunk: list[Article]) -> list[bytes]:
    return _WORKER[0].lines(chunk)


def run_local(articles: Iterable[Article], options: JobOptions, jobs: int = 1,
              chunk_size: int = 4) -> Iterator[tuple[list[Article], list[bytes]]]:
    """(articles, record lines) a chunk at a time, in input order, from `jobs` processes.

    Each worker process builds its ArticleSummariser once. At most 2 chunks per worker are in flight, so memory
    stays flat however long the input is."""
    if jobs <= 1:
        summariser = ArticleSummariser(options)
        for chunk in chunked(articles, chunk_size):
            yield chunk, summariser.lines(chunk)
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from ..errors import BackendError

    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init_worker, initargs=(options,))
    window: collections.deque = collections.deque()
    try:
        source = chunked(articles, chunk_size)
        for chunk in source:
            window.append((chunk, pool.submit(_work, chunk)))
            if len(window) >= 2 * jobs:
                done, fut = window.popleft()
                yield done, fut.result()
        while window:
            done, fut = window.popleft()
            yield done, fut.result()
    except BrokenProcessPool:
        raise BackendError("a worker process died (out of memory or killed); the records written so far are "
                           "kept: rerun with --resume") from None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
