"""One table from file to ``raw_<name>``: read (by registration), profile, names, privacy, checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ...config import threads
from ...errors import Problem
from ...extract.duck import ddl, ident, literal
from .. import privacy
from ..card import CONTRACTS, CampaignCard, card_line
from . import delimited, parquet, platforms, workbook  # noqa: F401 — the built-in registrations
from .columns import apply_names, headed, header_further_down, missing_columns
from .files import EXCEL_ERROR_LIST, EXCEL_SCIENTIFIC, HEAD, columns_of, mismatch, problem, sniff
from .profiles import Profile, id_sql, normalise, pinned, resolve
from .registry import READERS, Reader, reader_for

_STOP = ("mapping_target_exists", "duplicate_column")


#: DuckDB's smallest memory cap per connection (``$FUPAN_DUCKDB_MEMORY`` overrides it): big
#: aggregations spill to a temporary directory instead of growing the process (measured at 1M
#: order lines + 10M events: peak RSS 1.8 → 1.2 GiB for the extract at the same speed).
DUCKDB_MEMORY = "1GB"
#: the cap grows with the campaign: this many bytes of memory per byte of its files, up to
#: :data:`DUCKDB_MEMORY_SHARE` of the machine's memory. At 10M order lines + 67M events (314 MB of
#: Parquet, 11M customers) a 1 GB cap made the per-customer staging and the pseudonym join spill:
#: the extract took 129 s, 90 s with 3 GB (``bench/profile_extract.py``). 9 rather than 10 kept
#: that campaign's whole ``fupan run`` under 4 GiB (kernel 3.85 → 3.50 GiB, all processes
#: 4.07 → 3.72 GiB, ``make bench-scale SIZE=L``); on a later machine 9 gave 4.10 GiB for all
#: processes and 8 gives 3.91 (kernel 3.84 → 3.65 GiB), the run 63.7 s against 66.2 s, within
#: that machine's run-to-run noise (the same commit: 67.4 s at 9).
DUCKDB_BYTES_PER_FILE_BYTE = 8
DUCKDB_MEMORY_SHARE = 0.25


def campaign_bytes(folder: Path, card: CampaignCard) -> int:
    """The bytes of the campaign's table files (what its DuckDB memory cap grows with)."""
    total = 0
    for _name, filename in card.tables.items():
        path = folder / filename
        total += path.stat().st_size if path.is_file() else 0
    return total


def memory_cap(data_bytes: int = 0) -> str:
    """DuckDB's ``memory_limit`` for a campaign whose files hold ``data_bytes``:
    ``$FUPAN_DUCKDB_MEMORY`` if set, else :data:`DUCKDB_MEMORY` (1 GB) or, for a big campaign,
    :data:`DUCKDB_BYTES_PER_FILE_BYTE` × its size, at most :data:`DUCKDB_MEMORY_SHARE` of the
    machine's memory."""
    import os

    if os.environ.get("FUPAN_DUCKDB_MEMORY"):
        return os.environ["FUPAN_DUCKDB_MEMORY"]
    floor = 1 << 30
    try:
        machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        machine = 4 * floor
    wanted = min(data_bytes * DUCKDB_BYTES_PER_FILE_BYTE, int(machine * DUCKDB_MEMORY_SHARE))
    return DUCKDB_MEMORY if wanted <= floor else f"{wanted // (1 << 20)}MiB"


def shrink_memory(con: object) -> None:
    """Bring a connection's memory cap back to :data:`DUCKDB_MEMORY` once the big aggregations
    are done (unless ``$FUPAN_DUCKDB_MEMORY`` sets it): DuckDB then gives back the buffers it held
    for them, before the analyses build their per-customer frames. At 10M order lines + 67M
    events the report's kernel peaked at 3.98 GiB with the two per-customer analyses beside the
    extract's buffers, 2.93 GiB so, in the same time (63.1 s and 63.6 s)."""
    import os

    # a warehouse's connection (a SQL source's campaign) is not DuckDB's and has no such cap
    if isinstance(con, duckdb.DuckDBPyConnection) and not os.environ.get("FUPAN_DUCKDB_MEMORY"):
        ddl(con, f"SET memory_limit = '{DUCKDB_MEMORY}'")


