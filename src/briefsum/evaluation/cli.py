"""briefsum-eval: score briefsum (or a baseline, or any system's predictions) on an evaluation dataset.

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


_positive = _int_at_least(1, "a positive number")
_count = _int_at_least(0, "0 or more")


def build_parser() -> argparse.ArgumentParser:
    """The briefsum-eval argument parser."""
    p = _Parser(prog="briefsum-eval",
                description="Evaluate graded summaries (ROUGE) or translation (BLEU, chrF) on a declared dataset.")
    p.add_argument("--dataset", help="dataset name from configs/datasets.yaml (see --list)")
    p.add_argument("--list", action="store_true", help="list the declared datasets and exit")
    p.add_argument("--data-root", help="data folder (default: $BRIEFSUM_DATA, else ../shared/data)")
    src = p.add_argument_group("system to evaluate (default: the briefsum engine)")
    src.add_argument("--engine", choices=("auto", "offline", "neural"), default="offline",
                     help="briefsum engine (default offline)")
    src.add_argument("--config", help="briefsum YAML config for the engine")
    src.add_argument("--baseline", choices=("lead", "random", "oracle"),
                     help="score a baseline instead: LEAD-k, seeded random-k, greedy extractive oracle")
    src.add_argument("--k", type=_positive, help="sentences for every grade's baseline (default: per dataset)")
    src.add_argument("--predictions", help="score existing predictions: one per line, or JSON lines with id + grades")
    src.add_argument("--grade", help="grade of a one-per-line predictions file")
    src.add_argument("--system", help="score a system's outputs shipped with the dataset (e.g. bart on frank-cnndm)")
    m = p.add_argument_group("metric settings (all recorded in the signature)")
    m.add_argument("--mode", choices=("unicode", "paper", "perl"), default="unicode",
                   help="ROUGE tokenization: unicode words (default), paper = rouge-score's default tokenizer, "
                        "perl = ROUGE-1.5.5-compatible")
    m.add_argument("--stem", action="store_true",
                   help="stem tokens (Snowball for the language in unicode mode, Porter otherwise)")
    m.add_argument("--lsum", choices=("briefsum-seg", "newline"), default="briefsum-seg",
                   help="ROUGE-Lsum sentences: briefsum's segmenter (default) or the texts' own lines")
    m.add_argument("--bootstrap", type=_count, default=1000, help="bootstrap resamples for 95%% CIs (0: none)")
    m.add_argument("--seed", type=int, default=12345, help="seed of the bootstrap and random baseline")
    r = p.add_argument_group("run")
    r.add_argument("--limit", type=_positive, help="evaluate only the first N examples")
    r.add_argument("--jobs", type=_positive, default=1, help="engine worker processes (default 1)")
    r.add_argument("--out", help="write results.json, results.md, outputs.jsonl, per_doc.jsonl, plot.png here")
    r.add_argument("--no-plot", action="store_true", help="do not draw plot.png")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def _list_datasets() -> str:
    from .data import dataset_specs

    rows = [f"{name:18s} {spec.task:14s} {spec.description}" for name, spec in dataset_specs().items()]
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run briefsum-eval; return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        from ..errors import BriefsumError

        if args.list:
            sys.stdout.write(_list_datasets())
            return 0
        if not args.dataset:
            raise _UsageError("--dataset is required (see --list)")
        from .report import markdown, write_reports
        from .runner import RunOptions, run

        opts = RunOptions(dataset=args.dataset, data_root=args.data_root, engine=args.engine,
                          baseline=args.baseline, k=args.k, predictions=args.predictions, grade=args.grade,
                          system=args.system, mode=args.mode, stem=args.stem, lsum=args.lsum,
                          bootstrap=args.bootstrap, seed=args.seed, limit=args.limit, jobs=args.jobs,
                          config=args.config, progress=not args.quiet)
        result = run(opts)
        cmd = ["briefsum-eval", *(sys.argv[1:] if argv is None else argv)]
        result.results["command"] = " ".join(shlex.quote(a) for a in cmd)
        if args.out:
            write_reports(result, Path(args.out), make_plot=not args.no_plot)
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
