import Foundation

/// The Docker daemon's address: a Unix socket path or a plain-TCP `host:port`.
///
/// Parsed from `--host`, then `DOCKER_HOST`, then the Linux default socket. TLS endpoints
/// (`DOCKER_TLS_VERIFY`, `https://`) are rejected with a clear error instead of being dialled in
/// plain text.
public enum DockerHost: Sendable, Equatable, CustomStringConvertible {
    case unix(path: String)
    case tcp(host: String, port: Int)

    /// The daemon address used when neither `--host` nor `DOCKER_HOST` is set.
    public static let defaultAddress = "unix:///var/run/docker.sock"

    /// Parses `unix:///path`, `tcp://host:port`, `http://host:port` or a bare absolute socket path.
    public init(parsing address: String) throws(EngineError) {
        let trimmed = address.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("/") {
            self = .unix(path: trimmed)
            return
        }
        guard let schemeEnd = trimmed.range(of: "://") else {
            throw EngineError.invalidHost(address, reason: "it has no scheme")
        }

        let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
        let rest = String(trimmed[schemeEnd.upperBound...])
        switch scheme {
        case "unix":
            guard rest.hasPrefix("/") else {
                throw EngineError.invalidHost(address, reason: "a unix socket needs an absolute path")
            }
            self = .unix(path: rest)
        case "tcp", "http":
            self = try Self.parseTCP(rest, original: address)
        case "https", "ssh", "npipe":
            throw EngineError.invalidHost(address, reason: "the \(scheme) scheme is not supported")
        default:
            throw EngineError.invalidHost(address, reason: "unknown scheme '\(scheme)'")
        }
    }

    /// Resolves the daemon address the way the docker CLI does: an explicit value, else
    /// `DOCKER_HOST`, else the default socket.
    ///
    /// `DOCKER_TLS_VERIFY` set to anything but empty or `0` means the daemon expects TLS, which
    /// Berth does not speak, so an address from `DOCKER_HOST` or an explicit TCP address is then
    /// rejected. An explicit Unix socket is still used.
    public static func resolve(explicit: String?, environment: [String: String]) throws(EngineError) -> DockerHost {
        let verify = environment["DOCKER_TLS_VERIFY"] ?? ""
        let requestsTLS = !verify.isEmpty && verify != "0"
        if let explicit, !explicit.isEmpty {
            let host = try DockerHost(parsing: explicit)
            if requestsTLS, case .tcp = host {
                throw EngineError.invalidHost(explicit, reason: "DOCKER_TLS_VERIFY is set but TLS is not supported")
            }
            return host
        }
        if let fromEnvironment = environment["DOCKER_HOST"], !fromEnvironment.isEmpty {
            if requestsTLS {
                throw EngineError.invalidHost(
                    fromEnvironment, reason: "DOCKER_TLS_VERIFY is set but TLS is not supported")
            }
            return try DockerHost(parsing: fromEnvironment)
        }
        return .unix(path: "/var/run/docker.sock")
    }

    private static func parseTCP(_ authority: String, original: String) throws(EngineError) -> DockerHost {
        var hostPort = authority
        if let slash = hostPort.firstIndex(of: "/") {
            hostPort = String(hostPort[..<slash])
        }

        let (host, portText) = try splitHostAndPort(hostPort, original: original)
        guard let portText else {
            throw EngineError.invalidHost(original, reason: "a tcp address needs a port, e.g. tcp://127.0.0.1:2375")
        }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw EngineError.invalidHost(original, reason: "the port is not a number from 1 to 65535")
        }
        guard !host.isEmpty else {
            throw EngineError.invalidHost(original, reason: "the host name is empty")
        }
        return .tcp(host: host, port: port)
    }

    /// Splits `host:port` or `[IPv6]:port`. The port is nil when the address has none.
    private static func splitHostAndPort(_ hostPort: String, original: String) throws(EngineError)
        -> (host: String, port: Substring?)
    {
        guard hostPort.hasPrefix("[") else {
            guard let colon = hostPort.lastIndex(of: ":") else {
                return (hostPort, nil)
            }
            let host = String(hostPort[..<colon])
            guard !host.contains(":") else {
                throw EngineError.invalidHost(original, reason: "an IPv6 address needs brackets, e.g. tcp://[::1]:2375")
            }
            return (host, hostPort[hostPort.index(after: colon)...])
        }

        guard let closing = hostPort.firstIndex(of: "]") else {
            throw EngineError.invalidHost(original, reason: "the IPv6 address has no closing ']'")
        }
        let host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<closing])
        let rest = hostPort[hostPort.index(after: closing)...]
        if rest.isEmpty {
            return (host, nil)
        }
        guard rest.hasPrefix(":") else {
            throw EngineError.invalidHost(original, reason: "expected ':port' after the IPv6 address")
        }
        return (host, rest.dropFirst())
    }

    /// The address in `DOCKER_HOST` form.
    public var description: String {
        switch self {
        case .unix(let path): return "unix://\(path)"
        case .tcp(let host, let port): return host.contains(":") ? "tcp://[\(host)]:\(port)" : "tcp://\(host):\(port)"
        }
    }
}
