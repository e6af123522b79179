import Foundation

/// An HTTP/1.1 request to the Engine API.
public struct HTTPRequest: Sendable {
    /// `GET`, `POST`, `DELETE`, `HEAD`, …
    public var method: String
    /// The percent-encoded request target, path and query, e.g. `/v1.41/containers/json?all=1`.
    public var target: String
    /// Extra headers; `Host`, `Content-Length` and `User-Agent` are added by the transport.
    public var headers: [(String, String)]
    /// The body, if any.
    public var body: [UInt8]?

    /// Creates a request.
    public init(method: String, target: String, headers: [(String, String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }

    /// `METHOD /path` without the query, for messages.
    public var summary: String {
        let path = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? target
        return "\(method) \(path)"
    }

    func serialized(hostHeader: String) -> [UInt8] {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(hostHeader)\r\nUser-Agent: berth\r\n"
        for (name, value) in headers {
            head += "\(name): \(value)\r\n"
        }
        if let body {
            head += "Content-Length: \(body.count)\r\n"
        } else if method == "POST" || method == "PUT" {
            head += "Content-Length: 0\r\n"
        }
        head += "\r\n"
        return Array(head.utf8) + (body ?? [])
    }
}

/// The status line and headers of a response.
public struct HTTPResponseHead: Sendable {
    /// The status code, e.g. 200.
    public var status: Int
    /// Headers in arrival order; names as sent.
    public var headers: [(String, String)]

    /// The first value of a header, matched without regard to case.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    var isChunked: Bool {
        header("Transfer-Encoding")?.lowercased().contains("chunked") ?? false
    }

    var contentLength: Int? {
        header("Content-Length").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    var closesConnection: Bool {
        header("Connection")?.lowercased() == "close"
    }

    /// True for the statuses that never carry a body: 1xx, 204 and 304.
    var hasNoBody: Bool {
        status == 204 || status == 304 || (100..<200).contains(status)
    }

    /// True when the end of the body is known without the peer closing, so the connection can
    /// serve another request afterwards. A `101` switches protocols and never qualifies.
    var hasDelimitedBody: Bool {
        guard status >= 200 else {
            return false
        }
        return hasNoBody || isChunked || contentLength != nil
    }
}

/// Reads HTTP/1.1 messages from a connection, keeping bytes that arrive ahead of need.
final class HTTPReader {
    private let connection: SocketConnection
    private var buffer: [UInt8] = []
    private var start = 0
    let requestSummary: String

    init(connection: SocketConnection, requestSummary: String) {
        self.connection = connection
        self.requestSummary = requestSummary
    }

    /// Reads the status line and headers.
    func readHead() throws(EngineError) -> HTTPResponseHead {
        var lines: [String] = []
        while true {
            guard let line = try readLine() else {
                throw EngineError.malformed(
                    "the connection closed before the response headers ended", request: requestSummary)
            }
            if line.isEmpty {
                break
            }
            lines.append(line)
            if lines.count > 200 {
                throw EngineError.malformed("too many header lines", request: requestSummary)
            }
        }
        return try Self.parseHead(lines, request: requestSummary)
    }

    static func parseHead(_ lines: [String], request: String) throws(EngineError) -> HTTPResponseHead {
        guard let statusLine = lines.first else {
            throw EngineError.malformed("empty response", request: request)
        }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw EngineError.malformed("bad status line '\(statusLine)'", request: request)
        }

        var headers: [(String, String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else {
                throw EngineError.malformed("bad header line '\(line)'", request: request)
            }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.append((name, value))
        }
        return HTTPResponseHead(status: status, headers: headers)
    }

    /// Reads the whole body as framed by the head; `nil` framing reads until the peer closes.
    func readBody(head: HTTPResponseHead, limit: Int = 256 << 20) throws(EngineError) -> [UInt8] {
        var body: [UInt8] = []
        try readBody(head: head) { (chunk: ArraySlice<UInt8>) throws(EngineError) in
            body.append(contentsOf: chunk)
            if body.count > limit {
                throw EngineError.malformed("the body is larger than \(limit) bytes", request: requestSummary)
            }
        }
        return body
    }

    /// Streams the body in pieces as they arrive.
    func readBody(head: HTTPResponseHead, onData: (ArraySlice<UInt8>) throws(EngineError) -> Void) throws(EngineError) {
        if head.hasNoBody {
            return
        }
        if head.isChunked {
            try readChunked(onData: onData)
        } else if let length = head.contentLength {
            try readExactly(length, onData: onData)
        } else {
            try readToEnd(onData: onData)
        }
    }

    private func readChunked(onData: (ArraySlice<UInt8>) throws(EngineError) -> Void) throws(EngineError) {
        while true {
            guard let sizeLine = try readLine() else {
                throw EngineError.malformed("the connection closed inside a chunked body", request: requestSummary)
            }
            let sizeText = sizeLine.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0 else {
                throw EngineError.malformed("bad chunk size '\(sizeLine)'", request: requestSummary)
            }
            if size == 0 {
                while let trailer = try readLine(), !trailer.isEmpty {}
                return
            }
            try readExactly(size, onData: onData)
            guard try readLine() == "" else {
                throw EngineError.malformed("a chunk did not end with CRLF", request: requestSummary)
            }
        }
    }

    private func readExactly(_ count: Int, onData: (ArraySlice<UInt8>) throws(EngineError) -> Void) throws(EngineError)
    {
        var remaining = count
        while remaining > 0 {
            if start == buffer.count {
                guard try fill() else {
                    throw EngineError.malformed(
                        "the connection closed \(remaining) bytes before the body ended", request: requestSummary)
                }
            }
            let take = min(remaining, buffer.count - start)
            try onData(buffer[start..<start + take])
            start += take
            remaining -= take
        }
    }

    /// Passes on everything until the peer closes: buffered bytes first, then raw reads.
    func readToEnd(onData: (ArraySlice<UInt8>) throws(EngineError) -> Void) throws(EngineError) {
        while true {
            if start < buffer.count {
                let pending = buffer[start...]
                start = buffer.count
                try onData(pending)
            }
            guard try fill() else {
                return
            }
        }
    }

    /// Reads one CRLF- or LF-terminated line without its terminator; nil at end of stream.
    private func readLine() throws(EngineError) -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                var end = newline
                if end > start && buffer[end - 1] == 0x0D {
                    end -= 1
                }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = newline + 1
                return line
            }
            if buffer.count - start > 64 * 1024 {
                throw EngineError.malformed("a header line is longer than 64 KiB", request: requestSummary)
            }
            guard try fill() else {
                return nil
            }
        }
    }

    private func fill() throws(EngineError) -> Bool {
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        let bytes = try connection.read()
        if bytes.isEmpty {
            return false
        }
        buffer.append(contentsOf: bytes)
        return true
    }
}
