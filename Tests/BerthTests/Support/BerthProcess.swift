import BerthTestSupport
import EngineAPI
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the real `berth` binary the way a user does, with its output captured in files (a pipe
/// could fill up and stall it).
struct BerthProcess {
    /// The outcome of a finished run.
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let process: Subprocess
    let stdoutPath: String
    let stderrPath: String

    /// Starts `berth arguments…` with `extraEnvironment` added to this process's environment.
    static func start(_ arguments: [String], environment extraEnvironment: [String: String] = [:]) throws
        -> BerthProcess
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("berth-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let stdoutPath = directory.appendingPathComponent("stdout").path
        let stderrPath = directory.appendingPathComponent("stderr").path
        var environment = ProcessInfo.processInfo.environment
        environment["BERTH_STATE_DIR"] = directory.path
        environment.removeValue(forKey: "GITHUB_ENV")
        environment.removeValue(forKey: "GITHUB_OUTPUT")
        environment.merge(extraEnvironment) { _, new in new }
        let process = try Subprocess.start(
            TestEnvironment.berthBinary, arguments, environment: environment, stdoutPath: stdoutPath,
            stderrPath: stderrPath)
        return BerthProcess(process: process, stdoutPath: stdoutPath, stderrPath: stderrPath)
    }

    /// Runs `berth arguments…` to completion.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        try await start(arguments, environment: environment).wait()
    }

    /// Waits for the process to end.
    func wait() async throws -> Result {
        let status = try await process.wait()
        return Result(status: status, stdout: read(stdoutPath), stderr: read(stderrPath))
    }

    /// Sends a signal to the running `berth`.
    func send(_ signal: Int32) {
        process.send(signal)
    }

    /// What it has written to stderr so far.
    var stderrSoFar: String { read(stderrPath) }

    private func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}
