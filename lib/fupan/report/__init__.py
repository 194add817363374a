"""Report: what a reader sees — HTML fragments, charts, and the run that writes the report.

- :mod:`.render` — HTML fragments of each section (escaped operator text);
- :mod:`.charts` — matplotlib/seaborn figures;
- :mod:`.run` — papermill executes the template, nbconvert renders one offline HTML file.
"""

from __future__ import annotations

import sys

# nbformat validates with jsonschema, whose optional "iri" format check imports rfc3987_syntax,
# which compiles a grammar at import: 1.5–2.9 s of every `fupan run` measured on 2 cores
# (`python -X importtime`). No notebook schema uses that format, so the report's process leaves
# it out (a None entry makes that one optional import fail, as jsonschema allows; nothing else
# changes — notebooks are still validated against nbformat's schema).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
