"""Personal data (个人信息) is removed when a table is loaded, before anything else sees it.

The rules (DESIGN.md, "Safe to share"), applied by :func:`protect` (called from
:func:`fupan.ingest.readers.load_table`) to every table right after it is read and its columns are mapped,
before any check, typing or analysis sees it:

1. **Dropped**: a column that is not part of the table's contract (:data:`fupan.ingest.card.CONTRACTS`)
   is dropped when its *name* says personal data (:func:`pii_kind_of_column`: 手机/电话/phone/mobile,
   姓名/收货人/name, 地址/address, 身份证/id_card, 邮箱/email, 昵称/旺旺/nickname, …) or when one of
   its first :data:`SAMPLE_ROWS` values *contains* a Chinese mobile number, an 18-digit resident ID
   number with a valid check digit or an e-mail address (:func:`scan_text`). A warning names the
   columns dropped, never their values.
2. **Pseudonymised**: ``user_id`` is always replaced by :func:`pseudonym` — ``"h"`` + the first 16
   hex digits of SHA-256(key ‖ id), the key a 128-bit secret derived from the salt (a truncated
   secret-prefix hash, a pseudorandom function like HMAC:
   :func:`fupan.extract.engines.secrets.keyed_hash`). Distinct ids stay distinct (64 bits) and
   equal ids stay equal across tables, so counts and joins are unchanged. The other free-text
   contract columns in :data:`PSEUDONYMISE_IF_PII` (order_id, session_id, sku, category, channel, variant) get the same
   treatment, with a warning, when one of their first :data:`SAMPLE_ROWS` values *is* a phone
   number, ID number or e-mail address (whole-value match, so ordinary codes are left alone).
3. **The salt** is secret, per case library and never inside the repository: the file named by
   ``$FUPAN_SALT_FILE`` if set, else ``$XDG_CONFIG_HOME/fupan/salt`` (``~/.config/fupan/salt``).
   It is created on first use (32 random bytes as 64 hex digits, mode 0600). The same salt and the
   same data give the same pseudonyms, so case records stay byte-identical; machines that must
   produce identical records (CI, a team's shared runner) point ``FUPAN_SALT_FILE`` at one file.

:func:`scan_text` is also the checker the end-to-end tests run over every report.html and
case.json: it finds phone numbers, ID numbers and e-mail addresses in text while leaving money
(``13812345678.00``), timestamps, epoch milliseconds and hex digests alone.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..config import SALT_ENV, salt_file
from ..errors import ConfigError, Problem
from ..extract.duck import ddl, ident, trimmed
from ..extract.engines.secrets import keyed_hash, pseudonym_key

SAMPLE_ROWS = 10_000
PSEUDONYM_HEX = 16
PSEUDONYMISE_IF_PII = ("order_id", "session_id", "sku", "category", "channel", "variant")
KIND_ZH = {
    "phone": "手机号/电话",
    "id_card": "身份证号",
    "email": "电子邮箱",
    "name": "姓名",
    "address": "地址",
    "nickname": "昵称/账号",
}


# ----------------------------------------------------------------------------- salt
# Where it lives: :func:`fupan.config.salt_file` (re-exported here with SALT_ENV).
def _salt_error(path: Path, zh: str, en: str) -> ConfigError:
    return ConfigError(
        f"盐值文件 {path} {zh}。可设置环境变量 {SALT_ENV} 指向另一个文件。\n"
        f"Salt file {path}: {en}. Set {SALT_ENV} to use another file."
    )


def load_salt(path: Path | str | None = None, *, create: bool = True) -> bytes:
    """Read the pseudonymisation salt, creating it (atomically, mode 0600) when it does not exist."""
    path = Path(path) if path is not None else salt_file()
    if not path.exists() and create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(secrets.token_hex(32) + "\n")
            try:
                os.link(tmp, path)  # fails if another process created it first: theirs wins
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        except OSError as exc:
            raise _salt_error(
                path, f"无法创建（{exc.strerror}）", f"cannot be created ({exc.strerror})"
            ) from None
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not ASCII"
        raise _salt_error(path, f"无法读取（{reason}）", f"cannot be read ({reason})") from None
    if not re.fullmatch(r"[0-9a-fA-F]{32,128}", text) or len(text) % 2:
        raise _salt_error(
            path,
            "内容无效：应为 32–128 位十六进制数字",
            "is invalid: expected 32-128 hexadecimal digits",
        )
    return bytes.fromhex(text)


def salt_fingerprint(salt: bytes) -> str:
    """A short public fingerprint of the salt (to tell which salt made a record), not the salt."""
    return hashlib.sha256(b"fupan-salt-fingerprint:" + salt).hexdigest()[:12]


# ----------------------------------------------------------------------------- pseudonyms
def pseudonym(value: str, salt: bytes) -> str:
    """``"h"`` + the first 16 hex digits of the keyed hash of ``value``
    (:func:`fupan.extract.engines.secrets.keyed_hash`, SHA-256 of a secret prefix and the
    value) — the reference for the SQL."""
    return "h" + keyed_hash(value, salt)[:PSEUDONYM_HEX]


def pseudonym_sql(expr: str, salt: bytes) -> str:
    """The DuckDB expression computing :func:`pseudonym` of the VARCHAR ``expr``."""
    return f"('h' || left(sha256('{pseudonym_key(salt)}' || {expr}), {PSEUDONYM_HEX}))"


#: the DuckDB variable holding :func:`pseudonym_key` on a connection (:func:`set_pseudonym_key`)
KEY_VARIABLE = "fupan_pseudonym_key"


def set_pseudonym_key(con: duckdb.DuckDBPyConnection, salt: bytes) -> None:
    """Give ``con`` the pseudonym key as the variable :data:`KEY_VARIABLE`, which
    :func:`lazy_pseudonym_sql` reads: a view computing pseudonyms then names the variable, and the
    key is written into no file."""
    ddl(con, f"SET VARIABLE {KEY_VARIABLE} = '{pseudonym_key(salt)}'")


def lazy_pseudonym_sql(expr: str) -> str:
    """:func:`pseudonym_sql` with the key read from the connection's :data:`KEY_VARIABLE`: for a
    view over a file left in place (the behaviour log), whose pseudonyms are computed only for
    the rows a query reads — the extract itself reads the log's customers by
    :func:`raw_customer_key_sql`, never by pseudonym."""
    return f"('h' || left(sha256(getvariable('{KEY_VARIABLE}') || {expr}), {PSEUDONYM_HEX}))"


def customer_key_sql(text: str) -> str:
    """The kernel's 64-bit customer key of an id's trimmed text ``text`` (:func:`id_text_sql`):
    DuckDB's ``hash``. It matches the behaviour log's customers (read in place, by
    :func:`raw_customer_key_sql`) to the orders' (by their pseudonym tables) inside the database;
    it is no pseudonym — it is not keyed — so it is only ever counted or joined on, never written
    into a result (the customer keys that leave are hashes of pseudonyms)."""
    return f"hash({text})"


def raw_customer_key_sql(q: str, raw_type: str, *, trim: bool = True) -> str:
    """:func:`customer_key_sql` of the id in column ``q`` of a file read in place, computed per
    row without a pseudonym: the text is trimmed only where trimming can change it
    (:func:`fupan.extract.duck.trimmed`; at 67M events, trimming every id cost 1.5 s of the
    behaviour extract; the pseudonyms' join it replaces cost 2.6 s) — or, ``trim=False`` (a text
    column validation found no value of to trim), not at all. An empty id has no key worth
    anything, but validation rejects it."""
    if raw_type == "VARCHAR":
        return customer_key_sql(trimmed(q) if trim else q)
    return customer_key_sql(id_text_sql(q, raw_type))


# ----------------------------------------------------------------------------- column names
_ZH_NAMES = (  # order matters: 收货人手机 is a phone column, 收货人 alone a name
    ("id_card", ("身份证", "证件号", "证件号码")),
    ("phone", ("手机", "电话", "联系方式")),
    ("email", ("邮箱", "电子邮件", "邮件地址", "电邮")),
    ("address", ("地址", "住址", "收货地")),
    ("nickname", ("昵称", "旺旺", "微信", "会员名", "用户名", "账号名")),
    ("name", ("姓名", "收货人", "收件人", "联系人", "买家名", "客户名", "真实名")),
)
_EN_NAMES = (  # matched against the snake_case form of the name, e.g. "BuyerPhone" → buyer_phone
    (
        "id_card",
        r"(^|_)(id_?card|id_?no|id_?number|identity(_card)?(_no|_number)?|ssn|passport(_no|_number)?"
        r"|cert(ificate)?_?(no|number))(_|$)",
    ),
    ("phone", r"phone|(^|_)(mobile|tel|telephone|cell|contact)(_?(no|number))?$"),
    ("email", r"e_?mail|(^|_)mail(_|$)"),
    ("address", r"address|(^|_)(addr|street|postcode|zip_?code)(_|$)"),
    (
        "nickname",
        r"nickname|(^|_)(nick|wangwang|wechat|weixin|qq|username|user_name|login|account_name)(_|$)"
        r"|(buyer|user|member)_?nick",
    ),
    (
        "name",
        r"^name$|(^|_)((buyer|customer|receiver|recipient|consignee|contact|real|full|first|last|given"
        r"|family|sur|member|person)_?name|consignee|recipient|receiver|contact_?person)(_|$)",
    ),
)


def _snake(name: str) -> str:
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name.strip())
    return "_".join(t for t in re.split(r"[^0-9a-zA-Z]+", name.lower()) if t)


def pii_kind_of_column(name: str) -> str | None:
    """The kind of personal data a column *name* announces (``"phone"``, ``"name"`` …) or None."""
    for kind, words in _ZH_NAMES:
        if any(w in name for w in words):
            return kind
    snake = _snake(name)
    for kind, pattern in _EN_NAMES:
        if re.search(pattern, snake):
            return kind
    return None


# ----------------------------------------------------------------------------- values in text
_NOT_BEFORE = r"(?<![0-9A-Za-z_+\-])(?<![0-9]\.)"  # no letter/digit glued on, not a decimal's tail
_NOT_AFTER = r"(?![0-9A-Za-z_])(?!\.[0-9])(?!-[0-9])"  # …and not followed by decimals
_PHONE = re.compile(
    _NOT_BEFORE + r"(?:(?:\+|00)86[ \-]?)?(1[3-9][0-9](?:[ \-]?[0-9]{4}){2})" + _NOT_AFTER
)
_ID = re.compile(_NOT_BEFORE + r"([1-9][0-9]{16}[0-9Xx])" + _NOT_AFTER)
_FILE_TLD = (
    r"(?:png|jpe?g|gif|svg|webp|bmp|ico|css|js|mjs|map|woff2?|ttf|otf|eot|json|html?|txt|csv|py)"
)
_EMAIL = re.compile(
    r"(?<![0-9A-Za-z_.%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+"
    rf"(?!{_FILE_TLD}(?![A-Za-z]))[A-Za-z]{{2,24}}(?![0-9A-Za-z_])"
)
_DATA_URI = re.compile(r"data:[\w/+.\-]+(?:;[\w=.\-]+)*;base64,[A-Za-z0-9+/=\s]+")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def is_cn_id_number(text: str) -> bool:
    """An 18-character resident ID: plausible birth date (1900–2099) and a valid check digit."""
    if not re.fullmatch(r"[1-9][0-9]{16}[0-9Xx]", text):
        return False
    year, month, day = int(text[6:10]), int(text[10:12]), int(text[12:14])
    if not (1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31):
        return False
    check = "10X98765432"[sum(int(d) * w for d, w in zip(text[:17], _ID_WEIGHTS, strict=True)) % 11]
    return text[17].upper() == check


@dataclass(frozen=True)
class Finding:
    """Personal data found in a text: its kind, where (``text[start:end]``) and a masked form."""

    kind: str
    start: int
    end: int
    masked: str


def _mask(kind: str, value: str) -> str:
    if kind == "email":
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    digits = re.sub(r"[^0-9Xx]", "", value)
    return digits[:3] + "*" * max(len(digits) - 7, 1) + digits[-4:]


def scan_text(text: str) -> list[Finding]:
    """Every phone number, resident ID number and e-mail address in ``text``, in order.

    Built to be run over a whole report: base64 ``data:`` URIs (embedded images and fonts) are
    skipped, and a digit run counts only when nothing alphanumeric is glued to it and it is not part
    of a decimal number — so ``13812345678.00`` (money), ``1731312000000`` (epoch ms), timestamps and
    hex digests do not fire, while ``手机13812345678`` and ``+86 138-1234-5678`` do.
    """
    blanked = _DATA_URI.sub(lambda m: " " * len(m.group()), text)
    found: list[Finding] = []
    for m in _PHONE.finditer(blanked):
        found.append(Finding("phone", m.start(), m.end(), _mask("phone", m.group())))
    for m in _ID.finditer(blanked):
        if is_cn_id_number(m.group(1)):
            found.append(Finding("id_card", m.start(), m.end(), _mask("id_card", m.group())))
    for m in _EMAIL.finditer(blanked):
        found.append(Finding("email", m.start(), m.end(), _mask("email", m.group())))
    return sorted(found, key=lambda f: (f.start, f.kind))


def pii_kind_of_value(value: object) -> str | None:
    """The kind of personal data a whole *value* is (phone, ID number, e-mail) or None.

    Stricter than :func:`scan_text`: the value must be nothing else (a phone stored as a float
    ``13812345678.0`` counts), so codes that merely contain digits are left alone.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text or not (
        text[0].isdigit() or text[0] == "+" or "@" in text
    ):  # fast path: codes like u123
        return None
    text = re.sub(r"^([0-9]+)\.0+$", r"\1", text)
    for f in scan_text(text):
        if f.start == 0 and f.end == len(text):
            return f.kind
    return None


