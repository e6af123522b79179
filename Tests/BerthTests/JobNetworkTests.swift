import Berth
import BerthTestSupport
import EngineAPI
import Foundation
import Testing

/// `berth attach` on networks GitHub's runner made, and `berth gc` on leaked ones. One serialized
/// suite, because gc with no grace period would otherwise see another test's half-built network.
@Suite("GitHub job networks", .enabled(if: TestEnvironment.engineAvailable), .serialized)
struct JobNetworkTests {
    let engine = TestEnvironment.engine()

    /// Creates a job network and a PostgreSQL service on it as GitHub's runner does: a
    /// key-only runner label on both, the service key as alias.
    private func fakeJob(label: String) async throws -> (network: String, service: String) {
        let network = "github_network_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        _ = try await engine.createNetwork(NetworkCreateRequest(name: network, labels: [label: ""]))
        var request = ContainerCreateRequest(image: TestEnvironment.postgresImage)
        request.env = ["POSTGRES_PASSWORD=password"]
        request.labels = [label: "", "berth.test": "job"]
        request.hostConfig.networkMode = network
        request.networkingConfig = NetworkingConfig(endpointsConfig: [network: EndpointSettings(aliases: ["postgres"])])
        let service = try await engine.createContainer(name: nil, request)
        try await engine.startContainer(service)
        return (network, service)
    }

    private func removeFakeJob(_ job: (network: String, service: String)) async {
        try? await engine.removeContainer(job.service, force: true)
        if let inspect = try? await engine.inspectNetwork(job.network) {
            for id in (inspect.containers ?? [:]).keys {
                try? await engine.disconnectNetwork(job.network, container: id, force: true)
            }
        }
        try? await engine.removeNetwork(job.network)
    }

