"""Test harness for Scripts/devnet: start it on a free port, talk JSON-RPC over HTTP and WebSocket."""

import base64
import json
import os
import signal
import socket
import struct
import subprocess
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
DEVNET = os.path.join(ROOT, "Scripts", "devnet")
START_TIMEOUT = 30


class Devnet:
    def __init__(self, *extra):
        self.proc = subprocess.Popen(
            [DEVNET, "--port", "0", "--json-ready", *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        self.started = time.monotonic()
        # The readiness line is the synchronisation point: readline blocks until the
        # server is listening (or the process dies, giving EOF).
        line = self.proc.stdout.readline()
        self.startup_seconds = time.monotonic() - self.started
        if not line:
            err = self.proc.stderr.read()
            raise RuntimeError(f"devnet did not start: {err}")
        self.info = json.loads(line)
        self.url = self.info["url"]
        self.ws_url = self.info["wsUrl"]
        self.port = self.info["port"]
        self._id = 0

    def raw(self, body, headers=None):
        req = urllib.request.Request(
            self.url, data=body, headers={"Content-Type": "application/json", **(headers or {})}
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.read(), resp.headers

    def post(self, obj):
        body, _ = self.raw(json.dumps(obj).encode())
        return json.loads(body) if body else None

    def request(self, method, *params):
        self._id += 1
        return self.post({"jsonrpc": "2.0", "id": self._id, "method": method, "params": list(params)})

    def rpc(self, method, *params):
        resp = self.request(method, *params)
        if "error" in resp:
            raise RpcFailure(resp["error"])
        return resp["result"]

    def error(self, method, *params):
        resp = self.request(method, *params)
        assert "error" in resp, f"expected an error from {method}, got {resp}"
        return resp["error"]

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self.proc.stdout.close()
            self.proc.stderr.close()


class RpcFailure(Exception):
    def __init__(self, error):
        super().__init__(error)
        self.error = error


class WSClient:
    """Minimal RFC 6455 client (text frames, masked), enough for eth_subscribe."""

    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            assert chunk, "connection closed during handshake"
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 101"), head
        self._id = 0

    def _recv_exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def send(self, obj):
        payload = json.dumps(obj).encode()
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            header = struct.pack(">BB", 0x81, 0x80 | n)
        elif n < 65536:
            header = struct.pack(">BBH", 0x81, 0x80 | 126, n)
        else:
            header = struct.pack(">BBQ", 0x81, 0x80 | 127, n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def recv(self):
        while True:
            b0, b1 = self._recv_exact(2)
            n = b1 & 0x7F
            if n == 126:
                (n,) = struct.unpack(">H", self._recv_exact(2))
            elif n == 127:
                (n,) = struct.unpack(">Q", self._recv_exact(8))
            payload = self._recv_exact(n)
            if b0 & 0x0F == 0x1:
                return json.loads(payload)

    def call(self, method, *params):
        """Send a request; return (response, notifications that arrived first)."""
        self._id += 1
        self.send({"jsonrpc": "2.0", "id": self._id, "method": method, "params": list(params)})
        notes = []
        while True:
            msg = self.recv()
            if msg.get("id") == self._id:
                return msg, notes
            notes.append(msg)

    def close(self):
        try:
            self.sock.sendall(struct.pack(">BB", 0x88, 0x80) + os.urandom(4))
        except OSError:
            pass
        self.sock.close()
