"""A fake Socket Mode endpoint: the WebSocket that ``apps.connections.open`` hands out, on 127.0.0.1 (port 0)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import socket
import struct
import threading
import time
from typing import Any


class FakeSocketMode:
    """A minimal Socket Mode WebSocket endpoint on 127.0.0.1 (port 0): answers the handshake, says ``hello``, sends
    envelopes with :meth:`send` and records what the app sends back (acknowledgements) in :attr:`received`.
    :meth:`drop` cuts the connection the way a network does; :meth:`request_refresh` asks the app to reconnect the
    way Slack does before it rotates a connection; :meth:`wait_for_connections` waits for the app to come back.

    Set ``fake_slack.socket_url = fake_socket.url`` so ``apps.connections.open`` hands it out."""

    GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.connected = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._client: Any = None
        self._send_lock = threading.Lock()
        self._closing = False
        self._connections = 0
        self._connected_again = threading.Condition()
        threading.Thread(target=self._accept, name="fake-socket-mode", daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"ws://{host}:{port}/link"

    def close(self) -> None:
        self._closing = True
        self._listener.close()
        if self._client is not None:
            self._client.close()

    @property
    def connections(self) -> int:
        """How many times the app has connected (and been said ``hello`` to)."""
        return self._connections

    def wait_for_connections(self, count: int, timeout: float = 30.0) -> None:
        with self._connected_again:
            if not self._connected_again.wait_for(lambda: self._connections >= count, timeout):
                raise AssertionError(f"the app connected {self._connections} times, not {count}")

    def drop(self) -> None:
        """Close the current connection without a WebSocket close frame (a network cut)."""
        client = self._client
        if client is not None:
            client.shutdown(socket.SHUT_RDWR)
            client.close()

    def request_refresh(self) -> None:
        """Slack's ``disconnect`` envelope: this connection will close soon, open a new one."""
        self.send({"type": "disconnect", "reason": "refresh_requested", "debug_info": {"host": "fake"}})

    def send(self, envelope: dict[str, Any]) -> None:
        self._frame(0x1, json.dumps(envelope).encode())

    def wait_for_ack(self, envelope_id: str, timeout: float = 20.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in list(self.received):
                if message.get("envelope_id") == envelope_id:
                    return message
            time.sleep(0.02)
        raise AssertionError(f"no acknowledgement for {envelope_id}: {self.received}")

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            # each connection on its own thread: on a refresh the app opens the new one before closing the old
            threading.Thread(target=self._serve, args=(client,), name="fake-socket-mode-conn", daemon=True).start()

    def _serve(self, client: Any) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = client.recv(4096)
            if not chunk:
                break
            request += chunk
        key = re.search(rb"Sec-WebSocket-Key: *(\S+)", request, re.IGNORECASE)
        if key is None:
            client.close()
            return
        accept = base64.b64encode(hashlib.sha1(key.group(1) + self.GUID.encode()).digest()).decode()
        client.sendall(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Accept: {accept}\r\n\r\n"
            ).encode()
        )
        self._client = client
        self.send({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}})
        with self._connected_again:
            self._connections += 1
            self._connected_again.notify_all()
        self.connected.set()
        self._read(client)

    def _read(self, client: Any) -> None:
        def exactly(n: int) -> bytes:
            data = b""
            while len(data) < n:
                chunk = client.recv(n - len(data))
                if not chunk:
                    raise ConnectionError
                data += chunk
            return data

        try:
            while True:
                first, second = exactly(2)
                opcode, length = first & 0x0F, second & 0x7F
                if length == 126:
                    length = struct.unpack(">H", exactly(2))[0]
                elif length == 127:
                    length = struct.unpack(">Q", exactly(8))[0]
                mask = exactly(4) if second & 0x80 else b"\0\0\0\0"
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(exactly(length)))
                if opcode == 0x9:
                    self._frame(0xA, payload)
                elif opcode == 0x8:
                    return
                elif opcode == 0x1:
                    self.received.append(json.loads(payload))
        except (ConnectionError, OSError):
            return

    def _frame(self, opcode: int, payload: bytes) -> None:
        header = bytes([0x80 | opcode])
        if len(payload) < 126:
            header += bytes([len(payload)])
        elif len(payload) < 65536:
            header += bytes([126]) + struct.pack(">H", len(payload))
        else:
            header += bytes([127]) + struct.pack(">Q", len(payload))
        with self._send_lock:
            self._client.sendall(header + payload)
