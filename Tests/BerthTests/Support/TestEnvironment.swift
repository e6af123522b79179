import EngineAPI
import Foundation

/// Where the end-to-end tests find the engine, the fixture images and the `berth` binary.
///
/// `scripts/test` starts the engine, builds the fixtures and exports `BERTH_TEST_ENGINE=1`,
/// `BERTH_BINARY`, `BERTH_POSTGRES_IMAGE` and `BERTH_RUNNER_IMAGE`. Without them, tests that need
/// the engine are skipped rather than failing on a machine that has none.
enum TestEnvironment {
    static let environment = ProcessInfo.processInfo.environment

    /// True when a Docker engine with the fixture images is there to test against.
    static let engineAvailable: Bool = {
        guard environment["BERTH_TEST_ENGINE"] == "1" else { return false }
        return FileManager.default.isExecutableFile(atPath: berthBinary)
    }()

    static var berthBinary: String {
        if let explicit = environment["BERTH_BINARY"], !explicit.isEmpty {
            return explicit
        }
        return packageRoot + "/.build/debug/berth"
    }

    static var postgresImage: String { environment["BERTH_POSTGRES_IMAGE"] ?? "localhost/berth-fixtures/postgres:15" }
    static var runnerImage: String { environment["BERTH_RUNNER_IMAGE"] ?? "localhost/berth-fixtures/runner:test" }

    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// The shared workflow cases beside the checkout.
    static var workflowCases: String {
        URL(fileURLWithPath: packageRoot).deletingLastPathComponent().appendingPathComponent("shared/cases/workflows")
            .path
    }

    static var workflow00: String { workflowCases + "/00-selfhosted-runner-postgres.yml" }

    /// The image map that lets the 00 workflow run on the local PostgreSQL fixture.
    static var postgresImageMap: String { "postgres:16-bookworm=\(postgresImage)" }

    static func engine() -> EngineClient {
        EngineClient(host: .unix(path: "/var/run/docker.sock"))
    }

    /// A name unique to this run, usable as a session id.
    static func uniqueName(_ prefix: String) -> String {
        "t\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}

/// Lists what is left of a session, by Berth's labels.
enum Leftovers {
    static func of(session: String) async throws -> [String] {
        let engine = TestEnvironment.engine()
        let filter = ["label": ["berth.session=\(session)"]]
        let containers = try await engine.listContainers(all: true, filters: filter).map {
            "container \($0.names?.first ?? $0.id)"
        }
        let networks = try await engine.listNetworks(filters: filter).map { "network \($0.name)" }
        let volumes = try await engine.listVolumes(filters: filter).map { "volume \($0.name)" }
        return containers + networks + volumes
    }

    /// Waits until nothing of `session` is left, checking every 100 ms; true when it got there.
    static func waitUntilGone(session: String, seconds: Double) async throws -> Bool {
        try await poll(seconds: seconds) { try await of(session: session).isEmpty }
    }

    /// Removes whatever a failed test left of `session`.
    static func remove(session: String) async {
        let engine = TestEnvironment.engine()
        let filter = ["label": ["berth.session=\(session)"]]
        for container in (try? await engine.listContainers(all: true, filters: filter)) ?? [] {
            try? await engine.removeContainer(container.id, force: true)
        }
        for network in (try? await engine.listNetworks(filters: filter)) ?? [] {
            if let inspect = try? await engine.inspectNetwork(network.id) {
                for id in (inspect.containers ?? [:]).keys {
                    try? await engine.disconnectNetwork(network.id, container: id, force: true)
                }
            }
            try? await engine.removeNetwork(network.id)
        }
        for volume in (try? await engine.listVolumes(filters: filter)) ?? [] {
            try? await engine.removeVolume(volume.name)
        }
    }
}

/// Checks `condition` every `interval` (100 ms by default) until it is true or `seconds` pass; returns the last result.
func poll(
    seconds: Double, every interval: Duration = .milliseconds(100), _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if try await condition() {
            return true
        }
        try await Task.sleep(for: interval)
    }
    return try await condition()
}
