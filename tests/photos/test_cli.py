"""`needlecare photo analyze` and `needlecare photo clean` through the real Typer app."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from needlecare.cli import app

from .metadata import assert_no_metadata, jpeg_with_everything
from .synthetic import Scene, encode, grid_spots

runner = CliRunner()


@pytest.fixture(scope="module")
def photo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("photos") / "day2.jpg"
    spots = grid_spots((150, 100, 600, 500), 2, 3, 8)
    path.write_bytes(encode(Scene(spots=spots, noise=2).rgb(), "JPEG", quality=92))
    return path


def _one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_readable_output(photo: Path) -> None:
    result = runner.invoke(app, ["photo", "analyze", str(photo)])
    assert result.exit_code == 0, result.output
    assert "Redness (CIELAB a*): mean 14" in result.stdout
    assert "Breakout candidates (red spots): 6" in result.stdout
    assert "ITA" in result.stdout and "does not diagnose" in result.stdout


def test_json_output_is_the_analyze_contract(photo: Path) -> None:
    from needlecare.photos import analyze

    result = runner.invoke(app, ["photo", "analyze", str(photo), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == analyze(photo.read_bytes())


def test_roi_and_overlay(photo: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.png"
    result = runner.invoke(
        app,
        [
            "photo",
            "analyze",
            str(photo),
            "--json",
            "--roi",
            "200,150,300,250",
            "--overlay",
            str(overlay),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["roi"]["source"] == "manual"
    assert report["roi"]["box"] == [200, 150, 300, 250]
    assert Image.open(overlay).size == (900, 700)


@pytest.mark.parametrize(
    ("content", "needle"),
    [(b"", "empty"), (b"just some text\n", "not an image"), (b"GIF89a" + b"\x00" * 40, "GIF")],
)
def test_bad_files_exit_2_with_one_line(tmp_path: Path, content: bytes, needle: str) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(content)
    line = _one_line_error(runner.invoke(app, ["photo", "analyze", str(path)]))
    assert needle in line


def test_truncated_file_exits_2(photo: Path, tmp_path: Path) -> None:
    path = tmp_path / "cut.jpg"
    path.write_bytes(photo.read_bytes()[:5000])
    assert "incomplete" in _one_line_error(runner.invoke(app, ["photo", "analyze", str(path)]))


def test_missing_file_and_bad_roi_exit_2(photo: Path, tmp_path: Path) -> None:
    _one_line_error(runner.invoke(app, ["photo", "analyze", str(tmp_path / "nope.jpg")]))
    _one_line_error(runner.invoke(app, ["photo", "analyze", str(photo), "--roi", "1,2,x,4"]))
    _one_line_error(runner.invoke(app, ["photo", "analyze", str(photo), "--roi", "9000,0,5,5"]))


def test_clean_writes_metadata_free_copy_named_by_hash(tmp_path: Path) -> None:
    source = tmp_path / "upload.jpg"
    source.write_bytes(jpeg_with_everything(Image.new("RGB", (120, 80), (190, 140, 120))))
    result = runner.invoke(app, ["photo", "clean", str(source), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    written = sorted((tmp_path / "out").iterdir())
    assert [p.name.endswith(".thumb.jpg") for p in written] == [False, True]
    for path in written:
        assert_no_metadata(path.read_bytes())


def test_cli_start_up_does_not_load_image_libraries() -> None:
    code = (
        "import sys, needlecare.cli; "
        "print(sorted(m for m in ('cv2', 'PIL', 'needlecare.photos') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
