"""`needlecare ingredients` itself, without Typer: the fast path and the Typer command share it.

`needlecare.cli.main` dispatches `needlecare ingredients ...` here before anything else is
imported: Typer (and the pydantic it pulls in) costs more start-up than the check itself, and
people pipe one label at a time through this command.
"""

from __future__ import annotations

import os
import sys
from os import PathLike
from typing import Any, NoReturn

# A file argument: a str on the fast path (pathlib, with the urllib.parse and ipaddress it
# imports, is not needed to open a file), a Path from the Typer command.
FilePath = str | PathLike[str]

PROGRESS_MIN_LINES = 200  # a progress bar only for long batches, and only on a terminal
EXIT_BAD_INPUT = 2  # as needlecare.cli.root.EXIT_BAD_INPUT (that module imports Typer)
DESCRIPTION = "Check an ingredient list: may this product go on treated skin on day N?"


def _run(
    day: int,
    as_json: bool,
    jsonl: bool,
    file: FilePath | None,
    band: str | None,
    depth: float | None,
    device: str,
    rinse_off: bool,
    image: FilePath | None = None,
    lang: str = "en",
) -> None:
    """The command itself, shared by the Typer command and the fast path (`main_fast`)."""
    if as_json and jsonl:
        _fail("use either --json or --jsonl, not both")
    lang = _language(lang)
    chosen_band = _band(band, depth, device)
    if image is not None:
        _run_image(image, day, as_json, jsonl or file is not None, chosen_band, rinse_off, lang)
        return
    raw = _read_input(file)
    if jsonl:
        _run_batch(raw, day, chosen_band, rinse_off, show_progress=file is not None)
        return
    from needlecare.ingredients import NotAnIngredientList, check_label

    try:
        result = check_label(raw, day=day, band=chosen_band, rinse_off=rinse_off)
    except NotAnIngredientList as error:
        _fail(str(error))
    if lang != "en":
        result = _localized(result, lang)
    if as_json:
        _write_json(result)
    else:
        sys.stdout.write(_table(result, lang))


def _language(lang: str) -> str:
    if lang == "en":
        return lang  # no catalogue to load on the fast path
    from needlecare.i18n import shipped_locales, supported

    found = supported(lang)
    if found is None:
        _fail(f"--lang must be one of {', '.join(shipped_locales())}, not {lang!r}")
    return found


