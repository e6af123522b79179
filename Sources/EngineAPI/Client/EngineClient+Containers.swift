import Foundation

extension EngineClient {
    /// Creates a container.
    ///
    /// Route: `POST /containers/create?name=…`. A missing image is a 404 the caller handles by
    /// pulling first.
    public func createContainer(name: String?, _ request: ContainerCreateRequest) async throws -> String {
        let query = name.map { [URLQueryItem(name: "name", value: $0)] } ?? []
        let response: ContainerCreateResponse = try await post("/containers/create", query: query, json: request)
        return response.id
    }

    /// Starts a container; starting a running one is not an error.
    ///
    /// Route: `POST /containers/{id}/start`.
    public func startContainer(_ id: String) async throws {
        try await startContainer(id, onSent: nil)
    }

    /// Sends a container's start and returns once the request is written. The returned task ends
    /// with the daemon's response.
    ///
    /// Route: `POST /containers/{id}/start`. A start takes the daemon about 200 ms, and this lets a
    /// caller go on meanwhile. NOTE: Docker 20.10 completes a start whose client disconnected
    /// after sending it; newer daemons are untested.
    public func sendStartContainer(_ id: String) async -> Task<Void, any Error> {
        let sent = OneShotSignal()
        let task = Task {
            defer { sent.fire() }
            try await startContainer(id, onSent: sent.fire)
        }
        await sent.wait()
        return task
    }

    private func startContainer(_ id: String, onSent: (@Sendable () -> Void)?) async throws {
        do {
            _ = try await call("POST", "/containers/\(id)/start", onSent: onSent)
        } catch let error as EngineError where error.isNotModified {
            return
        }
    }

    /// Reads a container's state and settings.
    ///
    /// Route: `GET /containers/{id}/json`.
    public func inspectContainer(_ id: String) async throws -> ContainerInspect {
        try await get("/containers/\(id)/json")
    }

    /// Lists containers matching `filters`, stopped ones included when `all`.
    ///
    /// Route: `GET /containers/json?all=…&filters=…`.
    public func listContainers(all: Bool = true, filters: [String: [String]] = [:]) async throws -> [ContainerSummary] {
        var query = [URLQueryItem(name: "all", value: all ? "1" : "0")]
        if let filter = Self.filters(filters) {
            query.append(filter)
        }
        return try await get("/containers/json", query: query)
    }

    /// Removes a container; one already gone counts as removed.
    ///
    /// Route: `DELETE /containers/{id}?force=…&v=…`; `v` also removes its anonymous volumes.
    public func removeContainer(_ id: String, force: Bool = true, removeVolumes: Bool = true) async throws {
        let query = [
            URLQueryItem(name: "force", value: force ? "1" : "0"),
            URLQueryItem(name: "v", value: removeVolumes ? "1" : "0"),
        ]
        do {
            _ = try await call("DELETE", "/containers/\(id)", query: query)
        } catch let error as EngineError where error.isNotFound {
            return
        } catch let error as EngineError where error.isConflict && error.message.contains("already in progress") {
            return
        }
    }

    /// Sends a signal to a running container.
    ///
    /// Route: `POST /containers/{id}/kill?signal=…`.
    public func killContainer(_ id: String, signal: String = "SIGKILL") async throws {
        _ = try await call("POST", "/containers/\(id)/kill", query: [URLQueryItem(name: "signal", value: signal)])
    }

    /// Returns the last `tail` lines of a container's output, stdout and stderr interleaved in the
    /// order the daemon sent them.
    ///
    /// Route: `GET /containers/{id}/logs?stdout=1&stderr=1&tail=…`; the body is the multiplexed
    /// stream unless the container has a TTY.
    public func containerLogs(_ id: String, tail: Int) async throws -> String {
        let target = try await target(
            "/containers/\(id)/logs",
            query: [
                URLQueryItem(name: "stdout", value: "1"), URLQueryItem(name: "stderr", value: "1"),
                URLQueryItem(name: "tail", value: String(tail)),
            ])
        let request = HTTPRequest(method: "GET", target: target)
        let transport = self.transport
        let timeout = requestTimeout
        let output = try await runBlocking { token in
            try Self.collectOutput(
                transport: transport, request: request, timeout: timeout, token: token, alwaysMultiplexed: false)
        }
        return String(decoding: output.combined, as: UTF8.self)
    }

