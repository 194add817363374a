"""Checking a campaign folder against its contract — before any kernel starts.

:func:`open_campaign` is the one entry point: it parses the card, loads the tables into DuckDB,
checks types, ranges, allowed values, order/user consistency, duplicate lines and window coverage
— each as an aggregate SQL query over the file in place (a Parquet file is never copied: see
:mod:`.inplace`), only offending row numbers and a few examples coming back —
and either raises :class:`~fupan.errors.ValidationError` naming every problem (file, row, column,
expectation, zh + en) or returns a :class:`Campaign` whose typed tables the extract layer reads.
Nothing is written anywhere (the pseudonymisation salt aside, created once outside the repository
by :mod:`fupan.ingest.privacy`).

The rules beyond each column's type (error unless marked *warning*; the code in brackets):

- **Time zones.** A timestamp without a zone is local time in the card's ``timezone``. One with a
  zone — a zoned Parquet type, or text ending in ``Z``, ``UTC``/``GMT`` or ``±hh[:mm]`` — is
  converted to the card's zone. A text column mixing values with and without a zone is refused
  [mixed_timezones]: the zone-less ones would silently be read in another zone than the others.
- **Plausible values.** Timestamps and dates lie in 1990-01-01 .. 2100-12-31 (1970-01-01 and
  1899-12-30 are "empty date" stand-ins) [out_of_range]; numbers are finite [nan_value,
  infinite_value] and at most 1e15 in absolute value [out_of_range]. Amounts may carry thousands
  separators and a leading currency sign (¥ ￥ $ € £).
- **Orders.** One order id belongs to one user [order_multiple_users]; a line refunds at most what
  it paid [refund_exceeds_paid]; the orders cover the baseline to the last window [coverage];
  optional tables that do not are a *warning* [coverage]. Exact duplicate lines are kept or dropped
  as ``duplicate_lines`` says, with a *warning* [duplicate_lines] — in every table but the
  behaviour log, whose figures are all distinct-user counts that a repeated line cannot change
  (:data:`fupan.ingest.duplicates.DISTINCT_COUNTED`).
- **Channels** (*warnings*, so that they never block a run): a spend channel found neither in the
  orders nor in ``strategy.budget`` [unknown_channel] — usually a naming mismatch (直播 vs live) that
  leaves its ROAS and pacing empty; a budgeted channel without spend rows [budget_without_spend].
  Without a spend table neither applies.
- **Everything at once.** Card problems that leave the tables checkable (anything outside windows,
  timezone, tables, mapping, duplicate_lines) do not stop the table checks, and a broken table does
  not stop the checks of the others.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from ...errors import Problem, ValidationError
from ...extract.duck import ddl
from ...progress import step
from .. import privacy
from ..across import check_across, check_channels, check_members_match
from ..card import CARD_FILE, CampaignCard, card_line, read_card
from ..duplicates import DISTINCT_COUNTED
from ..history import HISTORY_SQL, LAST_DAYS_SQL, history_warnings, partial_last_day
from ..readers import campaign_bytes, file_sha256, load_table, open_connection
from ..readers.columns import headed
from ..readers.profiles import pinned
from .columns import EXAMPLES, KEEP_ROWS, check_columns
from .inplace import (
    InPlace,
    build_typed,
    customer_relations,
    drop_raw,
    event_values,
    load_in_place,
    pass_through,
)
from .model import Campaign
from .prepared import open_prepared, save_prepared
from .tables import (
    check_controls,
    check_coverage,
    check_duplicates,
    check_orders,
    check_timezone,
)

__all__ = ["EXAMPLES", "Campaign", "open_campaign", "open_prepared", "save_prepared"]


#: Each time-stamped table's time column: its coverage of the windows is checked on it, and a war
#: report's rows after its ``as_of`` are left out (the plan, the products and the coupons are kept
#: whole).
TIME_COLUMNS = {
    "orders": "order_time",
    "events": "event_time",
    "spend": "date",
    "inventory": "date",
    "live_sessions": "start_time",
    "members": "join_time",
    "service_daily": "date",
    "refunds": "refund_time",
    "prices": "date",
}


def as_of_kept(exprs: dict[str, str], column: str, as_of: dt.date) -> dict[str, str]:
    """``exprs`` keeping only the rows whose ``column`` falls on or before ``as_of`` — and, on
    presale order lines, the balance (尾款) as an export taken that day shows it: a balance paid
    after ``as_of`` is not paid yet (``balance_time`` and ``balance_amount`` NULL); a line shipped
    after it has not shipped yet (``ship_time`` NULL)."""
    end = (as_of + dt.timedelta(days=1)).isoformat()

    def by_then(expr: str) -> str:
        return f"CAST(({expr}) AS TIMESTAMP) < TIMESTAMP '{end} 00:00:00'"

    keep = by_then(exprs[column])
    if exprs.get(KEEP_ROWS):
        keep = f"({exprs[KEEP_ROWS]}) AND {keep}"
    out = {**exprs, KEEP_ROWS: keep}
    if "balance_time" in exprs:
        paid = by_then(exprs["balance_time"])
        for name in ("balance_time", "balance_amount"):
            if name in exprs:
                out[name] = f"CASE WHEN {paid} THEN ({exprs[name]}) END"
    if "ship_time" in exprs:
        out["ship_time"] = (
            f"CASE WHEN {by_then(exprs['ship_time'])} THEN ({exprs['ship_time']}) END"
        )
    return out


def open_campaign(
    folder: Path | str, *, salt: bytes | None = None, as_of: dt.date | None = None
) -> Campaign:
    """Validate ``folder`` and return the :class:`Campaign`; raise ValidationError on any error.

    ``salt`` (bytes) overrides the pseudonymisation salt of :func:`fupan.ingest.privacy.load_salt`.
    ``as_of`` makes it a war report (战报) up to that day: :attr:`CampaignCard.as_of`.
    Every problem found is reported together: card problems that leave the tables checkable do not
    stop the table checks, and one broken table does not stop the checks of the others.
    """
    folder = Path(folder)
    if folder.is_file() and folder.name == CARD_FILE:  # the card named: its folder is meant
        folder = folder.parent
    if folder.is_file():
        raise ValidationError(
            [
                Problem(
                    "folder_is_a_file",
                    None,
                    f"{folder} 是一个文件，不是活动文件夹。请给出放 {CARD_FILE} 和各数据表的文件夹"
                    f"{f'（也许是 {folder.parent}）' if (folder.parent / CARD_FILE).is_file() else ''}。",
                    f"{folder} is a file, not a campaign folder. Name the folder that holds "
                    f"{CARD_FILE} and the tables"
                    f"{f' (perhaps {folder.parent})' if (folder.parent / CARD_FILE).is_file() else ''}.",
                )
            ]
        )
    if not folder.is_dir():
        raise ValidationError(
            [
                Problem(
                    "folder_missing",
                    None,
                    f"活动文件夹不存在：{folder}",
                    f"The campaign folder does not exist: {folder}",
                )
            ]
        )
    card, problems = read_card(folder, as_of)
    if card is None:
        raise ValidationError(problems)
    if card.source is not None and card.as_of is not None:
        raise ValidationError(
            [
                Problem(
                    "as_of_source",
                    CARD_FILE,
                    "战报（as_of）目前只支持活动文件夹里的数据表，不支持 source 指定的数据仓库或 Spark。",
                    "A war report (as_of) reads the tables of the campaign folder only, not a "
                    "warehouse or Spark named by source.",
                    column="as_of",
                )
            ]
        )
    if card.source is not None:  # tables in a warehouse or on Spark: checked where they live
        from ..sources import open_source

        return open_source(folder, card, problems, salt=salt)  # type: ignore[return-value]
    con = open_connection(campaign_bytes(folder, card))
    try:
        return _open(folder, card, problems, con, salt)
    except BaseException:
        con.close()
        raise


def _open(
    folder: Path, card: CampaignCard, problems: list[Problem], con, salt: bytes | None
) -> Campaign:
    found = check_timezone(con, folder, card)
    if found:
        raise ValidationError(problems + found)
    privacy_log: dict[str, dict] = {}
    # contract columns each table really has (the rest are defaults)
    present: dict[str, list[str]] = {}
    typed: dict[str, tuple[dict[str, str], str]] = {}
    sources: dict[str, dict[str, str]] = {}  # table → contract column → the file's header
    loaded, found, inplace = _load(con, folder, card, salt, privacy_log, sources)
    problems += found
    for name in list(loaded):
        filename = getattr(card.tables, name)
        with step("校验", f"checking {filename}"):
            view = inplace.get(name)
            untrimmed = set(view.keyed) if view is not None else None
            found, exprs = check_columns(
                con,
                name,
                filename,
                card,
                view.complete if view is not None else (),
                untrimmed=untrimmed,
            )
            if view is not None and untrimmed:
                view.untrimmed = untrimmed
            problems += found
            if any(p.severity == "error" for p in found):
                loaded.remove(name)
                continue
            if view is not None:
                exprs = pass_through(con, name, exprs, view)
            if card.as_of is not None and TIME_COLUMNS.get(name) in exprs:
                exprs = as_of_kept(exprs, TIME_COLUMNS[name], card.as_of)
            dups = (
                []
                if name in DISTINCT_COUNTED
                else check_duplicates(
                    con,
                    name,
                    filename,
                    card.duplicate_lines,
                    "duplicate_lines" in card.model_fields_set,
                )
            )
        problems += dups
        # checked without the pseudonyms joined in (one id ↔ one pseudonym, so no check differs)
        typed[name] = (exprs, card.duplicate_lines if dups else "keep")
        build_typed(con, name, *typed[name], inplace.get(name), pseudonyms=False)
        present[name] = sorted(c for c in exprs if c != KEEP_ROWS)
    if "orders" in loaded:
        with step("校验", f"checking the orders of {card.tables.orders} across lines"):
            found = check_orders(con, card.tables.orders)
        if found and "orders" in inplace:  # examples name users by their pseudonyms
            build_typed(con, "orders", *typed["orders"], inplace["orders"])
            found = check_orders(con, card.tables.orders)
        problems += found
        problems += check_controls(con, folder, card)
    for name in ("orders", "events", "spend", "inventory"):  # the orders must cover the windows
        if name in loaded:
            filename = getattr(card.tables, name)
            problems += check_coverage(
                con, name, filename, TIME_COLUMNS[name], card, name == "orders"
            )
    problems += check_across(con, folder, card, loaded, present)
    problems = _headed(problems, card, sources)
    if any(p.severity == "error" for p in problems) or "orders" not in loaded:
        raise ValidationError(problems)
    for name in card.tables.__class__.model_fields:  # raw copies may hold what validation saw
        drop_raw(con, name)

    first, timed = con.execute(HISTORY_SQL).fetchall()[0]
    flags, found = history_warnings(card, card.tables.orders, first, bool(timed))
    flags["columns"] = present
    problems += found
    cut, found = partial_last_day(
        con.execute(LAST_DAYS_SQL).fetchall(), card.tables.orders, bool(timed)
    )
    flags.update(cut)
    problems += found
    channels = variants = None
    if "events" in loaded:
        channels = event_values(con, typed["events"][0], inplace.get("events"), "channel")
        variants = event_values(con, typed["events"][0], inplace.get("events"), "variant")
        if "channel" in present["events"]:
            named: list[tuple[str, int | None]] = [(c, None) for c in channels if c is not None]
            problems += check_channels(con, folder, card, True, "events", named)
    for name, view in inplace.items():
        if name in loaded:
            build_typed(con, name, *typed[name], view)
    if "orders" in loaded and "members" in loaded:  # both tables' ids are pseudonyms only now
        problems += check_members_match(con, card.tables.members or "")
    inplace = {k: v for k, v in inplace.items() if k in loaded}
    if "events" in loaded:
        customer_relations(con, inplace)
    for name in card.tables.__class__.model_fields:  # what protect() left for the line above
        ddl(con, f"DROP TABLE IF EXISTS {privacy.keys_table(f'raw_{name}')}")
    hashes = {CARD_FILE: file_sha256(folder / CARD_FILE)}
    for _name, filename in card.tables.items():
        hashes[filename] = file_sha256(folder / filename)
    return Campaign(
        folder=folder,
        card=card,
        con=con,
        tables=loaded,
        warnings=[p for p in _headed(problems, card, sources) if p.severity != "error"],
        hashes=hashes,
        flags=flags,
        privacy=privacy_log,
        inplace=inplace,
        event_channels=channels,
        event_variants=variants,
    )


def _headed(
    problems: list[Problem], card: CampaignCard, sources: dict[str, dict[str, str]]
) -> list[Problem]:
    """``problems``, each in a renamed column of a table's file naming that file's own header
    too (:func:`fupan.ingest.readers.columns.headed`, table by table)."""
    for name, cols in sources.items():
        problems = headed(problems, getattr(card.tables, name), cols)
    return problems


def _load(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    card: CampaignCard,
    salt: bytes | None,
    privacy_log: dict,
    sources: dict[str, dict[str, str]] | None = None,
) -> tuple[list[str], list[Problem], dict[str, InPlace]]:
    """Open every table the card names: a Parquet file in place (a view, :mod:`.inplace`), any
    other through the reader (a copy); return the names opened cleanly, all problems, and how the
    in-place ones are read. ``sources`` receives, per table, the file's own header of each
    renamed contract column."""
    loaded, problems, inplace = [], [], {}
    mappings: dict[str, dict[str, str]] = dict(card.mapping.items())
    for name, filename in card.tables.items():
        if salt is None and (folder / filename).is_file():
            salt = privacy.load_salt()
        mapping = mappings.get(name, {})
        pin = pinned(card, name)
        named = {} if sources is None else sources.setdefault(name, {})
        with step("读取", f"reading {filename}"):
            opened = load_in_place(
                con, name, folder, filename, mapping, salt, privacy_log, pin, named
            )
            if opened is None:
                found = load_table(
                    con,
                    name,
                    folder,
                    filename,
                    mapping,
                    salt,
                    privacy_log,
                    profile=pin,
                    card_row=card_line(folder, ("profile",)) if pin else None,
                    currency=card.currency,
                    sources=named,
                )
            else:
                found, view = opened
                if view is not None:
                    inplace[name] = view
        problems += found
        if not any(p.severity == "error" for p in found):
            loaded.append(name)
        else:
            drop_raw(con, name)
    return loaded, problems, inplace
