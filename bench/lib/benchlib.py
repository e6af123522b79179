"""Shared parts of bench/ready and bench/scale.

Preparation (build, images), docker CLI calls, the shell snippets that run
`select 1`, cleanup of everything a run creates, and result tables. It uses the
standard library only, so bench/scale needs no virtual environment.
"""

from __future__ import annotations

import math
import os
import resource
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

BENCH_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = BENCH_DIR.parent
PREPARE_SCRIPT = BENCH_DIR / "lib" / "prepare.sh"

# A copy of the motivating case's workflow: a containerized self-hosted runner
# whose job declares a PostgreSQL service with a pg_isready health check.
WORKFLOW = BENCH_DIR / "workflows" / "postgres-service.yml"
WORKFLOW_JOB = "test"
SOURCE_IMAGE = "postgres:16-bookworm"
POSTGRES_IMAGE = "localhost/berth-fixtures/postgres:15"
IMAGE_MAP = f"{SOURCE_IMAGE}={POSTGRES_IMAGE}"
RUNNER_IMAGE = "localhost/berth-bench/runner:current"
PASSWORD = "password"

# The docker CLI recipes use the workflow's own options; check_workflow()
# fails when the workflow file no longer contains them.
HEALTH_OPTIONS = [
    "--health-cmd", "pg_isready",
    "--health-interval", "10s",
    "--health-timeout", "5s",
    "--health-retries", "5",
]  # fmt: skip

# Label on every container and network the benchmarks create themselves.
RUN_LABEL = "berth-bench.run"
SESSION_LABEL = "berth.session"
SELECT1_MARK = "select1-at"
READY_TIMEOUT = 120.0


class BenchError(Exception):
    """A failure that ends the whole benchmark, printed as one `error:` line."""


class AttemptFailed(Exception):
    """A failure of one measured attempt; the benchmark records it and goes on."""


class Interrupted(BaseException):
    """Raised by SIGINT, SIGTERM or SIGHUP; a BaseException, like KeyboardInterrupt, so that
    `except Exception` around library calls does not swallow it."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"interrupted by signal {signum}")
        self.signum = signum


def fail(message: str, hint: str = "") -> None:
    """Print an error and an optional hint to stderr, and exit 1."""
    print(f"error: {message}", file=sys.stderr)
    if hint:
        print(f"  {hint}", file=sys.stderr)
    sys.exit(1)


def note(message: str) -> None:
    """Print a progress line to stderr, flushed so that it shows at once."""
    print(f"==> {message}", file=sys.stderr, flush=True)


def parse_arguments(argv: Sequence[str], usage: str, description: str, runs_default: Optional[int]) -> int:
    """Parse `--help` and, when `runs_default` is set, `--runs N`; return N.

    Exits 0 after `--help` and 64 after a usage error, like the berth CLI.
    """
    runs = runs_default or 0
    arguments = list(argv)
    while arguments:
        argument = arguments.pop(0)
        if argument in ("-h", "--help"):
            print(f"{usage}\n\n{description}")
            sys.exit(0)
        value: Optional[str] = None
        if runs_default is not None and argument == "--runs":
            value = arguments.pop(0) if arguments else None
        elif runs_default is not None and argument.startswith("--runs="):
            value = argument.split("=", 1)[1]
        else:
            usage_error(usage, f"unknown argument '{argument}'")
        if value is None or not value.isdigit() or int(value) < 1:
            usage_error(usage, f"--runs needs a whole number of at least 1, not '{value or ''}'")
        runs = int(value or "0")
    return runs


def usage_error(usage: str, message: str) -> None:
    """Print a usage error with the usage line and exit 64."""
    print(f"error: {message}\n{usage}\nRun with --help for details.", file=sys.stderr)
    sys.exit(64)


# MARK: - Commands


def require_commands(*names: str) -> None:
    """Fail with a hint when a command the benchmark runs is not on PATH."""
    hints = {
        "docker": "install the docker CLI (Debian package docker.io)",
        "psql": "install the PostgreSQL client (Debian package postgresql-client)",
        "flock": "install util-linux",
    }
    for name in names:
        if shutil.which(name) is None:
            fail(f"{name} is not on PATH", hints.get(name, ""))


def run_command(argv: Sequence[str], timeout: float = 180, env: Optional[dict[str, str]] = None) -> str:
    """Run a command and return its stdout; raise AttemptFailed with its stderr on failure."""
    try:
        result = subprocess.run(
            list(argv), capture_output=True, text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired as error:
        raise AttemptFailed(f"{' '.join(argv)} timed out after {timeout:.0f} s") from error
    if result.returncode != 0:
        detail = (result.stderr.strip() or result.stdout.strip()).splitlines()[-3:]
        raise AttemptFailed(f"{' '.join(argv)} exited with status {result.returncode}: {' / '.join(detail)}")
    return result.stdout


def docker(*arguments: str, timeout: float = 180) -> str:
    """Run the docker CLI and return its stripped stdout."""
    return run_command(["docker", *arguments], timeout=timeout).strip()


def docker_quiet(*arguments: str) -> bool:
    """Run the docker CLI for cleanup, where a missing resource is fine; return whether it succeeded."""
    result = subprocess.run(
        ["docker", *arguments], capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
    )
    return result.returncode == 0


@dataclass
class TimedRun:
    """A finished process with each stderr line's arrival time (`time.time()`)."""

    returncode: int
    stdout: str
    stderr_lines: list[tuple[float, str]]
    ended: float

    def stderr_tail(self, count: int = 8) -> str:
        """Return the last stderr lines, indented and joined for an error message."""
        return "\n".join(f"    {line}" for _, line in self.stderr_lines[-count:])


