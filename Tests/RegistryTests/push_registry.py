# A scripted registry for CatalogArtifactTests that takes pushes behind bearer tokens, as
# Docker Hub, GHCR and distribution's token auth do: every /v2/ request without a token gets
# a challenge naming the realm; the token service hands out a pull token to anyone and a
# pull,push token only for the right basic credentials and only when the scope asks for
# push; uploads start with POST (a relative Location) and end with PUT ?digest=, whose
# body must hash to it. Prints its port, then serves until killed.
import base64, hashlib, http.server, json, socketserver, uuid
from urllib.parse import urlparse, parse_qs

USER, PASSWORD = "alice", "pw"
REPO = "team/catalog"
blobs, manifests, uploads = {}, {}, set()

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log_message = lambda self, *args: None

    def reply(self, status, body=b"", headers=()):
        """The answer with its Content-Length; a HEAD gets the headers only."""
        self.send_response(status)
        for header in list(headers) + [("Content-Length", str(len(body)))]:
            self.send_header(*header)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def token_request(self, query):
        scope = query.get("scope", [""])[0]
        if query.get("service") != ["fake"] or not scope.startswith("repository:" + REPO + ":"):
            return self.reply(400, b"bad token request")
        actions = scope.rsplit(":", 1)[1].split(",")
        if "push" in actions:
            expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
            if self.headers.get("Authorization") != expected:
                return self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}')
            return self.reply(200, json.dumps({"token": "push-token"}).encode())
        return self.reply(200, json.dumps({"access_token": "pull-token"}).encode())

    def authorized(self, push):
        port = self.server.server_address[1]
        granted = {"Bearer push-token": {"pull", "push"}, "Bearer pull-token": {"pull"}}.get(self.headers.get("Authorization"), set())
        needed = "push" if push else "pull"
        if needed in granted:
            return True
        challenge = f'Bearer realm="http://127.0.0.1:{port}/token",service="fake",scope="repository:{REPO}:{"pull,push" if push else "pull"}"'
        self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', [("WWW-Authenticate", challenge)])
        return False

    def route(self):
        url = urlparse(self.path)
        if url.path == "/token":
            return self.token_request(parse_qs(url.query))
        push = self.command in ("POST", "PUT")
        if not self.authorized(push):
            return
        prefix = f"/v2/{REPO}/"
        if self.command == "POST" and url.path == prefix + "blobs/uploads/":
            upload = str(uuid.uuid4())
            uploads.add(upload)
            return self.reply(202, headers=[("Location", f"/upload/{upload}?_state=x")])
        if self.command == "PUT" and url.path.startswith("/upload/"):
            upload = url.path.rsplit("/", 1)[1]
            digest = parse_qs(url.query).get("digest", [""])[0]
            data = self.body()
            if upload not in uploads or parse_qs(url.query).get("_state") != ["x"]:
                return self.reply(404, b"upload unknown")
            if "sha256:" + hashlib.sha256(data).hexdigest() != digest:
                return self.reply(400, b'{"errors":[{"code":"DIGEST_INVALID"}]}')
            blobs[digest] = data
            return self.reply(201, headers=[("Docker-Content-Digest", digest)])
        if url.path.startswith(prefix + "blobs/") and self.command in ("GET", "HEAD"):
            digest = url.path.rsplit("/", 1)[1]
            if digest not in blobs:
                return self.reply(404, b"blob unknown")
            return self.reply(200, blobs[digest])
        if url.path.startswith(prefix + "manifests/"):
            tag = url.path.rsplit("/", 1)[1]
            if self.command == "PUT":
                data = self.body()
                document = json.loads(data)
                missing = [d["digest"] for d in [document["config"]] + document["layers"] if d["digest"] not in blobs]
                if missing:
                    return self.reply(400, b'{"errors":[{"code":"MANIFEST_BLOB_UNKNOWN"}]}')
                digest = "sha256:" + hashlib.sha256(data).hexdigest()
                manifests[tag] = (data, self.headers.get("Content-Type"))
                return self.reply(201, headers=[("Docker-Content-Digest", digest)])
            if tag not in manifests:
                return self.reply(404, b"manifest unknown")
            data, media = manifests[tag]
            return self.reply(200, data, [("Content-Type", media)])
        return self.reply(404, b"unknown")

    do_GET = do_HEAD = do_POST = do_PUT = route

class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
print("-", flush=True)
server.serve_forever()
