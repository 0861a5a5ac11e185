"""Background jobs run through django-tasks with the database backend, processed by `zwfw worker`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from zwfw.catalog.models import SearchDoc
from zwfw.catalog.search import remove_item
from zwfw.catalog.selectors import search_items
from zwfw.catalog.services import publish

from .factories import ImplementationItemFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_background_reindex_is_queued_in_the_database_and_run_by_the_worker():
    # given a published item whose search entry was lost
    item = publish(actor="system", code=ImplementationItemFactory(draft=True).code)
    assert search_items(q=item.name[:4]).count == 1
    remove_item(item)
    assert not SearchDoc.objects.exists()
    assert search_items(q=item.name[:4]).count == 0

    # when an operator queues a rebuild, nothing runs until a worker takes it
    out = StringIO()
    call_command("catalog_reindex", "--background", stdout=out)
    assert "已加入后台任务队列" in out.getvalue()
    job = DBTaskResult.objects.get()
    assert job.status == TaskResultStatus.READY
    assert search_items(q=item.name[:4]).count == 0

    # then the worker (what `zwfw worker` runs) processes it and search finds the item again
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
    job.refresh_from_db()
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert job.return_value == 1
    assert search_items(q=item.name[:4]).count == 1
