"""Blank application forms (空白表格) and filled samples (示例样表) as XLSX, made with openpyxl.

Files go to Django's default storage under ``catalog/forms/<key>.xlsx`` and
``catalog/samples/<key>-sample.xlsx`` (the paths ``catalog_data.common.mat(form=...)`` writes into
the catalogue). A file that is already there is left alone. Sample persons and the sample company
are fictional; their ID numbers (GB 11643) and credit code (GB 32100) carry valid check characters.

Modules: ``definitions`` (the people, the company and the fields of each form), ``workbook`` (the
XLSX files and their storage).
"""

from __future__ import annotations

from zwfw.demo.forms.definitions import APPLICANT, CHILD, COMPANY, FORMS, SPOUSE
from zwfw.demo.forms.workbook import ensure_forms, form_paths, render_form

__all__ = ["APPLICANT", "CHILD", "COMPANY", "FORMS", "SPOUSE", "ensure_forms", "form_paths", "render_form"]
