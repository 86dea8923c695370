"""serve.py end to end: READY line, real Daphne handshake answers, clean SIGTERM."""
import base64
import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

BACKEND = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("serve") / "db.sqlite3"
    env = {**os.environ, "NUMENEON_DB": str(db), "PYTHONUNBUFFERED": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    proc = subprocess.Popen(
        [sys.executable, str(BACKEND / "serve.py"), "--port", "0"],
        cwd=BACKEND, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = proc.stdout.readline()
        m = re.fullmatch(r"NUMENEON_BACKEND_READY (http://127\.0\.0\.1):(\d+)\n", line)
        assert m, f"bad ready line {line!r}; stderr: {proc.stderr.read() if proc.poll() is not None else ''}"
        yield proc, int(m.group(2))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def http_json(port, method, path, body=None, token=None):
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})},
    )
    with urllib.request.urlopen(req, timeout=5) as r:
        return r.status, json.loads(r.read() or b"null")


def handshake_status(port, path, extra_headers=""):
    key = base64.b64encode(os.urandom(16)).decode()
    req = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"{extra_headers}\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(req.encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    head = data.split(b"\r\n\r\n")[0].decode("latin-1")
    return int(head.split()[1]), head


def test_serve_end_to_end(server):
    proc, port = server
    assert http_json(port, "GET", "/api/health/") == (200, {"status": "ok"})
    status, _ = http_json(port, "POST", "/api/auth/signup/",
                          {"email": "e@example.com", "username": "eve", "password": "pw"})
    assert status == 201
    _, tokens = http_json(port, "POST", "/api/auth/login/", {"email": "e@example.com", "password": "pw"})

    # Bad / missing token: close(4001) before accept -> Daphne answers HTTP 403.
    assert handshake_status(port, "/ws/notifications/")[0] == 403
    assert handshake_status(port, "/ws/notifications/?token=garbage")[0] == 403
    # Missing trailing slash: no route -> HTTP 500, like the live server.
    assert handshake_status(port, f"/ws/notifications?token={tokens['access']}")[0] == 500
    # Good token: 101, no subprotocol unless offered.
    code, head = handshake_status(port, f"/ws/notifications/?token={tokens['access']}")
    assert code == 101 and "sec-websocket-protocol" not in head.lower()
    code, head = handshake_status(
        port, "/ws/notifications/",
        f"Sec-WebSocket-Protocol: numeneon.jwt, {tokens['access']}\r\n",
    )
    assert code == 101
    assert re.search(r"(?im)^sec-websocket-protocol:\s*numeneon\.jwt\s*$", head)

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=15) == 0


def test_port_in_use_fails_fast(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {**os.environ, "NUMENEON_DB": str(tmp_path / "db.sqlite3")}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        r = subprocess.run([sys.executable, str(BACKEND / "serve.py"), "--port", str(port)],
                           cwd=BACKEND, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and r.stdout == ""
    assert "Address already in use" in r.stderr
