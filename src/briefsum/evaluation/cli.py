"""briefsum-eval: score briefsum, baselines or any system's outputs on a declared dataset, a data file or plain
line-aligned files, and compare systems with paired significance tests.

Errors: one line on standard error, exit code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

EXIT_ERROR = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not usage + message
        sys.stderr.write(f"briefsum-eval: error: {message} (see briefsum-eval --help)\n")
        raise SystemExit(EXIT_ERROR)


def _int_at_least(minimum: int, what: str):
    """An argparse type: a whole number >= minimum."""
    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got '{value}'") from None
        if n < minimum:
            raise argparse.ArgumentTypeError(f"expected {what}, got {n}")
        return n
    return parse


class _AddSystem(argparse.Action):
    """Collects the systems in command-line order: the first one is what the others are compared with."""

    def __call__(self, parser, namespace, values, option_string=None):
        kind = self.const
        systems = list(getattr(namespace, "systems", None) or [])
        for v in (values if isinstance(values, list) else [values]):
            systems.append((kind, v))
        namespace.systems = systems
        if kind == "engine":
            namespace.engine = values if not isinstance(values, list) else values[-1]


_positive = _int_at_least(1, "a positive number")
_count = _int_at_least(0, "0 or more")


def build_parser() -> argparse.ArgumentParser:
    """The briefsum-eval argument parser."""
    p = _Parser(prog="briefsum-eval",
                description="Evaluate graded summaries (ROUGE) or translation (BLEU, chrF, chrF++, TER) on a declared "
                            "dataset, a data file or plain line-aligned files; compare systems with paired tests.")
    p.set_defaults(systems=[])
    p.add_argument("--dataset", help="dataset name from configs/datasets.yaml or --datasets-file (see --list)")
    p.add_argument("--list", action="store_true", help="list the declared datasets and exit")
    p.add_argument("--data-root", help="data folder (default: $BRIEFSUM_DATA, else ../shared/data)")
    p.add_argument("--datasets-file", help="YAML of dataset declarations merged over the packaged ones")
    d = p.add_argument_group("your own data file (JSON lines, CSV, TSV, Parquet or a save_to_disk folder)")
    d.add_argument("--data", help="the data file or folder")
    d.add_argument("--text-field", default="text", help="field of the article (translation: the source; default text)")
    d.add_argument("--id-field", help="field of the document id (default: id, else the row number)")
    d.add_argument("--ref", action="append", default=[], metavar="GRADE=FIELD",
                   help="a grade and its reference field, e.g. brief=abstract (repeat; a list-valued field = "
                        "several references)")
    d.add_argument("--lang-field", help="field of each row's language; rows in another language than --lang are an error")
    d.add_argument("--split", help="split of a save_to_disk folder holding several")
    d.add_argument("--lang", help="language of the articles (default en)")
    d.add_argument("--target", help="language of the summaries (default: the article's own; none = no translation)")
    d.add_argument("--task", choices=("summarisation", "translation"), default="summarisation",
                   help="summarisation (ROUGE, default) or translation (BLEU, chrF, chrF++, TER)")
    pf = p.add_argument_group("plain files, one document (or sentence) a line, like sacrebleu")
    pf.add_argument("--refs", nargs="+", default=[], metavar="REF", help="reference file(s); several = multi-reference")
    pf.add_argument("--hyps", nargs="+", action=_AddSystem, const="hyps", metavar="SYS",
                    help="hypotheses file(s), one system each")
    pf.add_argument("--src", help="source file: the articles (summarisation) or source sentences (translation)")
    src = p.add_argument_group("systems to evaluate, in order; the first is what the others are compared with "
                               "(default: the offline engine)")
    src.add_argument("--engine", choices=("auto", "offline", "neural"), action=_AddSystem, const="engine",
                     help="a briefsum engine (repeatable)")
    src.add_argument("--config", help="briefsum YAML config for the engine")
    src.add_argument("--baseline", choices=("lead", "random", "oracle"), action=_AddSystem, const="baseline",
                     help="a baseline: LEAD-k, seeded random-k, greedy extractive oracle (repeatable)")
    src.add_argument("--k", type=_positive, help="sentences for every grade's baseline (default: per dataset)")
    src.add_argument("--predictions", nargs="+", action=_AddSystem, const="predictions", metavar="FILE",
                     help="existing predictions: one per line, or JSON lines with id + grades (one system each)")
    src.add_argument("--grade", help="grade of a one-per-line predictions file, or of --refs/--hyps (default summary)")
    src.add_argument("--system", action=_AddSystem, const="shipped",
                     help="a system's outputs shipped with the dataset (e.g. bart on frank-cnndm; repeatable)")
    m = p.add_argument_group("metric settings (all recorded in the signature)")
    m.add_argument("--mode", choices=("unicode", "paper", "perl"), default="unicode",
                   help="ROUGE tokenization: unicode words (default), paper = rouge-score's default tokenizer, "
                        "perl = ROUGE-1.5.5-compatible")
    m.add_argument("--stem", action="store_true",
                   help="stem tokens (Snowball for the language in unicode mode, Porter otherwise)")
    m.add_argument("--lsum", choices=("briefsum-seg", "newline"), default="briefsum-seg",
                   help="ROUGE-Lsum sentences: briefsum's segmenter (default) or the texts' own lines")
    m.add_argument("--bootstrap", type=_count, default=1000, help="bootstrap resamples for 95%% CIs (0: none)")
    m.add_argument("--paired-bs", type=_count, default=1000,
                   help="paired bootstrap resamples when comparing systems (0: off; default 1000)")
    m.add_argument("--paired-ar", type=_count, default=10000,
                   help="approximate randomisation trials when comparing systems (0: off; default 10000)")
    m.add_argument("--seed", type=int, default=12345, help="seed of the bootstrap, the tests and the random baseline")
    r = p.add_argument_group("run")
    r.add_argument("--limit", type=_positive, help="evaluate only the first N examples")
    r.add_argument("--jobs", type=_positive, default=1, help="engine worker processes (default 1)")
    r.add_argument("--out", help="write results.json, results.md, report.html, outputs.jsonl, per_doc.jsonl, "
                                 "plot.png here")
    r.add_argument("--resume", action="store_true",
                   help="reuse the engine outputs an interrupted run already wrote into --out")
    r.add_argument("--no-plot", action="store_true", help="do not draw plot.png")
    r.add_argument("--no-html", action="store_true", help="do not write report.html")
    r.add_argument("--html-docs", type=_positive, default=5000,
                   help="documents in report.html's per-document viewer (the first N; default 5000)")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def _list_datasets(datasets_file: str | None = None) -> str:
    from .data import dataset_specs

    rows = [f"{name:18s} {spec.task:14s} {spec.description}" for name, spec in dataset_specs(datasets_file).items()]
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run briefsum-eval; return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        from ..errors import BriefsumError

        if args.list:
            sys.stdout.write(_list_datasets(args.datasets_file))
            return 0
        if not (args.dataset or args.data or args.refs):
            raise _UsageError("--dataset, --data or --refs is required (see --list)")
        if args.hyps and not args.refs:
            raise _UsageError("--hyps needs --refs (the reference file(s))")
        from .report import markdown, write_reports
        from .runner import RunOptions, run

        opts = RunOptions(dataset=args.dataset, data_root=args.data_root, engine=args.engine or "offline",
                          k=args.k, grade=args.grade, mode=args.mode, stem=args.stem, lsum=args.lsum,
                          bootstrap=args.bootstrap, seed=args.seed, limit=args.limit, jobs=args.jobs,
                          config=args.config, progress=not args.quiet, systems=list(args.systems),
                          datasets_file=args.datasets_file, data=args.data, text_field=args.text_field,
                          id_field=args.id_field, refs=list(args.ref), lang_field=args.lang_field,
                          split=args.split, lang=args.lang, target=args.target, task=args.task,
                          ref_files=list(args.refs), src=args.src, paired_bs=args.paired_bs,
                          paired_ar=args.paired_ar, out=args.out, resume=args.resume)
        result = run(opts)
        cmd = ["briefsum-eval", *(sys.argv[1:] if argv is None else argv)]
        result.results["command"] = " ".join(shlex.quote(a) for a in cmd)
        if args.out:
            write_reports(result, Path(args.out), make_plot=not args.no_plot)
            if not args.no_html:
                from .html_report import write_html

                write_html(result, Path(args.out) / "report.html", args.html_docs)
        sys.stdout.write(markdown(result.results))
        return 0
    except KeyboardInterrupt:
        sys.stderr.write("briefsum-eval: interrupted\n")
        return 130
    except _UsageError as exc:
        sys.stderr.write(f"briefsum-eval: error: {exc}\n")
        return EXIT_ERROR
    except BriefsumError as exc:
        sys.stderr.write(f"briefsum-eval: error: {_one_line(exc)}\n")
        return EXIT_ERROR
    except OSError as exc:
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        sys.stderr.write(f"briefsum-eval: error: {where}{exc.strerror or exc}\n")
        return EXIT_ERROR
    except Exception as exc:  # a bug or an unexpected library failure: still one line, no traceback
        sys.stderr.write(f"briefsum-eval: error: unexpected {type(exc).__name__}: {_one_line(exc)}\n")
        return EXIT_ERROR


class _UsageError(Exception):
    pass


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
