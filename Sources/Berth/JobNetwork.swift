import EngineAPI
import Foundation

/// Joins Berth's own container to a network GitHub's runner created for a job, and leaves it.
///
/// GitHub's runner names job networks `github_network_<guid>` and labels them with the first six
/// hex digits of the SHA-256 of its `.runner` file, so two runners on one daemon carry different
/// labels. Without `--network`, Berth computes that label from the `.runner` file of the
/// `Runner.Worker` process it runs under (or `$RUNNER_ROOT/.runner`) and picks only networks that
/// carry it.
public struct JobNetworkAttacher: Sendable {
    let engine: EngineClient
    let reporter: Reporter
    let environment: [String: String]
    let procRoot: String

    /// Creates an attacher; `procRoot` lets tests point at a fake `/proc`.
    public init(engine: EngineClient, reporter: Reporter, environment: [String: String], procRoot: String = "/proc") {
        self.engine = engine
        self.reporter = reporter
        self.environment = environment
        self.procRoot = procRoot
    }

    /// The result of `attach`.
    public struct Attachment: Codable, Sendable {
        public var network: String
        public var container: String
        public var containerName: String
        public var alreadyAttached: Bool
    }

    /// Joins Berth's container to `explicit`, or to the job network it finds, and starts an
    /// escort that leaves the network again when the job's teardown begins, so no detach step
    /// is needed (unless `escort` is false).
    public func attach(network explicit: String?, escort: Bool = true) async throws -> Attachment {
        let me = try await requireContainer(toAttach: true)
        let network = try await findNetwork(explicit)
        let alreadyAttached = me.networks.contains(network.name)
        if !alreadyAttached {
            reporter.info("joining \(me.name) to network \(network.name)")
            try await engine.connectNetwork(network.id, container: me.id)
        }
        if escort {
            do {
                _ = try await ReaperLauncher(engine: engine, reporter: reporter).startEscort(
                    network: network, container: me)
            } catch {
                try? await engine.disconnectNetwork(network.id, container: me.id, force: true)
                throw error
            }
        }
        return Attachment(
            network: network.name, container: me.id, containerName: me.name, alreadyAttached: alreadyAttached)
    }

    /// Leaves `explicit`, or every `github_network_*` network Berth's container is on.
    public func detach(network explicit: String?) async throws -> [String] {
        let me = try await requireContainer(toAttach: false)
        let targets = explicit.map { [$0] } ?? me.networks.filter { $0.hasPrefix("github_network_") }
        let launcher = ReaperLauncher(engine: engine, reporter: reporter)
        for network in targets {
            reporter.info("leaving network \(network)")
            try await launcher.removeEscorts(network: network, container: me.id)
            try await engine.disconnectNetwork(network, container: me.id, force: true)
        }
        return targets
    }

    private func requireContainer(toAttach: Bool) async throws -> SelfLocator.Found {
        guard let me = try await SelfLocator(engine: engine, procRoot: procRoot, environment: environment).locate()
        else {
            throw BerthError(
                "Berth is not running inside a container, so there is nothing to \(toAttach ? "attach" : "detach")",
                hint:
                    "On a host, reach services through their published ports; inside a container that Berth cannot identify, set BERTH_CONTAINER_ID."
            )
        }
        return me
    }

    /// Finds the job's network: the explicit one, else the `github_network_*` of this runner.
    public func findNetwork(_ explicit: String?) async throws -> NetworkInspect {
        if let explicit {
            do {
                return try await engine.inspectNetwork(explicit)
            } catch let error as EngineError where error.isNotFound {
                throw BerthError(
                    "network '\(explicit)' does not exist",
                    hint: "Pass the job's network: --network ${{ job.container.network }}.")
            }
        }

        var candidates = try await engine.listNetworks(filters: ["name": ["github_network_"]])
            .filter { $0.name.hasPrefix("github_network_") }
        if let label = runnerLabel() {
            reporter.debug("runner label is \(label)")
            candidates = candidates.filter { $0.labels?[label] != nil }
        }

        var inUse: [NetworkInspect] = []
        for candidate in candidates {
            if let inspect = try? await engine.inspectNetwork(candidate.id), !(inspect.containers ?? [:]).isEmpty {
                inUse.append(inspect)
            }
        }
        if inUse.count == 1, let only = inUse.first {
            return only
        }
        let message =
            inUse.isEmpty
            ? "no github_network_* network of this runner has containers"
                + (candidates.isEmpty ? "" : " (found: \(candidates.map(\.name).joined(separator: ", ")))")
            : "several job networks match: \(inUse.map(\.name).joined(separator: ", "))"
        throw BerthError(
            message,
            hint: "Pass the job's network explicitly: berth attach --network ${{ job.container.network }}.")
    }

    /// The label GitHub's runner puts on its job networks, or nil when its `.runner` is not found.
    public func runnerLabel() -> String? {
        for path in runnerConfigCandidates() {
            if let data = FileManager.default.contents(atPath: path) {
                return String(SHA256.hex(data).prefix(6))
            }
        }
        return nil
    }

    private func runnerConfigCandidates() -> [String] {
        var paths: [String] = []
        if let root = environment["RUNNER_ROOT"], !root.isEmpty {
            paths.append(root + "/.runner")
        }
        if let worker = ProcessTable.ancestor(named: "Runner.Worker", from: getpid(), procRoot: procRoot),
            let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(procRoot)/\(worker)/exe")
        {
            let binDirectory = (executable as NSString).deletingLastPathComponent
            paths.append((binDirectory as NSString).deletingLastPathComponent + "/.runner")
        }
        return paths
    }
}
