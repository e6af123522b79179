import EngineAPI
import Testing

@testable import Berth

@Suite("Session environment variables")
struct SessionEnvironmentUnitTests {
    private func service(_ key: String, host: String, ports: [PortEndpoint]) -> ServiceEndpoint {
        ServiceEndpoint(
            key: key, containerID: "id-\(key)", containerName: "berth-s1-\(key)", image: "localhost/\(key)",
            host: host, ipAddress: "172.16.0.2", ports: ports)
    }

    @Test("names and order for every service and port")
    func namesAndOrder() {
        let info = SessionInfo(
            session: "s1", network: "berth-s1", owner: "process:h:1:2", attachedContainer: nil,
            services: [
                service(
                    "postgres", host: "postgres",
                    ports: [PortEndpoint(containerPort: 5432, proto: "tcp", port: 5432, hostPort: 49153)]),
                service(
                    "dns", host: "127.0.0.1",
                    ports: [
                        PortEndpoint(containerPort: 53, proto: "udp", port: 40053, hostPort: 40053),
                        PortEndpoint(containerPort: 8053, proto: "tcp", port: 48053, hostPort: 48053),
                    ]),
            ])

        let expected = [
            ("BERTH_SESSION", "s1"), ("BERTH_NETWORK", "berth-s1"),
            ("POSTGRES_HOST", "postgres"), ("POSTGRES_PORT", "5432"), ("POSTGRES_PORT_5432", "5432"),
            ("POSTGRES_PUBLISHED_PORT_5432", "49153"), ("POSTGRES_CONTAINER_ID", "id-postgres"),
            ("DNS_HOST", "127.0.0.1"), ("DNS_PORT", "48053"), ("DNS_PORT_53_UDP", "40053"),
            ("DNS_PUBLISHED_PORT_53_UDP", "40053"), ("DNS_PORT_8053", "48053"), ("DNS_PUBLISHED_PORT_8053", "48053"),
            ("DNS_CONTAINER_ID", "id-dns"),
        ]

        #expect(info.environment.map(\.0) == expected.map(\.0))
        #expect(info.environment.map(\.1) == expected.map(\.1))
    }

    @Test("a service with only UDP ports takes the first one as its port")
    func udpOnly() {
        let info = SessionInfo(
            session: "s1", network: "berth-s1", owner: "o", attachedContainer: nil,
            services: [
                service(
                    "syslog", host: "syslog", ports: [PortEndpoint(containerPort: 514, proto: "udp", port: 514)])
            ])

        let variables = Dictionary(uniqueKeysWithValues: info.environment)

        #expect(variables["SYSLOG_PORT"] == "514")
        #expect(variables["SYSLOG_PORT_514_UDP"] == "514")
        #expect(variables["SYSLOG_PORT_514"] == nil)
        #expect(variables["SYSLOG_PUBLISHED_PORT_514_UDP"] == nil)
    }

    @Test("a service without ports has no port variables")
    func noPorts() {
        let info = SessionInfo(
            session: "s1", network: "berth-s1", owner: "o", attachedContainer: nil,
            services: [service("worker", host: "worker", ports: [])])

        #expect(
            info.environment.map(\.0) == [
                "BERTH_SESSION", "BERTH_NETWORK", "WORKER_HOST", "WORKER_CONTAINER_ID",
            ])
    }

    static let prefixes: [(String, String)] = [
        ("postgres", "POSTGRES"), ("my-db", "MY_DB"), ("my.db", "MY_DB"), ("cache_2", "CACHE_2"),
        ("1db", "_1DB"), ("9", "_9"), ("Redis", "REDIS"),
    ]

    @Test("service keys become variable prefixes", arguments: prefixes)
    func variablePrefix(_ key: String, _ expected: String) {
        #expect(SessionInfo.variablePrefix(key) == expected)
    }
}

@Suite("Service endpoints")
struct ServiceEndpointUnitTests {
    /// A trimmed `GET /containers/{id}/json` reply of Docker 20.10 for a PostgreSQL service
    /// with 5432 published on all IPv4 and IPv6 addresses and 9187 only exposed.
    static let inspectJSON = """
        {
          "Id": "8d1f0c7be2a54b0f9a6c3e5d7f1b2a4c6e8d0f1a3b5c7d9e0f2a4b6c8d0e1f2a",
          "Created": "2024-05-01T09:12:44.123456789Z",
          "Path": "docker-entrypoint.sh",
          "Args": ["postgres"],
          "State": {
            "Status": "running", "Running": true, "Paused": false, "Restarting": false, "OOMKilled": false,
            "Dead": false, "Pid": 48211, "ExitCode": 0, "Error": "",
            "StartedAt": "2024-05-01T09:12:44.612345678Z", "FinishedAt": "0001-01-01T00:00:00Z",
            "Health": {"Status": "starting", "FailingStreak": 0, "Log": []}
          },
          "Image": "sha256:1f2e3d4c5b6a",
          "Name": "/berth-a1b2c3d4e5-postgres",
          "RestartCount": 0,
          "HostConfig": {
            "NetworkMode": "berth-a1b2c3d4e5", "PortBindings": {"5432/tcp": [{"HostIp": "", "HostPort": ""}]}
          },
          "Mounts": [],
          "Config": {
            "Hostname": "8d1f0c7be2a5",
            "ExposedPorts": {"5432/tcp": {}, "9187/tcp": {}},
            "Env": ["POSTGRES_PASSWORD=password", "GITHUB_ACTIONS=true", "CI=true"],
            "Cmd": ["postgres"],
            "Healthcheck": {
              "Test": ["CMD-SHELL", "pg_isready"], "Interval": 10000000000, "Timeout": 5000000000, "Retries": 5
            },
            "Image": "postgres:16-bookworm",
            "Labels": {"berth.service": "postgres", "berth.session": "a1b2c3d4e5"}
          },
          "NetworkSettings": {
            "Bridge": "", "SandboxID": "5e6f", "HairpinMode": false,
            "Ports": {
              "5432/tcp": [{"HostIp": "0.0.0.0", "HostPort": "49153"}, {"HostIp": "::", "HostPort": "49153"}],
              "9187/tcp": null
            },
            "Networks": {
              "berth-a1b2c3d4e5": {
                "IPAMConfig": {}, "Links": null, "Aliases": ["postgres", "8d1f0c7be2a5"],
                "NetworkID": "0a9b8c7d", "EndpointID": "1b2c3d4e", "Gateway": "172.16.4.1",
                "IPAddress": "172.16.4.2", "IPPrefixLen": 27, "MacAddress": "02:42:ac:10:04:02"
              }
            }
          }
        }
        """

