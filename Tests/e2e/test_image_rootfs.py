"""The image, run: the Dockerfile's runtime stage built as a root filesystem from Debian
packages and the release binary run in it, as the image's user, without a container engine.

scripts/image_rootfs.py builds it: `debootstrap --variant=minbase bookworm` (what
debian:bookworm-slim is), then the runtime stage's own RUN instructions in a chroot (its
`apt-get install`, `groupadd`, `useradd`, `mkdir`), then the build stage's /staging
(strip, the backtracer) from the session's release binary (image_support.py) and the
runtime stage's COPY --from. Here:

- the stage's packages are installed, and the libraries the binary links resolve in the
  rootfs to packages the stage installs by name or the base has (ldd and dpkg -S run in
  the rootfs, no list kept by hand);
- ENTRYPOINT `version` runs as the stage's USER;
- ENTRYPOINT + CMD (`serve --config /etc/runpod-autoscaler/config.yaml`) runs with a
  config directory bind-mounted read-only where CMD reads it: gRPC health answers SERVING
  and GetMetrics answers from the host over loopback, /metrics is served, SIGTERM ends it
  with status 0.

The first run downloads and builds the rootfs (a few minutes; cached in .build-rootfs/,
keyed by the stage's RUN instructions); later runs reuse it. Needs root (chroot, mount
namespaces), debootstrap (make deps-system) and a Debian mirror; without them the tests
skip and say which.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

# image_support puts scripts/ on sys.path: image_rootfs is scripts/image_rootfs.py.
from image_support import BINARY_IN_IMAGE, PRODUCT, apt_installed, exec_form, load_stages, runtime_rootfs
import image_rootfs  # noqa: E402
from support import ADDRESS_RE, default_config, ref, to_yaml, wait_metric

QUEUE_DEPTH = 95  # the default test config: 10 workers wanted, 4 local GPUs -> 6 on RunPod
EXPECTED_METRIC = 6


@pytest.fixture(scope="module")
def stages():
    return load_stages()


@pytest.fixture(scope="module")
def runtime(stages):
    return stages[-1]


@pytest.fixture(scope="module")
def rootfs(release_binary, stages) -> Path:
    if os.geteuid() != 0:
        pytest.skip("the rootfs needs root (debootstrap, chroot, mount namespaces); CI runs as root")
    started = time.monotonic()
    try:
        path = runtime_rootfs()  # started in the background at collection (conftest.py)
        print(f"rootfs {path} ready after {time.monotonic() - started:.0f}s more")
        image_rootfs.install_build_outputs(stages, path, release_binary)
    except image_rootfs.RootfsError as error:
        if "not installed" in str(error):
            pytest.skip(f"{error}")
        if "no Debian mirror" in str(error):
            pytest.skip(f"cannot reach a Debian mirror to build the rootfs: {error}")
        pytest.fail(str(error))
    return path


@pytest.fixture(scope="module")
def user(runtime) -> str:
    return image_rootfs.container_user(runtime)


def in_rootfs(rootfs: Path, argv: list[str], *, user: str | None = None, env: dict | None = None,
              timeout: float = 60) -> subprocess.CompletedProcess:
    command = image_rootfs.chroot_command(rootfs, argv, userspec=user)
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          env=env or {"PATH": image_rootfs.DEFAULT_PATH})


# --------------------------------------------------------------------------- #
# What is in it.
# --------------------------------------------------------------------------- #

def test_rootfs_has_the_stage_packages_user_and_files(rootfs, runtime, user):
    listed = apt_installed(runtime)
    status = in_rootfs(rootfs, ["dpkg-query", "-W", "-f", "${Package} ${db:Status-Abbrev}\n"] + listed)
    assert status.returncode == 0, status.stderr
    for line in status.stdout.splitlines():
        package, state = line.split(None, 1)
        assert state.startswith("ii"), f"{package} is not installed: {state}"
    uid, gid = user.split(":")
    passwd = in_rootfs(rootfs, ["getent", "passwd", uid])
    assert passwd.returncode == 0 and passwd.stdout.split(":")[3] == gid, f"no user {uid} in the rootfs: {passwd}"
    lists = rootfs / "var" / "lib" / "apt" / "lists"
    assert not [p for p in lists.iterdir() if p.name.endswith("_Packages")], "the apt lists were left in the image"
    binary = rootfs / BINARY_IN_IMAGE.lstrip("/")
    assert binary.is_file() and os.access(binary, os.X_OK), binary
    assert binary.stat().st_uid == 0, "COPY leaves files owned by root"
    # No compiler or Swift toolchain came along.
    for tool in ("usr/bin/swift", "usr/bin/swiftc", "usr/bin/gcc", "usr/bin/cc", "usr/bin/clang"):
        assert not (rootfs / tool).exists(), f"{tool} is in the image"


def dpkg_owner(rootfs: Path, path: str) -> str:
    """The package that ships `path` in the rootfs (merged /usr: both spellings tried)."""
    candidates = [path, path[len("/usr"):] if path.startswith("/usr/") else "/usr" + path]
    for candidate in candidates:
        result = in_rootfs(rootfs, ["dpkg", "-S", candidate])
        for line in result.stdout.splitlines():
            if not line.startswith("diversion by"):
                return line.partition(": ")[0].split(",")[0].strip().split(":")[0]
    raise AssertionError(f"no package in the rootfs ships {path}")


def test_linked_libraries_resolve_to_listed_or_base_packages(rootfs, runtime):
    """What the binary links resolves in the image, and comes from a package the stage
    installs by name or the base has, not from another package's dependencies; and every
    listed package is used (ca-certificates: the CA bundle libcurl needs)."""
    ldd = in_rootfs(rootfs, ["ldd", BINARY_IN_IMAGE])
    assert ldd.returncode == 0, ldd
    assert "not found" not in ldd.stdout, f"unresolved in the image:\n{ldd.stdout}"
    resolved = dict(re.findall(r"^\s*(\S+)\s+=>\s+(/\S+)\s+\(", ldd.stdout, re.M))
    for loader in re.findall(r"^\s*(/\S+)\s+\(", ldd.stdout, re.M):  # the dynamic loader's own line
        resolved.setdefault(Path(loader).name, loader)
    readelf = subprocess.run(["readelf", "-d", str(rootfs / BINARY_IN_IMAGE.lstrip("/"))], capture_output=True,
                             text=True, check=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", readelf)
    listed, base = set(apt_installed(runtime)), image_rootfs.base_packages(rootfs)
    rows, wrong = [], []
    for soname in needed:
        assert soname in resolved, f"{soname} is NEEDED but not resolved in the image:\n{ldd.stdout}"
        package = dpkg_owner(rootfs, resolved[soname])
        how = "listed" if package in listed else "base" if package in base else "NEITHER"
        rows.append(f"  {soname:<30} {resolved[soname]:<50} {package:<16} {how}")
        if how == "NEITHER":
            wrong.append(soname)
    report = "\n".join(rows)
    print(f"NEEDED libraries in the image:\n{report}")
    assert not wrong, f"linked directly but neither listed nor in the base:\n{report}"
    used = {dpkg_owner(rootfs, p) for p in resolved.values()}
    assert listed - used <= {"ca-certificates"}, f"listed but no library comes from them: {listed - used}"


def test_the_backtracer_resolves_in_the_image(rootfs, runtime):
    backtracer = image_rootfs.stage_env(runtime)["SWIFT_BACKTRACE"].split("swift-backtrace=")[1].split(",")[0]
    assert (rootfs / backtracer.lstrip("/")).is_file(), f"SWIFT_BACKTRACE names {backtracer}, absent from the image"
    ldd = in_rootfs(rootfs, ["ldd", backtracer])
    assert "not found" not in ldd.stdout, ldd.stdout


# --------------------------------------------------------------------------- #
# It runs.
# --------------------------------------------------------------------------- #

def test_version_runs_as_the_image_user(rootfs, runtime, user):
    env = image_rootfs.container_env(runtime, rootfs, user)
    entrypoint = exec_form(runtime.last("ENTRYPOINT"))
    version = in_rootfs(rootfs, entrypoint + ["version"], user=user, env=env)
    assert version.returncode == 0 and version.stdout.startswith(f"{PRODUCT} "), version
    identity = in_rootfs(rootfs, ["id"], user=user, env=env)
    uid, gid = user.split(":")
    assert re.match(rf"uid={uid}\(\S+\) gid={gid}\(\S+\)", identity.stdout), identity.stdout
    reference = in_rootfs(rootfs, entrypoint + ["config-reference"], user=user, env=env)
    assert reference.returncode == 0 and reference.stdout.startswith("| key |"), reference


def test_serve_with_the_mounted_config_answers_health_and_getmetrics(rootfs, runtime, user, es, tmp_path):
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    entrypoint, cmd = exec_form(runtime.last("ENTRYPOINT")), exec_form(runtime.last("CMD"))
    config_path = cmd[cmd.index("--config") + 1]
    config_dir = Path(config_path).parent
    mounted = tmp_path / "configmap"
    mounted.mkdir(mode=0o755)
    mounted.chmod(0o755)
    (mounted / "demand.json").write_text(f'{{"queueDepth": {QUEUE_DEPTH}}}')
    (mounted / Path(config_path).name).write_text(to_yaml(default_config(config_dir / "demand.json")))
    for file in mounted.iterdir():
        file.chmod(0o644)

    env = image_rootfs.container_env(runtime, rootfs, user)
    command = image_rootfs.chroot_command(rootfs, entrypoint + cmd, userspec=user, mounts=[(mounted, str(config_dir))])
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    try:
        grpc_address = http_address = None
        deadline = time.monotonic() + 30
        while (grpc_address is None or http_address is None) and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            address = ADDRESS_RE.search(line)
            if address and "grpc server listening" in line:
                grpc_address = address.group(1)
            if address and "http listening" in line:
                http_address = address.group(1)
        assert grpc_address and http_address, "serve did not start in the rootfs:\n" + "".join(lines)
        assert grpc_address.startswith("127.0.0.1:"), grpc_address

        with grpc.insecure_channel(grpc_address) as channel:
            health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
            assert health.status == health_pb2.HealthCheckResponse.SERVING
            wait_metric(es, es.grpc.ExternalScalerStub(channel), ref(es), EXPECTED_METRIC, timeout=20)
        with urllib.request.urlopen(f"http://{http_address}/metrics", timeout=10) as response:
            assert "runpod_autoscaler_" in response.read().decode()

        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=30)
        lines.append(rest)
        assert proc.returncode == 0, f"exit {proc.returncode} after SIGTERM:\n" + "".join(lines)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
