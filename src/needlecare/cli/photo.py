"""CLI: `needlecare photo analyze FILE` and `needlecare photo clean FILE --out DIR`.

Heavy imports (numpy, OpenCV, Pillow) happen inside the commands so other commands start fast.
"""

import json
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from needlecare.cli.root import EXIT_BAD_INPUT, app

photo_app = typer.Typer(
    help="Photo safety checks and redness/breakout measurement. Informs; never diagnoses.",
    no_args_is_help=True,
)
app.add_typer(photo_app, name="photo")

_MAX_LISTED_SPOTS = 10


@photo_app.command("analyze")
def analyze_command(
    file: Annotated[Path, typer.Argument(help="JPEG, PNG or HEIC photo.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print the JSON report.")] = False,
    roi: Annotated[
        str | None,
        typer.Option(help="Measure this box instead of the automatic skin area: x,y,w,h in px."),
    ] = None,
    overlay: Annotated[
        Path | None, typer.Option(help="Write a PNG with the area and spots drawn on it.")
    ] = None,
) -> None:
    """Measure redness (CIELAB a*, erythema index), skin tone (ITA) and red spots."""
    box = _parse_roi(roi) if roi is not None else None
    data = _read_photo(file)
    from needlecare.photos import InvalidRoi, PhotoRejected, measure

    try:
        result = measure(data, box)
    except (PhotoRejected, InvalidRoi) as exc:
        _fail(f"{file}: {exc}")
    if overlay is not None:
        try:
            overlay.write_bytes(result.overlay_png())
        except OSError as exc:
            _fail(f"cannot write the overlay to {overlay}: {exc.strerror}")
    if json_output:
        typer.echo(json.dumps(result.report, indent=2, ensure_ascii=False))
    else:
        typer.echo(render_report(file.name, result.report, overlay))


@photo_app.command("clean")
def clean_command(
    file: Annotated[Path, typer.Argument(help="JPEG, PNG or HEIC photo.")],
    out: Annotated[Path, typer.Option(help="Directory for the clean copy and thumbnail.")],
) -> None:
    """Write a metadata-free copy (and thumbnail) named by its SHA-256, as stored on upload."""
    data = _read_photo(file)
    from needlecare.photos import PhotoRejected, sanitize

    try:
        clean = sanitize(data)
    except PhotoRejected as exc:
        _fail(f"{file}: {exc}")
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / clean.filename).write_bytes(clean.image)
        (out / clean.thumbnail_filename).write_bytes(clean.thumbnail)
    except OSError as exc:
        _fail(f"cannot write to {out}: {exc.strerror}")
    typer.echo(f"{out / clean.filename} ({clean.width}x{clean.height}, no metadata)")
    typer.echo(f"{out / clean.thumbnail_filename} (thumbnail)")


def render_report(name: str, report: dict[str, Any], overlay: Path | None = None) -> str:
    image, roi, light = report["image"], report["roi"], report["lighting"]
    conf, red, tone, spots = (
        report["confidence"],
        report["redness"],
        report["skin_tone"],
        report["spots"],
    )
    a = red["a_star"]
    area = {
        "auto": "skin found automatically",
        "manual": "your box",
        "fallback_centre": "no skin found; centre of the photo",
    }[roi["source"]]
    x, y, w, h = roi["box"]
    if light["method"] == "none":
        lighting = (
            "not corrected ("
            + {
                "no_background": "too little background to judge the light",
                "implausible": "background too colourful to judge the light",
            }.get(str(light["not_corrected_because"]), "no estimate")
            + ")"
        )
    else:
        gains = ", ".join(f"{g:.2f}" for g in light["gains"])
        lighting = f"corrected by grey world on the background (RGB gains {gains})"
    ita = tone["ita_degrees"]
    tone_text = "not defined here" if ita is None else f"ITA {ita:.1f}° ({tone['category']})"
    lines = [
        f"Photo: {name} ({image['width']}x{image['height']} {image['source_format'].upper()})",
        f"Measured area: {area}, box x={x} y={y} w={w} h={h} "
        f"({roi['frame_share']:.0%} of the photo)",
        f"Lighting: {lighting}",
        f"Comparison confidence: {conf['level']} ({conf['score']:.2f})",
        *(f"  - {reason['message']}" for reason in conf["reasons"]),
        f"Redness (CIELAB a*): mean {a['mean']:.1f}, median {a['p50']:.1f}, "
        f"5-95 %: {a['p5']:.1f} to {a['p95']:.1f}",
        f"Erythema index: {red['erythema_index']['median']:.1f} (100·log10(R/G); "
        "Dawson 1980, Diffey 1984)",
        f"Skin tone: {tone_text} (Chardon 1991)",
        f"Breakout candidates (red spots): {spots['count']}"
        + (" (more not listed)" if spots["truncated"] else ""),
        *(
            f"  at x={s['x']} y={s['y']}, radius {s['radius']:.0f} px, "
            f"a* +{s['a_star_excess']:.1f} over surrounding skin"
            for s in spots["items"][:_MAX_LISTED_SPOTS]
        ),
    ]
    if spots["count"] > _MAX_LISTED_SPOTS:
        lines.append(f"  ... and {spots['count'] - _MAX_LISTED_SPOTS} more (see --json)")
    if overlay is not None:
        lines.append(f"Overlay written to {overlay}")
    lines += ["", report["notice"]]
    return "\n".join(lines)


def _parse_roi(text: str) -> tuple[int, int, int, int]:
    parts = text.replace(" ", "").split(",")
    try:
        x, y, w, h = (int(p) for p in parts)
    except ValueError:
        _fail(f"--roi must be four whole numbers x,y,w,h (got {text!r})")
    return (x, y, w, h)


def _read_photo(file: Path) -> bytes:
    from needlecare.photos.limits import MAX_BYTES

    try:
        if not file.is_file():
            _fail(f"{file}: no such file")
        if file.stat().st_size > MAX_BYTES:
            _fail(f"{file}: the file is larger than the {MAX_BYTES // 1_048_576} MB limit")
        return file.read_bytes()
    except OSError as exc:
        _fail(f"{file}: cannot read ({exc.strerror})")


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)