#: DuckDB's allocator settings on fupan's connections (:func:`open_connection`): flush freed
#: memory back to the system only past this peak, and a block pool of this size
ALLOCATOR = {"allocator_flush_threshold": "4GiB", "block_allocator_memory": "1GiB"}

#: DuckDB optimizers fupan's connections run without (:func:`open_connection`)
NO_OPTIMIZERS = "in_clause"


def open_connection(data_bytes: int = 0) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with fupan's settings: memory capped by
    :func:`memory_cap` for a campaign of ``data_bytes`` (spilling to the system's temporary
    directory, never the working directory), insertion order kept, at most
    :func:`fupan.config.threads` threads."""
    import tempfile

    con = duckdb.connect(":memory:")
    limit = memory_cap(data_bytes)
    spill = Path(tempfile.gettempdir()) / "fupan-duckdb-spill"
    ddl(con, f"SET memory_limit = '{limit.replace(chr(39), '')}'")
    ddl(con, f"SET temp_directory = '{str(spill).replace(chr(39), chr(39) * 2)}'")
    cores = threads()
    if cores is not None:  # set by `fupan batch` for its parallel runs
        ddl(con, f"SET threads = {cores}")
    ddl(con, "SET preserve_insertion_order = true")
    ddl(con, "SET enable_progress_bar = false")
    # DuckDB's IN-list rewrite turns each ``x IN ('#N/A', '#VALUE!', …)`` of the contract checks
    # into a join against the list: planning one table's check of dozens of them took 0.13 s of
    # a 0.14 s query on a 4-row file (~0.5 s of a demo-size run's validation); compared one by
    # one as written, the checks plan in half the time and scan a 10M-line file as fast
    ddl(con, f"SET disabled_optimizers = '{NO_OPTIMIZERS}'")
    # memory DuckDB frees is kept for its next query rather than handed back to Linux and faulted
    # in again (4 KiB pages: huge pages are off, fupan.cli.no_huge_pages): an L run alternated
    # with and without these, three pairs, took 0.4–0.7 s less and 0.7 s less system CPU; the
    # memory held for reuse raised bench_scale's peak of all its processes from 2.90 to 3.01 GiB
    for name, value in ALLOCATOR.items():
        ddl(con, f"SET {name} = '{value}'")
    return con


def _missing_hint(path: Path) -> tuple[str, str]:
    """What is at a table's path instead of its file (zh, en): a folder, or a file whose name
    differs in letter case only (Spend.csv for spend.csv — the same file on Windows and macOS,
    not on Linux); empty when neither."""
    if path.is_dir():
        return "这个路径是一个文件夹，不是文件。", " That path is a folder, not a file."
    try:
        near = [p.name for p in path.parent.iterdir() if p.name.lower() == path.name.lower()]
    except OSError:
        near = []
    if near:
        return (
            f"文件夹里有 {near[0]}：文件名的大小写不同；请在 campaign.yaml 里写成 {near[0]}。",
            f" The folder has {near[0]}: the name differs in letter case; write {near[0]} in "
            f"campaign.yaml.",
        )
    return "", ""


def read_file(
    con: duckdb.DuckDBPyConnection,
    raw: str,
    path: Path,
    filename: str,
    table: str,
    reader: Reader | None = None,
) -> list[Problem]:
    """Create ``raw`` from ``path`` with ``reader`` (default: the registration for its extension);
    the content must be what the extension says."""
    if not path.is_file():
        hint_zh, hint_en = _missing_hint(path)
        return [
            problem(
                "table_missing",
                filename,
                f"找不到 {table} 表文件 {filename}（campaign.yaml 的 tables.{table} 指向它）。{hint_zh}",
                f"The {table} table file {filename} does not exist (named by tables.{table} in "
                f"campaign.yaml).{hint_en}",
                column=f"tables.{table}",
            )
        ]
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(HEAD)
    except OSError as exc:
        return [
            problem(
                "table_unreadable",
                filename,
                f"无法读取 {filename}（{exc.strerror}）。",
                f"Cannot read {filename} ({exc.strerror}).",
            )
        ]
    if size == 0 or not head.strip():
        what_zh, what_en = (
            ("0 字节", "0 bytes") if size == 0 else ("只有空白字符", "only whitespace")
        )
        return [
            problem(
                "table_empty",
                filename,
                f"{filename} 是空文件（{what_zh}）。",
                f"{filename} is empty ({what_en}).",
            )
        ]
    ext = path.suffix.lower()
    kind = sniff(head)
    if kind == "html":
        return [mismatch(filename, ext, kind, head)]
    reader = reader or reader_for(path)
    if reader is None:
        return [
            problem(
                "table_format",
                filename,
                f"{filename} 的格式不支持：应为 .parquet、.csv 或 .xlsx。",
                f"Unsupported format for {filename}: expected .parquet, .csv or .xlsx.",
            )
        ]
    if kind not in reader.accepts:
        return [mismatch(filename, ext, kind)]
    try:
        return reader.read(con, raw, path, filename)
    except (duckdb.Error, ValueError, OSError, UnicodeDecodeError, ImportError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        return [
            problem(
                "table_unreadable",
                filename,
                f"无法读取 {filename}：文件损坏、被截断或不是其扩展名所示的格式（{first}）。",
                f"Cannot read {filename}: it is corrupt, truncated or not the format its "
                f"extension says ({first}).",
            )
        ]


def shape(
    con: duckdb.DuckDBPyConnection,
    raw: str,
    name: str,
    filename: str,
    mapping: dict[str, str],
    profile: str | None = None,
    card_row: int | None = None,
    currency: str = "CNY",
    sources: dict[str, str] | None = None,
) -> tuple[Profile | None, list[Problem]]:
    """Resolve the export profile (pinned ``profile`` or detected), rename the columns through the
    profile's and the card's ``mapping`` (the card wins) and normalise the profile's values (its
    amounts in the card's ``currency``); ``sources`` receives the file's own header of each
    renamed contract column (:func:`.columns.apply_names`)."""
    header = columns_of(con, raw)
    found, problems = resolve(name, header, profile, filename, card_row)
    if any(p.severity == "error" for p in problems):
        return None, problems
    merged = dict(mapping)
    if found is not None:
        taken = set(mapping) | set(mapping.values())
        own = {s: d for s, d in found.mapping(header).items() if s not in taken and d not in taken}
        merged = {**own, **mapping}
    problems += apply_names(con, raw, name, filename, merged, sources)
    if found is not None and not any(p.code in _STOP for p in problems):
        sources = {d: s.strip() for s, d in merged.items()}
        problems += normalise(con, raw, found, filename, sources, currency)
    return found, problems


def load_table(
    con: duckdb.DuckDBPyConnection,
    name: str,
    folder: Path,
    filename: str,
    mapping: dict[str, str],
    salt: bytes | None = None,
    privacy_log: dict | None = None,
    *,
    profile: str | None = None,
    card_row: int | None = None,
    reader: Reader | None = None,
    currency: str = "CNY",
    sources: dict[str, str] | None = None,
) -> list[Problem]:
    """Copy one table into ``raw_<name>``, read as its export ``profile`` says (pinned, else
    detected from the header), renamed through ``mapping`` and with personal data removed (``salt``
    defaults to :func:`fupan.ingest.privacy.load_salt`); return the problems found. ``sources``
    receives the file's own header of each renamed contract column."""
    raw = f"raw_{name}"
    problems = read_file(con, raw, folder / filename, filename, name, reader)
    if any(p.severity == "error" for p in problems):  # rows would be misnumbered or misread
        return problems
    repeated = _repeated_header(con, raw, filename) or _label_row(con, raw, filename, name)
    if repeated is not None:  # its cells would be read as one more record
        return problems + [repeated]
    empty = _empty_rows(con, raw, filename)
    if empty is not None:  # a blank record between records: each of its cells would be an error
        return problems + [empty]
    _, found = shape(con, raw, name, filename, mapping, profile, card_row, currency, sources)
    problems += found
    if any(p.severity == "error" and p.code in (*_STOP, "profile_unknown") for p in found):
        return problems
    contract = {c.name for c in CONTRACTS[name]}
    required = {c.name for c in CONTRACTS[name] if c.required}
    if required - set(columns_of(con, raw)):  # before privacy rewrites any value
        title = header_further_down(con, raw, name, filename, mapping)
        if title is not None:  # not missing columns: a title above the header
            return problems + [title]
    totals = _totals_line(con, raw, filename)
    if totals is not None:  # its empty cells and summed amount are not an order's
        return problems + [totals]
    _unwrap_ids(con, raw)
    problems += _customer_id_errors(con, raw, filename)
    found, log = privacy.protect(
        con, raw, contract, filename, salt if salt is not None else privacy.load_salt()
    )
    problems += found
    if privacy_log is not None:
        privacy_log[name] = log
    if con.execute(f"SELECT count(*) FROM {raw}").fetchall()[0][0] == 0:
        problems.append(
            problem(
                "table_no_rows",
                filename,
                f"{filename} 只有表头，没有数据行。",
                f"{filename} has a header but no data rows.",
            )
        )
        return problems
    have = set(columns_of(con, raw))
    problems += missing_columns(name, filename, have)
    return problems


