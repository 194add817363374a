"""One exception hierarchy for everything a user can get wrong.

Every user-facing error carries one or more :class:`Problem` records saying *what* is wrong,
*where* (file, row, column) and *what was expected*, in Chinese and English. The CLI prints them
and exits with code 2; it never shows a traceback for a user mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: files a spreadsheet opens with the header as its row 1 (:meth:`Problem.where`)
SHEETS = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a campaign folder.

    Parameters
    ----------
    code : short stable identifier, e.g. ``"window_overlap"``; tests match on it.
    file : the file concerned (relative to the campaign folder) or ``None``.
    zh, en : the message in Chinese and in English, including what was expected.
    row : 1-based data row in the file (header excluded), where one applies.
    column : the column (or card key path such as ``windows.burst``), where one applies.
    severity : ``"error"`` stops the run; ``"warning"`` is shown and the run goes on.
    header : the file's own name of ``column`` where the two differ — a platform export's
        ``退款金额`` for the contract's ``refund_amount`` — shown first: ``column 退款金额
        (refund_amount)``.
    """

    code: str
    file: str | None
    zh: str
    en: str
    row: int | None = None
    column: str | None = None
    severity: str = "error"
    header: str | None = None

    @property
    def on_command_line(self) -> bool:
        """About a command-line option (``--out``) or argument (``CAMPAIGNS``), not the data."""
        return bool(
            self.column
            and self.row is None
            and (self.column.startswith("-") or self.column.isupper())
        )

    def where(self) -> str:
        """``file, data row N (Excel row N+1), column C``: a table's rows are counted without the
        header, which a spreadsheet shows as its row 1; in the card, ``line N, key K``."""
        if self.on_command_line:  # with the value it was given
            assert self.column is not None
            label = "option" if self.column.startswith("-") else "argument"
            return f"{label} {self.column}" + (f" = {self.file}" if self.file else "")
        parts = [self.file or "-"]
        suffix = Path(self.file).suffix.lower() if self.file else ""
        if self.row is None:
            pass
        elif suffix in (".yaml", ".yml"):
            parts.append(f"line {self.row}")
        elif suffix in SHEETS:
            parts.append(f"data row {self.row} (Excel row {self.row + 1})")
        else:
            parts.append(f"data row {self.row}")
        if self.column:  # in the card, a key path such as windows.burst
            named = f"{self.header} ({self.column})" if self.header else self.column
            parts.append(f"{'key' if suffix in ('.yaml', '.yml') else 'column'} {named}")
        return ", ".join(parts)

    def format(self) -> str:
        tag = "错误 ERROR" if self.severity == "error" else "警告 WARNING"
        return f"[{tag}] {self.where()} ({self.code})\n    {self.zh}\n    {self.en}"


class FupanError(Exception):
    """Base class of every error fupan raises on purpose."""

    exit_code = 1


#: How the message of a failed validation begins: ``fupan batch`` tells a run that failed on its
#: data or card (which the same inputs fail again) from one that failed otherwise by it.
VALIDATION_FAILED = "校验失败：发现"


class ValidationError(FupanError):
    """The campaign card or its tables break the contract; nothing was executed or written."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = [p for p in problems if p.severity == "error"]
        self.warnings = [p for p in problems if p.severity != "error"]
        super().__init__(self.format())

    def format(self) -> str:
        n = len(self.problems)
        head = (
            f"命令参数有误：发现 {n} 个问题 / Invalid command line: {n} problem(s) found"
            if self.problems and all(p.on_command_line for p in self.problems)
            else f"{VALIDATION_FAILED} {n} 个问题 / Validation failed: {n} problem(s) found"
        )
        # the warnings too: what was noticed on the way may explain an error (a workbook read from
        # its first sheet, a detected export profile)
        return "\n".join([head, *(p.format() for p in self.problems + self.warnings)])


class ConfigError(FupanError):
    """fupan's own set-up is unusable (e.g. the pseudonymisation salt file); the message says how to fix it."""

    exit_code = 2


class NotebookExecutionError(FupanError):
    """A cell of the report template failed; the partly executed notebook was kept."""

    exit_code = 3

    def __init__(self, section: str, cell_index: int, ename: str, evalue: str, notebook_path: str):
        self.section, self.cell_index = section, cell_index
        self.ename, self.evalue, self.notebook_path = ename, evalue, notebook_path
        super().__init__(
            f"报告执行失败：章节「{section}」中模板第 {cell_index} 个单元格（从 0 计）出错 ({ename}: {evalue})。"
            f"已保留执行过的笔记本：{notebook_path}\n"
            f"Report execution failed in section '{section}', template cell {cell_index} (0-based) "
            f"({ename}: {evalue}). The executed notebook was kept at {notebook_path}"
        )


class CaseRecordError(FupanError):
    """A case record does not match its schema or its own content hash."""

    exit_code = 2


class ArchiveConflictError(FupanError):
    """An existing case or report would be overwritten without ``--force``."""

    exit_code = 2
