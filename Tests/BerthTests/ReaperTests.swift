import BerthTestSupport
import EngineAPI
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A session is removed within 15 seconds however its owner dies, with no post step.
@Suite("Reaper", .enabled(if: TestEnvironment.engineAvailable), .serialized)
struct ReaperTests {
    static let allowance = 15.0

    /// Expects every resource of `session` to be gone within the allowance, naming what is left.
    private func expectGone(_ session: String) async throws {
        let removed = try await Leftovers.waitUntilGone(session: session, seconds: Self.allowance)
        let left = removed ? [] : try await Leftovers.of(session: session)
        #expect(removed, "left after \(Self.allowance) s: \(left)")
    }

    /// Waits until `session` has a ready service, i.e. `berth` has finished starting it.
    private func waitForService(_ session: String, key: String = "postgres") async throws -> Bool {
        try await poll(seconds: 120) {
            let running = try await TestEnvironment.engine().listContainers(
                all: false, filters: ["label": ["berth.session=\(session)", "berth.service=\(key)"]])
            let reaper = try await TestEnvironment.engine().listContainers(
                all: false, filters: ["label": ["berth.session=\(session)", "berth.role=reaper"]])
            return running.count == 1 && reaper.count == 1
        }
    }

    @Test("kill -9 of berth run on the host", .timeLimit(.minutes(3)))
    func killedBerth() async throws {
        let session = TestEnvironment.uniqueName("kill9")
        defer { Task { await Leftovers.remove(session: session) } }
        let berth = try BerthProcess.start([
            "run", "--workflow", TestEnvironment.workflow00, "--session", session,
            "--image-map", TestEnvironment.postgresImageMap, "--", "sleep", "600",
        ])
        try #require(try await waitForService(session), "the session never started: \(berth.stderrSoFar)")

        berth.send(SIGKILL)
        _ = try await berth.wait()

        try await expectGone(session)
    }

    /// The first resources of a session exist before its services run, so a kill then must leave
    /// nothing behind either.
    enum EarlyMoment: String, CaseIterable, Sendable {
        case reaperCreated = "the reaper container exists"
        case networkExists = "the session network exists"
        case serviceCreated = "a service container exists"
    }

    @Test("kill -9 of berth run during start", .timeLimit(.minutes(3)), arguments: EarlyMoment.allCases)
    func killedDuringStart(moment: EarlyMoment) async throws {
        let session = TestEnvironment.uniqueName("early")
        defer { Task { await Leftovers.remove(session: session) } }
        let filters = ["label": ["berth.session=\(session)"]]
        let berth = try BerthProcess.start([
            "run", "--workflow", TestEnvironment.workflow00, "--session", session,
            "--image-map", TestEnvironment.postgresImageMap, "--", "sleep", "600",
        ])

        let reached = try await poll(seconds: 60, every: .milliseconds(2)) {
            switch moment {
            case .reaperCreated:
                let containers = try await TestEnvironment.engine().listContainers(all: true, filters: filters)
                return containers.contains { $0.labels?["berth.role"] == "reaper" }
            case .networkExists:
                return try await !TestEnvironment.engine().listNetworks(filters: filters).isEmpty
            case .serviceCreated:
                let containers = try await TestEnvironment.engine().listContainers(all: true, filters: filters)
                return containers.contains { $0.labels?["berth.role"] == "service" }
            }
        }
        berth.send(SIGKILL)
        _ = try await berth.wait()

        #expect(reached, "berth never reached the moment: \(berth.stderrSoFar)")
        try await expectGone(session)
    }

