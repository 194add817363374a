"""CSV and TSV: scanned by DuckDB as text; GB18030/GBK decoded in Python (registrations csv, tsv).

CSV text is UTF-8 (a BOM is fine), GB18030/GBK (Chinese Excel's default) or UTF-16 (Excel's
"Unicode text", tab-separated); bytes that are none of them are refused, naming the row of the
first bad byte. A ``.csv`` or ``.txt`` is read with the separator its first line shows (a comma,
else a tab, else a semicolon, or the one Excel's ``sep=`` line names). A row must not have more fields than
the header; a CSV whose last line is cut short (no final newline and fewer fields than the header)
is truncated.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import duckdb

from ...errors import Problem
from ...extract.duck import ddl, ident
from .files import (
    HEAD,
    columns_of,
    duplicate_columns,
    encoding_problem,
    problem,
    sniff,
)
from .registry import Reader, register_reader


def csv_header(text: str, sep: str) -> list[str]:
    text = text.lstrip("\ufeff")
    try:
        return [h.strip() for h in next(csv.reader(io.StringIO(text), delimiter=sep), [])]
    except csv.Error:
        return []


def _read_csv_sql(sep: str) -> str:
    """DuckDB's read of a delimited file as text columns, for either encoding: a row with more
    fields than the header adds unnamed columns (null_padding), which :func:`read_delimited`
    then reports, instead of failing the read or shifting the row."""
    return (
        f"SELECT * FROM read_csv(?, all_varchar=true, header=true, delim='{sep}', quote='\"', "
        f"escape='\"', strict_mode=false, null_padding=true)"
    )


def _read_rewritten(
    con: duckdb.DuckDBPyConnection,
    raw: str,
    path: Path,
    filename: str,
    sep: str,
    encoding: str,
    skip: int = 0,
) -> list[Problem] | None:
    """Read ``path`` through a UTF-8 copy without its first ``skip`` lines (Excel's ``sep=`` line;
    DuckDB's own ``skip`` changes how it reads a row with a field too many). Chinese exports are
    often GB18030/GBK: decoded here, written to a temporary file (private to this user, mode
    0600, and removed as soon as DuckDB has read it: it holds the export's personal data as the
    export does) and read by DuckDB exactly as a UTF-8 file is (pandas would take a row's extra
    fields for an index — a trailing comma on every line shifted every column by one — and stop
    at one bad row). Returns the problems that stop the read, or None when the table was
    created."""
    import os
    import tempfile

    data = path.read_bytes()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return [encoding_problem(filename, data)]
    del data
    if skip:
        text = "".join(text.splitlines(keepends=True)[skip:])
    fd, name = tempfile.mkstemp(suffix=".csv", prefix="fupan-read-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        del text
        ddl(con, f"CREATE TABLE {raw} AS {_read_csv_sql(sep)}", [name])
    finally:
        os.unlink(name)
    return None


def unclosed_quote(path: Path, sep: str) -> tuple[int, str] | None:
    """(data row, column) of the row whose quoted field opens and never closes, when the file is
    UTF-8 throughout and has one — a hand edit leaving ``"到了打电话`` in a comment column makes a
    CSV reader take the rest of the file as that one field (and DuckDB's sniffer give up, which
    read as a wrong encoding, at the end of the file). None when the file is not UTF-8 or no
    quote runs away."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    header: list[str] = []
    start, row = 1, 0
    try:
        for fields in reader:
            if not header:
                header = fields
            else:
                row += 1
                if reader.line_num - start > 50 or (
                    reader.line_num >= text.count("\n") and len(fields) < len(header)
                ):
                    break  # a record of over 50 lines, or a short one that ran to the end
            start = reader.line_num + 1
        else:
            return None
    except csv.Error:
        row += 1  # the record that failed is the next data row
    # the column: the first field of that line starting with a quote it does not close
    line = text.splitlines()[start - 1] if start - 1 < len(text.splitlines()) else ""
    column = ""
    for i, part in enumerate(line.split(sep)):
        if part.lstrip().startswith('"') and part.count('"') % 2 == 1:
            column = header[i] if i < len(header) else ""
            break
    return row, column


def quote_problem(filename: str, row: int, column: str) -> Problem:
    where_zh = f"「{column}」列" if column else "某个字段"
    where_en = f"column '{column}'" if column else "a field"
    return problem(
        "unclosed_quote",
        filename,
        f'{filename} 第 {row} 行的{where_zh}以英文引号 " 开头却没有结束引号：读取时会把之后整个文件当作这一个字段。'
        f"请删掉这个引号或补上结束引号后保存（编码没有问题）。",
        f'In row {row} of {filename}, {where_en} opens a double quote (") that never closes: a '
        f"CSV reader takes the rest of the file for that one field. Delete the quote or close it, "
        f"and save (the encoding is fine).",
        row=row,
        column=column or None,
    )


def title_above_header(head: str, sep: str, lines: int = 20) -> tuple[int, str, int, int] | None:
    """When a file's first line(s) are a title above its header (``订单报表 导出时间 …``, as many
    platform exports and hand-made reports start): how many lines are above the header, the first
    of them (cut to 40 characters), the header's number of fields and the first line's filled. Seen in the first ``lines``
    lines: the header is the first line with the most fields (at least two) — or, when a title is
    padded with separators to its width, the first line with more than half of them filled — and
    the first line has at most half as many filled."""
    rows = []
    for text in head.splitlines()[:lines]:
        if text.strip():
            try:
                fields = next(csv.reader([text], delimiter=sep), [])
            except csv.Error:
                return None
            rows.append((text, len(fields), sum(1 for f in fields if f.strip())))
    if not rows:
        return None
    wide = max(n for _, n, _ in rows)
    above = next(i for i, (_, n, _) in enumerate(rows) if n == wide)
    if wide < 2 or rows[0][2] * 2 > wide or (above == 0 and rows[0][2] == wide):
        return None
    if above == 0:  # a title padded with separators to the header's width, as a sheet saves it
        above = next((i for i, (_, _, filled) in enumerate(rows) if filled * 2 > wide), 0)
        if above == 0:
            return None
    line = rows[0][0].strip().strip(sep).strip()
    return above, (line[:40] + "…" if len(line) > 40 else line), wide, rows[0][2]


def read_delimited(
    con: duckdb.DuckDBPyConnection, raw: str, path: Path, filename: str, sep: str, skip: int = 0
) -> list[Problem]:
    """Load a delimited text file as text columns; return the problems that make its rows unreliable."""
    with open(path, "rb") as fh:
        if sniff(fh.read(HEAD)) == "utf16":
            return [encoding_problem(filename, b"", utf16=True)]
    encoding = "utf-8-sig"
    if skip:  # Excel's sep= line: read through a copy without it, as UTF-8 else GB18030
        for encoding in ("utf-8-sig", "gb18030"):
            stop = _read_rewritten(con, raw, path, filename, sep, encoding, skip)
            if stop is None:
                break
        if stop is not None:
            return stop
    else:
        try:
            ddl(con, f"CREATE TABLE {raw} AS {_read_csv_sql(sep)}", [str(path)])
        except duckdb.Error as exc:
            if "unicode" not in str(exc).lower() and "utf" not in str(exc).lower():
                raise
            quote = unclosed_quote(path, sep)
            if quote is not None:  # UTF-8 all through: not the encoding, a quote never closed
                return [quote_problem(filename, *quote)]
            stop = _read_rewritten(con, raw, path, filename, sep, "gb18030")
            if stop is not None:
                return stop
            encoding = "gb18030"
    with open(path, "rb") as fh:
        head = fh.read(HEAD).decode(encoding, errors="replace")
        if skip:  # the lines before the header (Excel's sep= line)
            head = "".join(head.lstrip("\ufeff").splitlines(keepends=True)[skip:])
        fh.seek(max(path.stat().st_size - HEAD, 0))
        tail = fh.read()
    header = csv_header(head, sep)
    problems = duplicate_columns(filename, header)
    columns = columns_of(con, raw)
    if header and len(columns) > len(header):  # null_padding: a long row adds unnamed columns
        extra = " OR ".join(f"{ident(c)} IS NOT NULL" for c in columns[len(header) :])
        first = con.execute(f"SELECT min(rowid) + 1, count(*) FROM {raw} WHERE {extra}").fetchall()
        rows = con.execute(f"SELECT count(*) FROM {raw}").fetchall()[0][0]
        title = title_above_header(head, sep)
        # a title: most rows are wider than it, and it is less than half as wide as they are
        # (an unquoted comma widens a few rows by a field or two)
        if first[0][0] is not None and title is not None and first[0][1] * 2 >= rows:
            above, line, wide, filled = title
            problems.append(
                problem(
                    "title_above_header",
                    filename,
                    f"{filename} 的第 1 行「{line}」看来是标题而不是表头：表头似乎在第 {above + 1} 行"
                    f"（它有 {wide} 列，第 1 行只填了 {filled} 列）。请删去表头上方的 {above} 行后保存。",
                    f"Line 1 of {filename} ('{line}') looks like a title, not the header: the header "
                    f"seems to be on line {above + 1} ({wide} fields; line 1 fills {filled}). "
                    f"Delete the {above} line(s) above the header and save.",
                )
            )
        elif first[0][0] is not None:
            problems.append(
                problem(
                    "too_many_fields",
                    filename,
                    f"{filename} 有 {first[0][1]} 行的字段数多于表头的 {len(header)} 列（可能是未加引号的逗号）。",
                    f"{first[0][1]} row(s) of {filename} have more fields than the {len(header)} header columns "
                    f"(an unquoted comma?).",
                    row=first[0][0],
                )
            )
    n = con.execute(f"SELECT count(*) FROM {raw}").fetchall()[0][0]
    if n and not tail.endswith((b"\n", b"\r")):
        last = re.split(r"\r\n|\r|\n", tail.decode(encoding, errors="replace"))[-1]
        try:
            fields = next(csv.reader([last], delimiter=sep), [])
        except csv.Error:
            fields = header
        if len(fields) < len(header):
            problems.append(
                problem(
                    "table_truncated",
                    filename,
                    f"{filename} 在第 {n} 行中间被截断（最后一行只有 {len(fields)} 个字段，表头有 {len(header)} 列，且文件不以换行结尾）；"
                    f"请重新导出完整文件。",
                    f"{filename} is cut off in the middle of row {n} (the last line has {len(fields)} of "
                    f"{len(header)} fields and no final newline); export the whole file again.",
                    row=n,
                )
            )
    return problems


def csv_separator(head: bytes) -> tuple[str, int]:
    """The separator of a ``.csv`` or ``.txt`` file from its first bytes, and how many lines come
    before its header: a first line ``sep=;`` (Excel's own directive, which Excel reads and hides)
    names it and is skipped; else, when the first line has no comma, a tab if it has tabs (Excel's
    "Text (tab delimited)" and "Unicode text" saves) or ``;`` if it has semicolons (Excel saves a
    CSV so in locales whose decimal mark is a comma), or ``" "`` — runs of spaces — when the head's
    lines have as many words each and no other separator (columns aligned as in a printed
    report); else ``,``."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = text.splitlines()
    directive = re.fullmatch(r"\s*sep=(.)\s*", lines[0]) if lines else None
    if directive:
        return directive.group(1), 1
    first = next((line for line in lines if line.strip()), "")
    if "," in first:
        return ",", 0
    if "\t" in first or ";" in first:
        return ("\t" if "\t" in first else ";"), 0
    # columns aligned with spaces (a report printed to text, as CDNOW's is): runs of spaces, when
    # no line of the head has a comma, tab, semicolon or quote and all have as many words (≥ 2) —
    # a title with spaces above a CSV is not that
    head_lines = [line for line in lines[:-1] if line.strip()][:20] or [first]
    words = {len(line.split()) for line in head_lines}
    aligned = (
        len(words) == 1
        and min(words) >= 2
        and not any(mark in line for line in head_lines for mark in ',\t;"')
    )
    return (" " if aligned else ","), 0


def _tab_copy(path: Path) -> Path:
    """A text file whose columns are separated by runs of spaces as a temporary tab-separated copy
    (private, mode 0600; the caller removes it), line for line so that rows keep their numbers."""
    import os
    import tempfile

    fd, name = tempfile.mkstemp(suffix=".tsv", prefix="fupan-read-")
    try:
        with (
            open(path, encoding="utf-8-sig", errors="replace", newline="") as src,
            os.fdopen(fd, "w", encoding="utf-8", newline="") as out,
        ):
            for line in src:
                end = "\n" if line.endswith(("\n", "\r")) else ""
                out.write("\t".join(line.split()) + end)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def _utf8_copy(path: Path, filename: str) -> Path | Problem:
    """A UTF-16 text file (Excel's "Unicode text" save: tab-separated, with a byte-order mark)
    as a temporary UTF-8 copy, private to this user (mode 0600) — the caller removes it as soon as
    it is read, since it holds the export's personal data as the export does; or the problem
    when the bytes are not UTF-16 after all."""
    import os
    import tempfile

    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"  # the byte-order mark says which, and is dropped
    else:  # no mark: ASCII characters have their zero byte second (little-endian) or first
        encoding = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return encoding_problem(filename, b"", utf16=True)
    del data
    fd, name = tempfile.mkstemp(suffix=".csv", prefix="fupan-read-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def _read_text_file(
    con: duckdb.DuckDBPyConnection, raw: str, path: Path, filename: str, sep: str | None
) -> list[Problem]:
    """:func:`read_delimited` of a text file in any of the encodings read (a UTF-16 one through a
    UTF-8 copy), with the separator ``sep`` or, when None, the one :func:`csv_separator` finds."""
    with open(path, "rb") as fh:
        head = fh.read(HEAD)
    copy = None
    if sniff(head) == "utf16":
        converted = _utf8_copy(path, filename)
        if isinstance(converted, Problem):
            return [converted]
        copy = path = converted
        with open(path, "rb") as fh:
            head = fh.read(HEAD)
    spaced = None
    try:
        found_sep, skip = csv_separator(head) if sep is None else (sep, 0)
        if found_sep == " ":
            spaced = _tab_copy(path)
            problems = read_delimited(con, raw, spaced, filename, "\t", skip)
        else:
            problems = read_delimited(con, raw, path, filename, found_sep, skip)
    finally:
        for made in (copy, spaced):
            if made is not None:
                made.unlink()
    if not skip and not any(p.severity == "error" for p in problems):
        if found_sep == ";":
            problems.append(_semicolons(filename))
        elif found_sep == " ":
            problems.append(
                problem(
                    "space_aligned",
                    filename,
                    f"{filename} 的各列以空格对齐（没有逗号或制表符），已按连续空格分列读取；值里不能有空格。",
                    f"The columns of {filename} are aligned with spaces (no comma or tab) and were "
                    f"read split at runs of spaces; no value may hold a space.",
                    severity="warning",
                )
            )
    return problems


def _semicolons(filename: str) -> Problem:
    return problem(
        "semicolon_separated",
        filename,
        f"{filename} 以分号（;）分隔，已按分号读取（欧洲区域的 Excel 这样保存 CSV；其金额常以逗号作小数点）。",
        f"{filename} is separated by semicolons and was read so (Excel saves a CSV so in "
        f"European locales, whose amounts often have a decimal comma).",
        severity="warning",
    )


def _csv(con: duckdb.DuckDBPyConnection, raw: str, path: Path, filename: str) -> list[Problem]:
    return _read_text_file(con, raw, path, filename, None)


def _tsv(con: duckdb.DuckDBPyConnection, raw: str, path: Path, filename: str) -> list[Problem]:
    return _read_text_file(con, raw, path, filename, "\t")


register_reader(Reader("csv", (".csv", ".txt"), frozenset({"text", "utf16"}), _csv))
register_reader(Reader("tsv", (".tsv",), frozenset({"text", "utf16"}), _tsv))
