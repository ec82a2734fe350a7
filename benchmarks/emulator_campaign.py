"""Simulated campaigns on the paper-calibrated emulator: how many furnace runs each strategy needs.

Every run is one strategy on one scenario (start from the paper's Cell A alone or from a small
space-filling design; with or without measurement noise) and one seed. Runs are independent
jobs dispatched through joblib (local processes, or a Dask/Ray cluster through joblib's
backend), each deterministic for its seed. Recipes are scored with the emulator's noise-free
truth: the hypervolume (reference 1000 ohm, 0 mAh/g) of the sintered recipes found so far,
against the attainable maximum of a dense search of the emulator.

The lab is the paper-calibrated emulator (``Run.lab == -1``) or one of a family of labs whose
fitted constants differ from the paper's (``Run.lab >= 1``, :mod:`benchmarks.labs`), each
scored against its own attainable maximum.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import labs as lab_family
from nfpopt.definition import CampaignDefinition, load_definition
from nfpopt.emulator import DEFAULT_PARAMETERS, EmulatorParameters, emulate
from nfpopt.objectives import utility_matrix
from nfpopt.paper import paper_cells
from nfpopt.scoring import hypervolume
from nfpopt.simulate import SimulationResult, simulate_campaign
from nfpopt.space import CategoricalParameter, ContinuousParameter

DEFINITION = Path("campaigns/nfp_rate.toml")
REFERENCE = (1000.0, 0.0)  # ohm, mAh/g: the hypervolume's reference point (issue 8)
CELL_D = (181.0, 50.2)  # the paper's best cell: internal resistance (ohm), 2 C capacity (mAh/g)
STARTS = ("cell_a", "design")
NOISES = (0.0, 0.03)
NFPOPT_STRATEGIES = ("random", "sobol", "tpe", "nsga2", "bayes", "physics", "bayes_extra_trees")
PEER_STRATEGIES = ("baybe", "ax")
PEER_VARIANTS = ("baybe_repair", "ax_repair")
CHECKPOINTS = (12, 24, 48)
OBJECTIVE_COLUMNS = ("internal_resistance_ohm", "capacity_2c_mah_g")
CALIBRATED = -1  # ``Run.lab`` of the paper-calibrated emulator
LAB_SEED_STRIDE = 1000  # a lab run's campaign seed is ``seed + 1000 * lab``: every run its own


@dataclass(frozen=True)
class Run:
    """One simulated campaign: a strategy, a starting point, a noise level, a seed and a lab
    (:data:`CALIBRATED` for the paper-calibrated emulator, else an index of :mod:`benchmarks.labs`)."""

    strategy: str
    start: str
    noise: float
    seed: int
    n_experiments: int
    lab: int = CALIBRATED

    @property
    def campaign_seed(self) -> int:
        """Added to the campaign file's seed (the optimiser's seed): the run's seed, offset per lab."""
        return self.seed if self.lab == CALIBRATED else self.seed + LAB_SEED_STRIDE * self.lab


def runs(
    strategies: Sequence[str],
    seeds: int,
    n_experiments: int,
    starts=STARTS,
    noises=NOISES,
    labs: Sequence[int] = (CALIBRATED,),
    first_seed: int = 0,
) -> list[Run]:
    """Every combination, seeds ``first_seed`` to ``first_seed + seeds - 1``, slow strategies
    first so the pool does not end on a long tail."""
    fast = {"random", "sobol", "tpe", "nsga2"}
    order = sorted(strategies, key=lambda s: s in fast)
    return [
        Run(s, start, noise, seed, n_experiments, index)
        for s in order
        for index in labs
        for seed in range(first_seed, first_seed + seeds)
        for start in starts
        for noise in noises
    ]


def lab_parameters(index: int) -> EmulatorParameters:
    """The emulator constants of lab ``index`` (:data:`CALIBRATED`: the paper's)."""
    return DEFAULT_PARAMETERS if index == CALIBRATED else lab_family.lab(index)


