from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "zwfw.cases"
    label = "cases"
    verbose_name = "统一受理 / 办件"

    def ready(self) -> None:
        # core may not import cases (ARCHITECTURE.md, layers): importing a year's holiday calendar fills
        # in, in the import's transaction, the due dates that were not known without it
        from zwfw.core.calendar import on_import

        on_import(_refresh_after_calendar_import)


def _refresh_after_calendar_import(years: frozenset[int]) -> None:
    from zwfw.cases.services import refresh_unknown_due_dates

    refresh_unknown_due_dates(years=years)
