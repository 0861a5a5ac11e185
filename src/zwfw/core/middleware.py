"""Middleware shared by every node."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"

_MESSAGES = {
    # Django's own 400 (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a malformed multipart request)
    400: ("REQUEST_REJECTED", "请求无法处理：请求体超过10MB或格式不正确"),
    404: ("NOT_FOUND", "请求的接口不存在"),
    405: ("METHOD_NOT_ALLOWED", "该接口不支持此请求方法"),
}


class ApiErrorShapeMiddleware:
    """Under /api/, answers that Django or django-ninja produce outside the API's own error handlers
    (an unknown path, a method the operation does not accept) get the same JSON shape as every other
    API error: ``{"code", "message", "details"}`` — never the portal's HTML page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code in _MESSAGES
            and request.path.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            code, message = _MESSAGES[response.status_code]
            details = {"path": request.path, "method": request.method}
            replacement = JsonResponse(
                {"code": code, "message": message, "details": details},
                status=response.status_code,
                json_dumps_params={"ensure_ascii": False},
            )
            if response.has_header("Allow"):
                replacement["Allow"] = response["Allow"]
            return replacement
        return response
