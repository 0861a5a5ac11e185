"""Finding the installed CJK font to draw seals with, or saying which package to install."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from zwfw.core.errors import DomainError

FONT_SEARCH_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
)
# Best first: a bold serif (宋体-like) is closest to the engraved look, a sans face still reads well.
PREFERRED_FONT_FILES = (
    "NotoSerifCJK-Bold.ttc",
    "NotoSerifCJKsc-Bold.otf",
    "NotoSerifSC-Bold.otf",
    "SourceHanSerif-Bold.ttc",
    "SourceHanSerifSC-Bold.otf",
    "NotoSerifCJK-Black.ttc",
    "NotoSerifCJK-SemiBold.ttc",
    "NotoSerifCJK-Regular.ttc",
    "NotoSerifCJKsc-Regular.otf",
    "NotoSansCJK-Bold.ttc",
    "NotoSansCJKsc-Bold.otf",
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKsc-Regular.otf",
)


class SealFontMissing(DomainError):
    status = 503  # never a user's fault: the machine lacks the font package


def find_cjk_font(*, search_dirs: Sequence[Path] = FONT_SEARCH_DIRS, use_fontconfig: bool = True) -> Path:
    """The installed CJK font to draw seals with: Noto Serif CJK bold first, then other Noto CJK
    faces found under ``search_dirs``, then what fontconfig matches for Chinese (``:lang=zh-cn``)."""
    found: dict[str, Path] = {}
    for directory in search_dirs:
        if not directory.is_dir():
            continue
        for root, _dirs, files in os.walk(directory):
            for filename in files:
                if filename in PREFERRED_FONT_FILES and filename not in found:
                    found[filename] = Path(root) / filename
    for filename in PREFERRED_FONT_FILES:
        if filename in found:
            return found[filename]
    if use_fontconfig:
        matched = _fontconfig_chinese_font()
        if matched is not None:
            return matched
    raise SealFontMissing(
        "SEAL_FONT_MISSING",
        "未找到中文字体，无法生成印章图片；请安装 Debian 软件包 fonts-noto-cjk（apt-get install fonts-noto-cjk）",
        details={"searched": [str(d) for d in search_dirs]},
    )


def _fontconfig_chinese_font() -> Path | None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        result = subprocess.run(
            [fc_match, "--format=%{file}\t%{lang}", ":lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    file, _, langs = result.stdout.partition("\t")
    # fc-match always answers with something; only a font that covers Chinese will do
    if result.returncode != 0 or "zh-cn" not in langs.split("|") or not Path(file).is_file():
        return None
    return Path(file)
