"""The release binary, built the way the Dockerfile builds it, and the Dockerfile parser
(scripts/image_rootfs.py), shared by test_container_image.py and test_image_rootfs.py.

The build uses a copy of exactly what the build stage's COPY instructions take from the
context after .dockerignore, and the build stage's own `swift build` command.

Environment:
  RPA_RELEASE_BINARY        a prebuilt release binary to check instead of building one
  RPA_RELEASE_SCRATCH_PATH  SwiftPM scratch path for the build
                            (default <repo>/.build-image, apart from `make build`'s .build
                            so the two builds neither lock nor invalidate each other); the
                            build context copy is kept next to it, in <scratch>-context

Building takes minutes the first time (incremental afterwards); it is done once per
session (conftest.py's `release_binary`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

from image_rootfs import (DOCKERFILE, Instruction, Stage, apt_installed, exec_form, load_stages,  # noqa: E402
                          parse_dockerfile, shell_commands)

__all__ = ["DOCKERFILE", "Instruction", "Stage", "apt_installed", "exec_form", "load_stages", "parse_dockerfile",
           "shell_commands"]

DOCKERIGNORE = REPO / ".dockerignore"
PRODUCT = "runpod-autoscaler"
BINARY_IN_IMAGE = f"/usr/local/bin/{PRODUCT}"
BUILD_TIMEOUT = 3600


def swift_build_command(stage: Stage) -> list[str]:
    """The build stage's `swift build ...` (the one that is not `--show-bin-path`)."""
    for words in shell_commands(stage):
        if words[:2] == ["swift", "build"] and "--show-bin-path" not in words:
            return words
    raise AssertionError("the build stage has no `swift build` command")


def toolchain_dir() -> Path | None:
    swift = shutil.which("swift")
    return Path(os.path.realpath(swift)).parents[1] if swift else None  # <toolchain>/usr


def dockerignore_patterns() -> list[re.Pattern]:
    """.dockerignore as regexes over context-relative paths (Docker's matching: `*` and `?`
    within one path segment, `**` across segments; a matching directory excludes all below)."""
    patterns = []
    for line in DOCKERIGNORE.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        assert not line.startswith("!"), "exception patterns are not supported by this check"
        line = line.strip("/")
        regex, i = "", 0
        while i < len(line):
            if line.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif line.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif line[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif line[i] == "?":
                regex, i = regex + "[^/]", i + 1
            else:
                regex, i = regex + re.escape(line[i]), i + 1
        patterns.append(re.compile(regex + r"\Z"))
    return patterns


def ignored(relative: str, patterns: list[re.Pattern]) -> bool:
    parts = relative.split("/")
    return any(p.match("/".join(parts[:n])) for n in range(1, len(parts) + 1) for p in patterns)


def build_context_files(stage: Stage) -> dict[str, Path]:
    """What the build stage's COPY instructions put under WORKDIR, from the repository as
    the build context: destination (relative to WORKDIR) -> source file."""
    patterns = dockerignore_patterns()
    files: dict[str, Path] = {}
    for copy in stage.all("COPY"):
        words = [w for w in copy.value.split() if not w.startswith("--")]
        assert "--from" not in copy.value, f"line {copy.line}: the build stage copies from another stage"
        *sources, destination = words
        destination = destination.removeprefix("./").rstrip("/")
        assert not destination.startswith("/"), f"line {copy.line}: destinations are relative to WORKDIR here"
        for source in sources:
            matches = sorted(REPO.glob(source.removeprefix("./")))
            matches = [m for m in matches if not ignored(m.relative_to(REPO).as_posix(), patterns)]
            assert matches, f"line {copy.line}: COPY {source} matches nothing in the build context"
            for match in matches:
                if match.is_dir():
                    for path in match.rglob("*"):
                        relative = path.relative_to(REPO).as_posix()
                        if path.is_file() and not ignored(relative, patterns):
                            files[str(Path(destination) / path.relative_to(match))] = path
                else:
                    files[str(Path(destination) / match.name)] = match
    return files


def stage_build_context(stage: Stage, directory: Path) -> Path:
    """Mirrors the build stage's copied files into `directory`, keeping modification
    times (so SwiftPM's incremental build still applies) and deleting what is gone."""
    files = build_context_files(stage)
    directory.mkdir(parents=True, exist_ok=True)
    for relative, source in files.items():
        target = directory / relative
        if target.is_file() and target.stat().st_mtime == source.stat().st_mtime \
                and target.stat().st_size == source.stat().st_size:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    for path in sorted(directory.rglob("*"), reverse=True):
        relative = path.relative_to(directory).as_posix()
        if path.is_file() and relative not in files:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return directory


def build_release_binary() -> Path:
    """The release binary (built once per session by conftest.py's `release_binary`)."""
    build_stage = load_stages()[0]
    prebuilt = os.environ.get("RPA_RELEASE_BINARY")
    if prebuilt:
        path = Path(prebuilt)
        if not path.is_file():
            pytest.fail(f"RPA_RELEASE_BINARY={prebuilt} does not exist")
        return path
    if not sys.platform.startswith("linux"):
        pytest.skip("the image is Linux; the static-stdlib build and ldd need Linux")
    if shutil.which("swift") is None:
        pytest.skip("no Swift toolchain on PATH to build the release binary (or set RPA_RELEASE_BINARY)")
    scratch = Path(os.environ.get("RPA_RELEASE_SCRATCH_PATH") or REPO / ".build-image")
    context = stage_build_context(build_stage, scratch.with_name(scratch.name + "-context"))
    command = swift_build_command(build_stage) + ["--package-path", str(context), "--scratch-path", str(scratch)]
    started = time.monotonic()
    result = subprocess.run(command, cwd=context, capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        if re.search(r"Could not resolve host|Failed to clone|unable to access 'https://", output):
            pytest.skip(f"cannot fetch the package dependencies (offline?): {' '.join(command)}\n{output[-2000:]}")
        pytest.fail(f"`{' '.join(command)}` failed ({result.returncode}):\n{output[-4000:]}")
    bin_dir = subprocess.run(command + ["--show-bin-path"], cwd=context, capture_output=True, text=True,
                             check=True).stdout.strip()
    path = Path(bin_dir) / PRODUCT
    assert path.is_file(), f"the build reported success but {path} is missing"
    print(f"built {path} in {time.monotonic() - started:.0f}s")
    return path


# --------------------------------------------------------------------------- #
# The runtime stage's rootfs (scripts/image_rootfs.py), built in the background.
# --------------------------------------------------------------------------- #

_rootfs_build: Future | None = None


def start_rootfs_build() -> None:
    """Starts building the runtime stage's rootfs (debootstrap and apt: network and disk,
    little CPU) in a thread, so that a cold build overlaps the release build and the tests
    before test_image_rootfs.py, which waits for it (`runtime_rootfs`)."""
    global _rootfs_build
    if _rootfs_build is None and os.geteuid() == 0:
        import image_rootfs

        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rootfs")
        _rootfs_build = executor.submit(image_rootfs.build_rootfs, load_stages(), log=lambda message: None)
        executor.shutdown(wait=False)


def runtime_rootfs() -> Path:
    """The rootfs after the runtime stage's RUN instructions (image_rootfs.RootfsError if it
    cannot be built); the background build's when one was started."""
    import image_rootfs

    if _rootfs_build is not None:
        return _rootfs_build.result()
    return image_rootfs.build_rootfs(load_stages(), log=print)
