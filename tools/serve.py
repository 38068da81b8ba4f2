"""Serve the built book on this machine only, gzipped where that helps (as GitHub Pages does).

    python tools/serve.py                      # _build/html at http://127.0.0.1:8000
    python tools/serve.py --port 8001 --directory _build/html

``make serve`` (and so ``make book``) runs this. It is Python's ``http.server`` plus
one thing a classroom notices: a file that compresses well (HTML, JavaScript, CSS,
JSON, WebAssembly, Pyodide's standard library) is sent gzipped to a browser that asks
for it, which roughly halves what the in-browser edition transfers. Wheels and
pictures are compressed already and go out as they are. The tests and the in-browser
benchmark serve the book with ``BookHandler`` too.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMPRESSIBLE = {".html", ".js", ".mjs", ".css", ".json", ".svg", ".wasm", ".zip", ".txt",
                ".ipynb", ".py", ".map", ".woff"}
SMALLEST = 1024        # bytes: smaller files are not worth a gzip header
WORTH_IT = 0.9         # send gzipped only when that saves at least 10 %


@functools.lru_cache(maxsize=256)
def gzipped(path: str, mtime_ns: int, size: int) -> bytes | None:
    """The gzip of the file at ``path`` (level 6), or None when it saves less than 10 %.

    ``mtime_ns`` and ``size`` are part of the cache key: a rebuilt file is compressed again.
    """
    data = Path(path).read_bytes()
    packed = gzip.compress(data, compresslevel=6, mtime=0)
    return packed if len(packed) < WORTH_IT * len(data) else None


class BookHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped for browsers that accept it; no request log on the console."""

    def send_head(self):
        path = self.translate_path(self.path)
        if (os.path.isfile(path) and Path(path).suffix in COMPRESSIBLE
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            stat = os.stat(path)
            body = gzipped(path, stat.st_mtime_ns, stat.st_size) if stat.st_size >= SMALLEST else None
            if body is not None:
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(path))
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Vary", "Accept-Encoding")
                self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
                self.end_headers()
                return io.BytesIO(body)
        return super().send_head()

    def log_message(self, *args):
        pass


def server(directory: Path, port: int = 0, host: str = "127.0.0.1") -> http.server.ThreadingHTTPServer:
    """A server for ``directory`` on ``host:port`` (port 0: a free one); call ``serve_forever``."""
    handler = functools.partial(BookHandler, directory=str(directory))
    return http.server.ThreadingHTTPServer((host, port), handler)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Serve the built book on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--directory", type=Path, default=ROOT / "_build" / "html")
    args = parser.parse_args(argv)
    if not (args.directory / "index.html").exists():
        parser.error(f"{args.directory} has no index.html: build the book first (make build).")
    with server(args.directory, args.port) as httpd:
        print(f"Serving {args.directory} at http://127.0.0.1:{httpd.server_port}/  (Ctrl-C to stop)")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
