import Foundation
import Synchronization
import Testing

@testable import EngineAPI

/// Claims checked against the real Docker daemon at /var/run/docker.sock, skipped when it does not
/// respond to `/_ping`. Every resource carries a name and label unique to the run and is removed last
/// in, first out, even when a check fails.
@Suite(
    "Live daemon", .serialized, .timeLimit(.minutes(2)),
    .enabled("the Docker daemon at /var/run/docker.sock does not respond to GET /_ping") { await LiveDaemon.answers() })
struct LiveDaemonTests {
    private let client = EngineClient(host: LiveDaemon.host, requestTimeout: 60)
    private let runID = "berth-engineapi-test-\(UUID().uuidString.prefix(8).lowercased())"

    @Test("Ping and version")
    func pingAndVersion() async throws {
        try await client.ping()
        let negotiated = try await client.apiVersion()
        let version = try await client.version()

        #expect(negotiated >= EngineClient.minimumAPIVersion)
        #expect(negotiated <= EngineClient.maximumAPIVersion)
        #expect(APIVersion(parsing: version.apiVersion).map { $0 >= negotiated } == true)
        #expect(!version.version.isEmpty)
    }

    @Test("Network create, inspect, list and remove")
    func networkLifecycle() async throws {
        try await withCleanup { cleanup in
            let labels = ["berth.test.run": runID]
            let id = try await client.createNetwork(NetworkCreateRequest(name: runID, labels: labels))
            cleanup.push { try await client.removeNetwork(id) }

            let inspected = try await client.inspectNetwork(runID)
            let listed = try await client.listNetworks(filters: ["label": ["berth.test.run=\(runID)"]])
            try await client.removeNetwork(id)
            try await client.removeNetwork(id)
            let afterRemoval = try await client.listNetworks(filters: ["label": ["berth.test.run=\(runID)"]])

            #expect(inspected.id == id)
            #expect(inspected.name == runID)
            #expect(inspected.labels == labels)
            #expect(inspected.driver == "bridge")
            #expect(listed.map(\.id) == [id])
            #expect(afterRemoval.isEmpty)
        }
    }

    @Test(
        "Exec, logs and forced removal of a container",
        .enabled("image \(LiveDaemon.image) is not present locally, and tests never pull") {
            await LiveDaemon.hasImage()
        })
    func containerExecAndLogs() async throws {
        try await withCleanup { cleanup in
            var request = ContainerCreateRequest(image: LiveDaemon.image)
            request.cmd = ["sleep", "30"]
            request.labels = ["berth.test.run": runID]
            let id = try await client.createContainer(name: runID, request)
            cleanup.push { try await client.removeContainer(id, force: true) }
            try await client.startContainer(id)

            let result = try await client.exec(
                id, command: ["sh", "-c", "echo out; echo err >&2; exit 3"], timeout: 30)
            _ = try await client.exec(id, command: ["sh", "-c", "echo logged > /proc/1/fd/1"], timeout: 30)
            let logs = try await logs(of: id, containing: "logged\n")
            let inspected = try await client.inspectContainer(id)
            try await client.removeContainer(id, force: true)
            let remaining = try await client.listContainers(all: true, filters: ["label": ["berth.test.run=\(runID)"]])

            #expect(String(decoding: result.stdout, as: UTF8.self) == "out\n")
            #expect(String(decoding: result.stderr, as: UTF8.self) == "err\n")
            #expect(result.exitCode == 3)
            #expect(logs == "logged\n")
            #expect(inspected.state.running)
            #expect(inspected.config.labels?["berth.test.run"] == runID)
            #expect(remaining.isEmpty)
        }
    }

    /// Reads logs until `text` shows up, for at most ten seconds.
    ///
    /// The daemon copies a container's output into its log asynchronously and has no event for
    /// "copied", so polling with a deadline is the only wait available without `follow`.
    private func logs(of id: String, containing text: String) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(10)
        var logs = try await client.containerLogs(id, tail: 10)
        while !logs.contains(text) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            logs = try await client.containerLogs(id, tail: 10)
        }
        return logs
    }
}

/// The real daemon the live tests use.
enum LiveDaemon {
    static let host = DockerHost.unix(path: "/var/run/docker.sock")
    /// A fixture image built locally; never pulled.
    static let image = "localhost/berth-fixtures/runner-base:bookworm"

    static func answers() async -> Bool {
        (try? await EngineClient(host: host, requestTimeout: 5).ping()) != nil
    }

    static func hasImage() async -> Bool {
        (try? await EngineClient(host: host, requestTimeout: 10).inspectImage(image)) != nil
    }
}

/// Cleanup actions run last in, first out, whether the body returns or throws.
final class CleanupStack: Sendable {
    private let actions = Mutex<[@Sendable () async throws -> Void]>([])

    func push(_ action: @escaping @Sendable () async throws -> Void) {
        actions.withLock { $0.append(action) }
    }

    fileprivate func run() async {
        let pending = actions.withLock { list in
            defer { list.removeAll() }
            return list
        }
        for action in pending.reversed() {
            do {
                try await action()
            } catch {
                Issue.record(error, "cleanup failed")
            }
        }
    }
}

/// Runs `body`, then every cleanup action it pushed, even when `body` throws.
func withCleanup(_ body: (CleanupStack) async throws -> Void) async throws {
    let cleanup = CleanupStack()
    do {
        try await body(cleanup)
    } catch {
        await cleanup.run()
        throw error
    }
    await cleanup.run()
}
