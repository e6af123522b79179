import Foundation
import Synchronization

/// A Docker Engine API client over a Unix or TCP socket.
///
/// The API version is negotiated once through `GET /_ping`: Berth speaks the lower of the daemon's
/// version and `maximumAPIVersion`, and refuses daemons older than `minimumAPIVersion`. Every
/// method names the route it calls. Methods are async, and their socket I/O runs on dedicated
/// threads (`runBlocking`), so cancelling the calling task aborts the request.
public final class EngineClient: Sendable {
    /// The oldest API Berth works with (Docker Engine 20.10).
    public static let minimumAPIVersion = APIVersion(1, 41)
    /// The newest API version Berth requests.
    public static let maximumAPIVersion = APIVersion(1, 47)

    /// The transport requests go through.
    public let transport: EngineTransport
    private let negotiated = Mutex<APIVersion?>(nil)
    /// Seconds each non-streaming request may wait for the daemon.
    public let requestTimeout: Double

    /// Creates a client; nothing is sent until the first call.
    public init(host: DockerHost, requestTimeout: Double = 120) {
        self.transport = EngineTransport(host: host)
        self.requestTimeout = requestTimeout
    }

    /// The daemon address.
    public var host: DockerHost { transport.host }

    // MARK: - Version negotiation

    /// Returns the negotiated API version, pinging the daemon the first time.
    ///
    /// Route: `GET /_ping` (unversioned); the daemon's maximum comes in the `Api-Version` header.
    public func apiVersion() async throws -> APIVersion {
        if let known = negotiated.withLock({ $0 }) {
            return known
        }
        let transport = self.transport
        let head = try await runBlocking { token in
            try transport.send(HTTPRequest(method: "GET", target: "/_ping"), timeout: 30, cancel: token).head
        }
        guard head.status == 200 else {
            throw EngineError(
                code: .daemon, message: "the Docker daemon responded to /_ping with status \(head.status)",
                status: head.status, request: "GET /_ping")
        }

        let daemonVersion = head.header("Api-Version").flatMap(APIVersion.init(parsing:)) ?? Self.minimumAPIVersion
        guard daemonVersion >= Self.minimumAPIVersion else {
            throw EngineError(
                code: .unsupportedVersion,
                message:
                    "the Docker daemon speaks API \(daemonVersion), older than the \(Self.minimumAPIVersion) Berth needs",
                hint: "Upgrade the daemon to Docker Engine 20.10 or newer.")
        }
        let chosen = min(daemonVersion, Self.maximumAPIVersion)
        negotiated.withLock { $0 = chosen }
        return chosen
    }

    /// Checks that the daemon responds.
    ///
    /// Route: `GET /_ping`.
    public func ping() async throws {
        _ = try await apiVersion()
    }

    /// Reads the daemon's version.
    ///
    /// Route: `GET /version`.
    public func version() async throws -> SystemVersion {
        try await get("/version")
    }

    // MARK: - Request plumbing

    /// Builds a versioned request target with a percent-encoded path and query.
    func target(_ path: String, query: [URLQueryItem] = []) async throws -> String {
        let version = try await apiVersion()
        var components = URLComponents()
        components.path = "/v\(version)\(path)"
        if !query.isEmpty {
            components.percentEncodedQueryItems = query.map { item in
                URLQueryItem(name: Self.percentEncode(item.name), value: item.value.map(Self.percentEncode))
            }
        }
        return components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
    }

    /// Encodes every character of a query name or value except the RFC 3986 unreserved ones.
    ///
    /// `URLComponents.queryItems` leaves `+` and `;` as they are, but the daemon's Go query parser
    /// reads `+` as a space and rejects the whole query when it contains `;` (Docker 20.10 returns
    /// 400 "invalid semicolon separator in query").
    static func percentEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: queryAllowed) ?? text
    }

    private static let queryAllowed = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Sends a request and returns the body, turning error statuses into `EngineError`.
    func call(
        _ method: String, _ path: String, query: [URLQueryItem] = [], body: [UInt8]? = nil,
        headers: [(String, String)] = [], timeout: Double? = nil, onSent: (@Sendable () -> Void)? = nil
    ) async throws -> [UInt8] {
        var allHeaders = headers
        if body != nil, !headers.contains(where: { $0.0 == "Content-Type" }) {
            allHeaders.append(("Content-Type", "application/json"))
        }
        let request = HTTPRequest(
            method: method, target: try await target(path, query: query), headers: allHeaders, body: body)
        let transport = self.transport
        let wait = timeout ?? requestTimeout
        let (head, responseBody) = try await runBlocking { token in
            try transport.send(request, timeout: wait, cancel: token, onSent: onSent)
        }
        try Self.checkStatus(head, body: responseBody, request: request.summary)
        return responseBody
    }

    func get<T: Decodable>(_ path: String, query: [URLQueryItem] = []) async throws -> T {
        try decode(try await call("GET", path, query: query), request: "GET \(path)")
    }

    func post<T: Decodable>(_ path: String, query: [URLQueryItem] = [], json: some Encodable) async throws -> T {
        try decode(try await call("POST", path, query: query, body: try encode(json)), request: "POST \(path)")
    }

    func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(value))
    }

    func decode<T: Decodable>(_ body: [UInt8], request: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch {
            throw EngineError.malformed("cannot decode the reply to \(request): \(error)", request: request)
        }
    }

    static func checkStatus(_ head: HTTPResponseHead, body: [UInt8], request: String) throws(EngineError) {
        guard !(200..<300).contains(head.status) && head.status != 101 else {
            return
        }
        let daemonMessage =
            (try? JSONDecoder().decode(DaemonErrorBody.self, from: Data(body)))?.message
            ?? String(decoding: body.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let message = daemonMessage.isEmpty ? "\(request) failed with status \(head.status)" : daemonMessage
        throw EngineError(code: .daemon, message: message, status: head.status, request: request)
    }

    /// Encodes label filters for list routes: `{"label": ["k=v", …]}`, AND-ed by the daemon.
    static func filters(_ filters: [String: [String]]) -> URLQueryItem? {
        guard !filters.isEmpty,
            let data = try? JSONSerialization.data(withJSONObject: filters, options: [.sortedKeys])
        else {
            return nil
        }
        return URLQueryItem(name: "filters", value: String(decoding: data, as: UTF8.self))
    }
}

/// An Engine API version such as 1.41.
public struct APIVersion: Sendable, Comparable, CustomStringConvertible, Hashable {
    public var major: Int
    public var minor: Int

    /// Creates a version.
    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Parses "1.41".
    public init?(parsing text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ".")
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]) else {
            return nil
        }
        self.init(major, minor)
    }

    public static func < (lhs: APIVersion, rhs: APIVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    public var description: String { "\(major).\(minor)" }
}