def _repeated_header(
    con: duckdb.DuckDBPyConnection, raw: str, filename: str, columns: int = 6
) -> Problem | None:
    """An error when a data row of ``raw`` repeats the header — two or more of its first
    ``columns`` cells are their columns' names, as where two exports were pasted one under the
    other — naming the first such row and how many there are."""
    names = [c for c in columns_of(con, raw) if c != "rowid"][:columns]
    if len(names) < 2:
        return None
    hits = " + ".join(
        f"CAST(coalesce(trim(CAST({ident(c)} AS VARCHAR)) = {literal(c.strip())}, FALSE) AS INTEGER)"
        for c in names
    )
    (first, count), *_ = con.execute(
        f"SELECT min(rowid) + 1, count(*) FROM {raw} WHERE {hits} >= 2"
    ).fetchall()
    if not count:
        return None
    return problem(
        "repeated_header",
        filename,
        f"{filename} 的这一行重复了表头（共 {count} 行如此），多半是把两份导出首尾相接拼在了一起；"
        f"请删去这些重复的表头行后保存。",
        f"This row of {filename} repeats the header ({count} such row(s)), most likely where two "
        f"exports were pasted one under the other; delete the repeated header lines and save.",
        row=first,
    )


def _label_row(
    con: duckdb.DuckDBPyConnection, raw: str, filename: str, table: str
) -> Problem | None:
    """An error when, under a header of known column names, the first data row holds column
    labels too — two or more of its cells are names known for the table's columns (日期, 渠道 …:
    a second header row, as sheets made for people have one in Chinese under an English one) —
    which would be one error per column."""
    from .columns import _header_words, _plain_header

    known = set(_header_words(table)) | {c.name for c in CONTRACTS[table]}
    names = [c for c in columns_of(con, raw) if c != "rowid"]
    if len([c for c in names if _plain_header(c) in known]) < 2:
        return None  # the header is no header (a title above it: header_further_down's case)
    select = ", ".join(f"CAST({ident(c)} AS VARCHAR)" for c in names)
    row = con.execute(f"SELECT {select} FROM {raw} WHERE rowid = 0").fetchall()
    if not row:
        return None
    labels = [v.strip() for v in row[0] if v is not None and _plain_header(v) in known]
    if len(labels) < 2:
        return None
    shown = "、".join(labels[:4])
    return problem(
        "label_row",
        filename,
        f"{filename} 的第 1 行数据是列名（{shown}）：像是表头下的第二行表头；请删去这一行后保存。",
        f"The first data row of {filename} holds column names ({', '.join(labels[:4])}): a "
        f"second header row under the header; delete that row and save.",
        row=1,
    )


