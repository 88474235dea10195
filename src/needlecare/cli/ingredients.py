"""CLI: `needlecare ingredients [--day N] [--json | --jsonl] [--file PATH | --image PHOTO]`.

Reads an ingredient list from standard input (or --file) and prints a table and the verdict,
the `--json` contract, or with `--jsonl` one result per input line. Bad input: one-line error on
stderr, exit status 2, never a traceback. The domain is imported inside the command so that
`needlecare --help` and the other commands do not pay for it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from needlecare.cli.ingredients_run import _fail, _run, main_fast
from needlecare.cli.root import app

__all__ = ["main_fast"]  # the fast path lives in ingredients_run (no Typer import)


@app.command("ingredients")
def ingredients(
    day: Annotated[
        int,
        typer.Option("--day", min=0, max=3650, help="Days since treatment (0 = treatment day)."),
    ] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON result.")] = False,
    jsonl: Annotated[
        bool,
        typer.Option("--jsonl", help="One list per input line, one JSON object per output line."),
    ] = False,
    file: Annotated[Path | None, typer.Option("--file", help="Read this file, not stdin.")] = None,
    band: Annotated[
        str | None,
        typer.Option("--band", help="Depth band S, M, D, VD or RF (default: the most cautious)."),
    ] = None,
    depth: Annotated[
        float | None, typer.Option("--depth", help="Needle depth in mm (sets the band).")
    ] = None,
    device: Annotated[
        str, typer.Option("--device", help="pen, roller, stamp or rf (with --depth).")
    ] = "pen",
    rinse_off: Annotated[
        bool, typer.Option("--rinse-off", help="A rinse-off product: no comedogenic ratings.")
    ] = False,
    image: Annotated[
        Path | None,
        typer.Option("--image", help="Read the list from a photo of the label (JPEG, PNG, HEIC)."),
    ] = None,
    lang: Annotated[
        str, typer.Option("--lang", help="Language of the verdict's reasons (en, es).")
    ] = "en",
) -> None:
    """Check an ingredient list: may this product go on treated skin on day N?"""
    _run(day, as_json, jsonl, file, band, depth, device, rinse_off, image, lang)


@app.command("ingredients-build-data", hidden=True)
def build_data(
    cosing: Annotated[
        Path, typer.Argument(help="Directory with inventory.csv, annex_III.csv and annex_VI.csv")
    ],
) -> None:
    """Rebuild the compact CosIng data shipped in needlecare/ingredients/data/ (maintainers)."""
    from importlib import resources

    from needlecare.ingredients.build import ADDITIONS, build_all

    target = Path(str(resources.files("needlecare.ingredients").joinpath("data")))
    try:
        texts = [
            (cosing / n).read_text("utf-8")
            for n in ("inventory.csv", "annex_III.csv", "annex_VI.csv")
        ]
        additions = (target / ADDITIONS).read_text("utf-8")  # names the CosIng snapshot lacks
    except OSError as error:
        _fail(f"cannot read the CosIng files: {error}")
    for name, text in build_all(*texts, additions_toml=additions).items():
        (target / name).write_text(text, "utf-8")
        sys.stdout.write(f"wrote {target / name} ({len(text):,} characters)\n")


@app.command("ingredients-compile-toml", hidden=True)
def compile_toml() -> None:
    """Refresh data/compiled_toml.json, data/index.marshal and data/fuzzy.marshal after editing
    the ingredient data files, and knowledge/data/windows.compiled.json after editing
    windows.toml (maintainers)."""
    from importlib import resources

    from needlecare.ingredients.build import COMPILED_TOML, TOML_FILES, build_compiled_toml

    target = Path(str(resources.files("needlecare.ingredients").joinpath("data")))
    sources = {name: (target / name).read_text("utf-8") for name in TOML_FILES}
    (target / COMPILED_TOML).write_text(build_compiled_toml(sources), "utf-8")
    sys.stdout.write(f"wrote {target / COMPILED_TOML}\n")
    # and the compiled inventory index (data/index.marshal, start-up speed only)
    import tomllib

    from needlecare.ingredients import index
    from needlecare.ingredients.build import flag_patterns

    patterns = flag_patterns(tomllib.loads(sources["flags.toml"]))
    built = index.build({n: (target / n).read_bytes() for n in index.SOURCES}, patterns)
    (target / index.INDEX).write_bytes(index.dumps(built))
    sys.stdout.write(f"wrote {target / index.INDEX}\n")
    # and the typo readings' tables (data/fuzzy.marshal, start-up speed only)
    from needlecare.ingredients import data, fuzzy_tables

    tables = fuzzy_tables.build_file(
        {n: (target / n).read_bytes() for n in fuzzy_tables.SOURCES}, data.fuzzy_choices()
    )
    (target / fuzzy_tables.FILE).write_bytes(fuzzy_tables.dumps(tables))
    sys.stdout.write(f"wrote {target / fuzzy_tables.FILE}\n")
    # and the parsed copy of the waiting windows (knowledge/data/windows.compiled.json)
    from needlecare.knowledge import windows

    knowledge = Path(str(resources.files("needlecare.knowledge").joinpath("data")))
    source = (knowledge / "windows.toml").read_text("utf-8")
    (knowledge / windows.COMPILED).write_text(windows.build_compiled(source), "utf-8")
    sys.stdout.write(f"wrote {knowledge / windows.COMPILED}\n")
