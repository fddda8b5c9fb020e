"""briefsum's exceptions: one hierarchy, each with a message fit for one line."""

from __future__ import annotations


class BriefsumError(Exception):
    """Base class of every error briefsum raises on purpose."""

    #: Exit code the CLI uses for this error (2: the user's input or usage, 1: internal or environment).
    exit_code = 1


class InputError(BriefsumError, ValueError):
    """The input text or file cannot be processed (empty, binary, wrong encoding, too large)."""

    exit_code = 2


class EmptyInputError(InputError):
    """The input holds no text to summarise."""


class InputTooLargeError(InputError):
    """The input is larger than the configured maximum."""


class UnsupportedLanguageError(InputError):
    """A language code is not known or not supported for the requested operation."""


class UnknownGradeError(InputError):
    """A grade name is not defined in the configuration."""


class ConfigError(BriefsumError, ValueError):
    """A configuration file or value is invalid."""

    exit_code = 2


class ModelUnavailable(BriefsumError, RuntimeError):
    """A neural model cannot be loaded (not downloaded, no network, missing dependency)."""

    exit_code = 1


class BackendError(BriefsumError, RuntimeError):
    """An external backend (Apertium, a model) failed, hung or returned unusable output."""

    exit_code = 1


class BatchError(BriefsumError):
    """Some articles of a summarise_many call failed; the others' results are kept on the error.

    results: one entry per input, in order: its Brief, or the BriefsumError it met (a failed one).
    errors: {index: BriefsumError} for the inputs that failed.
    """

    exit_code = 1

    def __init__(self, message: str, results: list, errors: dict):
        super().__init__(message)
        self.results = results
        self.errors = errors


class EvalDataError(BriefsumError, ValueError):
    """An evaluation data file is missing or malformed."""

    exit_code = 2


class TimeLimitError(BriefsumError, TimeoutError):
    """A call ran past its wall-clock budget (limits.timeout_s) and was stopped between two steps."""

    exit_code = 2
