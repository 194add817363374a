"""The knowledge base's search tokenizer — the Python twin of ``tokenize`` in ``static/site.js``.

Chinese has no spaces and a dictionary segmenter cuts the same word differently in a document and
in a query (毛利率 → 毛利率, query 毛利 → 毛利: no match). Character bigrams do not depend on a
dictionary: 毛利率 → 毛利, 利率, and the query 毛利 → 毛利 finds it; 复盘 → 复盘 never matches a text
that only says 大盘 → 大盘. The rules, identical in both twins:

1. Unicode NFKC (full-width Ａ１ → A1), then lower case.
2. A run of CJK characters (Han, kana, hangul) gives its character bigrams; a run of one
   character gives that character (unigram). A run of two or more that touches a Latin/digit run
   (nothing between them) also gives its touching character as a unigram, before its bigrams
   (first) or after them (last): the query 双11 is 双 + 11, and a name 直播双11 must hold 双
   (it held only 播双, so 双11 found nothing).
3. A run of Latin letters or digits gives one word token.
4. Anything else (spaces, punctuation, symbols) separates runs and gives no token.

A query matches a case when **every** query token is among the case's tokens (AND). A CJK token
must match exactly (no prefix, no fuzzy: 大 is not 大促); a Latin/digit token also matches as a
prefix of a case's token (``marg`` finds ``margin``), as MiniSearch's ``prefix`` option does.
:func:`reference_search` is that rule in plain Python, used by the tests as the oracle of the
browser's MiniSearch results.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

__all__ = ["tokenize", "is_cjk_token", "doc_tokens", "matches", "reference_search"]

#: CJK code points: CJK Unified Ideographs + Extension A, compatibility ideographs, kana, hangul
#: syllables and the supplementary ideograph planes (Extensions B–F). Same ranges in site.js.
CJK = (
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0002ebef\U00030000-\U0003134f"
)
#: Latin letters (ASCII and Latin-1/Extended-A/B, lower case after step 1) and ASCII digits.
WORD = "0-9a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u024f"
_RUN = re.compile(f"([{CJK}]+)|([{WORD}]+)")
_CJK_CHAR = re.compile(f"[{CJK}]")


def tokenize(text: str) -> list[str]:
    """Tokens of ``text`` in order: CJK bigrams (unigram for a lone character) and Latin/digit words.

    >>> tokenize("毛利率 ROI")
    ['毛利', '利率', 'roi']
    """
    s = unicodedata.normalize("NFKC", text or "").lower()
    out: list[str] = []
    runs = list(_RUN.finditer(s))
    for i, m in enumerate(runs):
        if m.group(1):
            run = m.group(1)
            if len(run) == 1:
                out.append(run)
                continue
            before = i > 0 and runs[i - 1].group(2) and runs[i - 1].end() == m.start()
            after = i + 1 < len(runs) and runs[i + 1].group(2) and runs[i + 1].start() == m.end()
            if before:
                out.append(run[0])
            out.extend(run[j : j + 2] for j in range(len(run) - 1))
            if after:
                out.append(run[-1])
        else:
            out.append(m.group(2))
    return out


def is_cjk_token(token: str) -> bool:
    """True for a CJK bigram/unigram (matched exactly), False for a Latin/digit word (prefix)."""
    return bool(_CJK_CHAR.match(token))


def doc_tokens(fields: Iterable[str]) -> frozenset[str]:
    """The set of tokens of all of a document's searchable fields."""
    return frozenset(t for f in fields for t in tokenize(f))


def matches(query_tokens: Iterable[str], tokens: frozenset[str]) -> bool:
    """AND: every query token is a token of the document (a Latin/digit one may be a prefix)."""
    for q in query_tokens:
        if q in tokens:
            continue
        if is_cjk_token(q) or not any(t.startswith(q) for t in tokens):
            return False
    return True


def reference_search(docs: Mapping[str, Iterable[str]], query: str) -> set[str] | None:
    """Ids of the documents matching ``query``; ``None`` when the query has no token (no filter).

    ``docs`` maps a document id to its searchable field texts.
    """
    q = tokenize(query)
    if not q:
        return None
    return {doc_id for doc_id, fields in docs.items() if matches(q, doc_tokens(fields))}
