import json

import pytest

import briefsum
from briefsum.errors import (ConfigError, EmptyInputError, InputError, InputTooLargeError, UnknownGradeError,
                             UnsupportedLanguageError)


def test_brief_round_trips_through_json(example_text):
    b = briefsum.summarise(example_text, engine="offline", translation=True)
    d = json.loads(b.to_json())
    assert d["source_lang"] == "fr" and d["lang_detected"] is True
    assert set(d["grades"]) == {"headline", "brief", "summary", "detailed"}
    for g in d["grades"].values():
        assert g["text"] and g["source_indices"] and g["words"] <= g["max_words"]
    if d["translation"] is not None:
        assert len(d["translation"]["sentences"]) == d["stats"]["sentences"]
    assert d["engine"] == "offline"


def test_two_runs_give_identical_json(example_text):
    a = briefsum.summarise(example_text, engine="offline").to_json()
    b = briefsum.summarise(example_text, engine="offline").to_json()
    assert a == b


def test_declared_language_is_used_without_detection(example_text):
    b = briefsum.summarise(example_text, lang="fr", target=None, engine="offline")
    assert b.source_lang == "fr" and b.lang_detected is False and b.output_lang == "fr"


def test_target_equal_to_source_means_no_translation(example_text):
    b = briefsum.summarise(example_text, lang="fr", target="fr", engine="offline")
    assert b.output_lang == "fr" and "translator" not in b.models


def test_english_input_needs_no_translation():
    text = ("The city council approved the new budget on Tuesday after a long debate. "
            "Spending on schools rises by four percent.\n\nCritics said the plan ignores housing. "
            "The mayor promised a second vote in the spring.")
    b = briefsum.summarise(text, engine="offline")
    assert b.source_lang == "en" and b.output_lang == "en" and "translator" not in b.models


def test_selected_grades_only(example_text):
    b = briefsum.summarise(example_text, grades=["brief", "headline"], engine="offline", target=None)
    assert list(b.grades) == ["headline", "brief"]


@pytest.mark.parametrize("text", ["", "   \n\t  ", "\u00a0\u200b"])
def test_empty_input_raises(text):
    with pytest.raises(EmptyInputError):
        briefsum.summarise(text)


def test_symbols_only_raise_empty_input():
    with pytest.raises(EmptyInputError):
        briefsum.summarise("!!! ??? … 123 456")


def test_unknown_codes_and_grades_raise_documented_errors(example_text):
    with pytest.raises(UnsupportedLanguageError):
        briefsum.summarise(example_text, lang="xx")
    with pytest.raises(UnsupportedLanguageError):
        briefsum.summarise(example_text, target="klingon")
    with pytest.raises(UnknownGradeError):
        briefsum.summarise(example_text, grades=["tweet"])
    with pytest.raises(InputError):
        briefsum.summarise(example_text, engine="quantum")


def test_input_size_limit_is_configurable(example_text):
    with pytest.raises(InputTooLargeError, match="max_input_chars"):
        briefsum.summarise(example_text, config={"limits": {"max_input_chars": 100}})


def test_bad_config_values_raise_config_error(tmp_path, example_text):
    with pytest.raises(ConfigError):
        briefsum.summarise(example_text, config={"grades": {"brief": {"max_words": 0}}})
    bad = tmp_path / "bad.yaml"
    bad.write_text("grades: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        briefsum.summarise(example_text, config=bad)
    with pytest.raises(ConfigError, match="not found"):
        briefsum.summarise(example_text, config=tmp_path / "missing.yaml")


def test_config_file_changes_budgets(tmp_path, example_text):
    cfg = tmp_path / "short.yaml"
    cfg.write_text("grades:\n  brief:\n    max_words: 25\n")
    b = briefsum.summarise(example_text, config=cfg, engine="offline", target=None)
    assert b.grades["brief"].max_words == 25 and b.grades["brief"].words <= 25


def test_short_text_returns_what_it_has_with_a_warning():
    b = briefsum.summarise("Le maire a démissionné hier soir après le vote du conseil municipal.", lang="fr",
                           target=None, engine="offline")
    assert b.grades["brief"].text.startswith("Le maire a démissionné")
    assert any("shorter than" in w for w in b.warnings)


def test_import_is_cheap_and_side_effect_free():
    import subprocess
    import sys

    code = "import sys, briefsum; print(sorted(m for m in ('torch', 'transformers', 'lingua', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_packaged_configs_read_the_same_with_either_yaml_loader():
    import yaml
    from importlib import resources

    for name in ("default.yaml", "models.yaml", "datasets.yaml"):
        text = resources.files("briefsum.configs").joinpath(name).read_text(encoding="utf-8")
        assert yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) == yaml.safe_load(text)
