"""Learning the 复盘 method: worked examples, exercises with hashed answers, an explorer, a glossary.

``fupan.learn`` sits above the report layer: the examples in ``notebooks/`` call it to load their
data (:mod:`.data`), check the reader's answers (:mod:`.exercises`), explore a retrospective
(:mod:`.explorer`) and look terms up (:mod:`.glossary`); :mod:`.build` turns one source notebook
per example into its student and instructor copies.
"""

from __future__ import annotations
