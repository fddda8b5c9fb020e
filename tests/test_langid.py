import pytest

from briefsum.text.langid import identify, known_language


def test_identifies_french_and_english_with_confidence():
    fr = identify("Les dirigeants se sont réunis jeudi pour discuter du budget de la ville.")
    en = identify("The leaders met on Thursday to discuss the city's budget for next year.")
    assert (fr.lang, en.lang) == ("fr", "en")
    assert fr.confidence > 0.9 and en.confidence > 0.9


def test_no_letters_gives_undetermined():
    assert identify("12 345 !!! ---").lang == "und"


def test_known_language_codes():
    assert known_language("fr") and known_language("JA")
    assert not known_language("xx") and not known_language("french")


# Long texts written for these tests: a council budget story in five languages.
LONG = {
    "fr": "Le conseil municipal a voté mardi soir le budget de l'année prochaine après un long débat entre la "
          "majorité et l'opposition. Les écoles recevront quatre millions d'euros de plus que l'an dernier, et "
          "l'opposition dénonce une hausse des impôts locaux pour la troisième année de suite. Le maire a promis "
          "un second vote au printemps, quand les comptes définitifs seront connus. Les travaux de la gare "
          "commenceront en juin, selon la mairie, et dureront au moins deux ans.",
    "en": "The city council approved next year's budget on Tuesday evening after a long debate between the "
          "majority and the opposition. Schools will receive four million euros more than last year, and the "
          "opposition criticised a rise in local taxes for the third year in a row. The mayor has promised a "
          "second vote in the spring, when the final accounts are known. Work on the station will start in June, "
          "according to the town hall, and will last at least two years.",
    "es": "El ayuntamiento aprobó el martes por la noche el presupuesto del año que viene después de un largo "
          "debate entre la mayoría y la oposición. Las escuelas recibirán cuatro millones de euros más que el año "
          "pasado, y la oposición denuncia una subida de los impuestos locales por tercer año consecutivo. El "
          "alcalde prometió una segunda votación en primavera, cuando se conozcan las cuentas definitivas. Las "
          "obras de la estación empezarán en junio, según el ayuntamiento.",
    "ca": "L'ajuntament va aprovar dimarts al vespre el pressupost de l'any vinent després d'un llarg debat entre "
          "la majoria i l'oposició. Les escoles rebran quatre milions d'euros més que l'any passat, i l'oposició "
          "critica que els impostos locals pugin per tercer any consecutiu. L'alcalde ha promès una segona "
          "votació a la primavera, quan es coneguin els comptes definitius. Les obres de l'estació començaran "
          "al juny, segons l'ajuntament.",
    "it": "Il consiglio comunale ha approvato martedì sera il bilancio del prossimo anno dopo un lungo dibattito "
          "tra la maggioranza e l'opposizione. Le scuole riceveranno quattro milioni di euro in più rispetto "
          "all'anno scorso, e l'opposizione denuncia un aumento delle tasse locali per il terzo anno di fila. Il "
          "sindaco ha promesso un secondo voto in primavera, quando saranno noti i conti definitivi. I lavori "
          "della stazione cominceranno a giugno, secondo il comune.",
}


def _all_languages(text):
    from briefsum.text import langid

    return langid._best(langid._detector().compute_language_confidence_values(text))


@pytest.mark.parametrize("lang", sorted(LONG))
def test_long_texts_get_the_answer_of_the_all_language_detector(lang):
    guess, full = identify(LONG[lang]), _all_languages(LONG[lang])
    assert guess.lang == full.lang == lang
    assert guess.confidence == pytest.approx(full.confidence, abs=1e-9)


@pytest.mark.parametrize("lang,fast", [("fr", True), ("en", True), ("es", True), ("ca", False), ("it", False)])
def test_only_plain_french_english_or_spanish_skips_the_other_models(monkeypatch, lang, fast):
    from briefsum.text import langid

    asked = []
    real = langid._detector
    monkeypatch.setattr(langid, "_detector", lambda codes=None: asked.append(codes) or real(codes))
    assert identify(LONG[lang]).lang == lang
    assert (None not in asked) == fast  # a neighbour winning (Catalan, Italian) goes to all languages


@pytest.mark.parametrize("text", [
    "Les dirigeants se sont réunis jeudi pour discuter du budget de la ville.",   # short
    LONG["fr"] + " " + LONG["en"],                                                 # mixed
    "qzx vbnm rtyp lkjh gfds wert yuio pasd fghj klzx cvbn " * 8,                  # no function words
])
def test_short_mixed_or_unclear_texts_use_all_languages(monkeypatch, text):
    from briefsum.text import langid

    asked = []
    real = langid._detector
    monkeypatch.setattr(langid, "_detector", lambda codes=None: asked.append(codes) or real(codes))
    guess = identify(text)
    assert asked[-1] is None
    full = _all_languages(text)
    assert guess.lang == full.lang and guess.confidence == pytest.approx(full.confidence, abs=1e-9)
