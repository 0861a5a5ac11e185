"""政务服务大厅 and the clerks of its comprehensive window (综合窗口, 一窗受理).

A hall gathers the items of several departments; a clerk of the hall's comprehensive window
pre-reviews and accepts any item of those departments (前台综合受理), while approval stays with the
department (后台分类审批). Windows, slots and bookings come with the appointments issue.
"""

from __future__ import annotations

from django.db import models


class Hall(models.Model):
    """政务服务大厅 (or 便民服务中心) of a region."""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    region_code = models.CharField("行政区划代码", max_length=6)
    address = models.CharField("地址", max_length=200, blank=True)
    departments = models.ManyToManyField("catalog.Department", verbose_name="进驻部门", related_name="halls")

    class Meta:
        verbose_name = "政务服务大厅"
        verbose_name_plural = "政务服务大厅"
        ordering = ["region_code", "code"]

    def __str__(self) -> str:
        return self.name


class HallClerk(models.Model):
    """A window clerk serving at a hall's comprehensive window."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="clerks")
    staff = models.ForeignKey("identity.StaffMember", on_delete=models.CASCADE, related_name="hall_posts")

    class Meta:
        verbose_name = "综合窗口人员"
        verbose_name_plural = "综合窗口人员"
        constraints = [models.UniqueConstraint(fields=["hall", "staff"], name="appointments_clerk_once")]

    def __str__(self) -> str:
        return f"{self.staff_id}@{self.hall_id}"