#: What a totals line that an export or a spreadsheet appends below the rows says in one cell.
TOTALS_WORDS = (
    "合计",
    "总计",
    "小计",
    "總計",
    "合計",
    "total",
    "totals",
    "grand total",
    "sum",
    "subtotal",
)


def _empty_rows(con: duckdb.DuckDBPyConnection, raw: str, filename: str) -> Problem | None:
    """Rows of ``raw`` with every field empty (``,,,,,,``, as a sheet saves rows that were
    formatted or cleared): those after the last record are dropped, as a workbook's trailing
    blank rows are; any between records is an error naming the first and how many (each of its
    cells was an error of its own). Nothing is renumbered: the rows kept are the file's."""
    columns = [c for c in columns_of(con, raw) if c != "rowid"]
    if not columns:
        return None
    blank = " AND ".join(f"nullif(trim(CAST({ident(c)} AS VARCHAR)), '') IS NULL" for c in columns)
    rows = [
        r[0]
        for r in con.execute(f"SELECT rowid FROM {raw} WHERE {blank} ORDER BY rowid").fetchall()
    ]
    if not rows:
        return None
    (total,), *_ = con.execute(f"SELECT count(*) FROM {raw}").fetchall()
    tail = total
    while rows and rows[-1] == tail - 1:  # the blank rows that end the table
        tail = rows.pop()
    if tail < total:
        ddl(con, f"DELETE FROM {raw} WHERE rowid >= {tail}")
    if not rows:
        return None
    return problem(
        "empty_row",
        filename,
        f"{filename} 有 {len(rows)} 行每一格都是空的（夹在数据行之间）；请删去这些空行后保存。",
        f"{len(rows)} row(s) of {filename} have every field empty, between records; delete the "
        f"empty rows and save.",
        row=rows[0] + 1,
    )


