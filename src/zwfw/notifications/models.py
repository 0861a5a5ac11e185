"""Every message sent to a person: SMS, e-mail and in-site inbox (站内信)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from zwfw.core.crypto import EncryptedCharField


class Channel(models.TextChoices):
    SMS = "sms", "短信"
    EMAIL = "email", "电子邮件"
    INBOX = "inbox", "站内信"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"
    LIMITED = "limited", "超过频率限制，未发送"


class Message(models.Model):
    """One message to one recipient through one channel, recorded whether or not it got through."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    purpose = models.CharField("用途", max_length=40, help_text="如 register_code、login_code、notice")
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="收件账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    recipient_address = EncryptedCharField("收件地址", blank=True, help_text="手机号或电子邮箱（加密存储）")
    recipient_index = models.CharField(
        "收件地址索引", max_length=64, blank=True, db_index=True, help_text="手机号或邮箱的盲索引"
    )
    subject = models.CharField("标题", max_length=120, blank=True)
    body = models.TextField("内容")
    sender = models.CharField("发送通道", max_length=40)
    status = models.CharField("状态", max_length=8, choices=MessageStatus.choices)
    error = models.CharField("失败原因", max_length=200, blank=True)
    provider_reference = models.CharField("通道回执号", max_length=80, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient_index", "channel", "created_at"], name="notif_msg_recipient_idx"),
            models.Index(fields=["recipient_user", "channel", "-created_at"], name="notif_msg_inbox_idx"),
            # the delivery sweep's read: the few waiting notices among every message ever sent
            models.Index(fields=["id"], condition=Q(status="queued"), name="notif_msg_queued_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"
