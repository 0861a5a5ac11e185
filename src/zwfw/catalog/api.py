"""事项管理 JSON API (django-ninja router mounted at /api/v1/catalog/). Public, read-only, published data."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Path, Query, Router

from zwfw.catalog import selectors
from zwfw.catalog.schemas import (
    CREDIT_CODE_PATTERN,
    ITEM_CODE_PATTERN,
    DepartmentFilters,
    DepartmentOut,
    ItemDetail,
    ItemFilters,
    ItemPage,
    TopicFilters,
    TopicOut,
)
from zwfw.core.api import ErrorOut

router = Router(tags=["事项管理"])


@router.get(
    "/items",
    response={200: ItemPage, 422: ErrorOut},
    summary="搜索事项",
    description="按关键词（名称、别名、拼音）和条件搜索已发布的实施清单事项，分页返回摘要，按热度排序。",
)
def list_items(request: HttpRequest, filters: Query[ItemFilters]) -> selectors.SearchPage:
    return selectors.search_items(**filters.model_dump())


@router.get(
    "/items/{code}",
    response={200: ItemDetail, 404: ErrorOut, 422: ErrorOut},
    summary="事项办事指南",
    description="实施清单事项已发布版本的完整办事指南：设定依据、受理条件、申请材料、业务办理项、流程、时限、收费等。"
    "编码格式不正确返回 422，编码不存在返回 404。",
)
def get_item(
    request: HttpRequest,
    code: str = Path(..., pattern=ITEM_CODE_PATTERN, description="实施编码（31 位数字或大写字母）"),
) -> object:
    return selectors.published_item(code)


@router.get(
    "/departments",
    response={200: list[DepartmentOut], 422: ErrorOut},
    summary="部门列表",
    description="启用的实施主体（部门），含已发布事项数，可按行政区划筛选。",
)
def list_departments(request: HttpRequest, filters: Query[DepartmentFilters]) -> list[object]:
    return list(selectors.list_departments(region=filters.region))


@router.get(
    "/departments/{credit_code}",
    response={200: DepartmentOut, 404: ErrorOut, 422: ErrorOut},
    summary="部门详情",
    description="按统一社会信用代码查询部门；格式不正确返回 422，不存在或已停用返回 404。",
)
def get_department(
    request: HttpRequest,
    credit_code: str = Path(..., pattern=CREDIT_CODE_PATTERN, description="统一社会信用代码（18 位）"),
) -> object:
    return selectors.department_by_credit_code(credit_code)


@router.get(
    "/topics",
    response={200: list[TopicOut], 422: ErrorOut},
    summary="主题列表",
    description="个人和法人的主题（生命周期事件），含每个主题下已发布的事项数。",
)
def list_topics(request: HttpRequest, filters: Query[TopicFilters]) -> list[object]:
    return list(selectors.list_topics(audience=filters.audience))