def _totals_line(
    con: duckdb.DuckDBPyConnection, raw: str, filename: str, last: int = 3
) -> Problem | None:
    """An error when one of the last ``last`` rows of ``raw`` is a totals line (its first or
    second cell says 合计, 总计, Total …, where exports put the label): read as a row, its summed
    amount would count as one more order."""
    columns = [c for c in columns_of(con, raw) if c != "rowid"][:2]
    if not columns:
        return None
    words = ", ".join(f"'{w}'" for w in TOTALS_WORDS)
    cells = " OR ".join(
        f"lower(trim(CAST({ident(c)} AS VARCHAR), ' :：')) IN ({words})" for c in columns
    )
    found = con.execute(
        f"SELECT rowid + 1 FROM (SELECT rowid, * FROM {raw} ORDER BY rowid DESC LIMIT {last}) "
        f"WHERE {cells} ORDER BY rowid LIMIT 1"
    ).fetchall()
    if not found:
        return None
    return problem(
        "totals_row",
        filename,
        f"{filename} 的这一行看来是导出时附加的合计行（某一格写着「合计」「总计」或 Total）；它不是一笔订单或一条记录，"
        f"按一行读进来会把合计金额再算一遍。请删去这一行后保存。",
        f"This row of {filename} looks like a totals line added by the export (a cell says 合计, "
        f"总计 or Total); it is not a record, and read as one its summed amount would count "
        f"again. Delete the line and save.",
        row=found[0][0],
    )


