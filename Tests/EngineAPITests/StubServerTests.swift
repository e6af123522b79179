import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The stub server's own guarantees, which the split-write tests rely on.
@Suite("Stub server", .timeLimit(.minutes(1)))
struct StubServerTests {
    @Test("Each reply piece arrives as its own read")
    func piecesArriveSeparately() throws {
        let server = try StubServer { _ in .raw("HTTP/1.1 200 OK\r\n", "Content-Length: 2\r\n\r\n", "o", "k") }
        defer { server.stop() }
        let descriptor = try StubServer.connect(to: server.socketPath)
        defer { close(descriptor) }
        let request = Array("GET / HTTP/1.1\r\nHost: docker\r\n\r\n".utf8)

        let sent = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var reads: [String] = []
        for _ in 0..<4 {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            reads.append(String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self))
        }

        #expect(sent == request.count)
        #expect(reads == ["HTTP/1.1 200 OK\r\n", "Content-Length: 2\r\n\r\n", "o", "k"])
    }

    @Test("Stopping removes the socket and its directory")
    func stopRemovesSocket() throws {
        let server = try StubServer { _ in .withheld }
        let path = server.socketPath
        let blocked = try StubServer.connect(to: path)
        defer { close(blocked) }

        server.stop()

        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: (path as NSString).deletingLastPathComponent))
    }
}
