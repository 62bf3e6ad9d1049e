# A scripted registry for RegistryTests: bearer tokens from a realm, blobs redirected to
# another host name ("localhost" vs "127.0.0.1") that must not receive the registry's
# credentials, and a rate-limited repository. Prints its port, then serves until killed.
import gzip, hashlib, http.server, io, json, socketserver, tarfile
from urllib.parse import urlparse, parse_qs

def blob(data):
    return "sha256:" + hashlib.sha256(data).hexdigest(), data

layer_tar = io.BytesIO()
with tarfile.open(fileobj=layer_tar, mode="w") as tar:
    info = tarfile.TarInfo("etc/hello")
    payload = b"hello\n"
    info.size = len(payload)
    tar.addfile(info, io.BytesIO(payload))
LAYER = blob(gzip.compress(layer_tar.getvalue(), mtime=0))
CONFIG = blob(json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers",
    "diff_ids": ["sha256:" + hashlib.sha256(layer_tar.getvalue()).hexdigest()]}}).encode())
MANIFEST = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": CONFIG[0], "size": len(CONFIG[1])},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": LAYER[0], "size": len(LAYER[1])}]}).encode()
BLOBS = dict([LAYER, CONFIG])
TOKEN = "tok-123"

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        port = self.server.server_address[1]
        url = urlparse(self.path)
        auth = self.headers.get("Authorization")
        if url.path == "/token":
            query = parse_qs(url.query)
            if query.get("service") != ["fake"] or query.get("scope") != ["repository:team/app:pull"]:
                return self.reply(400, b"bad token request " + url.query.encode())
            return self.reply(200, json.dumps({"token": TOKEN}).encode(), [("Content-Type", "application/json")])
        if url.path.startswith("/v2/limited/"):
            return self.reply(429, b'{"errors":[{"code":"TOOMANYREQUESTS"}]}', [("Retry-After", "30")])
        if url.path.startswith("/v2/team/app/"):
            if auth != "Bearer " + TOKEN:
                challenge = f'Bearer realm="http://127.0.0.1:{port}/token",service="fake",scope="repository:team/app:pull"'
                return self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', [("WWW-Authenticate", challenge)])
            if url.path == "/v2/team/app/manifests/1" or url.path == "/v2/team/app/manifests/" + blob(MANIFEST)[0]:
                return self.reply(200, MANIFEST, [("Content-Type", "application/vnd.oci.image.manifest.v1+json"),
                                                  ("Docker-Content-Digest", blob(MANIFEST)[0])])
            if url.path.startswith("/v2/team/app/blobs/"):
                digest = url.path.rsplit("/", 1)[1]
                if digest not in BLOBS:
                    return self.reply(404, b"blob unknown")
                return self.reply(307, b"", [("Location", f"http://localhost:{port}/storage/{digest}")])
            return self.reply(404, b"manifest unknown")
        if url.path.startswith("/storage/"):
            if auth is not None:
                return self.reply(400, b"the registry's credentials reached the storage host")
            digest = url.path.rsplit("/", 1)[1]
            return self.reply(200, BLOBS[digest])
        return self.reply(404, b"unknown")

class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
print(blob(MANIFEST)[0], flush=True)
server.serve_forever()
