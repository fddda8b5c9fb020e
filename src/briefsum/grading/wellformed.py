"""What a deletion must not do to the French around it: words it brings together must still be written as they
stand side by side.

A deletion is a parse subtree, so the tree stays whole, but the words on both sides of the gap become neighbours,
and French spells some neighbours together. `joins_well` refuses a deletion that would leave

- a preposition before an article it contracts with: "à [tout] le monde" would read "à le monde" (au), "assister
  à [tous] les travaux" "à les travaux" (aux), likewise "de le" (du) and "de les" (des);
- a word that elides before a vowel or a mute "h": "Le [dernier] accident" would read "Le accident"
  (L'accident), "de [très] importants" "de importants" (d'importants), "Le [jeune] homme" "Le homme"; the words
  are le, la, de, ne, que, je, me, te, se, ce and the conjunctions in -que;
- a preposition, a determiner, a conjunction or an auxiliary with nothing after it but punctuation: "Dès
  [samedi], les Français..." would read "Dès, les Français...";
- brackets or quotation marks around nothing ("en 3e position [(14 %)]" read "en 3e position ()");
- "en plein(e)" without the noun it needs ("sur une autoroute en pleine [journée]"), a day without its month
  ("jusqu'au 15 [avril]", "fin [mai]"), a comparative without what it compares with ("plus [que déplacée]"), a
  determiner with no noun after it ("Cette [dernière] assure");
- the main clause's finite verb first, with what stood before it gone: "[Depuis plusieurs jours des rumeurs]
  indiquaient que ..." (the subject read as part of the phrase before it).

Only pairs the deletion creates are judged; what the source already wrote side by side is left as it is.
"""

from __future__ import annotations

import re
from typing import Collection

from ..text.parse import Parsed
from ..text.words import MONTHS_FR, WORD

_CONTRACTS = {"à": frozenset({"le", "les"}), "de": frozenset({"le", "les"})}
_ELIDES = frozenset("le la de ne que je me te se ce jusque lorsque puisque quoique".split())
# A vowel sound to start a word ("h" apart: "le héros" and "l'homme" both exist), and the beginnings of the
# common words whose "h" elides ("l'homme", "l'heure", "l'hôpital", "d'habitants").
_VOWELS = frozenset("aeiouàâäéèêëîïôöûüùœæ")
_MUTE_H = ("homm", "heure", "heureu", "hist", "hôp", "hôt", "hiv", "habit", "habil", "human", "humain", "humeur", "honneur",
           "honor", "hypo", "hyper", "hélico", "herb", "huil", "héberg", "hérit", "horiz", "horr", "horaire",
           "hospit", "hygi", "hebdo", "hexag", "hésit", "harmoni", "hémi", "hépat", "hydr")
