"""Hand-made parses for the compression tests: each case is a sentence seen in held-out outputs, rebuilt so a test
fixes the parse the guard has to handle, whatever the parser of the day makes of it."""

from __future__ import annotations

from typing import Collection

from briefsum.text.parse import Parsed


def hand_parse(rows, finite: Collection[str]) -> Parsed:
    """A parse from (text, pos, dep, head) rows, the words in `finite` finite; a token is glued to the next when it
    ends with an apostrophe or the next is "," or "."."""
    text = [r[0] for r in rows]
    ws = ["" if (t.endswith("'") or (k + 1 < len(text) and text[k + 1] in (",", "."))) else " "
          for k, t in enumerate(text)]
    ws[-1] = ""
    return Parsed(text=text, ws=ws, pos=[r[1] for r in rows], dep=[r[2] for r in rows], head=[r[3] for r in rows],
                  lemma=[r[0].lower() for r in rows], finite=[t in finite for t in text])
