"""The container image, checked without a container engine.

No engine runs where these tests run, so the image itself is never built. What can be
checked is checked:

- the Dockerfile parses into a Swift build stage and a debian:bookworm-slim runtime
  stage; the runtime stage runs as a numeric non-root user, its ENTRYPOINT is the
  binary, and it installs no build tools;
- a release binary built the way the build stage builds it (from a copy of exactly what
  its COPY instructions take from the context after .dockerignore, with its own `swift
  build` command) links only libraries that the runtime stage's `apt-get install`
  provides, directly or through the packages' dependencies, or that bookworm-slim
  already has (`ldd`, then `dpkg -S` for the package of each library);
- that binary runs: `version`, `config-reference`, and `serve` answering gRPC health and
  /metrics, with the Swift runtime and Foundation linked in statically.

The library-to-package mapping is only meaningful on Debian bookworm, the release both
stages are built on; elsewhere those tests skip and say why.

Environment:
  RPA_RELEASE_BINARY        a prebuilt release binary to check instead of building one
  RPA_RELEASE_SCRATCH_PATH  SwiftPM scratch path for the build
                            (default <repo>/.build-image, apart from `make build`'s .build
                            so the two builds neither lock nor invalidate each other); the
                            build context copy is kept next to it, in <scratch>-context

Building takes minutes the first time (incremental afterwards); it is done once per
module, and `make test` runs it like every other e2e test.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
PRODUCT = "runpod-autoscaler"
BINARY_IN_IMAGE = f"/usr/local/bin/{PRODUCT}"
BUILD_TIMEOUT = 3600

# Packages of debian:bookworm-slim that libraries of this binary (or of the runtime
# packages' dependencies) come from, so the runtime stage need not install them.
#
# How this list was derived, honestly: no container engine was available, so it was NOT
# read from a pulled image (`docker run debian:bookworm-slim dpkg -l`). The official
# image is debuerreotype's "minbase" rootfs of bookworm: every `Priority: required`
# package plus apt, with their Depends/Pre-Depends; "slim" removes docs, man pages and
# locales, not packages. The entries below were taken from that closure, computed on a
# bookworm host from its apt metadata, and agree with the image's published package
# manifest as far as I know it; `test_base_packages_are_in_bookworm_minbase` re-derives
# the closure from apt metadata whenever apt lists are present. Each entry says why the
# image has it.
BOOKWORM_SLIM_BASE: dict[str, str] = {
    "libc6": "glibc (libc, libm, libresolv, ld.so): Priority required",
    "libgcc-s1": "libgcc_s: apt and libstdc++6 depend on it",
    "libstdc++6": "C++ runtime: apt (C++) depends on it",
    "zlib1g": "libz: libapt-pkg6.0 depends on it",
    "libzstd1": "libzstd: libapt-pkg6.0 depends on it",
    "libgnutls30": "GnuTLS: bookworm's apt depends on it",
    "libp11-kit0": "p11-kit: libgnutls30 depends on it",
    "libffi8": "libffi: libp11-kit0 depends on it",
    "libtasn1-6": "libtasn1: libgnutls30 depends on it",
    "libidn2-0": "libidn2: libgnutls30 depends on it",
    "libunistring2": "libunistring: libidn2-0 and libgnutls30 depend on it",
    "libnettle8": "nettle: libgnutls30 depends on it",
    "libhogweed6": "hogweed: libgnutls30 depends on it",
    "libgmp10": "GMP: libhogweed6 and libgnutls30 depend on it",
    "libcom-err2": "com_err: e2fsprogs (Priority required in bookworm) depends on it",
}

# Never in the runtime stage: compilers, toolchains, build systems, headers.
BUILD_TOOL_PACKAGE = re.compile(
    r"(-dev$|^gcc|^g\+\+|^cpp(-\d+)?$|^clang|^llvm|^lld|^swift|^build-essential$|^make$|^cmake$|^ninja"
    r"|^pkg-config$|^pkgconf|^binutils|^libc6-dev$|^git$|^protobuf-compiler$|^autoconf$|^automake$|^libtool$)"
)


# --------------------------------------------------------------------------- #
# A small Dockerfile parser: enough for this Dockerfile, strict about the rest.
# --------------------------------------------------------------------------- #

@dataclass
class Instruction:
    keyword: str  # upper case
    value: str  # the arguments, continuation lines joined
    line: int


@dataclass
class Stage:
    base: str  # with ARG defaults substituted
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction | None:
        found = self.all(keyword)
        return found[-1] if found else None


def parse_dockerfile(text: str) -> tuple[dict[str, str], list[Stage]]:
    """(global ARG defaults, stages). Comment lines are dropped, also inside a continued
    instruction, as BuildKit does; a trailing backslash continues the instruction."""
    instructions: list[Instruction] = []
    buffer = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if stripped.startswith("#"):
            continue
        if not buffer and not stripped:
            continue
        if not buffer:
            start = number
        if raw.rstrip().endswith("\\"):
            buffer += raw.rstrip()[:-1] + " "
            continue
        buffer += raw
        keyword, _, value = buffer.strip().partition(" ")
        instructions.append(Instruction(keyword.upper(), value.strip(), start))
        buffer = ""
    assert not buffer, "the Dockerfile ends inside a continued instruction"

    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for instruction in instructions:
        if instruction.keyword == "ARG" and not stages:
            name, _, default = instruction.value.partition("=")
            global_args[name.strip()] = default.strip().strip('"')
        elif instruction.keyword == "FROM":
            words = [w for w in instruction.value.split() if not w.startswith("--platform")]
            base = re.sub(r"\$\{?(\w+)\}?", lambda m: global_args.get(m.group(1), m.group(0)), words[0])
            name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
            stages.append(Stage(base, name))
        else:
            assert stages, f"line {instruction.line}: {instruction.keyword} before the first FROM"
            stages[-1].instructions.append(instruction)
    return global_args, stages


def shell_commands(stage: Stage) -> list[list[str]]:
    """Every simple command of the stage's shell-form RUN instructions, as words."""
    commands: list[list[str]] = []
    for run in stage.all("RUN"):
        value = re.sub(r"^(--\S+\s+)+", "", run.value)  # RUN --mount=... options
        assert not value.startswith("["), f"line {run.line}: exec-form RUN is not parsed here"
        lexer = shlex.shlex(value, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        words: list[str] = []
        for token in lexer:
            if token and set(token) <= set(";&|"):
                if words:
                    commands.append(words)
                words = []
            else:
                words.append(token)
        if words:
            commands.append(words)
    return commands


def apt_installed(stage: Stage) -> list[str]:
    """The package names given to `apt-get install` in the stage (versions stripped)."""
    packages: list[str] = []
    for words in shell_commands(stage):
        for index, word in enumerate(words):
            if word.endswith(("apt-get", "apt")) and index + 1 < len(words) and "install" in words[index + 1:]:
                after = words[words.index("install", index) + 1:]
                packages += [w.split("=", 1)[0] for w in after if not w.startswith("-")]
                break
    return packages


def exec_form(instruction: Instruction | None) -> list[str]:
    assert instruction is not None
    value = json.loads(instruction.value)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), instruction.value
    return value


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


