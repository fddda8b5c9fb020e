"""The neural engine (pip install 'briefsum[neural]'): seq2seq models through transformers or CTranslate2.

One module per job: device.py (device, dtype, memory reuse), capabilities.py (which transformers fast paths hold
for a model), fast_attention.py and lean_beam.py (those fast paths), notices.py (what transformers says), model.py
(the wrapper every backend shares), transformers_backend.py and ct2.py (the backends), loading.py (loading a
registry entry, once per process), translator.py, summariser.py, planning.py and engine.py.

Importing this package imports neither torch nor transformers; loading a model does.
"""

from .engine import NeuralEngine
from .loading import load_model
from .model import Generated, Seq2Seq
from .planning import STRATEGIES, plan
from .summariser import NeuralSummariser
from .translator import NeuralTranslator, TranslationRun

__all__ = ["NeuralEngine", "NeuralSummariser", "NeuralTranslator", "TranslationRun", "Generated", "Seq2Seq",
           "STRATEGIES", "load_model", "plan"]
