"""`needlecare knowledge check`: every knowledge and protocol file against its schema and rules.

Discovery is by convention, so other packages' data is covered without editing this module: a
data file `X.toml` or `X.json` is checked when a schema sits beside it as `X.schema.json`, or
when its folder `D/` has a schema `D.schema.json` next to it (data/pages/*.toml ->
data/pages.schema.json). Then, in every file: each citation (`cite` keys and any
`reference.md#...` string) must resolve. And across files: guide pages must take waiting-window
days from windows.toml (placeholders, never a typed day next to a window's citation), an entry
naming a `window` must agree with its days, protocols may only tighten (validate_protocol),
and a page's warning levels must agree with the triage rules citing the same entries.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import jsonschema

from needlecare.guide.content import LEVELS, PLACEHOLDER
from needlecare.guide.protocols import validate_protocol
from needlecare.knowledge import citations
from needlecare.knowledge.bands import Band
from needlecare.knowledge.windows import Window, windows

CITE_KEYS = frozenset({"cite", "cites", "citation", "citations"})
DAY_KEYS = ("resume_day", "from_day", "day")
# A day typed as a number: "day 7", "7 days", "48 hours", "2 weeks", "1-2 weeks".
LITERAL_DAY = re.compile(
    r"\bday\s+\d+|\b\d+\s*(?:-|to)?\s*\d*\s*(?:days?|hours?|h|weeks?)\b", re.IGNORECASE
)
# Days that a rule file owns and a page may also state in words: (cited entry, schema of the
# rule file, key holding the days). The set of days a page types beside the entry must equal
# the set of values in the rule file, so the guide and triage cannot drift apart.
SHARED_DAYS = (("reference.md#AE-11", "expectations.schema.json", "redness_clear_after"),)
DAY_NUMBER = re.compile(r"\bday\s+(\d+)", re.IGNORECASE)
SKIPPED_FOLDERS = frozenset({"__pycache__", "locale", "static", "templates", "migrations"})


@dataclass(frozen=True)
class Problem:
    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


@dataclass(frozen=True)
class DataFile:
    name: str  # shown in messages, e.g. "guide/data/pages/aftercare.toml"
    text: str
    read_error: str | None
    schema_name: str
    schema_text: str
    schema_read_error: str | None = None


@dataclass
class Report:
    files: list[str] = field(default_factory=list)
    citations: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def discover(
    folder: Traversable, prefix: str = "", folder_schema: Traversable | None = None
) -> Iterator[DataFile]:
    """Data files with a schema by convention, under a folder handed in: the package's own
    (importlib.resources) or a directory the command line was pointed at."""
    items = sorted(folder.iterdir(), key=lambda i: i.name)
    names = {item.name: item for item in items}
    for item in items:
        if item.is_dir():
            if item.name not in SKIPPED_FOLDERS and not item.name.startswith("."):
                inherited = names.get(f"{item.name}.schema.json")
                yield from discover(item, f"{prefix}{item.name}/", inherited)
            continue
        stem, dot, suffix = item.name.rpartition(".")
        if not dot or suffix not in ("toml", "json") or stem.endswith(".schema"):
            continue
        schema = names.get(f"{stem}.schema.json") or folder_schema
        if schema is not None:
            yield DataFile(f"{prefix}{item.name}", *_read(item), schema.name, *_read(schema))


def _read(item: Traversable) -> tuple[str, str | None]:
    """(text, None), or ("", why) for a file that is not UTF-8 text."""
    try:
        return item.read_text("utf-8"), None
    except (UnicodeDecodeError, OSError) as error:
        return "", f"{item.name} cannot be read as UTF-8 text: {error}"


def package_files() -> list[DataFile]:
    """Every data file of the installed package that has a schema by convention."""
    return list(discover(resources.files("needlecare")))


def check(files: Iterable[DataFile], extra_protocols: Iterable[DataFile] = ()) -> Report:
    report = Report()
    slugs: dict[str, str] = {}
    parsed: list[tuple[DataFile, Any]] = []
    for item in [*files, *extra_protocols]:
        report.files.append(item.name)
        document = _parse(item, report)
        if document is None:
            continue
        parsed.append((item, document))
        _check_schema(item, document, report)
        _check_citations(item, document, report)
        _check_window_mentions(item, document, report)
        if item.schema_name == "pages.schema.json":
            _check_page(item, document, report, slugs)
        if item.schema_name == "protocols.schema.json":
            report.problems += [Problem(item.name, str(e)) for e in validate_protocol(document)]
    _check_pages_against_rules(parsed, report)
    _check_page_levels_against_rules(parsed, report)
    return report


def _parse(item: DataFile, report: Report) -> Any:
    if item.read_error or item.schema_read_error:
        report.problems.append(Problem(item.name, str(item.read_error or item.schema_read_error)))
        return None
    try:
        return json.loads(item.text) if item.name.endswith(".json") else tomllib.loads(item.text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
        report.problems.append(Problem(item.name, f"cannot be parsed: {error}"))
        return None


def _check_schema(item: DataFile, document: Any, report: Report) -> None:
    if item.schema_name == "protocols.schema.json":
        return  # validate_protocol applies the schema and explains red-flag keys better
    try:
        validator = jsonschema.Draft202012Validator(json.loads(item.schema_text))
    except json.JSONDecodeError as error:
        report.problems.append(
            Problem(item.name, f"schema {item.schema_name} is not JSON: {error}")
        )
        return
    found = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    for violation in found:
        where = "/".join(str(p) for p in violation.absolute_path) or "(root)"
        report.problems.append(Problem(item.name, f"{where}: {violation.message}"))


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(parent path, key or list index, value) of every entry, depth first. Paths of leaves
    are formatted only when a problem is reported (`_at`): data files can be large."""
    if isinstance(node, Mapping):
        steps: Iterable[tuple[Any, Any]] = node.items()
    elif isinstance(node, list):
        steps = enumerate(node)
    else:
        return
    for step, value in steps:
        yield path, step, value
        if isinstance(value, Mapping | list):
            yield from _walk(value, _at(path, step))


