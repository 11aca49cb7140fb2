"""A real HTTP mirror on 127.0.0.1 that serves files and misbehaves on purpose.

Used by the download tests (core and CLI). ``/good/<name>`` serves the file;
every other prefix fails in one specific way a real mirror or file host does.
The server runs in a daemon thread on port 0; waits are bounded and end as
soon as the server is stopped, so teardown is immediate.
"""

from __future__ import annotations

import collections
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: How long the deliberately slow routes stall (bounded; cut short at stop()).
STALL_SECONDS = 5.0

HTML_PAGE = (b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head>"
             b"<body><form>Password: <input type=password></form></body></html>\n")

#: prefix -> what the route does (the tests iterate over these).
FAULTS = {
    "forbidden": "403 Forbidden",
    "missing": "404 Not Found",
    "error": "500 Internal Server Error",
    "cut": "sends Content-Length, then closes the connection half-way",
    "short": "no Content-Length, half the body, clean close",
    "slow": "says nothing for longer than the client's timeout",
    "stall": "sends half the body, then says nothing",
    "wrong": "right length and gzip magic, wrong bytes",
    "html": "an HTML login page (text/html)",
    "disguised": "an HTML page padded to the right length, served as octet-stream",
    "trickle": "announces the full length, then sends 1 byte every TRICKLE_INTERVAL s, for ever",
}

#: Pause between the bytes of the ``/trickle/`` route (a drip never silent long enough to time out).
TRICKLE_INTERVAL = 0.02


class MirrorServer:
    """Serve ``files`` (name -> bytes) under the routes described in FAULTS.

    Attributes
    ----------
    hits
        Counter of request paths, to check what was (not) downloaded.
    drip_started
        Set once the ``/drip/`` route has sent its first 400 kB and stalls.
    """

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = dict(files)
        self.hits: collections.Counter[str] = collections.Counter()
        self.stop_event = threading.Event()
        self.drip_started = threading.Event()
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, client_address: None  # clients hang up on purpose
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01},
                                        daemon=True)

    def url(self, prefix: str) -> str:
        return f"http://127.0.0.1:{self.port}/{prefix}/"

    def start(self) -> MirrorServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                with server._lock:
                    server.hits[self.path] += 1
                parts = self.path.strip("/").split("/")
                prefix, name = (parts[0], parts[-1]) if len(parts) >= 2 else ("", "")
                body = server.files.get(name)
                if body is None:
                    return self._send(404, b"no such file\n", "text/plain")
                route = getattr(self, f"_route_{prefix}", None)
                if route is None:
                    return self._send(404, b"no such route\n", "text/plain")
                route(body)

            def _send(self, code: int, body: bytes, ctype: str = "application/x-gzip",
                      length: int | None = None, send: bytes | None = None) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                if length is not None or send is None:
                    self.send_header("Content-Length", str(len(body) if length is None else length))
                self.end_headers()
                self.wfile.write(body if send is None else send)
                self.wfile.flush()

            def _route_good(self, body: bytes) -> None:
                self._send(200, body)

            def _route_forbidden(self, body: bytes) -> None:
                self._send(403, b"<html><body>403 Forbidden</body></html>", "text/html")

            def _route_missing(self, body: bytes) -> None:
                self._send(404, b"not found\n", "text/plain")

            def _route_error(self, body: bytes) -> None:
                self._send(500, b"internal error\n", "text/plain")

            def _route_cut(self, body: bytes) -> None:
                self._send(200, body, length=len(body), send=body[: len(body) // 2])

            def _route_short(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/x-gzip")
                self.end_headers()  # HTTP/1.0, no length: the body ends when the connection closes
                self.wfile.write(body[: len(body) // 2])

            def _route_slow(self, body: bytes) -> None:
                if not server.stop_event.wait(STALL_SECONDS):
                    self._send(200, body)

            def _route_stall(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                server.stop_event.wait(STALL_SECONDS)

            def _route_drip(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[:400_000])
                self.wfile.flush()
                server.drip_started.set()
                server.stop_event.wait(STALL_SECONDS * 2)

            def _route_trickle(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                for i in range(len(body)):
                    if server.stop_event.wait(TRICKLE_INTERVAL):
                        return
                    try:
                        self.wfile.write(body[i:i + 1])
                        self.wfile.flush()
                    except OSError:  # the client gave up, as it should
                        return

            def _route_wrong(self, body: bytes) -> None:
                wrong = bytearray(body)
                for i in range(len(wrong) // 2, len(wrong) // 2 + 64):
                    wrong[i] ^= 0xFF
                self._send(200, bytes(wrong))

            def _route_html(self, body: bytes) -> None:
                self._send(200, HTML_PAGE, "text/html; charset=utf-8")

            def _route_disguised(self, body: bytes) -> None:
                page = (HTML_PAGE * (len(body) // len(HTML_PAGE) + 1))[: len(body)]
                self._send(200, page, "application/octet-stream")

        return Handler


class NotHttpServer:
    """A TCP server on 127.0.0.1 that answers every connection with a non-HTTP banner (like sshd)."""

    BANNER = b"SSH-2.0-OpenSSH_9.2p1\r\n"

    def __init__(self) -> None:
        import socket

        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> NotHttpServer:
        self._thread.start()
        return self

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                try:
                    conn.recv(4096)
                    conn.sendall(self.BANNER)
                except OSError:
                    pass

    def stop(self) -> None:
        import socket

        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() on Linux
        except OSError:
            pass
        self.sock.close()
        self._thread.join(timeout=5)
