import EngineAPI
import Testing
import WorkflowSpec

@testable import Berth

@Suite("Container create settings")
struct ContainerSettingsUnitTests {
    private let network = "berth-s1"
    private let berthLabels = ["berth.session": "s1", "berth.service": "db", "berth.role": "service"]
    private let location = WorkflowSpec.SourceLocation(file: "ci.yml", line: 9, column: 7)

    private func request(
        _ service: ServiceSpec, apiVersion: APIVersion = APIVersion(1, 41), reporter: Reporter = .silent
    ) -> ContainerCreateRequest {
        ContainerSettings.createRequest(
            for: service, image: "localhost/postgres:16", network: network, labels: berthLabels,
            apiVersion: apiVersion, reporter: reporter)
    }

    @Test("the service key is the network alias, before option aliases")
    func aliases() {
        var options = ContainerOptions()
        options.networkAliases = ["database", "pg"]
        let service = ServiceSpec(key: "db", image: "postgres:16", options: options, location: location)

        let body = request(service)

        #expect(body.networkingConfig?.endpointsConfig.keys.sorted() == [network])
        #expect(body.networkingConfig?.endpointsConfig[network]?.aliases == ["db", "database", "pg"])
        #expect(body.hostConfig.networkMode == network)
        #expect(body.image == "localhost/postgres:16")
    }

