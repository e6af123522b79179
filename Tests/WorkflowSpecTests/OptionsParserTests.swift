import Testing

@testable import WorkflowSpec

struct OptionsCase: Sendable {
    let options: String
    let expected: ContainerOptions

    init(_ options: String, _ build: (inout ContainerOptions) -> Void) {
        self.options = options
        var expected = ContainerOptions()
        build(&expected)
        self.expected = expected
    }
}

extension OptionsCase: CustomTestStringConvertible {
    var testDescription: String { options }
}

struct OptionsErrorCase: Sendable {
    let options: String
    let message: String
    /// The 1-based column of the word the error points at, on a single line.
    let column: Int
}

extension OptionsErrorCase: CustomTestStringConvertible {
    var testDescription: String { options }
}

/// Returns the error that parsing `options` throws, or nil.
private func optionsError(_ options: String) -> WorkflowError? {
    do {
        _ = try OptionsParser.parse(options, location: nil)
        return nil
    } catch {
        return error
    }
}

@Suite("Options parser")
struct OptionsParserTests {
    static let seconds: Int64 = 1_000_000_000

    static let flagCases: [OptionsCase] = [
        OptionsCase("--health-cmd pg_isready") { $0.healthCheck = HealthCheck(test: ["CMD-SHELL", "pg_isready"]) },
        OptionsCase(#"--health-cmd="a \"b\" || exit 1""#) {
            $0.healthCheck = HealthCheck(test: ["CMD-SHELL", #"a "b" || exit 1"#])
        },
        OptionsCase(#"--health-cmd "mysql -h localhost -e \"select now()\"""#) {
            $0.healthCheck = HealthCheck(test: ["CMD-SHELL", #"mysql -h localhost -e "select now()""#])
        },
        OptionsCase("--health-cmd ''") { $0.healthCheck = HealthCheck(test: ["CMD-SHELL", "''"]) },
        OptionsCase("--health-interval 10s --health-timeout=500ms --health-retries 5") {
            $0.healthCheck = HealthCheck(interval: 10 * seconds, timeout: seconds / 2, retries: 5)
        },
        OptionsCase("--health-start-period 1m30s --health-start-interval 2.5s") {
            $0.healthCheck = HealthCheck(startPeriod: 90 * seconds, startInterval: 5 * seconds / 2)
        },
        OptionsCase("--no-healthcheck") { $0.healthCheck = HealthCheck(test: ["NONE"]) },
        OptionsCase("--no-healthcheck=false") { _ in },
        OptionsCase("--entrypoint redis-server") { $0.entrypoint = "redis-server" },
        OptionsCase(#"--entrypoint """#) { $0.entrypoint = "" },
        OptionsCase("--tmpfs /run --tmpfs /data:size=64m,mode=1777") {
            $0.tmpfs = ["/run": "", "/data": "size=64m,mode=1777"]
        },
        OptionsCase("-v /src:/dst:ro --volume=/anonymous") { $0.binds = ["/src:/dst:ro", "/anonymous"] },
        OptionsCase("--mount type=bind,source=/src,target=/dst,readonly") {
            $0.mounts = [MountSpec(type: "bind", source: "/src", target: "/dst", readOnly: true)]
        },
        OptionsCase("--mount type=tmpfs,dst=/cache,tmpfs-size=1m") {
            $0.mounts = [MountSpec(type: "tmpfs", source: nil, target: "/cache", options: ["tmpfs-size": "1m"])]
        },
        OptionsCase("--mount target=/v,volume-opt=o=size=1g,ro=false") {
            $0.mounts = [MountSpec(type: "volume", source: nil, target: "/v", options: ["volume-opt.o": "size=1g"])]
        },
        OptionsCase("-e A=1 --env B -eC=3 -e=D=4") { $0.env = ["A=1", "B", "C=3", "D=4"] },
        OptionsCase("-u 1000:1000") { $0.user = "1000:1000" },
        OptionsCase("--user=app") { $0.user = "app" },
        OptionsCase("-h db --name pg -w /work") {
            $0.hostname = "db"
            $0.name = "pg"
            $0.workingDir = "/work"
        },
        OptionsCase("--hostname=x --workdir=/w") {
            $0.hostname = "x"
            $0.workingDir = "/w"
        },
        OptionsCase("-l a=b --label c --label d=e=f") { $0.labels = ["a": "b", "c": "", "d": "e=f"] },
        OptionsCase("--network-alias one --net-alias two") { $0.networkAliases = ["one", "two"] },
        OptionsCase("--shm-size 64m") { $0.shmSize = 64 << 20 },
        OptionsCase("-m 1g") { $0.memory = 1 << 30 },
        OptionsCase("--memory=512mb") { $0.memory = 512 << 20 },
        OptionsCase("--cpus 1.5") { $0.nanoCPUs = 1_500_000_000 },
        OptionsCase("--cpus=.25") { $0.nanoCPUs = 250_000_000 },
        OptionsCase("--ulimit nofile=1024:2048 --ulimit nproc=512") {
            $0.ulimits = [
                UlimitSpec(name: "nofile", soft: 1024, hard: 2048), UlimitSpec(name: "nproc", soft: 512, hard: 512),
            ]
        },
        OptionsCase("--cap-add NET_ADMIN --cap-add=SYS_TIME --cap-drop ALL") {
            $0.capAdd = ["NET_ADMIN", "SYS_TIME"]
            $0.capDrop = ["ALL"]
        },
        OptionsCase("--privileged") { $0.privileged = true },
        OptionsCase("--privileged=true --privileged=false") { _ in },
        OptionsCase("--init --read-only=1") {
            $0.initProcess = true
            $0.readOnlyRootfs = true
        },
        OptionsCase("--restart on-failure:3") {
            $0.restart = RestartPolicySpec(name: "on-failure", maximumRetryCount: 3)
        },
        OptionsCase("--restart=unless-stopped") { $0.restart = RestartPolicySpec(name: "unless-stopped") },
        OptionsCase("-p 8080:80 --publish 127.0.0.1:5432:5432/tcp") {
            $0.publish = [
                PortSpec(hostPort: 8080, containerPort: 80),
                PortSpec(hostIP: "127.0.0.1", hostPort: 5432, containerPort: 5432),
            ]
        },
        OptionsCase("--add-host db:10.0.0.5 --add-host=gw=host-gateway --add-host v6:[::1]") {
            $0.extraHosts = ["db:10.0.0.5", "gw:host-gateway", "v6:::1"]
        },
        OptionsCase("--stop-signal SIGINT --stop-timeout 30") {
            $0.stopSignal = "SIGINT"
            $0.stopTimeout = 30
        },
        OptionsCase("--security-opt seccomp=unconfined --sysctl net.core.somaxconn=1024") {
            $0.securityOptions = ["seccomp=unconfined"]
            $0.sysctls = ["net.core.somaxconn": "1024"]
        },
        OptionsCase("--entrypoint --health-cmd") { $0.entrypoint = "--health-cmd" },
        OptionsCase("") { _ in },
    ]

    @Test("every supported flag", arguments: flagCases)
    func flags(_ testCase: OptionsCase) throws {
        let options = try OptionsParser.parse(testCase.options, location: nil)
        #expect(options == testCase.expected)
    }

    @Test("the mssql health command of the gorm workflow")
    func gormHealthCommand() throws {
        let text =
            #"--health-cmd="/opt/mssql-tools18/bin/sqlcmd -S localhost -U sa -P pw -N -C -l 30 -Q \"SELECT 1\" || exit 1" "#
            + "--health-start-period 10s --health-interval 10s --health-timeout 5s --health-retries 10"
        let health = try #require(try OptionsParser.parse(text, location: nil).healthCheck)
        #expect(health.test.first == "CMD-SHELL")
        #expect(health.test.last?.hasSuffix(#"-Q "SELECT 1" || exit 1"#) == true)
        #expect(health.startPeriod == 10 * Self.seconds)
        #expect(health.retries == 10)
    }

    static let errorCases: [OptionsErrorCase] = [
        OptionsErrorCase(
            options: "--health-interval 10s --helth-cmd x", message: "unknown option flag '--helth-cmd'", column: 23),
        OptionsErrorCase(options: "--bogus", message: "unknown option flag '--bogus'", column: 1),
        OptionsErrorCase(options: "--network host", message: "'--network' is not supported", column: 1),
        OptionsErrorCase(options: "-x", message: "unknown shorthand flag '-x'", column: 1),
        OptionsErrorCase(options: "--health-retries 5 --health-cmd", message: "needs a value", column: 20),
        OptionsErrorCase(
            options: "--health-interval 10", message: "invalid value '10' for --health-interval", column: 19),
        OptionsErrorCase(options: "--health-timeout=-1s", message: "cannot be negative", column: 18),
        OptionsErrorCase(options: "--health-retries five", message: "invalid value 'five'", column: 18),
        OptionsErrorCase(options: "--shm-size 64x", message: "invalid value '64x' for --shm-size", column: 12),
        OptionsErrorCase(options: "--memory lots", message: "invalid value 'lots' for --memory", column: 10),
        OptionsErrorCase(options: "--cpus 0.0000000001", message: "invalid value", column: 8),
        OptionsErrorCase(options: "--stop-timeout soon", message: "invalid value 'soon'", column: 16),
        OptionsErrorCase(options: "--privileged=yes", message: "invalid value 'yes' for --privileged", column: 14),
        OptionsErrorCase(options: "--ulimit nofile=10:5", message: "invalid value 'nofile=10:5'", column: 10),
        OptionsErrorCase(options: "--ulimit files=1", message: "invalid value 'files=1'", column: 10),
        OptionsErrorCase(options: "--restart always:3", message: "invalid value 'always:3'", column: 11),
        OptionsErrorCase(options: "--mount type=bind,target=/x", message: "invalid value", column: 9),
        OptionsErrorCase(options: "--mount source=/x", message: "invalid value", column: 9),
        OptionsErrorCase(options: "--add-host db", message: "invalid value 'db'", column: 12),
        OptionsErrorCase(options: "--add-host db:nowhere", message: "invalid value", column: 12),
        OptionsErrorCase(options: "--tmpfs run", message: "invalid value 'run'", column: 9),
        OptionsErrorCase(options: "--sysctl kernel.x", message: "invalid value", column: 10),
        OptionsErrorCase(options: "-p 70000:80", message: "invalid port mapping '70000:80'", column: 4),
        OptionsErrorCase(options: "--privileged false", message: "unexpected word 'false'", column: 14),
        OptionsErrorCase(
            options: "--health-cmd 'pg_isready -U app'", message: "unknown shorthand flag '-U'", column: 26),
        OptionsErrorCase(options: "--health-cmd \"pg_isready", message: "unterminated double quote", column: 14),
        OptionsErrorCase(
            options: "--no-healthcheck --health-cmd x", message: "--no-healthcheck conflicts with --health-* options",
            column: 1),
    ]

    @Test("errors name the word and its column", arguments: errorCases)
    func errors(_ testCase: OptionsErrorCase) throws {
        let line = WorkflowSpec.SourceLocation(file: "w.yml", line: 7, column: 1)
        do {
            _ = try OptionsParser.parse(testCase.options) { line.advanced(by: $0) }
            Issue.record("no error for \(testCase.options)")
        } catch {
            #expect(error.message.contains(testCase.message), "\(error.message)")
            #expect(error.location?.line == 7)
            #expect(error.location?.column == testCase.column)
            #expect(error.hint?.isEmpty == false)
        }
    }

    @Test("an unknown flag suggests the closest one")
    func suggestion() throws {
        let error = try #require(optionsError("--helth-cmd x"))
        #expect(error.hint?.hasPrefix("did you mean '--health-cmd'?") == true)
        #expect(error.hint?.contains("--health-interval") == true)
    }

    @Test("single quotes get a hint", arguments: ["--health-cmd 'a b'", "--health-cmd 'pg_isready -U app'"])
    func singleQuoteHint(_ options: String) throws {
        let error = try #require(optionsError(options))
        #expect(error.hint?.contains("single quotes") == true)
    }

    @Test("a line break inside a value gets a hint")
    func lineBreakHint() throws {
        let error = try #require(optionsError("--health-cmd x\n--health-retries 5\n"))
        #expect(error.message.contains("unexpected word"))
        #expect(error.hint?.contains("line break") == true)
    }

    @Test("the public parser puts every error at the given location")
    func publicLocation() throws {
        let location = WorkflowSpec.SourceLocation(file: "w.yml", line: 3, column: 9)
        do {
            _ = try OptionsParser.parse("--a --b", location: location)
            Issue.record("no error")
        } catch {
            #expect(error.location == location)
        }
    }
}
