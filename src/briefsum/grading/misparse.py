"""Signs that the small parser misread a sentence, where deleting along its tree would break the French.

Each sign was found in learned outputs (the seed article, held-out OrangeSum headlines) and has a test on a
hand-built parse (`tests/test_compression.py`). `briefsum.grading.deletion` offers no candidate where one holds.
"""

from __future__ import annotations

from ..text.parse import Parsed
from ..text.words import DAYS_FR

_CLAUSE_HEADS = frozenset({"acl", "acl:relcl", "advcl", "ccomp", "csubj", "parataxis", "conj", "xcomp"})
_NOMINAL = frozenset({"NOUN", "PROPN", "PRON", "DET"})
SUBJECTS = frozenset({"nsubj", "nsubj:pass", "expl:subj"})  # the labels of a subject
_TIMES = frozenset({*DAYS_FR, "matin", "soir", "midi", "veille"})
_TIMES_OF_DAY = frozenset({"matin", "midi", "après-midi", "soir", "soirée", "nuit"})
_MODALS = frozenset("devoir pouvoir vouloir falloir aller savoir".split())
_OBJECTS = frozenset({"obj", "ccomp", "xcomp", "iobj", "obl:arg"})
_QUE = frozenset({"que", "qu'", "qu’"})
# Pronouns that stand for a noun only with the complement after them ("celui [enregistré la veille]").
DEMONSTRATIVES = frozenset({"celui", "celle", "ceux", "celles"})
_QUOTE_MARKS = frozenset('"«»“”')
_RELATIVE = frozenset("""qui que qu' qu’ dont où lequel laquelle lesquels lesquelles auquel auxquels auxquelles
duquel desquels desquelles""".split())
# Words that open an indirect question or a clause of time or manner ("a expliqué [pourquoi] il ne voterait pas").
_OPENERS = frozenset("pourquoi comment combien quand lorsque".split())
# Pronouns that are the subject of a finite verb right after them, however tagged ("en 2017, [tout] a changé").
_PRONOUN_SUBJECTS = frozenset("tout rien chacun cela ceci ça".split())
# Adjectives that stand before their noun; one the parser read as the noun, the noun after it as its adjective
# ("les [principales] mesures" read as the noun "principales" with the adjective "mesures").
_PRENOMINAL = frozenset("""principal principale principaux principales grand grande grands grandes petit petite
petits petites nouveau nouvel nouvelle nouveaux nouvelles premier première premiers premières dernier dernière
derniers dernières prochain prochaine prochains prochaines seul seule seuls seules jeune jeunes vieux vieil vieille
vieilles gros grosse grosses haut haute hauts hautes bon bonne bons bonnes mauvais mauvaise mauvaises
nombreux nombreuse nombreuses""".split())


def trusted_root(p: Parsed, kids: list[list[int]], r: int) -> bool:
    """Whether a root gives the sentence enough structure to delete from: a verb, a noun (a verbless sentence,
    "Au menu : un plan ..."), or anything with the auxiliary "être" as its copula. A root read as anything
    else (an adjective, an adverb...), or with a verb as its copula, is most often the small parser's
    misreading ("L'occasion pour le Kazakhstan ... d'user de son soft power diplomatique", rooted on
    "diplomatique" with "power" as its copula)."""
    cops = [k for k in kids[r] if p.dep[k] == "cop"]
    if any(p.pos[k] != "AUX" for k in cops):
        return False
    return p.pos[r] in ("VERB", "AUX", "NOUN", "PROPN") or bool(cops)


def bare_infinitive(p: Parsed, kids: list[list[int]], r: int) -> bool:
    """Whether root r is an infinitive with no subject and no auxiliary, whose sentence the words before it make
    ("De quoi inquiéter le directeur ...", "Comment expliquer ..."): those words stay."""
    return p.pos[r] == "VERB" and _infinitive(p, r) and not any(p.dep[k].startswith(("nsubj", "aux")) for k in kids[r])


