"""Full-text search: the only package that talks to Whoosh (whoosh-reloaded)."""

from sopvault.search.index import IndexMeta, IndexUnavailable, SearchIndex
from sopvault.search.query import QueryError

__all__ = ["IndexMeta", "IndexUnavailable", "QueryError", "SearchIndex"]
