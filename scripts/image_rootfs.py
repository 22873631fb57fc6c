#!/usr/bin/env python3
"""The Dockerfile's runtime stage as a root filesystem, built and run without a container engine.

    scripts/image_rootfs.py --binary .build-image/release/runpod-autoscaler [--run version]

1. The base: `debootstrap --variant=minbase <suite>` of the stage's `debian:<suite>-slim`
   (the official slim image is debuerreotype's minbase of the suite), with the image's
   apt sources (the suite, -updates and -security).
2. The stage's RUN instructions, verbatim, with `/bin/sh -c` in a chroot of it as root, as
   `docker build` runs them: so the packages (`apt-get install`), the user (`groupadd`,
   `useradd`) and the directories are exactly the Dockerfile's and cannot drift.
   1 and 2 are cached in <cache>/<hash of the suite, the RUN instructions and this
   script's base recipe>; a changed Dockerfile builds a new one, older ones are removed.
3. The build stage's /staging, reproduced from a release binary built with the build
   stage's `swift build` command: its `mkdir`, `cp` and `strip` commands on /staging run
   with /staging and the Swift image's /usr mapped to a scratch directory and the local
   toolchain; then the runtime stage's `COPY --from=<build stage>` into the rootfs.
4. (--run) ENTRYPOINT + the arguments in the rootfs: a private mount namespace (`unshare
   --mount`, so nothing stays mounted when the process ends), /proc mounted, optionally a
   host directory bind-mounted read-only (`--mount HOST:PATH`, as a ConfigMap is), then
   `chroot --userspec=<USER>` with the stage's ENV and Docker's default PATH. The network
   namespace is the host's: a server in it is reached over the host's loopback.

Needs root (chroot, mount namespaces), debootstrap and a Debian mirror
(RPA_DEBIAN_MIRROR, default http://deb.debian.org/debian). Prints the rootfs path.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCKERFILE = REPO / "Dockerfile"
DEFAULT_CACHE = REPO / ".build-rootfs"
MIRROR = os.environ.get("RPA_DEBIAN_MIRROR", "http://deb.debian.org/debian")
SECURITY_MIRROR = os.environ.get("RPA_DEBIAN_SECURITY_MIRROR", "http://deb.debian.org/debian-security")
# Docker's PATH when the image sets none.
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Bumped when the base recipe below changes, so cached rootfs are rebuilt.
RECIPE = "minbase+debian.sources v1"
# The official debian:<suite>-slim images' apt sources.
SOURCES = """Types: deb
URIs: {mirror}
Suites: {suite} {suite}-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: {security}
Suites: {suite}-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""
BASE_PACKAGES_FILE = "base-packages.txt"  # next to the rootfs: what debootstrap installed


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


def run_script(run: Instruction) -> str:
    """The shell text of a shell-form RUN (its --mount=... options dropped)."""
    value = re.sub(r"^(--\S+\s+)+", "", run.value)
    assert not value.startswith("["), f"line {run.line}: exec-form RUN is not supported here"
    return value


def shell_commands(stage: Stage) -> list[list[str]]:
    """Every simple command of the stage's shell-form RUN instructions, as words."""
    commands: list[list[str]] = []
    for run in stage.all("RUN"):
        lexer = shlex.shlex(run_script(run), posix=True, punctuation_chars=";&|")
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


def stage_env(stage: Stage, upto: Instruction | None = None) -> dict[str, str]:
    """ARG defaults and ENV of the stage before `upto` (all of them without it), as Docker
    puts them in the environment of RUN (ARG and ENV) or of the container (ENV only)."""
    env: dict[str, str] = {"PATH": DEFAULT_PATH}
    for instruction in stage.instructions:
        if instruction is upto:
            break
        if instruction.keyword == "ARG" and upto is not None:
            name, _, default = instruction.value.partition("=")
            env[name.strip()] = default.strip().strip('"')
        elif instruction.keyword == "ENV":
            words = shlex.split(instruction.value)
            if len(words) >= 2 and "=" not in words[0]:
                env[words[0]] = " ".join(words[1:])  # legacy `ENV KEY value`
            else:
                for word in words:
                    key, _, value = word.partition("=")
                    env[key] = value
    return env


