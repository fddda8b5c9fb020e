"""Tokenizers for ROUGE, each a rouge-score `Tokenizer` (an object with `tokenize(text) -> list[str]`).

- `unicode`: NFC, lower-case, `\\w+` words (accented letters kept whole), optional Snowball stemming for the
  language. The right choice for French and any non-English text.
- `paper`: rouge-score's own default tokenizer (ASCII `[a-z0-9]+`, which drops accented letters), optionally with
  rouge-score's Porter stemmer; reproduces numbers published with rouge-score's defaults.
- `perl`: rouge-score's default tokenization with the *original* Porter algorithm on words of more than three
  characters, which is what ROUGE-1.5.5 (`-m`) does.

Every tokenizer caches its results: ROUGE asks for the same text (a reference, a sentence) many times.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

_WORD = re.compile(r"\w+", re.UNICODE)

# ISO 639-1 code -> Snowball algorithm name.
SNOWBALL_LANGUAGES = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french", "ga": "irish",
    "hi": "hindi", "hu": "hungarian", "hy": "armenian", "id": "indonesian", "it": "italian", "lt": "lithuanian",
    "ne": "nepali", "nl": "dutch", "no": "norwegian", "nb": "norwegian", "pl": "polish", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish",
    "yi": "yiddish", "eo": "esperanto", "et": "estonian", "fa": "persian",
}

MODES = ("unicode", "paper", "perl")


class CachedTokenizer:
    """A rouge-score tokenizer that remembers each text's tokens (tokenise once, score many times)."""

    def __init__(self, fn: Callable[[str], list[str]], name: str, stem: str):
        self._fn = fn
        self._cache: dict[str, list[str]] = {}
        self.name = name
        self.stem = stem

    def tokenize(self, text: str) -> list[str]:
        """Return the tokens of `text` (computed once per distinct text)."""
        toks = self._cache.get(text)
        if toks is None:
            toks = self._fn(text)
            if len(self._cache) > 500_000:  # bound memory on very long runs
                self._cache.clear()
            self._cache[text] = toks
        return toks

    def clear(self) -> None:
        """Forget cached tokens."""
        self._cache.clear()


class _MemoStemmer:
    """A stemmer that stems each distinct word once (stemming is the slow part of tokenization)."""

    def __init__(self, stem_word: Callable[[str], str]):
        self._stem_word = stem_word
        self._memo: dict[str, str] = {}

    def stem(self, word: str) -> str:
        """The stem of one word."""
        out = self._memo.get(word)
        if out is None:
            out = self._memo[word] = self._stem_word(word)
        return out


def unicode_words(text: str) -> list[str]:
    """Lower-cased Unicode word tokens of NFC-normalised text ("été" stays "été")."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


def snowball_name(lang: str) -> str:
    """The Snowball algorithm name for an ISO 639-1 code (ValueError when Snowball has none)."""
    name = SNOWBALL_LANGUAGES.get((lang or "").lower())
    if name is None:
        raise ValueError(f"no Snowball stemmer for language '{lang}'")
    return name


def make_tokenizer(mode: str = "unicode", stem: bool = False, lang: str = "en") -> CachedTokenizer:
    """Build the tokenizer for a ROUGE mode ('unicode', 'paper' or 'perl'), with or without stemming."""
    if mode == "unicode":
        if not stem:
            return CachedTokenizer(unicode_words, "unicode", "none")
        import snowballstemmer

        algo = snowball_name(lang)
        stemmer = _MemoStemmer(snowballstemmer.stemmer(algo).stemWord)

        def fn(text: str) -> list[str]:
            return [stemmer.stem(w) for w in unicode_words(text)]

        return CachedTokenizer(fn, "unicode", f"snowball-{algo}")
    if mode in ("paper", "perl"):
        # rouge-score's own tokenize function; with stemming, the Porter stemmer that rouge-score's
        # DefaultTokenizer uses (paper) or the original Porter algorithm, as ROUGE-1.5.5 (perl).
        from nltk.stem import porter
        from rouge_score import tokenize as rs_tokenize

        stemmer = None
        if stem:
            algo = porter.PorterStemmer.NLTK_EXTENSIONS if mode == "paper" else porter.PorterStemmer.ORIGINAL_ALGORITHM
            stemmer = _MemoStemmer(porter.PorterStemmer(algo).stem)
        if mode == "paper":
            return CachedTokenizer(lambda text: rs_tokenize.tokenize(text, stemmer), "rouge-score-default",
                                   "porter-nltk" if stem else "none")
        return CachedTokenizer(lambda text: rs_tokenize.tokenize(text, stemmer), "rouge-1.5.5",
                               "porter-original" if stem else "none")
    raise ValueError(f"unknown ROUGE mode '{mode}' (use {', '.join(MODES)})")
