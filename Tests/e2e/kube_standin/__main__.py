"""python -m kube_standin: serve the stand-in as a process until SIGTERM/SIGINT.

Prints the base URL on stdout once listening, and writes it to --ready-file (atomically)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

import yaml

from . import DEFAULT_CRD, DEFAULT_KUBERNETES_VERSION, StandIn


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m kube_standin", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port (0: any free port; default 0)")
    p.add_argument("--crd", action="append", help=f"CRD YAML file to serve (repeatable; default {DEFAULT_CRD})")
    p.add_argument("--token", action="append", default=[], help="accepted bearer token (repeatable)")
    p.add_argument("--token-user", default="kube-standin-token", help="user name of the tokens")
    p.add_argument("--tls-cert", help="server certificate (PEM); serves HTTPS")
    p.add_argument("--tls-key", help="server private key (PEM)")
    p.add_argument("--client-ca", help="CA (PEM) for client certificates; user = CN")
    p.add_argument("--ca-cert", help="CA written into --kubeconfig (default: --tls-cert)")
    p.add_argument("--insecure-http", action="store_true", help="serve plain HTTP (no --tls-cert)")
    p.add_argument("--ready-file", help="write the base URL here once listening")
    p.add_argument("--kubeconfig", help="write a kubeconfig for this server (first --token) here")
    p.add_argument("--seed", action="append", default=[], help="YAML/JSON file of objects to store first")
    p.add_argument("--request-log", help="append every request as a JSON line to this file")
    p.add_argument("--kubernetes-version", default=DEFAULT_KUBERNETES_VERSION,
                   help=f"schemas and /version (default {DEFAULT_KUBERNETES_VERSION})")
    a = p.parse_args(argv)
    if bool(a.tls_cert) != bool(a.tls_key):
        p.error("--tls-cert and --tls-key go together")
    if not a.tls_cert and not a.insecure_http:
        p.error("give --tls-cert/--tls-key, or --insecure-http for plain HTTP")

    standin = StandIn(crds=a.crd, host=a.host, port=a.port, tokens={t: a.token_user for t in a.token},
                      tls_cert=a.tls_cert, tls_key=a.tls_key, client_ca=a.client_ca, ca_cert=a.ca_cert,
                      kubernetes_version=a.kubernetes_version, request_log_file=a.request_log)
    for path in a.seed:
        with open(path) as f:
            for doc in yaml.safe_load_all(f):
                for obj in (doc.get("items", []) if doc and doc.get("kind", "").endswith("List") else [doc]):
                    if obj:
                        standin.put_object(obj)
    url = standin.start()
    if a.kubeconfig:
        standin.write_kubeconfig(a.kubeconfig, token=a.token[0] if a.token else None)
    if a.ready_file:
        tmp = Path(a.ready_file + ".tmp")
        tmp.write_text(url + "\n")
        os.replace(tmp, a.ready_file)
    print(url, flush=True)

    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    standin.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
