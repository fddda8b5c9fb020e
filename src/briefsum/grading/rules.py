"""Sentence compression for headlines: drop what a headline does without, keep it grammatical.

Rules, applied in order, each only when what remains still reads as a sentence:
parentheticals, leading connectives and attributions ("Selon X, ..."), trailing attributions
("..., a-t-il déclaré", "..., he said"), relative clauses set off by commas, then a cut at a clause
boundary if the sentence is still over budget.
"""

from __future__ import annotations

import re

from ..text.segment import count_words
from ..text.words import MONTHS_FR

_PARENS = re.compile(r"\s*\([^()]{0,200}\)")
_DASH_ASIDE = re.compile(r"\s+[–—]\s+[^–—]{1,160}?\s+[–—](?=[\s,.;:])")

# What may open the main clause after a leading attribution ("Selon le ministère, 300 personnes ..."): a
# determiner, a pronoun, a number, a name or a quote, but not an apposition ("Pour X, professeur de ..., la ...").
# Finite forms of "avoir" and "être" (but "a") that open or carry a main clause.
_AUXILIARIES = "ont|est|sont|était|étaient|avait|avaient|sera|seront"
_CLAUSE_START = (r"(?:(?:l|d|c|j|n|qu)['’]|(?:le|la|les|un|une|des|du|de|il|elle|ils|elles|on|ce|cet|cette|ces|ceux|"
                 r"celui|celle|son|sa|ses|leur|leurs|mon|ma|mes|notre|nos|votre|vos|nous|vous|je|tout|tous|toute|"
                 r"toutes|plusieurs|certains|certaines|aucun|aucune|chaque|près|plus|moins|environ|seul|seule|seuls|"
                 r"seules|quelques|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|"
                 r"seize|vingt|trente|quarante|cinquante|soixante|cent|mille|rien|personne|y|en|ne|"
                 r"cela|ça|ceci|désormais|déjà)\b|(?-i:[A-ZÀ-Ý0-9«\"“]))")

_LEADING = {
    "fr": re.compile(
        r"^(?:(?:mais|et|or|donc|ainsi|alors|pourtant|cependant|toutefois|néanmoins|en effet|de fait|"
        r"par ailleurs|en outre|de plus|d'ailleurs|en revanche|autrement dit|en d'autres termes|"
        r"dans le même temps|au final|finalement|enfin|aussi|bref|certes|surtout|"
        r"(?:selon|d'après|pour) [^,]{1,60}(?=\s*,\s*" + _CLAUSE_START + r")|"
        r"(?:(?:ce|le) (?=(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b))?"
        r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|aujourd'hui|ce matin|ce soir)(?: \d{1,2}(?: \w+)?)?|"
        r"le (?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d{1,2} \w+|"
        r"(?!(?:au|du|plus|puis|sous|tous|nous|vous|jadis|depuis|avant|devant|pourtant|cependant|maintenant|"
        r"durant|pendant|tant|quant|lui|qui|mais|très|après)\b)"
        r"(?:S['’])?[A-ZÀ-Ý][\wéèêàâîôûç-]*(?:é|ée|és|ées|is|ise|ises|it|ite|its|ites|ant|u|ue|us|ues)"
        r" (?-i:(?![A-ZÀ-Ý]))"
        # not a subject and its verb ("Paris a remporté ...") nor a name ("François de Rugy, ministre ...")
        r"(?!(?:a|ont|est|sont|était|étaient|avait|avaient|va|vont|sera|seront|fait|font|doit|peut|veut|se|s'|ne|n'|"
        r"lui|leur)\b|de (?-i:[A-ZÀ-Ý]))"
        # and no auxiliary inside: "Trois personnes ont incendié un bus ..., à Armentières" opens with no participle
        r"(?:(?!\b(?:" + _AUXILIARIES + r"|va|vont)\b|(?<!\by )\ba\b)[^,:;]){1,80}"
        r"(?<! et)(?<! ou))"
        r"\s*,\s*|(?:mais|et|or|donc|pourtant)\s+)",
        re.I,
    ),
    "en": re.compile(
        r"^(?:(?:but|and|so|however|meanwhile|moreover|furthermore|in addition|indeed|in fact|"
        r"still|yet|also|finally|instead|in other words|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
        r"(?:according to|for) [^,]{1,60})\s*,\s*|(?:but|and|so|yet)\s+)",
        re.I,
    ),
}