def run_timed(argv: Sequence[str], cleanup: "Cleanup", env: Optional[dict[str, str]] = None) -> TimedRun:
    """Run a command, timestamping its stderr lines as they arrive.

    The process is registered with `cleanup`, which sends it SIGINT when the
    benchmark is interrupted.
    """
    process = subprocess.Popen(
        list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=env
    )
    cleanup.track_process(process)
    lines: list[tuple[float, str]] = []

    def read_stderr() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append((time.time(), line.rstrip("\n")))

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    assert process.stdout is not None
    stdout = process.stdout.read()
    returncode = process.wait()
    ended = time.time()
    reader.join()
    cleanup.untrack_process(process)
    return TimedRun(returncode, stdout, lines, ended)


# MARK: - select 1


def select1_once(host: str, port: str = "5432") -> str:
    """Return a sh script that runs `select 1` once and prints the moment it succeeded.

    `host` and `port` are inserted as shell words, so "$POSTGRES_HOST" works.
    PGPASSWORD must be in the environment.
    """
    return (
        f"out=$(PGCONNECT_TIMEOUT=5 psql -h {host} -p {port} -U postgres -tAc 'select 1') "
        f'&& [ "$out" = 1 ] && echo "{SELECT1_MARK} $(date +%s.%N)"'
    )


def select1_polled(host: str, interval: float = 0.02, timeout: float = READY_TIMEOUT) -> str:
    """Return a sh script that retries `select 1` every `interval` seconds and prints when it succeeded."""
    return (
        f"deadline=$(( $(date +%s) + {timeout:.0f} )); "
        f"until [ \"$(PGCONNECT_TIMEOUT=5 psql -h {host} -U postgres -tAc 'select 1' 2>/dev/null)\" = 1 ]; do "
        f'if [ "$(date +%s)" -ge "$deadline" ]; then echo "select 1 did not succeed in {timeout:.0f} s" >&2; '
        "exit 1; fi; "
        f"sleep {interval}; "
        "done; "
        f'echo "{SELECT1_MARK} $(date +%s.%N)"'
    )


def select1_time(stdout: str) -> float:
    """Return the moment a select-1 script printed, as seconds since the epoch."""
    for line in stdout.splitlines():
        if line.startswith(SELECT1_MARK + " "):
            return float(line.split()[1])
    shown = stdout.strip().replace("\n", " / ")[-200:]
    raise AttemptFailed(f"the command did not report a successful select 1 (stdout: '{shown}')")


