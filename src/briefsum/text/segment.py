"""Paragraph and sentence segmentation for news text.

Sentences come from sentencex (a maintained rule-based segmenter covering ~300 languages); a few
project rules then repair what it gets wrong on French and English news: titles and abbreviations
("M.", "Mme", "Dr", "St."), initials ("E. Philippe"), and stray closing punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Abbreviations after which a full stop does not end a sentence (compared case-sensitively,
# without the final dot). Shared across languages: a French text may quote "Mr." and vice versa.
_ABBREVIATIONS = frozenset("""
M MM Mme Mmes Mlle Mlles Dr Drs Pr Pre Me Mgr St Ste Sts Stes Cie Jr Sr
Mr Mrs Ms Messrs Prof Gen Gov Sen Rep Lt Col Capt Cmdr Adm Sgt Rev Hon Pres
av Av bd Bd boul cf Cf p pp vol Vol art Art chap Chap fig Fig ex env resp
Inc Co Corp Ltd vs No Nos nos Mt Ft
janv févr Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
""".split())

_TRAILING_WORD = re.compile(r"(?:^|[\s(«\"'])([A-Za-zÀ-ÖØ-öø-ÿ]+)\.\s*$")
_INITIAL = re.compile(r"(?:^|[\s(«\"'\-])(?:[A-ZÀ-Ý]\.-?)+\s*$")
_ONLY_CLOSERS = re.compile(r"^[\s»\"')\]}.…!?;:,]*$")
_PARAGRAPH_SPLIT = re.compile(r"\n+")
_LETTER = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True)
class Sentence:
    """One sentence of a document: its text, position and paragraph."""

    index: int
    text: str
    paragraph: int
    start: int
    end: int
    heading: bool = False

    @property
    def words(self) -> int:
        return count_words(self.text)


@dataclass
class Document:
    """A segmented text: paragraphs of sentences, in reading order."""

    text: str
    lang: str
    sentences: list[Sentence] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    paragraph_langs: dict[int, str] = field(default_factory=dict)  # paragraphs found in another language

    @property
    def paragraphs(self) -> list[list[Sentence]]:
        out: list[list[Sentence]] = []
        for s in self.sentences:
            if not out or out[-1][0].paragraph != s.paragraph:
                out.append([])
            out[-1].append(s)
        return out

    @property
    def words(self) -> int:
        return sum(s.words for s in self.sentences)


_WORD = re.compile(r"\S+")
# Scripts written without spaces between words: each character counts as a word.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u0e00-\u0e7f]")
CJK_CHAR = _CJK  # one character of a script written without spaces between words
# Sentence ends of those scripts (with the closing quotes and brackets that follow them), and clause marks.
_CJK_END = re.compile(r"(?<=[。！？!?．])[」』”’）)】]*")
_CJK_CLAUSE = ("，", "、", "；", "：", ",", ";", ":")


def word_units(text: str) -> list[str]:
    """Whitespace tokens, with runs of CJK/Thai characters split into one unit per character."""
    out: list[str] = []
    for tok in _WORD.findall(text):
        if _CJK.search(tok):
            out.extend(p for p in re.split(r"(%s)" % _CJK.pattern, tok) if p)
        else:
            out.append(tok)
    return out


def count_words(text: str) -> int:
    """Count words: tokens that hold a letter or digit (each CJK character counts as one)."""
    if _CJK.search(text):
        return sum(1 for tok in word_units(text) if _LETTER.search(tok))
    return sum(1 for tok in _WORD.findall(text) if _LETTER.search(tok))


def _needs_join(left: str) -> bool:
    """True when a segment ends on an abbreviation or an initial, so the next one continues it."""
    stripped = left[-64:].rstrip()  # only the last word matters: constant work however long the sentence
    if not stripped.endswith("."):
        return False
    if stripped.endswith(("...", "..")):
        return False
    m = _TRAILING_WORD.search(stripped)
    if m and m.group(1) in _ABBREVIATIONS:
        return True
    return bool(_INITIAL.search(stripped))


# sentencex's work grows faster than the text on some inputs (long runs of quotes, thousands of CJK sentences in
# one paragraph): it is given windows of at most this many characters, cut where a sentence ends.
_WINDOW = 2000


def _windows(text: str, size: int = _WINDOW) -> list[str]:
    """text in consecutive pieces of at most size characters, each cut after a sentence end when there is one
    in its second half, else at a space (constant work per character)."""
    out: list[str] = []
    start, n = 0, len(text)
    while n - start > size:
        hi = start + size
        lo = start + size // 2
        cut = max(text.rfind(". ", lo, hi), text.rfind("! ", lo, hi), text.rfind("? ", lo, hi))
        cut = cut + 2 if cut >= 0 else -1
        if cut < 0:
            cjk = max(text.rfind("。", lo, hi), text.rfind("！", lo, hi), text.rfind("？", lo, hi))
            cut = cjk + 1 if cjk >= 0 else text.rfind(" ", lo, hi) + 1
        if cut <= start:
            cut = hi
        out.append(text[start:cut])
        start = cut
    out.append(text[start:])
    return out


def _sentencex_split(lang: str, text: str) -> list[str]:
    from sentencex import segment as _segment

    out: list[str] = []
    for window in _windows(text):
        try:
            out.extend(_segment(lang or "en", window))
        except Exception:  # an unknown language code: fall back to the generic rules
            out.extend(_segment("en", window))
    return out


# "avocats.Enjeu": a full stop glued to the next sentence's capital (frequent in scraped news).
_GLUED = re.compile(r"(?<=[a-zà-öø-ÿ0-9%)»\"']{2}[.!?])(?=[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ])")
# "un exercice périlleuxLa cérémonie", "par BFMTVAlors", "de famille?par", 'ses boissons"Les': a heading or a caption
# run into the next sentence with no space at all. Only a capitalised word that opens French sentences counts ("PlayStation",
# "WhatsApp" and "LaREM" are written that way; nor "On", for "LightOn"), or a "?" run into a lower-case word
# and a space (not a URL's "?v="), French's space before the "?" or not ("sur le départ ?par 6MEDIAS").
_RUN_IN = re.compile(r"(?:[a-zà-öø-ÿ]{3}|[A-ZÀ-ÖØ-Þ]{3})[\"»”)]?(?:La|Le|Les|Un|Une|Des|Il|Ils|Elle|Elles|Si|Sur|Selon|"
                     r"Alors|Dans|Pour|En|Au|Aux|Ce|Cette|Ces|Mais|Et|Après|Depuis|Avec|Lors|Quand|Son|Sa|Ses|"
                     r"Quelques|Plusieurs)"
                     r"(?![\w'’-])|[a-zà-öø-ÿ]\s?[?!][a-zà-öø-ÿ]{2,}\s")
# Inside a long quotation sentencex does not split; such spans are re-split on sentence ends.
_LONG_SENTENCE_WORDS = 80
_INNER_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"']?\s?[A-ZÀ-ÖØ-Þ])")


def _resplit_long(sentence: str) -> list[str]:
    parts = _INNER_END.split(sentence)
    out: list[str] = []
    for part in parts:
        if out and (_needs_join(out[-1]) or not _LETTER.search(part)):
            out[-1] = out[-1] + " " + part
        else:
            out.append(part)
    return out


# A "sentence" longer than this (a paste without punctuation, a list run together) is cut into pieces at
# clause punctuation, or between words when there is none, so that budgets and models can handle it.
MAX_SENTENCE_WORDS = 120
_PIECE_WORDS = 60


def _chunk_overlong(sentence: str) -> list[str]:
    cjk = bool(_CJK.search(sentence))
    tokens = word_units(sentence) if cjk else sentence.split(" ")
    pieces: list[str] = []
    current: list[str] = []
    n = 0
    last_clause = -1
    for tok in tokens:
        current.append(tok)
        n += 1 if _LETTER.search(tok) else 0
        if tok.endswith(_CJK_CLAUSE):
            last_clause = len(current)
        if n >= _PIECE_WORDS:
            cut = last_clause if last_clause >= len(current) // 2 else len(current)
            pieces.append(("" if cjk else " ").join(current[:cut]))
            current = current[cut:]
            n = sum(1 for t in current if _LETTER.search(t))
            last_clause = -1
    if current:
        pieces.append(("" if cjk else " ").join(current))
    return [p for p in pieces if p.strip()]


_TOKEN = re.compile(r"\S+")


def _urlish(token: str) -> bool:
    """A web address or an e-mail address (checked without a regex: constant work per character)."""
    low = token.lower()
    if "http://" in low or "https://" in low or "www." in low:
        return True
    at = token.find("@")
    return at > 0 and "." in token[at + 2:]


def _unglue(text: str) -> str:
    """Put a space in "avocats.Enjeu", but never inside a URL or an e-mail address."""
    if "." not in text and "!" not in text and "?" not in text:
        return text
    return _TOKEN.sub(lambda m: m.group(0) if _urlish(m.group(0)) else _GLUED.sub(" ", m.group(0)), text)


def runs_in(text: str) -> bool:
    """Whether a sentence holds two run together without a space ("un exercice périlleuxLa cérémonie"): a
    source's heading glued to its text, which reads badly as a headline."""
    return bool(_RUN_IN.search(text))


