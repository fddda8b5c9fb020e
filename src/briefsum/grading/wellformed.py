"""What a deletion must not do to the French around it: words it brings together must still be written as they
stand side by side.

A deletion is a parse subtree, so the tree stays whole, but the words on both sides of the gap become neighbours,
and French spells some neighbours together. `joins_well` refuses a deletion that would leave

- a preposition before an article it contracts with: "à [tout] le monde" would read "à le monde" (au), "assister
  à [tous] les travaux" "à les travaux" (aux), likewise "de le" (du) and "de les" (des);
- a word that elides before a vowel: "Le [dernier] accident" would read "Le accident" (L'accident), "de
  [très] importants" "de importants" (d'importants); the words are le, la, de, ne, que, je, me, te, se, ce and
  the conjunctions in -que;
- a preposition, a determiner or a conjunction with nothing after it but punctuation: "Dès [samedi], les
  Français..." would read "Dès, les Français...".

Only pairs the deletion creates are judged; what the source already wrote side by side is left as it is.
"""

from __future__ import annotations

from typing import Collection

from ..text.parse import Parsed
from ..text.words import WORD

_CONTRACTS = {"à": frozenset({"le", "les"}), "de": frozenset({"le", "les"})}
_ELIDES = frozenset("le la de ne que je me te se ce jusque lorsque puisque quoique".split())
# A vowel sound to start a word ("h" left out: "le héros" and "l'homme" both exist).
_VOWELS = frozenset("aeiouàâäéèêëîïôöûüùœæ")
_NEEDS_FOLLOWER = frozenset({"ADP", "DET", "CCONJ", "SCONJ"})


def _word(t: str) -> bool:
    return bool(WORD.search(t))


def joins_well(p: Parsed, deleted: Collection[int]) -> bool:
    """Whether deleting these tokens leaves every new pair of neighbouring words spelt as French spells it (see
    the module's docstring)."""
    if not deleted:
        return True
    kept = [i for i in range(len(p)) if i not in deleted]
    for a, b in zip(kept, [*kept[1:], None]):
        if b == a + 1 or not _word(p.text[a]):
            continue
        if p.pos[a] in _NEEDS_FOLLOWER and (b is None or not _word(p.text[b])):
            return False
        if b is None or not _word(p.text[b]):
            continue
        left, right = p.text[a].lower(), p.text[b].lower()
        if right in _CONTRACTS.get(left, ()):
            return False
        if left in _ELIDES and right[:1] in _VOWELS:
            return False
    return True