# ----------------------------------------------------------------------------- at ingestion
def _sample(con: duckdb.DuckDBPyConnection, raw: str, column: str) -> set[str]:
    q = ident(column)
    rows = con.execute(
        f"SELECT DISTINCT v FROM (SELECT TRY_CAST({q} AS VARCHAR) AS v FROM {raw} "
        f"LIMIT {SAMPLE_ROWS}) WHERE v IS NOT NULL"
    ).fetchall()
    return {r[0] for r in rows}


def id_text_sql(q: str, raw_type: str) -> str:
    """The id in column ``q`` (of DuckDB type ``raw_type``) as trimmed text, NULL when empty; a
    whole number stored as a float is written without its ``.0`` (123.0 and 123 are one id)."""
    if raw_type in ("DOUBLE", "FLOAT") or raw_type.startswith("DECIMAL"):
        return (
            f"CASE WHEN {q} = floor({q}) AND abs({q}) < 1e15 THEN CAST(CAST({q} AS BIGINT) AS VARCHAR) "
            f"ELSE CAST({q} AS VARCHAR) END"
        )
    return f"nullif(trim(TRY_CAST({q} AS VARCHAR)), '')"


def id_key_sql(q: str, raw_type: str) -> str:
    """The id in column ``q`` as the pseudonym tables' join key: its text as the file holds it,
    not trimmed (trimming every row of a large file costs more than the join itself; ``" u1"`` and
    ``"u1"`` are two keys with one pseudonym), a float id as in :func:`id_text_sql`."""
    if raw_type in ("DOUBLE", "FLOAT") or raw_type.startswith("DECIMAL"):
        return id_text_sql(q, raw_type)
    return q if raw_type == "VARCHAR" else f"TRY_CAST({q} AS VARCHAR)"


