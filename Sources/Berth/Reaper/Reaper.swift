import EngineAPI
import Foundation

/// What a reaper watches to learn that its session's owner is gone.
public enum ReaperWatch: Sendable, Equatable, CustomStringConvertible {
    /// Its stdin, held open by the owning Berth process: end of input means the process died.
    case connection
    /// A container: gone or stopped means the owner died.
    case container(id: String)
    /// A host process: gone, or a different start time, means the owner died.
    case process(pid: Int32, startTicks: UInt64)

    /// The `--watch` argument of `berth reap`.
    public var description: String {
        switch self {
        case .connection: return "stdin"
        case .container(let id): return "container:\(id)"
        case .process(let pid, let ticks): return "process:\(pid):\(ticks)"
        }
    }

    /// Parses a `--watch` argument.
    public init?(argument: String) {
        let parts = argument.split(separator: ":").map(String.init)
        switch parts.first {
        case "stdin" where parts.count == 1: self = .connection
        case "container" where parts.count == 2: self = .container(id: parts[1])
        case "process" where parts.count == 3:
            guard let pid = Int32(parts[1]), let ticks = UInt64(parts[2]) else { return nil }
            self = .process(pid: pid, startTicks: ticks)
        default: return nil
        }
    }
}

/// A reaper whose start was sent; `release()` lets go of the owner connection at a clean end.
public struct ReaperHandle: Sendable {
    /// The reaper's container id.
    public var containerID: String
    let connection: HeldStream?
    let start: Task<Void, any Error>?

    /// Waits for the daemon's reply to the reaper's start, and throws when the start failed.
    public func confirmStarted() async throws {
        try await start?.value
    }

    /// Closes the owner connection; call only after the session was removed.
    public func release() {
        connection?.close()
    }
}

/// Starts the small container that removes a session when its owner dies.
///
/// The reaper runs `berth reap` from an image built out of this very binary, with the daemon's
/// socket bind-mounted from the host path and no network, so it never keeps the session network
/// in use. It is labelled with the session, so `down` removes it with everything else.
public struct ReaperLauncher: Sendable {
    let engine: EngineClient
    let reporter: Reporter

    /// Creates a launcher.
    public init(engine: EngineClient, reporter: Reporter) {
        self.engine = engine
        self.reporter = reporter
    }

    /// Starts a reaper for `session`, watching `watch`.
    ///
    /// Routes: `POST /containers/create`, `POST /containers/{id}/attach` (for `.connection`),
    /// `POST /containers/{id}/start`, and `DELETE /containers/{id}` when the attach fails. The
    /// attach comes before the start so that no moment exists in which the owner could die
    /// unnoticed. This returns once the start is sent. Waiting for the daemon's reply (about 200 ms
    /// on Docker 20.10) would delay every session, so `confirmStarted()` waits for it later.
    public func start(
        session: String, owner: SessionOwner, watch: ReaperWatch, selfContainer: SelfLocator.Found?,
        image knownImage: String? = nil, launchToken: String? = nil, serviceCount: Int? = nil
    ) async throws -> ReaperHandle {
        let image: String
        if let knownImage {
            image = knownImage
        } else {
            image = try await ReaperImage(engine: engine, reporter: reporter).ensure()
        }
        let socket = try await hostSocketPath(selfContainer: selfContainer)

        var request = ContainerCreateRequest(image: image)
        request.cmd = ["--session", session, "--watch", watch.description]
        if let serviceCount {
            request.cmd? += ["--services", String(serviceCount)]
        }
        request.env = ["DOCKER_HOST=unix:///var/run/docker.sock"]
        request.labels = [
            BerthLabel.session: session, BerthLabel.owner: owner.label, BerthLabel.role: "reaper",
            BerthLabel.version: BerthVersion.current,
        ]
        if let launchToken {
            request.labels?[BerthLabel.launch] = launchToken
        }
        request.hostConfig.binds = ["\(socket):/var/run/docker.sock"]
        request.hostConfig.networkMode = "none"
        request.hostConfig.autoRemove = true
        if case .process = watch {
            request.hostConfig.pidMode = "host"
        }
        if watch == .connection {
            request.openStdin = true
            request.stdinOnce = true
            request.attachStdin = true
        }

        let id = try await engine.createContainer(name: SessionID.reaperName(session), request)
        do {
            let connection = watch == .connection ? try await engine.attachStdin(id) : nil
            let start = await engine.sendStartContainer(id)
            reporter.debug("reaper \(id.prefix(12)) starts and watches \(watch)")
            return ReaperHandle(containerID: id, connection: connection, start: start)
        } catch {
            _ = try? await withoutCancellation { try await engine.removeContainer(id, force: true) }
            throw error
        }
    }

    /// The daemon socket's path on the Docker host, which is what a bind mount needs.
    ///
    /// On the host it is the socket Berth uses. Inside a container it is the source of the bind
    /// mount that provides that socket (or a directory above it), read from the container's own
    /// `GET /containers/{id}/json`.
    func hostSocketPath(selfContainer: SelfLocator.Found?) async throws -> String {
        guard case .unix(let path) = engine.host else {
            throw BerthError(
                "a reaper needs the daemon's Unix socket, but Berth talks to \(engine.host)",
                hint: "Use a unix:// host, or set BERTH_NO_REAPER=1 and rely on berth gc.")
        }
        guard let selfContainer else {
            return path
        }

        let mounts = try await engine.inspectContainer(selfContainer.id).mounts ?? []
        let best = mounts.filter { path == $0.destination || path.hasPrefix($0.destination + "/") }
            .max { $0.destination.count < $1.destination.count }
        guard let mount = best, let source = mount.source else {
            throw BerthError(
                "cannot find the host path of the Docker socket \(path): it is not bind-mounted into this container",
                hint: "Mount the socket with -v /var/run/docker.sock:/var/run/docker.sock, or set BERTH_NO_REAPER=1.")
        }
        return source + path.dropFirst(mount.destination.count)
    }
}
