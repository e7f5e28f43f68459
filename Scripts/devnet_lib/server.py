"""HTTP (POST JSON-RPC) and WebSocket (same port, GET + Upgrade) transport.

Standard library only: ThreadingHTTPServer, one thread per connection. A WebSocket
connection takes over its handler thread and gets a writer thread fed by a queue, so
notifications produced while the chain lock is held never block on a slow client.
"""

import base64
import gzip
import hashlib
import json
import queue
import socket
import struct
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .hexfmt import RpcError
from .node import match_log
from .rpc import args

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MAX_BODY = 32 * 1024 * 1024


def _no_notifications(_params):
    raise RpcError(-32601, "notifications not supported")


HTTP_ONLY = {"eth_subscribe": _no_notifications, "eth_unsubscribe": _no_notifications}


def dumps(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


class DevnetHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, devnet):
        self.devnet = devnet
        self.ws_connections = set()
        self.ws_lock = threading.Lock()
        super().__init__(address, Handler)

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return  # a client that went away is not news
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    # Headers and body go out as separate writes: without TCP_NODELAY, Nagle plus the client's delayed ACK
    # hold the body back ~40 ms per request.
    disable_nagle_algorithm = True
    protocol_version = "HTTP/1.1"
    server_version = "SixNinesDevnet"
    sys_version = ""

    def log_message(self, fmt, *a):  # quiet
        pass

    def _send(self, status, body=b"", content_type="application/json"):
        gz = (
            len(body) > 1024
            and "gzip" in (self.headers.get("Accept-Encoding") or "").lower()
        )
        if gz:
            body = gzip.compress(body, compresslevel=5)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if gz:
            self.send_header("Content-Encoding", "gzip")
        # Browsers may call the devnet from a page (the receipt explorer reads the chain itself), like anvil.
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Vary", "Origin")
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _read_chunked(self):
        body = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return body
            body += self.rfile.read(size)
            self.rfile.readline()
            if len(body) > MAX_BODY:
                raise ValueError("request too large")

    def do_POST(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            try:
                body = self._read_chunked()
            except ValueError:
                self.close_connection = True
                self._send(413, b"request too large\n", "text/plain")
                return
        else:
            try:
                length = int(self.headers.get("Content-Length") or "0")
            except ValueError:
                length = -1
            if length < 0 or length > MAX_BODY:
                self.close_connection = True
                self._send(413, b"request too large\n", "text/plain")
                return
            body = self.rfile.read(length)
        if (self.headers.get("Content-Encoding") or "").lower() == "gzip":
            try:
                body = gzip.decompress(body)
            except Exception:
                body = b"\xff"  # parse error below
        resp = self.server.devnet.handle_body(body, HTTP_ONLY)
        self._send(200, b"" if resp is None else dumps(resp))

    def do_GET(self):
        if (self.headers.get("Upgrade") or "").lower() == "websocket":
            return self._websocket()
        self._send(200, b"", "text/plain")

    def do_OPTIONS(self):
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "POST, GET, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type")
        self.send_header("Content-Length", "0")
        self.end_headers()

    # ------------------------------------------------------------------ websocket
    def _websocket(self):
        key = self.headers.get("Sec-WebSocket-Key")
        if not key:
            self._send(400, b"missing Sec-WebSocket-Key\n", "text/plain")
            return
        accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        self.send_response(101, "Switching Protocols")
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        conn = WSConnection(self)
        server = self.server
        with server.ws_lock:
            server.ws_connections.add(conn)
        try:
            conn.run()
        finally:
            with server.ws_lock:
                server.ws_connections.discard(conn)
            conn.close()


