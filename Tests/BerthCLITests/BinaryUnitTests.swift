import BerthTestSupport
import Foundation
import Testing

/// Runs the built `berth` executable the way a user does, with output captured in files.
///
/// The binary is `BERTH_BINARY`, else `.build/debug/berth` in this package. Tests that need it
/// are skipped when it is missing, since a build with another scratch path puts it elsewhere.
enum BerthBinary {
    /// The outcome of one run.
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let environment = ProcessInfo.processInfo.environment

    static var path: String {
        if let explicit = environment["BERTH_BINARY"], !explicit.isEmpty {
            return explicit
        }
        return packageRoot.appendingPathComponent(".build/debug/berth").path
    }

    static var available: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// The package root: three levels above this file, with symbolic links resolved.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The shared workflow cases next to the checkout.
    static var workflowCases: URL {
        packageRoot.deletingLastPathComponent().appendingPathComponent("shared/cases/workflows")
    }

    /// The names of the workflow files in `workflowCases`, empty when the folder is absent.
    static var workflowCaseFiles: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: workflowCases.path)) ?? []
        return names.filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted()
    }

    /// A daemon address nothing listens on, so any attempt to reach a daemon fails.
    static let deadHost = "unix:///nonexistent.sock"

    /// Runs `berth arguments…` to completion with `extraEnvironment` added, and without GitHub
    /// Actions variables unless `extraEnvironment` sets them.
    static func run(_ arguments: [String], environment extraEnvironment: [String: String] = [:]) async throws
        -> Result
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("berth-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let stdoutURL = directory.appendingPathComponent("stdout")
        let stderrURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)

        var childEnvironment = environment
        childEnvironment["BERTH_STATE_DIR"] = directory.path
        childEnvironment["DOCKER_HOST"] = deadHost
        for name in ["GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_ACTIONS"] {
            childEnvironment.removeValue(forKey: name)
        }
        childEnvironment.merge(extraEnvironment) { _, extra in extra }
        let process = try Subprocess.start(
            path, arguments, environment: childEnvironment, stdoutPath: stdoutURL.path, stderrPath: stderrURL.path)
        let status = try await process.wait()

        return Result(
            status: status,
            stdout: try String(contentsOf: stdoutURL, encoding: .utf8),
            stderr: try String(contentsOf: stderrURL, encoding: .utf8))
    }
}

@Suite("berth binary", .enabled(if: BerthBinary.available, "the berth binary is not built"))
struct BinaryUnitTests {
    static let commandNames = ["run", "up", "down", "attach", "detach", "gc", "version", "help"]

    @Test("--help and help print the command list", arguments: [["--help"], ["help"], ["-h"], []])
    func overview(_ arguments: [String]) async throws {
        let result = try await BerthBinary.run(arguments)

        #expect(result.status == 0)
        #expect(result.stdout.contains("Usage: berth COMMAND [options]"))
        for name in Self.commandNames {
            #expect(result.stdout.contains("\n  \(name) "), "missing \(name) in:\n\(result.stdout)")
        }
        #expect(result.stderr.isEmpty, "stderr: \(result.stderr)")
    }

    @Test("help up shows the options of up")
    func helpUp() async throws {
        let result = try await BerthBinary.run(["help", "up"])

        #expect(result.status == 0)
        #expect(result.stdout.contains("Usage: berth up"))
        for option in ["--workflow FILE", "--job ID", "--service KEY=IMAGE", "--dry-run", "--subnet-size BITS"] {
            #expect(result.stdout.contains(option), "missing \(option)")
        }
        #expect(result.stderr.isEmpty, "stderr: \(result.stderr)")
    }

    @Test("up --help matches help up")
    func commandHelpFlag() async throws {
        let flag = try await BerthBinary.run(["up", "--help"])
        let command = try await BerthBinary.run(["help", "up"])

        #expect(flag.status == 0)
        #expect(flag.stdout == command.stdout)
    }

    @Test("an unknown command exits 64 with an error on stderr only")
    func unknownCommand() async throws {
        let result = try await BerthBinary.run(["frobnicate"])

        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("Error: unknown command 'frobnicate'"), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty, "stdout: \(result.stdout)")
    }

    @Test("help for an unknown command exits 64")
    func helpUnknownCommand() async throws {
        let result = try await BerthBinary.run(["help", "frobnicate"])

        #expect(result.status == 64)
        #expect(result.stderr.contains("unknown command 'frobnicate'"), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty, "stdout: \(result.stdout)")
    }

    @Test("an unknown global option without a command exits 64")
    func unknownGlobalOption() async throws {
        let result = try await BerthBinary.run(["--no-such-option"])

        #expect(result.status == 64)
        #expect(result.stderr.contains("--no-such-option"), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty, "stdout: \(result.stdout)")
    }

    @Test("an unknown option exits 64 and names the option")
    func unknownOption() async throws {
        let result = try await BerthBinary.run(["up", "--no-such-option"])

        #expect(result.status == 64)
        #expect(result.stderr.contains("unknown option '--no-such-option'"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("Usage: berth up"), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test(
        "invalid option values exit 64",
        arguments: [
            (["--host", "foo", "version"], "invalid Docker host 'foo'"),
            (["up", "--dry-run", "--service", "db=postgres", "--session", "bad id!"], "invalid session id 'bad id!'"),
            (["down", "--session", "Bad"], "invalid session id 'Bad'"),
        ])
    func invalidOptionValue(arguments: [String], message: String) async throws {
        let result = try await BerthBinary.run(arguments)

        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty, "stdout: \(result.stdout)")
    }

    @Test("under GitHub Actions a workflow error is annotated at its line")
    func workflowErrorAnnotation() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("berth-\(UUID().uuidString).yml").path
        try "jobs:\n  test:\n    services:\n      db:\n        image: \"postgres\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }

        let result = try await BerthBinary.run(
            ["up", "--dry-run", "--host", BerthBinary.deadHost, "--workflow", path],
            environment: ["GITHUB_ACTIONS": "true"])

        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("::error file=\(path),line=5,col=16::"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("\nError: \(path):5:16: "), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty, "stdout: \(result.stdout)")
    }
}
