"""What the MkDocs hooks make of a page, kept under .cache/pages/ so that a build where the page
and the hook's code are unchanged parses no HTML (BeautifulSoup took most of a warm build)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import bs4

CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache" / "pages"


def cached(kind: str, inputs: list[str | bytes], make: Callable[[], dict]) -> dict:
    """make()'s answer (a dict that JSON can hold) for these inputs, computed once. `inputs` holds
    everything the answer depends on, the calling hook's own source among them; BeautifulSoup's
    version is added here. Answers for older inputs stay until `make clean`."""
    digest = hashlib.sha256(bs4.__version__.encode())
    for part in inputs:
        digest.update(b"\0" + (part.encode() if isinstance(part, str) else part))
    path = CACHE_DIR / kind / f"{digest.hexdigest()[:32]}.json"
    if path.exists():
        return json.loads(path.read_text())
    answer = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(answer))
    temporary.replace(path)  # two builds at once never read half a file
    return answer
