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


# pydantic's error types, said in Chinese ({...} from the error's context)
_REASONS = {
    "missing": "必填",
    "string_type": "应为文本",
    "string_too_short": "至少{min_length}个字符",
    "string_too_long": "不能超过{max_length}个字符",
    "string_pattern_mismatch": "格式不正确",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_inexact": "应为日期（YYYY-MM-DD）",
    "datetime_type": "应为日期时间（ISO 8601）",
    "datetime_parsing": "应为日期时间（ISO 8601）",
    "datetime_from_date_parsing": "应为日期时间（ISO 8601）",
    "timezone_aware": "日期时间须带时区",
    "uuid_type": "应为 UUID",
    "uuid_parsing": "应为 UUID",
    "greater_than": "应大于{gt}",
    "greater_than_equal": "应不小于{ge}",
    "less_than": "应小于{lt}",
    "less_than_equal": "应不大于{le}",
    "literal_error": "应为以下之一：{expected}",
    "enum": "应为以下之一：{expected}",
    "list_type": "应为数组",
    "too_short": "至少{min_length}项",
    "too_long": "不能超过{max_length}项",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "json_invalid": "不是有效的 JSON",
    "extra_forbidden": "不允许的字段",
}


def _reason(err: dict) -> str:
    kind = str(err.get("type", ""))
    if kind == "value_error":  # a validator of ours: its own (Chinese) words
        return str(err.get("msg", "")).removeprefix("Value error, ")
    template = _REASONS.get(kind)
    if template is None:
        return "取值不正确"
    try:
        return template.format(**(err.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        return template.split("{")[0].rstrip("：") or "取值不正确"


def _validation_details(errors: list[dict]) -> list[dict]:
    details = []
    for err in errors:
        loc = [str(part) for part in err.get("loc", ()) if part not in ("body", "query", "path", "payload")]
        details.append({"field": ".".join(loc), "reason": _reason(err)})
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
