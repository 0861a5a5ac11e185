from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "zwfw.cases"
    label = "cases"
    verbose_name = "统一受理 / 办件"

    def ready(self) -> None:
        # core may not import cases (ARCHITECTURE.md, layers): importing a year's holiday calendar fills
        # in, in the import's transaction, the due dates that were not known without it
        from zwfw.core.calendar import calendar_imported

        calendar_imported.connect(_refresh_after_calendar_import, dispatch_uid="zwfw.cases.due_dates")


def _refresh_after_calendar_import(sender: object, *, years: frozenset[int], **kwargs: object) -> None:
    from zwfw.cases.services import refresh_unknown_due_dates

    refresh_unknown_due_dates(years=years)
