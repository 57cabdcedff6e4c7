"""The project's own Neo4j: an embedded 5.26 Community server built from Maven Central.

There is no Docker engine on the team's machines, so `neo4j-local/` (a pom and one Java class)
resolves `org.neo4j:neo4j` with Maven and runs it with only Bolt, on 127.0.0.1. This module builds
that launcher once, starts it in the background, waits until Bolt answers, and stops it cleanly.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

READY_MARKER = "RELGRAPH_NEO4J_READY"
MAIN_CLASS = "relgraph.neo4jlocal.Neo4jLocal"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
LAUNCHER_DIR = PROJECT_ROOT / "neo4j-local"

# The flags Neo4j's own neo4j.conf passes to the JVM (server.jvm.additional) that matter embedded.
_JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
)


class LocalServerError(RuntimeError):
    """The local Neo4j could not be built, started or stopped; the message says why."""


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    uri: str
    home: Path


@dataclass(frozen=True)
class LocalNeo4j:
    """One local server: its store, logs and pid file live under `home`."""

    home: Path
    port: int = 7687
    heap_mb: int = 1024
    page_cache_mb: int = 512
    launcher_dir: Path = LAUNCHER_DIR

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.home / "neo4j.pid"

    @property
    def log_file(self) -> Path:
        return self.home / "launcher.log"

    @property
    def _jar(self) -> Path:
        return self.launcher_dir / "target" / "neo4j-local-1.0.0.jar"

    @property
    def _classpath_file(self) -> Path:
        return self.launcher_dir / "target" / "classpath.txt"

    def build(self) -> None:
        """Runs Maven once; later calls reuse the jar until the pom or the Java source changes."""
        sources = [self.launcher_dir / "pom.xml", *self.launcher_dir.glob("src/**/*.java")]
        if self._jar.exists() and self._classpath_file.exists():
            built = min(self._jar.stat().st_mtime, self._classpath_file.stat().st_mtime)
            if all(src.stat().st_mtime <= built for src in sources):
                return
        mvn = shutil.which("mvn")
        if mvn is None:
            raise LocalServerError("Maven (mvn) is not on PATH; it is needed to fetch Neo4j")
        result = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [mvn, "-q", "-B", "package", "-DskipTests"],
            cwd=self.launcher_dir,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise LocalServerError(
                "building the Neo4j launcher failed:\n"
                f"{result.stdout[-4000:]}{result.stderr[-4000:]}"
            )

    def _running_pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        return pid

    def status(self) -> ServerStatus:
        pid = self._running_pid()
        return ServerStatus(running=pid is not None, pid=pid, uri=self.uri, home=self.home)

    def start(self, timeout: float = 180.0) -> ServerStatus:
        """Starts the server unless it already runs; returns once Bolt accepts connections."""
        if self._running_pid() is not None:
            _wait_for_port(self.port, timeout, self.log_file)
            return self.status()
        if _port_open(self.port):
            raise LocalServerError(
                f"port {self.port} is already in use by another process; "
                "set RELGRAPH_NEO4J_PORT to another port or NEO4J_URI to use that server"
            )
        self.build()
        java = shutil.which("java")
        if java is None:
            raise LocalServerError("java is not on PATH; Java 17+ is needed to run Neo4j")
        self.home.mkdir(parents=True, exist_ok=True)
        classpath = f"{self._jar}{os.pathsep}{self._classpath_file.read_text().strip()}"
        argv = [
            java,
            f"-Xms{self.heap_mb}m",
            f"-Xmx{self.heap_mb}m",
            *_JVM_FLAGS,
            "-cp",
            classpath,
            MAIN_CLASS,
            str(self.home),
            str(self.port),
            str(self.page_cache_mb),
        ]
        with self.log_file.open("w") as log:
            # A new session so that Ctrl-C in the shell that started it does not kill the store.
            process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.pid_file.write_text(str(process.pid))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self.pid_file.unlink(missing_ok=True)
                raise LocalServerError(
                    f"Neo4j exited with code {process.returncode} during start-up; "
                    f"log {self.log_file}:\n{_tail(self.log_file)}"
                )
            if READY_MARKER in self.log_file.read_text(errors="replace") and _port_open(self.port):
                return self.status()
            time.sleep(0.25)
        self.stop()
        raise LocalServerError(
            f"Neo4j did not answer on {self.uri} within {timeout:.0f}s; "
            f"log {self.log_file}:\n{_tail(self.log_file)}"
        )

    def stop(self, timeout: float = 60.0) -> bool:
        """SIGTERM lets the shutdown hook close the store; SIGKILL only if that hangs."""
        pid = self._running_pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _alive(pid):
                break
            time.sleep(0.2)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True


def _alive(pid: int) -> bool:
    # A child we started ourselves stays a zombie until reaped; reap it if it is ours.
    with contextlib.suppress(ChildProcessError):
        reaped, _ = os.waitpid(pid, os.WNOHANG)
        if reaped == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait_for_port(port: int, timeout: float, log_file: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _port_open(port):
            return
        time.sleep(0.25)
    raise LocalServerError(
        f"Neo4j on port {port} did not answer; log {log_file}:\n{_tail(log_file)}"
    )


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log written)"


def free_port() -> int:
    """A port the OS considers free now; used by tests to run a server beside a developer's own."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
