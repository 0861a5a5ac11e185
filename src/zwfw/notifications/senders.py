"""Senders: the adapters that carry a message out (Open Forms style plug-ins behind one base class).

``settings.ZWFW_SENDERS`` maps a channel to the dotted path of a ``Sender`` subclass. The demo and
the tests use ``RecordingSender``: the message row is the delivery, and a line goes to
``<ZWFW_DATA_DIR>/messages.log``. A real SMS gateway or mail relay subclasses ``Sender`` and is
named in the setting; nothing else changes.
"""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from zwfw.core.masking import mask_text


class DeliveryFailed(Exception):
    """The provider refused or could not be reached; the message is recorded as failed."""


class Sender(ABC):
    """Delivers one message; returns the provider's reference for it."""

    name = "sender"

    @abstractmethod
    def deliver(self, *, channel: str, address: str, subject: str, body: str) -> str: ...


_log_lock = threading.Lock()


class RecordingSender(Sender):
    """Demo and test sender: the database row is the message; a masked line goes to messages.log."""

    name = "recording"

    def deliver(self, *, channel: str, address: str, subject: str, body: str) -> str:
        line = json.dumps(
            {
                "at": timezone.now().isoformat(timespec="seconds"),
                "channel": channel,
                "to": mask_text(address),
                "subject": subject,
                "body": body,
            },
            ensure_ascii=False,
        )
        with _log_lock, open(settings.DATA_DIR / "messages.log", "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        return "local"


class InboxSender(Sender):
    """站内信: the row itself is what the portal's inbox shows."""

    name = "inbox"

    def deliver(self, *, channel: str, address: str, subject: str, body: str) -> str:
        return "inbox"


@cache
def sender_for(channel: str) -> Sender:
    path = settings.ZWFW_SENDERS[channel]
    return import_string(path)()
