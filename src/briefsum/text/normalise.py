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
# Bidirectional embeddings, overrides and isolates can make text display in another order than it is stored
# (U+202E turns "txt.exe" around): dropped. The plain marks (U+200E/U+200F/U+061C) stay.
BIDI_CONTROLS = (0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069)
for _c in BIDI_CONTROLS:
    _TRANSLATE[_c] = None

_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_TOKEN_CHARS = 200
# Tags an HTML page or fragment may start with (after a prolog, comments and a doctype).
_HTML_TAGS = frozenset("""html head body meta title link style script base noscript p div article section span
    h1 h2 h3 h4 h5 h6 ul ol li table thead tbody tr td th main header footer nav aside figure blockquote pre
    br hr a b i em strong img form dl dt dd center font template svg""".split())
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
        except UnicodeError:  # codecs such as punycode fail without a byte position
            raise InputError(f"{name}: cannot be decoded as {encoding}") from None
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
    """True when the text is an HTML or XHTML page, or a fragment, rather than plain text: after blanks, an XML
    prolog, any number of comments and a doctype, the first thing is an HTML tag. Linear time (no regex)."""
    i, n = 0, len(text)
    saw_markup = False
    while True:
        while i < n and text[i] in " \t\r\n\f\ufeff":
            i += 1
        if text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            if end < 0:
                return False
            i, saw_markup = end + 3, True
        elif text.startswith("<?", i):
            end = text.find("?>", i + 2)
            if end < 0 or not text[i + 2:i + 5].lower() == "xml":
                return False
            i, saw_markup = end + 2, True
        elif text[i:i + 9].lower() == "<!doctype":
            end = text.find(">", i)
            return end > 0 and "html" in text[i:end].lower()
        else:
            break
    if i >= n or text[i] != "<":
        return _embedded_markup(text)
    j = i + 1
    while j < n and j - i <= 12 and (text[j].isalnum()):
        j += 1
    name = text[i + 1:j].lower()
    if name not in _HTML_TAGS or j >= n or text[j] not in " \t\r\n/>":
        return False
    # A fragment must close something: "<b> is bold" in prose is not a page.
    return saw_markup or name in ("html", "head", "body") or "</" in text


_CLOSING_BLOCKS = ("</p>", "</div>", "</li>", "</td>", "</tr>", "</h1>", "</h2>", "</h3>", "</article>",
                   "</section>", "</blockquote>")


def _embedded_markup(text: str) -> bool:
    """Text that does not start with a tag but carries a page's markup further on (a title line pasted above
    an HTML fragment): a script or style element, or at least three closed block elements."""
    low = text.lower()
    for tag in ("script", "style"):
        start = low.find(f"<{tag}")
        if start >= 0 and low.find(f"</{tag}>", start) > 0:
            return True
    return sum(low.count(t) for t in _CLOSING_BLOCKS) >= 3


# Elements whose content is never article text, and those that usually hold a page's furniture.
_INVISIBLE = frozenset("script style noscript template head svg math iframe object select textarea button".split())
_FURNITURE = frozenset("nav header footer aside form menu".split())
_BLOCKS = frozenset("""p div li ul ol dl dt dd table tr td th thead tbody tfoot caption h1 h2 h3 h4 h5 h6 blockquote
    pre article section main figure figcaption br hr address details summary center""".split())
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