_NEEDS_FOLLOWER = frozenset({"ADP", "DET", "CCONJ", "SCONJ", "AUX"})
# Words a French text cannot end on: articles, prepositions, conjunctions, relative pronouns, possessives, the
# auxiliary "être" ("Le projet est ...").
_OPEN_END = frozenset("""le la les l un une des du de d à au aux en et ou mais ni car que qu qui dont où sur sous
dans par pour avec sans chez vers entre ce cet cette ces son sa ses leur leurs mon ma mes ton ta tes notre nos
votre vos est sont était étaient sera seront""".split())
# A verb of saying at the end, its inverted subject gone ("..., révèle [le journal]").
_SAYING = frozenset("révèle indique affirme explique ajoute rapporte souligne confie déclare raconte".split())
_OPENING_MARKS = ("«", "“", "(", "[")
_OPENS = {"«": "»", "“": "”", "(": ")", "[": "]"}
# Nouns that make a preposition with "à" / "au" / "en" before them and "de" after: their complement stays.
_LOCUTIONS = frozenset("""rencontre cours sein issue occasion faveur profit égard nom suite raison cause lendemain
veille tête insu instar encontre dépit matière lieu image compte personne""".split())
# Compounds whose first noun means something else alone ("une levée [de boucliers]", "placé en garde [à vue]",
# "ce fait [divers]"): (the noun, its complement's head or its adjective), lower case, as written or as lemmas.
_COMPOUNDS = frozenset(tuple(c.split("/")) for c in """levée/bouclier levée/boucliers garde/vue mise/examen
mise/place mise/œuvre mise/oeuvre mise/cause mise/demeure remise/cause prise/conscience prise/otage prise/otages
prise/parole prise/position coup/état coup/coeur coup/cœur coup/envoi coup/frein coup/pouce chef/état chef/états
état/urgence état/siège arrêt/travail arrêt/maladie arrêt/mort permis/conduire chiffre/affaires point/vue
pomme/terre fin/non-recevoir main/œuvre main/oeuvre garde/sceaux ordre/jour tour/force pot/vin remise/liberté
fait/divers faits/divers gilet/jaune gilets/jaunes contrôle/judiciaire casier/judiciaire détention/provisoire
sécurité/sociale bande/dessinée carte/grise garde/rapprochée garde/alternée réclusion/criminelle état/civil
code/civil code/pénal conseil/constitutionnel casque/bleu casques/bleus""".split())
# Titles whose modifier is part of the name of the office.
_TITLES = frozenset("""secrétaire directeur directrice procureur procureure avocat avocate inspecteur inspectrice
commissaire délégué déléguée rapporteur rapporteuse consul conseil conseiller conseillère rédacteur rédactrice
médecin ingénieur chef cheffe coup ministre""".split())
_TITLE_PARTS = frozenset(["général", "générale", "généraux", "en chef", "d'état", "d'etat", "d' état", "d' etat"])
# Nouns of quantity or relation that say nothing without their "de" complement.
_QUANTITIES = frozenset("""millier centaine dizaine douzaine vingtaine trentaine quarantaine cinquantaine million
milliard plupart majorité moitié tiers quart totalité nombre équivalent chef porte-parole membre présence
absence""".split())
# Verbs whose "de" complement says what they charge or tell their object of.
_VERBS_OF_DE = frozenset("""accuser soupçonner suspecter informer prévenir avertir priver convaincre charger menacer
qualifier traiter inculper""".split())
_SPANS_OF_TIME = frozenset("an année mois semaine jour heure minute seconde siècle décennie temps".split())
_PARTS_OF_MONTHS = frozenset({"fin", "début", "mi", "courant"})
_COMPARATIVES = frozenset({"plus", "moins", "aussi", "autant"})
_NO_NOUN = frozenset({"VERB", "AUX", "ADP", "SCONJ", "CCONJ", "PRON", "ADV"})
# Adverbs that make a preposition with the "à" after them ("contrairement [à deux autres voitures]").
_RELATIVES = frozenset({"qui", "dont", "où", "lequel", "laquelle", "lesquels", "lesquelles"})
_BEFORE_A = frozenset("contrairement grâce face quant conformément parallèlement relativement suite".split())
_DAY = re.compile(r"\d{1,2}(?:er)?")
_MONTHS = frozenset(MONTHS_FR)


def _word(t: str) -> bool:
    return bool(WORD.search(t))


