"""Attach end to end: SSH tunnels and Node objects for RunPod pods (issue 12, parts 1-3).

A network namespace stands in for the pod: Debian's OpenSSH server runs inside it on a veth address,
which the emulator reports as every pod's public IP and mapped SSH port (`sshAddress`). A TCP echo
server in the root namespace stands in for Kafka. The autoscaler runs in Kubernetes mode against the
Kubernetes stand-in; a RunPodPool with `template.attach.ssh` asks for the forward
`localhost:9092 -> <echo server>`. The test checks, from inside the pod's namespace, that
`localhost:9092` reaches the echo server; kills sshd and sees the tunnel come back; restarts sshd
with another host key and sees it refused and reported (status, Event, metric) and the pod replaced
after `attach.timeoutSeconds`; follows the Node objects (labels, taint, capacity, Ready) and sees
them go on scale-down, with the session closed.

Needs root, `ip netns` and /usr/sbin/sshd (CI runs as root; `make deps-system` installs
openssh-server and iproute2); skips with the missing capability named otherwise.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import socketserver
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from kubernetes import client

from support import Scaler, wait_for
from test_kubernetes_mode import cluster  # noqa: F401  (the fixture)
from test_kubernetes_mode import node as local_node
from test_reconciler_e2e import API_KEY, Emulator

GROUP, VERSION, PLURAL = "gpuburst.io", "v1alpha1", "runpodpools"
SSHD = "/usr/sbin/sshd"
SUFFIX = os.getpid() % 250 + 1
NETNS = f"rpa-attach-{os.getpid()}"
VETH_HOST, VETH_POD = f"rpah{os.getpid() % 100000}", f"rpap{os.getpid() % 100000}"
HOST_ADDRESS, POD_ADDRESS = f"10.213.{SUFFIX}.1", f"10.213.{SUFFIX}.2"
SSH_PORT = 2222
TIMEOUT_SECONDS = 20


def missing_capability() -> str | None:
    if os.geteuid() != 0:
        return "needs root (network namespaces)"
    if shutil.which("ip") is None:
        return "needs iproute2 (`ip netns`)"
    if not Path(SSHD).exists():
        return "needs openssh-server (/usr/sbin/sshd)"
    if shutil.which("ssh-keygen") is None:
        return "needs openssh-client (ssh-keygen)"
    probe = f"rpa-probe-{os.getpid()}"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if made.returncode != 0:
        return f"cannot create a network namespace: {made.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


pytestmark = pytest.mark.skipif(missing_capability() is not None, reason=str(missing_capability()))


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(list(args), capture_output=True, text=True, timeout=30)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(args)}: {done.returncode} {done.stderr}")
    return done


class EchoHandler(socketserver.BaseRequestHandler):
    def handle(self):
        data = self.request.recv(1024)
        if data:
            self.request.sendall(b"kafka:" + data)


class Pod:
    """The pod's stand-in: a network namespace with a veth pair and sshd on the namespace side."""

    def __init__(self, workdir: Path):
        self.dir = workdir / "pod"
        self.dir.mkdir(parents=True)
        self.authorized_keys = self.dir / "authorized_keys"
        self.sshd: subprocess.Popen | None = None

    def create(self) -> None:
        run("ip", "netns", "add", NETNS)
        run("ip", "link", "add", VETH_HOST, "type", "veth", "peer", "name", VETH_POD)
        run("ip", "link", "set", VETH_POD, "netns", NETNS)
        run("ip", "addr", "add", f"{HOST_ADDRESS}/30", "dev", VETH_HOST)
        run("ip", "link", "set", VETH_HOST, "up")
        run("ip", "netns", "exec", NETNS, "ip", "addr", "add", f"{POD_ADDRESS}/30", "dev", VETH_POD)
        run("ip", "netns", "exec", NETNS, "ip", "link", "set", VETH_POD, "up")
        run("ip", "netns", "exec", NETNS, "ip", "link", "set", "lo", "up")
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation directory

    def host_key(self, name: str) -> str:
        """Makes a host key; returns its public half (`ssh-ed25519 AAAA...`, no comment)."""
        path = self.dir / name
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path))
        return " ".join((self.dir / f"{name}.pub").read_text().split()[:2])

    def start_sshd(self, host_key: str) -> None:
        config = self.dir / "sshd_config"
        config.write_text("\n".join([
            f"Port {SSH_PORT}", f"ListenAddress {POD_ADDRESS}", f"HostKey {self.dir / host_key}",
            f"PidFile {self.dir / 'sshd.pid'}", f"AuthorizedKeysFile {self.authorized_keys}",
            "AllowTcpForwarding yes", "GatewayPorts no", "PermitRootLogin prohibit-password",
            "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no",
            "PermitTTY no", "X11Forwarding no", "LogLevel VERBOSE", "",
        ]))
        self.sshd = subprocess.Popen(["ip", "netns", "exec", NETNS, SSHD, "-D", "-e", "-f", str(config)],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=open(self.dir / "sshd.log", "a"))
        wait_for(lambda: self.listening(), timeout=10, message=lambda: f"sshd listening\n{self.log()}")

    def listening(self) -> bool:
        try:
            with socket.create_connection((POD_ADDRESS, SSH_PORT), timeout=1) as s:
                return s.recv(64).startswith(b"SSH-2.0")
        except OSError:
            return False

    def kill_sshd(self) -> None:
        """Kills every sshd of the namespace: the listener and the session's processes."""
        for pid in run("ip", "netns", "pids", NETNS, check=False).stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.sshd:
            self.sshd.wait(timeout=10)
        wait_for(lambda: not self.listening(), timeout=10, message="sshd gone")

    def kafka_through_tunnel(self) -> str:
        """From inside the pod: connect to localhost:9092, send a line, return the answer (or the error)."""
        code = ("import socket\n"
                "try:\n"
                "    s = socket.create_connection(('localhost', 9092), timeout=3)\n"
                "    s.sendall(b'ping'); print(s.recv(64).decode())\n"
                "except OSError as e:\n"
                "    print('error', e)\n")
        return run("ip", "netns", "exec", NETNS, "python3", "-c", code, check=False).stdout.strip()

    def log(self) -> str:
        path = self.dir / "sshd.log"
        return path.read_text()[-3000:] if path.exists() else ""

    def destroy(self) -> None:
        if subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout.find(NETNS) >= 0:
            for pid in run("ip", "netns", "pids", NETNS, check=False).stdout.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except ProcessLookupError:
                    pass
            run("ip", "netns", "del", NETNS, check=False)
        run("ip", "link", "del", VETH_HOST, check=False)


