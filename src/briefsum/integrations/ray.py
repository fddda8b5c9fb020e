"""Ray Data integration: a briefsum predictor for `Dataset.map_batches`, and corpus runs on a Ray cluster.

    import ray
    from briefsum.integrations.ray import BriefsumPredictor

    ds = ray.data.read_parquet("s3://bucket/articles/")              # any dataset with a text column
    out = ds.map_batches(BriefsumPredictor, fn_constructor_kwargs={"engine": "offline", "text_column": "body"},
                         batch_size=8, concurrency=4)                  # an actor pool; each actor loads once
    out.write_parquet("s3://bucket/briefs/")                           # columns id, error, record (JSON)

For the neural engine on GPUs pass `num_gpus=1` to map_batches (one GPU per actor).
`briefsum batch ... --ray` uses the same predictor on briefsum's own readers (run_on_ray below), so its records
equal a local run's. Needs the `ray` extra (pip install 'briefsum[ray]').
"""

from __future__ import annotations

import json
from typing import Any, Iterator, Sequence

import ray
from ray.data import Datasource, ReadTask
from ray.data.block import BlockMetadata

from ..batch.readers import Article, ReadOptions, iter_file
from ..batch.workers import ArticleSummariser, JobOptions

READ_ERROR_COLUMN = "read_error"


class BriefsumPredictor:
    """A callable class for `Dataset.map_batches`: one batch of rows in, one briefsum record per row out.

    Input columns: `text_column` (the article), and optionally `id_column` and `source_column` (without an id
    column the id is the row's position within its batch, which is not unique: give one). Output columns: `id`,
    `source`, `error` (None, or the one-line reason the article failed) and `record`: the article's record as a
    JSON line (see briefsum.batch.records), whose Brief part is what `briefsum.summarise()` gives for that text.
    """

    def __init__(self, lang: str = "auto", target: str | None = "en", grades: Sequence[str] | None = None,
                 engine: str | None = None, config: str | None = None, *, text_column: str = "text",
                 id_column: str = "id", source_column: str = "source"):
        self.text_column, self.id_column, self.source_column = text_column, id_column, source_column
        self.summariser = ArticleSummariser(JobOptions(lang, target, tuple(grades) if grades is not None else None,
                                                       engine, config))

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        cols = _columns(batch)
        texts = cols[self.text_column]
        n = len(texts)
        ids = [str(x) for x in cols[self.id_column]] if self.id_column in cols else [str(i) for i in range(n)]
        sources = [str(x) for x in cols[self.source_column]] if self.source_column in cols else ids
        read_errors = cols.get(READ_ERROR_COLUMN) or [None] * n
        articles = []
        for i, text in enumerate(texts):
            err = read_errors[i] if isinstance(read_errors[i], str) else None
            if err is None and not isinstance(text, str):
                err = f"{sources[i]}: field '{self.text_column}' is not text"
            articles.append(Article(ids[i], sources[i], text if err is None else None, err))
        lines = self.summariser.lines(articles)
        return pa.table({"id": pa.array(ids, pa.string()), "source": pa.array(sources, pa.string()),
                         "error": pa.array([json.loads(x)["error"] for x in lines], pa.string()),
                         "record": pa.array([x.decode("utf-8") for x in lines], pa.string())})


def _columns(batch: Any) -> dict[str, list]:
    """A batch in any of Ray Data's formats (pyarrow, pandas, dict of numpy arrays) as plain Python lists."""
    if hasattr(batch, "column_names") and hasattr(batch, "to_pydict"):  # pyarrow.Table
        return batch.to_pydict()
    if hasattr(batch, "to_dict") and hasattr(batch, "columns"):  # pandas.DataFrame
        return {str(c): batch[c].tolist() for c in batch.columns}
    return {str(k): [x.item() if hasattr(x, "item") and not isinstance(x, (str, bytes)) else x for x in v]
            for k, v in batch.items()}


class ArticleDatasource(Datasource):
    """briefsum's corpus readers as a Ray Data source: one read task per input file, streamed in blocks."""

    def __init__(self, files: Sequence[str], read: ReadOptions, skip_ids: set[str] | None = None,
                 rows_per_block: int = 64):
        super().__init__()
        self.files, self.read, self.skip_ids, self.rows_per_block = list(files), read, set(skip_ids or ()), rows_per_block

    def estimate_inmemory_data_size(self) -> int | None:
        return None

    def get_read_tasks(self, parallelism: int, per_task_row_limit: int | None = None,
                       data_context: Any = None) -> list[ReadTask]:
        return [ReadTask(self._reader(path), BlockMetadata(num_rows=None, size_bytes=None, exec_stats=None,
                                                           input_files=[path]))
                for path in self.files]

    def _reader(self, path: str):
        read, skip, size = self.read, self.skip_ids, self.rows_per_block

        def read_fn() -> Iterator[Any]:
            import pyarrow as pa

            cols: dict[str, list] = {"id": [], "source": [], "text": [], READ_ERROR_COLUMN: []}
            for a in iter_file(path, read):
                if a.id in skip:
                    continue
                for key, value in (("id", a.id), ("source", a.source), ("text", a.text), (READ_ERROR_COLUMN, a.error)):
                    cols[key].append(value)
                if len(cols["id"]) >= size:
                    yield pa.table({k: pa.array(v, pa.string()) for k, v in cols.items()})
                    cols = {k: [] for k in cols}
            if cols["id"]:
                yield pa.table({k: pa.array(v, pa.string()) for k, v in cols.items()})

        return read_fn


def run_on_ray(files: Sequence[str], read: ReadOptions, options: JobOptions, *, skip_ids: set[str] | None = None,
               address: str | None = None, concurrency: int = 1, batch_size: int = 8,
               num_gpus: float = 0.0) -> Iterator[tuple[list[Article], list[bytes]]]:
    """A corpus run as Ray Data: read (briefsum's readers) → map_batches(BriefsumPredictor, actor pool) →
    record lines back in input order, for the caller to write. Connects to `address` ($RAY_ADDRESS when None),
    or starts a local Ray when there is none."""
    import logging

    logging.getLogger("ray.data").setLevel(logging.WARNING)
    if not ray.is_initialized():
        ray.init(address=address or None, include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING)
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True  # records come back in input order
    ctx.enable_progress_bars = False
    # reading is light; at zero CPUs it is never starved by actors holding every CPU
    ds = ray.data.read_datasource(ArticleDatasource(files, read, skip_ids), num_cpus=0)
    kwargs = dict(lang=options.lang, target=options.target, grades=options.grades, engine=options.engine,
                  config=options.config)
    ds = ds.map_batches(BriefsumPredictor, fn_constructor_kwargs=kwargs, batch_size=batch_size,
                        concurrency=concurrency, num_gpus=num_gpus or None, batch_format="pyarrow")
    for batch in ds.iter_batches(batch_size=None, batch_format="pyarrow"):
        ids, sources, records = (batch.column(c).to_pylist() for c in ("id", "source", "record"))
        yield ([Article(i, s, None) for i, s in zip(ids, sources)], [r.encode("utf-8") for r in records])