def load_stages(dockerfile: Path = DOCKERFILE) -> list[Stage]:
    return parse_dockerfile(dockerfile.read_text())[1]


# --------------------------------------------------------------------------- #
# Running in the rootfs.
# --------------------------------------------------------------------------- #

class RootfsError(Exception):
    """The rootfs could not be built: the message says why (and whether it is the machine)."""


def chroot_command(rootfs: Path, argv: list[str], *, userspec: str | None = None,
                   mounts: list[tuple[Path, str]] = ()) -> list[str]:
    """`argv` in the rootfs, in a private mount namespace with /proc and the read-only
    bind mounts HOST:PATH, as `userspec` (uid:gid) or root. The process keeps the PID of
    the returned command (every step execs), so signals reach it directly."""
    script = ['set -e', 'mount -t proc proc "$ROOTFS/proc"']
    for index, (source, target) in enumerate(mounts):
        script.append(f'mkdir -p "$ROOTFS"{shlex.quote(target)}')
        script.append(f'mount --bind {shlex.quote(str(source))} "$ROOTFS"{shlex.quote(target)}')
        script.append(f'mount -o remount,bind,ro "$ROOTFS"{shlex.quote(target)}')
    chroot = ["chroot"] + ([f"--userspec={userspec}"] if userspec else []) + ['"$ROOTFS"']
    script.append("exec " + " ".join(chroot) + ' "$@"')
    return ["env", f"ROOTFS={rootfs}", "unshare", "--mount", "--propagation", "private", "--",
            "/bin/sh", "-c", "; ".join(script), "sh", *argv]


def runtime_stage(stages: list[Stage]) -> Stage:
    return stages[-1]


def suite_of(stage: Stage) -> str:
    match = re.fullmatch(r"(?:docker\.io/)?(?:library/)?debian:([a-z]+)-slim", stage.base)
    if not match:
        raise RootfsError(f"the runtime stage is FROM {stage.base}; only debian:<suite>-slim is built here")
    return match.group(1)


def cache_key(stage: Stage) -> str:
    recipe = [RECIPE, suite_of(stage), MIRROR, SECURITY_MIRROR] + [run_script(r) for r in stage.all("RUN")]
    for instruction in stage.instructions:
        if instruction.keyword in {"WORKDIR", "USER"} and stage.instructions.index(instruction) < max(
                stage.instructions.index(r) for r in stage.all("RUN")):
            raise RootfsError(f"line {instruction.line}: {instruction.keyword} before a RUN is not supported here")
    return hashlib.sha256("\n".join(recipe).encode()).hexdigest()[:16]


def _run(command: list[str], log: Path, what: str, timeout: float) -> None:
    with log.open("a") as out:
        out.write(f"$ {' '.join(command)}\n")
        out.flush()
        result = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                timeout=timeout)
    if result.returncode != 0:
        tail = "".join(log.read_text().splitlines(keepends=True)[-30:])
        network = re.search(r"Failed getting release file|Couldn't download|Temporary failure resolving|"
                            r"Could not resolve|Failed to fetch|Unable to fetch", tail)
        raise RootfsError(f"{what} failed ({result.returncode}){' (no Debian mirror?)' if network else ''}; "
                          f"log {log}:\n{tail}", ) from None


