import Foundation

/// The body of `POST /containers/create`.
public struct ContainerCreateRequest: Encodable, Sendable, Equatable {
    public var image: String
    public var env: [String]?
    public var cmd: [String]?
    public var entrypoint: [String]?
    public var labels: [String: String]?
    public var exposedPorts: [String: EmptyObject]?
    public var hostname: String?
    public var user: String?
    public var workingDir: String?
    public var healthcheck: HealthConfig?
    public var stopSignal: String?
    public var stopTimeout: Int?
    public var hostConfig: HostConfig
    public var networkingConfig: NetworkingConfig?
    /// Keeps stdin open so a client can attach to it.
    public var openStdin: Bool?
    /// Closes stdin when the first attached client disconnects.
    public var stdinOnce: Bool?
    public var attachStdin: Bool?

    /// Creates a request for `image` with default settings.
    public init(image: String) {
        self.image = image
        self.hostConfig = HostConfig()
    }

    enum CodingKeys: String, CodingKey {
        case image = "Image", env = "Env", cmd = "Cmd", entrypoint = "Entrypoint", labels = "Labels"
        case exposedPorts = "ExposedPorts", hostname = "Hostname", user = "User", workingDir = "WorkingDir"
        case healthcheck = "Healthcheck", stopSignal = "StopSignal", stopTimeout = "StopTimeout"
        case hostConfig = "HostConfig", networkingConfig = "NetworkingConfig"
        case openStdin = "OpenStdin", stdinOnce = "StdinOnce", attachStdin = "AttachStdin"
    }
}

/// An empty JSON object, as `ExposedPorts` values must be.
public struct EmptyObject: Codable, Sendable, Equatable {
    /// Creates the empty object.
    public init() {}
}

/// A container health check, durations in nanoseconds.
public struct HealthConfig: Codable, Sendable, Equatable {
    public var test: [String]?
    public var interval: Int64?
    public var timeout: Int64?
    public var startPeriod: Int64?
    /// Needs API 1.44; older daemons ignore it.
    public var startInterval: Int64?
    public var retries: Int?

    /// Creates a health check.
    public init(
        test: [String]?, interval: Int64? = nil, timeout: Int64? = nil, startPeriod: Int64? = nil,
        startInterval: Int64? = nil, retries: Int? = nil
    ) {
        self.test = test
        self.interval = interval
        self.timeout = timeout
        self.startPeriod = startPeriod
        self.startInterval = startInterval
        self.retries = retries
    }

    enum CodingKeys: String, CodingKey {
        case test = "Test", interval = "Interval", timeout = "Timeout", startPeriod = "StartPeriod"
        case startInterval = "StartInterval", retries = "Retries"
    }
}

/// Host-side settings of a container.
public struct HostConfig: Codable, Sendable, Equatable {
    public var binds: [String]?
    public var mounts: [MountConfig]?
    public var tmpfs: [String: String]?
    public var portBindings: [String: [PortBinding]]?
    public var networkMode: String?
    public var privileged: Bool?
    public var capAdd: [String]?
    public var capDrop: [String]?
    public var shmSize: Int64?
    public var nanoCpus: Int64?
    public var memory: Int64?
    public var ulimits: [Ulimit]?
    public var restartPolicy: RestartPolicy?
    public var extraHosts: [String]?
    public var initProcess: Bool?
    public var readonlyRootfs: Bool?
    public var securityOpt: [String]?
    public var sysctls: [String: String]?
    public var autoRemove: Bool?
    public var pidMode: String?
    public var groupAdd: [String]?

    /// Creates empty host settings.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case binds = "Binds", mounts = "Mounts", tmpfs = "Tmpfs", portBindings = "PortBindings"
        case networkMode = "NetworkMode", privileged = "Privileged", capAdd = "CapAdd", capDrop = "CapDrop"
        case shmSize = "ShmSize", nanoCpus = "NanoCpus", memory = "Memory", ulimits = "Ulimits"
        case restartPolicy = "RestartPolicy", extraHosts = "ExtraHosts", initProcess = "Init"
        case readonlyRootfs = "ReadonlyRootfs", securityOpt = "SecurityOpt", sysctls = "Sysctls"
        case autoRemove = "AutoRemove", pidMode = "PidMode", groupAdd = "GroupAdd"
    }
}

/// A host address and port a container port is published on.
public struct PortBinding: Codable, Sendable, Equatable {
    public var hostIp: String?
    public var hostPort: String?

    /// Creates a binding; an empty host port asks the daemon for a free one.
    public init(hostIp: String? = nil, hostPort: String? = nil) {
        self.hostIp = hostIp
        self.hostPort = hostPort
    }

    enum CodingKeys: String, CodingKey {
        case hostIp = "HostIp", hostPort = "HostPort"
    }
}

/// One `--mount`.
public struct MountConfig: Codable, Sendable, Equatable {
    public var type: String
    public var source: String?
    public var target: String
    public var readOnly: Bool?

    /// Creates a mount.
    public init(type: String, source: String?, target: String, readOnly: Bool?) {
        self.type = type
        self.source = source
        self.target = target
        self.readOnly = readOnly
    }