def joins_well(p: Parsed, deleted: Collection[int]) -> bool:
    """Whether deleting these tokens leaves every new pair of neighbouring words spelt as French spells it (see
    the module's docstring)."""
    if not deleted:
        return True
    kept = [i for i in range(len(p)) if i not in deleted]
    first = next((i for i in kept if _word(p.text[i])), None)
    if first is not None and _main_finite(p, first) and any(_word(p.text[i]) for i in range(first)):
        return False  # every word before the main verb gone: its subject with them
    for a, b in zip(kept, [*kept[1:], None]):
        if p.text[a] in _OPENS and b is not None and b != a + 1 and _around_nothing(p, kept, a):
            return False  # marks around nothing: "une « » rapide", "en 3e position ()"
        if b == a + 1 or (b is None and a == len(p) - 1) or not _word(p.text[a]):
            continue  # nothing deleted right after a
        if p.pos[a] in _NEEDS_FOLLOWER and (b is None or not _word(p.text[b])):
            return False
        left = p.text[a].lower()
        if (_DAY.fullmatch(left) or left in _PARTS_OF_MONTHS) and p.text[a + 1].lower() in _MONTHS:
            return False  # "jusqu'au 15 [avril]", "fin [mai]": the day keeps its month
        if left in _COMPARATIVES and p.text[a + 1].lower() in ("que", "qu'", "qu’"):
            return False  # "je la trouve plus [que déplacée]": a comparative keeps what it compares with
        if left in ("plein", "pleine") and a > 0 and p.text[a - 1].lower() == "en" and \
                a - 1 not in deleted:
            return False  # "en pleine [journée]": the noun is what the phrase is about
        if b is None or not _word(p.text[b]):
            continue
        right = p.text[b].lower()
        if right in _SAYING:
            return False  # "... GLI-F4 [après ...,] rapporte France Info": the attribution keeps its comma
        if p.pos[a] == "DET" and p.pos[b] in _NO_NOUN:
            return False  # "Cette [dernière] assure": a determiner with no noun after it
        if right in _CONTRACTS.get(left, ()):
            return False
        if left in _ELIDES and (right[:1] in _VOWELS or right.startswith(_MUTE_H)):
            return False
    return True


def _around_nothing(p: Parsed, kept: list[int], a: int) -> bool:
    """Whether the opening mark at a is followed, among the kept tokens, by its closing mark with nothing but
    punctuation between."""
    close = _OPENS[p.text[a]]
    for j in kept[kept.index(a) + 1:]:
        if p.text[j] == close:
            return True
        if not p.is_punct(j):
            return False
    return False


def parts_a_pair(p: Parsed, kids: list[list[int]], i: int, fixed: frozenset[tuple[str, str]]) -> bool:
    """Whether the modifier token i heads is that word alone, right beside the word it modifies, and the two
    make one of the `fixed` pairs, written as one unit ("les réseaux [sociaux]", "un premier feu [vert]", "le
    [Premier] ministre", "les personnes [âgées]"; counted on OrangeSum train by
    training/count_collocations.py)."""
    g = p.head[i]
    if not fixed or abs(g - i) != 1 or len(Parsed.subtree(kids, i)) != 1:
        return False
    a, b = min(i, g), max(i, g)
    return (p.text[a].lower(), p.text[b].lower()) in fixed


