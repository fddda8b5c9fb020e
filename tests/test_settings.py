"""What a config may hold: known keys from the packaged defaults, types from their values, entries by design."""

import pytest

from briefsum.config import load_config
from briefsum.errors import ConfigError
from briefsum.settings import check_config


def _defaults():
    from briefsum.config import load_config

    return load_config().data


def test_a_key_added_to_the_packaged_defaults_is_accepted_without_code_changes():
    defaults = _defaults()
    with pytest.raises(ConfigError, match="unknown key neural.new_switch"):
        check_config({**defaults, "neural": {**defaults["neural"], "new_switch": True}}, defaults)
    grown = {**defaults, "neural": {**defaults["neural"], "new_switch": False}}
    check_config({**grown, "neural": {**grown["neural"], "new_switch": True}}, grown)
    with pytest.raises(ConfigError, match="neural.new_switch must be true or false"):
        check_config({**grown, "neural": {**grown["neural"], "new_switch": "yes"}}, grown)


def test_a_grade_field_added_to_the_packaged_defaults_is_accepted_and_typed_like_its_default():
    defaults = _defaults()
    head = defaults["grades"]["headline"]
    with pytest.raises(ConfigError, match="unknown key grades.brief.label_first"):
        check_config({**defaults, "grades": {**defaults["grades"], "brief": {"max_words": 60, "label_first": True}}},
                     defaults)
    grown = {**defaults, "grades": {**defaults["grades"], "headline": {**head, "label_first": False}}}
    check_config({**grown, "grades": {**grown["grades"], "brief": {"max_words": 60, "label_first": True}}}, grown)
    with pytest.raises(ConfigError, match="grades.brief.label_first must be true or false"):
        check_config({**grown, "grades": {**grown["grades"], "brief": {"max_words": 60, "label_first": "yes"}}},
                     grown)


def test_new_model_entries_and_grades_are_accepted_but_their_fields_are_checked():
    cfg = load_config({"models": {"translation": {"it-en": {"model": "x/y", "generate": {"num_beams": 2}}},
                                  "summarisation": {"de": {"model": "/models/de", "max_input_tokens": 512}}},
                       "grades": {"tweet": {"max_words": 30}}})
    assert cfg.get("models", "translation", "it-en", "model") == "x/y"
    with pytest.raises(ConfigError, match="max_input_tokens"):
        load_config({"models": {"summarisation": {"de": {"max_input_tokens": "many"}}}})
    with pytest.raises(ConfigError, match="models.translation.it-en.generate must be a mapping"):
        load_config({"models": {"translation": {"it-en": {"generate": [1]}}}})


@pytest.mark.parametrize("cfg,message", [
    ({"limits": {"timeout_s": 0}}, "limits.timeout_s"),
    ({"limits": {"timeout_s": float("nan")}}, "limits.timeout_s"),
    ({"limits": {"max_input_chars": True}}, "max_input_chars"),
    ({"language": {"min_confidence": 2}}, "min_confidence"),
    ({"engine": {"offline": {"scorer": "magic"}}}, "scorer"),
    ({"apertium": {"routes": {"fr-en": []}}}, "non-empty list"),
    ({"apertium": {"routes": {"fr-en": ["fr/es"]}}}, "no paths"),
    ({"apertium": {"routes": {"../x": ["fr-es"]}}}, "language pairs"),
    ({"apertium": {"allow_custom_binary": "true"}}, "allow_custom_binary"),
    ({"apertium": {"pivot_unknowns": "french"}}, "pivot_unknowns"),
    ({"grades": {"brief": {"max_sentences": 0}}}, "max_sentences"),
    ({"grades": {"brief": "short"}}, "must be a mapping"),
    ({"grades": None}, "non-empty mapping"),
    ({3: 4}, "keys must be strings"),
])
def test_each_wrong_value_is_one_config_error_naming_the_key(cfg, message):
    with pytest.raises(ConfigError, match=message) as info:
        load_config(cfg)
    assert "\n" not in str(info.value)


def test_a_program_path_runs_only_when_explicitly_allowed():
    with pytest.raises(ConfigError, match="allow_custom_binary"):
        load_config({"apertium": {"binary": "./apertium"}})
    cfg = load_config({"apertium": {"binary": "/opt/apertium/bin/apertium", "allow_custom_binary": True}})
    assert cfg.get("apertium", "binary") == "/opt/apertium/bin/apertium"


def test_a_translator_refuses_mode_names_that_are_paths_even_without_the_config_check():
    from briefsum.translation.apertium import ApertiumTranslator

    with pytest.raises(ConfigError):
        ApertiumTranslator({"fr-en": ["../../etc/evil"]})
    tr = ApertiumTranslator({"fr-en": ["fr-es"]}, binary="/bin/echo", allow_custom_binary=False)
    assert tr.executable() is None


