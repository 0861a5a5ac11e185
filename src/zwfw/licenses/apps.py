from django.apps import AppConfig


class LicensesConfig(AppConfig):
    name = "zwfw.licenses"
    label = "licenses"
    verbose_name = "统一电子证照"
