"""tools/serve.py, the server of ``make serve``: the same bytes, gzipped where that helps."""
from __future__ import annotations

import gzip
import http.client
import os
import sys
import threading
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import serve  # noqa: E402  (tools/serve.py)


@pytest.fixture
def site(tmp_path):
    """A folder with a page, a script, a small file, a wheel (already compressed) and a
    sub-folder; served on a free port. Yields (folder, port)."""
    (tmp_path / "index.html").write_text("<p>" + "cross-entropy " * 400 + "</p>", encoding="utf-8")
    (tmp_path / "app.js").write_text("var loss = 0;\n" * 500, encoding="utf-8")
    (tmp_path / "tiny.css").write_text("p{}", encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "lossbook-0.1-py3-none-any.whl", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("lossbook/__init__.py", os.urandom(20_000).hex())
    with zipfile.ZipFile(tmp_path / "packed.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("noise.bin", os.urandom(20_000))   # a .zip whose gzip would save nothing
    (tmp_path / "lite").mkdir()
    (tmp_path / "lite" / "index.html").write_text("<p>lite</p>", encoding="utf-8")
    server = serve.server(tmp_path)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield tmp_path, server.server_port
    server.shutdown()
    server.server_close()


def get(port: int, path: str, gzip_ok: bool = True):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Accept-Encoding": "gzip, deflate"} if gzip_ok else {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


@pytest.mark.parametrize("name", ["index.html", "app.js"])
def test_text_goes_out_gzipped_and_unpacks_to_the_same_bytes(site, name):
    folder, port = site
    response, body = get(port, f"/{name}")
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert response.getheader("Vary") == "Accept-Encoding"
    assert int(response.getheader("Content-Length")) == len(body) < (folder / name).stat().st_size / 4
    assert gzip.decompress(body) == (folder / name).read_bytes()
    assert response.getheader("Content-Type").startswith("text/html" if name.endswith("html") else "text/javascript")


def test_a_browser_that_does_not_ask_gets_the_file_as_it_is(site):
    folder, port = site
    response, body = get(port, "/app.js", gzip_ok=False)
    assert response.getheader("Content-Encoding") is None
    assert body == (folder / "app.js").read_bytes()


@pytest.mark.parametrize("name", ["lossbook-0.1-py3-none-any.whl", "tiny.css", "packed.zip"])
def test_compressed_or_tiny_files_go_out_as_they_are(site, name):
    folder, port = site
    response, body = get(port, f"/{name}")
    assert response.getheader("Content-Encoding") is None
    assert body == (folder / name).read_bytes()


def test_a_rebuilt_file_is_compressed_again(site):
    folder, port = site
    get(port, "/app.js")
    (folder / "app.js").write_text("var accuracy = 1;\n" * 600, encoding="utf-8")
    response, body = get(port, "/app.js")
    assert gzip.decompress(body) == (folder / "app.js").read_bytes()


def test_folders_missing_files_and_head_requests_behave_as_in_http_server(site):
    _, port = site
    response, _ = get(port, "/lite")
    assert response.status == 301 and response.getheader("Location") == "/lite/"
    response, body = get(port, "/lite/")
    assert response.status == 200 and b"lite" in body
    response, _ = get(port, "/nowhere.js")
    assert response.status == 404
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("HEAD", "/app.js", headers={"Accept-Encoding": "gzip"})
    response = connection.getresponse()
    assert response.getheader("Content-Encoding") == "gzip" and response.read() == b""
    connection.close()


def test_it_refuses_a_folder_without_a_built_book(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        serve.main(["--directory", str(tmp_path), "--port", "0"])
    assert stop.value.code == 2
    assert "build the book first" in capsys.readouterr().err
