"""The container image, checked without a container engine: the Dockerfile.

No engine runs where these tests run, so the image itself is never built here. What the
Dockerfile says is checked here:

- it parses into a Swift build stage and a debian:bookworm-slim runtime stage; the
  runtime stage runs as a numeric non-root user, its ENTRYPOINT is the binary, and it
  installs no build tools;
- a release binary built the way the build stage builds it (the session's shared
  `release_binary`, see image_support.py) links the Swift runtime and Foundation
  statically.

That the image runs is checked by test_image_rootfs.py: the runtime stage's root
filesystem built from Debian packages (debootstrap, then the stage's own RUN
instructions), the binary copied in as its COPY does, run there as its USER.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from image_support import (BINARY_IN_IMAGE, DOCKERFILE, DOCKERIGNORE, PRODUCT, Stage, apt_installed, exec_form,
                           parse_dockerfile, shell_commands, swift_build_command, toolchain_dir)

BUILD_TOOL_PACKAGE = re.compile(
    r"(-dev$|^gcc|^g\+\+|^cpp(-\d+)?$|^clang|^llvm|^lld|^swift|^build-essential$|^make$|^cmake$|^ninja"
    r"|^pkg-config$|^pkgconf|^binutils|^libc6-dev$|^git$|^protobuf-compiler$|^autoconf$|^automake$|^libtool$)"
)



@pytest.fixture(scope="module")
def dockerfile() -> tuple[dict[str, str], list[Stage]]:
    assert DOCKERFILE.is_file(), f"{DOCKERFILE} is missing"
    return parse_dockerfile(DOCKERFILE.read_text())


@pytest.fixture(scope="module")
def stages(dockerfile) -> list[Stage]:
    return dockerfile[1]


@pytest.fixture(scope="module")
def build_stage(stages) -> Stage:
    return stages[0]


@pytest.fixture(scope="module")
def runtime_stage(stages) -> Stage:
    return stages[-1]


# --------------------------------------------------------------------------- #
# The Dockerfile.
# --------------------------------------------------------------------------- #

def test_dockerfile_has_a_swift_build_stage_and_a_slim_runtime_stage(stages):
    assert len(stages) >= 2, f"expected a multi-stage build, got {len(stages)} stage(s)"
    assert stages[0].base == "swift:6.3-bookworm", stages[0].base
    assert stages[-1].base == "debian:bookworm-slim", stages[-1].base
    names = {s.name for s in stages[:-1] if s.name}
    copies = [c for c in stages[-1].all("COPY") if "--from=" in c.value]
    assert copies, "the runtime stage copies nothing from the build stage"
    for copy in copies:
        source = re.search(r"--from=(\S+)", copy.value).group(1)
        assert source in names, f"line {copy.line}: COPY --from={source}: no earlier stage has that name"


def test_build_stage_installs_the_headers_and_builds_the_static_release(build_stage):
    installed = set(apt_installed(build_stage))
    assert {"libgrpc-dev", "libprotobuf-dev", "libcurl4-openssl-dev"} <= installed, installed
    command = swift_build_command(build_stage)
    text = " ".join(command)
    for flag in ("-c release", f"--product {PRODUCT}", "--static-swift-stdlib"):
        assert flag in text, f"the build command lacks {flag!r}: {text}"


def test_runtime_stage_runs_as_a_numeric_non_root_user(runtime_stage):
    user = runtime_stage.last("USER")
    assert user is not None, "the runtime stage sets no USER (it would run as root)"
    assert re.fullmatch(r"\d+(:\d+)?", user.value), f"USER {user.value}: use numeric uid:gid (runAsNonRoot)"
    uid, _, gid = user.value.partition(":")
    assert int(uid) != 0 and (not gid or int(gid) != 0), f"USER {user.value} is root"
    assert user.value == "65532:65532"
    assert runtime_stage.instructions.index(user) > max(
        runtime_stage.instructions.index(i) for i in runtime_stage.all("RUN")
    ), "USER must come after the RUN steps that need root (apt-get)"
    # The uid exists in /etc/passwd (tools that look the user up get a name, not an error).
    useradd = [w for w in shell_commands(runtime_stage) if w and w[0] == "useradd"]
    assert useradd and "65532" in useradd[0], "the runtime stage does not create uid 65532"


def test_entrypoint_is_the_binary_and_cmd_serves_the_mounted_config(runtime_stage):
    assert exec_form(runtime_stage.last("ENTRYPOINT")) == [BINARY_IN_IMAGE]
    assert exec_form(runtime_stage.last("CMD")) == ["serve", "--config", "/etc/runpod-autoscaler/config.yaml"]
    destinations = [c.value.split()[-1] for c in runtime_stage.all("COPY")]
    assert BINARY_IN_IMAGE in destinations, f"nothing is copied to {BINARY_IN_IMAGE}"


def test_exposes_grpc_and_http(runtime_stage):
    ports = {p.split("/")[0] for e in runtime_stage.all("EXPOSE") for p in e.value.split()}
    assert ports == {"9090", "8080"}, ports


def test_has_oci_labels(runtime_stage):
    text = " ".join(label.value for label in runtime_stage.all("LABEL"))
    for key in ("title", "description", "version", "revision", "source"):
        assert f"org.opencontainers.image.{key}=" in text, f"missing LABEL org.opencontainers.image.{key}"


def test_runtime_stage_has_no_build_tools(runtime_stage):
    packages = apt_installed(runtime_stage)
    assert packages, "the runtime stage installs nothing: where do libgrpc and libcurl come from?"
    tools = [p for p in packages if BUILD_TOOL_PACKAGE.search(p)]
    assert not tools, f"build tools in the runtime stage: {tools}"
    for words in shell_commands(runtime_stage):
        assert words[0] not in {"swift", "swiftc", "gcc", "cc", "clang", "make", "cmake"}, words
    run_text = " ".join(r.value for r in runtime_stage.all("RUN"))
    assert "--no-install-recommends" in run_text, "Recommends would pull in more than the libraries"
    assert "rm -rf /var/lib/apt/lists" in run_text, "apt lists are left in the image"
    # Only the binary and the static backtracer come from the build stage, never the toolchain.
    for copy in runtime_stage.all("COPY"):
        assert "/usr/lib/swift" not in copy.value, f"line {copy.line}: copies the Swift toolchain's libraries"
    assert "ca-certificates" in packages, "libcurl needs CA certificates for https://api.runpod.io"


def test_dockerignore_keeps_build_products_out():
    assert DOCKERIGNORE.is_file(), ".dockerignore is missing"
    patterns = {line.strip().rstrip("/") for line in DOCKERIGNORE.read_text().splitlines()
                if line.strip() and not line.startswith("#")}
    for required in (".build", ".venv", "run"):
        assert required in patterns, f".dockerignore does not exclude {required}"


# --------------------------------------------------------------------------- #
# The release binary, built the way the Dockerfile builds it.
# --------------------------------------------------------------------------- #

def _needed(path: Path) -> list[str]:
    """DT_NEEDED entries: the libraries the binary itself links."""
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True, check=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def _ldd(path: Path) -> dict[str, str]:
    """soname -> resolved path, for every library the loader would map."""
    out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, check=True).stdout
    missing = [line.strip() for line in out.splitlines() if "not found" in line]
    assert not missing, f"ldd cannot resolve: {missing}"
    libraries: dict[str, str] = {}
    for line in out.splitlines():
        m = re.match(r"\s*(\S+)\s+=>\s+(/\S+)\s+\(", line)
        if m:
            libraries[m.group(1)] = m.group(2)
        else:
            m = re.match(r"\s*(/\S+)\s+\(", line)  # the dynamic loader itself
            if m:
                libraries[Path(m.group(1)).name] = m.group(1)
    return libraries



def test_release_binary_links_the_swift_runtime_statically(release_binary):
    needed = _needed(release_binary)
    swift_runtime = [n for n in needed if re.match(r"lib(swift|Foundation|_Foundation|dispatch|BlocksRuntime)", n)]
    assert not swift_runtime, f"--static-swift-stdlib should leave no Swift runtime library: {swift_runtime}"
    toolchain = toolchain_dir()
    if toolchain:
        inside = {so: p for so, p in _ldd(release_binary).items() if p.startswith(str(toolchain))}
        assert not inside, f"libraries resolved from the Swift toolchain, absent from the image: {inside}"