_TRAILING = {
    "fr": re.compile(
        r",\s*(?:a|ont|avait|avaient|aurait|auraient)-t?-?(?:il|elle|ils|elles|on)\s+[\wéèêàûô'-]+(?:\s[^,.]{0,60})?\s*(?=[.!?]?\s*$)"
        r"|,\s*(?:selon|d'après|a (?:déclaré|indiqué|affirmé|expliqué|assuré|souligné|estimé|précisé|annoncé|rapporté|ajouté|confié|reconnu)|"
        r"(?:déclare|indique|affirme|explique|assure|souligne|estime|précise|annonce|rapporte|ajoute|confie|reconnaît)|"
        r"(?:rapporte|indique|précise|écrit|explique) (?:le|la|les|l'))"
        # not the main clause's own verb of saying with what it reports ("X, a déclaré que ...", "X, reconnaît
        # qu'il ...")
        r"(?!\s+(?:que\b|qu['’]|à [^,.]{1,40}\bqu(?:e\b|['’])))\s[^,.]{1,80}\s*(?=[.!?]?\s*$)",
        re.I,
    ),
    "en": re.compile(
        r",\s*(?:(?:he|she|they|it|officials|police) (?:said|says|told [^,.]{1,40}|added|explained|noted)"
        r"|according to [^,.]{1,80}|said (?!that\b)[^,.]{1,80}|[A-Z][^,.]{0,60} (?:said|says|told [^,.]{1,40}))"
        r"\s*(?=[.!?]?\s*$)"
    ),
}

# A relative clause set off by commas; it ends at a comma not followed by another relative pronoun, and takes an
# attribution set off after it along.
_PRONOUNS = {"fr": r"(?:qui|que|qu'|dont|où|lequel|laquelle|lesquels|lesquelles)",
             "en": r"(?:who|which|whose|whom|where)"}
# (The comma that closes it is not one inside a list: ", qui comprend les modèles P1, Senna et 720S, pourrait".)
_RELATIVE = {
    "fr": re.compile(r",\s+" + _PRONOUNS["fr"] + r"\b[^,;:]{1,120},(?:\s*(?:selon|d'après)\s[^,;:]{1,60},)?"
                     r"(?!\s*" + _PRONOUNS["fr"] + r"\b)"
                     r"(?!(?!\s*(?:a|" + _AUXILIARIES + r")\b)[^,;:.]{1,40}\s(?:et|ou)\s"
                     r"[^,;:.]{1,40},)", re.I),
    "en": re.compile(r",\s+" + _PRONOUNS["en"] + r"\b[^,;:]{1,120},(?:\s*according to\s[^,;:]{1,60},)?"
                     r"(?!\s*" + _PRONOUNS["en"] + r"\b)", re.I),
}

# A short subject and an apposition before the only comma that precedes a trailing attribution.
_SUBJECT_COMMA = re.compile(r"^[^,]{1,40},\s+(?:le|la|les|l'|un|une|son|sa|ses|leur|ancien|ancienne|ex|nouveau|"
                            r"nouvelle|actuel|actuelle|ministre|président|présidente|directeur|directrice|secrétaire|"
                            r"porte-parole|chef|cheffe|patron|patronne|député|députée|sénateur|sénatrice|maire|"
                            r"candidat|candidate|fondateur|fondatrice|membre|élu|élue|the|an|his|her|their|its|former)"
                            r"\b[^,]*$", re.I)
_OPEN_APPOSITION = re.compile(r"(?:,\s+(?:qui|que|qu'|dont|où|who|which|whose)\b[^,]*)$", re.I)

