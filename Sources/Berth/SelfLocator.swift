import EngineAPI
import Foundation

/// Finds the container Berth itself runs in, if any, so it can join session networks.
///
/// The hostname is not trusted to be the container id: runners are often started with
/// `--hostname`. The sources, in order: `BERTH_CONTAINER_ID`; `/proc/self/mountinfo`, where Docker
/// bind-mounts `/etc/hostname`, `/etc/hosts` and `/etc/resolv.conf` from
/// `…/containers/<id>/`; cgroup v1 paths in `/proc/self/cgroup`; the hostname looked up as a
/// container name or id; and last the container whose addresses match this machine's. Every
/// candidate is confirmed with `GET /containers/{id}/json`.
public struct SelfLocator: Sendable {
    /// How the container was found, for `doctor`-style output.
    public enum Method: String, Sendable, Codable {
        case environment, mountinfo, cgroup, hostname, addresses
    }

    /// The container Berth runs in.
    public struct Found: Sendable {
        public var id: String
        public var name: String
        public var method: Method
        /// Networks the container is on, by name.
        public var networks: [String]
    }

    let engine: EngineClient
    let procRoot: String
    let environment: [String: String]

    /// Creates a locator; `procRoot` lets tests point at a fake `/proc`.
    public init(engine: EngineClient, procRoot: String = "/proc", environment: [String: String]) {
        self.engine = engine
        self.procRoot = procRoot
        self.environment = environment
    }

    /// Returns Berth's own container, or nil when it runs on the host.
    public func locate() async throws -> Found? {
        if let explicit = environment["BERTH_CONTAINER_ID"], !explicit.isEmpty {
            guard let found = try await confirm(explicit, method: .environment) else {
                throw BerthError(
                    "BERTH_CONTAINER_ID is '\(explicit)' but no such container exists",
                    hint: "Unset it, or set it to this container's id or name.")
            }
            return found
        }

        for id in Self.containerIDs(inMountinfo: read("self/mountinfo")) {
            if let found = try await confirm(id, method: .mountinfo) { return found }
        }
        for id in Self.containerIDs(inCgroup: read("self/cgroup")) {
            if let found = try await confirm(id, method: .cgroup) { return found }
        }
        guard looksContainerized() else {
            return nil
        }
        if let hostname = currentHostname(), let found = try await confirm(hostname, method: .hostname) {
            return found
        }
        return try await locateByAddress()
    }

    /// Container ids found in mount sources such as `/var/lib/docker/containers/<id>/hostname`.
    public static func containerIDs(inMountinfo text: String?) -> [String] {
        guard let text else { return [] }
        var ids: [String] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 4 else { continue }
            let root = String(fields[3])
            let mountPoint = String(fields[4])
            guard ["/etc/hostname", "/etc/hosts", "/etc/resolv.conf"].contains(mountPoint) else { continue }
            if let id = hexID(after: "/containers/", in: root), !ids.contains(id) {
                ids.append(id)
            }
        }
        return ids
    }

    /// Container ids in cgroup v1 paths: `/docker/<id>`, `docker-<id>.scope`, `/kubepods/…/<id>`.
    public static func containerIDs(inCgroup text: String?) -> [String] {
        guard let text else { return [] }
        var ids: [String] = []
        for line in text.split(separator: "\n") {
            guard let path = line.split(separator: ":", maxSplits: 2).last else { continue }
            for component in path.split(separator: "/").reversed() {
                var candidate = String(component)
                if candidate.hasPrefix("docker-") && candidate.hasSuffix(".scope") {
                    candidate = String(candidate.dropFirst(7).dropLast(6))
                }
                if isHexID(candidate) && !ids.contains(candidate) {
                    ids.append(candidate)
                    break
                }
            }
        }
        return ids
    }

    static func hexID(after marker: String, in path: String) -> String? {
        guard let range = path.range(of: marker) else { return nil }
        let rest = path[range.upperBound...]
        let candidate = String(rest.prefix { $0 != "/" })
        return isHexID(candidate) ? candidate : nil
    }

    static func isHexID(_ text: String) -> Bool {
        text.count == 64 && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    private func confirm(_ reference: String, method: Method) async throws -> Found? {
        do {
            let inspect = try await engine.inspectContainer(reference)
            guard inspect.state.running else { return nil }
            let name = inspect.name.hasPrefix("/") ? String(inspect.name.dropFirst()) : inspect.name
            let networks = inspect.networkSettings.networks.map { Array($0.keys).sorted() } ?? []
            return Found(id: inspect.id, name: name, method: method, networks: networks)
        } catch let error as EngineError where error.isNotFound {
            return nil
        }
    }

    private func locateByAddress() async throws -> Found? {
        let addresses = Set(LocalAddresses.ipv4().filter { !$0.hasPrefix("127.") })
        guard !addresses.isEmpty else { return nil }
        for summary in try await engine.listContainers(all: false) {
            let inspect = try? await engine.inspectContainer(summary.id)
            let containerAddresses = inspect?.networkSettings.networks?.values.compactMap(\.ipAddress) ?? []
            if containerAddresses.contains(where: addresses.contains),
                let found = try await confirm(summary.id, method: .addresses)
            {
                return found
            }
        }
        return nil
    }

    private func looksContainerized() -> Bool {
        FileManager.default.fileExists(atPath: "/.dockerenv")
            || FileManager.default.fileExists(atPath: "/run/.containerenv")
            || environment["container"] != nil
    }

    private func currentHostname() -> String? {
        read("sys/kernel/hostname")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ProcessInfo.processInfo.hostName
    }

    private func read(_ relative: String) -> String? {
        ProcFile.read("\(procRoot)/\(relative)")
    }
}