def _split_unspaced(sentences: list[str]) -> list[str]:
    """Split runs of CJK text at 。！？ (sentencex leaves a long unbroken run whole for some languages)."""
    out: list[str] = []
    for s in sentences:
        if _CJK.search(s) and ("。" in s or "！" in s or "？" in s or "．" in s):
            cuts = [m.end() for m in _CJK_END.finditer(s)]
            start = 0
            for c in cuts:
                if s[start:c].strip():
                    out.append(s[start:c])
                start = c
            if s[start:].strip():
                out.append(s[start:])
        else:
            out.append(s)
    return out


def split_sentences(text: str, lang: str = "en", notes: list[str] | None = None, deadline=None) -> list[str]:
    """Split one paragraph into sentences (stripped, non-empty); overlong ones are cut and noted in notes.
    deadline: a briefsum.deadline.Deadline checked as the work goes (TimeLimitError past it)."""
    text = _unglue(text)
    pieces = _split_unspaced([p for p in _sentencex_split(lang, text) if p.strip()])
    merged: list[str] = []
    for piece in pieces:
        if merged and (_needs_join(merged[-1]) or _ONLY_CLOSERS.match(piece)):
            merged[-1] = merged[-1] + piece
        else:
            merged.append(piece)
    out = []
    for k, s in enumerate(merged):
        if deadline is not None and k % 64 == 0:
            deadline.check("segmenting sentences")
        s = re.sub(r"\s+", " ", s).strip()
        if not s:
            continue
        parts = [p.strip() for p in _resplit_long(s) if p.strip()] if count_words(s) > _LONG_SENTENCE_WORDS else [s]
        for part in parts:
            if count_words(part) > MAX_SENTENCE_WORDS:
                chunks = _chunk_overlong(part)
                out.extend(chunks)
                if notes is not None:
                    notes.append(f"a sentence of {count_words(part)} words was cut into {len(chunks)} pieces "
                                 f"at clause boundaries (longest sentence allowed: {MAX_SENTENCE_WORDS} words)")
            else:
                out.append(part)
    return out


