import EngineAPI
import Foundation

/// Takes a runner container off a GitHub job network the moment the job's teardown begins.
///
/// GitHub's runner ends a job with `docker rm --force` of each service container and then, at
/// once, `docker network rm`; a runner container still attached makes that removal fail with
/// "has active endpoints" and the network leaks. The escort, a container running `berth reap
/// --escort`, follows the daemon's events and disconnects the runner container at the first
/// kill, stop, die or destroy of a service container, well before the runner's next command
/// runs. It also disconnects and exits when the runner container itself goes away.
public struct EscortLoop: Sendable {
    let engine: EngineClient
    let reporter: Reporter
    let network: String
    let container: String
    var pollInterval = 1.0

    /// Creates a loop escorting `container` on `network`.
    public init(engine: EngineClient, reporter: Reporter, network: String, container: String) {
        self.engine = engine
        self.reporter = reporter
        self.network = network
        self.container = container
    }

    /// Waits for the job's teardown, then disconnects the escorted container.
    public func run() async throws {
        let services = try await serviceContainers()
        reporter.info(
            "escorting \(container.prefix(12)) on \(network); watching \(services.count) service container(s)")

        try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask { try await waitForTeardownEvent(services: services) }
            group.addTask { try await pollUntilOver(services: services) }
            let reason = try await group.next() ?? "stopped"
            group.cancelAll()
            reporter.info("\(reason); leaving \(network)")
        }
        try await engine.disconnectNetwork(network, container: container, force: true)
    }

    /// Containers on the network other than the escorted one, preferring those carrying the
    /// network's runner label.
    private func serviceContainers() async throws -> [String] {
        let inspect = try await engine.inspectNetwork(network)
        let others = (inspect.containers ?? [:]).keys.filter { !$0.hasPrefix(container) && !container.hasPrefix($0) }
        let runnerLabels = Set((inspect.labels ?? [:]).keys)
        var labelled: [String] = []
        for id in others {
            let labels = Set(((try? await engine.inspectContainer(id))?.config.labels ?? [:]).keys)
            if !labels.isDisjoint(with: runnerLabels) {
                labelled.append(id)
            }
        }
        return labelled.isEmpty ? Array(others) : labelled
    }

    private func waitForTeardownEvent(services: [String]) async throws -> String {
        let watched = Set(services + [container])
        let filters = [
            "type": ["container"], "container": Array(watched), "event": ["kill", "stop", "die", "destroy"],
        ]
        try await engine.events(filters: filters) { event in
            !(event.actor?.id.map(watched.contains) ?? false)
        }
        return "a job container is being removed"
    }

    private func pollUntilOver(services: [String]) async throws -> String {
        while true {
            try await Task.sleep(for: .seconds(pollInterval))
            if try await !running(container) {
                return "the escorted container is gone"
            }
            for service in services where try await !running(service) {
                return "service container \(service.prefix(12)) is gone"
            }
            if (try? await engine.inspectNetwork(network)) == nil {
                return "the network is gone"
            }
        }
    }

    private func running(_ id: String) async throws -> Bool {
        do {
            return try await engine.inspectContainer(id).state.running
        } catch let error as EngineError where error.isNotFound {
            return false
        }
    }
}

extension ReaperLauncher {
    /// Starts an escort for `container` on `network`, replacing an earlier one for the pair.
    ///
    /// Routes: `GET /containers/json` and `DELETE /containers/{id}` for an earlier escort, then
    /// `POST /containers/create` and `POST /containers/{id}/start`.
    public func startEscort(network: NetworkInspect, container: SelfLocator.Found) async throws -> String {
        try await removeEscorts(network: network.name, container: container.id)
        let image = try await ReaperImage(engine: engine, reporter: reporter).ensure()
        let socket = try await hostSocketPath(selfContainer: container)

        var request = ContainerCreateRequest(image: image)
        request.cmd = ["--escort", container.id, "--network", network.name]
        request.env = ["DOCKER_HOST=unix:///var/run/docker.sock"]
        request.labels = [
            BerthLabel.role: "escort", BerthLabel.owner: SessionOwner.container(id: container.id).label,
            BerthLabel.escortedNetwork: network.name, BerthLabel.version: BerthVersion.current,
        ]
        request.hostConfig.binds = ["\(socket):/var/run/docker.sock"]
        request.hostConfig.networkMode = "none"
        request.hostConfig.autoRemove = true

        let suffix = String(network.name.replacingOccurrences(of: "github_network_", with: "").prefix(8))
        let id = try await engine.createContainer(name: "berth-escort-\(container.id.prefix(12))-\(suffix)", request)
        try await engine.startContainer(id)
        return id
    }

    /// Removes escorts of `container` on `network` (every network when nil).
    public func removeEscorts(network: String?, container: String) async throws {
        var labels = [
            "\(BerthLabel.role)=escort", "\(BerthLabel.owner)=\(SessionOwner.container(id: container).label)",
        ]
        if let network {
            labels.append("\(BerthLabel.escortedNetwork)=\(network)")
        }
        for escort in try await engine.listContainers(all: true, filters: ["label": labels]) {
            try await engine.removeContainer(escort.id, force: true)
        }
    }
}
