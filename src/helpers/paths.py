"""Where the project's data lives.

`VISION_DATA_DIR` overrides the data folder, so tests (and the nbval
data-change test) can point the whole book at a temporary copy.
"""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    return Path(os.environ.get("VISION_DATA_DIR") or ROOT / "data")


def snapshot_dir() -> Path:
    return data_dir() / "snapshot"


def catalog_dir() -> Path:
    return data_dir() / "catalog"
