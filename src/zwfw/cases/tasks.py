"""Background jobs of 办件 (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task


@task()
def seal_case_documents(limit: int = 100) -> int:
    """签章: render and seal the notices and decisions of cases that wait for it."""
    from zwfw.cases.services import seal_pending_documents

    return seal_pending_documents(limit=limit)
