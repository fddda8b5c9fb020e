"""A Brief as text, Markdown or JSON, safe to show: the article's own markup never becomes markup.

Every format drops control characters (other than newline and tab) and the bidirectional embeddings,
overrides and isolates (U+202A-U+202E, U+2066-U+2069) that could make a terminal or a page show the text in
another order than it is; Markdown also escapes the article's HTML and Markdown syntax, so `<script>`, raw HTML
and `[x](javascript:...)` links in an article are shown as text.
"""

from __future__ import annotations

import json
import re

_UNSAFE = {c: None for c in list(range(0x00, 0x09)) + [0x0B, 0x0C] + list(range(0x0E, 0x20)) + [0x7F]
           + list(range(0x80, 0xA0)) + [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]}
_UNSAFE[0x0D] = None
_UNSAFE[0x2028] = " "
_UNSAFE[0x2029] = " "
# Characters with a meaning in Markdown (CommonMark's escapable ASCII punctuation that matters in running text).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()!|~])")
_MD_LINE_START = re.compile(r"^([ \t]*)(?:([#>+=-])|(\d{1,9})([.)]))", re.M)


def safe_text(text: str) -> str:
    """text without control or bidi-override characters (newlines and tabs kept)."""
    return text.translate(_UNSAFE)


def markdown_escape(text: str) -> str:
    """Article text as Markdown that shows exactly that text: HTML characters as entities, Markdown syntax
    backslash-escaped, so no tag, link, image or emphasis comes from the article."""
    text = safe_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_LINE_START.sub(lambda m: m.group(1) + ("\\" + m.group(2) if m.group(2)
                                                    else m.group(3) + "\\" + m.group(4)), text)
    return re.sub(r"(?i)javascript:", "javascript&#58;", text)


def _json_safe(value):
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dict):
        return {_json_safe(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def render(brief, fmt: str, with_translation: bool) -> str:
    """Format a Brief as text, Markdown or JSON (always ending with a newline)."""
    if fmt == "json":
        return json.dumps(_json_safe(brief.to_dict()), ensure_ascii=False, indent=2) + "\n"
    md = fmt == "markdown"
    esc = markdown_escape if md else safe_text
    lines: list[str] = []
    models = ", ".join(f"{k} {v}" for k, v in brief.models.items())
    direction = (brief.source_lang if brief.output_lang == brief.source_lang
                 else f"{brief.source_lang} → {brief.output_lang}")
    conf = f" (detected, {brief.lang_confidence:.2f})" if brief.lang_detected else ""
    head = f"briefsum · {direction}{conf} · engine {brief.engine}" + (f" ({models})" if models else "")
    lines.append(f"<!-- {safe_text(head).replace('--', '- -')} -->" if md else safe_text(head))
    lines.append("")
    for name, g in brief.grades.items():
        title = f"{name.upper()} ({g.words}/{g.max_words} words{', cut' if g.truncated else ''})"
        lines.append(f"## {esc(name.capitalize())}" if md else safe_text(title))
        if md:
            lines.append(f"*{g.words}/{g.max_words} words, sentences {', '.join(str(i + 1) for i in g.source_indices)}*")
            lines.append("")
        lines.append(esc(g.text))
        lines.append("")
    if with_translation and brief.translation is not None:
        lines.append("## Translation" if md else "TRANSLATION")
        if md:
            lines.append("")
        lines.append(esc(brief.translation.text))
        lines.append("")
    if brief.warnings:
        lines.append("## Warnings" if md else "WARNINGS")
        if md:
            lines.append("")
        lines.extend(f"- {esc(w)}" for w in brief.warnings)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
