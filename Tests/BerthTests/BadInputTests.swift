import Foundation
import Testing

/// Bad input gets one clear error naming the value, a non-zero exit, and leaves nothing behind.
@Suite("Bad input", .enabled(if: TestEnvironment.engineAvailable))
struct BadInputTests {
    /// Writes a workflow file for one test and returns its path.
    private func workflow(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("berth-\(UUID().uuidString).yml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("malformed YAML names file, line and column")
    func malformedYAML() async throws {
        let session = TestEnvironment.uniqueName("yaml")
        let path = try workflow("jobs:\n  test:\n    services:\n      db:\n        image: \"postgres\n")
        defer { try? FileManager.default.removeItem(atPath: path) }

        let result = try await BerthProcess.run(["up", "--workflow", path, "--session", session])

        #expect(result.status == 1)
        #expect(result.stderr.contains("Error: \(path):5:"), "stderr: \(result.stderr)")
        #expect(try await Leftovers.of(session: session).isEmpty)
    }

    @Test("an unknown options flag is named")
    func unknownOptionFlag() async throws {
        let session = TestEnvironment.uniqueName("flag")
        let path = try workflow(
            "jobs:\n  test:\n    services:\n      db:\n        image: postgres\n        options: --health-cmd pg_isready --helth-retries 3\n"
        )
        defer { try? FileManager.default.removeItem(atPath: path) }

        let result = try await BerthProcess.run(["up", "--workflow", path, "--session", session])

        #expect(result.status == 1)
        #expect(result.stderr.contains("--helth-retries"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains(":6:"), "stderr: \(result.stderr)")
        #expect(try await Leftovers.of(session: session).isEmpty)
    }

    @Test("an unknown job lists the jobs that exist")
    func unknownJob() async throws {
        let session = TestEnvironment.uniqueName("job")

        let result = try await BerthProcess.run([
            "up", "--workflow", TestEnvironment.workflow00, "--job", "tests", "--session", session,
        ])

        #expect(result.status == 1)
        #expect(result.stderr.contains("'tests'"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("test"), "stderr: \(result.stderr)")
        #expect(try await Leftovers.of(session: session).isEmpty)
    }

    @Test("an unreachable daemon is named with the fix")
    func unreachableDaemon() async throws {
        let socket = "/tmp/berth-missing-\(UUID().uuidString.prefix(8)).sock"

        let result = try await BerthProcess.run([
            "up", "--host", "unix://\(socket)", "--workflow", TestEnvironment.workflow00,
            "--image-map", TestEnvironment.postgresImageMap,
        ])

        #expect(result.status == 1)
        #expect(
            result.stderr.contains("cannot connect to the Docker daemon at unix://\(socket)"),
            "stderr: \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count <= 2)
    }

    @Test("a missing image with --pull never is named and nothing is left")
    func missingImageWithoutPull() async throws {
        let session = TestEnvironment.uniqueName("img")
        let image = "localhost/berth-test/missing-\(UUID().uuidString.prefix(8).lowercased()):1"

        let result = try await BerthProcess.run([
            "up", "--session", session, "--service", "db=\(image)", "--pull", "never",
        ])

        #expect(result.status == 1)
        #expect(result.stderr.contains(image), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("--pull never"), "stderr: \(result.stderr)")
        #expect(try await Leftovers.of(session: session).isEmpty)
    }

    @Test("an unknown command-line option exits with 64")
    func unknownCommandLineOption() async throws {
        let result = try await BerthProcess.run(["up", "--workflow", TestEnvironment.workflow00, "--bogus"])

        #expect(result.status == 64)
        #expect(result.stderr.contains("unknown option '--bogus'"), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("a service that exits fails at once with its last log lines", .timeLimit(.minutes(2)))
    func exitingService() async throws {
        let session = TestEnvironment.uniqueName("exit")

        let result = try await BerthProcess.run([
            "up", "--session", session, "--service", "db=\(TestEnvironment.postgresImage)", "--wait-timeout", "100",
        ])

        #expect(result.status == 1)
        #expect(result.stderr.contains("service db is not ready: container exited"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("POSTGRES_PASSWORD"), "the log lines are missing: \(result.stderr)")
        #expect(try await Leftovers.of(session: session).isEmpty)
    }
}
