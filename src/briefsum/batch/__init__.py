"""Corpus mode: many articles in (files, directories, JSON lines, CSV, Parquet), one record each out.

readers: inputs to streamed Articles; records: the record of an article; writer: the append-only, resumable
output; workers: summarising in this process or worker processes; job: a whole run; cli: `briefsum batch`.
"""
