"""Errors of the catalogue module."""

from zwfw.core.errors import Conflict, NotFound, ValidationFailed


class ItemNotFound(NotFound):
    def __init__(self, code: str) -> None:
        super().__init__("ITEM_NOT_FOUND", f"未找到编码为 {code} 的事项", details={"code": code})


class TopicNotFound(NotFound):
    def __init__(self, code: str) -> None:
        super().__init__("TOPIC_NOT_FOUND", f"未找到主题 {code}", details={"code": code})


class DepartmentNotFound(NotFound):
    def __init__(self, code: str) -> None:
        super().__init__("DEPARTMENT_NOT_FOUND", f"未找到部门 {code}", details={"credit_code": code})


class CatalogValidationError(ValidationFailed):
    """One or more guide elements break a rule; details = [{"field", "reason"}]."""


class CatalogConflict(Conflict):
    pass


class CatalogImportError(CatalogValidationError):
    """An import file broke a rule; nothing was imported. details = [{"row", "field", "reason"}]."""

    def __init__(self, problems: list[dict]) -> None:
        super().__init__(
            "CATALOG_IMPORT_INVALID",
            f"导入文件有 {len(problems)} 处错误，未导入任何数据",
            details=problems,
        )
