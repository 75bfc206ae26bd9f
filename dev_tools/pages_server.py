"""Serve a built site the way GitHub Pages serves it: text compressed with gzip.

The browser tests and the Lighthouse measurement both use this server, so the page weights they
report are the bytes a reader's browser receives from the published site, not the bigger
uncompressed files on disk (those are reported too).

    python -m dev_tools.pages_server site/ 8001    # serve site/ on http://127.0.0.1:8001/ (0: a free port)
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import re
import subprocess
import sys
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
    """The site served by a process of its own while the block runs; yields its base URL.

    Not a thread of the caller: a server sharing the interpreter with Playwright's clients waits
    on them for the GIL, and every request of every page waits with it, so that more browsers side
    by side would make the visits slower, not faster."""
    server = subprocess.Popen(
        [sys.executable, "-m", "dev_tools.pages_server", str(site_dir), str(port)],
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = server.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        if found is None:
            raise RuntimeError(f"the site server did not start: {line.strip() or 'it said nothing'}")
        yield found.group(0)
    finally:
        server.terminate()
        server.wait()


def main(site: Path, port: int) -> None:
    if not (site / "index.html").is_file():
        sys.exit(f"{site} holds no built site (no index.html): run `make build` first")
    server = make_server(site, port)
    print(
        f"Serving {site} on http://127.0.0.1:{server.server_address[1]}/ (gzip, as GitHub Pages does); Ctrl-C stops.",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