_TRAILING_PP = {
    "fr": re.compile(r",\s+(?:à|au|aux|dans|en|sur|lors|pour|avec|depuis|devant|vers|chez|par|près|dès|jusqu'|"
                     r"entre|faute|grâce|à l'occasion|sans|après|avant|contre)\b", re.I),
    "en": re.compile(r",\s+(?:in|at|on|with|for|during|from|by|near|after|before|without|against|amid)\b", re.I),
}

_CLAUSE_BOUNDARY = re.compile(r"\s*(?:;|:|\s[–—]\s)\s*")

# A leading adverbial phrase set off by a comma ("Après trente jours de grève, ...", "In 2019, ...").
_LEADING_PHRASE = {
    "fr": re.compile(
        r"^(?:après|avant|depuis|dans|lors d[eu']|lors des|pour|face à|malgré|outre|grâce à|suite à|faute d[e']|"
        r"contrairement à|en|à|au|aux|sur|sous|avec|sans|dès|jusqu'|durant|pendant|parmi|par|entre|comme|alors que|"
        r"tandis que|si|quand|lorsqu'|lorsque|puisque|puisqu'|bien qu'|bien que|afin d[e']|vendredi|samedi|dimanche|"
        r"lundi|mardi|mercredi|jeudi|cette année|cette semaine|l'an dernier|l'année dernière|ce jour-là)"
        r"\b[^,;:\"()]{0,90},\s+(?!(?:et|ou|mais|a|ont|est|sont|qui|que|qu'|dont|où|y|en)\b)(?=" + _CLAUSE_START + ")",
        re.I,
    ),
    "en": re.compile(
        r"^(?:after|before|since|in|on|at|during|despite|following|as|with|without|while|when|if|although|though|"
        r"for|from|under|amid|last|this|earlier|later)\b[^,;:\"()]{0,90},\s+"
        r"(?!(?:and|or|but|is|are|was|were|has|have|had|who|which|that)\b)",
        re.I,
    ),
}

# A date inside the sentence ("jeudi 22 août", "ce mardi 6 novembre 2018"): headlines do without. Set off by
# commas (", ce lundi 16 mars,"), it goes with both of them, or with the one before it at the sentence's end.
_MONTHS = "(?:" + "|".join(MONTHS_FR) + ")"
_SET_OFF = r"(?(aside)(?:\s*,(?=\s)|(?=[.;:!?]|$))|(?=[\s,.;:]))"
_DATE = {
    "fr": re.compile(r"(?P<aside>,)?(?<!\bdu)(?<!\bde)(?<!\bau)(?<!\ble)(?<!\bce)(?<!\bà)(?<!\bet)(?<!\bou)"
                     r"(?<!\bpour)(?<!\bavant)(?<!\baprès)(?<!\bdepuis)(?<!\bentre)(?<!\bici)(?<!\bque)"
                     r"\s(?:(?:ce|le|dès|depuis le)\s)?(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
                     r"(?:\s\d{1,2}(?:er)?\s" + _MONTHS + r"(?:\s\d{4})?|\s(?:soir|matin|après-midi|dernier))?"
                     + _SET_OFF, re.I),
    "en": re.compile(r"(?P<aside>,)?\s(?:on|last|this)\s(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
                     r"(?:\s(?:morning|evening|night|afternoon))?" + _SET_OFF, re.I),
}

# A relative clause closing the sentence ("... du centre-ville qui a fait quatre morts").
_FINAL_RELATIVE = {
    "fr": re.compile(r",?\s+(?:qui|dont|où)\s[^,;:«»\"]*$", re.I),
    "en": re.compile(r",?\s+(?:who|which|where|whose)\s[^,;:\"]*$"),
}