def verb_read_as_adverb(p: Parsed, i: int) -> bool:
    """Whether a word tagged as an adverb is a verb's form: its lemma is not the word itself but reads as an
    infinitive ("allègent" tagged ADV with the lemma "alléger"). The parser then misread the whole sentence
    ("la pandémie et le confinement [allègent] les maux", rooted on "maux"), which gives nothing to delete from."""
    t, lemma = p.text[i].lower(), p.lemma[i].lower()
    return p.pos[i] == "ADV" and lemma != t and lemma.endswith(("er", "ir", "re")) and len(lemma) > 3


def misread_verbless(p: Parsed, roots: list[int]) -> bool:
    """Whether a sentence of eight words or more reads as verbless: no finite verb or auxiliary, a noun or a name
    as its root. Most such parses missed the verb ("la rémunération de Carlos Ghosn choque également les
    syndicats", "choque" read as an adjective; "Enora Malagré, visiblement amusée par l'extrait, lance alors :
    ...", "lance" read as a noun), and deleting along them takes it. Rooted on a noun under a preposition, a
    finite verb in a clause hung on a noun does not count. A sentence that opens on a few words and a colon is
    verbless by design ("Au menu : un plan de médiation ...", "En cause : ...")."""
    words = sum(not p.is_punct(i) for i in range(len(p)))
    if ":" in p.text[:4]:
        return False
    if words < 8 or not all(p.pos[r] in ("NOUN", "PROPN") for r in roots):
        return False
    # a root under a preposition is an opening phrase, not a sentence: a verb in a clause of its noun is not its
    pp_root = any(p.dep[k] == "case" and p.head[k] in roots for k in range(len(p)))
    return not any(p.finite[i] and not (pp_root and _in_a_noun_clause(p, i)) for i in range(len(p)))


def _in_a_noun_clause(p: Parsed, i: int) -> bool:
    """Whether token i stands in a clause hung on a noun (a relative clause, a participle's): a finite verb
    there is not the sentence's ("En parallèle de la colère qui s'exprime ..., l'inquiétude ... demeure", rooted on
    "parallèle" with "demeure" read as an adjective)."""
    k = i
    for _ in range(len(p)):
        if p.dep[k].startswith("acl"):
            return True
        if p.head[k] == k:
            return False
        k = p.head[k]
    return False


def _misread_name(p: Parsed, i: int) -> bool:
    """Whether a word written in lower case, past the sentence's first, is tagged as a proper noun: the tagger
    lost its way there, most often on a verb ("La nomination de François Bayrou, 69 ans, scelle le retour ...",
    "scelle" a name hung on "ans")."""
    t = p.text[i]
    return i > 0 and p.pos[i] == "PROPN" and len(t) >= 3 and t.isalpha() and t.islower()


def hides_a_main_verb(p: Parsed, kids: list[list[int]], toks: set[int]) -> bool:
    """Whether a span holds a finite verb read as an adverbial clause with no subordinating word: most often a
    main verb the parser hung under a modifier ("A Marseille, le nord de la ville, où a été élue Mme Ghali,
    concentre les populations ...", with "concentre" under the relative clause), which the span would take; or
    a finite verb or auxiliary of no clause of its own, the span's head not being one either ("puis [s'est
    fait] dérober sa voiture", "fait" read as a dependent of "dérober" and taking its auxiliary along); or a
    finite verb joined after a comma, with no conjunction nor subject, to a relative clause's verb; or a word in
    lower case tagged as a name."""
    if any(p.finite[j] and p.pos[j] == "VERB" and p.dep[j] in ("advcl", "parataxis") and
           not any(p.dep[k] == "mark" for k in kids[j]) for j in toks):
        return True
    if any(_misread_name(p, j) for j in toks):
        return True  # a verb read as a name ("La nomination de François Bayrou[, 69 ans, scelle] le retour")
    if any(p.finite[j] and p.dep[j] == "conj" and j > 0 and p.text[j - 1] == "," and
           not any(p.dep[k] == "cc" or p.dep[k] in SUBJECTS for k in kids[j]) and p.dep[p.head[j]] == "acl:relcl"
           for j in toks):
        return True  # a finite verb after a comma, joined with no conjunction to a relative clause's: the main verb
        # ("La gamme ..., qui comprend les modèles P1, Senna et 720S, [pourrait s'étoffer ...]")
    for j in (j for j in toks if p.finite[j]):
        while p.dep[j] not in _CLAUSE_HEADS:  # climb towards the span's head while no clause label is passed
            if p.head[j] not in toks:
                return True
            j = p.head[j]
    return False


