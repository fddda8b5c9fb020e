"""What a deletion must not do to what a sentence says: modifiers whose loss makes it another claim.

Deleting a modifier mostly says less ("un violent orage" becomes "un orage", still true). These say otherwise:

- an adjective that denies, suspends or moves in time what its noun names: "le meurtrier [présumé]", "un
  [ancien] habitant" (before its noun only), "un [faux] médecin", "trois [ex-Premiers] ministres", "la [future]
  Commission", "une [éventuelle] taupe";
- a hedge: "était [sans doute] la Mini", "reviendra [peut-être]"; without it the text asserts what its source
  only supposes (not "sans le moindre doute");
- an adverb right after a negation, which it is the scope of: "ne pouvait pas [seulement] claquer des doigts",
  "pas [toujours]", "pas [encore]" (the noun "personne" is no negation);
- a superlative, which says which one the noun is: "le modèle [le plus prisé de cette gamme]", and where it
  holds: "la ville la plus peuplée [du Brésil]", "le meilleur résultat [de son histoire]";
- a word of degree alone that turns its adjective or verb into another one: "sera [plus] durable", "[peu]
  probable", "[mal] connu", "[trop] cher"; and a comparative adjective: "un [meilleur] président que";
- a bound or approximation without its "de", or its "de" without it: "supprimer [plus] de 1 000" (read
  "supprimer de 1 000"), "[près] de l'A9", "près [de] 6 Français", "autour [de 22 %]"; and "près", an adverb
  alone, may lose its complement ("a orbité près [de Cérès]");
- a bound or an approximation of a number, whole: "[plus de] 1 000", "[environ] 90 %", "[quelque] 1 300
  soldats", "des rafales [proches] de 100 km/h" (without it the figure reads exact);
- part of "de plus en plus" or "de moins en moins", which goes whole or stays;
- an adjective that says which one of its kind the noun is: "sa [deuxième] victoire", "le [seul] candidat",
  "la semaine [dernière]" (not after a date: "le 12 décembre [dernier]");
- the number that names its noun: "un séisme de magnitude [5,1]", "l'article [49.3]" (not a date's: "vendredi
  [19 juillet]").
"""

from __future__ import annotations

from ..text.parse import Parsed
from ..text.words import DAYS_FR, MONTHS_FR

# Adjectives (all their written forms) that do not say their noun is what it names, or not now; those of
# _BEFORE_ONLY only before their noun ("un ancien ministre", but "des textes anciens", "les options possibles").
_NOT_SUBSECTIVE = frozenset("""ancien ancienne anciens anciennes ex faux fausse fausses prétendu prétendue prétendus
prétendues présumé présumée présumés présumées supposé supposée supposés supposées soi-disant futur future futurs
futures éventuel éventuelle éventuels éventuelles potentiel potentielle potentiels potentielles probable probables
possible possibles hypothétique hypothétiques fictif fictive fictifs fictives virtuel virtuelle virtuels virtuelles
pseudo""".split())
_BEFORE_ONLY = frozenset("ancien ancienne anciens anciennes possible possibles".split())
_HEDGES = frozenset("""peut-être probablement vraisemblablement apparemment possiblement potentiellement
éventuellement sûrement certainement""".split())
_BOUNDS = frozenset({"près", "plus", "moins", "autour"})
# Words that make the number after them (or after their "de") approximate or a bound.
_APPROXIMATE = frozenset(_BOUNDS | {"environ", "presque", "quelque", "approximativement", "proche", "proches"})
_DE = frozenset({"de", "d'", "d’", "du", "des"})
_MORE_LESS = frozenset({"plus", "moins"})
_DEGREE = frozenset({"plus", "moins", "peu", "mal", "trop", "davantage"})
_COMPARATIVES = frozenset("meilleur meilleure meilleurs meilleures pire pires moindre moindres".split())
_DATES = frozenset({*DAYS_FR, *MONTHS_FR})
# Adjectives that say which one of its kind the noun is ("sa [deuxième] victoire", "la semaine [dernière]"); after
# a date they may go ("le 12 décembre [dernier]").
_WHICH = frozenset("""premier première premiers premières second seconde seconds secondes dernier dernière derniers
dernières prochain prochaine prochains prochaines seul seule seuls seules unique uniques""".split())
_ORDINAL_ENDINGS = ("ième", "ièmes")  # "deuxième", "troisièmes"...