    @Test("launch guard removes an unstarted reaper", .timeLimit(.minutes(3)))
    func launchGuardRemovesUnstartedReaper() async throws {
        let session = TestEnvironment.uniqueName("guard")
        let engine = TestEnvironment.engine()
        defer { Task { await Leftovers.remove(session: session) } }
        // What a Berth killed between creating its reaper and starting it leaves behind.
        var request = ContainerCreateRequest(image: TestEnvironment.postgresImage)
        request.labels = ["berth.session": session, "berth.role": "reaper", "berth.launch": "token-1"]
        _ = try await engine.createContainer(name: "berth-\(session)-reaper", request)
        let other = TestEnvironment.uniqueName("guard-other")
        request.labels = ["berth.session": other, "berth.role": "reaper", "berth.launch": "token-2"]
        _ = try await engine.createContainer(name: "berth-\(other)-reaper", request)
        defer { Task { await Leftovers.remove(session: other) } }

        // The guard's stdin is /dev/null: it ends at once without the byte of a live Berth.
        let ours = try await BerthProcess.run(["reap", "--session", session, "--launch-guard", "token-1"])
        let wrongToken = try await BerthProcess.run(["reap", "--session", other, "--launch-guard", "token-1"])

        #expect(ours.status == 0, "stderr: \(ours.stderr)")
        #expect(wrongToken.status == 0, "stderr: \(wrongToken.stderr)")
        #expect(try await Leftovers.of(session: session).isEmpty)
        #expect(try await Leftovers.of(session: other).count == 1)
        // Removed here as well, because a process that ends right after this test skips deferred tasks.
        await Leftovers.remove(session: other)
    }

    @Test("docker kill of a runner container running berth run", .timeLimit(.minutes(3)))
    func killedRunner() async throws {
        let session = TestEnvironment.uniqueName("rkill")
        let runner = try await RunnerContainer.start(name: TestEnvironment.uniqueName("runner"))
        defer {
            Task {
                await runner.remove()
                await Leftovers.remove(session: session)
            }
        }
        let job = Task {
            try await runner.exec([
                "berth", "run", "--workflow", "/workflows/00-selfhosted-runner-postgres.yml", "--session", session,
                "--image-map", TestEnvironment.postgresImageMap, "--", "sleep", "600",
            ])
        }
        try #require(try await waitForService(session), "the session never started")

        try await TestEnvironment.engine().killContainer(runner.id)
        _ = try? await job.value

        try await expectGone(session)
    }

    @Test("docker rm -f of a runner container after berth up", .timeLimit(.minutes(3)))
    func removedRunner() async throws {
        let session = TestEnvironment.uniqueName("rrm")
        let runner = try await RunnerContainer.start(name: TestEnvironment.uniqueName("runner"))
        defer {
            Task {
                await runner.remove()
                await Leftovers.remove(session: session)
            }
        }
        let up = try await runner.exec([
            "berth", "up", "--workflow", "/workflows/00-selfhosted-runner-postgres.yml", "--session", session,
            "--image-map", TestEnvironment.postgresImageMap,
        ])
        try #require(up.exitCode == 0, "up failed: \(up.stderrText)")

        try await TestEnvironment.engine().removeContainer(runner.id, force: true)

        try await expectGone(session)
    }

    @Test("a cancelled job: the shell that ran berth up is killed", .timeLimit(.minutes(3)))
    func killedStepShell() async throws {
        let session = TestEnvironment.uniqueName("shell")
        defer { Task { await Leftovers.remove(session: session) } }
        var environment = ProcessInfo.processInfo.environment
        environment["BERTH_STATE_DIR"] = FileManager.default.temporaryDirectory.appendingPathComponent(session).path
        let shell = try Subprocess.start(
            "/bin/sh",
            [
                "-c",
                "\"$0\" up --workflow \"$1\" --session \"$2\" --image-map \"$3\" >/dev/null 2>&1; exec sleep 600",
                TestEnvironment.berthBinary, TestEnvironment.workflow00, session, TestEnvironment.postgresImageMap,
            ], environment: environment)
        try #require(try await waitForService(session), "the session never started")

        shell.send(SIGKILL)
        _ = try await shell.wait()

        try await expectGone(session)
    }

    @Test("a clean down also removes the reaper", .timeLimit(.minutes(3)))
    func cleanDownStopsReaper() async throws {
        let session = TestEnvironment.uniqueName("clean")
        defer { Task { await Leftovers.remove(session: session) } }
        let up = try await BerthProcess.run([
            "up", "--workflow", TestEnvironment.workflow00, "--session", session,
            "--image-map", TestEnvironment.postgresImageMap,
        ])
        try #require(up.status == 0, "up failed: \(up.stderr)")
        let reapers = try await TestEnvironment.engine().listContainers(
            all: false, filters: ["label": ["berth.session=\(session)", "berth.role=reaper"]])
        #expect(reapers.count == 1)

        let down = try await BerthProcess.run(["down", "--session", session])

        #expect(down.status == 0)
        #expect(try await Leftovers.of(session: session).isEmpty)
    }
}