def pseudonym_table(
    con: duckdb.DuckDBPyConnection, table: str, source: str, column: str, raw_type: str, salt: bytes
) -> bool:
    """``table`` (v, p): each distinct id of ``column`` in the relation ``source`` as the file
    holds it (``v``, :func:`id_key_sql`) and the pseudonym of its trimmed text (``p``); an id
    that is empty once trimmed has no row. Each distinct id is hashed once, however many rows carry
    it; the rows get their pseudonym by a join on ``v``, the file's own value (no per-row trim).

    Returns whether every row of ``source`` has an id: no distinct value (NULL among them) was
    left out as empty — then a per-row check for empty ids cannot find any."""
    key = id_key_sql(ident(column), raw_type)
    text = id_text_sql("v", "VARCHAR")
    # two statements: as one, DuckDB pushes the trim below the DISTINCT, onto every row (at 67M
    # rows and 11M ids: 22 s, against 6 s for the distinct ids and 10 s for their pseudonyms)
    ddl(con, f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT DISTINCT {key} AS v FROM {source}")
    distinct = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    ddl(
        con,
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT v, {pseudonym_sql(text, salt)} AS p "
        f"FROM {table} WHERE {text} IS NOT NULL",
    )
    return bool(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] == distinct)


def _pseudonymise(
    con: duckdb.DuckDBPyConnection, raw: str, column: str, raw_type: str, salt: bytes
) -> None:
    """Replace ``column`` of the table ``raw`` by salted pseudonyms; hash each distinct value once,
    then update."""
    q = ident(column)
    ddl(
        con,
        f"ALTER TABLE {raw} ALTER COLUMN {q} SET DATA TYPE VARCHAR USING {id_text_sql(q, raw_type)}",
    )
    pseudonym_table(con, "_pseudonyms", raw, column, "VARCHAR", salt)
    try:
        if column == "user_id":
            ddl(
                con,
                f"CREATE OR REPLACE TEMP TABLE {keys_table(raw)} AS {customer_keys_sql('_pseudonyms')}",
            )
        ddl(
            con,
            f"UPDATE {raw} SET {q} = _pseudonyms.p FROM _pseudonyms WHERE {raw}.{q} = _pseudonyms.v",
        )
    finally:
        ddl(con, "DROP TABLE _pseudonyms")


