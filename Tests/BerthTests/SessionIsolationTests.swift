import EngineAPI
import Foundation
import Testing

/// Two sessions on one daemon do not touch each other.
@Suite("Concurrent sessions", .enabled(if: TestEnvironment.engineAvailable))
struct SessionIsolationTests {
    @Test("down of one session leaves the other running", .timeLimit(.minutes(3)))
    func twoSessions() async throws {
        let first = TestEnvironment.uniqueName("iso-a")
        let second = TestEnvironment.uniqueName("iso-b")
        defer {
            Task {
                await Leftovers.remove(session: first)
                await Leftovers.remove(session: second)
            }
        }
        func up(_ session: String) async throws -> BerthProcess.Result {
            try await BerthProcess.run([
                "up", "--workflow", TestEnvironment.workflow00, "--session", session, "--format", "json",
                "--image-map", TestEnvironment.postgresImageMap,
            ])
        }

        async let firstUp = up(first)
        async let secondUp = up(second)
        let (a, b) = try await (firstUp, secondUp)
        try #require(a.status == 0, "first up failed: \(a.stderr)")
        try #require(b.status == 0, "second up failed: \(b.stderr)")
        let secondBefore = try await Leftovers.of(session: second)

        let down = try await BerthProcess.run(["down", "--session", first])

        #expect(down.status == 0, "stderr: \(down.stderr)")
        #expect(try await Leftovers.of(session: first).isEmpty)
        #expect(try await Leftovers.of(session: second) == secondBefore)
        let running = try await TestEnvironment.engine().listContainers(
            all: false, filters: ["label": ["berth.session=\(second)", "berth.service=postgres"]])
        #expect(running.count == 1)
        #expect(try await BerthProcess.run(["down", "--session", second]).status == 0)
        #expect(try await Leftovers.of(session: second).isEmpty)
    }

    @Test("concurrent ups with one session id", .timeLimit(.minutes(3)))
    func sameSessionID() async throws {
        let session = TestEnvironment.uniqueName("same")
        defer { Task { await Leftovers.remove(session: session) } }
        func up() async throws -> BerthProcess.Result {
            try await BerthProcess.run([
                "up", "--workflow", TestEnvironment.workflow00, "--session", session,
                "--image-map", TestEnvironment.postgresImageMap,
            ])
        }

        async let firstUp = up()
        async let secondUp = up()
        let results = try await [firstUp, secondUp]

        let winners = results.filter { $0.status == 0 }
        let losers = results.filter { $0.status != 0 }
        #expect(winners.count == 1, "statuses: \(results.map(\.status))")
        #expect(losers.count == 1)
        for loser in losers {
            #expect(loser.status == 1)
            #expect(loser.stderr.contains("session '\(session)' already exists"), "stderr: \(loser.stderr)")
        }
        let engine = try TestEnvironment.engine()
        for role in ["service", "reaper"] {
            let running = try await engine.listContainers(
                all: false, filters: ["label": ["berth.session=\(session)", "berth.role=\(role)"]])
            #expect(running.count == 1, "running \(role) containers: \(running.count)")
        }
        let networks = try await engine.listNetworks(filters: ["label": ["berth.session=\(session)"]])
        #expect(networks.count == 1)
        #expect(try await BerthProcess.run(["down", "--session", session]).status == 0)
        #expect(try await Leftovers.of(session: session).isEmpty)
    }

    @Test("taken network name keeps other resources", .timeLimit(.minutes(3)))
    func networkNameTaken() async throws {
        let session = TestEnvironment.uniqueName("taken")
        let engine = try TestEnvironment.engine()
        // Unlabelled, so the up passes its label check and meets the conflict at the network.
        let network = try await engine.createNetwork(NetworkCreateRequest(name: "berth-\(session)", labels: [:]))
        defer {
            Task {
                try? await engine.removeNetwork(network)
                await Leftovers.remove(session: session)
            }
        }

        let up = try await BerthProcess.run([
            "up", "--workflow", TestEnvironment.workflow00, "--session", session,
            "--image-map", TestEnvironment.postgresImageMap,
        ])

        #expect(up.status == 1)
        #expect(up.stderr.contains("session '\(session)' already exists"), "stderr: \(up.stderr)")
        #expect(try await Leftovers.of(session: session).isEmpty)
        #expect(try await engine.inspectNetwork(network).name == "berth-\(session)")
    }

    @Test("down twice succeeds and up's export lines name the session", .timeLimit(.minutes(3)))
    func downIsIdempotent() async throws {
        let session = TestEnvironment.uniqueName("idem")
        defer { Task { await Leftovers.remove(session: session) } }

        let up = try await BerthProcess.run([
            "up", "--workflow", TestEnvironment.workflow00, "--session", session,
            "--image-map", TestEnvironment.postgresImageMap,
        ])
        try #require(up.status == 0, "up failed: \(up.stderr)")

        #expect(up.stdout.contains("export BERTH_SESSION='\(session)'"))
        #expect(up.stdout.contains("export POSTGRES_HOST="))
        #expect(up.stdout.contains("export POSTGRES_PORT="))
        #expect(try await BerthProcess.run(["down", "--session", session]).status == 0)
        #expect(try await BerthProcess.run(["down", "--session", session]).status == 0)
        #expect(try await Leftovers.of(session: session).isEmpty)
    }
}
