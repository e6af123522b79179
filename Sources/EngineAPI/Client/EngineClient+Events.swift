import Foundation

/// One message of `GET /events`.
public struct EngineEvent: Decodable, Sendable {
    /// `container`, `network`, `image`, …
    public var type: String?
    /// `create`, `start`, `kill`, `die`, `destroy`, `connect`, …
    public var action: String?
    public var actor: Actor?

    /// The object an event is about.
    public struct Actor: Decodable, Sendable {
        public var id: String?
        public var attributes: [String: String]?

        enum CodingKeys: String, CodingKey {
            case id = "ID", attributes = "Attributes"
        }
    }

    enum CodingKeys: String, CodingKey {
        case type = "Type", action = "Action", actor = "Actor"
    }
}

extension EngineClient {
    /// Follows the daemon's event stream until `onEvent` returns false or the task is cancelled.
    ///
    /// Route: `GET /events?filters=…`, a newline-delimited JSON stream that stays open.
    public func events(filters: [String: [String]], onEvent: @escaping @Sendable (EngineEvent) -> Bool) async throws {
        let request = HTTPRequest(
            method: "GET", target: try await target("/events", query: Self.filters(filters).map { [$0] } ?? []))
        let transport = self.transport
        try await runBlocking { token in
            var splitter = LineSplitter()
            var status = 200
            var errorBody: [UInt8] = []
            do {
                try transport.stream(
                    request, timeout: 0, cancel: token,
                    onHead: { (head: HTTPResponseHead) throws(EngineError) in status = head.status },
                    onData: { (chunk: ArraySlice<UInt8>) throws(EngineError) in
                        guard (200..<300).contains(status) else {
                            errorBody.append(contentsOf: chunk)
                            return
                        }
                        for line in splitter.feed(chunk) {
                            guard let event = try? JSONDecoder().decode(EngineEvent.self, from: Data(line)) else {
                                continue
                            }
                            if !onEvent(event) {
                                throw EngineError(code: .cancelled, message: "event stream ended by its reader")
                            }
                        }
                    })
            } catch let error as EngineError where error.code == .cancelled && !token.isCancelled {
                return
            }
            try Self.checkStatus(
                HTTPResponseHead(status: status, headers: []), body: errorBody, request: request.summary)
        }
    }

    /// Attaches to a container's stdin and keeps the connection open until the returned stream
    /// is closed or this process dies.
    ///
    /// Route: `POST /containers/{id}/attach?stream=1&stdin=1`, upgraded to a raw stream. With a
    /// container created with `OpenStdin` and `StdinOnce`, the container sees end of input as
    /// soon as the connection drops, which is how a reaper learns that its owner died even by
    /// `kill -9`.
    public func attachStdin(_ container: String) async throws -> HeldStream {
        let request = HTTPRequest(
            method: "POST",
            target: try await target(
                "/containers/\(container)/attach",
                query: [URLQueryItem(name: "stream", value: "1"), URLQueryItem(name: "stdin", value: "1")]),
            headers: [("Connection", "Upgrade"), ("Upgrade", "tcp")])
        let transport = self.transport
        return try await runBlocking { _ in try transport.hold(request) }
    }
}

/// An upgraded connection kept open on purpose; closing it ends the peer's input.
public final class HeldStream: Sendable {
    private let connection: SocketConnection

    init(connection: SocketConnection) {
        self.connection = connection
    }

    /// Closes the connection.
    public func close() {
        connection.close()
    }
}

extension EngineTransport {
    /// Sends a request that upgrades the connection and returns the open connection.
    func hold(_ request: HTTPRequest) throws(EngineError) -> HeldStream {
        let connection = try SocketConnection.connect(to: host, timeout: 10)
        connection.setReadTimeout(30)
        let reader = HTTPReader(connection: connection, requestSummary: request.summary)
        do throws(EngineError) {
            try connection.write(request.serialized(hostHeader: "docker"))
            let head = try reader.readHead()
            guard head.status == 101 || head.status == 200 else {
                let body = (try? reader.readBody(head: head, limit: 64 * 1024)) ?? []
                try EngineClient.checkStatus(head, body: body, request: request.summary)
                throw EngineError.malformed("unexpected status \(head.status)", request: request.summary)
            }
        } catch {
            connection.close()
            throw error
        }
        return HeldStream(connection: connection)
    }
}
