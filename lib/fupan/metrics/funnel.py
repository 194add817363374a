"""Conversion funnel visit → view → cart → order → pay (DESIGN.md, events table; METHODS.md §2.4).

口径: a step's users are the distinct users with that event in the window (and group); step
conversion = users(step) / users(previous step); drop-off = 1 − step conversion; overall conversion
= users(step) / users(first step). Steps follow :data:`fupan.dictionary.FUNNEL_STEPS`.

One definition serves the headline funnel and the funnel by channel (:func:`funnel_table`): a
step the tracker did not record at all (no user has it in any group, e.g. a tracker without
``view`` events) is *not measured* and is left out — the previous step is then the previous
measured one — while a measured step that a group lacks counts 0 users in that group. A step is
never shown as 0 users because it was not tracked.

Raw event logs are not prefix-closed: a user can pay without a recorded visit (app deep links,
events lost by the tracker), so users per step can *increase* and a step conversion can exceed 1
(drop-off < 0). Such values are reported as they are, never clipped.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..dictionary import FUNNEL_STEPS

# FUNNEL_STEPS is re-exported for callers that order funnel columns (the funnel report sections).
__all__ = [
    "FUNNEL_STEPS",
    "biggest_leak",
    "funnel_from_events",
    "funnel_table",
    "measured_steps",
    "window_funnel",
]

_STEP_ORDER = {step: i for i, step in enumerate(FUNNEL_STEPS)}
_TABLE_COLUMNS = ("step", "users", "conversion", "drop_off", "overall_conversion")


def _keys(by: str | Sequence[str] | None, reserved: Sequence[str]) -> list[str]:
    keys = [by] if isinstance(by, str) else list(by or [])
    if len(set(keys)) != len(keys):
        raise ValueError(f"by lists a column twice: {keys}")
    clash = [k for k in keys if k in reserved]
    if clash:
        raise ValueError(f"by cannot use the reserved column(s) {clash}; rename them first")
    return keys


def _require(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {missing}; it has {list(frame.columns)}")
    nulls = [c for c in columns if frame[c].isna().any()]
    if nulls:
        raise ValueError(
            f"{name} has missing values in {nulls}; fill group keys (e.g. '_unknown') "
            "or drop those rows first"
        )


def _check_steps(steps: pd.Series, name: str) -> None:
    unknown = sorted(set(steps.astype(str)) - set(FUNNEL_STEPS))
    if unknown:
        raise ValueError(
            f"{name} has unknown funnel step(s) {unknown}; expected {list(FUNNEL_STEPS)}"
        )


def _by_group_then_step(frame: pd.DataFrame, keys: list[str], step: str) -> pd.DataFrame:
    order = frame[step].astype(str).map(_STEP_ORDER)
    return (
        frame.assign(_order=order)
        .sort_values([*keys, "_order"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def funnel_table(
    step_users: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    steps: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Step and overall conversion per group from distinct users per step.

    口径 (module docstring; DESIGN.md events table): the measured steps are ``steps``, by default
    every step some group of ``step_users`` has (in funnel order); a step no group has was not
    tracked and is left out of every group. users(s) = distinct users reaching step s in the
    window, **0 when a group lacks a measured step**; conversion(s) = users(s) / users(s−1) with
    s−1 the previous measured step, NaN for the first and whenever users(s−1) = 0; drop_off =
    1 − conversion; overall_conversion(s) = users(s) / users(first measured step), NaN when that
    is 0. Conversion may exceed 1 in raw data (a user can pay without a recorded visit); it is
    reported, not clipped. The headline funnel is this table of the ``_all`` channel.

    Parameters
    ----------
    step_users : DataFrame
        One row per group and step: ``step`` (one of ``FUNNEL_STEPS``), ``users`` (non-negative
        integer), plus the grouping columns in ``by``. Users are distinct per row, so rows of one
        group and step cannot be added together and a duplicate raises.
    by : str or sequence of str, optional
        Grouping columns, e.g. ``["channel"]``, ``["date"]`` or ``["date", "channel"]``.
    steps : sequence of str, optional
        The steps the tracker records, when known from elsewhere (e.g. the whole events table);
        default: the steps present in ``step_users``.

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``step``, ``users`` (int), ``conversion``, ``drop_off`` and
        ``overall_conversion`` (float); one row per measured step for each group present in the
        input, groups sorted by their keys, steps in funnel order.

    Raises
    ------
    ValueError
        If columns are missing, the frame is empty, a step is unknown, ``users`` is not a
        non-negative integer, a group key is missing, a group lists a step twice, or a step
        with users is not among ``steps``.
    """
    keys = _keys(by, _TABLE_COLUMNS)
    _require(step_users, [*keys, "step", "users"], "step_users")
    if step_users.empty:
        raise ValueError("step_users has no rows; there is no funnel to build")
    _check_steps(step_users["step"], "step_users")
    users = pd.to_numeric(step_users["users"], errors="coerce")
    bad = users.isna() | ~np.isfinite(users) | (users < 0) | (users != np.floor(users))
    if bad.any():
        raise ValueError(
            f"step_users.users must be non-negative integers; bad rows {list(users.index[bad][:5])}"
        )
    if step_users.duplicated([*keys, "step"]).any():
        raise ValueError(
            f"step_users lists a step twice for one group of {keys or 'the whole window'}; "
            "distinct users cannot be summed, so aggregate upstream"
        )
    measured = measured_steps(step_users["step"], steps)
    given = step_users[[*keys, "step"]].assign(step=step_users["step"].astype(str), users=users)
    outside = given[~given["step"].isin(measured) & (given["users"] > 0)]
    if len(outside):
        raise ValueError(
            f"step_users has users at step(s) {sorted(set(outside['step']))} outside the "
            f"measured steps {measured}"
        )
    grid_steps = pd.DataFrame({"step": measured})
    groups = step_users[keys].drop_duplicates().sort_values(keys, kind="stable") if keys else None
    grid = groups.merge(grid_steps, how="cross") if groups is not None else grid_steps
    table = grid.merge(given, on=[*keys, "step"], how="left", validate="one_to_one")
    n = table["users"].fillna(0).to_numpy(dtype=float).reshape(-1, len(measured))
    prev = np.column_stack([np.full(len(n), np.nan), n[:, :-1]])
    first = np.repeat(n[:, :1], len(measured), axis=1)
    conversion = np.divide(n, prev, out=np.full_like(n, np.nan), where=prev > 0)
    overall = np.divide(n, first, out=np.full_like(n, np.nan), where=first > 0)
    return table.assign(
        users=n.ravel().astype("int64"),
        conversion=conversion.ravel(),
        drop_off=1.0 - conversion.ravel(),
        overall_conversion=overall.ravel(),
    )