def takes_the_subject(p: Parsed, kids: list[list[int]], toks: set[int], root: int) -> bool:
    """Whether a span holds the subject of a verb it leaves ("..., rapporte [France Info]"), or the sentence's
    subject the parser hung under a participle while the main verb has none ("[Le ministre, visiblement ému,] a
    signé", "ministre" the subject of "ému")."""
    if any(p.dep[j] in SUBJECTS and p.head[j] not in toks for j in toks):
        return True
    if any(p.dep[k] in SUBJECTS for k in kids[root]):
        return False
    return any(p.dep[j] in SUBJECTS and not (p.finite[p.head[j]] or any(p.finite[k] for k in kids[p.head[j]]))
               for j in toks)


def misread_label(p: Parsed, i: int) -> bool:
    """A head whose label does not fit its word, a sign the parser misread the sentence around it: a finite
    verb as anything but a clause ("les syndicats ... promettent" read as `amod`), a clause that "que" opens as
    its conjunction read as a noun's (a complement: "a jugé ... [que le président ...]"), a clause label on a word
    with no verb ("[révèle] Le Parisien", "révèle" read as a noun), an adjective of a verb ("[53 catholiques]
    quittaient") or of the number before it ("de douze [modèles]"), a noun, a verb or a preposition as an
    adverbial modifier (`advmod`; "[de plus en plus] de jeunes"), a noun as an adjectival one (`amod`), the
    noun after an adjective that stands before its noun read as that adjective's ("les principales [mesures]"),
    a determiner as any modifier; or an adjective right after the partitive "de", which needs it ("à de hauts
    postes", "de [fréquents] crashs")."""
    dep, pos = p.dep[i], p.pos[i]
    if pos == "DET":  # a determiner heading a modifier ("l'une des grandes inconnues [de ce] déconfinement")
        return True
    if p.finite[i] and dep not in _CLAUSE_HEADS:
        return True
    if dep in ("acl", "acl:relcl", "advcl") and pos in _NOMINAL and not p.finite[i] and \
            not any(p.head[k] == i and (p.finite[k] or p.dep[k] == "cop") for k in range(len(p))):
        return True  # a clause without its verb ("l'hypothèse [où la primaire de la droite] investirait")
    if dep.startswith("acl") and any(p.head[k] == i and p.dep[k] == "mark" and p.text[k].lower() in _QUE
                                     for k in range(len(p))):
        return True  # "que" as a conjunction opens a complement, not a relative clause ("a jugé ... sur l'antenne
        # [que le président est celui des « petits calculs »]")
    if dep == "advmod" and pos == "ADP" and not (i + 1 < len(p) and p.text[i + 1].lower() == "partir"):
        return True  # ("[à partir du 1er janvier]" may go whole)
    if (dep == "advmod" and pos in _NOMINAL | {"VERB", "AUX"}) or (dep == "amod" and pos in _NOMINAL):
        return True
    if dep == "amod" and p.pos[p.head[i]] in ("VERB", "AUX"):
        return True  # an adjective modifies a noun: one on a verb is a misread subject ("[53 catholiques] quittaient")
    if dep == "amod" and p.head[i] == i - 1 and p.number[i - 1] and p.pos[i - 1] != "DET":
        return True  # nor a number: it is the number's noun ("de douze [modèles]")
    if dep == "amod" and p.head[i] == i - 1 and p.pos[i - 1] == "NOUN" and p.text[i - 1].lower() in _PRENOMINAL:
        return True  # the noun after an adjective read as one ("les principales [mesures]")
    if dep != "amod" or i == 0 or p.text[i - 1].lower() not in ("de", "d'", "d’"):
        return False
    # the partitive, however tagged: "de" read as a preposition before a plural ("de [fréquents] crashs"), not a
    # singular ("un projet de [nouvelle] loi")
    return p.pos[i - 1] == "DET" or (p.pos[i - 1] == "ADP" and i < p.head[i] and p.text[i].lower().endswith(("s", "x")))