# MARK: - Preparation


def prepare(runner_image: Optional[str]) -> Path:
    """Build berth and the images with bench/lib/prepare.sh; return the berth binary's path."""
    note("preparing: docker engine, fixture images, berth build" + (", runner image" if runner_image else ""))
    argv = ["bash", str(PREPARE_SCRIPT)] + ([runner_image] if runner_image else [])
    result = subprocess.run(argv, stdout=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        fail(f"{PREPARE_SCRIPT.relative_to(REPO_ROOT)} failed (exit {result.returncode}); see the lines above")
    binary = Path(result.stdout.strip().splitlines()[-1])
    if not os.access(binary, os.X_OK):
        fail(f"prepare.sh reported {binary}, which is not an executable file")
    return binary


def describe_setup() -> str:
    """Return one line for the record: the berth source revision, the machine, the engine and the time."""
    head = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    changes = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--", "Sources", "Package.swift"],
        capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    revision = (head or "unknown commit") + (" plus uncommitted changes in Sources" if changes else "")
    engine = docker_quiet_output("version", "--format", "Docker {{.Server.Version}}, API {{.Server.APIVersion}}")
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return f"berth built from {revision}; {os.cpu_count()} cores; {' '.join(engine) or 'Docker unknown'}; {when}"


def check_workflow() -> None:
    """Fail when the workflow copy no longer has the options the docker CLI recipes copy from it."""
    try:
        words = " ".join(WORKFLOW.read_text().split())
    except OSError as error:
        fail(f"cannot read the workflow {WORKFLOW}: {error.strerror}")
    expected = [" ".join(HEALTH_OPTIONS), f"POSTGRES_PASSWORD: {PASSWORD}", f"image: {SOURCE_IMAGE}"]
    for text in expected:
        if text not in words:
            fail(
                f"{WORKFLOW} no longer contains '{text}'",
                "update HEALTH_OPTIONS, PASSWORD or SOURCE_IMAGE in bench/lib/benchlib.py to match it",
            )


def check_image(image: str) -> None:
    """Fail when an image is missing locally, since the benchmarks never pull."""
    if not docker_quiet("image", "inspect", image):
        fail(f"image {image} is not present locally", "run scripts/test once, which builds the fixture images")


def start_service(name: str, run_id: str, health_check: bool) -> None:
    """Start the PostgreSQL service as the recipe does: a network and a container of that name, alias postgres.

    With `health_check` the container gets the workflow's health options.
    """
    label = f"{RUN_LABEL}={run_id}"
    docker("network", "create", "--label", label, name)
    docker(
        "run", "--detach", "--pull", "never", "--name", name, "--label", label,
        "--network", name, "--network-alias", "postgres", "--env", f"POSTGRES_PASSWORD={PASSWORD}",
        *(HEALTH_OPTIONS if health_check else []), POSTGRES_IMAGE,
    )  # fmt: skip


def remove_service(name: str, runner: Optional[str] = None) -> None:
    """Tear down as the recipe does: disconnect the runner, remove the container with its volumes, then the network."""
    if runner:
        docker("network", "disconnect", name, runner)
    docker("rm", "--force", "--volumes", name)
    docker("network", "rm", name)


def remove_service_quietly(name: str) -> None:
    """Remove a service's container and network after a failure, ignoring what is already gone."""
    docker_quiet("rm", "--force", "--volumes", name)
    remove_network(name)


def wait_healthy(cleanup: "Cleanup", container: str, started: float, interval: float = 1.0) -> None:
    """Poll `docker inspect` on a fixed `interval` schedule until the container's health is healthy."""
    tick = time.time()
    while True:
        state = docker(
            "inspect", "--format", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}", container
        )
        status, _, health = state.partition(" ")
        if health == "healthy":
            return
        if status != "running" or health == "unhealthy":
            raise AttemptFailed(f"container {container} is {status} {health}".rstrip())
        if time.time() - started > READY_TIMEOUT:
            raise AttemptFailed(f"container {container} was not healthy after {READY_TIMEOUT:.0f} s")
        tick += interval
        cleanup.pause(tick - time.time())