def required(p: Parsed, kids: list[list[int]], i: int) -> bool:
    """Whether the modifier token i heads is one French needs, though the tree calls it optional: "plus" or
    "moins" of a superlative ("les cyclones les [plus] violents"), the complement of a locution ("à la
    rencontre [des Français]", "au sein [du parti]"), what a span of time is counted from ("un an [après les
    révélations]"), what "à partir" starts from, the adverb of a preposition ("[contrairement] à"),
    "dernier" / "prochain" of a span of time ("ces [derniers] mois"), "neuf" before its noun ("sur [neuf]
    vols", the number), what a verb of charge or notice says its object is charged or told of ("soupçonné [de
    meurtre]", "informé ses passagers [de la présence ...]"), an adjective between an article and a name ("la
    [petite] Maëlys"), a name right after the noun it names ("le socialiste [Pedro Sanchez]"), the complement
    of a compound noun ("une levée [de boucliers]") and the second
    term after "entre" ("entre Milhaud [et Nîmes]")."""
    g = p.head[i]
    if p.lemma[i].lower() in ("plus", "moins") and i > 0 and p.pos[i - 1] == "DET":
        return True
    if p.text[i].lower() == "neuf" and i < g:
        return True  # the number before its noun, tagged as the adjective ("sur [neuf] vols")
    if p.dep[i] == "appos" and p.pos[i] == "PROPN" and g < i and not any(p.is_punct(k) for k in range(g + 1, i)):
        return True  # a name right after the noun it names, no comma: whom the sentence is about ("le socialiste
        # [Pedro Sanchez]"; "la ministre, [Marlène Schiappa]," may go)
    if p.text[i].lower() in ("près", "loin") and i > 0 and p.text[i - 1].lower() == "de":
        return True  # "suivre de [près]"
    if p.text[i].lower() in _BEFORE_A and i + 1 < len(p) and p.text[i + 1].lower() in ("à", "au", "aux") and \
            i + 1 not in Parsed.subtree(kids, i):
        return True  # "indemne, [contrairement] à deux autres voitures" (but "[quant à elle]" may go whole)
    span = Parsed.subtree(kids, i)
    lo = min(span)
    if lo > 0 and p.text[lo - 1].lower() in _BEFORE_A and p.text[lo].lower() in ("à", "au", "aux"):
        return True  # nor what the adverb needs ("quant [à elle]")
    if p.text[lo].lower() in ("de", "d'", "d’", "du", "des"):
        j = lo - 1
        while j > 0 and p.pos[j] == "ADJ":
            j -= 1
        if j >= 0 and (p.lemma[j].lower() in _QUANTITIES or p.text[j].lower() in _QUANTITIES):
            return True  # the noun before it needs it, wherever the parser hung it ("l'équivalent [de l'OSCE]")
    if lo > 0 and p.pos[lo] == "ADP" and {(p.text[lo - 1].lower(), p.text[i].lower()),
                                          (p.lemma[lo - 1].lower(), p.lemma[i].lower())} & _COMPOUNDS:
        return True  # "une levée [de boucliers]", "en garde [à vue]", "un coup [d'État]"
    if lo > 0 and (p.text[lo - 1].lower(), p.text[lo].lower()) in _COMPOUNDS:
        return True  # "ce fait [divers]", "les gilets [jaunes]"
    if g == i:
        return False
    if p.dep[i] == "conj" and any(p.dep[k] == "case" and p.text[k].lower() == "entre" for k in kids[g]):
        return True  # "entre Milhaud [et Nîmes]": "entre" needs both
    if p.dep[i] == "amod" and p.lemma[i].lower() in ("dernier", "prochain", "passé") and \
            p.lemma[g].lower() in _SPANS_OF_TIME:
        return True  # "ces [derniers] mois", "la semaine [prochaine]"
    if p.dep[i] == "amod" and p.pos[g] == "PROPN" and max(span) < g and lo > 0 and p.pos[lo - 1] == "DET":
        return True  # an article stands before a first name only with the adjective ("la [petite] Maëlys")
    gov, words = p.lemma[g].lower(), " ".join(p.text[k].lower() for k in sorted(span))
    if gov in _TITLES and words.replace("’", "'") in _TITLE_PARTS or (gov, p.dep[i]) in (("fois", "amod"),
                                                                                         ("partie", "amod")):
        return True  # "le secrétaire [général]", "rédacteur [en chef]", "une [nouvelle] fois", "la [majeure] partie"
    if p.dep[i] == "amod" and i > 1 and p.text[i - 1].lower() in ("de", "d'", "d’") and \
            p.lemma[i - 2].lower() in _QUANTITIES:
        return True  # a noun read as an adjective after "un millier de" ("un millier de [chaises] vides")
    if p.text[g].lower() == "à" and any(p.dep[k] == "fixed" and p.text[k].lower() == "partir" for k in kids[g]):
        return True  # "à partir [du 1er janvier]" read with "à" as the head
    if p.dep[i] not in ("nmod", "obl", "obl:mod"):
        return False
    cases = [p.text[k].lower() for k in kids[i] if p.dep[k] in ("case", "fixed")]
    if gov in _QUANTITIES and cases[:1] in (["de"], ["d'"], ["d’"], ["des"], ["du"]):
        return True  # "des milliers [de morts]", "la plupart [des élèves]", "l'équivalent [de l'OSCE]"
    verb = p.head[g] if p.dep[g] == "obj" and p.pos[g] in ("NOUN", "PROPN", "PRON") else g
    if p.lemma[verb].lower() in _VERBS_OF_DE and cases[:1] in (["de"], ["d'"], ["d’"], ["des"], ["du"]) and \
            (verb == g or i > g):
        return True  # what a verb of charge or notice says it of ("soupçonné [de meurtre]", "a informé ses
        # passagers [de la présence de listéria]", the complement hung on the object)
    preps = ("à", "au", "aux", "en", "pour") if gov == "compte" else ("à", "au", "aux", "en")
    if p.pos[g] == "NOUN" and gov in _LOCUTIONS and \
            any(p.dep[k] == "case" and p.text[k].lower() in preps for k in kids[g]):
        return True  # "au sein [du parti]", "pour le compte [de ces livrets]"
    if p.lemma[g].lower() == "partir" and g > 0 and p.text[g - 1].lower() == "à":
        return True  # "à partir [du 3 avril]"
    return p.lemma[g].lower() in _SPANS_OF_TIME and bool({"après", "avant"} & set(cases))


