"""What the landing page and the heaviest lesson page weigh over the wire."""

from __future__ import annotations

import gzip
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup


def _weight(site: Path, page: Path) -> dict:
    """The page and every same-origin file it loads (stylesheets, scripts, images), raw and gzipped."""
    html = page.read_bytes()
    url = "/" + page.relative_to(site).as_posix()
    files = {page}
    soup = BeautifulSoup(html, "html.parser")
    references = [tag.get("href") for tag in soup.select("link[rel~=stylesheet][href]")]
    references += [tag.get("src") for tag in soup.select("script[src], img[src]")]
    for reference in references:
        parts = urlsplit(urljoin(url, reference))
        if parts.scheme or parts.netloc:
            continue
        local = site / parts.path.lstrip("/")
        if local.is_file():
            files.add(local)
    raw = sum(path.stat().st_size for path in files)
    compressed = sum(len(gzip.compress(path.read_bytes(), 6)) for path in files)
    return {"page": url, "files": len(files), "bytes": raw, "gzip_bytes": compressed}


def page_weights(copy: Path) -> dict:
    site = copy / "site"
    lessons = [_weight(site, page) for page in sorted((site / "lessons").glob("*/index.html"))]
    return {"landing": _weight(site, site / "index.html"), "heaviest_lesson": max(lessons, key=lambda w: w["bytes"])}