def misread_modifier(p: Parsed, kids: list[list[int]], i: int) -> bool:
    """A modifier whose deletion the tree allows but the French does not:

    - one headed by a relative pronoun or a subordinating conjunction, the clause it opens left behind ("Le
      téléphone [avec lequel] l'appel ... aurait été localisé"), or by the word that opens an indirect question
      ("a expliqué [pourquoi] il ne voterait pas");
    - a pronoun right before a finite verb, which is its subject whatever the parser read ("en 2017, [tout] a
      changé", "tout" read as an adverb);
    - an adjective with a preposition or a determiner of its own, which makes it a noun's place the parser
      misread ("dans [sa prochaine] « loi ... »");
    - a dependent of an adjective that has a preposition, the adjective standing for a noun ("en pleine
      [journée]", "En pleine [fronde] des « gilets jaunes »");
    - a conjunct of a subject, which would leave the verb agreeing with the words gone ("Lui [et ses
      collègues] ont interpellé").
    """
    dep, g = p.dep[i], p.head[i]
    if p.text[i].lower() in _RELATIVE and p.pos[i] in ("PRON", "SCONJ", "ADV") or dep == "mark":
        return True
    if p.text[i].lower() in _OPENERS and i < g and p.pos[g] in ("VERB", "AUX"):
        return True
    if p.text[i].lower() in _PRONOUN_SUBJECTS and i + 1 < len(p) and p.finite[i + 1]:
        return True
    if dep == "amod" and any(p.dep[k] in ("case", "det") for k in kids[i]):
        return True
    if p.pos[g] == "ADJ" and any(p.dep[k] == "case" for k in kids[g]):
        return True
    return dep == "conj" and p.dep[g] in SUBJECTS


def _capitalised(p: Parsed, i: int) -> bool:
    return 0 <= i < len(p) and p.text[i][:1].isupper() and not p.is_punct(i)


def _infinitive(p: Parsed, i: int) -> bool:
    """Whether token i reads as an infinitive, whatever its tag ("séduire" read as an adjective): a verb's or an
    adjective's form that ends as French infinitives do and is its own lemma (or the lemma and one letter)."""
    t = p.text[i].lower()
    return p.pos[i] in ("VERB", "ADJ") and not p.finite[i] and p.lemma[i].lower() in (t, t[:-1]) and \
        t.endswith(("er", "ir", "re"))