def _main_finite(p: Parsed, i: int) -> bool:
    """Whether token i is a finite verb or auxiliary of the main clause (a root or a root's dependent)."""
    return p.finite[i] and (p.head[i] == i or p.head[p.head[i]] == p.head[i])


def ends_open(text: str, source: str | None = None) -> bool:
    """Whether a French text ends on a word that needs another after it ("... le conseil de", "... et"), or on
    an opening quote or bracket; with its source, only where the text's last word is not the source's own
    ("... dans l'Est" ends well, whatever "est" may be elsewhere)."""
    stripped = text.rstrip(" .,;:!?…")
    if stripped.endswith(_OPENING_MARKS):
        return True
    words = WORD.findall(stripped)
    if source is not None and words and WORD.findall(source)[-1:] == words[-1:]:
        return False
    if not words or stripped.endswith(("»", "”", '"', ")", "]")):
        return False
    last = words[-1].lower()
    if last == "partir" and len(words) > 1 and words[-2].lower() == "à":
        return True  # "à partir" without where from
    return last in _OPEN_END or last in _SAYING


def present_participle(p: Parsed, i: int) -> bool:
    """Whether token i is a verb's present participle ("considérant"), whose clause a comma sets off."""
    return p.pos[i] == "VERB" and p.text[i].lower().endswith("ant")


def second_aside(p: Parsed, toks: set[int], comma: int) -> bool:
    """Whether what follows the comma closing an aside is a second aside of the word before it, which keeps a
    comma ("à Pierre Bergé[, cofondateur de la maison,], mort le 8 septembre", not "à Pierre Bergé mort le 8
    septembre"): a clause hung on a noun, a relative pronoun, a present participle, or anything hung on the
    aside's own head."""
    nxt = comma + 1
    heads = {p.head[i] for i in toks if not p.is_punct(i) and p.head[i] not in toks}
    if nxt >= len(p) or len(heads) != 1 or p.is_punct(nxt) or p.pos[nxt] == "CCONJ":
        return False
    if present_participle(p, nxt):
        return True  # a present participle's clause is set off too ("n'a pas mâché ses mots[, à un an de
        # l'élection], considérant que ...")
    h = heads.pop()
    if h >= min(toks) or p.pos[h] not in ("NOUN", "PROPN", "PRON"):
        return False
    if p.dep[nxt].startswith("acl") or p.text[nxt].lower() in _RELATIVES:
        return True
    k = nxt
    for _ in range(len(p)):
        if p.head[k] == k:
            return False
        k = p.head[k]
        if k == h:
            return True
    return False