#: The code columns of any table whose values a spreadsheet export may guard as text.
GUARDED_IDS = ("order_id", "user_id", "sku", "session_id", "coupon_id")

#: A value guarded as text — Excel's ="…" formula, a leading apostrophe, a tab before or after
#: (a platform's guard against Excel) — or padded with any other space.
_GUARDED = "^[\\s\\p{Zs}]*(=\"|'')|^[\\s\\p{Zs}]|[\\s\\p{Zs}]$"


def _unwrap_ids(con: duckdb.DuckDBPyConnection, raw: str) -> None:
    """Codes written with Excel's text guards — ``="4512…"``, ``'4512…`` or a tab after them —
    read as the code itself, as an export profile reads them (:func:`fupan.ingest.readers.profiles.id_sql`): an
    orders file whose customer ids are guarded and an events file whose are not name the same
    customers (guarded, they were other customers, and the buyers were no visitors). The table is
    rewritten only when some value is guarded."""
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {raw})").fetchall())
    cols = [c for c in GUARDED_IDS if types.get(c) == "VARCHAR"]
    if not cols:
        return
    any_guarded = " OR ".join(f"regexp_matches({ident(c)}, '{_GUARDED}')" for c in cols)
    (guarded,), *_ = con.execute(f"SELECT count(*) FROM {raw} WHERE {any_guarded}").fetchall()
    if guarded:
        replace = ", ".join(f"{id_sql(ident(c))} AS {ident(c)}" for c in cols)
        ddl(
            con,
            f"CREATE OR REPLACE TABLE {raw} AS SELECT * REPLACE ({replace}) FROM {raw} ORDER BY rowid",
        )


def _customer_id_errors(con: duckdb.DuckDBPyConnection, raw: str, filename: str) -> list[Problem]:
    """Errors for customer ids of ``raw`` that are not ids, checked before they are pseudonymised
    (after, they would be one more customer each): in Excel's scientific notation (long numeric
    ids rounded to their first digits, so that different customers may now share one), or a
    failed formula's value (#N/A …, every such row one made-up customer). Each names the first
    row and the count, never an id."""
    if "user_id" not in columns_of(con, raw):
        return []
    value = "trim(CAST(user_id AS VARCHAR))"
    (count, first, failed, first_failed), *_ = con.execute(
        f"SELECT count(*) FILTER (WHERE regexp_matches({value}, '{EXCEL_SCIENTIFIC}')), "
        f"min(rowid) FILTER (WHERE regexp_matches({value}, '{EXCEL_SCIENTIFIC}')) + 1, "
        f"count(*) FILTER (WHERE {value} IN {EXCEL_ERROR_LIST}), "
        f"min(rowid) FILTER (WHERE {value} IN {EXCEL_ERROR_LIST}) + 1 FROM {raw}"
    ).fetchall()
    found = []
    if count:
        found.append(
            problem(
                "excel_scientific_id",
                filename,
                f"列 user_id 有 {count} 行是 Excel 的科学计数法（形如 1.23457E+18）：Excel 把长的客户编号四舍五入"
                f"成了前几位，不同的客户可能已变成同一个。请从平台重新导出，或在 Excel 里先把这一列设为「文本」再保存。",
                f"{count} row(s) of column user_id are in Excel's scientific notation (like 1.23457E+18): "
                f"Excel rounded these long customer ids to their first digits, so different customers may "
                f"now be one. Export again from the platform, or format the column as Text in Excel "
                f"before saving.",
                row=first,
                column="user_id",
            )
        )
    if failed:
        found.append(
            problem(
                "excel_error",
                filename,
                f"列 user_id 有 {failed} 行是电子表格公式的错误值（如 #N/A：查找公式没有找到），不是客户编号；"
                f"请在表格里修正公式（或粘贴为数值）后重新保存。",
                f"{failed} row(s) of column user_id hold a spreadsheet formula's error value (e.g. "
                f"#N/A: a lookup found nothing), not a customer id; fix the formula in the sheet (or "
                f"paste values) and save again.",
                row=first_failed,
                column="user_id",
            )
        )
    return found


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]
        ).fetchall()[0][0]
    )


