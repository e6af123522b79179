import Berth
import BerthTestSupport
import Foundation
import Testing
import WorkflowSpec

@testable import BerthCLI

@Suite("Command word")
struct CommandWordUnitTests {
    /// Arguments, the command word found, and the arguments left for the command.
    static let splits: [([String], String?, [String])] = [
        ([], nil, []),
        (["up"], "up", []),
        (["up", "--dry-run"], "up", ["--dry-run"]),
        (["--host", "unix:///x.sock", "up", "--dry-run"], "up", ["--host", "unix:///x.sock", "--dry-run"]),
        (["-H", "tcp://127.0.0.1:2375", "down"], "down", ["-H", "tcp://127.0.0.1:2375"]),
        (["--log-level", "debug", "--format", "json", "gc"], "gc", ["--log-level", "debug", "--format", "json"]),
        (["--format=json", "version"], "version", ["--format=json"]),
        (["--help"], "help", []),
        (["-h", "up"], "help", ["up"]),
        (["--log-level", "debug", "--help", "run"], "help", ["run"]),
        (["--format", "json"], nil, ["--format", "json"]),
        (["up", "--", "help"], "up", ["--", "help"]),
        (["run", "--session", "s1", "--", "psql", "-h", "db"], "run", ["--session", "s1", "--", "psql", "-h", "db"]),
    ]

    @Test("splitCommand skips global options and their values", arguments: splits)
    func split(_ arguments: [String], _ command: String?, _ rest: [String]) {
        let (found, remaining) = BerthMain.splitCommand(arguments)

        #expect(found == command)
        #expect(remaining == rest)
    }
}

@Suite("Durations")
struct DurationUnitTests {
    static let valid: [(String, Double)] = [
        ("0", 0), ("90", 90), ("30s", 30), ("10m", 600), ("2h", 7200), ("1d", 86400), ("1.5h", 5400), ("0.5s", 0.5),
        ("0m", 0),
    ]

    @Test("parseDuration converts to seconds", arguments: valid)
    func parse(_ text: String, _ seconds: Double) {
        #expect(GCCommand.parseDuration(text) == seconds)
    }

    static let invalid: [String] = ["", "-5", "-5m", "5x", "m", "h", "10 m", "10M", "1h30m", "nan", "s"]

    @Test("parseDuration rejects malformed text", arguments: invalid)
    func reject(_ text: String) {
        #expect(GCCommand.parseDuration(text) == nil)
    }

    @Test("parseDuration rejects infinite durations", arguments: ["inf", "infinity", "1e400s", "infh"])
    func rejectInfinite(_ text: String) {
        #expect(GCCommand.parseDuration(text) == nil)
    }
}

@Suite("Shell quoting")
struct ShellQuotingUnitTests {
    static let values: [(String, String)] = [
        ("abc", "'abc'"),
        ("", "''"),
        ("it's", #"'it'\''s'"#),
        ("''", #"''\'''\'''"#),
        ("$HOME `id` \"x\" \\ *", "'$HOME `id` \"x\" \\ *'"),
        ("line1\nline2", "'line1\nline2'"),
    ]

    @Test("shellQuoted wraps values in single quotes", arguments: values)
    func quote(_ value: String, _ expected: String) {
        #expect(SessionOutput.shellQuoted(value) == expected)
    }

    @Test(
        "/bin/sh reads a quoted value back unchanged",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/sh")),
        arguments: values.map(\.0))
    func shellRoundTrip(_ value: String) async throws {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent(
            "berth-quote-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let process = try Subprocess.start(
            "/bin/sh", ["-c", "printf %s \(SessionOutput.shellQuoted(value))"], environment: [:], stdoutPath: outputPath
        )

        let status = try await process.wait()

        #expect(status == 0)
        #expect((try? String(contentsOfFile: outputPath, encoding: .utf8)) == value)
    }
}

@Suite("Workflow command escaping")
struct WorkflowCommandUnitTests {
    static let messages: [(String, String)] = [
        ("plain text", "plain text"),
        ("100%", "100%25"),
        ("a\nb", "a%0Ab"),
        ("a\r\nb", "a%0D%0Ab"),
        ("%0A", "%250A"),
        ("file: x.yml, line: 3", "file: x.yml, line: 3"),
    ]

    @Test("escapeCommand escapes %, CR and LF", arguments: messages)
    func escape(_ message: String, _ expected: String) {
        #expect(Console(environment: [:]).escapeCommand(message) == expected)
    }

    static let properties: [(String, String)] = [
        (".github/workflows/ci.yml", ".github/workflows/ci.yml"),
        ("C:\\ci,1.yml", "C%3A\\ci%2C1.yml"),
        ("50%\n", "50%25%0A"),
    ]

    @Test("escapeProperty also escapes : and ,", arguments: properties)
    func escapeProperty(_ value: String, _ expected: String) {
        #expect(Console(environment: [:]).escapeProperty(value) == expected)
    }
}

@Suite("Option help")
struct OptionHelpUnitTests {
    @Test("rows align on the longest left column")
    func aligned() {
        let text = OptionHelp.render([
            .option("--session", value: "ID", help: "Session id"),
            .option("--env", short: "-e", value: "NAME=VALUE", repeatable: true, help: "Variable"),
            .flag("--dry-run", help: "Plan only"),
        ])

        #expect(
            text.split(separator: "\n") == [
                "      --session ID      Session id",
                "  -e, --env NAME=VALUE  Variable (repeatable)",
                "      --dry-run         Plan only",
            ])
    }

    @Test("the left column is capped at 34 characters")
    func capped() {
        let text = OptionHelp.render([
            .option("--a-very-long-option-name-for-tests", value: "PLACEHOLDER", help: "Long"),
            .flag("--x", help: "Short"),
        ])
        // "    --x" is 7 characters, padded to the cap plus the two-space gap.
        let shortRow = "      --x" + String(repeating: " ", count: 34 - 7 + 2) + "Short"

        #expect(
            text.split(separator: "\n").map(String.init) == [
                "      --a-very-long-option-name-for-tests PLACEHOLDER  Long", shortRow,
            ])
    }