    @Test("attach finds this runner's network and the runner's teardown still removes it", .timeLimit(.minutes(3)))
    func attachWithoutDetach() async throws {
        let runner = try await RunnerContainer.start(name: TestEnvironment.uniqueName("runner"))
        let config = "{\"agentId\": \(Int.random(in: 1...99999)), \"agentName\": \"\(runner.name)\"}"
        let label = String(SHA256.hex(Array(config.utf8)).prefix(6))
        let ours = try await fakeJob(label: label)
        let other = try await fakeJob(label: "0ther1")
        defer {
            Task {
                await runner.remove()
                await removeFakeJob(ours)
                await removeFakeJob(other)
            }
        }
        let written = try await runner.exec([
            "sh", "-c",
            "mkdir -p /home/runner/actions-runner && printf '%s' \"$0\" > /home/runner/actions-runner/.runner", config,
        ])
        try #require(written.exitCode == 0)

        let attach = try await runner.exec(
            ["berth", "attach"], environment: ["RUNNER_ROOT=/home/runner/actions-runner"])
        try #require(attach.exitCode == 0, "attach failed: \(attach.stderrText)")
        #expect(attach.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == ours.network)
        let reachable = try await runner.exec(
            [
                "sh", "-c",
                "for i in $(seq 100); do psql -h postgres -U postgres -tAc 'select 1' 2>/dev/null && exit 0; sleep 0.2; done; exit 1",
            ],
            environment: ["PGPASSWORD=password"])
        #expect(reachable.exitCode == 0)

        // GitHub's runner: docker rm --force of each service, then docker network rm at once.
        try await engine.removeContainer(ours.service, force: true)
        try await engine.removeNetwork(ours.network)

        await #expect(throws: EngineError.self) { try await engine.inspectNetwork(ours.network) }
        let escorts = try await engine.listContainers(
            all: true, filters: ["label": ["berth.role=escort", "berth.escort.network=\(ours.network)"]])
        #expect(
            try await poll(seconds: 10) {
                try await engine.listContainers(
                    all: true, filters: ["label": ["berth.role=escort", "berth.escort.network=\(ours.network)"]]
                ).isEmpty
            }, "escort left: \(escorts.count)")
        #expect(try await engine.inspectNetwork(other.network).containers?.count == 1)
    }

    @Test("detach leaves the network and removes the escort", .timeLimit(.minutes(3)))
    func detachByHand() async throws {
        let runner = try await RunnerContainer.start(name: TestEnvironment.uniqueName("runner"))
        let job = try await fakeJob(label: "d3ta4c")
        defer {
            Task {
                await runner.remove()
                await removeFakeJob(job)
            }
        }
        let attach = try await runner.exec(["berth", "attach", "--network", job.network])
        try #require(attach.exitCode == 0, "attach failed: \(attach.stderrText)")

        let detach = try await runner.exec(["berth", "detach"])

        #expect(detach.exitCode == 0, "detach failed: \(detach.stderrText)")
        #expect(detach.stdoutText.contains(job.network))
        let attached = try await engine.inspectNetwork(job.network).containers ?? [:]
        #expect(attached.keys.contains(runner.id) == false)
        let escorts = try await engine.listContainers(
            all: true, filters: ["label": ["berth.role=escort", "berth.escort.network=\(job.network)"]])
        #expect(escorts.isEmpty)
    }

    @Test("attach on the host says there is nothing to attach")
    func attachOnHost() async throws {
        let result = try await BerthProcess.run(["attach", "--network", "bridge"])

        #expect(result.status == 1)
        #expect(result.stderr.contains("not running inside a container"), "stderr: \(result.stderr)")
    }

    @Test("gc removes leaked sessions and stale job networks, and keeps live ones", .timeLimit(.minutes(4)))
    func garbageCollection() async throws {
        let leaked = TestEnvironment.uniqueName("gc-dead")
        let live = TestEnvironment.uniqueName("gc-live")
        let liveJob = try await fakeJob(label: "11fe11")
        let staleNetwork = "github_network_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        _ = try await engine.createNetwork(NetworkCreateRequest(name: staleNetwork, labels: ["57a1e0": ""]))
        let runner = try await RunnerContainer.start(name: TestEnvironment.uniqueName("runner"))
        try await engine.connectNetwork(staleNetwork, container: runner.id)
        defer {
            Task {
                await runner.remove()
                await removeFakeJob(liveJob)
                try? await engine.removeNetwork(staleNetwork)
                await Leftovers.remove(session: leaked)
                await Leftovers.remove(session: live)
            }
        }
        let service = ["--service", "db=\(TestEnvironment.postgresImage)", "-e", "POSTGRES_PASSWORD=x"]
        let noReaper = ["BERTH_NO_REAPER": "1"]
        let dead = try Subprocess.start(
            "/bin/sh",
            [
                "-c", "\"$0\" up --session \"$1\" \"$2\" \"$3\" \"$4\" \"$5\" >/dev/null 2>&1",
                TestEnvironment.berthBinary, leaked,
            ] + service, environment: ProcessInfo.processInfo.environment.merging(noReaper) { _, new in new })
        try #require(try await dead.wait() == 0)
        let liveUp = try await BerthProcess.run(["up", "--session", live] + service, environment: noReaper)
        try #require(liveUp.status == 0, "live up failed: \(liveUp.stderr)")
        let grace = ["BERTH_GC_JOB_NETWORK_GRACE": "0s"]

        let dryRun = try await BerthProcess.run(["gc", "--dry-run", "--format", "json"], environment: grace)
        try #require(dryRun.status == 0, "dry run failed: \(dryRun.stderr)")
        #expect(dryRun.stdout.contains("berth-\(leaked)"))
        #expect(dryRun.stdout.contains(staleNetwork))
        #expect(!dryRun.stdout.contains(live))
        #expect(!dryRun.stdout.contains(liveJob.network))
        #expect(try await Leftovers.of(session: leaked).isEmpty == false)

        let collect = try await BerthProcess.run(["gc"], environment: grace)

        #expect(collect.status == 0, "gc failed: \(collect.stderr)")
        #expect(try await Leftovers.of(session: leaked).isEmpty)
        #expect(try await Leftovers.of(session: live).count == 2)
        await #expect(throws: EngineError.self) { try await engine.inspectNetwork(staleNetwork) }
        #expect(try await engine.inspectNetwork(liveJob.network).containers?.count == 1)
        #expect(try await engine.inspectContainer(runner.id).state.running)
    }
}
