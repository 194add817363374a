"""Pure metric functions: DataFrame (+ literal options) in, DataFrame or number out.

Every function states its 口径 (definition) in its docstring; the definitions follow the metric
dictionary in DESIGN.md and the formulas of METHODS.md. No function here reads or writes files,
sets global options or mutates its arguments.
"""

from __future__ import annotations