def measured_steps(
    observed: pd.Series | Sequence[str], steps: Sequence[str] | None = None
) -> list[str]:
    """The funnel steps a tracker records, in funnel order (the module's 口径).

    Parameters
    ----------
    observed : Series or sequence of str
        The steps that have rows (users) somewhere in the data.
    steps : sequence of str, optional
        The measured steps when known from elsewhere; returned in funnel order after checking.

    Returns
    -------
    list of str
        ``steps``, else the distinct ``observed`` steps, ordered as in ``FUNNEL_STEPS``.

    Raises
    ------
    ValueError
        If a step is unknown or no step is given.
    """
    chosen = pd.Series(list(steps) if steps is not None else list(observed), dtype=object).astype(
        str
    )
    _check_steps(chosen, "steps")
    out = [s for s in FUNNEL_STEPS if s in set(chosen)]
    if not out:
        raise ValueError("no funnel step is measured")
    return out


def window_funnel(funnel: pd.DataFrame, phase: str, channel: str = "_all") -> pd.DataFrame:
    """The funnel of one window and channel: the report's headline funnel (channel ``_all``).

    口径: :func:`funnel_table` of that window's rows for that channel, the measured steps being
    those any channel has in the window — the definition the funnel by channel uses, so a step
    the tracker did not record is left out of both and a measured step a channel lacks is 0
    users in both.

    Parameters
    ----------
    funnel : DataFrame
        The extract's funnel aggregate (:func:`fupan.extract.behaviour.behaviour_window_sql`): ``phase``, ``channel``
        (``_all`` = any channel), ``step``, ``users``.
    phase : str
        The window, e.g. ``"campaign"``.
    channel : str, default ``"_all"``
        The channel.

    Returns
    -------
    DataFrame
        ``step``, ``users``, ``conversion``, ``drop_off``, ``overall_conversion`` as
        :func:`funnel_table` returns them; no rows when the window has no events.

    Raises
    ------
    ValueError
        If ``funnel`` lacks a column or holds bad rows (see :func:`funnel_table`).
    """
    _require(funnel, ["phase", "channel", "step", "users"], "funnel")
    window = funnel[(funnel["phase"] == phase) & (funnel["users"] > 0)]
    rows = window[window["channel"] == channel]
    if rows.empty:
        return pd.DataFrame(
            {
                "step": pd.Series(dtype=object),
                "users": pd.Series(dtype="int64"),
                **{c: pd.Series(dtype=float) for c in _TABLE_COLUMNS[2:]},
            }
        )
    return funnel_table(
        rows[["step", "users"]].reset_index(drop=True), steps=measured_steps(window["step"])
    )


