import Foundation
import Testing

@testable import EngineAPI

/// Pull and build progress streams, and image reference splitting.
@Suite("Image streams", .timeLimit(.minutes(1)))
struct ImageStreamTests {
    /// Starts a stub whose pull and build routes reply 200 with `chunks` sent as one chunk each.
    private func streamingDaemon(_ chunks: [String]) throws -> StubServer {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        let body = chunks.map { "\(String($0.utf8.count, radix: 16))\r\n\($0)\r\n" }
        return try StubServer { request in
            request.path == "/_ping"
                ? .ping(apiVersion: "1.41")
                : StubReply(pieces: [Array(head.utf8)] + body.map { Array($0.utf8) } + [Array("0\r\n\r\n".utf8)])
        }
    }

    @Test("In-stream error after 200 fails the pull")
    func pullStreamError() async throws {
        let server = try streamingDaemon([
            #"{"status":"Pulling from x","id":"1"}"# + "\r\n",
            #"{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}"# + "\n",
        ])
        defer { server.stop() }
        let messages = Collected<ProgressMessage>()

        let error = await engineError {
            try await EngineClient(stub: server).pullImage("localhost/x:1") { messages.append($0) }
        }

        #expect(error?.code == .stream)
        #expect(error?.message == "manifest unknown")
        #expect(error?.request == "POST /v1.41/images/create")
        #expect(messages.values.map(\.status) == ["Pulling from x", nil])
    }

    @Test("Pull progress in order across chunks")
    func pullProgressOrder() async throws {
        let server = try streamingDaemon([
            #"{"status":"Pulling fs layer","id":"a"}"# + "\n" + #"{"status":"Downlo"#,
            #"ading","id":"a","progressDetail":{"current":5,"total":10}}"# + "\r",
            "\n" + #"{"status":"Pull complete","id":"a"}"# + "\n",
            #"{"status":"Status: Downloaded newer image for localhost/x:1"}"#,
        ])
        defer { server.stop() }
        let messages = Collected<ProgressMessage>()

        try await EngineClient(stub: server).pullImage("localhost/x:1") { messages.append($0) }

        #expect(
            messages.values.map(\.status) == [
                "Pulling fs layer", "Downloading", "Pull complete", "Status: Downloaded newer image for localhost/x:1",
            ])
        #expect(messages.values[1].progressDetail?.current == 5)
        #expect(messages.values[1].progressDetail?.total == 10)
        #expect(server.requests.last?.target == "/v1.41/images/create?fromImage=localhost%2Fx&tag=1")
    }

    @Test("Pull without a tag asks for latest")
    func pullDefaultTag() async throws {
        let server = try streamingDaemon([#"{"status":"done"}"# + "\n"])
        defer { server.stop() }

        try await EngineClient(stub: server).pullImage("postgres") { _ in }

        #expect(server.requests.last?.requestLine == "POST /v1.41/images/create?fromImage=postgres&tag=latest HTTP/1.1")
    }

    @Test("Pull error status is a daemon error")
    func pullNotFound() async throws {
        let server = try StubServer { request in
            request.path == "/_ping"
                ? .ping(apiVersion: "1.41")
                : .json(404, #"{"message":"pull access denied for localhost/x, repository does not exist"}"#)
        }
        defer { server.stop() }

        let error = await engineError { try await EngineClient(stub: server).pullImage("localhost/x") { _ in } }

        #expect(error?.code == .daemon)
        #expect(error?.status == 404)
        #expect(error?.message == "pull access denied for localhost/x, repository does not exist")
    }

    @Test("Build streams output and sends the context")
    func buildStream() async throws {
        let server = try streamingDaemon([
            #"{"stream":"Step 1/2 : FROM scratch\n"}"# + "\n",
            #"{"aux":{"ID":"sha256:abc"}}"# + "\n" + #"{"stream":"Successfully built abc\n"}"# + "\n",
        ])
        defer { server.stop() }
        let messages = Collected<ProgressMessage>()
        let context: [UInt8] = Array(repeating: 0x61, count: 1024)

        try await EngineClient(stub: server).buildImage(
            context: context, tag: "localhost/berth-test:1", labels: ["berth.test": "a b"]
        ) { messages.append($0) }
        let request = server.requests.last

        #expect(messages.values.map(\.stream) == ["Step 1/2 : FROM scratch\n", nil, "Successfully built abc\n"])
        #expect(messages.values[1].aux?.id == "sha256:abc")
        #expect(
            request?.target
                == "/v1.41/build?t=localhost%2Fberth-test%3A1&labels=%7B%22berth.test%22%3A%22a%20b%22%7D&pull=0&rm=1&forcerm=1"
        )
        #expect(request?.header("Content-Type") == "application/x-tar")
        #expect(request?.body == context)
    }

    @Test("Error as the last line without a newline")
    func pullErrorWithoutNewline() async throws {
        let server = try streamingDaemon([#"{"status":"Pulling"}"# + "\n", #"{"error":"no space left on device"}"#])
        defer { server.stop() }

        let error = await engineError { try await EngineClient(stub: server).pullImage("localhost/x:1") { _ in } }

        #expect(error?.code == .stream)
        #expect(error?.message == "no space left on device")
    }

    @Test("Build error message fails the build")
    func buildStreamError() async throws {
        let server = try streamingDaemon([
            #"{"stream":"Step 1/1 : RUN false\n"}"# + "\n",
            #"{"errorDetail":{"code":1,"message":"The command '/bin/sh -c false' returned a non-zero code: 1"},"error":"x"}"#
                + "\n",
        ])
        defer { server.stop() }

        let error = await engineError {
            try await EngineClient(stub: server).buildImage(context: [], tag: "localhost/t:1", labels: [:]) { _ in }
        }

        #expect(error?.code == .stream)
        #expect(error?.message == "The command '/bin/sh -c false' returned a non-zero code: 1")
    }

    @Test(
        "Image references split into repository and tag",
        arguments: [
            ("postgres", "postgres", "latest"),
            ("postgres:16", "postgres", "16"),
            ("library/postgres:16-alpine", "library/postgres", "16-alpine"),
            ("localhost:5000/a/b", "localhost:5000/a/b", "latest"),
            ("localhost:5000/a/b:tag", "localhost:5000/a/b", "tag"),
            ("localhost/berth-fixtures/runner-base:bookworm", "localhost/berth-fixtures/runner-base", "bookworm"),
            ("postgres@sha256:0123abcd", "postgres@sha256:0123abcd", ""),
            ("localhost:5000/a@sha256:0123abcd", "localhost:5000/a@sha256:0123abcd", ""),
            ("postgres:16@sha256:0123abcd", "postgres:16@sha256:0123abcd", ""),
        ])
    func splitReference(reference: String, repository: String, tag: String) {
        let split = EngineClient.splitReference(reference)

        #expect(split.repository == repository)
        #expect(split.tag == tag)
    }
}
