"""kube_standin: a Kubernetes API server stand-in for the autoscaler's end-to-end tests.

    from kube_standin import StandIn, make_tls_material
    tls = make_tls_material(tmp_path)
    api = StandIn(token="t", tls_cert=tls.server_cert, tls_key=tls.server_key, client_ca=tls.ca_cert)
    url = api.start()   # https://127.0.0.1:PORT
    ...
    api.stop()

The Python API (test hooks included) is documented on server.StandIn; `python -m kube_standin
--help` runs it as a process.
"""

from .errors import ApiError
from .resources import DEFAULT_KUBERNETES_VERSION
from .server import DEFAULT_CRD, StandIn
from .tls import TLSMaterial, make_tls_material

__all__ = ["ApiError", "DEFAULT_CRD", "DEFAULT_KUBERNETES_VERSION", "StandIn", "TLSMaterial",
           "make_tls_material"]