def strands_a_neighbour(p: Parsed, toks: set[int]) -> bool:
    """Whether deleting a span would leave a word the parser attached elsewhere stranded by it, most often one
    that belongs to the span's last word:

    - an adjective right after the span's final noun but hung on a verb ("a écrit [pour réclamer l'arrêt]
      « immédiat » des activités", "immédiat" read as the verb's complement), or a noun right after its final
      adjective, hung elsewhere ("reprendre des forces [en plein] été");
    - a noun phrase right after the span's final infinitive, its object hung elsewhere ("le costume
      [d'hyperprésident et de fixer] le cap") or its final finite verb ("[et menace] Pékin de sanctions"), or
      after a span holding a verb without its object ("[puis autorisé en 1997] la poursuite d'une procédure");
    - after the comma that closes the span, an apposition or a nominal conjunct, which names what the span's
      last words named ("de Cérès, [se focalisant sur Occator,] l'un de ses cratères"), and an apposition after
      a span ending on a noun, whatever the parser hung it on ("lundi [21 septembre de leur numéro 2,] Pierre
      Person");
    - what follows "d'ici", the preposition it is ("des entreprises [d'ici] la fin du mois");
    - a "de" complement right after the span's last noun (or its adjective), which is the noun's ("des chaises
      [au bord] du canal", 'a franchi ["la barre historique"] des 900.000 tests');
    - a finite verb beside the span, its subject misread (`_bares_a_verb`: "le voisinage [avait été informé]");
    - the rest of a name the NER missed, a proper noun next to a capitalised word ("[Marine] Le Pen");
    - a participle alone before the "par" of its agent ("l'étude [relayée] par plusieurs médias");
    - the complement of a demonstrative pronoun that goes ("un nombre équivalent à [celui] enregistré la veille");
    - the members a conjunction joins, when it goes without a conjunct ("Richard Ferrand [ou encore] Nicolas
      Hulot"), and the conjunction, when a conjunct goes without it ("Quatennens ou encore [Clémentine Autain]");
    - the acronym of a name whose end goes ("La France [insoumise] (LFI)");
    - the rest of a date whose day goes ("hospitalisée [après s'être mutilée, a-t-on appris lundi] 20 août",
      "[dimanche] soir");
    - the rest of a list of infinitives after the span's last one ("[utilisée pour boire,] laver le linge");
    - and inside the span, the infinitive a modal verb before it needs ("qui devraient [sans mal séduire]
      quelques clients", "séduire" read as an adjective).
    """
    n = len(p)
    lo, hi = min(toks), max(toks)
    words = [i for i in sorted(toks) if not p.is_punct(i)]
    if not words:
        return False
    last = words[-1]
    nxt = hi + 1
    while nxt < n and p.text[nxt] in _QUOTE_MARKS:
        nxt += 1
    if nxt >= n:
        return False
    if p.pos[last] in ("NOUN", "PROPN") and p.pos[nxt] == "ADJ" and p.dep[nxt] not in ("amod", "conj"):
        return True
    if nxt == hi + 1 and p.pos[last] == "ADJ" and p.pos[nxt] == "NOUN" and p.head[last] != nxt:
        return True  # the noun right after the span's adjective is the adjective's ("[en plein] été")
    if nxt == hi + 1 and p.pos[last] == "VERB" and p.pos[nxt] in ("DET", "NOUN", "PROPN", "NUM"):
        return True  # (a finite verb too: "[et menace] Pékin de sanctions", "[révèle] Le Parisien")
    phrase_next = p.pos[nxt] in ("DET", "PROPN") or (p.pos[nxt] == "NOUN" and p.lemma[nxt].lower() not in _TIMES)
    if nxt == hi + 1 and not p.is_punct(hi) and phrase_next and \
            any(p.pos[j] == "VERB" and not any(p.head[k] == j and p.dep[k] in _OBJECTS for k in toks) for j in words):
        return True  # a verb in the span without its object, a noun phrase right after it ("[puis autorisé en 1997]
        # la poursuite d'une procédure", the object hung on the first verb)
    if p.text[last].lower() == "ici" and last > 0 and p.text[last - 1].lower() in ("d'", "d’") and p.pos[nxt] == "DET":
        return True
    noun_last = p.pos[last] == "NOUN" or (p.pos[last] == "ADJ" and p.head[last] in toks and
                                          p.pos[p.head[last]] == "NOUN")
    if noun_last and p.text[hi + 1].lower() in ("de", "du", "des", "d'", "d’") and \
            p.lemma[last].lower() not in _TIMES:
        return True  # "[au bord] du canal": the complement after a noun is the noun's
    if len(words) == 1 and p.pos[last] == "VERB" and p.dep[last] == "acl" and p.text[hi + 1].lower() == "par":
        return True  # a participle alone, its agent hung elsewhere ("l'étude [relayée] par plusieurs médias")
    if p.text[last].lower() in DEMONSTRATIVES and not p.is_punct(hi + 1):
        return True  # "équivalent à [celui] enregistré la veille"
    if _unjoins(p, toks, words):
        return True
    if p.text[hi + 1] == "(" and hi + 2 < n and p.text[hi + 2].isupper() and len(p.text[hi + 2]) > 1:
        return True  # an acronym spells the name before it ("La France [insoumise] (LFI)")
    if p.text[last].lower() in DAYS_FR and (p.number[hi + 1] or p.text[hi + 1].lower() in _TIMES_OF_DAY):
        return True  # the date goes on after its day ("[a-t-on appris lundi] 20 août", "un agriculteur [dimanche]
        # soir")
    first = words[0]
    if _bares_a_verb(p, toks, words, nxt):
        return True
    if (p.pos[last] == "PROPN" and _capitalised(p, hi + 1)) or (p.pos[first] == "PROPN" and _capitalised(p, lo - 1)):
        return True  # a name the NER missed, split ("[Marine] Le Pen")
    modal = next((j for j in range(lo - 1, -1, -1) if p.finite[j]), None)
    if modal is not None and p.lemma[modal].lower() in _MODALS and any(_infinitive(p, j) for j in words):
        return True
    return _renames_after_a_comma(p, toks, last) or _name_hung_across(p, toks)


