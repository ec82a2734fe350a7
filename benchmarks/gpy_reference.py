"""The notebook's own GP, run with GPy itself: the reference for checking the harness.

:class:`benchmarks.gp.GaussianProcessStrategy` rebuilds the Liang et al. GP in BoTorch. This
module runs the original library instead, as the public notebook (PV-Lab/Benchmarking at
7585c51, "Example use of framework with GP type surrogate models") does, so that a gap
between our baseline and the authors' stored runs can be told apart from a gap between
GPy and BoTorch. Per learning cycle, as in the notebook:

* ``StandardScaler`` refitted on the observed X, then (the same object) on the observed y;
* ``GPy.models.GPRegression(X, Y, kernel=Matern52(ARD) + Bias, noise_var=0.01)`` where the
  **kernel object is shared by every cycle of a run**, so each fit starts from the previous
  cycle's hyperparameters (GPy optimises the kernel in place);
* ``optimize_restarts(num_restarts=10, robust=True, optimizer='bfgs', max_iters=100)``;
* LCB / EI / PI on GPy's predictive mean and ``sqrt`` of its predictive variance (noise
  included), argmax with ties to the last candidate.

Differences from the notebook, all forced by running runs as independent jobs:

* the notebook also shared the kernel *between* its 50 runs (run k started from run k-1's
  final hyperparameters); here each run starts from GPy's defaults (variance 1, lengthscale
  1, bias variance 1);
* GPy draws its random restarts from NumPy's global generator, which the notebook never
  seeded; here it is seeded from the run's generator before every fit, so runs repeat;
* ``parallel=False`` in ``optimize_restarts`` (the same fits, one process);
* a fit that raises falls back to the previous cycle's model instead of ending the run
  (quirk c; the notebook's ``break`` would then fail its own ``assert len(index_) == N``).

GPy is an optional dependency (``pip install -e '.[bench]'``); building this strategy
without it raises :class:`ImportError` with that instruction.
"""

from __future__ import annotations

import warnings

import numpy as np

from benchmarks.gp import INITIAL_NOISE
from benchmarks.strategies import Acquisition, SurrogateStrategy

N_RESTARTS = 10
"""``optimize_restarts(num_restarts=10, ...)`` in the notebook."""


def _import_gpy():
    try:
        import GPy
    except ImportError as error:  # pragma: no cover - exercised only without the extra
        raise ImportError(
            "the gpy-* strategies run the Liang et al. notebook's GP with GPy itself; "
            "install it with: pip install -e '.[bench]'"
        ) from error
    return GPy


class GPyNotebookStrategy(SurrogateStrategy):
    """The notebook's GPy GP (Matern 5/2 + bias), warm-started from cycle to cycle.

    Args:
        acquisition: LCB, EI or PI (see :class:`benchmarks.strategies.Acquisition`).
        ard: one lengthscale per input (anisotropic) or one shared (isotropic).
        n_restarts: GPy ``optimize_restarts`` count (10 in the notebook).
        **flags: ``scale_candidates`` / ``raw_y_best``, the notebook quirks (a) / (b).
    """

    stateful = True
    """The kernel carries over from cycle to cycle, so a stopped run cannot be continued
    from its measurements alone (:mod:`benchmarks.liang_sweep` re-runs it instead)."""

    def __init__(self, acquisition: Acquisition, ard: bool, n_restarts: int = N_RESTARTS, **flags: bool) -> None:
        super().__init__(acquisition, **flags)
        self.ard = ard
        self.n_restarts = n_restarts
        self._gpy = _import_gpy()
        self._kernel = None
        self._model = None

    @property
    def surrogate_label(self) -> str:  # type: ignore[override]
        """``gpy-ard`` or ``gpy-iso``."""
        return "gpy-ard" if self.ard else "gpy-iso"

    def predict(
        self,
        X_train: np.ndarray,
        y_train: np.ndarray,
        X_test: np.ndarray,
        rng: np.random.Generator,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Refit GPy from the previous cycle's kernel and predict mean and std at ``X_test``."""
        gpy = self._gpy
        dims = X_train.shape[1]
        if self._kernel is None:
            self._kernel = gpy.kern.Matern52(dims, variance=1.0, ARD=self.ard) + gpy.kern.Bias(dims, variance=1.0)
        # GPy's restarts draw from NumPy's global generator; seed it from the run's.
        np.random.seed(int(rng.integers(2**31 - 1)))
        try:
            model = gpy.models.GPRegression(
                X=X_train, Y=y_train.reshape(-1, 1), kernel=self._kernel, noise_var=INITIAL_NOISE
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.optimize_restarts(
                    num_restarts=self.n_restarts, robust=True, optimizer="bfgs", max_iters=100, verbose=False
                )
            self._model = model
        except Exception as error:  # noqa: BLE001 - GPy raises LinAlgError, ValueError, ...
            if self._model is None:
                raise
            warnings.warn(f"GPy fit failed ({error!r}); re-using the previous cycle's model", stacklevel=2)
        mean, variance = self._model.predict(np.asarray(X_test, dtype=float))
        return mean[:, 0], np.sqrt(np.maximum(variance[:, 0], 0.0))