def _at(parent: str, step: Any) -> str:
    if isinstance(step, int):
        return f"{parent}[{step}]"
    return f"{parent}.{step}" if parent else str(step)


def _check_citations(item: DataFile, document: Any, report: Report) -> None:
    for path, key, value in _walk(document):
        if key in CITE_KEYS:
            keys = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        elif isinstance(value, str) and value.startswith(f"{citations.REFERENCE_FILE}#"):
            in_cite_list = isinstance(key, int) and path.rsplit(".", 1)[-1] in CITE_KEYS
            keys = [] if in_cite_list else [value]  # cite lists were counted above
        else:
            continue
        for cited in keys:
            if not isinstance(cited, str):
                continue
            report.citations += 1
            if not citations.is_resolvable(cited):
                report.problems.append(
                    Problem(item.name, f"{_at(path, key)}: citation {cited!r} does not resolve")
                )


def _check_window_mentions(item: DataFile, document: Any, report: Report) -> None:
    """An entry that names a `window` and states its day must agree with windows.toml."""
    known = windows()
    for path, key, value in _walk(document):
        if not isinstance(value, Mapping) or not isinstance(value.get("window"), str):
            continue
        name = value["window"]
        if name not in known:
            report.problems.append(Problem(item.name, f"{_at(path, key)}: unknown window {name!r}"))
            continue
        for day_key in DAY_KEYS:
            day = value.get(day_key)
            if isinstance(day, int) and not isinstance(day, bool):
                _compare_day(item, _at(path, key), known[name], day, value.get("band"), report)


def _compare_day(
    item: DataFile, path: str, window: Window, day: int, band: Any, report: Report
) -> None:
    bands = [Band(band)] if band in Band.__members__ else list(Band)
    allowed = {window.resume_day(b) for b in bands}
    if day not in allowed:
        report.problems.append(
            Problem(
                item.name,
                f"{path}: states day {day} for window {window.name!r}, but windows.toml says "
                f"{' or '.join(str(d) for d in sorted(allowed))}",
            )
        )


def windowed_entries() -> frozenset[str]:
    """Reference entries whose days windows.toml owns: a page citing one must not type a day."""
    return frozenset(c for w in windows().values() for c in w.cite)


