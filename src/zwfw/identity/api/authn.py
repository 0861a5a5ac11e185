"""JSON API: authn."""

from ninja import Router

router = Router(tags=["统一身份认证"])
