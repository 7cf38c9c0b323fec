"""A TCP relay in front of the live server that a test can switch off: "no signal" at the
network layer. The browser's offline switch does not stop a service worker's fetches, and
Playwright's routing does not see them either; a relay that resets every connection does cut
everything the phone sends, page and service worker alike."""

from __future__ import annotations

import socket
import struct
import threading


class SwitchableProxy:
    def __init__(self, upstream_host: str, upstream_port: int):
        self.upstream = (upstream_host, upstream_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.online = True
        self.refused = 0  # connections reset while offline: proves the phone really tried
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closing = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        # "localhost" is a secure context: service workers and geolocation work over plain HTTP.
        return f"http://localhost:{self.port}"

    def go_offline(self):
        with self._lock:
            self.online = False
            for s in list(self._open):
                _reset(s)
            self._open.clear()

    def go_online(self):
        with self._lock:
            self.online = True

    def close(self):
        self._closing = True
        self.go_offline()
        self.listener.close()

    def _accept(self):
        while not self._closing:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                if not self.online:
                    self.refused += 1
                    _reset(client)
                    continue
                try:
                    server = socket.create_connection(self.upstream)
                except OSError:
                    _reset(client)
                    continue
                self._open.update((client, server))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                _reset(s)
            with self._lock:
                self._open.discard(src)
                self._open.discard(dst)


def _reset(s: socket.socket):
    """Close with RST (SO_LINGER 0): the browser sees a failed connection, not a clean end."""
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        s.close()
    except OSError:
        pass