# -- one campaign -------------------------------------------------------------------------------
def starting_experiments(
    definition: CampaignDefinition, start: str, noise: float, seed: int, params: EmulatorParameters | None = None
) -> pd.DataFrame:
    """The experiments known before the first proposal, recipes and measured outcomes.

    ``cell_a``: the paper's Cell A (its published outcomes; in another lab, ``params``, Cell A's
    recipe as that lab measures it with ``noise``). ``design``: the campaign's
    ``initial_design_size`` scrambled Sobol recipes, measured by the emulator with ``noise``.
    """
    if start == "cell_a":
        cell_a = paper_cells().loc[["A"]].reset_index()
        if params is None:
            return cell_a
        recipes = cell_a[["cell", *definition.space.names]]
    elif start == "design":
        recipes = definition.space.sample(definition.initial_design_size, seed=10_000 + seed, method="sobol")
    else:
        raise ValueError(f"unknown start {start!r}; use one of {list(STARTS)}")
    measured = emulate(recipes, noise=noise, seed=20_000 + seed, params=params or DEFAULT_PARAMETERS)
    return pd.concat([recipes.reset_index(drop=True), measured], axis=1)


def strategy_proposer(name: str) -> Callable:
    """nfpopt's strategy ``name`` or a peer's (``baybe``, ``ax``), as ``propose(definition, table, q)``."""
    if name in (*PEER_STRATEGIES, *PEER_VARIANTS):
        from benchmarks.peers import peer_proposer

        return peer_proposer(name)
    from nfpopt.recommend.strategies import proposer

    return proposer(name)


@dataclass(frozen=True)
class SimulatedRun:
    """A run's simulation, the noise-free truth of its prior experiments and its wall time (s)."""

    result: SimulationResult
    prior_truth: pd.DataFrame
    seconds: float


def simulate_run(run: Run, definition: CampaignDefinition, propose: Callable | None = None) -> SimulatedRun:
    """Simulate ``run`` in its lab with ``propose`` (default: the run's strategy)."""
    params = lab_parameters(run.lab)
    seed = run.campaign_seed
    prior = starting_experiments(definition, run.start, run.noise, seed, None if run.lab == CALIBRATED else params)
    space = definition.space
    prior_truth = emulate(space.with_derived(prior[list(space.names)]), params=params)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        result = simulate_campaign(
            definition,
            prior,
            n_experiments=run.n_experiments,
            noise=run.noise,
            seed=seed,
            database=Path(folder) / "campaign.sqlite",
            propose=propose or strategy_proposer(run.strategy),
            truth_parameters=params,
        )
    return SimulatedRun(result, prior_truth, time.perf_counter() - started)


def run_campaign(run: Run, definition: CampaignDefinition) -> pd.DataFrame:
    """Simulate ``run``; one row per new experiment with its truth and the hypervolume so far."""
    simulated = simulate_run(run, definition)
    truth = simulated.result.truth.reset_index(drop=True)
    sintered = truth["sintered"].astype(bool).to_numpy()
    rows = pd.DataFrame(
        {
            "strategy": run.strategy,
            "start": run.start,
            "noise": run.noise,
            "seed": run.seed,
            "lab": run.lab,
            "experiment": np.arange(1, len(truth) + 1),
            "sintered": sintered,
            "internal_resistance_ohm": truth["internal_resistance_ohm"].where(sintered),
            "capacity_2c_mah_g": truth["capacity_2c_mah_g"].where(sintered),
        }
    )
    rows["hypervolume"] = hypervolume_curve(simulated.prior_truth, rows, definition)
    rows["campaign_seconds"] = simulated.seconds
    return rows


def hypervolume_curve(prior_truth: pd.DataFrame, rows: pd.DataFrame, definition: CampaignDefinition) -> np.ndarray:
    """Hypervolume of the sintered truth of the prior plus the first ``k`` experiments, for every ``k``."""
    known = prior_truth[prior_truth["sintered"].astype(bool)][list(OBJECTIVE_COLUMNS)]
    curve = []
    for k in range(1, len(rows) + 1):
        found = rows.iloc[:k]
        table = pd.concat([known, found[found["sintered"]][list(OBJECTIVE_COLUMNS)]], ignore_index=True)
        curve.append(hypervolume(table, definition.objectives, REFERENCE))
    return np.array(curve)


