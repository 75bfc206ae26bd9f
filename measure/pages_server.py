"""Serve a built site the way GitHub Pages serves it: text compressed with gzip.

The browser tests and the Lighthouse measurement both use this server, so the page weights they
report are the bytes a reader's browser receives from the published site, not the bigger
uncompressed files on disk (those are reported too).

    python -m measure.pages_server site/ 8001    # serve site/ on http://127.0.0.1:8001/
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

# What GitHub Pages compresses: text, not images or fonts (already compressed).
COMPRESSED_SUFFIXES = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map", ".ipynb"}


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and urlsplit(self.path).path.endswith("/"):
            path = path / "index.html"
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts_gzip and path.is_file() and path.suffix in COMPRESSED_SUFFIXES):
            return super().send_head()  # also the redirect of a folder without its "/", and 404s
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def make_server(site_dir: Path, port: int = 0) -> http.server.ThreadingHTTPServer:
    """A server for `site_dir` on 127.0.0.1 (`port` 0: a free one); call serve_forever() on it."""
    handler = functools.partial(PagesHandler, directory=str(site_dir))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)


@contextmanager
def serving(site_dir: Path, port: int = 0):
    """The site served in a background thread while the block runs; yields its base URL."""
    server = make_server(site_dir, port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    site, port = Path(sys.argv[1]), int(sys.argv[2])
    if not (site / "index.html").is_file():
        sys.exit(f"{site} holds no built site (no index.html): run `make build` first")
    print(f"Serving {site} on http://127.0.0.1:{port}/ (gzip, as GitHub Pages does); Ctrl-C stops.")
    make_server(site, port).serve_forever()
