"""HTTP for the bench's Python helpers (fault-checks.py, shutdown-check.py), standard library only."""
import http.client
import json
import urllib.parse


class Client:
    """One keep-alive connection: a poll every 20 ms must not pay for a TCP handshake and a curl process."""

    def __init__(self, url, timeout=60):
        u = urllib.parse.urlparse(url)
        self.host, self.port, self.timeout = u.hostname, u.port, timeout
        self.conn = None

    def call(self, method, path, body=None, headers=None):
        """(status, parsed JSON or None, content type, raw bytes); (0, None, '', b'') when the service is gone."""
        for _ in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                raw = r.read()
                ctype = r.getheader("Content-Type") or ""
                try:
                    parsed = json.loads(raw) if raw else None
                except ValueError:
                    parsed = None
                return r.status, parsed, ctype, raw
            except (OSError, http.client.HTTPException):
                # a connection the server closed between two calls is retried once on a fresh one
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
        return 0, None, "", b""

    def get(self, path):
        return self.call("GET", path)

    def post_json(self, path, obj):
        return self.call("POST", path, json.dumps(obj).encode(), {"Content-Type": "application/json"})
