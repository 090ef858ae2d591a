"""Danish notes for readers.

The snapshot's `note` column holds the harvest's notes, mostly in English; they stay in the data
(and in the machine-readable CSV). A reader sees a note only in Danish: either the note is listed
in data/catalog/reader_notes_da.yaml (English note -> Danish note, written by a person; nothing is
machine-translated or invented) or the row has a `note_da` column. Otherwise no note is shown.
"""
from __future__ import annotations

import functools

import yaml

from helpers.fmt import clean
from helpers.paths import catalog_dir

NOTES_NAME = "reader_notes_da.yaml"


@functools.lru_cache(maxsize=1)
def _mapping() -> dict[str, str]:
    NOTES_FILE = catalog_dir() / NOTES_NAME
    if not NOTES_FILE.exists():
        return {}
    loaded = yaml.safe_load(NOTES_FILE.read_text(encoding="utf-8")) or {}
    notes = loaded.get("notes", {}) if isinstance(loaded, dict) else {}
    if not isinstance(notes, dict):
        raise ValueError(f"{NOTES_FILE}: 'notes' must map an English note to a Danish note")
    return {str(k).strip(): str(v).strip() for k, v in notes.items() if clean(v)}


def reader_note(note, note_da=None) -> str:
    """The Danish note a reader sees for a row ('' when there is none)."""
    if clean(note_da):
        return clean(note_da)
    return _mapping().get(clean(note), "")
