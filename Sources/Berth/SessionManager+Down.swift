import EngineAPI
import Foundation

/// What `down` removed.
public struct DownReport: Codable, Sendable {
    public var session: String
    public var containers: [String] = []
    public var networks: [String] = []
    public var volumes: [String] = []
    /// Containers detached from the session network before it was removed.
    public var detached: [String] = []

    /// Adds what a later pass over the same session removed.
    public mutating func append(contentsOf later: DownReport) {
        containers += later.containers
        networks += later.networks
        volumes += later.volumes
        detached += later.detached
    }
}

extension SessionManager {
    /// Removes everything of a session: containers with their anonymous volumes, every endpoint on
    /// its network (Berth's own container included), the network, and labelled volumes.
    ///
    /// Idempotent: resources already gone are skipped, and a session that never existed yields an
    /// empty report. Containers go first because a network with endpoints cannot be removed.
    ///
    /// A reaper passes `keepingReapers` so that it does not remove itself halfway.
    public func down(session: String, keepingReapers: Bool = false) async throws -> DownReport {
        var report = DownReport(session: session)
        let labelFilter = ["label": ["\(BerthLabel.session)=\(session)"]]

        let containers = try await engine.listContainers(all: true, filters: labelFilter).filter {
            !keepingReapers || $0.labels?[BerthLabel.role] != "reaper"
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for container in containers {
                group.addTask { try await engine.removeContainer(container.id, force: true, removeVolumes: true) }
            }
            try await group.waitForAll()
        }
        report.containers = containers.map { ($0.names?.first ?? $0.id).trimmingCharacters(in: ["/"]) }

        for network in try await engine.listNetworks(filters: labelFilter) {
            report.detached += try await detachAll(from: network.id)
            try await removeNetwork(network)
            report.networks.append(network.name)
        }

        for volume in try await engine.listVolumes(filters: labelFilter) {
            try await engine.removeVolume(volume.name)
            report.volumes.append(volume.name)
        }
        return report
    }

    /// Detaches every container still on a network, returning their names.
    func detachAll(from network: String) async throws -> [String] {
        let inspect: NetworkInspect
        do {
            inspect = try await engine.inspectNetwork(network)
        } catch let error as EngineError where error.isNotFound {
            return []
        }
        var names: [String] = []
        for (id, endpoint) in inspect.containers ?? [:] {
            reporter.debug("detaching \(endpoint.name ?? id) from \(inspect.name)")
            try await engine.disconnectNetwork(inspect.id, container: id, force: true)
            names.append(endpoint.name ?? id)
        }
        return names
    }

    /// Removes a network, retrying while endpoints of just-removed containers linger.
    private func removeNetwork(_ network: NetworkInspect) async throws {
        var attempt = 0
        while true {
            do {
                try await engine.removeNetwork(network.id)
                return
            } catch let error as EngineError where error.status == 403 && attempt < 20 {
                attempt += 1
                reporter.debug("network \(network.name) still has endpoints; retrying")
                _ = try await detachAll(from: network.id)
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
