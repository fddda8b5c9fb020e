"""A `datasets.Dataset.map` helper: add each article's briefsum record to a Hugging Face dataset.

    from datasets import load_dataset
    from briefsum.integrations.hf_datasets import summarise_dataset

    ds = load_dataset("json", data_files="articles.jsonl", split="train")
    ds = summarise_dataset(ds, text_column="article", engine="offline", num_proc=2)
    ds[0]["briefsum_error"], json.loads(ds[0]["briefsum"])["grades"]["headline"]["text"]

The record (a JSON string, see briefsum.batch.records) holds what `briefsum.summarise()` gives for the row's text.
"""

from __future__ import annotations

import json
from typing import Any, Sequence

from ..batch.readers import Article
from ..batch.workers import ArticleSummariser, JobOptions


class BriefsumMapper:
    """A batched map function: {text_column: [...]} in, {"briefsum": [record JSON], "briefsum_error": [...]} out.

    The summariser is built on the first call in each process (so the function pickles small for num_proc)."""

    def __init__(self, text_column: str = "text", id_column: str | None = None, options: JobOptions | None = None):
        self.text_column, self.id_column = text_column, id_column
        self.options = options or JobOptions()
        self._summariser: ArticleSummariser | None = None

    def __getstate__(self) -> dict:
        return {"text_column": self.text_column, "id_column": self.id_column, "options": self.options,
                "_summariser": None}

    def __call__(self, batch: dict[str, list], indices: Sequence[int]) -> dict[str, list]:
        if self._summariser is None:
            self._summariser = ArticleSummariser(self.options)
        texts = batch[self.text_column]
        ids = [str(x) for x in batch[self.id_column]] if self.id_column else [str(i) for i in indices]
        articles = [Article(ident, f"row {i}", t if isinstance(t, str) else None,
                            None if isinstance(t, str) else f"row {i}: field '{self.text_column}' is not text")
                    for ident, i, t in zip(ids, indices, texts)]
        records = self._summariser.records(articles)
        return {"briefsum": [json.dumps(r, ensure_ascii=False) for r in records],
                "briefsum_error": [r["error"] for r in records]}


def summarise_dataset(dataset: Any, text_column: str = "text", *, id_column: str | None = None,
                      batch_size: int = 8, num_proc: int | None = None, lang: str = "auto",
                      target: str | None = "en", grades: Sequence[str] | None = None, engine: str | None = None,
                      config: str | None = None, **map_kwargs: Any) -> Any:
    """The dataset with two columns added: `briefsum` (the record as JSON) and `briefsum_error` (None or why)."""
    options = JobOptions(lang, target, tuple(grades) if grades is not None else None, engine, config)
    options.check()
    return dataset.map(BriefsumMapper(text_column, id_column, options), batched=True, batch_size=batch_size,
                       with_indices=True, num_proc=num_proc, **map_kwargs)