    private let network = "berth-a1b2c3d4e5"

    private func inspect(_ json: String = inspectJSON) throws -> ContainerInspect {
        try UnitFixture.decode(ContainerInspect.self, from: json)
    }

    @Test("inside a container the host is the key and ports are container ports")
    func inContainer() throws {
        let endpoint = SessionManager.endpoint(
            for: "postgres", inspect: try inspect(), network: network, inContainer: true)

        #expect(endpoint.host == "postgres")
        #expect(endpoint.ports.map(\.containerPort) == [5432, 9187])
        #expect(endpoint.ports.map(\.port) == [5432, 9187])
        #expect(endpoint.ports.map(\.hostPort) == [49153, nil])
        #expect(endpoint.ipAddress == "172.16.4.2")
        #expect(endpoint.containerName == "berth-a1b2c3d4e5-postgres")
        #expect(endpoint.containerID == "8d1f0c7be2a54b0f9a6c3e5d7f1b2a4c6e8d0f1a3b5c7d9e0f2a4b6c8d0e1f2a")
        #expect(endpoint.image == "postgres:16-bookworm")
    }

    @Test("on the host published ports are reached at 127.0.0.1")
    func hostPublished() throws {
        let endpoint = SessionManager.endpoint(
            for: "postgres", inspect: try inspect(), network: network, inContainer: false)

        #expect(endpoint.host == "127.0.0.1")
        #expect(endpoint.ports.map(\.containerPort) == [5432])
        #expect(endpoint.ports.map(\.port) == [49153])
        #expect(endpoint.ports.map(\.proto) == ["tcp"])
    }

    @Test("the IPv4 binding is used when IPv6 comes first")
    func ipv6BindingFirst() throws {
        let json = Self.inspectJSON.replacingOccurrences(
            of: #"[{"HostIp": "0.0.0.0", "HostPort": "49153"}, {"HostIp": "::", "HostPort": "49153"}]"#,
            with: #"[{"HostIp": "::", "HostPort": "49160"}, {"HostIp": "0.0.0.0", "HostPort": "49153"}]"#)

        let endpoint = SessionManager.endpoint(
            for: "postgres", inspect: try inspect(json), network: network, inContainer: false)

        #expect(endpoint.ports.map(\.port) == [49153])
    }

    @Test("on the host without published ports the container address is used")
    func hostUnpublished() throws {
        let json = Self.inspectJSON.replacingOccurrences(
            of: #"[{"HostIp": "0.0.0.0", "HostPort": "49153"}, {"HostIp": "::", "HostPort": "49153"}]"#,
            with: "null")

        let endpoint = SessionManager.endpoint(
            for: "postgres", inspect: try inspect(json), network: network, inContainer: false)

        #expect(endpoint.host == "172.16.4.2")
        #expect(endpoint.ports.map(\.port) == [5432, 9187])
        #expect(endpoint.ports.allSatisfy { $0.hostPort == nil })
    }

    @Test("an address on another network is not used")
    func otherNetwork() throws {
        let endpoint = SessionManager.endpoint(
            for: "postgres", inspect: try inspect(), network: "berth-other", inContainer: true)

        #expect(endpoint.ipAddress == nil)
    }

    @Test("exposed ports sort by number, with the protocol kept")
    func portOrder() throws {
        let json = """
            {
              "Id": "c0ffee", "Name": "/dns", "State": {"Status": "running", "Running": true},
              "Config": {"Image": "localhost/dns", "ExposedPorts": {"10053/tcp": {}, "53/udp": {}, "953/tcp": {}}},
              "NetworkSettings": {"Ports": {}, "Networks": {"n": {"IPAddress": ""}}}
            }
            """

        let endpoint = SessionManager.endpoint(for: "dns", inspect: try inspect(json), network: "n", inContainer: true)

        #expect(endpoint.ports.map(\.containerPort) == [53, 953, 10053])
        #expect(endpoint.ports.map(\.proto) == ["udp", "tcp", "tcp"])
        #expect(endpoint.ipAddress == nil)
        #expect(endpoint.containerName == "dns")
    }
}
