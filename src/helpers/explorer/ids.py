"""Stable widget model ids, so a notebook stores the same widget state on every run.

ipywidgets gives every widget (and every Layout / Style it creates) a random uuid4 comm id.
nbclient stores the widgets' state in the notebook under those ids and each display output
refers to one, so every re-execution would rewrite the stored notebook although nothing
changed. Inside `stable_model_ids(namespace)` every widget constructed without an explicit
`model_id` gets sha256(namespace, n)[:32] for n = 0, 1, 2, ... in construction order (which is
deterministic for the same code and data).

The counter is per namespace and per process and never restarts, so a second explorer of the
same theme in one kernel gets fresh ids (two widgets with one comm id would break the kernel's
comm manager). A fresh kernel (every book build, every nbval run) starts at 0.
"""
from __future__ import annotations

import hashlib
import itertools
from contextlib import contextmanager

import ipywidgets as W

_COUNTERS: dict[str, itertools.count] = {}


def model_id(namespace: str, n: int) -> str:
    return hashlib.sha256(f"{namespace}\0{n}".encode("utf-8")).hexdigest()[:32]


@contextmanager
def stable_model_ids(namespace: str):
    counter = _COUNTERS.setdefault(namespace, itertools.count())
    original = W.Widget.__init__

    def __init__(self, **kwargs):
        # Widget.__init__ pops `model_id` and passes it to the comm as its comm id.
        if kwargs.get("model_id") is None:
            kwargs["model_id"] = model_id(namespace, next(counter))
        original(self, **kwargs)

    W.Widget.__init__ = __init__
    try:
        yield
    finally:
        W.Widget.__init__ = original
