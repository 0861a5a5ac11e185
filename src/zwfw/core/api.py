"""Rendering of errors for the JSON API (one place for every module)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field

from zwfw.core.errors import DomainError


class ErrorOut(Schema):
    """Every 4xx answer of the API has this shape."""

    code: str = Field(description="稳定的错误代码，供程序判断")
    message: str = Field(description="中文错误说明")
    details: object | None = Field(default=None, description="补充信息，如逐字段的错误")


def _validation_details(errors: list[dict]) -> list[dict]:
    details = []
    for err in errors:
        loc = [str(part) for part in err.get("loc", ()) if part not in ("body", "query", "path", "payload")]
        details.append({"field": ".".join(loc), "reason": str(err.get("msg", ""))})
    return details


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        body = {
            "code": "INVALID_REQUEST",
            "message": "请求参数不正确",
            "details": _validation_details(exc.errors),
        }
        return api.create_response(request, body, status=422)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        body = {"code": "NOT_FOUND", "message": "请求的资源不存在", "details": None}
        return api.create_response(request, body, status=404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        body = {"code": "UNAUTHENTICATED", "message": "请先登录", "details": None}
        return api.create_response(request, body, status=401)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and "parse" in str(exc.message).lower():
            body = {"code": "INVALID_BODY", "message": "请求内容不是有效的 JSON", "details": None}
            return api.create_response(request, body, status=400)
        body = {"code": f"HTTP_{exc.status_code}", "message": str(exc.message), "details": None}
        return api.create_response(request, body, status=exc.status_code)