def _check_page(item: DataFile, document: Any, report: Report, slugs: dict[str, str]) -> None:
    if not isinstance(document, Mapping):
        return
    slug = document.get("slug")
    if isinstance(slug, str):
        if slug in slugs:
            report.problems.append(
                Problem(item.name, f"slug {slug!r} is also used by {slugs[slug]}")
            )
        slugs[slug] = item.name
    owned = windowed_entries()
    known = windows()
    for s_index, section in enumerate(document.get("sections") or []):
        if not isinstance(section, Mapping):
            continue
        for index, statement in enumerate(section.get("statements") or []):
            if not isinstance(statement, Mapping):
                continue
            where = f"sections[{s_index}].statements[{index}]"
            texts = [
                t for t in (statement.get("text"), statement.get("action")) if isinstance(t, str)
            ]
            for text in texts:
                for match in PLACEHOLDER.finditer(text):
                    if match["window"] not in known:
                        report.problems.append(
                            Problem(
                                item.name,
                                f"{where}: unknown window {match['window']!r} in {match[0]}",
                            )
                        )
                cited = set(statement.get("cite") or [])
                literal = LITERAL_DAY.search(text)
                if literal and cited & owned:
                    report.problems.append(
                        Problem(
                            item.name,
                            f"{where}: types {literal[0]!r} beside a citation whose days belong to "
                            f"windows.toml ({', '.join(sorted(cited & owned))}); write "
                            "{day:WINDOW} so the page cannot contradict the windows",
                        )
                    )
            sheet = statement.get("sheet", section.get("sheet"))
            if sheet == "warning_signs" and not ("level" in statement and "action" in statement):
                report.problems.append(
                    Problem(item.name, f"{where}: a warning sign needs a level and an action")
                )


def _check_pages_against_rules(parsed: list[tuple[DataFile, Any]], report: Report) -> None:
    for entry, schema_name, rule_key in SHARED_DAYS:
        ruled = {
            value
            for item, document in parsed
            if item.schema_name == schema_name
            for _path, found_key, value in _walk(document)
            if found_key == rule_key and isinstance(value, int)
        }
        if not ruled:
            continue  # the rule file is not part of this check
        for item, document in parsed:
            if item.schema_name != "pages.schema.json" or not isinstance(document, Mapping):
                continue
            for path, key, statement in _walk(document):
                if not isinstance(statement, Mapping) or entry not in (statement.get("cite") or []):
                    continue
                stated = {int(n) for n in DAY_NUMBER.findall(str(statement.get("text", "")))}
                if stated and stated != ruled:
                    report.problems.append(
                        Problem(
                            item.name,
                            f"{_at(path, key)}: states day(s) {sorted(stated)} beside {entry}, "
                            f"but the rules ({schema_name}, {rule_key}) use {sorted(ruled)}",
                        )
                    )


def _rule_levels(parsed: list[tuple[DataFile, Any]]) -> dict[str, set[str]]:
    """Levels that rule files (not pages) give per cited reference entry."""
    found: dict[str, set[str]] = {}
    for item, document in parsed:
        if item.schema_name == "pages.schema.json":
            continue
        for _path, _key, value in _walk(document):
            if not isinstance(value, Mapping) or value.get("level") not in LEVELS:
                continue
            cited = value.get("source", value.get("cite"))
            for entry in [cited] if isinstance(cited, str) else cited or []:
                if isinstance(entry, str) and entry.startswith(f"{citations.REFERENCE_FILE}#"):
                    found.setdefault(entry, set()).add(value["level"])
    return found


def _check_page_levels_against_rules(parsed: list[tuple[DataFile, Any]], report: Report) -> None:
    """A page must not advise less than the triage rules do for the same reference entry, and
    an emergency it names must be one that a triage rule can reach (TR-02, TR-10)."""
    by_entry = _rule_levels(parsed)
    if not by_entry:
        return
    rank: dict[str, int] = {level: -LEVELS.index(level) for level in LEVELS}  # urgent highest
    for item, document in parsed:
        if item.schema_name != "pages.schema.json":
            continue
        for path, key, statement in _walk(document):
            if not isinstance(statement, Mapping) or statement.get("level") not in LEVELS:
                continue
            cited = [c for c in statement.get("cite") or [] if isinstance(c, str)]
            entry = next((c for c in cited if c in by_entry), None)
            if entry is None:
                continue
            level, ruled = statement["level"], by_entry[entry]
            lowest = min(ruled, key=rank.__getitem__)
            if rank[level] < rank[lowest]:
                report.problems.append(
                    Problem(
                        item.name,
                        f"{_at(path, key)}: says {level!r} for {entry}, below every triage rule "
                        f"citing it ({', '.join(sorted(ruled, key=rank.__getitem__))})",
                    )
                )
            if level == "urgent" and "urgent" not in ruled:
                report.problems.append(
                    Problem(
                        item.name,
                        f"{_at(path, key)}: says 'urgent' for {entry}, but no triage rule citing "
                        f"it reaches urgent ({', '.join(sorted(ruled, key=rank.__getitem__))}): "
                        "the check-in could never confirm this emergency",
                    )
                )
