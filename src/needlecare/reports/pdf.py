"""The patient report as a PDF: a Jinja2 HTML template rendered by WeasyPrint.

The report speaks its `locale` (issue 22): the template's words through the catalogue, dates
and numbers the locale's way; the page footer too, which CSS draws (`css_string`)."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from needlecare.guide.sheet import DEVICE_NAMES
from needlecare.i18n import N_, format_day, localize, speaking
from needlecare.i18n_templates import install_i18n
from needlecare.reports.assemble import PatientReport
from needlecare.triage.vocabulary import AREA_LABELS, SCORE_LABELS, SCORES

# The check-in table's score columns: (label, scale); spots are a count.
_SCORE_HEADINGS = (
    *((SCORE_LABELS[key], f"0-{SCORES[key]}") for key in ("redness", "swelling", "pain", "itch")),
    (N_("Spots"), ""),
)


def css_string(text: str) -> Markup:
    """Text as a CSS string literal (the page footer is CSS `content`): quotes, backslashes,
    angle brackets and control characters as CSS hex escapes, so no text (a translation)
    can end the string or the <style> element."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\<>&' or ord(char) < 32 else char for char in str(text)
    )
    return Markup(f'"{escaped}"')  # noqa: S704 (escaped above)


def css_counters(text: str) -> Markup:
    """'Page {page} of {pages}' (translated) as CSS content with the page counters."""
    parts = []
    for piece in (
        str(text).replace("{pages}", "\0pages\0").replace("{page}", "\0page\0").split("\0")
    ):
        if piece in ("page", "pages"):
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(css_string(piece))
    return Markup(" ".join(parts))  # noqa: S704 (each part escaped by css_string)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("needlecare.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # packaged templates: they change only with a release
    )
    install_i18n(env)
    # Charts are SVG built by `needlecare.charts` from numbers only (labels escaped there).
    env.filters["svg"] = Markup
    env.filters["level_class"] = lambda level: f"level-{level or 'none'}".replace("_", "-")
    env.filters["css_string"] = css_string
    env.filters["css_counters"] = css_counters
    return env


def render_html(report: PatientReport) -> str:
    """The report as a standalone HTML document (what WeasyPrint lays out), in its locale."""
    locale = report.locale

    def moment(value: datetime) -> str:
        # Stored times are UTC: the report says so rather than guess the reader's zone.
        return f"{format_day(value.date(), locale)} {value:%H:%M} UTC"

    template = _environment().get_template("report.html")
    with speaking(locale):
        return template.render(
            report=report,
            locale=locale,
            score_columns=_SCORE_HEADINGS,
            device_name=lambda code: localize(locale, DEVICE_NAMES.get(code, code)),
            area_names=lambda codes: ", ".join(
                localize(locale, AREA_LABELS.get(code, code)) for code in codes
            ),
            moment=moment,
        )


def render_pdf(report: PatientReport) -> bytes:
    """The report as PDF bytes. Loads nothing from the network: every image is inline."""
    return html_to_pdf(render_html(report))


def html_to_pdf(html: str) -> bytes:
    """`render_html`'s document laid out as PDF bytes (the costly part: WeasyPrint)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # data: URIs only: the report never reaches the network or the file system.
    fetcher = URLFetcher(allowed_protocols=("data",))
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf()
    return pdf