def _localized(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """The verdict's reasons in `lang` (the JSON keys and codes stay as they are)."""
    from needlecare.i18n import localize

    verdict = result["verdict"]
    reasons = [{**r, "text": localize(lang, r["text"])} for r in verdict["reasons"]]
    return {**result, "verdict": {**verdict, "reasons": reasons}}


def main_fast(argv: list[str]) -> int:
    """`needlecare ingredients ARGS` without Typer's parameter machinery (it imports pydantic,
    about 0.3 s per process). Same options, same output, same exit codes as the Typer command;
    `needlecare.cli.main` may dispatch here when argv[1] == "ingredients"."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="needlecare ingredients", add_help=True, description=DESCRIPTION
    )
    add = parser.add_argument
    add("--day", type=int, default=0, help="Days since treatment (0 = treatment day).")
    add("--json", dest="as_json", action="store_true", help="Print the JSON result.")
    add("--jsonl", action="store_true", help="One list per input line, one JSON per line.")
    add("--file", default=None, help="Read this file, not stdin.")
    add("--image", default=None, help="Read the list from a photo of the label.")
    add("--band", default=None, help="Depth band S, M, D, VD or RF (default: most cautious).")
    add("--depth", type=float, default=None, help="Needle depth in mm (sets the band).")
    add("--device", default="pen", help="pen, roller, stamp or rf (with --depth).")
    add("--lang", default="en", help="Language of the verdict's reasons (en, es).")
    add(
        "--rinse-off",
        dest="rinse_off",
        action="store_true",
        help="A rinse-off product: no comedogenic ratings.",
    )
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse printed its usage error
        return EXIT_BAD_INPUT if exit_.code not in (0, None) else 0
    if not 0 <= args.day <= 3650:
        sys.stderr.write(f"error: --day must be from 0 to 3650, not {args.day}\n")
        return EXIT_BAD_INPUT
    try:
        _run(
            args.day,
            args.as_json,
            args.jsonl,
            args.file,
            args.band,
            args.depth,
            args.device,
            args.rinse_off,
            args.image,
            args.lang,
        )
    except SystemExit as exit_:  # _fail: the message is already on stderr
        return int(exit_.code or 0)
    return 0


def _run_image(
    image: FilePath,
    day: int,
    as_json: bool,
    other_input: bool,
    band: str | None,
    rinse_off: bool,
    lang: str = "en",
) -> None:
    """`--image PHOTO`: the photo -> result step lives in needlecare.ocr.command."""
    from pathlib import Path  # (the OCR imports far more than pathlib)

    from needlecare.ocr.command import ScanFailed, ocr_notes, scan_photo_file

    if other_input:
        _fail("--image reads one photo: use it without --file and --jsonl")
    try:
        result = scan_photo_file(Path(image), day, band, rinse_off)
    except ScanFailed as error:
        if lang == "en":
            _fail(str(error))
        from needlecare.i18n import localize

        _fail(localize(lang, error.message))
    if lang != "en":
        result = _localized(result, lang)
    if as_json:
        _write_json(result)
    else:
        sys.stdout.write(_table(result, lang) + ocr_notes(result, lang))


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"error: {message}\n")
    raise SystemExit(EXIT_BAD_INPUT)


def _band(band: str | None, depth: float | None, device: str) -> str | None:
    from needlecare.knowledge.bands import Band, depth_band

    if depth is not None:
        try:
            found = depth_band(depth, device)
        except ValueError as error:
            _fail(str(error))
        if band is not None and band.upper() != found.value:
            _fail(f"--band {band} contradicts --depth {depth} ({found.value})")
        return found.value
    if band is None:
        return None
    if band.upper() not in {b.value for b in Band}:
        _fail(f"--band must be one of {', '.join(b.value for b in Band)}, not {band!r}")
    return band.upper()


def _read_input(file: FilePath | None) -> bytes:
    try:
        if file is not None:
            with open(_as_path(file), "rb") as handle:
                return handle.read()
        if sys.stdin is None:
            _fail("no input: pipe an ingredient list into this command or use --file")
        return sys.stdin.buffer.read()
    except OSError as error:
        shown = "standard input" if file is None else _as_path(file)
        _fail(f"cannot read {shown}: {error.strerror or error}")


def _as_path(file: FilePath) -> FilePath:
    """The file as the Typer command's Path names it, for opening it and in messages. A name
    that normpath leaves alone, Path leaves alone too (it normalises less): that name is kept."""
    if isinstance(file, str) and os.path.normpath(file) == file:
        return file
    from pathlib import Path

    return Path(file)


def _run_batch(
    raw: bytes, day: int, band: str | None, rinse_off: bool, show_progress: bool
) -> None:
    import gc

    import orjson

    from needlecare.ingredients import NotAnIngredientList, check_label

    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if not lines:
        _fail("empty input: expected one ingredient list per line")
    if show_progress and sys.stderr.isatty() and len(lines) >= PROGRESS_MIN_LINES:
        from tqdm import tqdm

        iterable: Any = tqdm(lines, file=sys.stderr, unit="list")
    else:
        iterable = lines
    out = sys.stdout.buffer
    pending: list[bytes] = []  # written 256 lines at a time (one write call per line costs)
    for line in iterable:
        try:
            result: dict[str, Any] = check_label(
                line.rstrip(b"\r"), day=day, band=band, rinse_off=rinse_off
            )
        except NotAnIngredientList as error:
            result = {"error": str(error)}
        pending.append(orjson.dumps(result))
        if len(pending) >= 256:
            out.write(b"\n".join(pending) + b"\n")
            pending.clear()
            # What outlives a list is the checker's tables, loaded on first use (the fuzzy
            # set-up's lists of ~29,000 names), and its caches: kept out of the collector, which
            # otherwise walks them again (~1 % of the instructions of bench/corpus x 20). A list
            # makes no reference cycles (tests/ingredients/test_cli.py), so nothing collectable
            # is frozen (none was found at any freeze over the bench corpus and dev halves).
            gc.freeze()
    if pending:
        out.write(b"\n".join(pending) + b"\n")
    out.flush()


def _write_json(result: dict[str, Any]) -> None:
    import orjson

    sys.stdout.buffer.write(orjson.dumps(result, option=orjson.OPT_INDENT_2) + b"\n")
    sys.stdout.buffer.flush()


def N_(message: str) -> str:  # as needlecare.i18n.N_ (not imported on the fast path)
    return message


_MARK = {
    "avoid": N_("AVOID"),
    "caution": N_("CAUTION"),
    "ok": N_("OK"),
    "recommended": N_("RECOMMENDED"),
}


def _table(result: dict[str, Any], lang: str = "en") -> str:
    rows = [("#", "as printed", "recognised as", "match", "flags", "comedo.")]
    for number, item in enumerate(result["ingredients"], 1):
        match = item["match"] or "unknown"
        if item["match"] == "fuzzy":
            match = f"fuzzy {item['confidence']:.2f}"
        rows.append(
            (
                str(number),
                _cut(item["raw"], 34),
                _cut(item["name"] if item["recognized"] else "?", 34)
                + (" (found outside the list)" if item.get("from_ignored") else ""),
                match,
                ", ".join(item["flags"]) or "-",
                "-" if item["comedogenic"] is None else str(item["comedogenic"]),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    ignored = result.get("ignored", [])
    if ignored:
        lines += ["", "Not read as ingredients:"]
        lines += [f"  - {_cut(item['text'], 60)} ({item['reason']})" for item in ignored]
    verdict = result["verdict"]
    lines += ["", _verdict_line(verdict, lang)]
    for reason in verdict["reasons"]:
        lines.append(f"  - [{reason['status']}] {reason['text']} ({reason['source']})")
    lines += [
        "",
        _say(lang, "NeedleCare informs; it does not diagnose. Your clinic's advice comes first."),
    ]
    return "\n".join(lines) + "\n"


def _say(lang: str, message: str, **values: Any) -> str:
    if lang == "en":
        return message.format(**values) if values else message
    from needlecare.i18n import Text, localize

    return localize(lang, Text(message, **values))


def _verdict_line(verdict: dict[str, Any], lang: str) -> str:
    mark = _say(lang, _MARK[verdict["status"]])
    line = _say(lang, "Day {day}: {verdict}", day=verdict["day"], verdict=mark)
    if verdict["resume_day"] is not None:
        line += _say(lang, " (no longer 'avoid' from day {day})", day=verdict["resume_day"])
    return line


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