def docker_socket() -> Path:
    """Return the daemon's Unix socket on this host, from DOCKER_HOST or the default path."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    if not host.startswith("unix://"):
        fail(f"DOCKER_HOST={host} is not a unix:// socket", "the benchmarks mount the socket into a runner container")
    path = Path(host[len("unix://") :])
    if not path.is_socket():
        fail(f"the Docker socket {path} does not exist", "start the engine, e.g. by running scripts/test once")
    return path


def new_run_id() -> str:
    """Return a fresh name prefix for everything this run creates."""
    return f"bench-{secrets.token_hex(4)}"


class ExecCounter:
    """Counts `exec_start` events while it runs, through `docker events`, per Berth session for
    containers labelled berth.session and per container name for the others.

    Docker's own health checks and Berth's readiness probes both run as execs,
    and each exec costs the daemon, containerd and runc CPU time. The stream
    starts with the counter; events before that are not seen.
    """

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.process = subprocess.Popen(
            [
                "docker", "events", "--filter", "event=exec_start",
                "--format", f'{{{{index .Actor.Attributes "{SESSION_LABEL}"}}}} {{{{.Actor.Attributes.name}}}}',
            ],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            session, _, name = line.strip().partition(" ")
            key = session or name
            self.counts[key] = self.counts.get(key, 0) + 1

    def count(self, key: str) -> int:
        """Return the execs seen in Berth session `key`, or in the container named `key`."""
        return self.counts.get(key, 0)

    def stop(self) -> None:
        """End the stream, after a moment for events still on their way."""
        time.sleep(0.5)
        self.process.terminate()
        self.process.wait()
        self.reader.join(timeout=5)


def daemon_cpu_seconds() -> Optional[float]:
    """Return the CPU seconds dockerd and containerd used so far, or None when they run in another PID namespace.

    The containerd shims and runc, which do much of the work of an exec, exit
    with their container, so their time is not included.
    """
    total = 0
    found = False
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() not in ("dockerd", "containerd"):
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime and stime are fields 14 and 15 of /proc/PID/stat, counted from the pid.
        total += int(fields[11]) + int(fields[12])
        found = True
    return total / os.sysconf("SC_CLK_TCK") if found else None


def children_cpu_seconds() -> float:
    """Return the CPU seconds of this process's finished children and their waited-for descendants."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# MARK: - Cleanup