def segment(text: str, lang: str = "en", deadline=None) -> Document:
    """Segment normalised text into paragraphs (one or more newlines) and sentences (deadline: see
    split_sentences)."""
    doc = Document(text=text, lang=lang)
    idx = 0
    pos = 0
    para_no = 0
    for para in _PARAGRAPH_SPLIT.split(text):
        if not para.strip():
            continue
        para_start = text.find(para, pos)
        cursor = para_start
        found_any = False
        if deadline is not None:
            deadline.check("segmenting paragraphs")
        for sent in split_sentences(para, lang, doc.warnings, deadline):
            if not _LETTER.search(sent):
                # Punctuation or symbols only: keep it attached to the previous sentence of the paragraph.
                if found_any and doc.sentences:
                    prev = doc.sentences[-1]
                    doc.sentences[-1] = Sentence(prev.index, prev.text + " " + sent, prev.paragraph, prev.start,
                                                 prev.end + len(sent) + 1)
                    continue
            start = _locate(text, sent, cursor)
            end = start + len(sent) if start >= 0 else cursor
            doc.sentences.append(Sentence(idx, sent, para_no, max(start, 0), end))
            cursor = max(cursor, end)
            idx += 1
            found_any = True
        pos = para_start + len(para)
        if found_any:
            last = doc.sentences[-1]
            if last.paragraph == para_no and (len(doc.sentences) == 1 or doc.sentences[-2].paragraph != para_no):
                if _looks_like_heading(last.text):
                    doc.sentences[-1] = Sentence(last.index, last.text, last.paragraph, last.start, last.end, True)
            para_no += 1
    return doc


_TERMINAL = re.compile(r"[.!?…:;»\"')\]]\s*$")


def _looks_like_heading(text: str) -> bool:
    """A one-sentence paragraph without end punctuation and of few words reads as a sub-heading."""
    return count_words(text) <= 15 and not _TERMINAL.search(text)


def _locate(text: str, sent: str, cursor: int) -> int:
    """Find where a (whitespace-collapsed) sentence starts in the text, from cursor on."""
    head = sent[:30]
    at = text.find(head, cursor)
    return at
