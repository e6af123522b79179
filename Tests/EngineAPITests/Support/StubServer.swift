import Foundation
import Synchronization
import SystemShims

@testable import EngineAPI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A request as the stub server parsed it off the wire.
struct StubRequest: Sendable {
    /// The first line without its CRLF, e.g. `GET /v1.41/_ping HTTP/1.1`.
    var requestLine: String
    /// Headers in arrival order.
    var headers: [(String, String)]
    /// The body, read by `Content-Length`.
    var body: [UInt8]

    /// The method from the request line.
    var method: String { requestLine.split(separator: " ").first.map(String.init) ?? "" }

    /// The request target from the request line, path and query.
    var target: String {
        let parts = requestLine.split(separator: " ")
        return parts.count > 1 ? String(parts[1]) : ""
    }

    /// The path part of the target.
    var path: String { target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? target }

    /// Returns the first value of a header, matched without regard to case.
    func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }
}

/// What a scripted stub sends back for one request.
struct StubReply: Sendable {
    /// The bytes to send, one write per piece; each piece waits until the client has read the previous one.
    var pieces: [[UInt8]]
    /// Close the connection after the last piece.
    var closesConnection = false
    /// Send nothing and keep the connection open until the client or the server closes it.
    var withholdsReply = false

    /// Builds a complete response with `Content-Length`.
    static func status(_ status: Int, _ body: String = "", headers: [(String, String)] = []) -> StubReply {
        let reason = status == 200 ? "OK" : "Status"
        var head = "HTTP/1.1 \(status) \(reason)\r\n"
        for (name, value) in headers {
            head += "\(name): \(value)\r\n"
        }
        head += "Content-Length: \(body.utf8.count)\r\n\r\n"
        return StubReply(pieces: [Array((head + body).utf8)])
    }

    /// Builds a JSON response, as the daemon sends for most routes and for errors.
    static func json(_ status: Int, _ body: String) -> StubReply {
        .status(status, body, headers: [("Content-Type", "application/json")])
    }

    /// Builds the reply of `GET /_ping`, with `Api-Version` when `apiVersion` is set.
    static func ping(apiVersion: String?) -> StubReply {
        .status(200, "OK", headers: apiVersion.map { [("Api-Version", $0)] } ?? [])
    }

    /// Raw text sent as separate writes, for framing the stub spells out byte by byte.
    static func raw(_ pieces: String..., closing: Bool = false) -> StubReply {
        StubReply(pieces: pieces.map { Array($0.utf8) }, closesConnection: closing)
    }

    /// Returns the same reply, followed by closing the connection.
    func closing() -> StubReply {
        var reply = self
        reply.closesConnection = true
        return reply
    }

    /// No reply at all, for timeouts and cancellation.
    static let withheld = StubReply(pieces: [], withholdsReply: true)
}

/// One accepted connection on the stub server.
///
/// Concurrency model: a connection is read and written by its handler thread only. The server's
/// thread may call `shutdown()` to wake a blocked read when the test ends; the descriptor is closed
/// once, under `descriptor`'s lock.
final class StubConnection: Sendable {
    /// The order in which the server accepted this connection, from 0.
    let index: Int
    private let descriptor: Mutex<Int32>
    private let pending = Mutex<[UInt8]>([])

    init(descriptor: Int32, index: Int) {
        self.descriptor = Mutex(descriptor)
        self.index = index
    }

