"""The campaign: a definition plus every experiment so far, kept in the store.

:class:`Campaign` owns the state; proposal strategies are pure functions of it. Each method
that writes is one store transaction, so a crash or a bad file never loses or half-writes a
result.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from nfpopt.definition import CampaignDefinition, parse_definition
from nfpopt.duplicates import Prior, already_imported
from nfpopt.exceptions import InputDataError
from nfpopt.experiments import finished, non_dominated
from nfpopt.objectives import utility_matrix
from nfpopt.results import ParsedResult, parse_results
from nfpopt.space.settable import MOVED
from nfpopt.store import CampaignRecord, ExperimentRecord, Result, Store

if TYPE_CHECKING:
    from nfpopt.surrogates.skill import Skill

#: Fits of a batch to try without holding the campaign's lock before fitting under it.
OPTIMISTIC_TRIES = 2

#: The key of a proposed experiment's prediction record that holds the model skill judged then.
MODEL_SKILL = "model_skill"
#: The key that holds what the strategy fitted then, where the next propose starts its fits
#: (:mod:`nfpopt.recommend.warm`).
MODEL_STATE = "model_state"


@dataclass(frozen=True)
class ImportReport:
    """What ``import`` did: the new experiment ids, the rows skipped and the columns ignored."""

    experiment_ids: list[int]
    skipped_rows: list[str]
    ignored_columns: list[str]


@dataclass(frozen=True)
class StoredSkill:
    """The model skill judged when batch ``batch`` was proposed, from ``results`` finished
    experiments: by outcome, :meth:`nfpopt.surrogates.skill.Skill.as_dict` of each model."""

    batch: int
    results: int
    models: dict[str, dict[str, object]]


@dataclass(frozen=True)
class CampaignStatus:
    """What a scientist asks after each batch: counts, the best so far, the Pareto set."""

    counts: dict[str, int]
    best: dict[str, dict[str, object]]
    pareto: pd.DataFrame
    experiments: pd.DataFrame


class Campaign:
    """A campaign stored in ``store``: its definition and its experiments."""

    def __init__(self, store: Store, definition: CampaignDefinition, record: CampaignRecord) -> None:
        self.store = store
        self.definition = definition
        self.record_ = record

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def create(cls, store: Store, definition: CampaignDefinition) -> Campaign:
        """Store a new campaign from its validated definition."""
        record = store.create_campaign(definition.name, definition.self_contained_text())
        return cls(store, definition, record)

    @classmethod
    def open(cls, store: Store, name: str | None = None) -> Campaign:
        """Open a stored campaign (``name=None``: the only one in the store)."""
        record = store.get_campaign(name)
        definition = parse_definition(record.definition, source=f"campaign '{record.name}'")
        return cls(store, definition, record)

    @property
    def name(self) -> str:
        return self.definition.name

    # -- reading ---------------------------------------------------------------------------
    def experiments(self, status: str | tuple[str, ...] | None = None) -> list[ExperimentRecord]:
        """Experiments of this campaign, optionally only those with ``status``."""
        return self.store.experiments(self.name, status=status)

    def table(self) -> pd.DataFrame:
        """One row per experiment: id, batch, status, parameters, outcomes, notes.

        Boolean outcomes (stored as 1/0) come back as True/False (missing stays missing).
        """
        table = self.store.to_frame(self.name)
        for spec in self.definition.outcomes:
            if spec.kind == "boolean" and spec.name in table:
                table[spec.name] = table[spec.name].map(lambda v: None if pd.isna(v) else bool(v)).astype(object)
        return table

    # -- writing ---------------------------------------------------------------------------
    def import_experiments(
        self, table: pd.DataFrame, *, source: str, recorded_by: str | None = None, allow_duplicates: bool = False
    ) -> ImportReport:
        """Add prior experiments (e.g. the paper's cells) with their recipes and outcomes.

        Columns that are neither parameters, outcomes, ``failure_reason`` nor ``notes`` are
        ignored (and listed). Rows are skipped (and listed) when they hold no recipe at all, or
        were made under other fixed conditions than this campaign's (e.g. another test
        temperature). Every other row must give every free parameter; it is validated like a
        results file, may lie outside the campaign's bounds, and lands as ``measured`` or
        ``failed``. All rows land in one transaction, or none. A row imported before (same
        recipe and outcomes, or same label from the same file) is skipped and listed, unless
        ``allow_duplicates``.
        """
        space = self.definition.space
        table = table.reset_index(drop=True).copy()
        label_column = next((c for c in ("cell", "name", "label") if c in table), None)
        skipped: list[str] = []
        keep_rows, labels = [], []
        for position, (_, row) in enumerate(table.iterrows(), start=1):
            label = f"row {position}" + (f" ({label_column} {row[label_column]})" if label_column else "")
            labels.append(label)
            if all(pd.isna(row.get(p.name)) for p in space.free):
                skipped.append(f"{label}: no recipe")
                continue
            other = [
                p.name
                for p in space.parameters
                if p.kind == "fixed"
                and p.name in table
                and not pd.isna(row[p.name])
                and p.check(row[p.name]) is not None
            ]
            if other:
                skipped.append(f"{label}: made under other fixed conditions ({', '.join(other)})")
                continue
            keep_rows.append(position - 1)
        table = table.iloc[keep_rows].reset_index(drop=True)
        for parameter in space.parameters:
            if parameter.kind == "fixed":
                table[parameter.name] = parameter.value  # type: ignore[union-attr]
        missing = [n for n in space.names if n not in table]
        if missing:
            raise InputDataError(f"{source}: missing parameter column(s) {missing}")
        used = [
            *space.names,
            *[n for n in space.derived_names if n in table],
            *[c for c in table.columns if c in self.definition.outcome_names],
            *[c for c in ("failure_reason", "notes") if c in table],
        ]
        ignored = [c for c in table.columns if c not in used and c != label_column]
        numbered = table[used].copy()
        numbered.insert(0, "experiment_id", range(1, len(table) + 1))
        lines = [index + 1 for index in keep_rows]  # errors name the row of the file, skipped rows counted
        parsed = (
            parse_results(numbered, self.definition, source=source, require_objectives=False, row_numbers=lines)
            if len(table)
            else []
        )
        labels = [labels[index] for index in keep_rows]
        priors = [self._prior(result, table, index, source, label_column) for index, result in enumerate(parsed)]
        with self.store.locked(self.name):  # two imports of one file at once: the second sees the first
            reasons = [None] * len(parsed) if allow_duplicates else already_imported(self.experiments(), priors)
            again = "pass --allow-duplicates to import it again"
            skipped += [f"{labels[i]}: {why}; {again}" for i, why in enumerate(reasons) if why]
            new = [i for i, why in enumerate(reasons) if why is None]
            ids = self._add_imported([parsed[i] for i in new], [priors[i] for i in new], source, recorded_by)
        return ImportReport(ids, skipped, ignored)

    def _prior(
        self, result: ParsedResult, table: pd.DataFrame, index: int, source: str, label_column: str | None
    ) -> Prior:
        """An imported row as it will be stored: the full recipe (derived columns filled in)."""
        if result.parameters_made is None:
            raise InputDataError(f"{source}: row {index + 1}: incomplete recipe")
        recipe = _plain(self.definition.space.with_derived(pd.DataFrame([result.parameters_made])).iloc[0].to_dict())
        label = f"imported from {source}, {label_column} {table[label_column].iloc[index]}" if label_column else None
        return Prior(recipe, _numeric(result.outcomes), label)

    def _add_imported(
        self, parsed: list[ParsedResult], priors: list[Prior], source: str, recorded_by: str | None
    ) -> list[int]:
        """Store imported rows as measured or failed experiments, noting where each came from."""
        if not parsed:
            return []
        notes = []
        for result, prior in zip(parsed, priors, strict=True):
            origin = prior.origin or f"imported from {source}"
            notes.append(f"{origin}; {result.notes}" if result.notes else origin)
        return self.store.add_experiments(
            self.name,
            [dict(p.recipe) for p in priors],
            status=["failed" if r.failure_reason else "measured" for r in parsed],
            source="imported",
            outcomes=[dict(p.outcomes) for p in priors],
            failure_reasons=[r.failure_reason for r in parsed],
            notes=notes,
            recorded_by=recorded_by,
        )

    def propose(
        self,
        batch_size: int | None = None,
        *,
        strategy: str | None = None,
        judge: bool = False,
        on_step: Callable[[str], None] | None = None,
    ) -> pd.DataFrame:
        """Propose the next batch with the campaign's strategy (or ``strategy``) and store it.

        Returns the stored batch (``experiment_id``, ``batch``, every parameter) with the
        strategy's explanation beside it: predicted outcomes and their sd, ``p_feasible`` and
        ``rationale`` (the same facts are kept with each experiment in the store).

        ``judge``: also cross-validate the models the strategy fits, on the same results
        (:meth:`judge_models`); the skill is stored with the batch, so that :meth:`stored_skill`
        (and ``nfpopt status``) read it without fitting a model, and returned in
        ``batch.attrs["model_skill"]``. ``on_step`` is told, in words, each slow step as it starts.
        """
        step = on_step or (lambda _text: None)
        size = batch_size or self.definition.batch_size
        name = strategy or self.definition.strategy
        # The batch is stored only if the experiments it was fitted on are still all there are,
        # checked under the campaign's lock: a second `propose` at the same moment sees this
        # batch as pending and fits again. The fit itself runs unlocked, so `record` need not
        # wait for it; a campaign that keeps changing is finally fitted under the lock.
        for _ in range(OPTIMISTIC_TRIES):
            fitted = self._fit(size, name, judge=judge, step=step)
            with self.store.locked(self.name):
                if _unchanged(fitted[0], self.table()):
                    return self._store_batch(*fitted)
        with self.store.locked(self.name):
            return self._store_batch(*self._fit(size, name, judge=judge, step=step))

    def _fit(
        self, size: int, strategy: str, *, judge: bool, step: Callable[[str], None]
    ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Skill] | None]:
        """The experiments read, the batch proposed from them (on the declared steps) and, with
        ``judge``, the models' skill; nothing is stored."""
        from nfpopt.recommend.strategies import propose  # torch loads only when a batch is proposed

        table = self.table()
        step(f"proposing {size} recipe(s) with {strategy} from {len(finished(table))} result(s)")
        raw = propose(self.definition, table, size, strategy=strategy, warm_start=self.stored_model_state())
        batch = self.settable(raw, table)
        batch.attrs["model_state"] = raw.attrs.get("model_state")
        skills = None
        if judge:
            step("judging the models on held-out results (cross-validation)")
            skills = self.judge_models(table, strategy)
        return table, batch, skills

    def _store_batch(self, table: pd.DataFrame, batch: pd.DataFrame, skills: dict[str, Skill] | None) -> pd.DataFrame:
        state = batch.attrs.get("model_state")
        stored = self.add_batch(batch, model_skill=skills, results=len(finished(table)), model_state=state)
        stored.attrs["model_skill"] = skills or {}
        return stored

    def settable(self, batch: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
        """A strategy's batch on the parameters' declared steps, every constraint still exact,
        with no recipe already tried or pending in ``table`` (:meth:`SearchSpace.settable`). A
        pool's recipes stay as they are: they are the samples on the shelf."""
        if self.definition.candidate_pool is not None:
            return batch
        taken = table[table["status"] != "abandoned"] if len(table) else table
        out = self.definition.space.settable(batch, taken)
        if "moved" in out:
            notes = out.pop("moved").map(lambda moved: f"; {MOVED}" if moved else "")
            out["rationale"] = out.get("rationale", pd.Series("", index=out.index)).astype(str) + notes
        return out

    def judge_models(self, table: pd.DataFrame | None = None, strategy: str | None = None) -> dict[str, Skill]:
        """The cross-validated skill of each model ``strategy`` (default: the campaign's) fits,
        by outcome (:func:`nfpopt.surrogates.skill.campaign_skill`); non-model strategies are
        judged with nfpopt's GP."""
        from nfpopt.surrogates.skill import MIN_FINISHED, campaign_skill

        table = self.table() if table is None else table
        surrogate = "gp"
        if len(finished(table)) >= MIN_FINISHED:  # below: answered without importing torch
            from nfpopt.recommend.strategies import _BAYES_SURROGATES  # the strategy -> surrogate table

            surrogate = _BAYES_SURROGATES.get(strategy or self.definition.strategy, "gp")
        return campaign_skill(self.definition, table, surrogate=surrogate, seed=self.definition.seed)

    def stored_skill(self) -> StoredSkill | None:
        """The model skill judged at the newest proposal that judged it, or None (read from the
        store: no model is fitted)."""
        judged = [e for e in self.experiments() if e.prediction and MODEL_SKILL in e.prediction and e.batch]
        if not judged:
            return None
        newest = max(judged, key=lambda e: (e.batch, e.experiment_id))
        record = newest.prediction[MODEL_SKILL]  # type: ignore[index]
        return StoredSkill(int(newest.batch), int(record["results"]), dict(record["models"]))  # type: ignore[arg-type]

    def stored_model_state(self) -> dict[str, object] | None:
        """What the strategy fitted at the newest proposal that kept it, or None (read from the
        store, as it was stored: :func:`nfpopt.recommend.warm.read_warm_start` judges it)."""
        kept = [e for e in self.experiments() if e.prediction and MODEL_STATE in e.prediction and e.batch]
        if not kept:
            return None
        newest = max(kept, key=lambda e: (e.batch, e.experiment_id))
        return newest.prediction[MODEL_STATE]  # type: ignore[index]

    def add_batch(
        self,
        batch: pd.DataFrame,
        *,
        model_skill: Mapping[str, Skill] | None = None,
        results: int | None = None,
        model_state: Mapping[str, object] | None = None,
    ) -> pd.DataFrame:
        """Store a strategy's batch: the recipe columns as proposals, the rest (predictions,
        ``p_feasible``, ``rationale``) as each experiment's prediction record, with the
        ``model_skill`` judged on ``results`` finished experiments and the strategy's
        ``model_state``, if given."""
        recipe = [c for c in (*self.definition.space.names, *self.definition.space.derived_names) if c in batch]
        explanation = batch.drop(columns=recipe).reset_index(drop=True)
        predictions = [_plain(row) for row in explanation.to_dict(orient="records")] if explanation.shape[1] else None
        extra: dict[str, object] = {}
        if model_skill is not None:
            extra[MODEL_SKILL] = {
                "results": results,
                "models": {name: skill.as_dict() for name, skill in model_skill.items()},
            }
        if model_state is not None:
            extra[MODEL_STATE] = dict(model_state)
        if extra:
            predictions = [{**row, **extra} for row in predictions or [{} for _ in range(len(batch))]]
        stored = self.add_proposals(batch[recipe], predictions)
        return pd.concat([stored, explanation], axis=1)

    def add_proposals(self, recipes: pd.DataFrame, predictions: list[dict[str, object]] | None = None) -> pd.DataFrame:
        """Store a proposed batch; returns it with ``experiment_id`` and ``batch`` first."""
        rows = [_plain(r) for r in recipes.to_dict(orient="records")]
        ids = self.store.add_experiments(self.name, rows, status="proposed", source="proposed", predictions=predictions)
        batch = self.store.experiment(ids[0]).batch
        out = recipes.reset_index(drop=True).copy()
        out.insert(0, "batch", batch)
        out.insert(0, "experiment_id", ids)
        return out

    def record_results(
        self, table: pd.DataFrame, *, source: str, amend: bool = False, recorded_by: str | None = None
    ) -> list[ExperimentRecord]:
        """Validate a results table and record it in one transaction (all rows or none).

        With ``amend``, a row for a measured experiment need only give the outcomes it corrects;
        the others keep their recorded values.
        """
        experiments = self.experiments()
        known = {e.experiment_id: str(e.status) for e in experiments}
        on_record = {e.experiment_id: set(e.outcomes) for e in experiments if amend and e.status == "measured"}
        parsed = parse_results(table, self.definition, source=source, known_ids=known, on_record=on_record)
        return self.store.record(self.name, [_result(p) for p in parsed], amend=amend, recorded_by=recorded_by)

    def start(self, ids: list[int]) -> None:
        """Mark proposed experiments as running (fabrication started)."""
        self._own(ids)
        self.store.start(ids)

    def abandon(self, ids: list[int], reason: str) -> None:
        """Give up proposed or running experiments; they stay in the history."""
        self._own(ids)
        self.store.abandon(ids, reason)

    def _own(self, ids: list[int]) -> None:
        mine = {e.experiment_id for e in self.experiments()}
        foreign = [i for i in ids if i not in mine]
        if foreign:
            raise InputDataError(f"experiment id(s) {foreign} are not in campaign '{self.name}'")

    # -- summaries -------------------------------------------------------------------------
    def status(self) -> CampaignStatus:
        """Counts per status, the best feasible value of each objective and the Pareto set."""
        table = self.table()
        counts = {
            s: int((table["status"] == s).sum()) if len(table) else 0
            for s in ("proposed", "running", "measured", "failed", "abandoned")
        }
        good = self.successful(table)
        best: dict[str, dict[str, object]] = {}
        for objective in self.definition.objectives:
            if objective.outcome not in good or good[objective.outcome].isna().all():
                continue
            utility = good[objective.outcome].map(objective.utility)
            row = good.loc[utility.idxmax()]
            best[objective.outcome] = {
                "experiment_id": int(row["experiment_id"]),
                "value": float(row[objective.outcome]),
            }
        return CampaignStatus(counts, best, self.pareto_set(good), table)

    def successful(self, table: pd.DataFrame) -> pd.DataFrame:
        """Measured experiments that are feasible and meet every outcome constraint."""
        if not len(table):
            return table
        good = table[table["status"] == "measured"].copy()
        if self.definition.feasibility and self.definition.feasibility in good:
            good = good[good[self.definition.feasibility].fillna(False).astype(bool)]
        for limit in self.definition.outcome_constraints:
            if limit.outcome in good:
                good = good[good[limit.outcome].map(lambda v, lim=limit: lim.satisfied(_float(v)))]
        objectives = [o.outcome for o in self.definition.objectives if o.outcome in good]
        return good.dropna(subset=objectives) if objectives else good

    def pareto_set(self, good: pd.DataFrame) -> pd.DataFrame:
        """The non-dominated successful experiments over all objectives."""
        names = [o.outcome for o in self.definition.objectives]
        if not len(good) or not all(n in good for n in names):
            return good.iloc[0:0]
        utility = utility_matrix(good, self.definition.objectives)
        return good[non_dominated(utility)]


def _unchanged(before: pd.DataFrame, now: pd.DataFrame) -> bool:
    """True if no experiment was added or changed (every change moves ``updated_at``)."""
    columns = ["experiment_id", "status", "updated_at"]
    if len(before) != len(now):
        return False
    return not len(now) or before[columns].reset_index(drop=True).equals(now[columns].reset_index(drop=True))


def _numeric(outcomes: dict[str, float | bool]) -> dict[str, float]:
    """Outcomes as the store keeps them: numbers, a boolean as 1.0 / 0.0."""
    return {k: float(v) for k, v in outcomes.items()}


def _result(parsed: ParsedResult) -> Result:
    return Result(
        parsed.experiment_id,
        _numeric(parsed.outcomes),
        parameters_made=parsed.parameters_made,
        failure_reason=parsed.failure_reason,
        notes=parsed.notes,
    )


def _plain(row: dict[str, object]) -> dict[str, object]:
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}


def _float(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
