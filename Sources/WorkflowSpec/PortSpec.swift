#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One published port: a container port and, optionally, the host address and port it is bound to.
public struct PortSpec: Sendable, Equatable, Codable {
    /// The host address to bind, or nil for all addresses.
    public var hostIP: String?
    /// The host port, or nil for a random free port.
    public var hostPort: Int?
    /// The port inside the container.
    public var containerPort: Int
    /// "tcp" (the default), "udp" or "sctp".
    public var proto: String

    /// Creates a port from its parts.
    public init(hostIP: String? = nil, hostPort: Int?, containerPort: Int, proto: String = "tcp") {
        self.hostIP = hostIP
        self.hostPort = hostPort
        self.containerPort = containerPort
        self.proto = proto
    }

    /// Parses a `ports:` entry or a `-p` value as `docker create -p` does (nat.ParsePortSpec).
    ///
    /// Accepted: "5432", "5432:5432", "127.0.0.1:5432:5432", "[::1]:5432:5432", "127.0.0.1::5432" (random
    /// host port), "6379:6379/tcp", "6379/tcp", "53/udp". Ranges of equal length expand to one entry
    /// per port: "8000-8002:9000-9002" gives three. A host port of 0 means a random port.
    public static func parse(_ text: String, location: SourceLocation?) throws(WorkflowError) -> [PortSpec] {
        func invalid(_ reason: String) -> WorkflowError {
            WorkflowError(
                location: location, message: "invalid port mapping '\(text)': \(reason)",
                hint:
                    "write containerPort, hostPort:containerPort or ip:hostPort:containerPort, optionally ending in /tcp or /udp"
            )
        }

        let (rawIP, hostPortText, containerAndProto) = splitParts(text)
        let (proto, containerPortText) = splitProtocol(containerAndProto)
        let hostIP = rawIP.hasPrefix("[") && rawIP.hasSuffix("]") ? String(rawIP.dropFirst().dropLast()) : rawIP
        guard hostIP.isEmpty || isIPAddress(hostIP) else { throw invalid("'\(hostIP)' is not an IP address") }
        guard !containerPortText.isEmpty else { throw invalid("no container port is given") }
        guard ["tcp", "udp", "sctp"].contains(proto.lowercased()) else {
            throw invalid("the protocol '\(proto)' is not tcp, udp or sctp")
        }

        guard let containerRange = portRange(containerPortText), containerRange.lowerBound > 0 else {
            throw invalid("the container port '\(containerPortText)' is not a port from 1 to 65535 or a range of them")
        }
        var hostRange: ClosedRange<Int>?
        if !hostPortText.isEmpty {
            guard let range = portRange(hostPortText) else {
                throw invalid("the host port '\(hostPortText)' is not a port from 0 to 65535 or a range of them")
            }
            guard range.count == containerRange.count else {
                // NOTE: docker also accepts a host port range for a single container port and picks a free
                // port from it; PortSpec has no way to express that, so Berth rejects it.
                throw invalid("the host and container port ranges have different lengths")
            }
            hostRange = range
        }

        return containerRange.enumerated().map { offset, containerPort in
            let hostPort = hostRange.map { $0.lowerBound + offset }
            return PortSpec(
                hostIP: hostIP.isEmpty ? nil : hostIP, hostPort: hostPort == 0 ? nil : hostPort,
                containerPort: containerPort, proto: proto.lowercased())
        }
    }

    /// Splits `ip:hostPort:containerPort`; an IPv6 address keeps its colons because only the last two
    /// separate parts.
    private static func splitParts(_ text: String) -> (String, String, String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1: return ("", "", parts[0])
        case 2: return ("", parts[0], parts[1])
        case 3: return (parts[0], parts[1], parts[2])
        default:
            return (parts.dropLast(2).joined(separator: ":"), parts[parts.count - 2], parts[parts.count - 1])
        }
    }

    private static func splitProtocol(_ text: String) -> (proto: String, port: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1, !parts[1].isEmpty else { return ("tcp", parts.first ?? "") }
        return (parts[1], parts[0])
    }

    /// "5432" or "8000-8002", each port from 0 to 65535.
    private static func portRange(_ text: String) -> ClosedRange<Int>? {
        let bounds = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = bounds.first, let start = portNumber(first) else { return nil }
        guard bounds.count == 2 else { return start...start }
        guard let end = portNumber(bounds[1]), end >= start else { return nil }
        return start...end
    }

    private static func portNumber(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.allSatisfy(\.isASCIIDigit), let value = Int(text), value <= 65535 else { return nil }
        return value
    }

    static func isIPAddress(_ text: String) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        let family = text.contains(":") ? AF_INET6 : AF_INET
        return inet_pton(family, text, &buffer) == 1
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
