from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "zwfw.identity"
    label = "identity"
    verbose_name = "统一身份认证"

    def ready(self) -> None:
        # DOT deletes access-token rows when it revokes them; their JWTs go on the revocation list.
        from zwfw.identity.oidc import revocation

        revocation.connect()
