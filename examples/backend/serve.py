#!/usr/bin/env python
"""Run the NUMENEON reference backend: migrate, then serve HTTP + WebSocket with Daphne.

    examples/backend/.venv/bin/python examples/backend/serve.py [--host 127.0.0.1] [--port 8000]

--port 0 picks a free port. Prints exactly one line on stdout once the port accepts
connections:  NUMENEON_BACKEND_READY http://127.0.0.1:<port>
Everything else goes to stderr. SIGTERM / SIGINT stop the server (single process, no
children): every open WebSocket is first closed with 1012 "service restart", and the
process exits within about a second. Environment: see numeneon/settings.py and README.md.
"""
# Twisted is import-order sensitive: daphne.server installs the asyncio reactor.
import daphne.server  # noqa: F401  isort:skip

import argparse
import asyncio
import atexit
import fcntl
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
RESTART_CLOSE = (1012, b"server restart")  # IANA "Service Restart": clients may reconnect at once
CLOSE_GRACE_S = 0.5  # how long a stop waits for the closing handshakes and the consumers' disconnect


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000, help="0 = pick a free port")
    ap.add_argument("-v", "--verbosity", type=int, default=0, help="daphne verbosity (0-3)")
    ap.add_argument(
        "--watch-parent",
        action="store_true",
        help="exit when the parent process dies (used by tests/support/backend.mjs: no orphans)",
    )
    return ap.parse_args(argv)


def prepare_db():
    """Pick the SQLite file (a fresh temp dir when NUMENEON_DB is unset) and migrate it."""
    if not os.environ.get("NUMENEON_DB"):
        tmp = tempfile.mkdtemp(prefix="numeneon-backend-")
        atexit.register(shutil.rmtree, tmp, True)
        os.environ["NUMENEON_DB"] = os.path.join(tmp, "db.sqlite3")
    db = os.environ["NUMENEON_DB"]
    os.makedirs(os.path.dirname(os.path.abspath(db)), exist_ok=True)

    import django
    from django.core.management import call_command

    django.setup()
    # Several workers may start at once on one file: serialize migrate with a lock file.
    with open(db + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        call_command("migrate", verbosity=0, interactive=False)
    return db


class ReadyServer(daphne.server.Server):
    announced = False

    def announce(self):
        if self.announced or not self.listening_addresses:
            return
        self.announced = True
        _host, port = self.listening_addresses[0]
        shown = self.public_host
        sys.stdout.write(f"NUMENEON_BACKEND_READY http://{shown}:{port}\n")
        sys.stdout.flush()

    def listen_success(self, port):
        super().listen_success(port)
        from twisted.internet import reactor

        reactor.callWhenRunning(self.announce)

    def kill_all_applications(self):
        """Before the reactor stops (SIGTERM, SIGINT, --watch-parent): close every open WebSocket with 1012
        rather than dropping it (Daphne sends no close frame: clients would see 1006, as after a crash), and
        give the consumers a moment to run their disconnect handlers; then Daphne's own cancellation."""
        from daphne.ws_protocol import WebSocketProtocol
        from twisted.internet import defer

        closing = [p for p in self.connections if isinstance(p, WebSocketProtocol) and p.state == p.STATE_OPEN]
        for protocol in closing:
            # sendClose() refuses codes outside 1000 and 3000-4999; the frame itself may carry 1012.
            protocol.sendCloseFrame(code=RESTART_CLOSE[0], reasonUtf8=RESTART_CLOSE[1])
        apps = [self.connections[p].get("application_instance") for p in closing]
        apps = [a for a in apps if a is not None and not a.done()]
        if not apps:
            return super().kill_all_applications()
        waited = defer.Deferred.fromFuture(asyncio.ensure_future(asyncio.wait(apps, timeout=CLOSE_GRACE_S)))
        return waited.addBoth(lambda _: super(ReadyServer, self).kill_all_applications())


def watch_parent(parent_pid):
    from twisted.internet import reactor, task

    def check():
        if os.getppid() != parent_pid and reactor.running:
            reactor.stop()
            try:  # stderr may be a pipe that died with the parent
                print("numeneon backend: parent died, stopping", file=sys.stderr)
            except OSError:
                pass

    loop = task.LoopingCall(check)
    reactor.callWhenRunning(loop.start, 0.5, False)


def main(argv=None):
    args = parse_args(argv)
    sys.path.insert(0, HERE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "numeneon.settings")
    db = prepare_db()

    from daphne.endpoints import build_endpoint_description_strings

    from numeneon.asgi import application

    endpoints = build_endpoint_description_strings(host=args.host, port=args.port)
    server = ReadyServer(
        application=application,
        endpoints=endpoints,
        signal_handlers=True,  # SIGINT / SIGTERM stop the reactor
        verbosity=args.verbosity,
        action_logger=None,
    )
    host = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}.get(args.host, args.host)
    server.public_host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    print(
        f"numeneon backend: db={db} layer="
        f"{'redis ' + os.environ['REDIS_URL'] if os.environ.get('REDIS_URL') else 'in-memory'}",
        file=sys.stderr,
    )
    if args.watch_parent:
        watch_parent(os.getppid())
    server.run()
    if not server.announced:
        print("numeneon backend: failed to listen", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
