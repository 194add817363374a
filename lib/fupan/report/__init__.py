"""Report: what a reader sees — HTML fragments, charts, and the run that writes the report.

- :mod:`.render` — HTML fragments of each section (escaped operator text);
- :mod:`.charts` — matplotlib/seaborn figures;
- :mod:`.run` — papermill executes the template, nbconvert renders one offline HTML file.
"""

from __future__ import annotations
