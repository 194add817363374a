"""The card's ``source`` block: tables read where they live instead of from the campaign folder.

```yaml
source:
  engine: postgres          # the extract runs in the database; only aggregates come back
  url_env: FUPAN_PG_URL     # the environment variable holding the URL — never the URL itself
  schema: shop_dw           # where the tables named under ``tables:`` are (default public)
tables: {orders: orders, events: events}
```

```yaml
source: {engine: spark}     # the card's tables are Parquet files read by Spark
```

With ``engine: postgres`` the names under ``tables`` are tables (or views) of ``schema``; with
``engine: spark`` they are Parquet files or folders of the campaign folder, read by PySpark with
the master in ``$FUPAN_SPARK_MASTER`` (default ``local[2]``; ``spark://…`` or ``yarn`` for a
cluster). ``mapping`` renames columns as for files.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from .base import _Model

_NAME = r"^[A-Za-z_][A-Za-z0-9_]{0,62}$"
#: what ``url_env`` holds when the card wrote a URL there instead of a variable's name
URL_IN_CARD = "URL_WRITTEN_IN_THE_CARD"


class Source(_Model):
    engine: Literal["postgres", "spark"]
    #: environment variable holding a SQLAlchemy-style URL (postgresql+psycopg://user:pw@host/db)
    url_env: str | None = None
    db_schema: str | None = Field(default=None, alias="schema")

    @field_validator("url_env", mode="before")
    @classmethod
    def _not_a_url(cls, v: object) -> object:
        # A URL written here by mistake must not be echoed back: a card error quotes the value it
        # got, so it is replaced here and refused, without it, when the source is opened.
        if isinstance(v, str) and ("://" in v or "@" in v):
            return URL_IN_CARD
        return v

    @field_validator("url_env", "db_schema")
    @classmethod
    def _name(cls, v: str | None) -> str | None:
        import re

        if v is not None and not re.match(_NAME, v):
            raise ValueError(
                "must be a plain name (letters, digits, _) — url_env names the environment variable "
                "that holds the URL, never the URL itself||应为简单名称（字母、数字、下划线）；url_env 填的是保存 "
                "URL 的环境变量名，而不是 URL 本身"
            )
        return v

    @model_validator(mode="after")
    def _needs_url(self) -> Source:
        if self.engine == "postgres" and not self.url_env:
            raise ValueError(
                "engine postgres needs url_env (the environment variable holding the database URL)"
                "||engine 为 postgres 时需要 url_env（保存数据库 URL 的环境变量名）"
            )
        return self
