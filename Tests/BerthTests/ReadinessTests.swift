import Foundation
import Testing

/// Readiness edge cases on the real engine.
@Suite("Readiness", .enabled(if: TestEnvironment.engineAvailable))
struct ReadinessTests {
    @Test("a port nothing listens on does not block forever", .timeLimit(.minutes(2)))
    func unusedPort() async throws {
        let session = TestEnvironment.uniqueName("port")
        defer { Task { await Leftovers.remove(session: session) } }

        let result = try await BerthProcess.run([
            "run", "--session", session, "--service", "db=\(TestEnvironment.postgresImage)",
            "-e", "POSTGRES_PASSWORD=x", "-p", "5432", "-p", "9999",
            "--options", "--health-cmd pg_isready", "--", "true",
        ])

        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("port 9999 does not accept connections; continuing"), "stderr: \(result.stderr)")
        #expect(try await Leftovers.of(session: session).isEmpty)
    }
}