def metrics(scaler: Scaler) -> str:
    return urllib.request.urlopen(f"http://{scaler.http_address()}/metrics", timeout=5).read().decode()


def metric(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_tunnels_and_nodes(tmp_path, cluster):  # noqa: F811
    api_server, kubeconfig, api = cluster
    pod = Pod(tmp_path)
    echo = socketserver.ThreadingTCPServer(("127.0.0.1", 0), EchoHandler)
    threading.Thread(target=echo.serve_forever, daemon=True).start()
    emulator = scaler = None
    try:
        api_server.put_object(local_node("a100-1"))  # 2 local GPUs
        pod.create()
        first_key, second_key = pod.host_key("host-key-1"), pod.host_key("host-key-2")
        client_key = tmp_path / "autoscaler-key"
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "runpod-autoscaler", "-f", str(client_key))
        public_key = " ".join(Path(f"{client_key}.pub").read_text().split()[:2])

        emulator = Emulator(tmp_path, f"provisioningSeconds: 1\nstartingSeconds: 1\n"
                                      f"sshAddress: \"{POD_ADDRESS}:{SSH_PORT}\"\n")
        custom = client.CustomObjectsApi(api)
        core = client.CoreV1Api(api)
        custom.create_namespaced_custom_object(GROUP, VERSION, "media", PLURAL, {
            "apiVersion": f"{GROUP}/{VERSION}", "kind": "RunPodPool", "metadata": {"name": "burst"},
            "spec": {"maxReplicas": 3, "maxCostPerHour": 15.0,
                     "template": {"image": "ghcr.io/example/media-gpu-worker:1", "gpuTypeIds": ["NVIDIA L40S"],
                                  "gpuCount": 2,
                                  "attach": {"timeoutSeconds": TIMEOUT_SECONDS, "ssh": {
                                      "enabled": True,
                                      "forwards": [{"remotePort": 9092,
                                                    "to": f"127.0.0.1:{echo.server_address[1]}"}]}}}}})
        config = {
            "runpod": {"endpoint": emulator.base, "reconcileSeconds": 0.5, "podNamePrefix": "att"},
            "kubernetes": {"enabled": True, "kubeconfig": str(kubeconfig), "pollSeconds": 0.5,
                           "leaderElection": {"leaseName": "runpod-autoscaler", "namespace": "platform",
                                              "identity": "attach-a", "leaseDurationSeconds": 6,
                                              "renewDeadlineSeconds": 4, "retryPeriodSeconds": 0.5}},
            "local": {"source": "kubernetes", "nodeSelector": "gpu-type=local", "workerSelector": "app=gpu-worker"},
            "attach": {"privateKeyFile": str(client_key)},
        }
        scaler = Scaler(tmp_path / "serve", config=config, pools=[], env={"RUNPOD_API_KEY": API_KEY})
        scaler.config.pop("pools")
        scaler.start()

        def scale(replicas: int) -> None:
            custom.patch_namespaced_custom_object_scale(GROUP, VERSION, "media", PLURAL, "burst",
                                                        {"spec": {"replicas": replicas}})

        def pods() -> list[dict]:
            return [p for p in emulator.request("GET", "/v2/pods", None).json["pods"]
                    if p["status"] not in ("TERMINATED",)]

        def tunnels() -> list[dict]:
            obj = custom.get_namespaced_custom_object(GROUP, VERSION, "media", PLURAL, "burst")
            return obj.get("status", {}).get("tunnels", [])

        def nodes() -> list:
            return core.list_node(label_selector="gpuburst.io/pool=media.burst").items

        def ready(node) -> str:
            return next((c.status for c in node.status.conditions or [] if c.type == "Ready"), "Unknown")

        # One pod: the create carries the autoscaler's public key; the pod's "image" writes it to authorized_keys.
        scale(1)
        created = wait_for(lambda: (lambda p: p if len(p) == 1 else None)(pods()), timeout=20,
                           message=lambda: f"one pod\n{scaler.output()}")[0]
        assert created["env"]["PUBLIC_KEY"].split()[:2] == public_key.split(), "PUBLIC_KEY is the autoscaler's key"
        assert "BEGIN OPENSSH PRIVATE KEY" not in scaler.output()
        pod.authorized_keys.write_text(created["env"]["PUBLIC_KEY"] + "\n")
        pod.start_sshd("host-key-1")

        # The worker inside the pod reaches Kafka at localhost:9092.
        wait_for(lambda: pod.kafka_through_tunnel() == "kafka:ping", timeout=30,
                 message=lambda: f"echo through the tunnel: {pod.kafka_through_tunnel()}\n{scaler.output()}\n"
                                 f"{pod.log()}")
        first_id = created["id"]
        wait_for(lambda: [t.get("state") for t in tunnels()] == ["up"], timeout=10,
                 message=lambda: f"tunnel up in status: {tunnels()}")
        assert tunnels()[0]["hostKey"] == first_key and tunnels()[0]["podId"] == first_id

        # The Node: labels, taint, capacity and Ready.
        node = wait_for(lambda: (lambda n: n[0] if len(n) == 1 and ready(n[0]) == "True" else None)(nodes()),
                        timeout=10, message=lambda: f"a Ready node: {nodes()}")
        assert node.metadata.name == f"runpod-{first_id}"
        labels = node.metadata.labels
        assert labels["nvidia.com/gpu"] == "true" and labels["gpu-type"] == "runpod"
        assert labels["gpuburst.io/pool"] == "media.burst" and labels["nvidia.com/gpu.product"] == "NVIDIA-L40S"
        assert [(t.key, t.effect) for t in node.spec.taints] == [("gpuburst.io/runpod", "NoSchedule")]
        assert node.status.capacity["nvidia.com/gpu"] == "2" and node.status.allocatable["nvidia.com/gpu"] == "2"
        # Local occupancy ignores it: only the local node's 2 GPUs count.
        wait_for(lambda: metric(metrics(scaler), "runpod_autoscaler_local_gpus", state="allocatable") == 2,
                 timeout=5, message=lambda: metrics(scaler))
        assert metric(metrics(scaler), "runpod_autoscaler_tunnels", pool="media/burst", state="up") == 1

        # sshd dies: the tunnel is down and the node NotReady; sshd comes back: so does the tunnel.
        pod.kill_sshd()
        wait_for(lambda: ready(nodes()[0]) == "False", timeout=15, message=lambda: f"node NotReady: {nodes()}")
        assert pod.kafka_through_tunnel().startswith("error")
        pod.start_sshd("host-key-1")
        wait_for(lambda: pod.kafka_through_tunnel() == "kafka:ping", timeout=30,
                 message=lambda: f"tunnel back: {pod.kafka_through_tunnel()}\n{scaler.output()}")
        wait_for(lambda: ready(nodes()[0]) == "True", timeout=10, message=lambda: f"node Ready again: {nodes()}")

        # A changed host key is refused and reported; after the timeout the pod counts as failed and is replaced.
        pod.kill_sshd()
        pod.start_sshd("host-key-2")
        wait_for(lambda: any(t.get("hostKeyRefused") for t in tunnels()), timeout=20,
                 message=lambda: f"refusal in status: {tunnels()}\n{scaler.output()}")
        assert pod.kafka_through_tunnel().startswith("error")
        assert tunnels()[0]["hostKey"] == first_key, "the pinned key stays"
        wait_for(lambda: metric(metrics(scaler), "runpod_autoscaler_tunnel_failures_total", pool="media/burst",
                                reason="host_key_changed") >= 1, timeout=10, message="host_key_changed counted")
        events = core.list_namespaced_event("media").items
        assert any(e.reason == "HostKeyChanged" and e.involved_object.name == "burst" for e in events)
        # Replaced: the first pod goes (reason failed), a new one comes and pins the key it shows.
        wait_for(lambda: [p["id"] for p in pods()] not in ([first_id], []) and first_id not in
                 [p["id"] for p in pods()], timeout=TIMEOUT_SECONDS + 30,
                 message=lambda: f"pod replaced: {pods()}\n{scaler.output()}")
        second_id = wait_for(lambda: (lambda p: p[0]["id"] if len(p) == 1 else None)(pods()), timeout=10)
        assert metric(metrics(scaler), "runpod_autoscaler_pod_terminations_total", pool="media/burst",
                      reason="failed") >= 1
        assert any(e.reason == "TunnelFailed" for e in core.list_namespaced_event("media").items)
        pod.authorized_keys.write_text(
            next(p for p in pods() if p["id"] == second_id)["env"]["PUBLIC_KEY"] + "\n")
        wait_for(lambda: pod.kafka_through_tunnel() == "kafka:ping", timeout=40,
                 message=lambda: f"tunnel to the new pod: {tunnels()}\n{scaler.output()}")
        wait_for(lambda: [(t["podId"], t.get("hostKey"), t["state"]) for t in tunnels()]
                 == [(second_id, second_key, "up")], timeout=10, message=lambda: f"new pin: {tunnels()}")
        wait_for(lambda: [n.metadata.name for n in nodes()] == [f"runpod-{second_id}"], timeout=10,
                 message=lambda: f"old node gone, new one there: {[n.metadata.name for n in nodes()]}")

        # Scale down: the node goes and the session closes (nothing listens on the pod's 9092 any more).
        scale(0)
        wait_for(lambda: nodes() == [], timeout=20, message=lambda: f"nodes deleted: {nodes()}")
        wait_for(lambda: pod.kafka_through_tunnel().startswith("error"), timeout=10, message="session closed")
        assert "BEGIN OPENSSH PRIVATE KEY" not in scaler.output()
    finally:
        if scaler:
            scaler.close()
        if emulator:
            emulator.close()
        echo.shutdown()
        pod.destroy()
