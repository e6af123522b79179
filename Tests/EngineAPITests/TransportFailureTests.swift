import Foundation
import Testing

@testable import EngineAPI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Timeouts, cancellation and connection failures.
@Suite("Transport failures", .timeLimit(.minutes(1)))
struct TransportFailureTests {
    @Test("Server that never replies times out")
    func readTimeout() throws {
        let server = try StubServer { _ in .withheld }
        defer { server.stop() }
        let started = Date()

        let error = engineError { try EngineTransport(stub: server).get("/containers/json", timeout: 0.5) }

        #expect(error?.code == .timedOut)
        #expect(error?.message == "the Docker daemon did not respond to GET /containers/json within 0.5 s")
        #expect(error?.request == "GET /containers/json")
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test("Client request timeout reaches the transport")
    func clientTimeout() async throws {
        let server = try StubServer { request in
            request.path == "/_ping" ? .ping(apiVersion: "1.41") : .withheld
        }
        defer { server.stop() }
        let client = EngineClient(stub: server, requestTimeout: 0.5)

        let error = await engineError { try await client.version() }

        #expect(error?.code == .timedOut)
        #expect(error?.request == "GET /v1.41/version")
    }

    @Test("CancelToken aborts a blocked read")
    func cancelTokenAbortsRead() throws {
        let server = try StubServer { _ in .withheld }
        defer { server.stop() }
        let transport = EngineTransport(stub: server)
        let token = CancelToken()

        let work = BackgroundWork { () throws(EngineError) in
            try transport.send(HTTPRequest(method: "GET", target: "/events"), timeout: 0, cancel: token).body
        }
        #expect(server.waitForRequests(1))
        token.cancel()
        let outcome = work.wait()

        #expect(token.isCancelled)
        #expect(outcome?.error?.code == .cancelled)
        #expect(outcome?.error?.message == "GET /events was cancelled")
    }

    @Test("Cancelled token fails before connecting")
    func cancelledTokenSendsNothing() throws {
        let server = try StubServer { _ in .status(200) }
        defer { server.stop() }
        let token = CancelToken()
        token.cancel()

        let error = engineError {
            try EngineTransport(stub: server).send(HTTPRequest(method: "GET", target: "/a"), cancel: token)
        }

        #expect(error?.code == .cancelled)
        #expect(server.acceptCount == 0)
    }

    @Test("Task cancellation aborts a client call")
    func taskCancellation() async throws {
        let server = try StubServer { request in
            request.path == "/_ping" ? .ping(apiVersion: "1.41") : .withheld
        }
        defer { server.stop() }
        let client = EngineClient(stub: server, requestTimeout: 0)

        let task = Task { try await client.inspectContainer("waiting") }
        #expect(await server.requestsArrived(2))
        task.cancel()
        let error = await engineError { try await task.value }

        #expect(error?.code == .cancelled)
        #expect(error?.request == "GET /v1.41/containers/waiting/json")
    }

    @Test("Missing socket is unreachable and names the address")
    func missingSocket() throws {
        let server = try StubServer { _ in .status(200) }
        defer { server.stop() }
        let missing = server.socketPath + ".missing"

        let error = engineError { try EngineTransport(host: .unix(path: missing)).get("/_ping") }

        #expect(error?.code == .unreachable)
        #expect(
            error?.message == "cannot connect to the Docker daemon at unix://\(missing): No such file or directory")
        #expect(error?.request == "GET /_ping")
    }

    @Test("Socket nobody listens on is refused")
    func refusedUnixSocket() throws {
        let server = try StubServer { _ in .status(200) }
        defer { server.stop() }
        let path = server.socketPath + ".closed"
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = StubServer.unixAddress(path)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        close(descriptor)
        defer { unlink(path) }
        try #require(bound == 0)

        let error = engineError { try EngineTransport(host: .unix(path: path)).get("/_ping") }

        #expect(error?.code == .unreachable)
        #expect(error?.message == "cannot connect to the Docker daemon at unix://\(path): Connection refused")
    }

    @Test("Closed loopback TCP port is refused")
    func refusedTCPPort() throws {
        let port = try unusedLoopbackPort()

        let error = engineError { try EngineTransport(host: .tcp(host: "127.0.0.1", port: port)).get("/_ping") }

        #expect(error?.code == .unreachable)
        #expect(error?.message == "cannot connect to the Docker daemon at tcp://127.0.0.1:\(port): Connection refused")
    }

    @Test("Socket path longer than sun_path is rejected")
    func socketPathTooLong() {
        let path = "/tmp/" + String(repeating: "p", count: 103)

        let error = engineError { try EngineTransport(host: .unix(path: path)).get("/_ping") }

        #expect(path.utf8.count == 108)
        #expect(error?.code == .unreachable)
        #expect(
            error?.message
                == "cannot connect to the Docker daemon at unix://\(path): the socket path is longer than 107 bytes")
    }

    @Test("Socket path of 107 bytes fits sun_path")
    func socketPathAtLimit() {
        let path = "/tmp/" + String(repeating: "p", count: 102)

        let error = engineError { try EngineTransport(host: .unix(path: path)).get("/_ping") }

        #expect(path.utf8.count == 107)
        #expect(error?.message == "cannot connect to the Docker daemon at unix://\(path): No such file or directory")
    }

    /// Binds an ephemeral loopback port and closes it again, so nothing listens there.
    private func unusedLoopbackPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let status = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 ? getsockname(descriptor, raw, &length) : -1
            }
        }
        try #require(status == 0)
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
