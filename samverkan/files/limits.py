"""Reading a file safely: size, nesting depth, encoding, control characters and syntax.

Every path that reads a structure or meeting file (the commands and the admin upload)
comes through ``parse``: whatever the bytes, the answer is either the file's data or a
``StructureFileError`` listing each problem with its place – never a traceback.

The limits are settings (docs/structure-file.md): ``IMPORT_FILE_MAX_BYTES`` (default
10 MB) and ``IMPORT_FILE_MAX_DEPTH`` (default 20 levels of lists and tables; a
structure file needs 6).
"""

import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, Literal

from django.conf import settings

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_DEPTH = 20

Format = Literal["json", "toml"]

# C0 controls but tab, line feed and carriage return; DEL; the C1 controls.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class StructureFileError(Exception):
    """The file has problems; ``problems`` lists each with its place in the file."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_FILE_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_depth() -> int:
    return int(getattr(settings, "IMPORT_FILE_MAX_DEPTH", DEFAULT_MAX_DEPTH))


def too_large(name: str) -> StructureFileError:
    limit = max_bytes()
    size = f"{limit // 1024 // 1024} MB" if limit >= 1024 * 1024 else f"{limit} byte"
    return StructureFileError([f"{name}: filen är för stor (högst {size})"])


def read_upload(file: BinaryIO, name: str) -> bytes:
    """At most the limit's bytes of an open file; a larger file is refused unread."""
    raw = file.read(max_bytes() + 1)
    if len(raw) > max_bytes():
        raise too_large(name)
    return raw


def read_path(path: str | Path) -> bytes:
    try:
        with open(path, "rb") as file:
            return read_upload(file, str(path))
    except OSError as error:
        raise StructureFileError([f"{path}: {error.strerror}"]) from None


def read(path: str | Path, fmt: Format) -> dict[str, Any]:
    """The file at ``path`` parsed (``fmt`` "json" or "toml"), within the limits."""
    return parse(read_path(path), str(path), fmt)


def parse(raw: bytes | str, name: str, fmt: Format) -> dict[str, Any]:
    """The file's data; every way it can be unreadable is a located problem."""
    if isinstance(raw, bytes):
        if len(raw) > max_bytes():
            raise too_large(name)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise StructureFileError(
                [f"{name}: filen är inte kodad som UTF-8 (byte {error.start + 1})"]
            ) from None
    else:
        text = raw
        if len(text.encode("utf-8", "surrogatepass")) > max_bytes():
            raise too_large(name)
    problems = [f"{name}: {place}: {message}" for place, message in control_characters(text)]
    if problems:
        raise StructureFileError(problems)
    if fmt == "json" and bracket_depth(text) > max_depth():
        raise StructureFileError([too_deep(name)])
    data = parse_json(text, name) if fmt == "json" else parse_toml(text, name)
    if nesting(data) > max_depth():
        raise StructureFileError([too_deep(name)])
    problems = [
        f"{place}: tecknet {describe(char)} är inte tillåtet"
        for place, char in control_characters_in(data)
    ]
    if problems:
        raise StructureFileError(problems)
    return data


def too_deep(name: str) -> str:
    return f"{name}: filen är nästlad för djupt (högst {max_depth()} nivåer av listor och objekt)"


def describe(char: str) -> str:
    return "NUL" if char == "\x00" else f"U+{ord(char):04X}"


def control_characters(text: str) -> Iterator[tuple[str, str]]:
    """(place, message) for each line with a control character, at most ten."""
    count = 0
    for number, line in enumerate(text.splitlines(), 1):
        found = CONTROL.search(line)
        if found:
            count += 1
            yield (
                f"rad {number}, kolumn {found.start() + 1}",
                f"tecknet {describe(found.group())} är inte tillåtet i filen",
            )
            if count == 10:
                return


def bracket_depth(text: str) -> int:
    """The deepest nesting of [ and { outside JSON strings, before the parser recurses."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(depth - 1, 0)
    return deepest


def nesting(data: Any) -> int:
    """The depth of lists and dicts in parsed data, without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            deepest = max(deepest, depth)
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            deepest = max(deepest, depth)
            stack.extend((item, depth + 1) for item in value)
    return deepest


