"""Benchmarks for nfpopt on published experimental data (not part of the installed package).

* :mod:`benchmarks.pool`: the generic pool-based active-learning loop and ``Strategy`` protocol;
* :mod:`benchmarks.metrics`: Top%, fold aggregation, enhancement and acceleration factors;
* :mod:`benchmarks.strategies`, :mod:`benchmarks.gp`: random-forest, GP and random baselines;
* :mod:`benchmarks.liang2021`: data, seeds and CLI of Liang et al. 2021
  (``python -m benchmarks.liang2021 --help``);
* :mod:`benchmarks.report`: CSV, markdown and PNG outputs.
"""
