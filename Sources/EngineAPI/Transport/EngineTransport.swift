import Foundation
import Synchronization

/// Sends HTTP/1.1 requests to the daemon over pooled keep-alive connections.
///
/// Concurrency model: every call blocks its calling thread on socket I/O, so the async entry points
/// in `EngineClient` run calls on dedicated threads (see `runBlocking`), never on the cooperative
/// pool. Idle connections live in `idle`, behind a `Mutex`; a connection is owned by one request
/// at a time.
public final class EngineTransport: Sendable {
    /// The daemon address.
    public let host: DockerHost
    private let idle = Mutex<[SocketConnection]>([])
    private let connectTimeout: Double

    /// Creates a transport; no connection is made until the first request.
    public init(host: DockerHost, connectTimeout: Double = 10) {
        self.host = host
        self.connectTimeout = connectTimeout
    }

    private var hostHeader: String {
        switch host {
        case .unix: return "docker"
        case .tcp(let name, let port): return name.contains(":") ? "[\(name)]:\(port)" : "\(name):\(port)"
        }
    }

    /// Sends a request and reads the whole response body.
    ///
    /// `timeout` bounds each read while waiting for the daemon; 0 waits forever. `onSent` runs once
    /// the request is written, before the response is read.
    public func send(
        _ request: HTTPRequest, timeout: Double = 120, cancel: CancelToken? = nil, onSent: (() -> Void)? = nil
    ) throws(EngineError) -> (head: HTTPResponseHead, body: [UInt8]) {
        let (connection, reader, head) = try open(request, timeout: timeout, cancel: cancel, onSent: onSent)
        let body: [UInt8]
        do {
            body = try reader.readBody(head: head)
        } catch {
            connection.close()
            throw Self.describe(error, request: request, timeout: timeout, cancel: cancel)
        }
        release(connection, reusable: !head.closesConnection && head.hasDelimitedBody)
        return (head, body)
    }

    /// Sends a request and passes the body on as it arrives; the connection is not reused.
    ///
    /// Used for streams (pull progress, build output, logs, hijacked exec output) where the body
    /// ends when the daemon is done.
    public func stream(
        _ request: HTTPRequest, timeout: Double = 0, cancel: CancelToken? = nil,
        onHead: (HTTPResponseHead) throws(EngineError) -> Void = { _ throws(EngineError) in },
        onData: (ArraySlice<UInt8>) throws(EngineError) -> Void
    ) throws(EngineError) {
        let (connection, reader, head) = try open(request, timeout: timeout, cancel: cancel)
        defer { connection.close() }

        do {
            try onHead(head)
            if head.status == 101 {
                try reader.readToEnd(onData: onData)
            } else if head.header("Content-Type")?.contains("vnd.docker.") == true && head.contentLength == nil
                && !head.isChunked
            {
                try reader.readToEnd(onData: onData)
            } else {
                try reader.readBody(head: head, onData: onData)
            }
        } catch {
            throw Self.describe(error, request: request, timeout: timeout, cancel: cancel)
        }
    }

    /// Closes every idle connection.
    public func closeIdleConnections() {
        let connections = idle.withLock { list in
            defer { list.removeAll() }
            return list
        }
        connections.forEach { $0.close() }
    }

    private func open(
        _ request: HTTPRequest, timeout: Double, cancel: CancelToken?, onSent: (() -> Void)? = nil
    ) throws(EngineError) -> (SocketConnection, HTTPReader, HTTPResponseHead) {
        if cancel?.isCancelled == true {
            throw EngineError(code: .cancelled, message: "\(request.summary) was cancelled", request: request.summary)
        }

        // A pooled connection may have been closed by the daemon while idle; retry once on a
        // fresh one when that is the only failure. The retry skips the pool, because after a
        // daemon restart every idle connection in it is stale.
        var attempt = 0
        while true {
            attempt += 1
            let connection: SocketConnection
            let reused: Bool
            do {
                (connection, reused) = try checkout(pooled: attempt == 1)
            } catch {
                throw Self.describe(error, request: request, timeout: timeout, cancel: cancel)
            }
            cancel?.register(connection)
            connection.setReadTimeout(timeout)
            let reader = HTTPReader(connection: connection, requestSummary: request.summary)
            do {
                try connection.write(request.serialized(hostHeader: hostHeader))
                onSent?()
                let head = try reader.readHead()
                return (connection, reader, head)
            } catch {
                connection.close()
                if reused && attempt == 1 && cancel?.isCancelled != true && error.code != .timedOut {
                    continue
                }
                throw Self.describe(error, request: request, timeout: timeout, cancel: cancel)
            }
        }
    }

    private func checkout(pooled allowPooled: Bool) throws(EngineError) -> (SocketConnection, Bool) {
        if allowPooled, let pooled = idle.withLock({ $0.popLast() }) {
            return (pooled, true)
        }
        return (try SocketConnection.connect(to: host, timeout: connectTimeout), false)
    }

    private func release(_ connection: SocketConnection, reusable: Bool) {
        guard reusable else {
            connection.close()
            return
        }
        let overflow = idle.withLock { list -> SocketConnection? in
            list.append(connection)
            return list.count > 16 ? list.removeFirst() : nil
        }
        overflow?.close()
    }

    private static func describe(_ error: EngineError, request: HTTPRequest, timeout: Double, cancel: CancelToken?)
        -> EngineError
    {
        if cancel?.isCancelled == true {
            return EngineError(code: .cancelled, message: "\(request.summary) was cancelled", request: request.summary)
        }
        if error.code == .timedOut {
            return EngineError.timedOut(request.summary, seconds: timeout)
        }
        var described = error
        described.request = described.request ?? request.summary
        return described
    }
}

/// Lets another thread abort a blocking request by shutting its socket down.
public final class CancelToken: Sendable {
    private let state = Mutex<(cancelled: Bool, connections: [SocketConnection])>((false, []))

    /// Creates a token that is not cancelled.
    public init() {}

    /// True once `cancel()` ran.
    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Marks the token cancelled and wakes every request using it.
    public func cancel() {
        let connections = state.withLock { value in
            value.cancelled = true
            return value.connections
        }
        connections.forEach { $0.shutdown() }
    }

    func register(_ connection: SocketConnection) {
        let cancelled = state.withLock { value in
            value.connections.removeAll { $0 === connection }
            value.connections.append(connection)
            if value.connections.count > 8 {
                value.connections.removeFirst()
            }
            return value.cancelled
        }
        if cancelled {
            connection.shutdown()
        }
    }
}

/// Runs blocking work on its own thread and awaits it; cancelling the task cancels `token`.
///
/// Blocking socket I/O must stay off Swift's cooperative pool, which has one thread per core.
public func runBlocking<T: Sendable>(
    _ work: @escaping @Sendable (CancelToken) throws -> T
) async throws -> T {
    let token = CancelToken()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            let thread = Thread {
                continuation.resume(with: Result { try work(token) })
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    } onCancel: {
        token.cancel()
    }
}
