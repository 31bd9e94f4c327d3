"""A minimal MQTT 3.1.1 publisher over a plain socket (QoS 1, clean session): enough to send arbitrary bytes,
invalid ones included, and to count the broker's PUBACKs. No third-party client needed."""
import socket
import struct


def _length(value):
    out = bytearray()
    while True:
        byte, value = value % 128, value // 128
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _string(text):
    data = text.encode()
    return struct.pack("!H", len(data)) + data


class RawPublisher:
    """Publishes at QoS 1 with up to `window` messages unacknowledged; `close()` waits for every PUBACK."""

    def __init__(self, port, client_id, host="127.0.0.1", window=200, timeout=30):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        body = _string("MQTT") + bytes([4, 0x02]) + struct.pack("!H", 60) + _string(client_id)
        self.sock.sendall(bytes([0x10]) + _length(len(body)) + body)
        packet_type, payload = self._read()
        if packet_type != 0x20 or payload[1] != 0:
            raise ConnectionError(f"CONNACK refused: {payload!r}")
        self.window = window
        self.pending = set()
        self.next_id = 1
        self.acked = 0

    def _exactly(self, count):
        data = bytearray()
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise ConnectionError("broker closed the connection")
            data += chunk
        return bytes(data)

    def _read(self):
        header = self._exactly(1)[0]
        multiplier, length = 1, 0
        while True:
            byte = self._exactly(1)[0]
            length += (byte & 0x7F) * multiplier
            multiplier *= 128
            if not byte & 0x80:
                break
        return header & 0xF0, self._exactly(length)

    def _take_ack(self):
        packet_type, payload = self._read()
        if packet_type == 0x40:  # PUBACK
            packet_id = struct.unpack("!H", payload[:2])[0]
            if packet_id in self.pending:
                self.pending.discard(packet_id)
                self.acked += 1

    def publish(self, topic, payload):
        while len(self.pending) >= self.window:
            self._take_ack()
        packet_id = self.next_id
        self.next_id = self.next_id % 65535 + 1
        body = _string(topic) + struct.pack("!H", packet_id) + bytes(payload)
        self.sock.sendall(bytes([0x32]) + _length(len(body)) + body)
        self.pending.add(packet_id)

    def close(self):
        """Waits for the outstanding PUBACKs, disconnects; returns how many publishes were acknowledged."""
        while self.pending:
            self._take_ack()
        self.sock.sendall(bytes([0xE0, 0]))
        self.sock.close()
        return self.acked
