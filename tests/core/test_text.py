"""Text the platform keeps: which characters it refuses."""

from __future__ import annotations

import pytest

from zwfw.core.text import unstorable


@pytest.mark.parametrize("text", ["张晓明", "杭州市西湖区文三路1号", "👨‍👩‍👧 family", "𠀀 ext-B", "‮rtl", ""])
def test_text_as_people_write_it_is_kept(text):
    assert not unstorable(text)


@pytest.mark.parametrize("text", ["a\x00b", "a\x1fb", "a\x7fb", "a\x85b", "a\ud800b", "line\nbreak", "tab\t"])
def test_control_characters_and_lone_surrogates_are_refused(text):
    assert unstorable(text)


def test_line_breaks_and_tabs_only_where_allowed():
    assert not unstorable("第一行\r\n第二行\t完", line_breaks=True)
    assert unstorable("a\x00b", line_breaks=True)
    assert unstorable("a\x0bb", line_breaks=True)  # a vertical tab is not a line break here