@dataclass
class Cleanup:
    """Everything a run created, removed again at the end even after a failure or a signal.

    Names are registered before the resource is created, so a create that a
    signal cut short is still removed. Worker threads register concurrently,
    hence the lock.
    """

    run_id: str
    containers: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    sessions: list[str] = field(default_factory=list)
    processes: list[subprocess.Popen] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_container(self, name: str) -> str:
        return self.register(self.containers, name)

    def add_network(self, name: str) -> str:
        return self.register(self.networks, name)

    def add_session(self, session: str) -> str:
        """Register a Berth session, whose containers and networks are found by its label."""
        return self.register(self.sessions, session)

    def register(self, names: list[str], name: str) -> str:
        with self.lock:
            names.append(name)
        return name

    def forget(self, name: str) -> None:
        """Drop a resource that was removed on the normal path."""
        with self.lock:
            for names in (self.containers, self.networks, self.sessions):
                while name in names:
                    names.remove(name)

    def track_process(self, process: subprocess.Popen) -> None:
        with self.lock:
            self.processes.append(process)

    def untrack_process(self, process: subprocess.Popen) -> None:
        with self.lock:
            if process in self.processes:
                self.processes.remove(process)

    def pause(self, seconds: float) -> None:
        """Sleep, but raise Interrupted at once when the run is being stopped."""
        if self.stop.wait(max(0.0, seconds)):
            raise Interrupted(signal.SIGINT)

    def interrupt_processes(self) -> None:
        """Stop every running child: SIGINT first, which makes `berth run` tear its session down."""
        self.stop.set()
        with self.lock:
            running = [process for process in self.processes if process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGINT)
        for process in running:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()

    def remove_session(self, session: str) -> None:
        """Remove what a berth session left: its containers, then its networks."""
        label = f"label={SESSION_LABEL}={session}"
        ids = docker_quiet_output("ps", "--all", "--quiet", "--filter", label)
        if ids:
            docker_quiet("rm", "--force", "--volumes", *ids)
        for network in docker_quiet_output("network", "ls", "--quiet", "--filter", label):
            remove_network(network)

    def run(self) -> None:
        """Remove everything registered; the runner container goes first so Berth inside it stops."""
        self.interrupt_processes()
        with self.lock:
            containers = list(reversed(self.containers))
            networks = list(self.networks)
            sessions = list(self.sessions)
        if containers:
            docker_quiet("rm", "--force", "--volumes", *containers)
        for session in sessions:
            self.remove_session(session)
        for network in networks:
            remove_network(network)
        self.report_leftovers(sessions)

    def report_leftovers(self, sessions: list[str]) -> None:
        """Warn about anything with this run's labels that still exists."""
        filters = [f"label={RUN_LABEL}={self.run_id}"] + [f"label={SESSION_LABEL}={s}" for s in sessions]
        left: list[str] = []
        for label in filters:
            left += docker_quiet_output("ps", "--all", "--format", "container {{.Names}}", "--filter", label)
            left += docker_quiet_output("network", "ls", "--format", "network {{.Name}}", "--filter", label)
        if left:
            print(f"warning: could not remove {len(left)} resources: {', '.join(sorted(set(left)))}", file=sys.stderr)


def docker_quiet_output(*arguments: str) -> list[str]:
    """Run the docker CLI and return its non-empty stdout lines, or none when it fails."""
    result = subprocess.run(
        ["docker", *arguments], capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
    )
    if result.returncode != 0:
        return []
    return [line for line in result.stdout.splitlines() if line.strip()]


def remove_network(network: str) -> None:
    """Disconnect every container still attached to a network, then remove it; ignore a missing one."""
    attached = docker_quiet_output(
        "network", "inspect", "--format", "{{range $id, $c := .Containers}}{{$id}}\n{{end}}", network
    )
    for container in attached:
        docker_quiet("network", "disconnect", "--force", network, container)
    docker_quiet("network", "rm", network)


def handle_signals(body: Callable[[], int], cleanup: Cleanup) -> int:
    """Run `body` with SIGINT, SIGTERM and SIGHUP raising Interrupted, then clean up in any case.

    Returns body's exit status, or 128+n after signal n. Further signals are
    ignored during cleanup, so a second Ctrl-C cannot leave resources behind.
    """

    def raise_interrupted(signum: int, _frame: object) -> None:
        raise Interrupted(signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, raise_interrupted)
    status = 1
    try:
        status = body()
    except Interrupted as error:
        print(f"\n{error}; removing what this run created", file=sys.stderr)
        status = 128 + error.signum
    except (BenchError, AttemptFailed) as error:
        print(f"error: {error}", file=sys.stderr)
        status = 1
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        note(f"removing the containers and networks of run {cleanup.run_id}")
        cleanup.run()
    return status


# MARK: - Results


def median(values: Sequence[float]) -> float:
    """Return the median, or NaN for no values."""
    return statistics.median(values) if values else math.nan


def seconds(value: float) -> str:
    """Format seconds with two decimals, or '-' for NaN (no value)."""
    return "-" if math.isnan(value) else f"{value:.2f}"


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print a plain-text table: the first column left-aligned, the others right-aligned."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def render(row: Sequence[str]) -> str:
        cells = [str(row[0]).ljust(widths[0])] + [str(cell).rjust(widths[i]) for i, cell in enumerate(row) if i > 0]
        return "  ".join(cells).rstrip()

    print(render(header))
    print("  ".join("-" * width for width in widths))
    for row in rows:
        print(render(row))