def _name_hung_across(p: Parsed, toks: set[int]) -> bool:
    """Whether the first word after a span (and its comma) is a bare name, with no preposition, that the parser
    hung on a word before the span, other words between: most often the name belongs to the span's last noun,
    and would be left after the wrong word ("pour des commentaires [postés ... envers la secrétaire d'État]
    Marlène Schiappa", "rejointe dans sa démarche [par son demi-frère, le fils de Sylvie Vartan,] David
    Hallyday", the name hung on the participle). A name hung on the word right before the span stays free to
    follow it ("le ministre [de l'Intérieur] Christophe Castaner"), and after a comma, so does a name in
    apposition to a noun ("Le président de la République [française], Emmanuel Macron")."""
    lo, hi = min(toks), max(toks)
    j = hi + 1
    comma = j < len(p) and p.text[j] == ","
    j += comma
    if j >= len(p) or not _capitalised(p, j) or p.dep[j] not in ("nmod", "obl", "obl:mod", "appos", "dep"):
        return False
    g = p.head[j]
    if comma and p.pos[g] in ("NOUN", "PROPN", "PRON"):
        return False  # after a comma, an apposition of a noun before ("Le président de la République [française],
        # Emmanuel Macron")
    return any(not p.is_punct(k) for k in range(g + 1, lo))


def _bares_a_verb(p: Parsed, toks: set[int], words: list[int], nxt: int) -> bool:
    """Whether a finite verb beside a span has no subject outside it, its subject misread: the verb opens the
    span right after a word, no comma between ("et le voisinage [avait été informé d'une opération]", "voisinage"
    read as a conjunct of "Toulouse"; "qu'un homme -connu pour être radicalisé- [est soupçonné ...]"), or follows
    a span ending on a noun ("[dans cette ville et le voisinage] avait été informé")."""
    lo, hi = min(toks), max(toks)
    first, last = words[0], words[-1]
    if lo > 0 and first == lo and not p.is_punct(lo - 1) and _subjectless(p, toks, first):
        return True
    return nxt == hi + 1 and p.pos[last] in ("NOUN", "PROPN", "PRON") and _subjectless(p, toks, nxt)


def _subjectless(p: Parsed, toks: set[int], j: int) -> bool:
    """Whether token j is a finite verb or an auxiliary whose clause has no subject outside the span toks."""
    if not (p.finite[j] or p.pos[j] == "AUX"):
        return False
    v = p.head[j] if p.pos[j] == "AUX" else j
    return not any(p.dep[k].startswith("nsubj") and p.head[k] == v and k not in toks for k in range(len(p)))


def _unjoins(p: Parsed, toks: set[int], words: list[int]) -> bool:
    """Whether a span takes a list's conjunct without its conjunction ("Adrien Quatennens ou encore [Clémentine
    Autain]") or its conjunction without a conjunct ("Richard Ferrand [ou encore] Nicolas Hulot")."""
    lo, hi = min(toks), max(toks)
    before = lo - 1
    while before >= 0 and p.pos[before] == "ADV":
        before -= 1
    if before >= 0 and p.pos[before] == "CCONJ" and any(p.dep[j] == "conj" and p.head[j] not in toks for j in words):
        return True
    return any(p.pos[j] == "CCONJ" for j in words) and all(p.pos[j] in ("CCONJ", "ADV") for j in words) and \
        hi + 1 < len(p) and not p.is_punct(hi + 1)


