"""The decoder's counts as its page publishes them, computed by grade.py and kept under
.cache/decoder-counts/ by the bytes of what they depend on (the messages, the grading, the decoder),
so that a build where none of those changed neither imports torch nor starts Node."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DECODER = REPO / "docs" / "javascripts" / "error-decoder.js"
CACHE_DIR = REPO / ".cache" / "decoder-counts"


def counts() -> dict:
    digest = hashlib.sha256()
    for path in [HERE / "messages.json", HERE / "grade.py", DECODER]:
        digest.update(path.read_bytes() + b"\0")
    cached = CACHE_DIR / f"{digest.hexdigest()[:32]}.json"
    if cached.exists():
        return json.loads(cached.read_text())
    import grade  # torch and Node: only when the inputs changed

    found = grade.counts(DECODER)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    temporary = cached.with_suffix(".tmp")
    temporary.write_text(json.dumps(found))
    temporary.replace(cached)
    return found