def swift_build_command(stage: Stage) -> list[str]:
    """The build stage's `swift build ...` (the one that is not `--show-bin-path`)."""
    for words in shell_commands(stage):
        if words[:2] == ["swift", "build"] and "--show-bin-path" not in words:
            return words
    raise AssertionError("the build stage has no `swift build` command")


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

def _toolchain_dir() -> Path | None:
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


@pytest.fixture(scope="module")
def release_binary(build_stage) -> Path:
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


def _require_bookworm() -> None:
    fields = dict(
        line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line
    ) if Path("/etc/os-release").is_file() else {}
    codename = fields.get("VERSION_CODENAME", "").strip('"')
    if codename != "bookworm" or shutil.which("dpkg") is None:
        pytest.skip(f"library -> package mapping needs a Debian bookworm host (dpkg); this is "
                    f"{codename or 'not Debian'}: run these tests in swift:6.3-bookworm")


def _package_of(path: str) -> str:
    """The Debian package shipping `path` (merged /usr: tried under both spellings)."""
    candidates = [path, os.path.realpath(path)]
    for p in list(candidates):
        if p.startswith("/usr/"):
            candidates.append(p[len("/usr"):])
        else:
            candidates.append("/usr" + p)
    for candidate in dict.fromkeys(candidates):
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        for line in result.stdout.splitlines():
            if line.startswith("diversion by"):
                continue
            owners, _, _ = line.partition(": ")
            owner = owners.split(",")[0].strip().split(":")[0]
            if owner:
                return owner
    raise AssertionError(f"no installed Debian package ships {path} (dpkg -S); is it from a local build?")


