"""The identity JSON API under /api/v1/identity/: one router per area."""

from ninja import Router

from zwfw.identity.api import accounts, authn, oidc

router = Router()
router.add_router("", accounts.router)
router.add_router("", authn.router)
router.add_router("", oidc.router)