# Inside a French relative clause, an auxiliary right after the relative pronoun or a word that is neither a
# pronoun nor a conjunction: the first is the clause's own verb, a second the main clause's verb after a relative
# clause in its subject ("Un ami de l'auteur de l'attaque qui a fait un mort à Paris a été interpellé"), which
# the clause then does not close.
_MAIN_VERB_AFTER = re.compile(r"(?<!\bet)(?<!\bou)(?<!\bne)(?<!\by)(?<!\ben)(?<!\bil)(?<!\bon)(?<!\belle)"
                              r"(?<!\bils)(?<!\belles)(?<!\bque)(?<!\bdont)(?<!\bce)(?<!\bse)(?<!\blui)(?<!\bleur)"
                              r"(?<!\bles)(?<!\bnous)(?<!\bvous)(?<!\bme)(?<!\bte)(?<!\bla)(?<!\ble)"
                              r"\s+(?:a|" + _AUXILIARIES + r")\s", re.I)
_SUBORDINATE = re.compile(r",?\s*\b(?:qui|que|qu['’]|dont|où|si|quand|lorsque|lorsqu['’]|parce)\b", re.I)

# A trailing adverbial clause after the main one ("..., alors que ...", "... after ...ing").
_TRAILING_CLAUSE = {
    "fr": re.compile(
        r"(?:,\s+(?:alors qu'|alors que|tandis qu'|tandis que|après|avant|selon|d'après|afin|pour|lors|car|mais|soit|"
        r"notamment|puisque|puisqu'|parce qu'|parce que|même si|bien que|bien qu'|sans|malgré|contre|comme|ce qui|"
        r"ce que|en [a-zéèêàâîôû]+ant|[a-zéèêàâîôû]+ant)\b"
        r"|\s+(?:alors qu'|alors que|tandis qu'|tandis que|parce qu'|parce que|puisque|puisqu'|afin de|afin d'|"
        r"afin que|après avoir|après être|pour avoir|avant de|avant d'|lorsque|lorsqu'|bien que|bien qu'|"
        r"en vue d[eu']|au lendemain d[eu']|à la suite d[eu']|dans le cadre d[eu'])\s*)"
        r"[^;:«»\"]*$",
        re.I,
    ),
    "en": re.compile(
        r"(?:,\s+(?:while|whereas|after|before|as|according|but|since|although|though|despite|including|which|"
        r"[a-z]+ing)\b|\s+(?:while|whereas|because|although|though|after [a-z]+ing|before [a-z]+ing)\s)"
        r"[^;:\"]*$",
    ),
}


# A phrase set off by commas inside the clause, with the verb's object after it ("ont signé, à la suite de la
# réunion, un accord"): the trailing-clause rule would cut from the phrase to the end and lose the object, so
# only the phrase goes.
_ASIDE_THEN_OBJECT = {
    "fr": re.compile(
        r",\s+(?:après|avant|selon|d'après|lors|malgré|contre|sans|notamment|à la suite d[eu']|dans le cadre d[eu']|"
        r"au lendemain d[eu']|en vue d[eu'])[^,;:«»\"]*,(?=\s*(?:l'|d'|(?:le|la|les|un|une|des|du|son|sa|ses|leur|"
        r"leurs|ce|cet|cette|ces|plus|près|environ|\d+)\b))",
        re.I,
    ),
    "en": re.compile(
        r",\s+(?:after|before|according to|despite|following|during|including)[^,;:\"]*,"
        r"(?=\s*(?:the|a|an|its|their|his|her|more|\d+)\b)",
        re.I,
    ),
}


def _trailing_clause(text: str, key: str, min_words: int) -> str:
    """Cut a trailing adverbial clause; when it is only a phrase set off by commas before the verb's object,
    cut just that phrase."""
    m = _TRAILING_CLAUSE[key].search(text)
    if not m:
        return text
    head = text[: m.start()].rstrip()
    start = len(head) - 1 if head.endswith(",") else m.start()
    aside = _ASIDE_THEN_OBJECT[key].match(text, start)
    if aside:
        new = _tidy(text[: aside.start()] + " " + text[aside.end():])
        return new if count_words(new) >= min_words else text
    return _apply(_TRAILING_CLAUSE[key], text, "", min_words)


