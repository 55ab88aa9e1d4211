"""The registry's files: the structure file (TOML and JSON) and the meeting file.

Above the apps (it reads and writes ``bodies``, ``members`` and ``meetings``), so the
app graph stays one-way:

- ``limits``: reading a file safely – size, nesting depth, control characters, the
  TOML and JSON syntax, each problem with its place;
- ``models``: the pydantic models, one per section, that say what a file may hold
  (``docs/structure.schema.json`` is generated from them: ``make schema``);
- ``check``: what a schema cannot say – references, the tree, seat keys, overlaps –
  and the Swedish wording of every problem;
- ``write``: the one writer behind all formats (each object through ``full_clean()``);
- ``toml``: the hand-maintained TOML structure file, translated into the JSON's data.
"""
