"""Portal template helpers: given a template using them, when it is rendered, then ..."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

# What Django's own {% translate %} renders must not change when the portal library replaces the tag.
TRANSLATE_CASES = [
    '{% translate "办事指南" %}',
    '{% translate "Yes" %}',
    '{% translate "A & B <b>" %}',
    '{% translate "100% 办结" %}',
    '{% translate "Yes" as label %}[{{ label }}]{{ label }}',
    '{% for i in "ab" %}{% translate "Yes" as label %}{{ label }}{{ i }}{% endfor %}',
    '{% translate "May" context "month name" %}',
    '{% translate "Yes" noop %}',
    '{% translate "Yes"|upper %}',
    "{% translate text %}",
    '{% translate "Yes" %}{% language "en" %}{% if 1 %}{% translate "Yes" %}{% endif %}{% endlanguage %}',
    '{% autoescape off %}{% translate "A & B" %}{% endautoescape %}{% translate "A & B" %}',
]


def render(source: str, **context: object) -> str:
    return Template(source).render(Context({"text": "No", **context}))


@pytest.mark.parametrize("case", TRANSLATE_CASES)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_portal_translate_renders_what_djangos_renders(case, language):
    with translation.override(language):
        expected = render("{% load i18n %}" + case)
        assert render("{% load i18n portal %}" + case) == expected
        assert render("{% load i18n portal %}" + case) == expected  # and again, from what it kept


def test_portal_translate_keeps_one_text_per_language():
    template = Template('{% load i18n portal %}{% translate "Yes" %}')
    with translation.override("zh-hans"):
        assert template.render(Context()) == "是"
    with translation.override("en"):
        assert template.render(Context()) == "Yes"
    with translation.override("zh-hans"):
        assert template.render(Context()) == "是"