    @Test("ports and -p publish with their host address and port")
    func portBindings() {
        var options = ContainerOptions()
        options.publish = [PortSpec(hostPort: 8081, containerPort: 80)]
        let service = ServiceSpec(
            key: "db", image: "postgres:16",
            ports: [
                PortSpec(hostPort: nil, containerPort: 5432),
                PortSpec(hostPort: 8080, containerPort: 80),
                PortSpec(hostIP: "127.0.0.1", hostPort: 5353, containerPort: 53, proto: "udp"),
            ],
            options: options, location: location)

        let body = request(service)

        #expect(body.exposedPorts?.keys.sorted() == ["53/udp", "5432/tcp", "80/tcp"])
        #expect(body.hostConfig.portBindings?["5432/tcp"] == [PortBinding(hostIp: "", hostPort: "")])
        #expect(
            body.hostConfig.portBindings?["80/tcp"] == [
                PortBinding(hostIp: "", hostPort: "8080"), PortBinding(hostIp: "", hostPort: "8081"),
            ])
        #expect(body.hostConfig.portBindings?["53/udp"] == [PortBinding(hostIp: "127.0.0.1", hostPort: "5353")])
    }

    @Test("no ports means no exposed ports and no bindings")
    func noPorts() {
        let body = request(ServiceSpec(key: "db", image: "postgres:16", location: location))

        #expect(body.exposedPorts == nil)
        #expect(body.hostConfig.portBindings == nil)
    }

    @Test("env keeps file order, then options, then GITHUB_ACTIONS and CI")
    func environmentAdded() {
        var options = ContainerOptions()
        options.env = ["TZ=UTC"]
        let service = ServiceSpec(
            key: "db", image: "postgres:16",
            env: [EnvVar(name: "POSTGRES_PASSWORD", value: "a=b"), EnvVar(name: "POSTGRES_DB", value: "")],
            options: options, location: location)

        #expect(
            request(service).env == [
                "POSTGRES_PASSWORD=a=b", "POSTGRES_DB=", "TZ=UTC", "GITHUB_ACTIONS=true", "CI=true",
            ])
    }

    @Test("GITHUB_ACTIONS and CI given by the service are kept as they are")
    func environmentKept() {
        var options = ContainerOptions()
        options.env = ["CI=false"]
        let service = ServiceSpec(
            key: "db", image: "postgres:16", env: [EnvVar(name: "GITHUB_ACTIONS", value: "false")], options: options,
            location: location)

        #expect(request(service).env == ["GITHUB_ACTIONS=false", "CI=false"])
    }

    @Test("Berth's labels win over option labels of the same key")
    func labels() {
        var options = ContainerOptions()
        options.labels = ["team": "db", "berth.session": "forged"]
        let service = ServiceSpec(key: "db", image: "postgres:16", options: options, location: location)

        let labels = request(service).labels

        #expect(labels?["team"] == "db")
        #expect(labels?["berth.session"] == "s1")
        #expect(labels?["berth.service"] == "db")
    }

    private func healthCheck(startInterval: Int64?) -> ServiceSpec {
        var options = ContainerOptions()
        options.healthCheck = HealthCheck(
            test: ["CMD-SHELL", "pg_isready"], interval: 10_000_000_000, timeout: 5_000_000_000,
            startPeriod: 30_000_000_000, startInterval: startInterval, retries: 5)
        return ServiceSpec(key: "db", image: "postgres:16", options: options, location: location)
    }

    @Test("the health check is passed on")
    func healthKept() {
        let health = request(healthCheck(startInterval: nil)).healthcheck

        #expect(health?.test == ["CMD-SHELL", "pg_isready"])
        #expect(health?.interval == 10_000_000_000)
        #expect(health?.timeout == 5_000_000_000)
        #expect(health?.startPeriod == 30_000_000_000)
        #expect(health?.retries == 5)
        #expect(health?.startInterval == nil)
    }

    @Test("the start interval is dropped with a warning below API 1.44")
    func startIntervalDropped() {
        let recorder = RecordingReporter()

        let health = request(
            healthCheck(startInterval: 1_000_000_000), apiVersion: APIVersion(1, 43), reporter: recorder.reporter
        ).healthcheck

        #expect(health?.startInterval == nil)
        #expect(health?.interval == 10_000_000_000)
        #expect(recorder.warnings.count == 1)
        #expect(recorder.warnings.first?.contains("--health-start-interval") == true)
        #expect(recorder.warnings.first?.contains("1.43") == true)
    }

    @Test("the start interval is kept from API 1.44")
    func startIntervalKept() {
        let recorder = RecordingReporter()

        let health = request(
            healthCheck(startInterval: 1_000_000_000), apiVersion: APIVersion(1, 44), reporter: recorder.reporter
        ).healthcheck

        #expect(health?.startInterval == 1_000_000_000)
        #expect(recorder.warnings.isEmpty)
    }

    @Test("no health option means the image's own check")
    func noHealth() {
        #expect(request(ServiceSpec(key: "db", image: "postgres:16", location: location)).healthcheck == nil)
    }

    @Test("typed options map to host settings")
    func hostOptions() {
        var options = ContainerOptions()
        options.binds = ["/srv/init:/docker-entrypoint-initdb.d:ro"]
        options.tmpfs = ["/var/lib/postgresql/data": "rw,size=256m"]
        options.privileged = true
        options.ulimits = [UlimitSpec(name: "nofile", soft: 1024, hard: 2048)]
        options.restart = RestartPolicySpec(name: "on-failure", maximumRetryCount: 3)
        options.mounts = [MountSpec(type: "volume", source: "pgdata", target: "/data", readOnly: true)]
        options.capAdd = ["SYS_PTRACE"]
        options.shmSize = 268_435_456
        options.memory = 536_870_912
        options.nanoCPUs = 1_500_000_000
        options.initProcess = true
        options.extraHosts = ["host.docker.internal:host-gateway"]
        let service = ServiceSpec(
            key: "db", image: "postgres:16", volumes: ["pgdata:/var/lib/postgresql"], options: options,
            location: location)

        let host = request(service).hostConfig

        #expect(host.binds == ["/srv/init:/docker-entrypoint-initdb.d:ro", "pgdata:/var/lib/postgresql"])
        #expect(host.tmpfs == ["/var/lib/postgresql/data": "rw,size=256m"])
        #expect(host.privileged == true)
        #expect(host.ulimits == [Ulimit(name: "nofile", soft: 1024, hard: 2048)])
        #expect(host.restartPolicy == RestartPolicy(name: "on-failure", maximumRetryCount: 3))
        #expect(host.mounts == [MountConfig(type: "volume", source: "pgdata", target: "/data", readOnly: true)])
        #expect(host.capAdd == ["SYS_PTRACE"])
        #expect(host.shmSize == 268_435_456)
        #expect(host.memory == 536_870_912)
        #expect(host.nanoCpus == 1_500_000_000)
        #expect(host.initProcess == true)
        #expect(host.extraHosts == ["host.docker.internal:host-gateway"])
    }

    @Test("unset options leave host settings empty")
    func emptyOptions() {
        let host = request(ServiceSpec(key: "db", image: "postgres:16", location: location)).hostConfig

        #expect(host.binds == nil)
        #expect(host.mounts == nil)
        #expect(host.tmpfs == nil)
        #expect(host.privileged == nil)
        #expect(host.ulimits == nil)
        #expect(host.restartPolicy == nil)
        #expect(host.capAdd == nil)
        #expect(host.initProcess == nil)
        #expect(host.readonlyRootfs == nil)
        #expect(host.sysctls == nil)
    }

    @Test("--entrypoint wins over the entrypoint key; command is kept")
    func entrypointAndCommand() {
        var options = ContainerOptions()
        options.entrypoint = "redis-server"
        let service = ServiceSpec(
            key: "cache", image: "redis", options: options, entrypoint: "/bin/sh", command: ["--port", "6380"],
            location: location)
        let keyOnly = ServiceSpec(key: "cache", image: "redis", entrypoint: "/bin/sh", location: location)

        #expect(request(service).entrypoint == ["redis-server"])
        #expect(request(service).cmd == ["--port", "6380"])
        #expect(request(keyOnly).entrypoint == ["/bin/sh"])
        #expect(request(ServiceSpec(key: "cache", image: "redis", location: location)).entrypoint == nil)
    }

    @Test("an options string maps end to end")
    func adHocOptions() throws {
        let service = try ServiceSpec.adHoc(
            key: "db", image: "postgres:16", env: ["POSTGRES_PASSWORD=pw"], ports: ["5432"],
            options: [
                "-v /srv/init:/docker-entrypoint-initdb.d", "--tmpfs /run:rw,size=64m", "--privileged",
                "--ulimit nofile=1024:2048", "--restart on-failure:3", "--entrypoint docker-entrypoint.sh",
                "--user postgres", "-w /tmp", "--hostname pg", "--stop-signal SIGINT",
            ].joined(separator: " "))

        let body = request(service)

        #expect(body.hostConfig.binds == ["/srv/init:/docker-entrypoint-initdb.d"])
        #expect(body.hostConfig.tmpfs == ["/run": "rw,size=64m"])
        #expect(body.hostConfig.privileged == true)
        #expect(body.hostConfig.ulimits == [Ulimit(name: "nofile", soft: 1024, hard: 2048)])
        #expect(body.hostConfig.restartPolicy == RestartPolicy(name: "on-failure", maximumRetryCount: 3))
        #expect(body.entrypoint == ["docker-entrypoint.sh"])
        #expect(body.user == "postgres")
        #expect(body.workingDir == "/tmp")
        #expect(body.hostname == "pg")
        #expect(body.stopSignal == "SIGINT")
        #expect(body.env == ["POSTGRES_PASSWORD=pw", "GITHUB_ACTIONS=true", "CI=true"])
        #expect(body.hostConfig.portBindings?["5432/tcp"] == [PortBinding(hostIp: "", hostPort: "")])
    }
}
