"""Settings: what a configuration may hold (schema) and the typed, frozen settings built from it (areas)."""

from .areas import (ApertiumSettings, LanguageSettings, Limits, Models, NeuralSettings, OfflineSettings,
                    ServiceLimits, Settings, build_settings, thaw)
from .schema import check_config, unknown_key_message

__all__ = ["ApertiumSettings", "LanguageSettings", "Limits", "Models", "NeuralSettings", "OfflineSettings",
           "ServiceLimits", "Settings", "build_settings", "check_config", "thaw", "unknown_key_message"]