def keys_table(raw: str) -> str:
    """The temporary table in which :func:`protect` leaves the customer keys of the copied table
    ``raw``'s ids (:func:`customer_keys_sql`)."""
    return f"_customer_keys_{raw}"


def customer_keys_sql(pseudonyms: str) -> str:
    """(user_id, user_key): each pseudonym of the pseudonym table ``pseudonyms``
    (:func:`pseudonym_table`) with the :func:`customer_key_sql` of its id — how the orders'
    customers are matched to the behaviour log's, whose rows carry no pseudonym."""
    return (
        f"SELECT DISTINCT p AS user_id, {customer_key_sql(id_text_sql('v', 'VARCHAR'))} AS user_key "
        f"FROM {pseudonyms} WHERE p IS NOT NULL"
    )


def hashed_relations(prefix: str = "") -> dict[str, str]:
    """The two relations of :func:`fupan.ingest.validate.inplace.customer_relations` (name →
    SELECT) keyed by ``hash(user_id)`` of the typed tables: the pseudonym in DuckDB; in a
    warehouse or Spark, whose ``user_id`` is the raw id, the engine's keyed hash
    (:meth:`fupan.extract.engines.Engine.user_key`)."""
    from .card import CONTRACTS

    columns = ", ".join(c.name for c in CONTRACTS["events"] if c.name != "user_id")
    return {
        "events_keyed": f"SELECT {columns}, hash(user_id) AS user_key FROM {prefix}events",
        "customer_keys": (
            f"SELECT DISTINCT user_id, hash(user_id) AS user_key FROM {prefix}orders"
        ),
    }