def _installed_dependency_graph() -> tuple[dict[str, list[list[str]]], dict[str, str]]:
    """Installed packages' Depends + Pre-Depends (as alternatives) and virtual -> real."""
    out = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package}\t${db:Status-Abbrev}\t${Provides}\t${Depends}, ${Pre-Depends}\n"],
        capture_output=True, text=True, check=True,
    ).stdout
    depends: dict[str, list[list[str]]] = {}
    provides: dict[str, str] = {}

    def names(field_text: str) -> list[list[str]]:
        groups = []
        for group in field_text.split(","):
            alternatives = [re.split(r"[\s(:]", a.strip(), maxsplit=1)[0] for a in group.split("|")]
            alternatives = [a for a in alternatives if a]
            if alternatives:
                groups.append(alternatives)
        return groups

    for line in out.splitlines():
        package, status, provided, deps = (line.split("\t") + ["", "", ""])[:4]
        if not status.startswith("ii"):
            continue
        depends[package] = names(deps)
        for virtual in names(provided):
            provides.setdefault(virtual[0], package)
    return depends, provides


def _closure(roots: set[str]) -> set[str]:
    """`roots` and everything apt installs with them (installed alternatives chosen)."""
    depends, provides = _installed_dependency_graph()
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        package = stack.pop()
        package = package if package in depends else provides.get(package, package)
        if package in seen:
            continue
        seen.add(package)
        for alternatives in depends.get(package, []):
            chosen = [a for a in alternatives if a in depends or a in provides]
            stack.extend(chosen[:1])
    return seen


def test_release_binary_links_the_swift_runtime_statically(release_binary):
    needed = _needed(release_binary)
    swift_runtime = [n for n in needed if re.match(r"lib(swift|Foundation|_Foundation|dispatch|BlocksRuntime)", n)]
    assert not swift_runtime, f"--static-swift-stdlib should leave no Swift runtime library: {swift_runtime}"
    toolchain = _toolchain_dir()
    if toolchain:
        inside = {so: p for so, p in _ldd(release_binary).items() if p.startswith(str(toolchain))}
        assert not inside, f"libraries resolved from the Swift toolchain, absent from the image: {inside}"


def test_every_linked_library_is_in_the_runtime_image(release_binary, runtime_stage):
    _require_bookworm()
    explicit = set(apt_installed(runtime_stage))
    installed_with_apt = _closure(explicit)
    base = set(BOOKWORM_SLIM_BASE)
    base_closure = _closure(base)
    rows, missing = [], []
    for soname, path in sorted(_ldd(release_binary).items()):
        package = _package_of(path)
        if package in base:
            how = "bookworm-slim"
        elif package in explicit:
            how = "apt-get install (listed)"
        elif package in installed_with_apt:
            how = "apt-get install (dependency)"
        elif package in base_closure:
            how = "bookworm-slim (dependency)"
        else:
            how = "MISSING"
            missing.append(f"{soname} ({path}) from package {package}")
        rows.append(f"  {soname:<55} {package:<22} {how}")
    report = "\n".join(rows)
    print(f"ldd of {release_binary}:\n{report}")
    assert not missing, (
        "libraries the runtime stage does not provide (add their package to its apt-get install):\n  "
        + "\n  ".join(missing) + f"\n\nfull mapping:\n{report}"
    )


def test_directly_linked_libraries_are_installed_explicitly(release_binary, runtime_stage):
    """What the binary itself links must be listed, not arrive by accident of another
    package's dependencies (libgrpc29 for libgrpc.so.29 and libgpr.so.29, libcurl4)."""
    _require_bookworm()
    explicit = set(apt_installed(runtime_stage))
    libraries = _ldd(release_binary)
    problems = []
    for soname in _needed(release_binary):
        path = libraries.get(soname) or libraries.get(Path(soname).name)
        assert path, f"{soname} is NEEDED but ldd did not resolve it"
        package = _package_of(path)
        if package not in explicit and package not in BOOKWORM_SLIM_BASE:
            problems.append(f"{soname} -> {package}")
    assert not problems, f"linked directly but not in the runtime apt-get install: {problems}"
    # Nothing listed that the binary does not need (besides the CA bundle for libcurl).
    used = {_package_of(p) for p in libraries.values()}
    unused = explicit - used - {"ca-certificates"}
    assert not unused, f"runtime packages that no linked library comes from: {sorted(unused)}"


