import EngineAPI
import Foundation

/// Removes what crashed or cancelled jobs leaked: Berth sessions whose owner is gone, and
/// `github_network_*` networks whose job has ended.
///
/// A session is only touched when its owner is known to be dead: an owner container that no
/// longer exists or has stopped, or an owner process on this machine that no longer runs. A
/// process owner on another machine counts as alive. A GitHub job network is stale when none of
/// the containers still attached carries the network's runner label (GitHub's service and job
/// containers do), and it is older than the grace period, so a job that has just created its
/// network is not mistaken for a finished one.
public struct GarbageCollector: Sendable {
    /// One removed (or, in a dry run, removable) resource.
    public struct Removal: Codable, Sendable {
        public var kind: String
        public var name: String
        public var reason: String
    }

    let engine: EngineClient
    let reporter: Reporter
    let procRoot: String
    /// Resources younger than this many seconds are left alone.
    public var olderThan: Double = 0
    /// Job networks younger than this are never stale, whatever `olderThan` is.
    public var jobNetworkGrace: Double = 60
    /// Reaper images younger than this are kept, so that a Berth that has just checked for its
    /// image does not find it removed before it creates its reaper.
    public var reaperImageGrace: Double = 3600

    /// Creates a collector.
    public init(engine: EngineClient, reporter: Reporter, procRoot: String = "/proc") {
        self.engine = engine
        self.reporter = reporter
        self.procRoot = procRoot
    }

    /// Finds garbage and removes it unless `dryRun`; returns what was (or would be) removed.
    public func collect(dryRun: Bool) async throws -> [Removal] {
        var removals = try await collectSessions(dryRun: dryRun)
        removals += try await collectJobNetworks(dryRun: dryRun)
        removals += try await collectReaperImages(dryRun: dryRun)
        return removals
    }

    // MARK: - Reaper images

    /// Removes reaper images of other Berth builds that no container uses; every build of Berth
    /// makes its own, so they pile up on a long-lived host.
    ///
    /// Routes: `GET /images/json`, `GET /containers/json`, `DELETE /images/{name}`.
    private func collectReaperImages(dryRun: Bool) async throws -> [Removal] {
        let current = try? ReaperImage.currentTag()
        let inUse = Set(try await engine.listContainers(all: true).compactMap(\.image))
        var removals: [Removal] = []
        // The daemon lists images in no fixed order; sorting keeps the report the same from run to run.
        let images = try await engine.listImages(filters: ["reference": [ReaperImage.repository]])
            .sorted { ($0.created ?? 0, $0.id) < ($1.created ?? 0, $1.id) }
        for image in images {
            let created = image.created.map { Date(timeIntervalSince1970: Double($0)) } ?? .distantPast
            guard Date().timeIntervalSince(created) >= max(olderThan, reaperImageGrace) else { continue }
            for tag in (image.repoTags ?? []).sorted()
            where tag != current && !inUse.contains(tag) && !inUse.contains(image.id) {
                removals.append(Removal(kind: "image", name: tag, reason: "reaper image of another Berth build"))
                if !dryRun {
                    do {
                        try await engine.removeImage(tag)
                    } catch let error as EngineError where error.isConflict {
                        reporter.debug("image \(tag) is in use; keeping it")
                    }
                }
            }
        }
        return removals
    }

    // MARK: - Berth sessions

    private struct SessionResources {
        var owner: String?
        var newest: Date = .distantPast
        var containers: [String] = []
        var networks: [String] = []
        var volumes: [String] = []
    }

    private func collectSessions(dryRun: Bool) async throws -> [Removal] {
        let sessions = try await listSessions()
        var removals: [Removal] = []
        for (session, resources) in sessions.sorted(by: { $0.key < $1.key }) {
            guard Date().timeIntervalSince(resources.newest) >= olderThan else { continue }
            guard let reason = await ownerGoneReason(resources.owner) else {
                reporter.debug(
                    "session \(session): owner \(resources.owner ?? "unknown") is alive or unknown; keeping it")
                continue
            }

            removals += resources.containers.map { Removal(kind: "container", name: $0, reason: reason) }
            removals += resources.networks.map { Removal(kind: "network", name: $0, reason: reason) }
            removals += resources.volumes.map { Removal(kind: "volume", name: $0, reason: reason) }
            if !dryRun {
                _ = try await SessionManager(engine: engine, reporter: reporter, environment: [:]).down(
                    session: session)
            }
        }
        return removals
    }

