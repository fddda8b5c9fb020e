"""Turning raw bytes or text into clean Unicode article text."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

from ..errors import InputError

# Characters mapped to a plain equivalent. Typographic apostrophes become ASCII "'" so that
# "l’Ukraine" and "l'Ukraine" tokenise alike; guillemets are kept (they carry meaning in French).
_TRANSLATE = {
    0x00A0: " ",   # no-break space
    0x202F: " ",   # narrow no-break space (French before : ; ! ?)
    0x2007: " ",   # figure space
    0x2009: " ",   # thin space
    0x200A: " ",   # hair space
    0x2002: " ", 0x2003: " ", 0x2004: " ", 0x2005: " ", 0x2006: " ", 0x2008: " ",
    0x3000: " ",
    0x00AD: None,  # soft hyphen
    0x200B: None,  # zero-width space
    0x200C: None, 0x200D: None, 0x2060: None, 0xFEFF: None,
    0x2018: "'", 0x2019: "'", 0x201A: "'", 0x201B: "'", 0x2032: "'", 0x02BC: "'",
    0x201C: '"', 0x201D: '"', 0x201E: '"', 0x201F: '"', 0x2033: '"',
    0x2010: "-", 0x2011: "-",
    0x2028: "\n", 0x2029: "\n\n", 0x0085: "\n",
}
# Control characters other than tab and newline are dropped (NUL included).
for _c in list(range(0x00, 0x20)) + list(range(0x7F, 0xA0)):
    if _c not in (0x09, 0x0A, 0x0D, 0x85):
        _TRANSLATE.setdefault(_c, None)

_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S)
_HTML_FRAGMENT = re.compile(r"^\s*<(p|div|article|section|span|h[1-6]|ul|ol|table|main)[\s>].*</\1>\s*$", re.I | re.S)
_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_TOKEN_CHARS = 200
_HEADER_DATE = re.compile(r"^\s*date[:\s]\s*(\d{4}-\d{2}(?:-\d{2})?)\s+", re.I)


@dataclass
class CleanText:
    """Normalised text plus what was learnt or changed on the way."""

    text: str
    metadata: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def decode_bytes(data: bytes, encoding: str | None = None, *, name: str = "input") -> str:
    """Decode file bytes: UTF-8 (BOM allowed) or UTF-16/32 with a BOM; anything else is an InputError."""
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError:
            raise InputError(f"{name}: unknown encoding '{encoding}'") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: cannot be decoded as {encoding} (byte {exc.start})") from None
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: starts with a {enc} byte-order mark but is not valid {enc} (byte {exc.start})") from None
    if _looks_binary(data):
        raise InputError(f"{name}: looks like a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _looks_binary(data):
            raise InputError(f"{name}: looks like a binary file, not text") from None
        guess = _guess_encoding(data)
        hint = f" (it looks like {guess}; pass --encoding {guess})" if guess else ""
        raise InputError(f"{name}: is not valid UTF-8 at byte {exc.start}{hint}") from None


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if sample.count(0) > max(1, len(sample) // 100):
        return True
    ctrl = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return len(sample) > 0 and ctrl / len(sample) > 0.1


def _guess_encoding(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - declared dependency
        return None
    best = from_bytes(data[:65536]).best()
    return best.encoding if best is not None else None


def is_html(text: str) -> bool:
    """True when the text is an HTML page (or a fragment of block elements) rather than plain text."""
    return bool(_HTML_START.match(text[:4096]) or _HTML_FRAGMENT.match(text))


def _strip_tags(html: str) -> str:
    import lxml.html  # installed with trafilatura

    try:
        root = lxml.html.fromstring(html)
    except Exception:
        return ""
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    blocks = [b.text_content().strip() for b in root.iter("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote")]
    return "\n\n".join(b for b in blocks if b) or root.text_content()


def html_to_text(html: str) -> tuple[str, dict]:
    """Extract an HTML page's article text (and title/date when found) with trafilatura."""
    import trafilatura  # imported only for HTML input

    doc = trafilatura.bare_extraction(html, include_comments=False, include_tables=False,
                                      favor_precision=True, with_metadata=True)
    meta: dict = {}
    text = ""
    if doc is not None:
        get = doc.get if isinstance(doc, dict) else (lambda k: getattr(doc, k, None))
        text = get("text") or ""
        for key in ("title", "date", "author", "sitename"):
            value = get(key)
            if value:
                meta[key] = value
    if not text.strip():
        text = _strip_tags(html)
    return text, meta


def normalise(text: str) -> str:
    """Unicode NFC, plain spaces and apostrophes, no soft hyphens or controls, tidy whitespace."""
    text = _SURROGATE.sub("\ufffd", text)
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_TRANSLATE)
    text = text.replace("\t", " ")
    text = re.sub(r"[ ]{2,}", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def clean(text: str) -> CleanText:
    """Normalise raw input text: HTML pages to article text, a leading 'date YYYY-MM' field to metadata."""
    meta: dict = {}
    warnings: list[str] = []
    if is_html(text):
        extracted, meta = html_to_text(text)
        if not extracted.strip():
            warnings.append("input is an HTML page but no article text could be extracted from it")
        else:
            meta["source_format"] = "html"
        text = extracted
    out = normalise(text)
    long_tokens = [t for t in out.split() if len(t) > MAX_TOKEN_CHARS]
    if long_tokens:
        out = re.sub(r"\S{%d,}" % (MAX_TOKEN_CHARS + 1), lambda m: m.group(0)[:MAX_TOKEN_CHARS] + "…", out)
        warnings.append(f"{len(long_tokens)} token(s) longer than {MAX_TOKEN_CHARS} characters were shortened")
    m = _HEADER_DATE.match(out)
    if m:
        meta.setdefault("date", m.group(1))
        out = out[m.end():]
    return CleanText(out, meta, warnings)
