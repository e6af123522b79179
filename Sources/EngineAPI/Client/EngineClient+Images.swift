import Foundation

extension EngineClient {
    /// Reads an image's settings, or nil when the daemon does not have it.
    ///
    /// Route: `GET /images/{name}/json`.
    public func inspectImage(_ reference: String) async throws -> ImageInspect? {
        do {
            return try await get("/images/\(reference)/json")
        } catch let error as EngineError where error.isNotFound {
            return nil
        }
    }

    /// Pulls an image, passing each progress message on as it arrives.
    ///
    /// Route: `POST /images/create?fromImage=…&tag=…`. The status is 200 even when the pull
    /// fails; the failure arrives as an `error` message in the stream and is thrown here. A
    /// reference without a tag gets `latest`, because the route pulls every tag otherwise.
    ///
    /// With `credentials`, the `X-Registry-Auth` header carries them as base64url JSON
    /// `{"username", "password", "serveraddress"}`; the registry is the reference's first path
    /// component when it looks like a host name.
    public func pullImage(
        _ reference: String, credentials: RegistryCredentials? = nil,
        onProgress: @escaping @Sendable (ProgressMessage) -> Void
    ) async throws {
        let (repository, tag) = Self.splitReference(reference)
        var headers: [(String, String)] = []
        if let credentials {
            headers.append(("X-Registry-Auth", try credentials.header(for: reference)))
        }
        try await streamMessages(
            "POST", "/images/create",
            query: [URLQueryItem(name: "fromImage", value: repository), URLQueryItem(name: "tag", value: tag)],
            body: nil, headers: headers, onMessage: onProgress)
    }

    /// Builds an image from a tar context.
    ///
    /// Route: `POST /build?t=…&labels=…&pull=0&rm=1&forcerm=1` with `Content-Type:
    /// application/x-tar`; output is a JSON message stream whose `error` messages are thrown.
    public func buildImage(
        context: [UInt8], tag: String, labels: [String: String],
        onMessage: @escaping @Sendable (ProgressMessage) -> Void
    ) async throws {
        let labelsJSON = String(decoding: try encode(labels), as: UTF8.self)
        try await streamMessages(
            "POST", "/build",
            query: [
                URLQueryItem(name: "t", value: tag), URLQueryItem(name: "labels", value: labelsJSON),
                URLQueryItem(name: "pull", value: "0"), URLQueryItem(name: "rm", value: "1"),
                URLQueryItem(name: "forcerm", value: "1"),
            ],
            body: context, headers: [("Content-Type", "application/x-tar")], onMessage: onMessage)
    }

    /// Lists images matching `filters`, e.g. `["reference": ["localhost/berth-reaper"]]`.
    ///
    /// Route: `GET /images/json?filters=…`.
    public func listImages(filters: [String: [String]] = [:]) async throws -> [ImageSummary] {
        try await get("/images/json", query: Self.filters(filters).map { [$0] } ?? [])
    }

    /// Removes an image; one already gone counts as removed.
    ///
    /// Route: `DELETE /images/{name}?force=…`.
    public func removeImage(_ reference: String, force: Bool = false) async throws {
        do {
            _ = try await call(
                "DELETE", "/images/\(reference)", query: [URLQueryItem(name: "force", value: force ? "1" : "0")])
        } catch let error as EngineError where error.isNotFound {
            return
        }
    }

    /// Lists volumes matching `filters`.
    ///
    /// Route: `GET /volumes?filters=…`.
    public func listVolumes(filters: [String: [String]] = [:]) async throws -> [VolumeSummary] {
        let list: VolumeList = try await get("/volumes", query: Self.filters(filters).map { [$0] } ?? [])
        return list.volumes ?? []
    }

    /// Removes a volume; one already gone counts as removed.
    ///
    /// Route: `DELETE /volumes/{name}?force=…`.
    public func removeVolume(_ name: String, force: Bool = true) async throws {
        do {
            _ = try await call(
                "DELETE", "/volumes/\(name)", query: [URLQueryItem(name: "force", value: force ? "1" : "0")])
        } catch let error as EngineError where error.isNotFound {
            return
        }
    }

    /// Splits `registry:5000/repo/name:tag` into repository and tag; digests stay whole.
    public static func splitReference(_ reference: String) -> (repository: String, tag: String) {
        if reference.contains("@") {
            return (reference, "")
        }
        let lastSlash = reference.lastIndex(of: "/")
        if let colon = reference.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
            return (String(reference[..<colon]), String(reference[reference.index(after: colon)...]))
        }
        return (reference, "latest")
    }

    private func streamMessages(
        _ method: String, _ path: String, query: [URLQueryItem], body: [UInt8]?, headers: [(String, String)],
        onMessage: @escaping @Sendable (ProgressMessage) -> Void
    ) async throws {
        let request = HTTPRequest(
            method: method, target: try await target(path, query: query), headers: headers, body: body)
        let transport = self.transport
        try await runBlocking { token in
            var splitter = LineSplitter()
            var status = 200
            var errorBody: [UInt8] = []
            var streamError: String?
            let handle = { (line: [UInt8]) in
                guard let message = try? JSONDecoder().decode(ProgressMessage.self, from: Data(line)) else {
                    return
                }
                if let text = message.errorMessage, streamError == nil {
                    streamError = text
                }
                onMessage(message)
            }

            try transport.stream(
                request, timeout: 0, cancel: token,
                onHead: { (head: HTTPResponseHead) throws(EngineError) in status = head.status },
                onData: { (chunk: ArraySlice<UInt8>) throws(EngineError) in
                    guard (200..<300).contains(status) else {
                        errorBody.append(contentsOf: chunk)
                        return
                    }
                    splitter.feed(chunk).forEach(handle)
                })
            // The last message may end without a newline; it can be the error that failed the stream.
            if (200..<300).contains(status), let last = splitter.finish() {
                handle(last)
            }

            try Self.checkStatus(
                HTTPResponseHead(status: status, headers: []), body: errorBody, request: request.summary)
            if let streamError {
                throw EngineError(code: .stream, message: streamError, request: request.summary)
            }
        }
    }
}

/// A user name and password for a registry, as a service's `credentials:` gives them.
public struct RegistryCredentials: Sendable {
    public var username: String
    public var password: String

    /// Creates credentials.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// The `X-Registry-Auth` value for pulling `reference`.
    func header(for reference: String) throws -> String {
        struct Body: Encodable {
            var username: String
            var password: String
            var serveraddress: String
        }
        let first = reference.split(separator: "/").first.map(String.init) ?? ""
        let isRegistry = reference.contains("/") && (first.contains(".") || first.contains(":") || first == "localhost")
        let body = Body(username: username, password: password, serveraddress: isRegistry ? first : "docker.io")
        return Data(try JSONEncoder().encode(body)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }
}
