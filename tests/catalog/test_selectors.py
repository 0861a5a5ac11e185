"""Catalogue reads the portal relies on."""

import pytest

from zwfw.catalog.selectors import published_material_file

from .factories import ImplementationItemFactory, MaterialFactory

pytestmark = pytest.mark.django_db


def test_published_material_file_finds_only_files_of_published_items():
    # given a form and a sample of a published item, and a form of a draft
    published = MaterialFactory(
        item=ImplementationItemFactory(), blank_form="catalog/forms/a.xlsx", sample="catalog/samples/a.xlsx"
    )
    MaterialFactory(item=ImplementationItemFactory(draft=True), blank_form="catalog/forms/draft.xlsx")
    MaterialFactory(item=published.item, blank_form="", sample="")  # a material without files
    # then each published file says which of the two it is, and anything else is unknown
    assert published_material_file("catalog/forms/a.xlsx") == (published, "blank_form")
    assert published_material_file("catalog/samples/a.xlsx") == (published, "sample")
    assert published_material_file("catalog/forms/draft.xlsx") is None
    assert published_material_file("catalog/forms/../secret_key") is None
    assert published_material_file("") is None
