import Testing

@testable import EngineAPI

/// Daemon address parsing and resolution from flags and the environment.
@Suite("Docker host")
struct DockerHostTests {
    @Test(
        "Valid addresses parse",
        arguments: [
            ("unix:///var/run/docker.sock", DockerHost.unix(path: "/var/run/docker.sock")),
            ("UNIX:///run/user/1000/docker.sock", .unix(path: "/run/user/1000/docker.sock")),
            ("/var/run/docker.sock", .unix(path: "/var/run/docker.sock")),
            ("  /tmp/d.sock  ", .unix(path: "/tmp/d.sock")),
            ("tcp://127.0.0.1:2375", .tcp(host: "127.0.0.1", port: 2375)),
            ("tcp://localhost:1", .tcp(host: "localhost", port: 1)),
            ("tcp://docker:65535/", .tcp(host: "docker", port: 65535)),
            ("http://127.0.0.1:2375/v1.41", .tcp(host: "127.0.0.1", port: 2375)),
            ("tcp://[::1]:2375", .tcp(host: "::1", port: 2375)),
            ("tcp://[fe80::1%eth0]:2375", .tcp(host: "fe80::1%eth0", port: 2375)),
        ])
    func validAddress(address: String, expected: DockerHost) throws {
        #expect(try DockerHost(parsing: address) == expected)
    }

    @Test(
        "Invalid addresses are rejected with a reason",
        arguments: [
            ("", "it has no scheme"),
            ("docker.sock", "it has no scheme"),
            ("localhost:2375", "it has no scheme"),
            ("unix://", "a unix socket needs an absolute path"),
            ("unix://run/docker.sock", "a unix socket needs an absolute path"),
            ("tcp://127.0.0.1", "a tcp address needs a port, e.g. tcp://127.0.0.1:2375"),
            ("tcp://[::1]", "a tcp address needs a port, e.g. tcp://127.0.0.1:2375"),
            ("tcp://127.0.0.1:", "the port is not a number from 1 to 65535"),
            ("tcp://127.0.0.1:0", "the port is not a number from 1 to 65535"),
            ("tcp://127.0.0.1:65536", "the port is not a number from 1 to 65535"),
            ("tcp://127.0.0.1:http", "the port is not a number from 1 to 65535"),
            ("tcp://:2375", "the host name is empty"),
            ("tcp://[]:2375", "the host name is empty"),
            ("tcp://::1:2375", "an IPv6 address needs brackets, e.g. tcp://[::1]:2375"),
            ("tcp://[::1:2375", "the IPv6 address has no closing ']'"),
            ("tcp://[::1]2375", "expected ':port' after the IPv6 address"),
            ("https://127.0.0.1:2376", "the https scheme is not supported"),
            ("ssh://user@host", "the ssh scheme is not supported"),
            ("npipe:////./pipe/docker_engine", "the npipe scheme is not supported"),
            ("fd://", "unknown scheme 'fd'"),
        ])
    func invalidAddress(address: String, reason: String) {
        let error = engineError { try DockerHost(parsing: address) }

        #expect(error?.code == .invalidHost)
        #expect(error?.message == "invalid Docker host '\(address)': \(reason)")
        #expect(error?.hint == "Use unix:///path/to/docker.sock or tcp://127.0.0.1:2375 with --host or DOCKER_HOST.")
    }

    @Test(
        "Addresses print in DOCKER_HOST form",
        arguments: [
            (DockerHost.unix(path: "/var/run/docker.sock"), "unix:///var/run/docker.sock"),
            (.tcp(host: "127.0.0.1", port: 2375), "tcp://127.0.0.1:2375"),
            (.tcp(host: "::1", port: 2375), "tcp://[::1]:2375"),
        ])
    func description(host: DockerHost, text: String) throws {
        #expect(host.description == text)
        #expect(try DockerHost(parsing: text) == host)
    }

    @Test("Explicit address wins over DOCKER_HOST")
    func resolveExplicit() throws {
        let host = try DockerHost.resolve(
            explicit: "unix:///tmp/explicit.sock", environment: ["DOCKER_HOST": "tcp://127.0.0.1:2375"])

        #expect(host == .unix(path: "/tmp/explicit.sock"))
    }

    @Test("DOCKER_HOST is used without an explicit address")
    func resolveEnvironment() throws {
        let host = try DockerHost.resolve(explicit: "", environment: ["DOCKER_HOST": "tcp://127.0.0.1:2375"])

        #expect(host == .tcp(host: "127.0.0.1", port: 2375))
    }

    @Test("Default socket without explicit address or DOCKER_HOST")
    func resolveDefault() throws {
        #expect(try DockerHost.resolve(explicit: nil, environment: [:]) == .unix(path: "/var/run/docker.sock"))
        #expect(
            try DockerHost.resolve(explicit: nil, environment: ["DOCKER_HOST": ""])
                == .unix(path: "/var/run/docker.sock"))
        #expect(try DockerHost(parsing: DockerHost.defaultAddress) == .unix(path: "/var/run/docker.sock"))
    }

    @Test("Invalid DOCKER_HOST is reported as given")
    func resolveInvalidEnvironment() {
        let error = engineError {
            try DockerHost.resolve(explicit: nil, environment: ["DOCKER_HOST": "ssh://ci@builder"])
        }

        #expect(error?.message == "invalid Docker host 'ssh://ci@builder': the ssh scheme is not supported")
    }

    @Test("DOCKER_TLS_VERIFY rejects DOCKER_HOST")
    func resolveTLSEnvironment() {
        let environment = ["DOCKER_HOST": "tcp://127.0.0.1:2376", "DOCKER_TLS_VERIFY": "1"]

        let error = engineError { try DockerHost.resolve(explicit: nil, environment: environment) }

        #expect(error?.code == .invalidHost)
        #expect(
            error?.message
                == "invalid Docker host 'tcp://127.0.0.1:2376': DOCKER_TLS_VERIFY is set but TLS is not supported")
    }

    @Test("DOCKER_TLS_VERIFY rejects an explicit TCP address")
    func resolveTLSExplicitTCP() {
        let error = engineError {
            try DockerHost.resolve(explicit: "tcp://127.0.0.1:2376", environment: ["DOCKER_TLS_VERIFY": "1"])
        }

        #expect(
            error?.message
                == "invalid Docker host 'tcp://127.0.0.1:2376': DOCKER_TLS_VERIFY is set but TLS is not supported")
    }

    @Test("DOCKER_TLS_VERIFY leaves an explicit Unix socket alone")
    func resolveTLSExplicitUnix() throws {
        let host = try DockerHost.resolve(explicit: "/tmp/d.sock", environment: ["DOCKER_TLS_VERIFY": "1"])

        #expect(host == .unix(path: "/tmp/d.sock"))
    }

    @Test("DOCKER_TLS_VERIFY of 0 or empty is off", arguments: ["0", ""])
    func resolveTLSOff(value: String) throws {
        let environment = ["DOCKER_HOST": "tcp://127.0.0.1:2375", "DOCKER_TLS_VERIFY": value]

        #expect(try DockerHost.resolve(explicit: nil, environment: environment) == .tcp(host: "127.0.0.1", port: 2375))
    }
}
