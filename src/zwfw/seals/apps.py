from django.apps import AppConfig


class SealsConfig(AppConfig):
    name = "zwfw.seals"
    label = "seals"
    verbose_name = "统一电子印章"