def _renames_after_a_comma(p: Parsed, toks: set[int], last: int) -> bool:
    """Whether, after the comma that closes a span, an apposition or a nominal conjunct names what the span's last
    words named (see `strands_a_neighbour`)."""
    n = len(p)
    lo, hi = min(toks), max(toks)
    comma = hi if p.text[hi] == "," else hi + 1
    if comma < n and p.text[comma] == "," and comma + 1 < n and p.pos[last] in ("NOUN", "PROPN", "NUM") and \
            comma + 1 not in toks and p.dep[comma + 1] == "appos":
        return True  # an apposition renames the noun before its comma ("lundi [21 septembre de leur numéro 2,]
        # Pierre Person", the name hung on "démission")
    if comma < n and p.text[comma] == "," and comma + 1 < n and comma + 1 not in toks and \
            p.head[comma + 1] not in toks and _infinitive(p, last) and p.pos[comma + 1] == "VERB" and \
            p.text[comma + 1].lower() == p.lemma[comma + 1].lower() and p.text[comma + 1].endswith(("er", "ir", "re")):
        return True  # the list goes on after the span's last infinitive ("d'eau, [utilisée pour boire,] laver le
        # linge ou se laver", "laver" read as finite)
    set_off = p.text[lo] == "," or (lo > 0 and p.text[lo - 1] == ",")
    if hi + 1 < n and p.text[hi + 1] == "," and set_off and hi + 2 < n:
        j = hi + 2
        for x in (j, p.head[j]):
            if x not in toks and p.dep[x] in ("appos", "conj") and p.pos[x] in ("NOUN", "PROPN", "PRON"):
                return True
    return False


def spans_a_colon(p: Parsed, toks: set[int]) -> bool:
    """Whether a span runs from words before a colon to words after it. What follows a colon is most often the
    sentence's substance, which the parser hung under a word before it: "dresse un bilan [alarmant : un tiers
    des couches-culottes ... contiennent du glyphosate]", and "Un chef de l'État [sortant ... : en politique, en
    2017, tout] a changé", which takes the true subject. A span that opens the sentence ("[Et pour cause : selon
    lui,] l'arme ...") may go, and so may a quotation the colon introduces ("dans laquelle elle déclarait :
    « ... »"). Nor may the words right after a colon go without all that follows them: "la vente Bonhams : [la
    McLaren MP4/8A pilotée par Ayrton Senna] pour son GP ..., et la Toleman" would read ": pour son GP"."""
    lo, hi = min(toks), max(toks)
    if all(p.is_punct(j) for j in range(lo)):
        return False
    c = lo if p.text[lo] == ":" else lo - 1
    if p.text[c] == ":" and c + 1 < len(p) and p.text[c + 1] not in _QUOTE_MARKS and \
            any(not p.is_punct(j) for j in range(hi + 1, len(p))):
        return True  # what opens after a colon goes only with all that follows it
    for c in range(lo + 1, hi):
        if p.text[c] != ":" or not any(not p.is_punct(j) for j in range(lo, c)):
            continue
        if p.text[c + 1] in _QUOTE_MARKS:
            continue
        if any(not p.is_punct(j) for j in range(c + 1, hi + 1)):
            return True
    return False


def bare_nominal(p: Parsed, kids: list[list[int]], i: int) -> bool:
    """A noun phrase with its determiner but no preposition read as a modifier (`nmod`, `obl`): most often an
    object or a subject the parser misread ("ont entamé un « recalibrage »"), so never deleted."""
    if p.pos[i] not in ("NOUN", "PROPN") or p.dep[i] not in ("nmod", "obl", "obl:mod"):
        return False
    span = sorted(Parsed.subtree(kids, i))
    first = next((j for j in span if not p.is_punct(j)), i)
    return p.pos[first] == "DET" and not any(p.dep[k] in ("case", "mark") for k in kids[i])
