"""事项管理 JSON API (django-ninja router mounted at /api/v1/catalog/)."""

from ninja import Router

router = Router(tags=["事项管理"])
