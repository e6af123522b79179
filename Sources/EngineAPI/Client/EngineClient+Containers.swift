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
        do {
            _ = try await call("POST", "/containers/\(id)/start")
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

    /// Returns the last `tail` lines of a container's output, stdout and stderr interleaved.
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
        let bytes = try await runBlocking { token in
            try Self.collectOutput(transport: transport, request: request, timeout: timeout, token: token)
        }
        return String(decoding: bytes.stdout + bytes.stderr, as: UTF8.self)
    }

    /// Reads a stream to its end, demultiplexing it when the daemon frames it.
    static func collectOutput(transport: EngineTransport, request: HTTPRequest, timeout: Double, token: CancelToken)
        throws -> (stdout: [UInt8], stderr: [UInt8])
    {
        var decoder = MultiplexedStreamDecoder()
        var framed = true
        var failure: [UInt8] = []
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var errorBody: [UInt8] = []
        var status = 200
        let limit = 64 * 1024

        try transport.stream(
            request, timeout: timeout, cancel: token,
            onHead: { (head: HTTPResponseHead) throws(EngineError) in
                status = head.status
                framed = head.header("Content-Type")?.contains("raw-stream") != true
            },
            onData: { (chunk: ArraySlice<UInt8>) throws(EngineError) in
                guard (200..<300).contains(status) || status == 101 else {
                    errorBody.append(contentsOf: chunk)
                    return
                }
                guard framed else {
                    stdout.append(contentsOf: chunk)
                    return
                }
                for (stream, payload) in try decoder.feed(chunk) {
                    switch stream {
                    case .stdout: stdout.append(contentsOf: payload)
                    case .stderr: stderr.append(contentsOf: payload)
                    case .systemError: failure.append(contentsOf: payload)
                    }
                }
                if stdout.count > limit { stdout.removeFirst(stdout.count - limit) }
                if stderr.count > limit { stderr.removeFirst(stderr.count - limit) }
            })

        try checkStatus(HTTPResponseHead(status: status, headers: []), body: errorBody, request: request.summary)
        if !failure.isEmpty {
            throw EngineError(
                code: .stream, message: String(decoding: failure, as: UTF8.self), request: request.summary)
        }
        return (stdout, stderr)
    }
}