    private func listSessions() async throws -> [String: SessionResources] {
        let filter = ["label": [BerthLabel.session]]
        var sessions: [String: SessionResources] = [:]
        func note(_ labels: [String: String]?, created: Date?, add: (inout SessionResources) -> Void) {
            guard let session = labels?[BerthLabel.session] else { return }
            var entry = sessions[session] ?? SessionResources()
            entry.owner = entry.owner ?? labels?[BerthLabel.owner]
            entry.newest = max(entry.newest, created ?? .distantPast)
            add(&entry)
            sessions[session] = entry
        }

        for container in try await engine.listContainers(all: true, filters: filter) {
            let name = container.names?.first.map { String($0.drop { $0 == "/" }) } ?? container.id
            note(container.labels, created: container.created.map { Date(timeIntervalSince1970: Double($0)) }) {
                $0.containers.append(name)
            }
        }
        for network in try await engine.listNetworks(filters: filter) {
            note(network.labels, created: network.created.flatMap(Self.parseDate)) { $0.networks.append(network.name) }
        }
        for volume in try await engine.listVolumes(filters: filter) {
            note(volume.labels, created: volume.createdAt.flatMap(Self.parseDate)) { $0.volumes.append(volume.name) }
        }
        return sessions
    }

    /// Returns why the owner counts as gone, or nil when it is alive or cannot be checked from here.
    func ownerGoneReason(_ label: String?) async -> String? {
        guard let label, let owner = SessionOwner(label: label) else {
            return nil
        }
        switch owner {
        case .container(let id):
            do {
                let state = try await engine.inspectContainer(id).state
                return state.running ? nil : "owner container \(id.prefix(12)) has stopped"
            } catch let error as EngineError where error.isNotFound {
                return "owner container \(id.prefix(12)) no longer exists"
            } catch {
                return nil
            }
        case .process(let host, let pid, let ticks):
            guard host == ProcessTable.hostIdentity(procRoot: procRoot) else { return nil }
            guard ProcessTable.startTicks(of: pid, procRoot: procRoot) != ticks else { return nil }
            return "owner process \(pid) has ended"
        }
    }

    // MARK: - GitHub job networks

    private func collectJobNetworks(dryRun: Bool) async throws -> [Removal] {
        var removals: [Removal] = []
        let networks = try await engine.listNetworks(filters: ["name": ["github_network_"]])
        for listed in networks where listed.name.hasPrefix("github_network_") {
            let created = listed.created.flatMap(Self.parseDate) ?? .distantPast
            guard Date().timeIntervalSince(created) >= max(olderThan, jobNetworkGrace) else { continue }
            guard let network = try? await engine.inspectNetwork(listed.id), try await !holdsJobContainer(network)
            else {
                continue
            }

            let attached = (network.containers ?? [:]).count
            let reason = attached == 0 ? "job network without containers" : "job ended; \(attached) stale endpoint(s)"
            removals.append(Removal(kind: "network", name: network.name, reason: reason))
            if !dryRun {
                for id in (network.containers ?? [:]).keys {
                    try await engine.disconnectNetwork(network.id, container: id, force: true)
                }
                try await engine.removeNetwork(network.id)
            }
        }
        return removals
    }

    /// True when a container carrying the network's runner label is still attached.
    private func holdsJobContainer(_ network: NetworkInspect) async throws -> Bool {
        let runnerLabels = Set((network.labels ?? [:]).keys)
        for id in (network.containers ?? [:]).keys {
            guard let inspect = try? await engine.inspectContainer(id) else { continue }
            let labels = Set((inspect.config.labels ?? [:]).keys)
            if !runnerLabels.isDisjoint(with: labels) {
                return true
            }
        }
        return false
    }

    static func parseDate(_ text: String) -> Date? {
        // The daemon writes RFC 3339 with nanoseconds, which ISO8601DateFormatter does not take.
        var trimmed = text
        if let dot = text.firstIndex(of: "."),
            let zone = text[dot...].firstIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" })
        {
            trimmed = String(text[..<dot]) + String(text[zone...])
        }
        return ISO8601DateFormatter().date(from: trimmed)
    }
}
