"""What a seal image shows (``SealImageSpec``) and how it is checked: the kinds of seal, each one's
size and face (the round seals' ring, star and type sizes; the name stamps' frames), the seal red."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from zwfw.core.errors import ValidationFailed

SEAL_RED = "#E60012"
KINDS = ("official", "special", "legal_rep", "personal")
MAX_NAME_CHARS = 40
MAX_PURPOSE_CHARS = 12
MAX_CODE_CHARS = 18  # 统一社会信用代码 has 18 characters, a 印章编码 13 digits


@dataclass(frozen=True, kw_only=True)
class SealImageSpec:
    """What a seal image shows. Checked when built: an invalid spec cannot exist."""

    kind: str
    name: str
    purpose: str = ""
    code: str = ""

    def __post_init__(self) -> None:
        _check_spec(self)


@dataclass(frozen=True)
class _RoundStyle:
    diameter: float
    stroke: float
    star_radius: float  # circumscribed radius: 7 mm is the 14 mm star of a 42 mm seal
    name_size: float
    purpose_size: float
    code_size: float


_ROUND = {
    "official": _RoundStyle(
        diameter=42, stroke=1.2, star_radius=7.0, name_size=6.5, purpose_size=4.6, code_size=2.3
    ),
    "special": _RoundStyle(
        diameter=40, stroke=1.0, star_radius=6.5, name_size=6.2, purpose_size=4.4, code_size=2.2
    ),
}
_STAMPS = {"legal_rep": (20.0, 20.0, 1.0), "personal": (30.0, 12.0, 0.8)}  # width, height, border


def seal_size_mm(kind: str) -> tuple[float, float]:
    """(width, height) of the seal's face in millimetres."""
    if kind in _ROUND:
        return (_ROUND[kind].diameter, _ROUND[kind].diameter)
    if kind in _STAMPS:
        return _STAMPS[kind][:2]
    raise _invalid("kind", _KIND_MESSAGE)


# ---- validation ----------------------------------------------------------------------------

_KIND_MESSAGE = "印章类型无效，应为 official（单位公章）、special（业务专用章）、legal_rep（法定代表人名章）或 personal（个人签名）"


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed("SEAL_IMAGE_INVALID", message, details={"field": field})


def _check_text(field: str, label: str, value: object, limit: int) -> None:
    if not isinstance(value, str):
        raise _invalid(field, f"{label}必须是文本")
    if len(value) > limit:
        raise _invalid(field, f"{label}不能超过 {limit} 个字符")
    # Cc, Cf, Cs, Co, Cn: control, format (zero-width), surrogate, private-use and unassigned code points
    if any(unicodedata.category(ch).startswith("C") for ch in value):
        raise _invalid(field, f"{label}不能包含控制字符或不可见字符")


def _check_spec(spec: SealImageSpec) -> None:
    if spec.kind not in KINDS:
        raise _invalid("kind", _KIND_MESSAGE)
    _check_text("name", "印章名称", spec.name, MAX_NAME_CHARS)
    _check_text("purpose", "用途文字", spec.purpose, MAX_PURPOSE_CHARS)
    _check_text("code", "印章编码", spec.code, MAX_CODE_CHARS)
    if not spec.name.strip():
        raise _invalid("name", "请填写印章名称")
    if spec.kind == "special" and not spec.purpose.strip():
        raise _invalid("purpose", "业务专用章须写明用途，如“合同专用章”")
    if spec.kind in _STAMPS and (spec.purpose or spec.code):
        raise _invalid("purpose" if spec.purpose else "code", "名章只刻姓名，不含用途文字和印章编码")