@dataclass(frozen=True)
class Protection:
    """What :func:`plan` decided for one table: columns to drop (with their kind), columns to
    replace by pseudonyms, and the warnings to give."""

    dropped: dict[str, str]
    pseudonymise: list[str]
    problems: list[Problem]


def plan(con: duckdb.DuckDBPyConnection, raw: str, contract: set[str], filename: str) -> Protection:
    """Decide, from column names and a sample of the first :data:`SAMPLE_ROWS` values of the table
    or view ``raw``, which columns :func:`protect` drops and which it pseudonymises."""
    types = {r[0]: r[1] for r in con.execute(f"DESCRIBE {raw}").fetchall()}
    dropped: dict[str, str] = {}
    problems: list[Problem] = []
    for column in types:
        if column in contract or column == "rowid":
            continue
        kind = pii_kind_of_column(column)
        if kind is None:
            kind = next(
                (f.kind for v in sorted(_sample(con, raw, column)) for f in scan_text(v)), None
            )
        if kind is not None:
            dropped[column] = kind
    if dropped:
        zh = "、".join(f"{c}（{KIND_ZH[k]}）" for c, k in dropped.items())
        en = ", ".join(f"{c} ({k})" for c, k in dropped.items())
        problems.append(
            Problem(
                "pii_columns_dropped",
                filename,
                f"{filename} 中含个人信息的列已在读取时删除，不会进入分析和报告：{zh}。",
                f"Columns of {filename} holding personal data were dropped on loading and reach no analysis or "
                f"report: {en}.",
                severity="warning",
            )
        )
    pseudonymise: list[str] = []
    for column in ("user_id", *PSEUDONYMISE_IF_PII):
        if column not in types or column not in contract:
            continue
        kinds = {k for v in _sample(con, raw, column) if (k := pii_kind_of_value(v)) is not None}
        if column == "user_id" or kinds:
            pseudonymise.append(column)
        if kinds:
            what_zh = "、".join(KIND_ZH[k] for k in sorted(kinds))
            problems.append(
                Problem(
                    "pii_pseudonymised",
                    filename,
                    f"{filename} 的列 {column} 中有值看起来是个人信息（{what_zh}）；已在读取时替换为加盐哈希的化名，原值不会出现在任何输出中。",
                    f"Values of column {column} in {filename} look like personal data ({', '.join(sorted(kinds))}); "
                    f"they were replaced by salted pseudonyms on loading and never appear in any output.",
                    column=column,
                    severity="warning",
                )
            )
    return Protection(dropped, pseudonymise, problems)


def protect(
    con: duckdb.DuckDBPyConnection, raw: str, contract: set[str], filename: str, salt: bytes
) -> tuple[list[Problem], dict[str, list[str]]]:
    """Apply the rules above to the DuckDB table ``raw`` just read from ``filename``, whose contract
    columns are ``contract``; return the warnings and what was done (columns dropped, pseudonymised)."""
    decided = plan(con, raw, contract, filename)
    types = {r[0]: r[1] for r in con.execute(f"DESCRIBE {raw}").fetchall()}
    if decided.dropped and len(decided.dropped) == len(types):
        # DuckDB keeps at least one column: keep the rows only
        ddl(
            con,
            f"CREATE OR REPLACE TABLE {raw} AS SELECT CAST(NULL AS VARCHAR) AS __no_columns_left FROM {raw}",
        )
    else:
        for column in decided.dropped:
            ddl(con, f"ALTER TABLE {raw} DROP COLUMN {ident(column)}")
    for column in decided.pseudonymise:
        _pseudonymise(con, raw, column, types[column], salt)
    return decided.problems, {
        "dropped": sorted(decided.dropped),
        "pseudonymised": decided.pseudonymise,
    }
