import Foundation
import Testing

@testable import EngineAPI

/// Error statuses from the daemon turned into `EngineError`, and the routes that treat some as success.
@Suite("Daemon errors", .timeLimit(.minutes(1)))
struct DaemonErrorTests {
    /// Starts a stub on API 1.41 that replies to every route but `/_ping` with `reply`.
    private func daemon(_ reply: @escaping @Sendable (StubRequest) -> StubReply) throws -> StubServer {
        try StubServer { request in
            request.path == "/_ping" ? .ping(apiVersion: "1.41") : reply(request)
        }
    }

    @Test("404 JSON body is not found")
    func notFound() async throws {
        let server = try daemon { _ in .json(404, #"{"message":"No such container: ghost"}"#) }
        defer { server.stop() }

        let error = await engineError { try await EngineClient(stub: server).inspectContainer("ghost") }

        #expect(error?.code == .daemon)
        #expect(error?.status == 404)
        #expect(error?.message == "No such container: ghost")
        #expect(error?.request == "GET /v1.41/containers/ghost/json")
        #expect(error?.isNotFound == true)
        #expect(error?.isConflict == false)
    }

    @Test("409 JSON body is a conflict")
    func conflict() async throws {
        let message = #"Conflict. The container name "/db" is already in use"#
        let server = try daemon { _ in
            .json(409, #"{"message":"Conflict. The container name \"/db\" is already in use"}"#)
        }
        defer { server.stop() }

        let error = await engineError {
            try await EngineClient(stub: server).createContainer(
                name: "db", ContainerCreateRequest(image: "localhost/x"))
        }

        #expect(error?.status == 409)
        #expect(error?.message == message)
        #expect(error?.request == "POST /v1.41/containers/create")
        #expect(error?.isConflict == true)
        #expect(error?.isNotFound == false)
    }

    @Test("500 JSON body keeps the daemon's message")
    func serverError() async throws {
        let server = try daemon { _ in .json(500, #"{"message":"driver failed programming external connectivity"}"#) }
        defer { server.stop() }

        let error = await engineError { try await EngineClient(stub: server).startContainer("abc") }

        #expect(error?.code == .daemon)
        #expect(error?.status == 500)
        #expect(error?.message == "driver failed programming external connectivity")
        #expect(error?.description == "driver failed programming external connectivity")
    }

    @Test("Non-JSON error body is passed on as text")
    func plainTextBody() async throws {
        let server = try daemon { _ in .status(404, "404 page not found\n", headers: [("Content-Type", "text/plain")]) }
        defer { server.stop() }

        let error = await engineError { try await EngineClient(stub: server).version() }

        #expect(error?.status == 404)
        #expect(error?.message == "404 page not found")
        #expect(error?.isNotFound == true)
    }

    @Test("Empty error body names the request and status")
    func emptyBody() async throws {
        let server = try daemon { _ in .status(503) }
        defer { server.stop() }

        let error = await engineError { try await EngineClient(stub: server).version() }

        #expect(error?.status == 503)
        #expect(error?.message == "GET /v1.41/version failed with status 503")
    }

    @Test("Undecodable 200 body is a malformed response")
    func undecodableBody() async throws {
        let server = try daemon { _ in .json(200, #"{"Version":42}"#) }
        defer { server.stop() }

        let error = await engineError { try await EngineClient(stub: server).version() }

        #expect(error?.code == .malformedResponse)
    }

    @Test("Removing a missing container succeeds")
    func removeMissingContainer() async throws {
        let server = try daemon { _ in .json(404, #"{"message":"No such container: gone"}"#) }
        defer { server.stop() }

        try await EngineClient(stub: server).removeContainer("gone")

        #expect(server.requests.last?.requestLine == "DELETE /v1.41/containers/gone?force=1&v=1 HTTP/1.1")
    }

    @Test("Removal already in progress succeeds")
    func removeInProgress() async throws {
        let server = try daemon { _ in .json(409, #"{"message":"removal of container abc is already in progress"}"#) }
        defer { server.stop() }

        try await EngineClient(stub: server).removeContainer("abc")

        #expect(server.requests.count == 2)
    }

    @Test("Other conflicts on removal are thrown")
    func removeConflict() async throws {
        let server = try daemon { _ in .json(409, #"{"message":"You cannot remove a running container"}"#) }
        defer { server.stop() }

        let error = await engineError { try await EngineClient(stub: server).removeContainer("abc", force: false) }

        #expect(error?.isConflict == true)
        #expect(server.requests.last?.target == "/v1.41/containers/abc?force=0&v=1")
    }

    @Test("Starting a started container succeeds")
    func startNotModified() async throws {
        let server = try daemon { _ in .raw("HTTP/1.1 304 Not Modified\r\n\r\n") }
        defer { server.stop() }

        try await EngineClient(stub: server).startContainer("abc")

        #expect(server.requests.last?.requestLine == "POST /v1.41/containers/abc/start HTTP/1.1")
    }

    @Test("Disconnecting a container not connected succeeds")
    func disconnectNotConnected() async throws {
        let server = try daemon { _ in
            .json(403, #"{"message":"container abc is not connected to network berth-x"}"#)
        }
        defer { server.stop() }

        try await EngineClient(stub: server).disconnectNetwork("berth-x", container: "abc")

        #expect(
            String(decoding: server.requests.last?.body ?? [], as: UTF8.self) == #"{"Container":"abc","Force":true}"#)
    }

    @Test("Network with endpoints cannot be removed")
    func removeNetworkInUse() async throws {
        let server = try daemon { _ in
            .json(403, #"{"message":"error while removing network: network n has active endpoints"}"#)
        }
        defer { server.stop() }

        let error = await engineError { try await EngineClient(stub: server).removeNetwork("n") }

        #expect(error?.status == 403)
        #expect(error?.message == "error while removing network: network n has active endpoints")
    }
}
