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
