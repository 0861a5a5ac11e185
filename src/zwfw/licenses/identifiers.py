"""电子证照标识 — GB/T 36904-2018.

``1.2.156.3005.2.{证照类型代码}.{颁发机构代码}.{流水号}.{版本号}.{校验位}``:

- the root ``1.2.156.3005.2`` is fixed;
- 证照类型代码: the defining department's 18-character credit code + a 3-digit sequence;
- 颁发机构代码: the issuing authority's 18-character credit code;
- 流水号: issuer-defined uppercase letters and digits;
- 版本号: 3 digits, ``001`` for the first version;
- 校验位: ISO/IEC 7064 MOD 37,36 (hybrid system, alphabet 0-9A-Z) over the four middle fields
  concatenated without dots.

``parse_identifier`` returns the parts or raises ``zwfw.core.codes.InvalidCode`` whose ``fault``
names the rule broken: ``type``, ``format`` (root or number of fields), ``length``, ``character``,
``category`` (a credit code inside that is not valid) or ``check``.
"""

from __future__ import annotations

from dataclasses import dataclass

from zwfw.core.codes import (
    MOD37_36_ALPHABET,
    Fault,
    InvalidCode,
    is_valid_credit_code,
    iso7064_mod37_36_check_char,
)

ROOT = "1.2.156.3005.2"
MAX_SERIAL_LENGTH = 40
_CODE = "INVALID_LICENSE_IDENTIFIER"


# ISO/IEC 7064 MOD 37,36 (hybrid system), shared with the case numbers
check_character = iso7064_mod37_36_check_char


@dataclass(frozen=True)
class LicenseIdentifier:
    type_code: str  # 21 characters: credit code of the defining department + 3 digits
    issuer_code: str  # 18-character credit code
    serial: str
    version: int
    check: str

    @property
    def value(self) -> str:
        return f"{ROOT}.{self.type_code}.{self.issuer_code}.{self.serial}.{self.version:03d}.{self.check}"

    def __str__(self) -> str:
        return self.value


def _fault(message: str, fault: Fault) -> InvalidCode:
    return InvalidCode(_CODE, message, fault=fault)


def _check_upper_alnum(text: str, what: str) -> None:
    for ch in text:
        if ch not in MOD37_36_ALPHABET:
            shown = f"'{ch}'" if ch.isprintable() and not ch.isspace() else f"U+{ord(ch):04X}"
            raise _fault(f"{what}中的字符{shown}不允许（只能是数字和大写字母）", "character")


def _check_type_code(type_code: str) -> None:
    if len(type_code) != 21:
        raise _fault(f"证照类型代码应为21位（18位统一社会信用代码加3位顺序号），实际为{len(type_code)}位", "length")
    _check_upper_alnum(type_code, "证照类型代码")
    if not type_code[18:].isdigit():
        raise _fault("证照类型代码的最后3位应为数字", "character")
    if not is_valid_credit_code(type_code[:18]):
        raise _fault("证照类型代码的前18位不是有效的统一社会信用代码", "category")


def _check_issuer(issuer_code: str) -> None:
    if len(issuer_code) != 18:
        raise _fault(f"颁发机构代码应为18位统一社会信用代码，实际为{len(issuer_code)}位", "length")
    _check_upper_alnum(issuer_code, "颁发机构代码")
    if not is_valid_credit_code(issuer_code):
        raise _fault("颁发机构代码不是有效的统一社会信用代码", "category")


def _check_serial(serial: str) -> None:
    if not 1 <= len(serial) <= MAX_SERIAL_LENGTH:
        raise _fault(f"流水号应为1到{MAX_SERIAL_LENGTH}位", "length")
    _check_upper_alnum(serial, "流水号")


def make_identifier(*, type_code: str, issuer_code: str, serial: str, version: int = 1) -> LicenseIdentifier:
    """A new identifier with its check character; the parts are validated as ``parse_identifier`` does."""
    _check_type_code(type_code)
    _check_issuer(issuer_code)
    _check_serial(serial)
    if not 1 <= version <= 999:
        raise _fault("版本号应在001到999之间", "format")
    body = f"{type_code}{issuer_code}{serial}{version:03d}"
    return LicenseIdentifier(type_code, issuer_code, serial, version, check_character(body))


def parse_identifier(value: object) -> LicenseIdentifier:
    """Parse a GB/T 36904 licence identifier; surrounding whitespace is ignored, case is not."""
    if not isinstance(value, str):
        raise _fault("电子证照标识应为文本", "type")
    text = value.strip()
    if not text.startswith(ROOT + "."):
        raise _fault(f"电子证照标识应以根 {ROOT} 开头", "format")
    parts = text[len(ROOT) + 1 :].split(".")
    if len(parts) != 5:
        raise _fault(
            "电子证照标识应为 根.证照类型代码.颁发机构代码.流水号.版本号.校验位 六段，"
            f"根之后实际为{len(parts)}段",
            "format",
        )
    type_code, issuer_code, serial, version, check = parts
    _check_type_code(type_code)
    _check_issuer(issuer_code)
    _check_serial(serial)
    if len(version) != 3 or not version.isascii() or not version.isdigit() or version == "000":
        raise _fault("版本号应为3位数字，首个版本为001", "format")
    if len(check) != 1:
        raise _fault(f"校验位应为1位，实际为{len(check)}位", "length")
    _check_upper_alnum(check, "校验位")
    expected = check_character(f"{type_code}{issuer_code}{serial}{version}")
    if check != expected:
        raise _fault(f"校验位应为{expected}，实际为{check}", "check")
    return LicenseIdentifier(type_code, issuer_code, serial, int(version), check)