def test_a_self_referencing_yaml_config_is_refused(tmp_path):
    f = tmp_path / "loop.yaml"
    f.write_text("a: &a [*a]\n")
    with pytest.raises(ConfigError):
        load_config(f)


def test_atomic_write_never_replaces_without_permission_and_leaves_no_temporary_file(tmp_path):
    from briefsum.safeio import write_atomic

    target = tmp_path / "out.txt"
    write_atomic(str(target), b"one", replace=False)
    with pytest.raises(FileExistsError):
        write_atomic(str(target), b"two", replace=False)
    write_atomic(str(target), b"three", replace=True)
    assert target.read_bytes() == b"three"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_write_works_on_a_file_system_without_hard_links(tmp_path, monkeypatch):
    from briefsum.safeio import write_atomic

    def no_links(src, dst):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr("os.link", no_links)
    target = tmp_path / "out.txt"
    write_atomic(str(target), b"one", replace=False)
    assert target.read_bytes() == b"one"
    with pytest.raises(FileExistsError):
        write_atomic(str(target), b"two", replace=False)
    assert target.read_bytes() == b"one"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_bounded_read_refuses_past_the_limit_and_reads_up_to_it(tmp_path):
    from briefsum.errors import InputTooLargeError
    from briefsum.safeio import read_bounded

    f = tmp_path / "in.txt"
    f.write_bytes(b"x" * 100)
    assert read_bounded(str(f), 100, name="in") == b"x" * 100
    with pytest.raises(InputTooLargeError):
        read_bounded(str(f), 99, name="in")
    with pytest.raises(InputTooLargeError):
        read_bounded("/dev/zero", 1000, name="zero")


def test_a_safetensors_index_naming_a_pickle_shard_is_refused_unless_pickle_is_allowed(tmp_path):
    import json

    from briefsum.engines.registry import ModelEntry, check_folder
    from briefsum.errors import ModelUnavailable

    (tmp_path / "config.json").write_text("{}")
    index = {"weight_map": {"a.weight": "model-00001.safetensors", "b.weight": "evil-00002.bin"}}
    (tmp_path / "model.safetensors.index.json").write_text(json.dumps(index))
    entry = ModelEntry("translation", "fr-en", str(tmp_path))
    with pytest.raises(ModelUnavailable, match="evil-00002.bin"):
        check_folder(tmp_path, entry, allow_pickle=False)
    check_folder(tmp_path, entry, allow_pickle=True)
    index["weight_map"]["b.weight"] = "model-00002.safetensors"
    (tmp_path / "model.safetensors.index.json").write_text(json.dumps(index))
    check_folder(tmp_path, entry, allow_pickle=False)


# One misspelt and one mistyped key in every area of the configuration: each fails when the config loads,
# with one line naming the key (and, for the misspelt one, the key meant).
MISSPELT = [
    ({"limits": {"timeout": 5}}, "limits.timeout", "limits.timeout_s"),
    ({"language": {"min_confidance": 0.2}}, "language.min_confidance", "language.min_confidence"),
    ({"grades": {"brief": {"max_word": 50}}}, "grades.brief.max_word", "grades.brief.max_words"),
    ({"engine": {"defualt": "offline"}}, "engine.defualt", "engine.default"),
    ({"engine": {"offline": {"redundency": 0.5}}}, "engine.offline.redundency", "engine.offline.redundancy"),
    ({"neural": {"nestng": "prefix"}}, "neural.nestng", "neural.nesting"),
    ({"apertium": {"pivot_unknown": "source"}}, "apertium.pivot_unknown", "apertium.pivot_unknowns"),
    ({"service": {"max_concurent": 2}}, "service.max_concurent", "service.max_concurrent"),
    ({"models": {"translation": {"fr-en": {"modle": "x/y"}}}}, "models.translation.fr-en.modle",
     "models.translation.fr-en.model"),
]
MISTYPED = [
    ({"limits": {"max_input_chars": "lots"}}, "limits.max_input_chars"),
    ({"language": {"sample_chars": 0}}, "language.sample_chars"),
    ({"grades": {"brief": {"max_words": "sixty"}}}, "grades.brief.max_words"),
    ({"engine": {"default": "fast"}}, "engine.default"),
    ({"engine": {"translator": "google"}}, "engine.translator"),
    ({"engine": {"offline": {"compression": "zip"}}}, "engine.offline.compression"),
    ({"engine": {"offline": {"headline_label": 3}}}, "engine.offline.headline_label"),
    ({"neural": {"nesting": "nested"}}, "neural.nesting"),
    ({"neural": {"faithfulness": "strict"}}, "neural.faithfulness"),
    ({"neural": {"strategy": "guess"}}, "neural.strategy"),
    ({"neural": {"loop_guard": "maybe"}}, "neural.loop_guard"),
    ({"neural": {"backend": "onnx"}}, "neural.backend"),
    ({"neural": {"device": "gpu0"}}, "neural.device"),
    ({"neural": {"dtype": "int4"}}, "neural.dtype"),
    ({"neural": {"batch_size": -3}}, "neural.batch_size"),
    ({"neural": {"reuse_memory": "sometimes"}}, "neural.reuse_memory"),
    ({"neural": {"max_passes": 0}}, "neural.max_passes"),
    ({"neural": {"download": "yes"}}, "neural.download"),
    ({"apertium": {"prestart": ["fr"]}}, "apertium.prestart"),
    ({"service": {"timeout_s": -1}}, "service.timeout_s"),
    ({"service": {"cors_origins": [1]}}, "service.cors_origins"),
    ({"models": {"summarisation": {"fr": {"alternatives": "one"}}}}, "models.summarisation.fr.alternatives"),
]