def biggest_leak(table: pd.DataFrame) -> pd.DataFrame:
    """The step transition with the lowest step conversion, per group.

    口径: among the transitions s−1 → s between measured steps whose conversion is defined
    (users(s−1) > 0), the one with the lowest ``conversion`` (:func:`funnel_table`); ties go to
    the earliest transition.
    users_lost = users(s−1) − users(s), negative when the step gained users. A group with no
    defined transition keeps one row of NaN, so no group silently disappears.

    Parameters
    ----------
    table : DataFrame
        The output of :func:`funnel_table`; every column other than its five value columns is
        taken as a grouping key.

    Returns
    -------
    DataFrame
        Grouping columns, then ``from_step``, ``to_step``, ``conversion`` and ``users_lost``
        (float, so that an undefined group can hold NaN); one row per group.

    Raises
    ------
    ValueError
        If columns are missing or the groups do not each hold the same measured steps once.
    """
    keys = (
        [c for c in table.columns if c not in _TABLE_COLUMNS]
        if isinstance(table, pd.DataFrame)
        else []
    )
    _require(table, [*keys, "step", "users"], "table")
    if "conversion" not in table.columns:
        raise ValueError("table lacks column 'conversion'; pass the output of funnel_table")
    _check_steps(table["step"], "table")
    n_groups = len(table[keys].drop_duplicates()) if keys else 1
    measured = [s for s in FUNNEL_STEPS if s in set(table["step"].astype(str))]
    if (
        table.empty
        or table.duplicated([*keys, "step"]).any()
        or len(table) != n_groups * len(measured)
    ):
        raise ValueError(
            f"each group must hold each of the measured steps {measured} exactly once; "
            "pass the output of funnel_table"
        )
    ordered = _by_group_then_step(table, keys, "step")
    conv = ordered["conversion"].to_numpy(dtype=float).reshape(n_groups, -1)[:, 1:]
    users = ordered["users"].to_numpy(dtype=float).reshape(n_groups, -1)
    lost = users[:, :-1] - users[:, 1:]
    rows = []
    for g in range(n_groups):
        defined = np.isfinite(conv[g])
        i = int(np.argmin(np.where(defined, conv[g], np.inf))) if defined.any() else None
        rows.append(
            {
                "from_step": measured[i] if i is not None else None,
                "to_step": measured[i + 1] if i is not None else None,
                "conversion": conv[g, i] if i is not None else np.nan,
                "users_lost": lost[g, i] if i is not None else np.nan,
            }
        )
    heads = ordered[keys].iloc[:: len(measured)].reset_index(drop=True)
    return pd.concat(
        [
            heads,
            pd.DataFrame(rows, index=heads.index).astype(
                {"conversion": float, "users_lost": float}
            ),
        ],
        axis=1,
    )


def funnel_from_events(events: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Distinct users per step (and group) from raw event rows — the plain-pandas reference.

    口径 (DESIGN.md events table): users(group, s) = number of distinct ``user_id`` with an event
    ``s`` in that group; a user counts once per step per group however many events they have, and
    counts in every group they appear in (so group counts need not add up to the whole). Restrict
    ``events`` to the window, and derive ``date`` from ``event_time`` if grouping by day, first.

    Parameters
    ----------
    events : DataFrame
        One row per event: ``user_id``, ``event`` (one of ``FUNNEL_STEPS``) and the ``by`` columns.
    by : str or sequence of str, optional
        Grouping columns.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``step`` and ``users`` (int): one row per group and step *observed*
        (absent steps are left out; :func:`funnel_table` counts a step some other group has as
        0 and leaves out a step no group has), sorted by group then funnel order. Feed it to
        :func:`funnel_table`.

    Raises
    ------
    ValueError
        If columns are missing, a user, event or group key is missing, or an event is unknown.
    """
    keys = _keys(by, ("user_id", "event", "step", "users"))
    _require(events, [*keys, "user_id", "event"], "events")
    _check_steps(events["event"], "events")
    rows = events[[*keys, "user_id"]].assign(step=events["event"].astype(str))
    counts = (
        rows.groupby([*keys, "step"], sort=False, observed=True)["user_id"]
        .nunique()
        .rename("users")
        .reset_index()
    )
    return _by_group_then_step(counts.astype({"users": "int64"}), keys, "step")
