"""Proposal strategies: pure functions from a campaign's definition and experiments to a batch.

:func:`propose` runs any strategy by name; :mod:`nfpopt.recommend.bayes` is nfpopt's own
recommender, :mod:`nfpopt.recommend.optuna_strategies` wraps Optuna's samplers for comparison.
"""

from nfpopt.recommend.initial import propose_space_filling
from nfpopt.recommend.strategies import Proposer, propose, proposer

__all__ = ["Proposer", "propose", "propose_space_filling", "proposer"]