    /// Reads a stream to its end, demultiplexing it when it is framed (see `isFramed`).
    static func collectOutput(
        transport: EngineTransport, request: HTTPRequest, timeout: Double, token: CancelToken, alwaysMultiplexed: Bool
    ) throws -> StreamOutput {
        var decoder = MultiplexedStreamDecoder()
        var framed: Bool?
        var output = StreamOutput()
        var errorBody: [UInt8] = []
        var status = 200

        try transport.stream(
            request, timeout: timeout, cancel: token,
            onHead: { (head: HTTPResponseHead) throws(EngineError) in
                status = head.status
                framed = alwaysMultiplexed ? true : isFramed(head)
            },
            onData: { (chunk: ArraySlice<UInt8>) throws(EngineError) in
                guard (200..<300).contains(status) || status == 101 else {
                    errorBody.append(contentsOf: chunk)
                    return
                }
                if framed == nil, let first = chunk.first {
                    framed = first <= 3
                }
                guard framed == true else {
                    output.append(chunk, from: .stdout)
                    return
                }
                for (stream, payload) in try decoder.feed(chunk) {
                    output.append(payload, from: stream)
                }
            })

        try checkStatus(HTTPResponseHead(status: status, headers: []), body: errorBody, request: request.summary)
        if !output.systemError.isEmpty {
            throw EngineError(
                code: .stream, message: String(decoding: output.systemError, as: UTF8.self), request: request.summary)
        }
        if decoder.hasPartialFrame {
            throw EngineError.malformed("the output stream ended inside a frame", request: request.summary)
        }
        return output
    }

    /// Tells a multiplexed stream from a raw (TTY) one by its `Content-Type`. Returns nil when the
    /// header names neither, so the first byte of the body decides.
    ///
    /// The `Content-Type` is reliable only from API 1.42 on. Before that, Docker labels every
    /// hijacked exec `raw-stream`, TTY or not, so exec callers pass `alwaysMultiplexed` instead,
    /// and logs come without a `Content-Type`. A frame starts with a stream number from 0 to 3, a
    /// control byte that text output rarely starts with.
    private static func isFramed(_ head: HTTPResponseHead) -> Bool? {
        let contentType = head.header("Content-Type") ?? ""
        if contentType.contains("multiplexed-stream") {
            return true
        }
        return contentType.contains("raw-stream") ? false : nil
    }
}

/// The output of a finished stream. Each buffer keeps at most its last 64 KiB.
struct StreamOutput {
    var stdout: [UInt8] = []
    var stderr: [UInt8] = []
    /// Standard output and standard error in arrival order.
    var combined: [UInt8] = []
    /// Messages of the daemon's own error stream (stream 3).
    var systemError: [UInt8] = []

    private let limit = 64 * 1024

    mutating func append(_ bytes: some Collection<UInt8>, from stream: MultiplexedStreamDecoder.Stream) {
        switch stream {
        case .stdout: Self.append(bytes, to: &stdout, limit: limit)
        case .stderr: Self.append(bytes, to: &stderr, limit: limit)
        case .systemError: Self.append(bytes, to: &systemError, limit: limit)
        }
        if stream != .systemError {
            Self.append(bytes, to: &combined, limit: limit)
        }
    }

    private static func append(_ bytes: some Collection<UInt8>, to buffer: inout [UInt8], limit: Int) {
        buffer.append(contentsOf: bytes)
        if buffer.count > limit {
            buffer.removeFirst(buffer.count - limit)
        }
    }
}
