"""Proposal strategies: pure functions from a campaign's definition and experiments to a batch."""

from nfpopt.recommend.initial import propose_space_filling

__all__ = ["propose_space_filling"]
