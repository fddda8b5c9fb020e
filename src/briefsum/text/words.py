"""Words as the offline engine counts them: lower-case `\\w+` tokens (as ROUGE counts them), and the stop words
of French and English that carry no topic."""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"\w+", re.UNICODE)
# French day names, lower case, Monday first.
DAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
# French month names, lower case, in order.
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre")
STOP_WORDS = frozenset("""
le la les l un une des du de d et ou mais donc or ni car que qu qui quoi dont où à au aux en dans par pour sur
sous avec sans ce cet cette ces son sa ses leur leurs se s il elle ils elles on nous vous je tu me te lui y ne pas
plus est sont été être a ont avait avoir fait comme aussi très bien tout tous toute toutes même entre après avant
the a an and or but of to in on at for with by from as is are was were be been being it its this that these those
he she they we you i his her their our your not no have has had do does did will would can could should may might
""".split())


def words(text: str) -> list[str]:
    """The `\\w+` words of a text, as written."""
    return WORD.findall(text)


def lower_words(text: str) -> set[str]:
    """The distinct lower-case words of a text."""
    return {w.lower() for w in WORD.findall(text)}


def lower_tokens(text: str) -> list[str]:
    """The lower-case words of a text, in order (repeats kept)."""
    return [w.lower() for w in WORD.findall(text)]


def content_tokens(text: str) -> list[str]:
    """Lower-cased word tokens without stop words and without short numbers (years and longer stay)."""
    return [t for t in WORD.findall(text.lower()) if t not in STOP_WORDS and not t.isdigit() or len(t) > 3 and t.isdigit()]


def fold(text: str) -> str:
    """Lower-case and strip accents, so 'État' matches 'etat'."""
    nfkd = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in nfkd if not unicodedata.combining(c)).replace("’", "'")
