#!/usr/bin/env python3
"""Test-only simple index on 127.0.0.1: PEP 691 JSON (and the PEP 503 HTML form), PEP 658/714
metadata files, HTTP Range requests, from a directory made by fetch_index.py.

  index_server.py --root /var/cache/basefit/wheels/index [--port 0] [--no-ranges] [--offline]

ROOT/projects/<name>.json  PyPI's own PEP 691 JSON for the project (fetch_index.py keeps the
                           pinned release and newer ones); file URLs are rewritten to /files/.
ROOT/files/<filename>      the real files from PyPI, downloaded on first request from the URL
                           the JSON names (unless --offline) and kept; <filename>.metadata too.
GET /_stats                JSON: bytes and requests served per file (for the tests' byte counts).
Prints "PORT <n>" on the first line of stdout once it listens.
"""
import argparse
import hashlib
import html
import json
import os
import re
import shutil
import signal
import sys
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

JSON_TYPE = "application/vnd.pypi.simple.v1+json"


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


class Index:
    def __init__(self, root, offline):
        self.root = root
        self.offline = offline
        self.lock = threading.Lock()
        self.stats = {}
        self.upstream = {}
        for entry in sorted(os.listdir(os.path.join(root, "projects"))):
            if entry.endswith(".json"):
                with open(os.path.join(root, "projects", entry)) as f:
                    for file in json.load(f)["files"]:
                        self.upstream[file["filename"]] = file

    def project(self, name):
        path = os.path.join(self.root, "projects", normalize(name) + ".json")
        if not os.path.exists(path):
            return None
        with open(path) as f:
            return json.load(f)

    def local_file(self, filename):
        """The cached file, downloading it (checked against the index's sha256) when missing."""
        metadata = filename.endswith(".metadata")
        base = filename[: -len(".metadata")] if metadata else filename
        entry = self.upstream.get(base)
        if entry is None or "/" in filename:
            return None
        path = os.path.join(self.root, "files", filename)
        if os.path.exists(path):
            return path
        if self.offline:
            return None
        url = entry["url"] + (".metadata" if metadata else "")
        os.makedirs(os.path.join(self.root, "files"), exist_ok=True)
        tmp = path + ".part.%d.%d" % (os.getpid(), threading.get_ident())
        with urllib.request.urlopen(url, timeout=120) as response, open(tmp, "wb") as out:
            shutil.copyfileobj(response, out)
        if not metadata:
            digest = hashlib.sha256(open(tmp, "rb").read()).hexdigest()
            if digest != entry["hashes"].get("sha256", digest):
                os.unlink(tmp)
                raise RuntimeError("sha256 mismatch for " + filename)
        os.replace(tmp, path)
        return path

    def count(self, filename, sent):
        with self.lock:
            entry = self.stats.setdefault(filename, {"bytes": 0, "requests": 0})
            entry["bytes"] += sent
            entry["requests"] += 1


def make_handler(index, ranges):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send_body(self, status, body, content_type, extra=None):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            base = "http://%s" % self.headers.get("Host", "127.0.0.1")
            wants_json = JSON_TYPE in self.headers.get("Accept", "")
            if path == "/_stats":
                with index.lock:
                    body = json.dumps(index.stats).encode()
                return self.send_body(200, body, "application/json")
            if path in ("/simple", "/simple/"):
                names = sorted(n[:-5] for n in os.listdir(os.path.join(index.root, "projects")) if n.endswith(".json"))
                if wants_json:
                    body = json.dumps({"meta": {"api-version": "1.1"}, "projects": [{"name": n} for n in names]}).encode()
                    return self.send_body(200, body, JSON_TYPE)
                links = "".join('<a href="/simple/%s/">%s</a>\n' % (n, n) for n in names)
                return self.send_body(200, ("<!DOCTYPE html><html><body>\n%s</body></html>" % links).encode(), "text/html")
            match = re.fullmatch(r"/simple/([^/]+)/?", path)
            if match:
                project = index.project(match.group(1))
                if project is None:
                    return self.send_body(404, b"not found", "text/plain")
                files = []
                for file in project["files"]:
                    file = dict(file)
                    file["url"] = base + "/files/" + file["filename"]
                    files.append(file)
                if wants_json:
                    body = json.dumps({"meta": {"api-version": "1.1"}, "name": project["name"], "files": files,
                                       "versions": project.get("versions", [])}).encode()
                    return self.send_body(200, body, JSON_TYPE)
                rows = []
                for file in files:
                    attrs = ""
                    if file.get("requires-python"):
                        attrs += ' data-requires-python="%s"' % html.escape(file["requires-python"])
                    meta = file.get("core-metadata") or file.get("dist-info-metadata")
                    if isinstance(meta, dict) and meta.get("sha256"):
                        attrs += ' data-core-metadata="sha256=%s" data-dist-info-metadata="sha256=%s"' % (meta["sha256"], meta["sha256"])
                    rows.append('<a href="%s#sha256=%s"%s>%s</a>' % (file["url"], file["hashes"].get("sha256", ""), attrs, file["filename"]))
                body = "<!DOCTYPE html><html><body>\n%s\n</body></html>" % "\n".join(rows)
                return self.send_body(200, body.encode(), "text/html")
            match = re.fullmatch(r"/files/([^/]+)", path)
            if match:
                filename = urllib.parse.unquote(match.group(1))  # pip asks for 1.0%2Bcu1 (a local version)
                try:
                    local = index.local_file(filename)
                except Exception as error:  # upstream unreachable
                    return self.send_body(502, str(error).encode(), "text/plain")
                if local is None:
                    return self.send_body(404, b"not found", "text/plain")
                size = os.path.getsize(local)
                header = self.headers.get("Range")
                with open(local, "rb") as f:
                    if ranges and header:
                        m = re.fullmatch(r"bytes=(\d*)-(\d*)", header.strip())
                        if not m or (m.group(1) == "" and m.group(2) == ""):
                            return self.send_body(416, b"", "text/plain", {"Content-Range": "bytes */%d" % size})
                        if m.group(1) == "":
                            start, end = max(0, size - int(m.group(2))), size - 1
                        else:
                            start = int(m.group(1))
                            end = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
                        if start >= size or start > end:
                            return self.send_body(416, b"", "text/plain", {"Content-Range": "bytes */%d" % size})
                        f.seek(start)
                        body = f.read(end - start + 1)
                        index.count(filename, len(body) if self.command != "HEAD" else 0)
                        return self.send_body(206, body, "application/octet-stream",
                                              {"Content-Range": "bytes %d-%d/%d" % (start, end, size), "Accept-Ranges": "bytes"})
                    body = f.read()
                index.count(filename, len(body) if self.command != "HEAD" else 0)
                return self.send_body(200, body, "application/octet-stream",
                                      {"Accept-Ranges": "bytes" if ranges else "none"})
            return self.send_body(404, b"not found", "text/plain")

    return Handler


def main():
    # A parent may have blocked signals (the mask is inherited): make SIGTERM end the server.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda number, frame: os._exit(0))
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--no-ranges", action="store_true")
    parser.add_argument("--offline", action="store_true", help="never download a missing file")
    args = parser.parse_args()
    index = Index(args.root, args.offline)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(index, not args.no_ranges))
    print("PORT %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
