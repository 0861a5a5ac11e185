"""Public pages of 统一电子印章 (under /seals/): the verification page where anyone uploads a signed
PDF and reads the report in Chinese, published signed documents, the CRLs, root certificates and
seal images."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_safe

from zwfw.core.errors import DomainError, ValidationFailed
from zwfw.seals import pki, selectors, verification

app_name = "seals"


def _algorithm(slug: str) -> str:
    algorithm = pki.ALGORITHM_SLUGS.get(slug)
    if algorithm is None:
        raise Http404
    return algorithm


@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    """签章验证: upload a PDF, read the report (nothing is stored)."""
    context: dict = {}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationFailed("PDF_REQUIRED", "请选择要验证的PDF文件")
            if upload.size > verification.MAX_PDF_BYTES:
                raise ValidationFailed("PDF_TOO_LARGE", "PDF文件不能超过20MB")
            context["report"] = verification.verify_pdf(upload.read())
            context["file_name"] = upload.name[:200]
        except pki.PkiNotInitialised:
            # the node's set-up, not the visitor's file: no operator's command on a public page
            context["error"] = "本节点尚未开通电子签章验证，请稍后再试"
            status = 503
        except DomainError as exc:
            context["error"] = exc.message
            status = 400 if exc.status < 500 else 503
    return render(request, "seals/verify.html", context, status=status)


@require_safe
def documents(request: HttpRequest) -> HttpResponse:
    return render(request, "seals/documents.html", {"documents": selectors.public_documents()[:50]})


@require_safe
def document_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        document = selectors.public_document(public_id)
    except DomainError:
        raise Http404 from None
    report = verification.verify_pdf(bytes(document.pdf))
    return render(request, "seals/document.html", {"document": document, "report": report})


@require_safe
def document_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        document = selectors.public_document(public_id)
    except DomainError:
        raise Http404 from None
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.public_id}.pdf"'
    return response


@require_safe
def crl(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        der = pki.crl_der(_algorithm(slug))
    except pki.PkiNotInitialised:
        raise Http404 from None
    response = HttpResponse(der, content_type="application/pkix-crl")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def root_certificate(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        pem = pki.root_pem(_algorithm(slug))
    except pki.PkiNotInitialised:
        raise Http404 from None
    response = HttpResponse(pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = f'attachment; filename="zwfw-root-{slug}.pem"'
    return response


@require_safe
def seal_image(request: HttpRequest, code: str, ext: str) -> HttpResponse:
    if ext not in ("svg", "png"):
        raise Http404
    try:
        seal = selectors.public_seal(code)
    except DomainError:
        raise Http404 from None
    if ext == "svg":
        response = HttpResponse(seal.image_svg, content_type="image/svg+xml; charset=utf-8")
    else:
        response = HttpResponse(bytes(seal.image_png), content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


urlpatterns = [
    path("verify/", verify_page, name="verify"),
    path("documents/", documents, name="documents"),
    path("documents/<uuid:public_id>/", document_detail, name="document"),
    path("documents/<uuid:public_id>/file.pdf", document_pdf, name="document_pdf"),
    path("crl/<slug:slug>.crl", crl, name="crl"),
    path("root/<slug:slug>.pem", root_certificate, name="root"),
    path("<str:code>/image.<str:ext>", seal_image, name="image"),
]
