import EngineAPI
import Foundation
import Testing

/// `berth run` on the motivating workflow, from the host and from a containerized runner.
@Suite("Run the 00 workflow end to end", .enabled(if: TestEnvironment.engineAvailable), .serialized)
struct RunWorkflowTests {
    @Test("from the host, the exported address answers select 1", .timeLimit(.minutes(3)))
    func fromHost() async throws {
        let session = TestEnvironment.uniqueName("host")
        defer { Task { await Leftovers.remove(session: session) } }

        let result = try await BerthProcess.run([
            "run", "--workflow", TestEnvironment.workflow00, "--job", "test", "--session", session,
            "--image-map", TestEnvironment.postgresImageMap, "--",
            "sh", "-c",
            "PGPASSWORD=password psql -h \"$POSTGRES_HOST\" -p \"$POSTGRES_PORT\" -U postgres -tAc 'select 1'",
        ])

        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        #expect(try await Leftovers.of(session: session).isEmpty)
    }

    @Test("from a runner container, the service answers by its alias", .timeLimit(.minutes(3)))
    func fromRunnerContainer() async throws {
        let session = TestEnvironment.uniqueName("dood")
        let runner = try await RunnerContainer.start(name: TestEnvironment.uniqueName("runner"))
        defer {
            Task {
                await runner.remove()
                await Leftovers.remove(session: session)
            }
        }

        let result = try await runner.exec(
            [
                "berth", "run", "--workflow", "/workflows/00-selfhosted-runner-postgres.yml", "--job", "test",
                "--session", session, "--image-map", TestEnvironment.postgresImageMap, "--",
                "psql", "-h", "postgres", "-U", "postgres", "-tAc", "select 1",
            ], environment: ["PGPASSWORD=password"])

        #expect(result.exitCode == 0, "stderr: \(result.stderrText)")
        #expect(result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        #expect(result.stderrText.contains("joining"))
        #expect(try await Leftovers.of(session: session).isEmpty)
    }

    @Test("a failing command's status comes back and nothing is left", .timeLimit(.minutes(3)))
    func failingCommand() async throws {
        let session = TestEnvironment.uniqueName("fail")
        defer { Task { await Leftovers.remove(session: session) } }

        let result = try await BerthProcess.run([
            "run", "--workflow", TestEnvironment.workflow00, "--session", session,
            "--image-map", TestEnvironment.postgresImageMap, "--", "sh", "-c", "exit 7",
        ])

        #expect(result.status == 7)
        #expect(try await Leftovers.of(session: session).isEmpty)
    }

    @Test("SIGTERM mid-session is forwarded and the session removed", .timeLimit(.minutes(3)))
    func terminatedMidSession() async throws {
        let session = TestEnvironment.uniqueName("term")
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("berth-\(session)").path
        defer {
            try? FileManager.default.removeItem(atPath: marker)
            Task { await Leftovers.remove(session: session) }
        }

        let berth = try BerthProcess.start([
            "run", "--workflow", TestEnvironment.workflow00, "--session", session,
            "--image-map", TestEnvironment.postgresImageMap, "--",
            "sh", "-c", "trap 'echo got-term; exit 143' TERM; touch \(marker); while :; do sleep 0.1; done",
        ])
        let started = try await poll(seconds: 120) { FileManager.default.fileExists(atPath: marker) }
        try #require(started, "the command never started: \(berth.stderrSoFar)")
        berth.send(SIGTERM)
        let result = try await berth.wait()

        #expect(result.status == 143)
        #expect(result.stdout.contains("got-term"))
        #expect(try await Leftovers.of(session: session).isEmpty)
    }

    @Test("SIGINT while services start removes what was created", .timeLimit(.minutes(3)))
    func interruptedWhileStarting() async throws {
        let session = TestEnvironment.uniqueName("int")
        defer { Task { await Leftovers.remove(session: session) } }

        let berth = try BerthProcess.start([
            "run", "--session", session, "--service", "db=\(TestEnvironment.postgresImage)",
            "--options", "--health-cmd false", "--", "true",
        ])
        let created = try await poll(seconds: 60) {
            try await TestEnvironment.engine().listContainers(filters: [
                "label": ["berth.session=\(session)", "berth.service=db"]
            ])
            .isEmpty == false
        }
        try #require(created, "the service never appeared: \(berth.stderrSoFar)")
        berth.send(SIGINT)
        let result = try await berth.wait()

        #expect(result.status == 130)
        #expect(try await Leftovers.of(session: session).isEmpty)
    }
}