# -- the attainable maximum ---------------------------------------------------------------------
def pareto_mask(points: np.ndarray) -> np.ndarray:
    """Rows of ``points`` (utilities, larger is better) that no other row dominates."""
    keep = np.ones(len(points), dtype=bool)
    for i, point in enumerate(points):
        if keep[i]:
            dominated = np.all(points <= point, axis=1) & np.any(points < point, axis=1)
            keep &= ~dominated
    return keep


def _to_unit(space, recipes: pd.DataFrame) -> np.ndarray:
    columns = []
    for p in space.free:
        if isinstance(p, ContinuousParameter):
            columns.append((recipes[p.name].astype(float) - p.lower) / (p.upper - p.lower))
        elif isinstance(p, CategoricalParameter):
            index = recipes[p.name].map({v: i for i, v in enumerate(p.values)}).astype(float)
            columns.append((index + 0.5) / len(p.values))
    return np.column_stack(columns)


def dense_search(
    definition: CampaignDefinition,
    *,
    n_sobol: int = 1 << 16,
    rounds: int = 4,
    seed: int = 0,
    params: EmulatorParameters = DEFAULT_PARAMETERS,
):
    """The emulator's Pareto front: scrambled Sobol recipes, then Gaussian refinement around the front.

    ``params``: the lab's emulator constants (default: the paper-calibrated emulator).
    """
    space = definition.space
    rng = np.random.default_rng(seed)
    recipes = space.sample(n_sobol, seed=seed, method="sobol")
    table = pd.concat([recipes.reset_index(drop=True), emulate(recipes, params=params)], axis=1)
    for sigma in np.geomspace(0.05, 0.005, rounds):
        front = _front(table, definition)
        unit = _to_unit(space, front)
        cloud = np.repeat(unit, max(1, 8192 // len(unit)), axis=0)
        cloud = np.clip(cloud + rng.normal(0.0, sigma, cloud.shape), 0.0, 1.0 - 1e-9)
        for j, p in enumerate(space.free):  # keep each point's category; jitter moves only numbers
            if isinstance(p, CategoricalParameter):
                cloud[:, j] = np.repeat(unit[:, j], len(cloud) // len(unit))
        candidates = space.with_derived(space.from_unit(cloud))
        candidates = candidates[space.feasible(candidates)].reset_index(drop=True)
        measured = pd.concat([candidates, emulate(candidates, params=params)], axis=1)
        table = pd.concat([table, measured], ignore_index=True)
    return _front(table, definition)


def _front(table: pd.DataFrame, definition: CampaignDefinition) -> pd.DataFrame:
    sintered = table[table["sintered"].astype(bool)].reset_index(drop=True)
    points = utility_matrix(sintered, definition.objectives)
    return sintered[pareto_mask(points)].reset_index(drop=True)


def attainable_hypervolume(
    definition: CampaignDefinition,
    cache: Path | None = None,
    *,
    params: EmulatorParameters = DEFAULT_PARAMETERS,
    n_sobol: int = 1 << 16,
) -> float:
    """The attainable maximum hypervolume, computed once by :func:`dense_search` and cached as JSON.

    Other ``params`` than the paper's are stored in the cache beside the value; a cache whose
    stored constants differ from ``params`` is recomputed (a cache with none is the paper's).
    """
    constants = None if params == DEFAULT_PARAMETERS else asdict(params)
    if cache is not None and cache.exists():
        record = json.loads(cache.read_text())
        if record.get("parameters") == constants:
            return float(record["hypervolume"])
    front = dense_search(definition, n_sobol=n_sobol, params=params)
    value = hypervolume(front, definition.objectives, REFERENCE)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "hypervolume": value,
            "reference": list(REFERENCE),
            "search": f"2^{n_sobol.bit_length() - 1} scrambled Sobol recipes + 4 rounds of Gaussian refinement"
            " around the front",
            **({"parameters": constants} if constants is not None else {}),
            "front": front[[*definition.space.names, *OBJECTIVE_COLUMNS]].to_dict(orient="records"),
        }
        cache.write_text(json.dumps(record, indent=1, default=str))
    return value


# -- dispatch ---------------------------------------------------------------------------------
@contextmanager
def parallel_backend(backend: str, scheduler: str | None = None) -> Iterator[None]:
    """joblib's backend: ``loky`` (local processes), ``dask`` (a distributed cluster) or ``ray``."""
    import joblib

    if backend == "loky":
        yield
        return
    if backend == "dask":
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as error:
            raise SystemExit("the dask backend needs `pip install 'nfpopt[bench]'` (dask[distributed])") from error
        cluster = None if scheduler else LocalCluster(n_workers=2, threads_per_worker=1, processes=True)
        with Client(scheduler or cluster), joblib.parallel_config(backend="dask"):
            yield
        if cluster is not None:
            cluster.close()
        return
    if backend == "ray":
        try:
            import ray
            from ray.util.joblib import register_ray
        except ImportError as error:
            raise SystemExit("the ray backend needs `pip install 'nfpopt[ray]'`") from error
        started = not ray.is_initialized()
        if started:  # join the cluster at ``scheduler`` (e.g. ray://host:10001) or start a local one
            ray.init(address=scheduler, include_dashboard=False, log_to_driver=False)
        register_ray()
        try:
            with joblib.parallel_config(backend="ray"):
                yield
        finally:
            if started:
                ray.shutdown()
        return
    raise SystemExit(f"unknown backend {backend!r}; use loky, dask or ray")


def _run_job(run: Run, definition_path: str) -> pd.DataFrame:
    import torch

    torch.set_num_threads(1)
    return run_campaign(run, load_definition(definition_path))


def sweep(
    plan: Iterable[Run],
    *,
    definition_path: Path = DEFINITION,
    jobs: int = -1,
    backend: str = "loky",
    scheduler: str | None = None,
    on_done: Callable[[Run, pd.DataFrame], None] | None = None,
) -> pd.DataFrame:
    """Run every campaign of ``plan`` through joblib; results in plan order whatever finishes first."""
    from joblib import Parallel, delayed

    plan = list(plan)
    results: dict[int, pd.DataFrame] = {}
    with parallel_backend(backend, scheduler):
        # Ray's joblib backend returns only whole lists: its results arrive all at once, at the end.
        parallel = Parallel(n_jobs=jobs, return_as="list" if backend == "ray" else "generator_unordered")
        tagged = parallel(delayed(_tagged)(i, run, str(definition_path)) for i, run in enumerate(plan))
        for i, frame in tagged:
            results[i] = frame
            if on_done is not None:
                on_done(plan[i], frame)
    return pd.concat([results[i] for i in range(len(plan))], ignore_index=True)


def _tagged(i: int, run: Run, definition_path: str) -> tuple[int, pd.DataFrame]:
    return i, _run_job(run, definition_path)


# -- metrics ------------------------------------------------------------------------------------
def experiments_to_fraction(curve: pd.Series | np.ndarray, maximum: float, fraction: float = 0.9) -> float:
    """First experiment count at which ``curve`` (hypervolume after 1, 2, ... experiments) reaches
    ``fraction * maximum``; ``inf`` if it never does (0 if the prior alone already does)."""
    values = np.asarray(curve, float)
    hits = np.flatnonzero(values >= fraction * maximum)
    return float(hits[0] + 1) if len(hits) else float("inf")


def median_iqr(values: Iterable[float]) -> tuple[float, float, float]:
    """Median and the interquartile range's ends (25th, 75th percentile)."""
    array = np.asarray(list(values), float)
    if not len(array):
        return (float("nan"),) * 3
    q25, q50, q75 = np.percentile(array, [25, 50, 75])
    return float(q50), float(q25), float(q75)


def dominates(resistance_ohm: float, capacity_mah_g: float, cell: tuple[float, float] = CELL_D) -> bool:
    """True if a recipe is at least as good as ``cell`` on both objectives and better on one."""
    if not (np.isfinite(resistance_ohm) and np.isfinite(capacity_mah_g)):
        return False
    no_worse = resistance_ohm <= cell[0] and capacity_mah_g >= cell[1]
    return bool(no_worse and (resistance_ohm < cell[0] or capacity_mah_g > cell[1]))


def cell_d_share(maximum: float) -> float:
    """Cell D's own hypervolume as a percentage of ``maximum``."""
    return 100.0 * (REFERENCE[0] - CELL_D[0]) * (CELL_D[1] - REFERENCE[1]) / maximum


def per_run(results: pd.DataFrame, maximum: float | Mapping[int, float]) -> pd.DataFrame:
    """One row per run: experiments to 90 %, hypervolume at the checkpoints, best truth, failures.

    ``maximum``: the attainable maximum, or one per lab (``{lab: maximum}``; rows without a
    ``lab`` column are the calibrated emulator's).
    """
    results = with_lab(results)
    keys = ["strategy", "start", "noise", "seed", "lab"]
    rows = []
    for key, run in results.groupby(keys, sort=False):
        run = run.sort_values("experiment")
        hv = run["hypervolume"].to_numpy()
        row = dict(zip(keys, key, strict=True))
        maximum_here = maximum[row["lab"]] if isinstance(maximum, Mapping) else maximum
        row["maximum"] = maximum_here
        row["experiments"] = len(run)
        row["to_90pct"] = experiments_to_fraction(hv, maximum_here)
        for n in CHECKPOINTS:
            row[f"hv_{n}"] = hv[n - 1] / maximum_here if len(hv) >= n else np.nan
        row["best_resistance_ohm"] = run["internal_resistance_ohm"].min()
        row["best_capacity_2c_mah_g"] = run["capacity_2c_mah_g"].max()
        row["failed_fraction"] = 1.0 - run["sintered"].mean()
        row["dominates_cell_d"] = any(
            dominates(r, c) for r, c in zip(run["internal_resistance_ohm"], run["capacity_2c_mah_g"], strict=True)
        )
        row["campaign_seconds"] = run["campaign_seconds"].iloc[0]
        rows.append(row)
    return pd.DataFrame(rows)


def with_lab(results: pd.DataFrame) -> pd.DataFrame:
    """``results`` with an integer ``lab`` column; sweeps stored before labs existed are :data:`CALIBRATED`."""
    lab_column = results["lab"] if "lab" in results else pd.Series(CALIBRATED, index=results.index)
    return results.assign(lab=lab_column.fillna(CALIBRATED).astype(int))


def _fmt_iqr(values: pd.Series, scale: float = 1.0, digits: int = 2) -> str:
    values = values.dropna()
    if not len(values):
        return "–"
    median, q25, q75 = median_iqr(values * scale)
    return f"{median:.{digits}f} [{q25:.{digits}f}, {q75:.{digits}f}]"


def _fmt_count(values: pd.Series, budget: int) -> str:
    """Median [IQR] of experiment counts; runs that never got there count as ``budget + 1``."""
    median, q25, q75 = median_iqr(np.minimum(values.to_numpy(float), budget + 1))

    def one(v: float) -> str:
        return f">{budget}" if v > budget else f"{v:.0f}"

    return f"{one(median)} [{one(q25)}, {one(q75)}]"


def canonical_order(table: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by start (Cell A first), noise, then strategy (baselines, nfpopt, peers)."""
    known = [*NFPOPT_STRATEGIES, *PEER_STRATEGIES, *PEER_VARIANTS]
    rank = {name: i for i, name in enumerate(known)}
    keys = pd.DataFrame(
        {
            "start": table["start"].map({s: i for i, s in enumerate(STARTS)}).fillna(len(STARTS)),
            "noise": table["noise"],
            "strategy": table["strategy"].map(lambda n: rank.get(n, len(known))),
        }
    )
    return table.loc[keys.sort_values(["start", "noise", "strategy"], kind="stable").index]


def summary(runs_table: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and strategy: medians and IQRs over seeds, as display strings."""
    rows = []
    for (start, noise, strategy), group in canonical_order(runs_table).groupby(
        ["start", "noise", "strategy"], sort=False
    ):
        budget = int(group["experiments"].max())
        row = {"start": start, "noise": noise, "strategy": strategy, "seeds": len(group)}
        row["experiments to 90 % HV"] = _fmt_count(group["to_90pct"], budget)
        for n in CHECKPOINTS:
            row[f"HV@{n} (% of max)"] = _fmt_iqr(group[f"hv_{n}"], 100.0, 0)
        row["best R (ohm)"] = _fmt_iqr(group["best_resistance_ohm"], digits=0)
        row["best 2 C (mAh/g)"] = _fmt_iqr(group["best_capacity_2c_mah_g"], digits=1)
        row["failed to sinter"] = f"{100 * group['failed_fraction'].mean():.0f} %"
        row["beats Cell D"] = f"{int(group['dominates_cell_d'].sum())}/{len(group)}"
        row["s / campaign"] = f"{group['campaign_seconds'].median():.0f}"
        rows.append(row)
    return pd.DataFrame(rows)


def code_version() -> str:
    """The repository's commit, with ``+uncommitted`` when the working tree differs from it."""
    import subprocess

    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "nfpopt"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "an unknown commit"
    return commit.stdout.strip() + (" +uncommitted changes in nfpopt/" if dirty.stdout.strip() else "")


def markdown_table(frame: pd.DataFrame) -> str:
    """A GitHub markdown table (no tabulate dependency)."""
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def replace_section(path: Path, name: str, body: str) -> None:
    """Put ``body`` between ``<!-- name:begin -->`` and ``<!-- name:end -->`` in ``path``."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    text = path.read_text() if path.exists() else f"{begin}\n{end}\n"
    if begin not in text:
        text += f"\n{begin}\n{end}\n"
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.DOTALL)
    path.write_text(pattern.sub(lambda _: f"{begin}\n{body}\n{end}", text))


def markdown_report(runs_table: pd.DataFrame) -> str:
    """One table per scenario (start x noise), strategies as rows."""
    table = summary(runs_table)
    parts = []
    for (start, noise), group in table.groupby(["start", "noise"], sort=False):
        label = "Cell A alone" if start == "cell_a" else "a small Sobol design"
        parts.append(
            f"#### Start: {label}; noise {noise:g}\n\n" + markdown_table(group.drop(columns=["start", "noise"]))
        )
    return "\n\n".join(parts)


def plot(results: pd.DataFrame, maximum: float | Mapping[int, float], path: Path) -> None:
    """Median hypervolume (share of the attainable maximum, or of each run's lab's) against
    experiments, one panel per scenario, runs of every lab pooled."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = with_lab(canonical_order(results))
    maxima = results["lab"].map(maximum) if isinstance(maximum, Mapping) else maximum
    run_key = results["lab"].astype(str) + ":" + results["seed"].astype(str)
    results = results.assign(share=results["hypervolume"] / maxima, run=run_key)
    scenarios = list(results.groupby(["start", "noise"], sort=False).groups)
    fig, axes = plt.subplots(1, len(scenarios), figsize=(4.2 * len(scenarios), 3.6), sharey=True, squeeze=False)
    for ax, (start, noise) in zip(axes[0], scenarios, strict=True):
        scenario = results[(results["start"] == start) & (results["noise"] == noise)]
        for strategy, group in scenario.groupby("strategy", sort=False):
            curves = group.pivot_table(index="experiment", columns="run", values="share")
            (line,) = ax.plot(curves.index, curves.median(axis=1), label=strategy)
            ax.fill_between(
                curves.index,
                curves.quantile(0.25, axis=1),
                curves.quantile(0.75, axis=1),
                color=line.get_color(),
                alpha=0.15,
            )
        ax.axhline(0.9, color="grey", lw=0.8, ls="--")
        ax.set_title(f"{'Cell A' if start == 'cell_a' else 'Sobol design'}, noise {noise:g}")
        ax.set_xlabel("experiments")
    axes[0][0].set_ylabel("hypervolume / attainable max")
    axes[0][-1].legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
