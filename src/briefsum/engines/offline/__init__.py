"""The offline engine: sentence scoring (centrality, or the learned scorer and its features), the brief's
candidate sets, topic labels, and the extractive engine that fills the nested grade budgets."""

from .engine import ExtractiveEngine, make_scorer
from .scoring import CentralityScorer, Scores, SentenceScorer

__all__ = ["CentralityScorer", "ExtractiveEngine", "Scores", "SentenceScorer", "make_scorer"]
