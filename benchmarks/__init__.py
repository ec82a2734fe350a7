"""Benchmarks for nfpopt (not part of the installed package): ``python -m benchmarks --help``.

Emulator campaigns and proposal speed (docs/benchmarks.md):

* :mod:`benchmarks.emulator_campaign`: the paper's campaign simulated per strategy, start,
  noise level and seed; joblib jobs on local cores or a Dask cluster; tables and plot;
* :mod:`benchmarks.peers`: BayBE and Ax behind nfpopt's strategy signature (``bench`` extra);
* :mod:`benchmarks.speed`: latency of one batch of 4 at 10 / 50 / 200 experiments.

Pool-based real data, Liang et al. 2021 (docs/benchmarks_liang2021.md):

* :mod:`benchmarks.pool`: the generic pool-based active-learning loop and ``Strategy`` protocol;
* :mod:`benchmarks.metrics`: Top%, fold aggregation, enhancement and acceleration factors;
* :mod:`benchmarks.strategies`, :mod:`benchmarks.gp`: random-forest, GP (BoTorch) and random
  baselines, and nfpopt's GP in the same loop;
* :mod:`benchmarks.gpy_reference`: the notebooks' GP run with GPy itself, as a check;
* :mod:`benchmarks.predictability`: how well cross-validated models rank the top set;
* :mod:`benchmarks.liang2021`: data, seeds and CLI (``python -m benchmarks liang2021 --help``);
* :mod:`benchmarks.report`: CSV, markdown and PNG outputs.
"""
