import Foundation

/// How a started session is reached, as printed by `berth up` and exported to the command.
public struct SessionInfo: Codable, Sendable {
    /// The session id.
    public var session: String
    /// The session network's name.
    public var network: String
    /// The owner label value.
    public var owner: String
    /// The container Berth joined to the network, when it runs in one.
    public var attachedContainer: String?
    /// One entry per started service.
    public var services: [ServiceEndpoint]
}

/// Where one service is reached from where Berth runs.
public struct ServiceEndpoint: Codable, Sendable {
    /// The service key, also its network alias.
    public var key: String
    public var containerID: String
    public var containerName: String
    public var image: String
    /// The address to connect to: the service key inside a container on the session network,
    /// 127.0.0.1 on the host when ports are published, else the container's address.
    public var host: String
    /// The container's address on the session network.
    public var ipAddress: String?
    /// Each exposed port with the port to dial from where Berth runs.
    public var ports: [PortEndpoint]
}

/// One container port and how to reach it.
public struct PortEndpoint: Codable, Sendable {
    public var containerPort: Int
    public var proto: String
    /// The port to dial at `host`.
    public var port: Int
    /// The port published on the Docker host, if any.
    public var hostPort: Int?
}

extension SessionInfo {
    /// Environment variables describing the session, in a stable order.
    ///
    /// For a service key `postgres`: `POSTGRES_HOST`, `POSTGRES_PORT` (its first TCP port),
    /// `POSTGRES_PORT_<container port>` for every port, `POSTGRES_PUBLISHED_PORT_<container port>`
    /// for every port published on the Docker host, and `POSTGRES_CONTAINER_ID`; plus
    /// `BERTH_SESSION` and `BERTH_NETWORK`. Keys become upper case with other characters as `_`.
    public var environment: [(String, String)] {
        var variables: [(String, String)] = [("BERTH_SESSION", session), ("BERTH_NETWORK", network)]
        for service in services {
            let prefix = Self.variablePrefix(service.key)
            variables.append(("\(prefix)_HOST", service.host))
            if let first = service.ports.first(where: { $0.proto == "tcp" }) ?? service.ports.first {
                variables.append(("\(prefix)_PORT", String(first.port)))
            }
            for port in service.ports {
                let suffix = port.proto == "tcp" ? "" : "_\(port.proto.uppercased())"
                variables.append(("\(prefix)_PORT_\(port.containerPort)\(suffix)", String(port.port)))
                if let hostPort = port.hostPort {
                    variables.append(("\(prefix)_PUBLISHED_PORT_\(port.containerPort)\(suffix)", String(hostPort)))
                }
            }
            variables.append(("\(prefix)_CONTAINER_ID", service.containerID))
        }
        return variables
    }

    /// Turns a service key into a variable prefix: `my-db` becomes `MY_DB`.
    public static func variablePrefix(_ key: String) -> String {
        var prefix = String(key.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
        if prefix.first?.isNumber ?? true {
            prefix = "_" + prefix
        }
        return prefix
    }
}
