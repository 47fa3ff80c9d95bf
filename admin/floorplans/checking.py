"""The live validation of the draft: the wayfinding validator's answer for the draft as it is,
rechecked after an edit from what the edit changed.

Each app process keeps the checks of the last few draft documents, keyed by the document's
hash. After an edit, `wayfinding.revalidate` starts from the check of the document the edit was
made on (when this process has it) and rebuilds only what the changed ids touch; a process that
has not seen the draft yet checks it whole once.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from wayfinding import CheckedFloorplan, check_floorplan, revalidate

# Documents whose checks a process keeps: the draft, and the one before it for a stale save.
KEPT_CHECKS = 4

_lock = threading.Lock()
_checks: OrderedDict[bytes, CheckedFloorplan] = OrderedDict()


def document_key(text: str) -> bytes:
    """The cache key of a stored draft document."""
    return hashlib.sha256(text.encode("utf-8")).digest()


def checked_text(text: str, document: dict[str, Any]) -> CheckedFloorplan:
    """The check of a stored draft document (`document` is `text` parsed)."""
    key = document_key(text)
    with _lock:
        found = _checks.get(key)
    if found is not None:
        return found
    return _kept(key, check_floorplan(document))


def checked_edit(
    previous_text: str, previous: dict[str, Any], edited: dict[str, Any], changed: Iterable[str]
) -> CheckedFloorplan:
    """The check of `edited`, made from `previous` by changing the ids in `changed`; not yet
    kept (the edit may still be refused)."""
    return revalidate(checked_text(previous_text, previous), edited, changed)


def keep(text: str, checked: CheckedFloorplan) -> None:
    """Remember the check of a document just saved as the draft."""
    _kept(document_key(text), checked)


def _kept(key: bytes, checked: CheckedFloorplan) -> CheckedFloorplan:
    with _lock:
        _checks[key] = checked
        _checks.move_to_end(key)
        while len(_checks) > KEPT_CHECKS:
            _checks.popitem(last=False)
    return checked
