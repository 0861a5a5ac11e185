"""公共基础 rows: administrative regions, the official working calendar, the audit log."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

# ---------------------------------------------------------------------------------------------
# 行政区划 (GB/T 2260) — data, updated yearly by operators (see zwfw.core.regions)
# ---------------------------------------------------------------------------------------------


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    PREFECTURE = "prefecture", "地市级"
    COUNTY = "county", "区县级"


class Region(models.Model):
    """行政区划 (GB/T 2260)."""

    code = models.CharField("区划代码", max_length=6, unique=True, help_text="6位 GB/T 2260 代码")
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=16, choices=RegionLevel.choices)
    parent_code = models.CharField("上级代码", max_length=6, blank=True, db_index=True)
    valid = models.BooleanField(
        "现行有效", default=True, help_text="已撤销的代码保留并标记为无效，旧记录仍可解析"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# ---------------------------------------------------------------------------------------------
# 工作日历 — statutory holidays and adjusted working days (全国年节及纪念日放假办法)
# ---------------------------------------------------------------------------------------------


class CalendarState(models.Model):
    """One row whose ``revision`` changes on every calendar edit; processes cache by it.

    A random token, not a counter: a revision written by a rolled-back transaction is never reused.
    """

    revision = models.CharField(max_length=32, default="")

    class Meta:
        verbose_name = "日历版本"

    def __str__(self) -> str:
        return self.revision

    @classmethod
    def bump(cls) -> None:
        token = uuid.uuid4().hex
        if not cls.objects.filter(pk=1).update(revision=token):
            cls.objects.update_or_create(pk=1, defaults={"revision": token})


class _CalendarQuerySet(models.QuerySet):
    """Bulk writes bypass save()/delete(); bump the revision for them too."""

    def update(self, **kwargs: Any) -> int:
        count = super().update(**kwargs)
        CalendarState.bump()
        return count

    def delete(self) -> tuple[int, dict[str, int]]:
        result = super().delete()
        CalendarState.bump()
        return result

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        created = super().bulk_create(objs, *args, **kwargs)
        CalendarState.bump()
        return created


class CalendarYear(models.Model):
    """A year whose State Council holiday schedule is loaded; dates in other years are not computable."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    published_on = models.DateField("发布日期", null=True, blank=True)
    document = models.CharField(
        "发布文件", max_length=200, blank=True, help_text="如：国务院办公厅关于2026年部分节假日安排的通知"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = _CalendarQuerySet.as_manager()

    class Meta:
        ordering = ["year"]
        verbose_name = "日历年度"
        verbose_name_plural = "日历年度"

    def __str__(self) -> str:
        return f"{self.year}年"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        CalendarState.bump()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        result = super().delete(*args, **kwargs)
        CalendarState.bump()
        return result


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假"
    WORKDAY = "workday", "调休上班"


class CalendarDay(models.Model):
    """A day off (holiday, including the weekend days of a holiday) or an adjusted working weekend day."""

    calendar_year = models.ForeignKey(
        CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name="年度"
    )
    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=16, choices=DayKind.choices)
    name = models.CharField("节日", max_length=32, help_text="如：春节")
    updated_at = models.DateTimeField(auto_now=True)

    objects = _CalendarQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        CalendarState.bump()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        result = super().delete(*args, **kwargs)
        CalendarState.bump()
        return result

    def clean(self) -> None:
        errors = {}
        if self.date and self.calendar_year_id and self.date.year != self.calendar_year.year:
            errors["date"] = f"日期{self.date.isoformat()}不属于{self.calendar_year.year}年"
        if self.date and self.kind == DayKind.WORKDAY and self.date.weekday() < 5:
            errors["kind"] = f"{self.date.isoformat()}本就是工作日，不能登记为调休上班"
        if errors:
            raise ValidationError(errors)


# ---------------------------------------------------------------------------------------------
# 审计日志 — append-only, hash-chained (see zwfw.core.audit)
# ---------------------------------------------------------------------------------------------


class AuditResult(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"
    DENIED = "denied", "拒绝"


class AuditQuerySet(models.QuerySet):
    """Refuses every bulk change: the log is append-only and written only by audit.record()."""

    def update(self, **kwargs: Any) -> int:
        from zwfw.core.audit import AuditLogImmutable

        raise AuditLogImmutable()

    def delete(self) -> tuple[int, dict[str, int]]:
        from zwfw.core.audit import AuditLogImmutable

        raise AuditLogImmutable()

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        from zwfw.core.audit import AuditLogImmutable

        raise AuditLogImmutable("审计记录只能通过 zwfw.core.audit.record() 逐条追加")

    def bulk_update(self, objs: Any, *args: Any, **kwargs: Any) -> int:
        from zwfw.core.audit import AuditLogImmutable

        raise AuditLogImmutable()


class AuditEntry(models.Model):
    """审计记录. Append-only; ``hash`` = SHA-256 over the canonical form of every field and ``prev_hash``."""

    seq = models.BigIntegerField("序号", unique=True)
    occurred_at = models.DateTimeField("发生时间")
    actor = models.CharField("操作者", max_length=64, help_text="如 user:12 或 system")
    acting_for = models.CharField("代表", max_length=64, blank=True, help_text="代办时被代表的主体")
    action = models.CharField("操作", max_length=100, db_index=True, help_text="如 catalog.item.publish")
    object_type = models.CharField("对象类型", max_length=64)
    object_id = models.CharField("对象标识", max_length=64)
    before_digest = models.CharField("变更前摘要", max_length=64, blank=True)
    after_digest = models.CharField("变更后摘要", max_length=64, blank=True)
    source_ip = models.GenericIPAddressField("来源IP", null=True, blank=True)
    result = models.CharField("结果", max_length=16, choices=AuditResult.choices)
    details = models.JSONField("详情", default=dict, blank=True)
    prev_hash = models.CharField("前序哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from zwfw.core.audit import AuditLogImmutable

        if not self._state.adding:
            raise AuditLogImmutable()
        # record() appends with an INSERT of its own (zwfw.core.lookups.PreparedInsert), never save()
        raise AuditLogImmutable("审计记录只能通过 zwfw.core.audit.record() 逐条追加")

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        from zwfw.core.audit import AuditLogImmutable

        raise AuditLogImmutable()