def build_rootfs(stages: list[Stage], cache: Path = DEFAULT_CACHE, log=print) -> Path:
    """The rootfs of the runtime stage after its RUN instructions (cached)."""
    if os.geteuid() != 0:
        raise RootfsError("building the rootfs needs root (debootstrap, chroot, mount namespaces)")
    for tool in ("debootstrap", "unshare", "chroot", "mount"):
        if shutil.which(tool) is None:
            raise RootfsError(f"{tool} is not installed (make deps-system installs debootstrap)")
    stage = runtime_stage(stages)
    key = cache_key(stage)
    final = cache / key
    if (final / "rootfs" / "etc" / "os-release").exists() and (final / BASE_PACKAGES_FILE).exists():
        return final / "rootfs"
    cache.mkdir(parents=True, exist_ok=True)
    for stale in cache.iterdir():  # other recipes and half-built attempts
        if stale.name != key:
            shutil.rmtree(stale, ignore_errors=True)
    work = cache / f"{key}.partial"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    rootfs = work / "rootfs"
    build_log = work / "build.log"
    suite = suite_of(stage)
    log(f"debootstrap --variant=minbase {suite} (log {build_log}) ...")
    _run(["debootstrap", "--variant=minbase", suite, str(rootfs), MIRROR], build_log, "debootstrap", 1800)
    packages = subprocess.run(["chroot", str(rootfs), "dpkg-query", "-W", "-f", "${Package}\n"],
                              capture_output=True, text=True, check=True).stdout
    (work / BASE_PACKAGES_FILE).write_text(packages)
    (rootfs / "etc" / "apt" / "sources.list").unlink(missing_ok=True)
    (rootfs / "etc" / "apt" / "sources.list.d" / "debian.sources").write_text(
        SOURCES.format(mirror=MIRROR, security=SECURITY_MIRROR, suite=suite))
    shutil.copy2("/etc/resolv.conf", rootfs / "etc" / "resolv.conf")  # as `docker build` provides it
    for run in stage.all("RUN"):
        log(f"RUN (line {run.line}) in the rootfs ...")
        env = stage_env(stage, upto=run)
        command = chroot_command(rootfs, ["/usr/bin/env", "-i"] + [f"{k}={v}" for k, v in env.items()]
                                 + ["/bin/sh", "-c", run_script(run)])
        _run(command, build_log, f"RUN at Dockerfile line {run.line}", 1800)
    work.rename(final)
    return final / "rootfs"


def base_packages(rootfs: Path) -> set[str]:
    """The packages debootstrap installed, before the stage's RUN instructions."""
    return set((rootfs.parent / BASE_PACKAGES_FILE).read_text().split())


# --------------------------------------------------------------------------- #
# The build stage's outputs, and COPY --from.
# --------------------------------------------------------------------------- #

def stage_build_outputs(build: Stage, binary: Path, toolchain_usr: Path, staging: Path) -> dict[str, Path]:
    """Runs the build stage's commands that produce /staging (mkdir, cp, strip and the
    final check) with /staging -> `staging`, the `swift build --show-bin-path` output ->
    the binary's directory and the Swift image's /usr -> the local toolchain. Returns
    path in the build stage -> file here."""
    shutil.rmtree(staging, ignore_errors=True)

    def mapped(word: str) -> str:
        word = re.sub(r"^\$\(swift build [^)]*--show-bin-path\)", str(binary.parent), word)
        if word == "/staging" or word.startswith("/staging/"):
            return str(staging) + word[len("/staging"):]
        if word.startswith("/usr/") and (toolchain_usr / word[len("/usr/"):]).exists():
            return str(toolchain_usr / word[len("/usr/"):])
        return word

    ran = 0
    for words in shell_commands(build):
        if not any("/staging" in w for w in words):
            continue
        command = [mapped(w) for w in words]
        if words[0] not in {"mkdir", "cp", "strip"} and not words[0].startswith("/staging/"):
            raise RootfsError(f"the build stage runs `{' '.join(words)}` on /staging: not reproduced here")
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RootfsError(f"`{' '.join(command)}` (for `{' '.join(words)}`) failed:\n{result.stdout}{result.stderr}")
        ran += 1
    if not ran:
        raise RootfsError("the build stage writes nothing to /staging: COPY --from cannot be reproduced")
    return {"/staging/" + str(p.relative_to(staging)): p for p in staging.rglob("*") if p.is_file()}