    /// Reads the next request; nil when the client closed the connection first.
    func readRequest() -> StubRequest? {
        guard let headEnd = readUntilHeadEnd() else {
            return nil
        }
        let headBytes = pending.withLock { buffer in
            defer { buffer.removeFirst(headEnd) }
            return Array(buffer[..<headEnd])
        }
        let lines = String(decoding: headBytes, as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        guard let requestLine = lines.first else {
            return nil
        }

        var headers: [(String, String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(
                (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var request = StubRequest(requestLine: requestLine, headers: headers, body: [])
        let length = request.header("Content-Length").flatMap { Int($0) } ?? 0
        guard let body = readBytes(length) else {
            return nil
        }
        request.body = body
        return request
    }

    /// Sends bytes, then waits until the client has read all of them, so that the next write
    /// reaches the client as a separate read.
    func writeAndDrain(_ bytes: [UInt8]) {
        let fd = descriptor.withLock { $0 }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { return }
            offset += written
        }
        waitUntilDrained(fd)
    }

    /// Blocks until the client closes the connection or the server shuts it down.
    func waitForClose() {
        while let bytes = receive(), !bytes.isEmpty {}
    }

    /// Closes the connection, so the client reads end of stream.
    func close() {
        descriptor.withLock { fd in
            if fd >= 0 {
                Glibc.close(fd)
                fd = -1
            }
        }
    }

    /// Wakes a blocked read from another thread.
    func shutdown() {
        descriptor.withLock { fd in
            if fd >= 0 {
                _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
            }
        }
    }

    private func readUntilHeadEnd() -> Int? {
        let marker: [UInt8] = Array("\r\n\r\n".utf8)
        while true {
            let found = pending.withLock { buffer -> Int? in
                guard buffer.count >= 4 else { return nil }
                for start in 0...(buffer.count - 4) where Array(buffer[start..<start + 4]) == marker {
                    return start + 4
                }
                return nil
            }
            if let found {
                return found
            }
            guard let bytes = receive(), !bytes.isEmpty else {
                return nil
            }
            pending.withLock { $0.append(contentsOf: bytes) }
        }
    }

    private func readBytes(_ count: Int) -> [UInt8]? {
        while pending.withLock({ $0.count }) < count {
            guard let bytes = receive(), !bytes.isEmpty else {
                return nil
            }
            pending.withLock { $0.append(contentsOf: bytes) }
        }
        return pending.withLock { buffer in
            defer { buffer.removeFirst(count) }
            return Array(buffer[..<count])
        }
    }

    private func receive() -> [UInt8]? {
        let fd = descriptor.withLock { $0 }
        guard fd >= 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { raw in
            retryingOnInterrupt { Glibc.recv(fd, raw.baseAddress, raw.count, 0) }
        }
        return count < 0 ? nil : Array(buffer[..<count])
    }

    /// Polls the unread byte count of the send queue (`TIOCOUTQ`, which for a Unix stream socket
    /// falls to 0 once the peer has read everything) for at most five seconds.
    private func waitUntilDrained(_ fd: Int32) {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            var unread: Int32 = 0
            guard ioctl(fd, UInt(TIOCOUTQ), &unread) == 0, unread > 0 else {
                return
            }
            usleep(200)
        }
    }
}

/// A scripted HTTP/1.1 server on a temporary Unix socket, standing in for the Docker daemon.
///
/// Every accepted connection gets its own thread running `handler`. Counters for accepted
/// connections and parsed requests let tests wait for the server instead of sleeping. `stop()`
/// wakes and joins every thread, closes every descriptor and removes the socket and its directory.
///
/// Concurrency model: the counters and the list of requests live behind `condition`; `condition`
/// is broadcast on every change so waiters can recheck.
final class StubServer: @unchecked Sendable {
    /// The path of the listening socket.
    let socketPath: String
    private let directory: String
    private let listener: Int32
    private let condition = NSCondition()
    private let threads = DispatchGroup()
    private var acceptedConnections: [StubConnection] = []
    private var receivedRequests: [StubRequest] = []
    private var stopping = false

    /// Starts a server whose handler reads requests and sends `respond`'s reply to each, on
    /// keep-alive connections.
    convenience init(respond: @escaping @Sendable (StubRequest) -> StubReply) throws {
        try self.init { connection, server in
            server.serveRequests(on: connection, respond: respond)
        }
    }

    /// Starts a server that runs `handler` for every accepted connection.
    init(handler: @escaping @Sendable (StubConnection, StubServer) -> Void) throws {
        var template = Array("/tmp/berth-stub-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw StubError.system("mkdtemp", errno)
        }
        directory = String(cString: created)
        socketPath = directory + "/engine.sock"
        do {
            listener = try Self.listen(at: socketPath)
        } catch {
            rmdir(directory)
            throw error
        }

        threads.enter()
        let acceptThread = Thread { [self] in
            acceptLoop(handler: handler)
            threads.leave()
        }
        acceptThread.start()
    }

    /// How many connections the server has accepted.
    var acceptCount: Int { condition.withLock { acceptedConnections.count } }

    /// Every request parsed so far, in arrival order.
    var requests: [StubRequest] { condition.withLock { receivedRequests } }

    /// Waits until the server has parsed `count` requests; false when `timeout` seconds pass first.
    func waitForRequests(_ count: Int, timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while receivedRequests.count < count {
            guard condition.wait(until: deadline) else {
                return receivedRequests.count >= count
            }
        }
        return true
    }

    /// Waits for `count` requests on a dedicated thread, so async tests never block the cooperative pool.
    func requestsArrived(_ count: Int, timeout: Double = 10) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.waitForRequests(count, timeout: timeout)) }.start()
        }
    }

    /// Reads requests on `connection` and replies to each with `respond`'s reply until the client closes.
    func serveRequests(on connection: StubConnection, respond: (StubRequest) -> StubReply) {
        while let request = connection.readRequest() {
            record(request)
            let reply = respond(request)
            if reply.withholdsReply {
                connection.waitForClose()
                return
            }
            reply.pieces.forEach(connection.writeAndDrain)
            if reply.closesConnection {
                connection.close()
                return
            }
        }
    }

    /// Stores a request and wakes waiters; handlers that parse requests themselves call it.
    func record(_ request: StubRequest) {
        condition.withLock {
            receivedRequests.append(request)
            condition.broadcast()
        }
    }

    /// Stops accepting, wakes and joins every handler, closes every descriptor and removes the socket.
    func stop() {
        let connections: [StubConnection]? = condition.withLock {
            guard !stopping else { return nil }
            stopping = true
            return acceptedConnections
        }
        guard let connections else { return }

        // A connection of our own wakes the blocked accept(2), which then finds `stopping` set.
        if let wake = try? Self.connect(to: socketPath) {
            Glibc.close(wake)
        }
        connections.forEach { $0.shutdown() }
        let joined = threads.wait(timeout: .now() + 10) == .success

        if joined {
            condition.withLock { acceptedConnections }.forEach { $0.close() }
            Glibc.close(listener)
        }
        unlink(socketPath)
        rmdir(directory)
    }

    private func acceptLoop(handler: @escaping @Sendable (StubConnection, StubServer) -> Void) {
        while true {
            let fd = retryingOnInterrupt { berth_accept_close_on_exec(listener) }
            let connection: StubConnection? = condition.withLock {
                guard fd >= 0, !stopping else { return nil }
                let connection = StubConnection(descriptor: fd, index: acceptedConnections.count)
                acceptedConnections.append(connection)
                condition.broadcast()
                return connection
            }
            guard let connection else {
                if fd >= 0 { Glibc.close(fd) }
                return
            }

            threads.enter()
            Thread { [self] in
                handler(connection, self)
                threads.leave()
            }.start()
        }
    }

    private static func listen(at path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw StubError.system("socket", errno) }
        var address = unixAddress(path)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, Glibc.listen(fd, 64) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw StubError.system("bind/listen \(path)", code)
        }
        return fd
    }

    static func connect(to path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw StubError.system("socket", errno) }
        var address = unixAddress(path)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            Glibc.close(fd)
            throw StubError.system("connect \(path)", code)
        }
        return fd
    }

    /// Builds a `sockaddr_un`; callers keep paths short (the temporary directory is under /tmp).
    static func unixAddress(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8.prefix(MemoryLayout.size(ofValue: address.sun_path) - 1))
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: bytes)
        }
        return address
    }
}

/// A system call in the stub failed.
enum StubError: Error, CustomStringConvertible {
    case system(String, Int32)

    var description: String {
        switch self {
        case .system(let call, let code): return "\(call) failed: \(String(cString: strerror(code)))"
        }
    }
}
