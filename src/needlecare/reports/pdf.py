"""The patient report as a PDF: a Jinja2 HTML template rendered by WeasyPrint."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from needlecare.reports.assemble import PatientReport


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("needlecare.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # packaged templates: they change only with a release
    )
    # Charts are SVG built by `needlecare.charts` from numbers only (labels escaped there).
    env.filters["svg"] = Markup
    env.filters["level_class"] = lambda level: f"level-{level or 'none'}".replace("_", "-")
    return env


def render_html(report: PatientReport) -> str:
    """The report as a standalone HTML document (what WeasyPrint lays out)."""
    return _environment().get_template("report.html").render(report=report)


def render_pdf(report: PatientReport) -> bytes:
    """The report as PDF bytes. Loads nothing from the network: every image is inline."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # data: URIs only: the report never reaches the network or the file system.
    fetcher = URLFetcher(allowed_protocols=("data",))
    pdf: bytes = HTML(string=render_html(report), url_fetcher=fetcher).write_pdf()
    return pdf
