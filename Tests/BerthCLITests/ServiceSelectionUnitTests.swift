import Berth
import Testing
import WorkflowSpec

@testable import BerthCLI

@Suite("Ad-hoc services")
struct AdHocServiceUnitTests {
    private func parse(_ arguments: [String]) throws -> ParsedArguments {
        try ArgumentParser.parse(arguments, options: UpCommand.options + GlobalOptions.specs, command: "up")
    }

    @Test("--env, --port and --options attach to the preceding --service")
    func attachToPreceding() throws {
        let arguments = try parse([
            "--service", "db=postgres:16", "-e", "POSTGRES_PASSWORD=pw", "--port", "5432", "--options", "--tmpfs /run",
            "--service", "cache=docker://redis:7", "--env", "A=1", "-p", "6379:6379", "--options", "--privileged",
            "--options", "--init",
        ])

        let services = try ServiceSelection.adHocServices(arguments, command: "up")

        #expect(services.map(\.key) == ["db", "cache"])
        #expect(services.map(\.image) == ["postgres:16", "redis:7"])
        #expect(services.first?.env == [EnvVar(name: "POSTGRES_PASSWORD", value: "pw")])
        #expect(services.first?.ports == [PortSpec(hostPort: nil, containerPort: 5432)])
        #expect(services.first?.options.tmpfs == ["/run": ""])
        #expect(services.first?.options.privileged == false)
        #expect(services.last?.env == [EnvVar(name: "A", value: "1")])
        #expect(services.last?.ports == [PortSpec(hostPort: 6379, containerPort: 6379)])
        #expect(services.last?.options.privileged == true)
        #expect(services.last?.options.initProcess == true)
        #expect(services.last?.rawOptions == "--privileged --init")
    }

    @Test("no --service gives no services")
    func none() throws {
        #expect(try ServiceSelection.adHocServices(try parse(["--session", "s1"]), command: "up").isEmpty)
    }

    static let orphans: [[String]] = [
        ["--env", "A=1", "--service", "db=postgres"],
        ["-e", "A=1"],
        ["--port", "5432", "--service", "db=postgres"],
        ["--options", "--privileged", "--service", "db=postgres"],
    ]

    @Test("a service flag before any --service is a usage error", arguments: orphans)
    func orphanFlag(_ words: [String]) throws {
        let arguments = try parse(words)

        let error = #expect(throws: UsageError.self) {
            try ServiceSelection.adHocServices(arguments, command: "up")
        }
        #expect(error?.message.contains("must follow the --service it belongs to") == true)
        #expect(error?.command == "up")
    }

    @Test("--service without KEY=IMAGE is a usage error", arguments: ["db", "=postgres"])
    func malformedService(_ value: String) throws {
        let arguments = try parse(["--service", value])

        #expect(throws: UsageError.self) {
            try ServiceSelection.adHocServices(arguments, command: "up")
        }
    }

    @Test(
        "an invalid key, image, env or port is a workflow error",
        arguments: [
            ["--service", "bad key=postgres"], ["--service", "-db=postgres"], ["--service", "db="],
            ["--service", "db=postgres", "--env", "NOVALUE"], ["--service", "db=postgres", "--port", "70000"],
            ["--service", "db=postgres", "--options", "--no-such-flag"],
        ])
    func invalidService(_ words: [String]) throws {
        let arguments = try parse(words)

        #expect(throws: WorkflowError.self) {
            try ServiceSelection.adHocServices(arguments, command: "up")
        }
    }
}

@Suite("Subnet options")
struct SubnetOptionUnitTests {
    private func allocator(_ words: [String], environment: [String: String] = [:]) throws -> SubnetAllocator {
        let arguments = try ArgumentParser.parse(
            words, options: UpCommand.options + GlobalOptions.specs, command: "up")
        return try ServiceSelection.subnetAllocator(arguments, environment: environment, command: "up")
    }

    @Test("defaults without flags or environment")
    func defaults() throws {
        let chosen = try allocator([])

        #expect(chosen.pool.description == "172.16.0.0/12")
        #expect(chosen.prefixLength == 27)
    }

    @Test("the environment sets pool and size")
    func environment() throws {
        let chosen = try allocator([], environment: ["BERTH_SUBNET_POOL": "10.10.0.0/16", "BERTH_SUBNET_SIZE": "28"])

        #expect(chosen.pool.description == "10.10.0.0/16")
        #expect(chosen.prefixLength == 28)
    }

    @Test("flags win over the environment")
    func flagOverEnvironment() throws {
        let chosen = try allocator(
            ["--subnet-pool", "10.20.0.0/16", "--subnet-size", "/26"],
            environment: ["BERTH_SUBNET_POOL": "10.10.0.0/16", "BERTH_SUBNET_SIZE": "28"])

        #expect(chosen.pool.description == "10.20.0.0/16")
        #expect(chosen.prefixLength == 26)
    }

    @Test("empty environment values mean the defaults")
    func emptyEnvironment() throws {
        let chosen = try allocator([], environment: ["BERTH_SUBNET_POOL": "", "BERTH_SUBNET_SIZE": ""])

        #expect(chosen.pool.description == "172.16.0.0/12")
        #expect(chosen.prefixLength == 27)
    }

    @Test(
        "a malformed pool or size is a usage error",
        arguments: [
            ["--subnet-pool", "10.0.0/8"], ["--subnet-pool", "10.0.0.0"], ["--subnet-pool", "fd00::/64"],
            ["--subnet-size", "abc"], ["--subnet-size", "27.5"],
        ])
    func malformed(_ words: [String]) {
        #expect(throws: UsageError.self) {
            try allocator(words)
        }
    }

    @Test("a malformed environment value is a usage error")
    func malformedEnvironment() {
        #expect(throws: UsageError.self) {
            try allocator([], environment: ["BERTH_SUBNET_POOL": "pool"])
        }
        #expect(throws: UsageError.self) {
            try allocator([], environment: ["BERTH_SUBNET_SIZE": "small"])
        }
    }

    @Test(
        "a size the pool cannot hold is rejected",
        arguments: [
            ["--subnet-size", "30"], ["--subnet-size", "8"], ["--subnet-pool", "10.0.0.0/24", "--subnet-size", "20"],
        ])
    func unfitSize(_ words: [String]) {
        #expect(throws: UsageError.self) {
            try allocator(words)
        }
    }
}