def control_characters_in(data: Any) -> Iterator[tuple[str, str]]:
    """(place, character) for each key or string holding a control character (from escapes)."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, place = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                where = f"{place}.{key}" if place else str(key)
                found = CONTROL.search(str(key))
                if found:
                    yield where, found.group()
                stack.append((item, where))
        elif isinstance(value, list):
            stack.extend((item, f"{place}[{i}]") for i, item in enumerate(value))
        elif isinstance(value, str):
            found = CONTROL.search(value)
            if found:
                yield place or "filen", found.group()


JSON_MESSAGES = {
    "Expecting value": "ett värde saknas (är filen avklippt?)",
    "Unterminated string starting at": "en sträng tar aldrig slut (är filen avklippt?)",
    "Expecting ',' delimiter": "ett kommatecken saknas (är filen avklippt?)",
    "Expecting ':' delimiter": "ett kolon saknas",
    "Expecting property name enclosed in double quotes": "ett fältnamn inom citattecken förväntas",
    "Extra data": "det finns text efter JSON-objektet",
    "Invalid control character at": "ett otillåtet tecken i en sträng",
    "Invalid \\escape": "en ogiltig \\-sekvens i en sträng",
}


def parse_json(text: str, name: str) -> dict[str, Any]:
    """The file's JSON; a syntax error (e.g. a truncated file) is reported with its place."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        if error.pos >= len(text.rstrip()):
            message = "filen tar slut mitt i (är filen avklippt?)"
        else:
            message = JSON_MESSAGES.get(error.msg, error.msg)
        place = f"rad {error.lineno}, kolumn {error.colno}"
        raise StructureFileError(
            [f"{name}: filen är inte giltig JSON ({place}): {message}"]
        ) from None
    except (RecursionError, ValueError):  # too deep, or a number too long for int()
        raise StructureFileError([f"{name}: filen är inte giltig JSON"]) from None
    if not isinstance(data, dict):
        raise StructureFileError([f"{name}: ett JSON-objekt {{…}} förväntas överst i filen"])
    return data


TOML_PLACE = re.compile(r"^(?P<message>.*?) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")
TOML_END = re.compile(r"^(?P<message>.*?) \(at end of document\)$")
TOML_MESSAGES = {
    "Expected ']' at the end of a table declaration": "] saknas i slutet av en tabellrubrik",
    "Expected ']]' at the end of an array declaration": "]] saknas i slutet av en tabellrubrik",
    "Invalid value": "ogiltigt värde",
    "Invalid statement": "ogiltig rad",
    "Cannot overwrite a value": "värdet finns redan",
    "Cannot declare": "tabellen finns redan",
    "Unclosed array": "en lista tar aldrig slut",
    "Unclosed inline table": "en tabell {…} tar aldrig slut",
    "Unterminated string": "en sträng tar aldrig slut",
    "Illegal character": "ett otillåtet tecken",
    "Expected '=' after a key in a key/value pair": "= saknas efter nyckeln",
    "Invalid initial character for a key part": "ogiltigt tecken i en nyckel",
}


def parse_toml(text: str, name: str) -> dict[str, Any]:
    """The file's TOML; a syntax error is reported with line and column."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        detail = str(error)
        found = TOML_PLACE.match(detail)
        if found:
            message = found["message"]
            place = f" (rad {found['line']}, kolumn {found['column']})"
        else:
            end = TOML_END.match(detail)
            message, place = (end["message"], " (i slutet av filen)") if end else (detail, "")
        swedish = next((sv for en, sv in TOML_MESSAGES.items() if message.startswith(en)), message)
        raise StructureFileError(
            [f"{name}: filen går inte att läsa som TOML{place}: {swedish}"]
        ) from None
    except (RecursionError, ValueError):
        raise StructureFileError([f"{name}: filen går inte att läsa som TOML"]) from None
