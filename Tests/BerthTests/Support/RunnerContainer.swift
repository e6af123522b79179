import EngineAPI
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A containerized self-hosted runner as the motivating setup starts it: the host's socket
/// mounted, the socket's group added, a non-root user, and a hostname that is not the id.
struct RunnerContainer {
    let id: String
    let name: String
    let engine: EngineClient

    /// Starts a runner that sleeps until removed; the shared workflow cases are at /workflows.
    static func start(name: String, hostname: String = "ci-runner-7") async throws -> RunnerContainer {
        let engine = TestEnvironment.engine()
        var request = ContainerCreateRequest(image: TestEnvironment.runnerImage)
        request.cmd = ["sleep", "infinity"]
        request.user = "runner"
        request.hostname = hostname
        request.labels = ["berth.test": "runner"]
        request.hostConfig.binds = [
            "/var/run/docker.sock:/var/run/docker.sock", "\(TestEnvironment.workflowCases):/workflows:ro",
        ]
        request.hostConfig.groupAdd = [String(socketGroup())]
        let id = try await engine.createContainer(name: name, request)
        try await engine.startContainer(id)
        return RunnerContainer(id: id, name: name, engine: engine)
    }

    /// Runs a command in the runner as its user, with `environment` added.
    func exec(_ command: [String], environment: [String] = [], timeout: Double = 240) async throws -> ExecResult {
        try await engine.exec(id, command: command, environment: environment, timeout: timeout)
    }

    /// Removes the runner.
    func remove() async {
        try? await engine.removeContainer(id, force: true)
    }

    static func socketGroup() -> UInt32 {
        var info = stat()
        return stat("/var/run/docker.sock", &info) == 0 ? info.st_gid : 0
    }
}

extension ExecResult {
    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}