def page_text(html: str, furniture: bool = True) -> str:
    """Every visible text of a page, a paragraph per block element, in order; without scripts and styles (and,
    furniture=False, without navigation, headers, footers, asides, forms and blocks made of links only: teasers,
    menus; a link inside a sentence stays). A streaming walk: depth costs nothing (a page nested 10,000
    elements deep reads like a flat one)."""
    from html.parser import HTMLParser

    blocks: list[list[str]] = [[]]
    prose = [False]  # per block: holds text outside links
    skip: list[str] = []  # the open elements whose text is dropped
    links = [0]  # open <a> elements

    def dropped(tag: str) -> bool:
        return tag in _INVISIBLE or (not furniture and tag in _FURNITURE)

    def new_block() -> None:
        if blocks[-1]:
            if not furniture and not prose[-1]:
                blocks[-1] = []  # a block of links only: a menu or a teaser
            else:
                blocks.append([])
                prose.append(False)

    class Walker(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in _BLOCKS:
                new_block()
            if tag == "a":
                links[0] += 1
            if tag not in _VOID and dropped(tag):
                skip.append(tag)

        def handle_endtag(self, tag):
            if tag == "a" and links[0]:
                links[0] -= 1
            if skip and skip[-1] == tag:
                skip.pop()
            elif tag in skip:  # a missing end tag inside: close down to this one
                while skip and skip.pop() != tag:
                    pass
            if tag in _BLOCKS:
                new_block()

        def handle_data(self, data):
            if not skip:
                blocks[-1].append(data)
                if not links[0] and data.strip():
                    prose[-1] = True

    walker = Walker(convert_charrefs=True)
    try:
        walker.feed(html)
        walker.close()
    except Exception:  # html.parser is lenient; anything it still refuses keeps what was read
        pass
    new_block()
    paras = (" ".join("".join(b).split()) for b in blocks)
    return "\n\n".join(p for p in paras if p)


def _plain_blocks(text: str) -> str:
    """trafilatura writes list items as "- item" and table rows as "| a | b |": plain paragraphs instead."""
    out: list[str] = []
    for line in text.split("\n"):
        s = line.strip()
        m = _TABLE_ROW.match(s)
        if m:
            out.extend(c.strip() for c in m.group(1).split("|") if c.strip() and set(c.strip()) - set("-: "))
        elif s.startswith(("- ", "* ")):
            out.append(s[2:])
        else:
            out.append(line)
    return "\n".join(out)


# Extraction keeping less than this share of the page's words (outside navigation and the like) is checked
# against the plain walk of the page, and a warning says how much was left out.
LOW_SHARE = 0.4
FALLBACK_SHARE = 0.2  # below this share, the page's own text walk replaces the extraction
_TABLE_ROW = re.compile(r"^\|(.*)\|$")


def html_to_text(html: str) -> tuple[str, dict, list[str]]:
    """Extract an HTML page's article text (and title/date when found) with trafilatura, tables included.

    When trafilatura keeps far fewer words than the page holds outside its navigation (an article in bare
    divs, lists or tables, or nested deeper than its parser goes), the page's own text walk is used instead.
    Returns the text, the metadata and warnings (how much of the page was left out, when that is much).
    """
    import trafilatura  # imported only for HTML input

    warnings: list[str] = []
    try:
        doc = trafilatura.bare_extraction(html, include_comments=False, include_tables=True,
                                          favor_precision=True, with_metadata=True)
    except (RecursionError, ValueError, TypeError):  # a pathological tree: the text walk below still reads it
        doc = None
    meta: dict = {}
    text = ""
    if doc is not None:
        get = doc.get if isinstance(doc, dict) else (lambda k: getattr(doc, k, None))
        text = get("text") or ""
        for key in ("title", "date", "author", "sitename"):
            value = get(key)
            if value:
                meta[key] = value
    text = _plain_blocks(text)
    body = page_text(html, furniture=False)
    page_words = len(body.split())
    got = len(text.split())
    if not html.lstrip(" \t\r\n\f\ufeff").startswith("<") and got < page_words:
        # Prose before the first tag (a title line above a pasted fragment): not a page with furniture to
        # remove, so its whole text is the article.
        text, got = body, page_words
        meta["extraction"] = "text-walk"
    if page_words and got < LOW_SHARE * page_words:
        # Furniture-free walk of the page: the whole text, when the extraction lost most of it.
        if got < FALLBACK_SHARE * page_words:
            text, got = body, page_words
            meta["extraction"] = "text-walk"
        if got < LOW_SHARE * page_words:
            warnings.append(f"the article extracted from the HTML page holds {got:,} of the {page_words:,} words "
                            f"of the page's text ({got / page_words:.0%}); the rest (links, teasers, other "
                            "blocks) was left out")
    return text, meta, warnings


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


def _is_unspaced_script(token: str) -> bool:
    """A run of Chinese, Japanese, Korean or Thai: a sentence or more written without spaces, not a token."""
    from .segment import CJK_CHAR

    return len(CJK_CHAR.findall(token)) >= 0.3 * len(token)


def _shorten_long_tokens(text: str) -> tuple[str, int]:
    """Tokens longer than MAX_TOKEN_CHARS (a pasted blob, a URL) are cut to it with an ellipsis; runs of a
    script written without spaces are left whole (the segmenter splits them into sentences)."""
    if not any(len(t) > MAX_TOKEN_CHARS for t in text.split()):
        return text, 0
    count = 0

    def cut(m: "re.Match") -> str:
        nonlocal count
        tok = m.group(0)
        if len(tok) <= MAX_TOKEN_CHARS or _is_unspaced_script(tok):
            return tok
        count += 1
        return tok[:MAX_TOKEN_CHARS] + "…"

    return _TOKEN.sub(cut, text), count


_TOKEN = re.compile(r"\S+")


def clean(text: str) -> CleanText:
    """Normalise raw input text: HTML pages to article text, a leading 'date YYYY-MM' field to metadata."""
    meta: dict = {}
    warnings: list[str] = []
    if is_html(text):
        extracted, meta, notes = html_to_text(text)
        warnings.extend(notes)
        if not extracted.strip():
            warnings.append("input is an HTML page but no article text could be extracted from it")
        else:
            meta["source_format"] = "html"
        text = extracted
    replaced = _SURROGATE.findall(text)
    out = normalise(text)
    bad = out.count("\ufffd")
    if bad:
        warnings.append(f"{bad:,} character(s) could not be decoded ({'lone surrogates, ' if replaced else ''}"
                        "invalid bytes or replacement characters in the input) and show as \ufffd")
    out, shortened = _shorten_long_tokens(out)
    if shortened:
        warnings.append(f"{shortened} token(s) longer than {MAX_TOKEN_CHARS} characters were shortened")
    m = _HEADER_DATE.match(out)
    if m:
        meta.setdefault("date", m.group(1))
        out = out[m.end():]
    return CleanText(out, meta, warnings)
