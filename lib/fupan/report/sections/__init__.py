"""The report's sections: each takes its results (or the :class:`~fupan.analysis.results.Skip`
saying why there are none) and a :class:`~fupan.format.Style`, and returns a fragment or a
:data:`~fupan.report.html.Section` (fragments and figures) — the note included when there is
nothing to show. :mod:`fupan.report.render` gathers them for the report template."""