# A conjunction a cut left with nothing to join ("..., courantes pour les services, et [qui ...]"). Not "car",
# "or" and "but", which are French nouns too ("un superbe but").
_DANGLING_CONJUNCTION = re.compile(r"(?:,?\s+(?:et|ou|mais|ni|and))+[\s,;:]*$", re.I)


def _tidy(text: str) -> str:
    # no space before a comma or a full stop; before ; : ! ? the source's own spacing stays (French writes one)
    text = re.sub(r"\s+([,.])", r"\1", text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    text = _DANGLING_CONJUNCTION.sub("", text)
    text = text.strip(" ,;:–—")
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text


def _apply(pattern: re.Pattern, text: str, repl: str, min_words: int) -> str:
    new = _tidy(pattern.sub(repl, text, count=1))
    return new if count_words(new) >= min_words else text


def _drop_parenthetical(text: str, min_words: int) -> str:
    """The first parenthetical cut, as `_apply` would; one glued to the next word ("sa révérence (vidéo)par ...")
    leaves a space between them."""
    def gap(m: re.Match) -> str:
        return " " if m.end() < len(text) and text[m.end()].isalnum() else ""

    new = _tidy(_PARENS.sub(gap, text, count=1))
    return new if count_words(new) >= min_words else text


# An opening prepositional phrase, and what opens a main clause with its verb first.
_OPENING_PREPOSITION = re.compile(r"^(?:au|aux|à|après|avant|depuis|dans|lors|pour|face|malgré|en|sur|sous|avec|dès|"
                                  r"durant|pendant|parmi|selon|outre|in|on|at|after|before|since|during|for|with|"
                                  r"according)\b", re.I)
_VERB_NEXT = re.compile(r"\s*(?:a|" + _AUXILIARIES + r"|va|vont|has|have|had|is|are|was|were|will)\b", re.I)
_VERB_AT = re.compile(r"\s(?:a|" + _AUXILIARIES + r"|va|vont)\s", re.I)
# An attribution opening on its auxiliary ("avait indiqué le maire", "ont rapporté des témoins").
_SAYING_NEXT = re.compile(r"\s*(?:a|" + _AUXILIARIES + r")\s+(?:déclaré|indiqué|affirmé|expliqué|assuré|souligné|"
                          r"estimé|précisé|annoncé|rapporté|ajouté|confié|reconnu|raconté|confirmé)\b", re.I)
# An opening adverb of time, alone before its comma ("Hier soir, ...").
_TIME_OPENING = re.compile(r"^(?:hier|aujourd'hui|demain|ce matin|ce soir)(?:\s(?:matin|soir|midi|après-midi))?$", re.I)


def _relative_gap(m: re.Match) -> str:
    """What a relative clause set off by commas leaves: a space, or the comma that closes an opening phrase when
    the clause was the phrase's last words and no comma came before it ("Dans l'émission Capital[, qui sera
    diffusée dimanche], l'ancien ministre ...", not "Dans l'émission Capital l'ancien ministre")."""
    before, after = m.string[:m.start()], m.string[m.end():]
    if _OPENING_PREPOSITION.match(before) and "," not in before and not _VERB_NEXT.match(after):
        return ", "
    if _SAYING_NEXT.match(after) and _VERB_AT.search(before):
        return ", "  # the main verb came before: the verb of saying after the clause opens an attribution ("a été
        # tué dans le quartier[, où il était allé voir son cousin], avait indiqué le maire")
    return " "


def _date_gap(m: re.Match) -> str:
    """What a date leaves: nothing, or the comma of an opening adverb of time that commas set it off from ("Hier
    soir[, le mercredi 7 décembre,] M6 proposait ...")."""
    return ", " if m.group("aside") and _TIME_OPENING.match(m.string[:m.start()].strip()) else ""


def _final_relative(text: str, min_words: int) -> str:
    """Cut a French relative clause that runs to the sentence's end; where the main verb follows it inside that
    run (a relative clause in the subject), only the clause goes ("Un ami de l'auteur de l'attaque[ qui a fait un
    mort à Paris] a été interpellé")."""
    m = _FINAL_RELATIVE["fr"].search(text)
    if not m:
        return text
    mains = list(_MAIN_VERB_AFTER.finditer(m.group(0)))  # the clause's own verb first
    opener = _SUBORDINATE.match(m.group(0))
    if len(mains) < 2 or (opener and _SUBORDINATE.search(m.group(0), opener.end(), mains[1].start())):
        # no main verb after the clause, or the verb found sits in a clause of its own ("qui avait dit que la
        # baisse des APL avait été décidée", "qui devrait comprendre ... et dont les avoirs seront gelés")
        return _apply(_FINAL_RELATIVE["fr"], text, "", min_words)
    new = _tidy(text[: m.start()] + text[m.start() + mains[1].start():])
    return new if count_words(new) >= min_words else text


def compress(sentence: str, lang: str, max_words: int, min_words: int = 4, target_words: int | None = None) -> str:
    """Shorten a sentence into a headline of at most about max_words words (no final full stop).

    target_words: keep cutting optional clauses while the sentence is longer than this (default max_words).
    """
    key = "fr" if lang == "fr" else "en"
    text = _tidy(sentence)
    text = _drop_parenthetical(text, min_words)
    text = _apply(_DASH_ASIDE, text, "", min_words)
    for _ in range(2):
        text = _apply(_LEADING[key], text, "", min_words)
    m = _TRAILING[key].search(text)
    # "Le député, qui ..., a annoncé sa démission", "Le député, ancien ministre, a annoncé sa démission": the
    # comma closes an apposition, not the main clause.
    if m and not _OPEN_APPOSITION.search(text[: m.start()]) and not _SUBJECT_COMMA.match(text[: m.start()]):
        text = _apply(_TRAILING[key], text, "", min_words)
    # Optional cuts, while the sentence is longer than the headline it should make: relative clauses set
    # off by commas, a leading adverbial phrase, a trailing adverbial clause. Each leaves a main clause.
    goal = max_words if target_words is None else min(target_words, max_words)
    for rule, repl in ((_DATE[key], _date_gap), (_RELATIVE[key], _relative_gap), (_RELATIVE[key], _relative_gap),
                       (_LEADING_PHRASE[key], ""),
                       (_TRAILING_CLAUSE[key], ""), (_TRAILING_CLAUSE[key], ""), (_FINAL_RELATIVE[key], "")):
        if count_words(text) <= goal:
            break
        if rule is _TRAILING_CLAUSE[key]:
            text = _trailing_clause(text, key, max(min_words, 5))
        elif rule is _FINAL_RELATIVE[key] and key == "fr":
            text = _final_relative(text, max(min_words, 5))
        else:
            text = _apply(rule, text, repl, max(min_words, 5))
    # Still too long: drop trailing prepositional phrases set off by commas, last first.
    while count_words(text) > max_words:
        cuts = list(_TRAILING_PP[key].finditer(text))
        if not cuts or count_words(text[: cuts[-1].start()]) < max(min_words, 5):
            break
        close = text.find(",", cuts[-1].end())
        if close >= 0:
            # The phrase is set off on both sides ("ont entamé, à la faveur de la guerre, un recalibrage"): what
            # follows it belongs to the main clause, so only the phrase goes.
            text = _tidy(text[: cuts[-1].start()] + " " + text[close + 1:])
        else:
            text = _tidy(text[: cuts[-1].start()])
    if count_words(text) > max_words:
        parts = [p for p in _CLAUSE_BOUNDARY.split(text) if p]
        if len(parts) > 1:
            first = _tidy(parts[0])
            if min_words <= count_words(first) <= max_words:
                text = first
    return no_stop(text)


def no_stop(text: str) -> str:
    """A headline's text: without its final full stop (an ellipsis stays)."""
    text = text.rstrip()
    return text[:-1].rstrip() if text.endswith(".") and not text.endswith("..") else text