def install_copies(stages: list[Stage], rootfs: Path, outputs: dict[str, Path]) -> list[str]:
    """The runtime stage's COPY --from=<stage> instructions into the rootfs (owned by root,
    modes kept, as COPY does). Returns the destinations."""
    names = {s.name for s in stages[:-1] if s.name}
    copied = []
    for copy in runtime_stage(stages).all("COPY"):
        source_stage = re.search(r"--from=(\S+)", copy.value)
        if not source_stage:
            raise RootfsError(f"line {copy.line}: COPY from the build context is not reproduced here")
        if source_stage.group(1) not in names:
            raise RootfsError(f"line {copy.line}: COPY --from={source_stage.group(1)}: no such stage")
        *sources, destination = [w for w in copy.value.split() if not w.startswith("--")]
        if len(sources) != 1 or sources[0] not in outputs:
            raise RootfsError(f"line {copy.line}: {sources} are not among the build stage's outputs {sorted(outputs)}")
        target = rootfs / destination.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(outputs[sources[0]], target)
        os.chown(target, 0, 0)
        copied.append(destination)
    return copied


def container_user(stage: Stage) -> str:
    user = stage.last("USER")
    if user is None:
        return "0:0"
    if not re.fullmatch(r"\d+:\d+", user.value):
        raise RootfsError(f"USER {user.value}: only numeric uid:gid is supported here")
    return user.value


def container_env(stage: Stage, rootfs: Path, user: str) -> dict[str, str]:
    """The container's environment as Docker sets it: the stage's ENV, PATH, HOME of the user."""
    env = stage_env(stage)
    uid = user.split(":")[0]
    home = "/"
    for line in (rootfs / "etc" / "passwd").read_text().splitlines():
        fields = line.split(":")
        if len(fields) >= 6 and fields[2] == uid:
            home = fields[5]
    env.setdefault("HOME", home)
    env.setdefault("HOSTNAME", "rootfs")
    return env


def toolchain_usr() -> Path:
    swift = shutil.which("swift")
    if swift is None:
        raise RootfsError("no Swift toolchain on PATH (the backtracer is copied from it)")
    return Path(os.path.realpath(swift)).parents[1]


def install_build_outputs(stages: list[Stage], rootfs: Path, binary: Path) -> list[str]:
    """The build stage's /staging from `binary`, then the runtime stage's COPY --from."""
    outputs = stage_build_outputs(stages[0], binary, toolchain_usr(), rootfs.parent.parent / "staging")
    return install_copies(stages, rootfs, outputs)


def prepare(binary: Path, cache: Path = DEFAULT_CACHE, dockerfile: Path = DOCKERFILE, log=print) -> Path:
    """Rootfs with the build stage's outputs copied in: ready to run."""
    stages = load_stages(dockerfile)
    rootfs = build_rootfs(stages, cache, log=log)
    install_build_outputs(stages, rootfs, binary)
    return rootfs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True, type=Path, help="release binary built as the Dockerfile builds it")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--mount", action="append", default=[], metavar="HOST:PATH",
                        help="bind-mount a host directory read-only into the rootfs for --run")
    parser.add_argument("--run", nargs=argparse.REMAINDER,
                        help="run ENTRYPOINT with these arguments (none: CMD) as the image's USER")
    args = parser.parse_args()
    try:
        rootfs = prepare(args.binary.resolve(), args.cache.resolve(), log=lambda m: print(m, file=sys.stderr))
    except RootfsError as error:
        print(f"image_rootfs: {error}", file=sys.stderr)
        return 1
    print(rootfs)
    if args.run is None:
        return 0
    stage = runtime_stage(load_stages())
    user = container_user(stage)
    argv = exec_form(stage.last("ENTRYPOINT")) + (args.run or exec_form(stage.last("CMD")))
    mounts = [(Path(m.split(":", 1)[0]).resolve(), m.split(":", 1)[1]) for m in args.mount]
    env = container_env(stage, rootfs, user)
    command = chroot_command(rootfs, argv, userspec=user, mounts=mounts)
    return subprocess.run(command, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
