"""Background jobs of 统一电子证照 (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task


@task()
def render_license_file(license_id: int) -> str:
    """证照文件: render and PAdES-sign a licence's file right after it is issued, while the issuer's
    seal signs, so that the holder downloads it even after the seal is suspended or cancelled.
    Idempotent (the file is made once); returns ``made``, ``gone`` or the code of the reason it
    could not be made (the seal no longer signs: the download says so)."""
    from zwfw.core.errors import DomainError
    from zwfw.licenses.models import License
    from zwfw.licenses.rendering import license_file

    license = License.objects.select_related("license_type", "issuer").filter(pk=license_id).first()
    if license is None:
        return "gone"
    try:
        license_file(license)
    except DomainError as exc:
        return exc.code
    return "made"
