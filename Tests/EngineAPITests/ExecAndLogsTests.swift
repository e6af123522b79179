import Foundation
import Testing

@testable import EngineAPI

/// Exec over an upgraded (101) connection and container logs, against a stub daemon.
@Suite("Exec and logs", .serialized, .timeLimit(.minutes(3)))
struct ExecAndLogsTests {
    /// Starts a stub daemon for one exec. Create returns `e1`, start sends `startReply` and inspect reports exit code 3.
    private func execDaemon(apiVersion: String = "1.41", startReply: @escaping @Sendable () -> StubReply) throws
        -> StubServer
    {
        try StubServer { request in
            switch (request.method, request.path) {
            case ("GET", "/_ping"): .ping(apiVersion: apiVersion)
            case ("POST", "/v\(apiVersion)/containers/c1/exec"): .json(201, #"{"Id":"e1"}"#)
            case ("POST", "/v\(apiVersion)/exec/e1/start"): startReply()
            case ("GET", "/v\(apiVersion)/exec/e1/json"): .json(200, #"{"Running":false,"ExitCode":3}"#)
            default: .json(404, #"{"message":"unexpected \#(request.requestLine)"}"#)
            }
        }
    }

    /// Builds the head of an upgraded exec start, as Docker sends it.
    private func upgradeHead(contentType: String) -> [UInt8] {
        Array(
            "HTTP/1.1 101 UPGRADED\r\nContent-Type: \(contentType)\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n".utf8)
    }

    @Test("Exec labelled raw-stream on API 1.41")
    func execRawStreamLabel() async throws {
        let head = upgradeHead(contentType: "application/vnd.docker.raw-stream")
        let server = try execDaemon {
            StubReply(pieces: [head + frame(1, "out\n"), frame(2, "err\n")]).closing()
        }
        defer { server.stop() }

        let result = try await EngineClient(stub: server).exec("c1", command: ["sh", "-c", "exit 3"], timeout: 60)

        #expect(String(decoding: result.stdout, as: UTF8.self) == "out\n")
        #expect(String(decoding: result.stderr, as: UTF8.self) == "err\n")
        #expect(result.exitCode == 3)
    }

    @Test("Exec labelled multiplexed-stream")
    func execMultiplexedLabel() async throws {
        let head = upgradeHead(contentType: "application/vnd.docker.multiplexed-stream")
        let server = try execDaemon(apiVersion: "1.44") {
            StubReply(pieces: [head, frame(1, "out\n") + frame(2, "err\n")]).closing()
        }
        defer { server.stop() }

        let result = try await EngineClient(stub: server).exec("c1", command: ["true"], timeout: 60)

        #expect(String(decoding: result.stdout, as: UTF8.self) == "out\n")
        #expect(String(decoding: result.stderr, as: UTF8.self) == "err\n")
        #expect(result.combinedOutput == "out\nerr")
    }

    @Test("Exec frames split inside their headers")
    func execFramesSplit() async throws {
        let head = upgradeHead(contentType: "application/vnd.docker.raw-stream")
        let bytes = frame(1, "hello ") + frame(2, "warn\n") + frame(1, "world\n")
        let server = try execDaemon {
            StubReply(pieces: [head + bytes[..<3], Array(bytes[3..<17]), Array(bytes[17...])]).closing()
        }
        defer { server.stop() }

        let result = try await EngineClient(stub: server).exec("c1", command: ["true"], timeout: 60)

        #expect(String(decoding: result.stdout, as: UTF8.self) == "hello world\n")
        #expect(String(decoding: result.stderr, as: UTF8.self) == "warn\n")
    }

    @Test("Exec sends the create body and upgrade headers")
    func execRequests() async throws {
        let head = upgradeHead(contentType: "application/vnd.docker.raw-stream")
        let server = try execDaemon { StubReply(pieces: [head]).closing() }
        defer { server.stop() }

        _ = try await EngineClient(stub: server).exec(
            "c1", command: ["pg_isready", "-U", "x"], user: "postgres", timeout: 60)
        let requests = server.requests

        try #require(requests.count == 4)
        #expect(
            String(decoding: requests[1].body, as: UTF8.self)
                == #"{"AttachStderr":true,"AttachStdout":true,"Cmd":["pg_isready","-U","x"],"User":"postgres"}"#)
        #expect(requests[2].requestLine == "POST /v1.41/exec/e1/start HTTP/1.1")
        #expect(requests[2].header("Connection") == "Upgrade")
        #expect(requests[2].header("Upgrade") == "tcp")
        #expect(String(decoding: requests[2].body, as: UTF8.self) == #"{"Detach":false,"Tty":false}"#)
    }

    @Test("Daemon error frame fails the exec")
    func execSystemError() async throws {
        let head = upgradeHead(contentType: "application/vnd.docker.raw-stream")
        let server = try execDaemon {
            StubReply(pieces: [head + frame(1, "partial") + frame(3, "exec failed")]).closing()
        }
        defer { server.stop() }

        let error = await engineError {
            try await EngineClient(stub: server).exec("c1", command: ["true"], timeout: 60)
        }

        #expect(error?.code == .stream)
        #expect(error?.message == "exec failed")
        #expect(error?.request == "POST /v1.41/exec/e1/start")
    }

    @Test("Stream ending inside a frame is malformed")
    func execTruncatedFrame() async throws {
        let head = upgradeHead(contentType: "application/vnd.docker.raw-stream")
        let server = try execDaemon { StubReply(pieces: [head + Array(frame(1, "cut short").prefix(12))]).closing() }
        defer { server.stop() }

        let error = await engineError {
            try await EngineClient(stub: server).exec("c1", command: ["true"], timeout: 60)
        }

        #expect(error?.code == .malformedResponse)
    }

    @Test("Exec start error status is a daemon error")
    func execStartConflict() async throws {
        let server = try execDaemon { .json(409, #"{"message":"Container c1 is not running"}"#) }
        defer { server.stop() }

        let error = await engineError {
            try await EngineClient(stub: server).exec("c1", command: ["true"], timeout: 60)
        }

        #expect(error?.isConflict == true)
        #expect(error?.message == "Container c1 is not running")
    }

    @Test("Exec output that never ends times out")
    func execTimeout() async throws {
        let head = upgradeHead(contentType: "application/vnd.docker.raw-stream")
        let server = try StubServer { request in
            switch request.path {
            case "/_ping": .ping(apiVersion: "1.41")
            case "/v1.41/containers/c1/exec": .json(201, #"{"Id":"e1"}"#)
            default: StubReply(pieces: [head + frame(1, "still running\n")])
            }
        }
        defer { server.stop() }

        let error = await engineError {
            try await EngineClient(stub: server).exec("c1", command: ["sleep", "1d"], timeout: 0.5)
        }

        #expect(error?.code == .timedOut)
        #expect(error?.request == "POST /v1.41/exec/e1/start")
    }

    @Test("Logs keep the order of stdout and stderr")
    func logsInterleaved() async throws {
        let body = frame(1, "one\n") + frame(2, "two\n") + frame(1, "three\n")
        let chunked = Array("\(String(body.count, radix: 16))\r\n".utf8) + body + Array("\r\n0\r\n\r\n".utf8)
        let server = try StubServer { request in
            request.path == "/_ping"
                ? .ping(apiVersion: "1.41")
                : StubReply(pieces: [Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".utf8) + chunked])
        }
        defer { server.stop() }

        let logs = try await EngineClient(stub: server).containerLogs("c1", tail: 20)

        #expect(logs == "one\ntwo\nthree\n")
        #expect(server.requests.last?.target == "/v1.41/containers/c1/logs?stdout=1&stderr=1&tail=20")
    }

    @Test("Logs of a TTY container are raw")
    func logsRawStream() async throws {
        let server = try StubServer { request in
            request.path == "/_ping"
                ? .ping(apiVersion: "1.44")
                : .status(200, "plain text\r\n", headers: [("Content-Type", "application/vnd.docker.raw-stream")])
        }
        defer { server.stop() }

        let logs = try await EngineClient(stub: server).containerLogs("c1", tail: 5)

        #expect(logs == "plain text\r\n")
    }

    @Test("TTY logs without Content-Type are raw")
    func logsRawWithoutContentType() async throws {
        let server = try StubServer { request in
            request.path == "/_ping"
                ? .ping(apiVersion: "1.41")
                : .raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "7\r\nhello\r\n\r\n0\r\n\r\n")
        }
        defer { server.stop() }

        let logs = try await EngineClient(stub: server).containerLogs("tty", tail: 5)

        #expect(logs == "hello\r\n")
    }

    @Test("Logs of a missing container are not found")
    func logsNotFound() async throws {
        let server = try StubServer { request in
            request.path == "/_ping" ? .ping(apiVersion: "1.41") : .json(404, #"{"message":"No such container: c9"}"#)
        }
        defer { server.stop() }

        let error = await engineError { try await EngineClient(stub: server).containerLogs("c9", tail: 5) }

        #expect(error?.isNotFound == true)
        #expect(error?.message == "No such container: c9")
    }
}
