import Foundation
import Testing

@testable import EngineAPI

/// API version negotiation through `GET /_ping` and the request lines that follow it.
@Suite("Version negotiation", .timeLimit(.minutes(1)))
struct VersionNegotiationTests {
    /// Starts a stub that replies to `/_ping` with `apiVersion` and to the list routes with empty lists.
    private func daemon(apiVersion: String?) throws -> StubServer {
        try StubServer { request in
            switch request.path {
            case "/_ping": .ping(apiVersion: apiVersion)
            case let path where path.hasSuffix("/volumes"): .json(200, #"{"Volumes":[]}"#)
            default: .json(200, "[]")
            }
        }
    }

    @Test("Daemon version within range is used")
    func versionInRange() async throws {
        let server = try daemon(apiVersion: "1.43")
        defer { server.stop() }
        let client = EngineClient(stub: server)

        let version = try await client.apiVersion()
        _ = try await client.listNetworks()

        #expect(version == APIVersion(1, 43))
        #expect(server.requests.map(\.requestLine) == ["GET /_ping HTTP/1.1", "GET /v1.43/networks HTTP/1.1"])
    }

    @Test("Newer daemon is capped at the maximum")
    func versionCapped() async throws {
        let server = try daemon(apiVersion: "1.50")
        defer { server.stop() }
        let client = EngineClient(stub: server)

        let version = try await client.apiVersion()
        _ = try await client.listNetworks()

        #expect(version == EngineClient.maximumAPIVersion)
        #expect(server.requests.last?.requestLine == "GET /v\(EngineClient.maximumAPIVersion)/networks HTTP/1.1")
    }

    @Test("Older daemon is unsupported")
    func versionTooOld() async throws {
        let server = try daemon(apiVersion: "1.40")
        defer { server.stop() }
        let client = EngineClient(stub: server)

        let error = await engineError { try await client.listNetworks() }

        #expect(error?.code == .unsupportedVersion)
        #expect(error?.message == "the Docker daemon speaks API 1.40, older than the 1.41 Berth needs")
        #expect(error?.hint == "Upgrade the daemon to Docker Engine 20.10 or newer.")
        #expect(server.requests.count == 1)
    }

    @Test("Missing Api-Version header means the minimum")
    func versionHeaderMissing() async throws {
        let server = try daemon(apiVersion: nil)
        defer { server.stop() }
        let client = EngineClient(stub: server)

        let version = try await client.apiVersion()
        _ = try await client.listNetworks()

        #expect(version == EngineClient.minimumAPIVersion)
        #expect(server.requests.last?.requestLine == "GET /v1.41/networks HTTP/1.1")
    }

    @Test("Unparsable Api-Version header means the minimum")
    func versionHeaderGarbage() async throws {
        let server = try daemon(apiVersion: "one.forty-three")
        defer { server.stop() }

        let version = try await EngineClient(stub: server).apiVersion()

        #expect(version == EngineClient.minimumAPIVersion)
    }

    @Test("Ping runs once per client")
    func pingOnce() async throws {
        let server = try daemon(apiVersion: "1.41")
        defer { server.stop() }
        let client = EngineClient(stub: server)

        _ = try await client.listNetworks()
        _ = try await client.listNetworks()

        #expect(server.requests.map(\.path) == ["/_ping", "/v1.41/networks", "/v1.41/networks"])
    }

    @Test("Ping error status is a daemon error")
    func pingFails() async throws {
        let server = try StubServer { _ in .json(500, #"{"message":"starting"}"#) }
        defer { server.stop() }

        let error = await engineError { try await EngineClient(stub: server).ping() }

        #expect(error?.code == .daemon)
        #expect(error?.status == 500)
        #expect(error?.message == "the Docker daemon responded to /_ping with status 500")
    }

    @Test("Label filters are JSON, percent-encoded")
    func filterQueryEncoding() async throws {
        let server = try daemon(apiVersion: "1.43")
        defer { server.stop() }
        let client = EngineClient(stub: server)

        _ = try await client.listContainers(all: true, filters: ["label": ["berth.session=a+b c"]])

        #expect(
            server.requests.last?.requestLine
                == "GET /v1.43/containers/json?all=1&filters=%7B%22label%22%3A%5B%22berth.session%3Da%2Bb%20c%22%5D%7D HTTP/1.1"
        )
    }

    @Test("Query reserved characters are percent-encoded")
    func reservedQueryCharacters() async throws {
        let server = try daemon(apiVersion: "1.41")
        defer { server.stop() }
        let client = EngineClient(stub: server)

        _ = try await client.listVolumes(filters: ["label": ["k=a;b&c/d?e#f"]])

        #expect(
            server.requests.last?.target
                == "/v1.41/volumes?filters=%7B%22label%22%3A%5B%22k%3Da%3Bb%26c%5C%2Fd%3Fe%23f%22%5D%7D")
    }

    @Test("No filters means no query")
    func emptyFilters() async throws {
        let server = try daemon(apiVersion: "1.41")
        defer { server.stop() }

        _ = try await EngineClient(stub: server).listContainers(all: false)

        #expect(server.requests.last?.target == "/v1.41/containers/json?all=0")
    }

    @Test("Path characters are percent-encoded")
    func pathEncoding() async throws {
        let server = try StubServer { request in
            request.path == "/_ping" ? .ping(apiVersion: "1.41") : .json(404, #"{"message":"no such image"}"#)
        }
        defer { server.stop() }

        let image = try await EngineClient(stub: server).inspectImage("localhost/a b?c:1")

        #expect(image == nil)
        #expect(server.requests.last?.target == "/v1.41/images/localhost/a%20b%3Fc:1/json")
    }

    @Test(
        "Version strings parse exactly",
        arguments: [
            ("1.41", APIVersion(1, 41)), (" 1.47 ", APIVersion(1, 47)), ("2.0", APIVersion(2, 0)),
            ("1", nil), ("1.41.2", nil), ("v1.41", nil), ("", nil),
        ])
    func parseVersion(text: String, expected: APIVersion?) {
        #expect(APIVersion(parsing: text) == expected)
    }

    @Test("Versions compare by minor number")
    func compareVersions() {
        #expect(APIVersion(1, 9) < APIVersion(1, 41))
        #expect(APIVersion(1, 47) < APIVersion(2, 0))
        #expect(APIVersion(1, 41).description == "1.41")
    }
}
