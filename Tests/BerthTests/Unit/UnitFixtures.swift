import Berth
import BerthTestSupport
import Foundation
import Synchronization

/// Helpers shared by the unit suites, which need no Docker engine.
enum UnitFixture {
    /// Creates an empty directory of its own under the system's temporary directory.
    static func makeDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("berth-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` to `relativePath` under `directory`, creating the folders on the way.
    static func write(_ text: String, to relativePath: String, in directory: URL) throws {
        let url = directory.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Decodes an Engine API reply the way the client does.
    static func decode<Value: Decodable>(_ type: Value.Type, from json: String) throws -> Value {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    /// Runs a program to completion and returns its exit status and standard output.
    static func run(_ program: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let directory = try makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputPath = directory.appendingPathComponent("stdout").path
        let process = try Subprocess.start(
            program, arguments, environment: ProcessInfo.processInfo.environment, stdoutPath: outputPath,
            stderrPath: "/dev/null")
        let status = try await process.wait()
        return (status, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }
}

/// A reporter that keeps every message, so tests can check the warnings code emits.
final class RecordingReporter: Sendable {
    private let messages = Mutex<[(Reporter.Level, String)]>([])

    /// A reporter at debug level that records into this object.
    var reporter: Reporter {
        Reporter(level: .debug) { level, text in
            self.messages.withLock { $0.append((level, text)) }
        }
    }

    /// The recorded warnings, in order.
    var warnings: [String] {
        messages.withLock { $0.filter { $0.0 == .warning }.map(\.1) }
    }
}