    @Test("every command's help lists its options and the global ones")
    func commandHelp() {
        for command in BerthMain.commands {
            let help = command.help

            #expect(help.hasPrefix(command.summary), "\(command.name)")
            #expect(help.contains("Usage: \(command.usage)"), "\(command.name)")
            for option in command.options + GlobalOptions.specs {
                #expect(help.contains(option.name), "\(command.name) help lacks \(option.name)")
            }
        }
    }
}

@Suite("Plan table")
struct PlanTableUnitTests {
    private let location = WorkflowSpec.SourceLocation(file: "ci.yml", line: 9, column: 7)

    @Test("renders services, ports, env, health, volumes, skipped and container")
    func fullPlan() throws {
        var options = ContainerOptions()
        options.healthCheck = HealthCheck(test: ["CMD-SHELL", "pg_isready"])
        options.env = ["TZ=UTC"]
        options.binds = ["/srv/init:/docker-entrypoint-initdb.d"]
        let postgres = ServiceSpec(
            key: "postgres", image: "postgres:16", env: [EnvVar(name: "POSTGRES_PASSWORD", value: "secret")],
            ports: [PortSpec(hostPort: 5432, containerPort: 5432), PortSpec(hostPort: nil, containerPort: 9187)],
            options: options, location: location)
        let redis = ServiceSpec(
            key: "redis", image: "redis:7",
            ports: [PortSpec(hostIP: "127.0.0.1", hostPort: 6379, containerPort: 6379, proto: "udp")],
            location: location)
        let container = ServiceSpec(key: "container", image: "node:20", location: location)
        let job = JobSpec(
            id: "test", services: [postgres, redis], skippedServices: ["opensearch"], container: container,
            matrix: ["node": "20", "db": "pg"])
        let mapping = [try ImageMapping(parsing: "postgres:16=localhost/pg:16")]

        let plan = SessionPlan(
            services: job.services, job: job, workflow: "ci.yml", imageMappings: mapping, diagnostics: [])

        #expect(
            PlanTable.render(plan).split(separator: "\n", omittingEmptySubsequences: false) == [
                "workflow ci.yml, job test",
                "matrix: db=pg, node=20",
                "service postgres: localhost/pg:16 (for postgres:16)",
                "  ports: 5432->5432/tcp, random->9187/tcp",
                "  env: POSTGRES_PASSWORD, TZ",
                "  health: CMD-SHELL pg_isready",
                "  volumes: /srv/init:/docker-entrypoint-initdb.d",
                "service redis: redis:7",
                "  ports: 127.0.0.1:6379->6379/udp",
                "service opensearch: skipped (empty image)",
                "job container: node:20 (not started by Berth)",
            ])
    }

    @Test("ad-hoc services render without a workflow line")
    func adHocPlan() throws {
        let service = try ServiceSpec.adHoc(key: "db", image: "postgres:16", env: [], ports: [], options: "")

        let plan = SessionPlan(services: [service], job: nil, workflow: nil, imageMappings: [], diagnostics: [])

        #expect(PlanTable.render(plan) == "service db: postgres:16")
    }

    @Test("the plan table lists env names, not values")
    func noSecretValues() throws {
        let service = try ServiceSpec.adHoc(
            key: "db", image: "postgres:16", env: ["POSTGRES_PASSWORD=hunter2"], ports: [],
            options: "-e API_TOKEN=s3cr3t")

        let plan = SessionPlan(services: [service], job: nil, workflow: nil, imageMappings: [], diagnostics: [])
        let text = PlanTable.render(plan)

        #expect(text.contains("POSTGRES_PASSWORD"))
        #expect(text.contains("API_TOKEN"))
        #expect(!text.contains("hunter2"))
        #expect(!text.contains("s3cr3t"))
    }
}
