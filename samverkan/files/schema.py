"""``docs/structure.schema.json``, generated from the models (``make schema``)."""

import json
from pathlib import Path
from typing import Any

from samverkan.files.models import Structure

PATH = Path(__file__).resolve().parent.parent.parent / "docs" / "structure.schema.json"


def schema() -> dict[str, Any]:
    """The JSON Schema of the JSON structure file, as the import validates it."""
    document = Structure.model_json_schema(mode="validation", by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "samverkan-structure-1.schema.json",
        **{key: value for key, value in document.items() if key not in ("$schema", "$id")},
    }


def text() -> str:
    return json.dumps(schema(), ensure_ascii=False, indent=2) + "\n"