def load_tables(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    card: CampaignCard,
    salt: bytes | None = None,
    privacy_log: dict | None = None,
) -> tuple[list[str], list[Problem]]:
    """Load every table the card names; return the names loaded cleanly and all problems."""
    loaded, problems = [], []
    mappings: dict[str, dict[str, str]] = dict(card.mapping.items())
    for name, filename in card.tables.items():
        if salt is None and (folder / filename).is_file():
            salt = privacy.load_salt()
        pin = pinned(card, name)
        found = load_table(
            con,
            name,
            folder,
            filename,
            mappings.get(name, {}),
            salt,
            privacy_log,
            profile=pin,
            card_row=card_line(folder, ("profile",)) if pin else None,
            currency=card.currency,
        )
        problems += found
        if not any(p.severity == "error" for p in found):
            loaded.append(name)
        elif _exists(con, f"raw_{name}"):
            ddl(con, f"DROP TABLE raw_{name}")
    return loaded, problems


@dataclass
class OpenedTable:
    """A file opened as a contract table: ``relation`` over ``raw_<table>`` in ``con`` (None when an
    error stopped the read), the problems found, and the export profile used (None for none)."""

    con: duckdb.DuckDBPyConnection
    relation: duckdb.DuckDBPyRelation | None
    problems: list[Problem] = field(default_factory=list)
    profile: str | None = None
    #: each renamed contract column's header in the file (:func:`.columns.apply_names`)
    sources: dict[str, str] = field(default_factory=dict)


def open_table(
    path: Path | str,
    kind: str | None = None,
    profile: str | None = None,
    *,
    table: str = "orders",
    mapping: dict[str, str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    salt: bytes | None = None,
    currency: str = "CNY",
) -> OpenedTable:
    """Open one file as the contract table ``table``: read by the registration ``kind`` (default:
    by extension), export ``profile`` pinned or detected, ``mapping`` applied, personal data
    removed. The relation's columns are still text (CSV, Excel) or the file's types (Parquet);
    typing and the contract checks are :mod:`fupan.ingest.validate`'s."""
    path = Path(path)
    con = con if con is not None else open_connection()
    reader = None
    if kind is not None:
        reader = READERS.get(kind)
        if reader is None:
            known = ", ".join(READERS.names())
            bad = problem(
                "table_format",
                path.name,
                f"没有名为 {kind} 的读取器；可用：{known}。",
                f"No reader is registered as {kind}; expected one of: {known}.",
            )
            return OpenedTable(con, None, [bad])
    raw = f"raw_{table}"
    problems = read_file(con, raw, path, path.name, table, reader)
    if any(p.severity == "error" for p in problems):
        return OpenedTable(con, None, problems)
    sources: dict[str, str] = {}
    used, found = shape(
        con, raw, table, path.name, mapping or {}, profile, currency=currency, sources=sources
    )
    problems += headed(found, path.name, sources)
    if not any(
        p.severity == "error" for p in problems
    ):  # what a spreadsheet did, as validation says
        totals = _totals_line(con, raw, path.name)
        problems += [totals] if totals is not None else _customer_id_errors(con, raw, path.name)
    if any(p.severity == "error" for p in problems):
        return OpenedTable(con, None, problems, used.name if used else None, sources)
    contract = {c.name for c in CONTRACTS[table]}
    found, _ = privacy.protect(
        con, raw, contract, path.name, salt if salt is not None else privacy.load_salt()
    )
    return OpenedTable(con, con.table(raw), problems + found, used.name if used else None, sources)
