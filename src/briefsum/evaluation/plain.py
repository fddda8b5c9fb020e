"""Plain line-aligned files, as sacrebleu reads them: one document (or sentence) a line in each reference file,
hypotheses file and optional source file. Line counts must agree; a reference line may not be empty."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ..errors import EvalDataError
from .data import DatasetSpec, Example
from .predictions import read_text


def read_lines(path: Path, what: str) -> list[str]:
    """The lines of a UTF-8 text file (a final newline ends the last line; CR-LF is read as LF)."""
    text = read_text(path, what)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def plain_dataset(refs: Sequence[str], src: str | None, grade: str, task: str, lang: str,
                  target: str | None) -> tuple[DatasetSpec, list[Example]]:
    """A dataset from line-aligned reference files (several = several references per line) and a source file."""
    if not refs:
        raise EvalDataError("--refs needs at least one reference file")
    ref_lines = [(Path(r), read_lines(Path(r), "references")) for r in refs]
    n = len(ref_lines[0][1])
    for path, lines in ref_lines[1:]:
        if len(lines) != n:
            raise EvalDataError(f"{path}: has {len(lines)} lines but {ref_lines[0][0]} has {n}; "
                                "files must be line-aligned")
    for path, lines in ref_lines:
        for i, line in enumerate(lines, 1):
            if not line.strip():
                raise EvalDataError(f"{path}: row {i} is an empty reference")
    if n == 0:
        raise EvalDataError(f"{ref_lines[0][0]}: no lines")
    sources = [""] * n
    if src:
        sources = read_lines(Path(src), "source")
        if len(sources) != n:
            raise EvalDataError(f"{src}: has {len(sources)} lines but {ref_lines[0][0]} has {n}; "
                                "files must be line-aligned")
    elif task == "translation":
        raise EvalDataError("--task translation needs --src SRC (the source sentences)")
    if task == "translation":
        grade = "translation"
    examples = []
    for i in range(n):
        texts = [lines[i] for _, lines in ref_lines]
        ex = Example(str(i + 1), sources[i], {grade: texts[0]})
        if len(texts) > 1:
            ex.ref_lists[grade] = texts
        examples.append(ex)
    files = {f"reference{j + 1}": str(p) for j, (p, _) in enumerate(ref_lines)}
    if src:
        files["source"] = str(src)
    spec = DatasetSpec(name="plain files", task=task, format="plain", files=files, language=lang or "en",
                       target=target, references={grade: {"field": ", ".join(str(p) for p, _ in ref_lines)}},
                       description=f"{n} lines, {len(ref_lines)} reference file(s)")
    return spec, examples
