"""The case library as a static, offline, searchable knowledge base (``fupan site``)."""

from .build import build_site, load_library, site_data
from .search import reference_search, tokenize

__all__ = ["build_site", "load_library", "site_data", "reference_search", "tokenize"]
