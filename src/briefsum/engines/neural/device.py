"""Where a model runs and at which precision: torch device, dtype, and the C library's memory reuse on CPU.

torch is imported inside the functions, only when a model is about to load."""

from __future__ import annotations

from typing import Any

from ...errors import ConfigError, ModelUnavailable


def pick_device(name: str | None = "auto") -> str:
    """The torch device to use: cuda, then mps, then cpu for 'auto'."""
    import torch

    name = (name or "auto").lower()
    if name != "auto":
        if name.startswith("cuda") and not torch.cuda.is_available():
            raise ModelUnavailable(f"neural.device is {name} but CUDA is not available here (use auto or cpu)")
        return name
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def cpu_computes_bf16() -> bool:
    """True when this CPU multiplies bfloat16 in hardware (AVX512-BF16: Intel Cooper Lake and later, whose AMX
    tiles add more, and AMD Zen 4 and later): there a bfloat16 BART runs about twice as fast as float32 or more;
    elsewhere bfloat16 is emulated and slower."""
    import torch

    cpu = getattr(torch, "cpu", None)
    try:
        return bool(cpu._is_avx512_bf16_supported())  # type: ignore[union-attr]
    except (AttributeError, RuntimeError):
        return False


def pick_dtype(name: str | None, device: str, task: str = "translation") -> Any:
    """The torch dtype: bfloat16 (else float16) on a GPU; on CPU float32, or bfloat16 for summarisation models
    where the CPU computes bfloat16 in hardware; unless set."""
    import torch

    name = (name or "auto").lower()
    table = {"float32": torch.float32, "fp32": torch.float32, "bfloat16": torch.bfloat16, "bf16": torch.bfloat16,
             "float16": torch.float16, "fp16": torch.float16}
    if name != "auto":
        if name not in table:
            raise ConfigError(f"config: neural.dtype must be auto, float32, bfloat16 or float16, got {name!r}")
        return table[name]
    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device == "mps":
        return torch.float16
    if task == "summarisation" and device == "cpu" and cpu_computes_bf16():
        return torch.bfloat16
    return torch.float32


MALLOC_TUNED: list[bool] = []


def reuse_freed_memory() -> bool:
    """Ask the C library (glibc) to keep freed large blocks for reuse instead of returning them to the system.

    A CPU decoding step allocates several tensors of rows x vocabulary floats (tens of MB each); glibc serves
    anything over 32 MB with a fresh mmap and unmaps it when freed, so every step pays page faults on memory it
    just gave back: half the time of a log-softmax over a 60,000-word vocabulary (BENCH.md). Setting the mmap
    and trim thresholds high makes those blocks come from, and go back to, the heap. Process-wide and once;
    the cost is that the process keeps its peak memory. Returns whether it took effect (False off glibc)."""
    if MALLOC_TUNED:
        return MALLOC_TUNED[0]
    import ctypes
    import sys

    ok = False
    if sys.platform.startswith("linux"):
        try:
            mallopt = ctypes.CDLL(None).mallopt  # the process's own C library
            mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
            m_trim_threshold, m_mmap_threshold = -1, -3
            ok = mallopt(m_mmap_threshold, 1 << 30) == 1 and mallopt(m_trim_threshold, (1 << 31) - 1) == 1
        except (OSError, AttributeError):
            ok = False
    MALLOC_TUNED.append(ok)
    return ok

