"""An HTTP proxy for the tests, as squid or a corporate proxy behaves: CONNECT opens a tunnel
(what AsyncHTTPClient does for every proxied request), absolute-URI requests are forwarded.
Each request line is appended to the log file given as the first argument. Prints its port,
then serves until killed."""
import http.client
import select
import socket
import socketserver
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG = sys.argv[1]


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def forward(self):
        with open(LOG, "a") as log:
            log.write(f"{self.command} {self.path}\n")
        target = urllib.parse.urlsplit(self.path)
        if target.scheme != "http" or not target.hostname:
            self.send_error(400, "absolute http URI expected")
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "proxy-authorization", "connection")}
        upstream = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=60)
        path = target.path + (("?" + target.query) if target.query else "")
        upstream.request(self.command, path, body=body, headers=headers)
        reply = upstream.getresponse()
        data = reply.read()
        self.send_response(reply.status, reply.reason)
        for key, value in reply.getheaders():
            if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        upstream.close()

    def do_CONNECT(self):
        with open(LOG, "a") as log:
            log.write(f"CONNECT {self.path}\n")
        host, _, port = self.path.rpartition(":")
        try:
            upstream = socket.create_connection((host, int(port)), timeout=60)
        except OSError:
            self.send_error(502, "cannot reach " + self.path)
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        client = self.connection
        sockets = [client, upstream]
        while True:
            ready, _, broken = select.select(sockets, [], sockets, 60)
            if broken or not ready:
                break
            for source in ready:
                data = source.recv(65536)
                if not data:
                    upstream.close()
                    return
                (upstream if source is client else client).sendall(data)
        upstream.close()

    do_GET = do_HEAD = do_POST = do_PUT = forward


server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
print(server.server_address[1], flush=True)
server.serve_forever()
