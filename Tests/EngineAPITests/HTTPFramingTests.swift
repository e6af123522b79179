import Foundation
import Testing

@testable import EngineAPI

/// Response framing and connection reuse, against a stub daemon on a Unix socket.
@Suite("HTTP framing", .timeLimit(.minutes(1)))
struct HTTPFramingTests {
    @Test("Content-Length body split across writes")
    func contentLengthSplit() throws {
        let server = try StubServer { _ in
            .raw("HTTP/1.1 200 OK\r\nContent-Le", "ngth: 11\r\n\r\nhello", " world")
        }
        defer { server.stop() }

        let response = try EngineTransport(stub: server).get("/a")

        #expect(response.status == 200)
        #expect(response.body == "hello world")
    }

    @Test("Content-Length of zero")
    func contentLengthZero() throws {
        let server = try StubServer { _ in .status(200) }
        defer { server.stop() }

        let response = try EngineTransport(stub: server).get("/a")

        #expect(response.body == "")
    }

    @Test("Chunked body with extensions and trailers")
    func chunkedWhole() throws {
        let server = try StubServer { _ in
            .raw(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;name=value\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\n"
            )
        }
        defer { server.stop() }

        let response = try EngineTransport(stub: server).get("/a")

        #expect(response.body == "hello, world")
    }

    @Test("Chunked body split at every byte")
    func chunkedEverySplit() throws {
        let head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        let body = Array("1a\r\nabcdefghijklmnopqrstuvwxyz\r\n3;x=y\r\n123\r\n0\r\n\r\n".utf8)
        let server = try StubServer { request in
            let split = Int(request.path.dropFirst("/split/".count)) ?? 0
            return StubReply(pieces: [Array(head.utf8) + body[..<split], Array(body[split...])])
        }
        defer { server.stop() }
        let transport = EngineTransport(stub: server)

        for split in 1..<body.count {
            let response = try transport.get("/split/\(split)")
            #expect(response.body == "abcdefghijklmnopqrstuvwxyz123", "split after byte \(split)")
        }
        #expect(server.acceptCount == 1)
    }

    @Test("Chunk size line split across writes")
    func chunkSizeLineSplit() throws {
        let server = try StubServer { _ in
            .raw(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1", "0\r", "\n0123456789abcdef\r\n0\r\n\r\n")
        }
        defer { server.stop() }

        let response = try EngineTransport(stub: server).get("/a")

        #expect(response.body == "0123456789abcdef")
    }

    @Test("Chunk data CRLF split across writes")
    func chunkCRLFSplit() throws {
        let server = try StubServer { _ in
            .raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r", "\n2\r\ncd", "\r", "\n0\r\n\r", "\n")
        }
        defer { server.stop() }

        let response = try EngineTransport(stub: server).get("/a")

        #expect(response.body == "abcd")
    }

    @Test(
        "Malformed response is rejected",
        arguments: [
            ("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "the connection closed 7 bytes before the body ended"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size 'zz'"),
            (
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
                "the connection closed inside a chunked body"
            ),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXY\r\n", "a chunk did not end with CRLF"),
            ("SSH-2.0-OpenSSH\r\n\r\n", "bad status line 'SSH-2.0-OpenSSH'"),
            ("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "bad header line 'no colon here'"),
            ("HTTP/1.1 200 OK\r\nContent-", "the connection closed before the response headers ended"),
        ])
    func malformedResponse(response: String, problem: String) throws {
        let server = try StubServer { _ in .raw(response, closing: true) }
        defer { server.stop() }

        let error = engineError { try EngineTransport(stub: server).get("/bad") }

        #expect(error?.code == .malformedResponse)
        #expect(error?.message == "malformed response from the Docker daemon: \(problem)")
        #expect(error?.request == "GET /bad")
    }

    @Test("Body without framing ends when the server closes")
    func readToClose() throws {
        let server = try StubServer { _ in
            .raw("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nfirst ", "second", closing: true)
        }
        defer { server.stop() }
        let transport = EngineTransport(stub: server)

        let first = try transport.get("/a")
        let second = try transport.get("/b")

        #expect(first.body == "first second")
        #expect(second.body == "first second")
        #expect(server.acceptCount == 2)
    }

    @Test("Keep-alive serves two requests on one connection")
    func keepAliveReuse() throws {
        let server = try StubServer { request in .status(200, request.path) }
        defer { server.stop() }
        let transport = EngineTransport(stub: server)

        let first = try transport.get("/one")
        let second = try transport.get("/two")

        #expect(first.body == "/one")
        #expect(second.body == "/two")
        #expect(server.acceptCount == 1)
    }

    @Test("204 without Content-Length keeps the connection")
    func noContentReuse() throws {
        let server = try StubServer { request in
            request.method == "DELETE" ? .raw("HTTP/1.1 204 No Content\r\n\r\n") : .status(200, "after")
        }
        defer { server.stop() }
        let transport = EngineTransport(stub: server)

        let (head, body) = try transport.send(HTTPRequest(method: "DELETE", target: "/networks/n"))
        let after = try transport.get("/after")

        #expect(head.status == 204)
        #expect(body.isEmpty)
        #expect(after.body == "after")
        #expect(server.acceptCount == 1)
    }

    @Test("Connection: close is not pooled")
    func connectionCloseNotPooled() throws {
        let server = try StubServer { _ in .status(200, "x", headers: [("Connection", "close")]).closing() }
        defer { server.stop() }
        let transport = EngineTransport(stub: server)

        _ = try transport.get("/one")
        _ = try transport.get("/two")

        #expect(server.acceptCount == 2)
    }

    @Test("Pooled connection closed while idle is retried")
    func staleConnectionRetried() throws {
        let server = try StubServer { request in .status(200, request.path).closing() }
        defer { server.stop() }
        let transport = EngineTransport(stub: server)

        let first = try transport.get("/one")
        let second = try transport.get("/two")

        #expect(first.body == "/one")
        #expect(second.body == "/two")
        #expect(server.acceptCount == 2)
        #expect(server.requests.map(\.path) == ["/one", "/two"])
    }

    @Test("Several stale pooled connections")
    func severalStaleConnections() throws {
        // Both first requests are held until two connections are open, so the pool ends up
        // with two connections that the server then closes.
        let server = try StubServer { connection, server in
            guard let request = connection.readRequest() else { return }
            server.record(request)
            if connection.index < 2 {
                _ = server.waitForRequests(2)
                connection.writeAndDrain(Array("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nheld".utf8))
                connection.close()
            } else {
                connection.writeAndDrain(Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh".utf8))
                connection.waitForClose()
            }
        }
        defer { server.stop() }
        let transport = EngineTransport(stub: server)

        let firstWork = BackgroundWork { () throws(EngineError) in try transport.get("/one").body }
        let secondWork = BackgroundWork { () throws(EngineError) in try transport.get("/two").body }
        let first = try firstWork.wait()?.get()
        let second = try secondWork.wait()?.get()
        let third = try transport.get("/three")

        #expect(first == "held")
        #expect(second == "held")
        #expect(third.body == "fresh")
        #expect(server.acceptCount == 3)
    }
}
