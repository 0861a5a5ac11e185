"""Background jobs of the catalogue (django-tasks; the database backend needs no other service)."""

from __future__ import annotations

from django_tasks import task


@task()
def rebuild_search_index(batch: int = 5000) -> int:
    """重建事项搜索索引: after a bulk load, or nightly so that popularity in the ranking stays current."""
    from zwfw.catalog.search import rebuild_index

    return rebuild_index(batch=batch)
