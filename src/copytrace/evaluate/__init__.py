"""Quality on public corpora: loaders, metrics, honest calibration, and ``copytrace eval``.

>>> from copytrace.evaluate import evaluate
>>> report = evaluate("clough-stevenson", "../shared/eval/clough-stevenson")  # doctest: +SKIP
>>> print(report.render())                                                   # doctest: +SKIP
"""
from .datasets import GenericDataset, LabelledPair, SentencePair, load_clough_stevenson, load_generic, load_msrp
from .metrics import Classification, PairScores, adjusted_rand_index, classification, pair_scores
from .run import DATASETS, EvalReport, SystemResult, evaluate

__all__ = [
    "DATASETS",
    "EvalReport",
    "SystemResult",
    "evaluate",
    "load_clough_stevenson",
    "load_msrp",
    "load_generic",
    "LabelledPair",
    "SentencePair",
    "GenericDataset",
    "Classification",
    "PairScores",
    "classification",
    "adjusted_rand_index",
    "pair_scores",
]
