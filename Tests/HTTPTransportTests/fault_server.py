# A loopback HTTP server for NetworkTests: real sockets, scripted faults.
# Prints its port on stdout, then serves until killed.
import hashlib, http.server, socketserver, sys

BODY = bytes((i * 7 + 3) % 256 for i in range(300_000))

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_body(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path
        if path == "/body":
            rng = self.headers.get("Range")
            if rng:
                start, end = rng.split("=")[1].split("-")
                part = BODY[int(start):int(end) + 1]
                return self.send_body(206, part, [("Content-Range", f"bytes {start}-{end}/{len(BODY)}")])
            return self.send_body(200, BODY)
        if path == "/redirect":
            return self.send_body(302, b"", [("Location", "/body")])
        if path == "/redirect-loop":
            return self.send_body(302, b"", [("Location", "/redirect-loop")])
        if path == "/auth-echo":
            return self.send_body(200, (self.headers.get("Authorization") or "none").encode())
        if path == "/ratelimited":
            return self.send_body(429, b'{"errors":[{"code":"TOOMANYREQUESTS"}]}', [("Retry-After", "42")])
        if path == "/missing":
            return self.send_body(404, b"not here")
        if path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY[:100_000])
            self.wfile.flush()
            self.close_connection = True
            return
        if path == "/slow":
            import time
            self.send_response(200)
            self.send_header("Content-Length", "10")
            self.end_headers()
            self.wfile.flush()
            time.sleep(30)
            return
        return self.send_body(404, b"unknown path")

class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
print(hashlib.sha256(BODY).hexdigest(), flush=True)
server.serve_forever()
