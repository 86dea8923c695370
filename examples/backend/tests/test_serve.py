"""serve.py end to end: READY line, real Daphne handshake answers, 1012 on SIGTERM, nothing on SIGKILL."""
import base64
import contextlib
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import redis

BACKEND = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def spawn(db, **env_vars):
    """Run serve.py on a free port: (process, port); killed at the end if still running."""
    env = {**os.environ, "NUMENEON_DB": str(db), "PYTHONUNBUFFERED": "1", **env_vars}
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


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with spawn(tmp_path_factory.mktemp("serve") / "db.sqlite3") as running:
        yield running


class RawSocket:
    """Just enough of a WebSocket client (RFC 6455) to see text frames and the close frame as they are sent."""

    def __init__(self, port, path):
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self.buf += self._chunk()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        assert head.split()[1] == b"101", head

    def _chunk(self):
        chunk = self.sock.recv(4096)
        if not chunk:
            raise EOFError
        return chunk

    def _take(self, n):
        while len(self.buf) < n:
            self.buf += self._chunk()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def frame(self):
        """(opcode, payload) of the next frame from the server (unmasked, unfragmented); EOFError at EOF."""
        first, second = self._take(2)
        n = second & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._take(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._take(8))[0]
        return first & 0x0F, self._take(n)

    def text(self):
        opcode, payload = self.frame()
        assert opcode == 1, (opcode, payload)
        return payload.decode()

    def send(self, opcode, payload):
        mask = os.urandom(4)
        assert len(payload) < 126
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)

    def close(self):
        self.sock.close()


def signup(port, name):
    """A new user on the server: (user, access token)."""
    _, user = http_json(port, "POST", "/api/auth/signup/",
                        {"email": f"{name}@example.com", "username": name, "password": "pw"})
    _, tokens = http_json(port, "POST", "/api/auth/login/", {"email": f"{name}@example.com", "password": "pw"})
    return user, tokens["access"]


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

    ws = RawSocket(port, f"/ws/notifications/?token={tokens['access']}")
    established = json.loads(ws.text())
    assert established["features"] == ["presence", "typing", "read_receipts"]  # the default
    assert ws.text() == '{"type": "presence_snapshot", "data": {"users": []}}'
    ws.send(1, b'{"type":"ping"}')
    assert ws.text() == '{"type": "echo", "data": {"type": "ping"}}'  # json.dumps' separators

    # SIGTERM: a 1012 close frame first, then a clean, quick exit.
    stopped = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    opcode, payload = ws.frame()
    assert opcode == 8 and struct.unpack("!H", payload[:2])[0] == 1012 and payload[2:] == b"server restart"
    ws.send(8, payload[:2])  # the client's half of the closing handshake
    assert proc.wait(timeout=15) == 0
    assert time.monotonic() - stopped < 2.0
    ws.close()


def test_sigkill_sends_no_close_frame(tmp_path):
    with spawn(tmp_path / "db.sqlite3") as (proc, port):
        _, access = signup(port, "kim")
        ws = RawSocket(port, f"/ws/notifications/?token={access}")
        assert json.loads(ws.text())["type"] == "connection_established"
        ws.text()  # presence_snapshot
        proc.kill()
        with pytest.raises((EOFError, ConnectionResetError)):
            ws.frame()  # the connection just ends: clients see 1006
        ws.close()


def test_a_killed_workers_users_go_offline_for_friends_on_another_worker(tmp_path, redis_server):
    ttl = 1.0
    with redis.Redis.from_url(redis_server) as client:
        client.flushall()  # user ids start again at 1 in this database
    env = {"REDIS_URL": redis_server, "PRESENCE_TTL_S": str(ttl)}
    with spawn(tmp_path / "db.sqlite3", **env) as (doomed, port1), spawn(tmp_path / "db.sqlite3", **env) as (_, port2):
        (alice, alice_token), (bob, bob_token) = signup(port2, "alice"), signup(port2, "bob")
        _, request = http_json(port2, "POST", f"/api/friends/request/{bob['id']}/", token=alice_token)
        http_json(port2, "POST", f"/api/friends/accept/{request['id']}/", token=bob_token)
        wa = RawSocket(port2, f"/ws/notifications/?token={alice_token}")
        wa.text(), wa.text()  # connection_established, presence_snapshot
        wb = RawSocket(port1, f"/ws/notifications/?token={bob_token}")
        came = json.loads(wa.text())
        assert came["type"] == "presence" and came["data"]["user_id"] == bob["id"] and came["data"]["online"] is True

        doomed.kill()  # bob's worker dies without closing anything or cleaning up
        killed = time.monotonic()
        wa.sock.settimeout(ttl * 3)
        gone = json.loads(wa.text())
        assert gone["type"] == "presence" and gone["data"]["user_id"] == bob["id"] and gone["data"]["online"] is False
        assert time.monotonic() - killed <= ttl * (1 + 1 / 3) + 0.5  # the TTL plus one sweep, some slack
        wa.close()
        wb.close()


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
