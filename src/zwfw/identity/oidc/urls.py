"""OpenID Connect provider endpoints (django-oauth-toolkit views, namespace ``oauth2_provider``)."""

app_name = "oauth2_provider"

urlpatterns: list = []
