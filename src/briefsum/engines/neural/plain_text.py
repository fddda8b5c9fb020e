"""Tokenizing user text as plain text: a special token's string in an article (`<mask>`, `</s>`, `<pad>`,
`>>eng<<`, `eng_Latn`, `<extra_id_0>` ...) becomes the ids of its characters, never the special id.

Tokenizers of every family read such strings as their special tokens, and `split_special_tokens` does not stop
all of them (sentencepiece-based ones still match them). So a text holding one is cut around each occurrence,
the pieces are tokenized alone, and an occurrence is tokenized after its first character, apart from the rest
(no longer the whole string, it cannot match). Texts without one, nearly all, are tokenized as usual."""

from __future__ import annotations

import re
from typing import Any, Sequence

# the strings Marian tokenizers read as target-language codes, whatever their vocabulary
_MARIAN_CODE = re.compile(r">>[^<>\s]{1,16}<<")


class PlainText:
    """Plain-text tokenization for one tokenizer (made once per model)."""

    def __init__(self, tokenizer: Any):
        self.tok = tokenizer
        strings = {str(t) for t in getattr(tokenizer, "all_special_tokens", []) or []}
        for added in (getattr(tokenizer, "added_tokens_decoder", None) or {}).values():
            strings.add(str(getattr(added, "content", added)))
        strings.discard("")
        self.strings = sorted(strings, key=len, reverse=True)
        self._find = re.compile("|".join(re.escape(s) for s in self.strings)) if self.strings else None
        self._marian = hasattr(tokenizer, "language_code_re") or type(tokenizer).__name__.startswith("Marian")
        self.special_ids = {int(i) for i in getattr(tokenizer, "all_special_ids", []) or []}
        self._frame: dict[str, tuple[list[int], list[int]]] = {}

    def _spans(self, text: str) -> list[tuple[int, int]]:
        spans = [m.span() for m in self._find.finditer(text)] if self._find is not None else []
        if self._marian:
            spans += [m.span() for m in _MARIAN_CODE.finditer(text)]
        return sorted(spans)

    def holds_special(self, text: str) -> bool:
        """Whether a text holds a string the tokenizer would read as a special token."""
        return bool(self._spans(text))

    def frame(self) -> tuple[list[int], list[int]]:
        """The ids the tokenizer puts before and after a text's own (add_special_tokens=True), for its current
        source language."""
        key = str(getattr(self.tok, "src_lang", None))
        if key not in self._frame:
            probe = "a"
            bare = self.tok([probe], add_special_tokens=False)["input_ids"][0]
            full = self.tok([probe], add_special_tokens=True)["input_ids"][0]
            at = next((i for i in range(len(full) - len(bare) + 1) if full[i:i + len(bare)] == bare), None)
            if at is None:  # no way to tell where the text goes: framing as for an empty text, before it
                self._frame[key] = (list(self.tok([""], add_special_tokens=True)["input_ids"][0]), [])
            else:
                self._frame[key] = (list(full[:at]), list(full[at + len(bare):]))
        return self._frame[key]

    def _plain(self, text: str, depth: int = 0) -> list[int]:
        """The ids of a text with no special token read from it (no framing)."""
        if not text:
            return []
        spans = self._spans(text)
        if not spans or depth > 8:
            return list(self.tok([text], add_special_tokens=False)["input_ids"][0])
        ids: list[int] = []
        at = 0
        for start, end in spans:
            if start < at:  # overlapping matches: the first one taken
                continue
            ids += self._plain(text[at:start], depth + 1)
            s = text[start:end]
            ids += self._plain(s[0], depth + 1) + self._plain(s[1:], depth + 1)
            at = end
        return ids + self._plain(text[at:], depth + 1)

    def encode(self, texts: Sequence[str], add_special_tokens: bool = True) -> list[list[int]]:
        """Each text's ids, as tokenizer(texts, add_special_tokens=...) gives them for texts without special
        strings; a text with one gets its characters' ids instead of the special id."""
        texts = list(texts)
        marked = [k for k, t in enumerate(texts) if self.holds_special(t)]
        if not marked:
            return [list(x) for x in self.tok(texts, add_special_tokens=add_special_tokens)["input_ids"]] \
                if texts else []
        out: list[list[int] | None] = [None] * len(texts)
        rest = [k for k in range(len(texts)) if k not in set(marked)]
        if rest:
            for k, ids in zip(rest, self.tok([texts[k] for k in rest],
                                             add_special_tokens=add_special_tokens)["input_ids"]):
                out[k] = list(ids)
        head, tail = self.frame() if add_special_tokens else ([], [])
        for k in marked:
            out[k] = head + self._plain(texts[k]) + tail
        return out  # type: ignore[return-value]