    enum CodingKeys: String, CodingKey {
        case type = "Type", source = "Source", target = "Target", readOnly = "ReadOnly"
    }
}

/// A resource limit such as `nofile`.
public struct Ulimit: Codable, Sendable, Equatable {
    public var name: String
    public var soft: Int64
    public var hard: Int64

    /// Creates a limit.
    public init(name: String, soft: Int64, hard: Int64) {
        self.name = name
        self.soft = soft
        self.hard = hard
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name", soft = "Soft", hard = "Hard"
    }
}

/// What the daemon does when the container exits.
public struct RestartPolicy: Codable, Sendable, Equatable {
    public var name: String
    public var maximumRetryCount: Int?

    /// Creates a policy.
    public init(name: String, maximumRetryCount: Int? = nil) {
        self.name = name
        self.maximumRetryCount = maximumRetryCount
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name", maximumRetryCount = "MaximumRetryCount"
    }
}

/// Networks to join at creation.
public struct NetworkingConfig: Codable, Sendable, Equatable {
    public var endpointsConfig: [String: EndpointSettings]

    /// Creates the settings.
    public init(endpointsConfig: [String: EndpointSettings]) {
        self.endpointsConfig = endpointsConfig
    }

    enum CodingKeys: String, CodingKey {
        case endpointsConfig = "EndpointsConfig"
    }
}

/// A container's attachment to one network.
public struct EndpointSettings: Codable, Sendable, Equatable {
    public var aliases: [String]?
    public var networkID: String?
    public var endpointID: String?
    public var ipAddress: String?
    public var gateway: String?

    /// Creates settings with the given aliases.
    public init(aliases: [String]? = nil) {
        self.aliases = aliases
    }

    enum CodingKeys: String, CodingKey {
        case aliases = "Aliases", networkID = "NetworkID", endpointID = "EndpointID", ipAddress = "IPAddress"
        case gateway = "Gateway"
    }
}

/// The reply of `POST /containers/create`.
public struct ContainerCreateResponse: Decodable, Sendable {
    public var id: String
    public var warnings: [String]?

    enum CodingKeys: String, CodingKey {
        case id = "Id", warnings = "Warnings"
    }
}

/// The parts of `GET /containers/{id}/json` Berth reads.
public struct ContainerInspect: Decodable, Sendable {
    public var id: String
    public var name: String
    public var created: String?
    public var restartCount: Int?
    public var state: ContainerState
    public var config: ContainerConfig
    public var networkSettings: NetworkSettings
    public var mounts: [MountPoint]?
    public var hostConfig: HostConfig?

    enum CodingKeys: String, CodingKey {
        case id = "Id", name = "Name", created = "Created", restartCount = "RestartCount", state = "State"
        case config = "Config", networkSettings = "NetworkSettings", mounts = "Mounts", hostConfig = "HostConfig"
    }
}

/// A container's run state.
public struct ContainerState: Decodable, Sendable {
    public var status: String
    public var running: Bool
    public var restarting: Bool?
    public var oomKilled: Bool?
    public var exitCode: Int?
    public var error: String?
    public var health: ContainerHealth?

    enum CodingKeys: String, CodingKey {
        case status = "Status", running = "Running", restarting = "Restarting", oomKilled = "OOMKilled"
        case exitCode = "ExitCode", error = "Error", health = "Health"
    }
}

/// Docker's own health state.
public struct ContainerHealth: Decodable, Sendable {
    public var status: String

    enum CodingKeys: String, CodingKey {
        case status = "Status"
    }
}

/// The configuration a container was created with.
public struct ContainerConfig: Decodable, Sendable {
    public var image: String?
    public var hostname: String?
    public var labels: [String: String]?
    public var env: [String]?
    public var healthcheck: HealthConfig?
    public var exposedPorts: [String: EmptyObject]?

    enum CodingKeys: String, CodingKey {
        case image = "Image", hostname = "Hostname", labels = "Labels", env = "Env", healthcheck = "Healthcheck"
        case exposedPorts = "ExposedPorts"
    }
}

/// A container's networks and published ports.
public struct NetworkSettings: Decodable, Sendable {
    public var ports: [String: [PortBinding]?]?
    public var networks: [String: EndpointSettings]?

    enum CodingKeys: String, CodingKey {
        case ports = "Ports", networks = "Networks"
    }
}

/// One mount as the daemon reports it.
public struct MountPoint: Decodable, Sendable {
    public var type: String?
    public var source: String?
    public var destination: String
    public var name: String?

    enum CodingKeys: String, CodingKey {
        case type = "Type", source = "Source", destination = "Destination", name = "Name"
    }
}

/// One row of `GET /containers/json`.
public struct ContainerSummary: Decodable, Sendable {
    public var id: String
    public var names: [String]?
    public var image: String?
    public var labels: [String: String]?
    public var state: String?
    public var created: Int64?

    enum CodingKeys: String, CodingKey {
        case id = "Id", names = "Names", image = "Image", labels = "Labels", state = "State", created = "Created"
    }
}
