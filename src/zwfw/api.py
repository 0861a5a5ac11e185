"""The node's JSON API root: every module's router is mounted here under /api/v1/."""

from __future__ import annotations

from ninja import NinjaAPI

from zwfw import __version__
from zwfw.cases.api import router as cases_router
from zwfw.catalog.api import router as catalog_router
from zwfw.core.api import install_error_handlers
from zwfw.identity.api import routers as identity_routers
from zwfw.licenses.api import router as licenses_router
from zwfw.seals.api import router as seals_router

api = NinjaAPI(
    title="zwfw 政务服务平台接口",
    version=__version__,
    description=(
        "全国一体化在线政务服务平台节点的 JSON 接口。所有错误以 4xx 返回 "
        '`{"code": ..., "message": ..., "details": ...}`，其中 message 为中文说明。'
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("/catalog/", catalog_router)
for identity_router in identity_routers:
    api.add_router("/identity/", identity_router)
api.add_router("/seals/", seals_router)
api.add_router("/licenses/", licenses_router)
api.add_router("/cases/", cases_router)