class WSConnection:
    def __init__(self, handler):
        self.handler = handler
        self.devnet = handler.server.devnet
        self.rfile = handler.rfile
        self.sock = handler.connection
        self.out = queue.Queue()
        self.closed = False
        self.subs = {}  # id -> (kind, filter)
        self._next_sub = 1
        self.writer = threading.Thread(target=self._write_loop, name="ws-writer", daemon=True)
        self.writer.start()
        self.extra = {
            "eth_subscribe": self.eth_subscribe,
            "eth_unsubscribe": self.eth_unsubscribe,
        }

    # framing ---------------------------------------------------------------
    def _read_exact(self, n):
        buf = self.rfile.read(n)
        if buf is None or len(buf) < n:
            raise ConnectionError("closed")
        return buf

    def _read_frame(self):
        b0, b1 = self._read_exact(2)
        fin, opcode = b0 & 0x80, b0 & 0x0F
        masked, length = b1 & 0x80, b1 & 0x7F
        if length == 126:
            (length,) = struct.unpack(">H", self._read_exact(2))
        elif length == 127:
            (length,) = struct.unpack(">Q", self._read_exact(8))
        if length > 64 * 1024 * 1024:
            raise ConnectionError("frame too large")
        mask = self._read_exact(4) if masked else None
        payload = self._read_exact(length) if length else b""
        if mask:
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload)) if length < 256 else _unmask(payload, mask)
        return fin, opcode, payload

    def send_frame(self, opcode, payload):
        if self.closed:
            return
        self.out.put((opcode, payload))

    def _write_loop(self):
        while True:
            item = self.out.get()
            if item is None:
                return
            opcode, payload = item
            n = len(payload)
            if n < 126:
                header = struct.pack(">BB", 0x80 | opcode, n)
            elif n < 65536:
                header = struct.pack(">BBH", 0x80 | opcode, 126, n)
            else:
                header = struct.pack(">BBQ", 0x80 | opcode, 127, n)
            try:
                self.sock.sendall(header + payload)
            except OSError:
                self.closed = True
                return

    def send_json(self, obj):
        self.send_frame(0x1, dumps(obj))

    def run(self):
        message, message_op = b"", None
        try:
            while True:
                fin, opcode, payload = self._read_frame()
                if opcode == 0x8:  # close
                    self.send_frame(0x8, payload[:2])
                    return
                if opcode == 0x9:  # ping
                    self.send_frame(0xA, payload)
                    continue
                if opcode == 0xA:
                    continue
                if opcode in (0x1, 0x2):
                    message, message_op = payload, opcode
                elif opcode == 0x0:
                    message += payload
                else:
                    return
                if fin:
                    resp = self.devnet.handle_body(message, self.extra)
                    if resp is not None:
                        self.send_json(resp)
                    message = b""
        except (ConnectionError, OSError, ValueError):
            return

    def close(self):
        with self.devnet.node.lock:
            self._drop_listener()
        self.closed = True
        self.out.put(None)

    # subscriptions ---------------------------------------------------------
    def _drop_listener(self):
        listeners = self.devnet.node.listeners
        if self._on_event in listeners:
            listeners.remove(self._on_event)

    def eth_subscribe(self, p):
        if not isinstance(p, list) or not p:
            raise RpcError(-32602, "missing value for required argument 0")
        kind = p[0]
        flt = None
        if kind == "newHeads":
            args(p, 1, 1)
        elif kind == "logs":
            _, f = args(p, 1, 2)
            flt = self.devnet.parse_filter(f or {}, 1)
        elif kind == "newPendingTransactions":
            args(p, 1, 2)
        else:
            raise RpcError(-32602, f"no \"{kind}\" subscription in eth namespace")
        sid = "0x" + hashlib.sha256(f"{id(self)}-{self._next_sub}".encode()).hexdigest()[:32]
        self._next_sub += 1
        self.subs[sid] = (kind, flt)
        listeners = self.devnet.node.listeners
        if self._on_event not in listeners:
            listeners.append(self._on_event)
        return sid

    def eth_unsubscribe(self, p):
        (sid,) = args(p, 1, 1)
        found = self.subs.pop(sid, None) is not None
        if not self.subs:
            self._drop_listener()
        return found

    def _notify(self, sid, result):
        self.send_json({"jsonrpc": "2.0", "method": "eth_subscription", "params": {"subscription": sid, "result": result}})

    def _on_event(self, kind, payload):
        """Called by the node under its lock."""
        if self.closed:
            self._drop_listener()
            return
        node = self.devnet.node
        if kind == "block":
            block = payload
            head = None
            logs = None
            for sid, (skind, flt) in list(self.subs.items()):
                if skind == "newHeads":
                    if head is None:
                        head = node.block_json(block, False)
                        head.pop("transactions", None)
                        head.pop("uncles", None)
                        head.pop("size", None)
                        head.pop("totalDifficulty", None)
                    self._notify(sid, head)
                elif skind == "logs":
                    if logs is None:
                        logs = [l for r in node.block_receipts(block) for l in r["logs"]]
                    for log in logs:
                        if match_log(log, *flt):
                            self._notify(sid, log)
        elif kind == "revert":
            for sid, (skind, flt) in list(self.subs.items()):
                if skind == "logs":
                    for log in payload:
                        if match_log(log, *flt):
                            self._notify(sid, log)
        elif kind == "pendingTransaction":
            for sid, (skind, _) in list(self.subs.items()):
                if skind == "newPendingTransactions":
                    self._notify(sid, payload)


def _unmask(payload, mask):
    n = len(payload)
    m = int.from_bytes((mask * (n // 4 + 1))[:n], "big")
    return (int.from_bytes(payload, "big") ^ m).to_bytes(n, "big")


def close_all(server):
    with server.ws_lock:
        conns = list(server.ws_connections)
    for c in conns:
        try:
            c.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