def test_the_static_backtracer_needs_only_base_libraries(build_stage):
    _require_bookworm()
    toolchain = _toolchain_dir()
    if toolchain is None:
        pytest.skip("no Swift toolchain on PATH")
    backtracer = toolchain / "libexec" / "swift" / "linux" / "swift-backtrace-static"
    copied = " ".join(r.value for r in build_stage.all("RUN"))
    if "swift-backtrace-static" not in copied:
        pytest.skip("the Dockerfile does not ship the backtracer")
    assert backtracer.is_file(), f"{backtracer} is missing from this toolchain"
    packages = {_package_of(p) for p in _ldd(backtracer).values()}
    assert packages <= set(BOOKWORM_SLIM_BASE), packages - set(BOOKWORM_SLIM_BASE)


def test_base_packages_are_in_bookworm_minbase():
    """Re-derives bookworm-slim's packages (Priority required + apt, with dependencies)
    from the apt metadata and checks BOOKWORM_SLIM_BASE against it."""
    _require_bookworm()
    if shutil.which("apt-cache") is None:
        pytest.skip("no apt-cache")
    text = subprocess.run(["apt-cache", "dumpavail"], capture_output=True, text=True).stdout
    if "Package: apt\n" not in text:
        pytest.skip("no apt lists on this host (apt-get update) to derive the minbase set from")
    packages: dict[str, dict[str, str]] = {}
    provides: dict[str, str] = {}
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            if line.startswith((" ", "\t")) and key:
                fields[key] += " " + line.strip()
            elif ":" in line:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        if "Package" in fields:
            packages[fields["Package"]] = fields
            for virtual in fields.get("Provides", "").split(","):
                if virtual.strip():
                    provides.setdefault(virtual.strip().split()[0], fields["Package"])
    required = {name for name, f in packages.items() if f.get("Priority") == "required"}
    seen: set[str] = set()
    stack = sorted(required) + ["apt"]
    while stack:
        name = stack.pop()
        name = name if name in packages else provides.get(name, name)
        if name in seen or name not in packages:
            continue
        seen.add(name)
        for key in ("Pre-Depends", "Depends"):
            for group in packages[name].get(key, "").split(","):
                alternatives = [a.strip().split()[0].split(":")[0] for a in group.split("|") if a.strip()]
                if not alternatives:
                    continue
                # debootstrap keeps an alternative that is already selected, else takes the first.
                chosen = next((a for a in alternatives if a in seen or a in required), alternatives[0])
                stack.append(chosen)
    assert set(BOOKWORM_SLIM_BASE) <= seen, sorted(set(BOOKWORM_SLIM_BASE) - seen)


# --------------------------------------------------------------------------- #
# The release binary runs.
# --------------------------------------------------------------------------- #

def test_release_binary_answers_version_and_config_reference(release_binary):
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}  # no toolchain on PATH or in LD_LIBRARY_PATH
    version = subprocess.run([str(release_binary), "version"], capture_output=True, text=True, env=env, timeout=30)
    assert version.returncode == 0 and version.stdout.startswith(f"{PRODUCT} "), version
    table = subprocess.run([str(release_binary), "config-reference"], capture_output=True, text=True, env=env,
                           timeout=30)
    assert table.returncode == 0 and table.stdout.startswith("| key |"), table
    serve_help = subprocess.run([str(release_binary), "serve", "--help"], capture_output=True, text=True,
                                env=env, timeout=30)
    assert "--config" in serve_help.stdout + serve_help.stderr, "CMD passes --config; serve must take it"


def test_release_binary_serves_and_stops_on_sigterm(release_binary, tmp_path):
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    (tmp_path / "demand.json").write_text('{"queueDepth": 0}')
    (tmp_path / "config.yaml").write_text(
        "grpc: {listen: 127.0.0.1:0}\n"
        "http: {listen: 127.0.0.1:0}\n"
        "runpod: {endpoint: emulator, emulator: {listen: 127.0.0.1:0}}\n"
        f"demand: {{source: file, file: {{path: {tmp_path / 'demand.json'}}}}}\n"
        "kubernetes: {enabled: false}\n"
        "pools:\n  - {name: burst, namespace: media, template: {image: example/worker:1}}\n"
    )
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(tmp_path)}
    proc = subprocess.Popen([str(release_binary), "serve", "--config", "config.yaml"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    try:
        grpc_address = http_address = None
        deadline = time.monotonic() + 30
        while (grpc_address is None or http_address is None) and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            address = re.search(r"address=(\S+)", line)
            if address and "grpc server listening" in line:
                grpc_address = address.group(1)
            if address and "http listening" in line:
                http_address = address.group(1)
        assert grpc_address and http_address, "serve did not start:\n" + "".join(lines)
        with grpc.insecure_channel(grpc_address) as channel:
            answer = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
            assert answer.status == health_pb2.HealthCheckResponse.SERVING
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