def changes_meaning(p: Parsed, kids: list[list[int]], i: int) -> bool:
    """Whether deleting the subtree token i heads would change what the sentence says (see the module's
    docstring), not only say less."""
    word = p.text[i].lower()
    if (word in _NOT_SUBSECTIVE or word in _COMPARATIVES or word.startswith("ex-")) and \
            p.pos[i] in ("ADJ", "VERB") and p.dep[i] == "amod" and (word not in _BEFORE_ONLY or i < p.head[i]):
        return True
    if p.dep[i] == "amod" and (word in _WHICH or word.endswith(_ORDINAL_ENDINGS)) and not _after_a_date(p, i):
        return True
    if word in _HEDGES or (p.lemma[i].lower() == "doute" and _bare_after_sans(p, kids, i)):
        return True
    span = Parsed.subtree(kids, i)
    lo = min(span)
    if p.pos[i] == "ADV" and lo > 0 and p.negation(lo - 1) and p.pos[lo - 1] != "NOUN" and \
            p.text[lo - 1].lower() not in ("ne", "n'", "n’"):
        return True  # (not after the noun "personne": "les personnes [actuellement] hospitalisées")
    if word in _DEGREE and p.pos[i] == "ADV" and len(span) == 1 and p.head[i] != i and \
            p.pos[p.head[i]] in ("ADJ", "ADV", "VERB"):
        return True
    if p.pos[i] in ("ADJ", "VERB") and _superlative(p, kids, i):
        return True
    if p.number[i] and len(span) == 1 and p.head[i] == i - 1 and p.pos[i - 1] == "NOUN" and \
            p.lemma[i - 1].lower() not in _DATES and p.text[i - 1].lower() not in _DATES:
        return True  # the number names its noun ("de magnitude [5,1]")
    return p.dep[i] == "nmod" and _of(p, kids, i) and _scope_of_superlative(p, kids, p.head[i])


def _after_a_date(p: Parsed, i: int) -> bool:
    """Whether token i comes right after a day, a month or a number ("le 12 décembre [dernier]", "samedi
    [prochain]")."""
    return i > 0 and (p.text[i - 1].lower() in _DATES or p.number[i - 1])


def _of(p: Parsed, kids: list[list[int]], i: int) -> bool:
    """Whether token i is introduced by "de" (du, des, d')."""
    return any(p.dep[k] == "case" and p.text[k].lower() in _DE for k in kids[i])


def _scope_of_superlative(p: Parsed, kids: list[list[int]], g: int) -> bool:
    """Whether a "de" complement of token g says where a superlative holds: g is a superlative, or a noun with
    one ("le meilleur résultat", "la ville la plus peuplée")."""
    if _superlative(p, kids, g):
        return True  # whatever its tag ("la plus peuplée" read as a noun)
    return p.pos[g] == "NOUN" and any(
        p.dep[k] == "amod" and (_superlative(p, kids, k) or p.text[k].lower() in _COMPARATIVES and k > 0 and
                                p.pos[k - 1] == "DET") for k in kids[g])


def _bare_after_sans(p: Parsed, kids: list[list[int]], i: int) -> bool:
    """"sans doute" (probably), not "sans le moindre doute" (surely): "sans" and no determiner."""
    return any(p.text[k].lower() == "sans" for k in kids[i]) and not any(p.pos[k] == "DET" for k in kids[i])


def _superlative(p: Parsed, kids: list[list[int]], i: int) -> bool:
    """Whether adjective i is a superlative: "plus" or "moins" among its dependents, after a determiner (but
    not the locution "pour le moins")."""
    return any(p.text[k].lower() in _MORE_LESS and k > 0 and p.pos[k - 1] == "DET" and
               not (k > 1 and p.text[k - 2].lower() == "pour") for k in kids[i])


def _approximates(p: Parsed, k: int) -> bool:
    """Whether token k is a word that makes a number approximate or a bound ("proche" only as an adjective:
    "un proche du Premier ministre" is a person)."""
    word = p.text[k].lower()
    return word in _APPROXIMATE and (word not in ("proche", "proches") or p.pos[k] == "ADJ")


def cuts_a_bound(p: Parsed, toks: set[int]) -> bool:
    """Whether deleting these tokens leaves a bound's or an approximation's "de" without it ("supprimer [plus]
    de 1 000") or it without its "de" ("près [de] 6 Français"), takes a number's bound or approximation
    ("[environ] 90 %", "[plus de] 1 000") or the number after one, or half of "de plus en plus"."""
    n = len(p)
    lo = min(toks)
    first = next((k for k in sorted(toks) if p.text[k].lower() not in _DE), lo)
    before = lo - 1
    while before >= 0 and p.text[before].lower() in _DE:
        before -= 1
    if p.number[first] and before >= 0 and _approximates(p, before):
        return True  # nor the number without it ("des rafales proches [de 100 km/h]")
    for k in toks:
        word = p.text[k].lower()
        if _approximates(p, k):
            j = k + 1
            while j < n and p.text[j].lower() in _DE:
                j += 1
            if j < n and j not in toks and p.number[j]:
                return True  # a figure it makes approximate or a bound stays one ("[environ] 90 %", "[plus de] 1 000")
        if word in _BOUNDS and k + 1 < n and k + 1 not in toks and p.text[k + 1].lower() in _DE:
            return True
        if word in _DE and k > 0 and k - 1 not in toks and p.text[k - 1].lower() in _BOUNDS and \
                (p.text[k - 1].lower() != "près" or (k + 1 < n and k + 1 not in toks)):
            return True  # nor the bound without its "de" ("près [de] 6 Français", "autour [de 22 %]"; only "près"
            # is an adverb alone: "a orbité près [de Cérès]" may go)
    for k in range(n - 3):
        run = {k, k + 1, k + 2, k + 3}
        if p.text[k].lower() in ("de", "du") and p.text[k + 1].lower() in _MORE_LESS and \
                p.text[k + 2].lower() == "en" and p.text[k + 3].lower() == p.text[k + 1].lower() and \
                run & toks and not run <= toks:
            return True  # "de plus en plus" goes whole or stays
    return False