@pytest.mark.parametrize("cfg,key,meant", MISSPELT, ids=[m[1] for m in MISSPELT])
def test_a_misspelt_key_fails_at_load_naming_it_and_the_key_meant(cfg, key, meant):
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    message = str(err.value)
    assert "\n" not in message
    assert f"unknown key {key} (did you mean {meant}?)" in message


@pytest.mark.parametrize("cfg,key", MISTYPED, ids=[m[1] for m in MISTYPED])
def test_a_mistyped_value_fails_at_load_naming_its_key(cfg, key):
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"config: {key} ")


def test_a_misspelt_key_in_a_dataset_declaration_fails_naming_it(tmp_path):
    from briefsum.errors import EvalDataError
    from briefsum.evaluation.data import dataset_specs

    path = tmp_path / "datasets.yaml"
    path.write_text("mine:\n  task: summarisation\n  format: jsonl\n  files: {test: t.jsonl}\n"
                    "  refrences: {brief: {field: summary}}\n", encoding="utf-8")
    with pytest.raises(EvalDataError, match=r"unknown key mine\.refrences \(did you mean mine\.references\?\)"):
        dataset_specs(path)


def test_settings_are_typed_frozen_and_built_once_when_the_config_loads(tmp_path):
    import dataclasses

    path = tmp_path / "conf.yaml"
    path.write_text("neural:\n  batch_size: 8\n  reuse_memory: off\n  cache_dir: hub\n"
                    "engine:\n  offline:\n    model_path: my.npz\n    headline_label: off\n", encoding="utf-8")
    settings = load_config(str(path)).settings
    assert settings.neural.batch_size == 8 and settings.neural.summary_batch_size is None  # auto
    assert settings.neural.reuse_memory == "off"  # YAML's boolean off, as the word
    assert settings.neural.cache_dir == tmp_path / "hub"  # relative to the config file's folder
    assert settings.offline.model_path == tmp_path / "my.npz"
    assert settings.offline.headline_label is None
    assert [g.name for g in settings.grades] == ["headline", "brief", "summary", "detailed"]
    assert settings.apertium.routes["fr-en"] == ("fr-es", "spa-eng")
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.neural.batch_size = 4
    with pytest.raises(TypeError):
        settings.apertium.routes["xx-en"] = ("x",)


def test_a_bad_neural_setting_fails_before_any_model_loads(monkeypatch):
    import briefsum
    from briefsum.engines.neural import loading

    def refuse(*args, **kwargs):
        raise AssertionError("a model was loaded")

    monkeypatch.setattr(loading, "load_model", refuse)
    with pytest.raises(ConfigError, match="config: neural.faithfulness must be one of warn, fallback, off"):
        briefsum.summarise("Le gouvernement a annoncé une réforme des retraites lundi à Paris.", lang="fr",
                           engine="neural", config={"neural": {"faithfulness": "strict"}})


def test_a_config_pickles_and_copies_with_its_settings():
    import copy
    import pickle

    cfg = load_config({"neural": {"batch_size": 8}})
    for clone in (pickle.loads(pickle.dumps(cfg)), copy.deepcopy(cfg)):
        assert clone.settings == cfg.settings
        assert clone.settings.neural.batch_size == 8
        assert dict(clone.settings.models.tasks) == dict(cfg.settings.models.tasks)
    with pytest.raises(TypeError):
        cfg.settings.models.tasks["translation"] = {}


def test_empty_and_null_values_that_mean_unset_are_accepted():
    cfg = load_config({"neural": {"cache_dir": "", "fast_cache_dir": "", "summary_window": None},
                       "service": {"cors_origins": None, "api_keys_file": ""}})
    n, s = cfg.settings.neural, cfg.settings.service
    assert (n.cache_dir, n.fast_cache_dir, n.summary_window) == (None, None, 64)
    assert (s.cors_origins, s.api_keys_file) == ((), None)
    with pytest.raises(ConfigError, match="neural.summary_window must be an integer from 1 or null, got 0"):
        load_config({"neural": {"summary_window": 0}})
