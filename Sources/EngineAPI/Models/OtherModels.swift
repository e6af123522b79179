import Foundation

/// The body of `POST /networks/create`.
public struct NetworkCreateRequest: Encodable, Sendable {
    public var name: String
    public var driver: String
    public var labels: [String: String]
    public var ipam: IPAM?
    public var attachable: Bool?
    /// Needed by daemons before API 1.44 so that two creates of one name do not both succeed.
    public var checkDuplicate: Bool?

    /// Creates a bridge network request.
    public init(name: String, labels: [String: String], ipam: IPAM? = nil) {
        self.name = name
        self.driver = "bridge"
        self.labels = labels
        self.ipam = ipam
        self.checkDuplicate = true
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name", driver = "Driver", labels = "Labels", ipam = "IPAM", attachable = "Attachable"
        case checkDuplicate = "CheckDuplicate"
    }
}

/// IP address management settings of a network.
public struct IPAM: Codable, Sendable, Equatable {
    public var config: [IPAMConfig]?

    /// Creates settings with the given pools.
    public init(config: [IPAMConfig]) {
        self.config = config
    }

    enum CodingKeys: String, CodingKey {
        case config = "Config"
    }
}

/// One address pool of a network.
public struct IPAMConfig: Codable, Sendable, Equatable {
    public var subnet: String?
    public var gateway: String?

    /// Creates a pool.
    public init(subnet: String?, gateway: String? = nil) {
        self.subnet = subnet
        self.gateway = gateway
    }

    enum CodingKeys: String, CodingKey {
        case subnet = "Subnet", gateway = "Gateway"
    }
}

/// The reply of `POST /networks/create`.
public struct NetworkCreateResponse: Decodable, Sendable {
    public var id: String

    enum CodingKeys: String, CodingKey {
        case id = "Id"
    }
}

/// The parts of a network Berth reads, from list or inspect.
public struct NetworkInspect: Decodable, Sendable {
    public var id: String
    public var name: String
    public var created: String?
    public var driver: String?
    public var labels: [String: String]?
    public var ipam: IPAM?
    public var containers: [String: NetworkContainer]?

    enum CodingKeys: String, CodingKey {
        case id = "Id", name = "Name", created = "Created", driver = "Driver", labels = "Labels", ipam = "IPAM"
        case containers = "Containers"
    }
}

/// A container attached to a network.
public struct NetworkContainer: Decodable, Sendable {
    public var name: String?
    public var endpointID: String?
    public var ipv4Address: String?

    enum CodingKeys: String, CodingKey {
        case name = "Name", endpointID = "EndpointID", ipv4Address = "IPv4Address"
    }
}

/// The body of `POST /containers/{id}/exec`.
public struct ExecCreateRequest: Encodable, Sendable {
    public var cmd: [String]
    public var attachStdout = true
    public var attachStderr = true
    public var user: String?
    public var env: [String]?

    /// Creates an exec of `cmd` with output captured.
    public init(cmd: [String], user: String? = nil, env: [String]? = nil) {
        self.cmd = cmd
        self.user = user
        self.env = env
    }

    enum CodingKeys: String, CodingKey {
        case cmd = "Cmd", attachStdout = "AttachStdout", attachStderr = "AttachStderr", user = "User", env = "Env"
    }
}

/// The reply of `GET /exec/{id}/json`.
public struct ExecInspect: Decodable, Sendable {
    public var running: Bool
    public var exitCode: Int?

    enum CodingKeys: String, CodingKey {
        case running = "Running", exitCode = "ExitCode"
    }
}

/// The result of running a command through exec.
public struct ExecResult: Sendable {
    /// The command's exit status; nil if the daemon did not report one.
    public var exitCode: Int?
    /// Standard output, at most the last 64 KiB.
    public var stdout: [UInt8]
    /// Standard error, at most the last 64 KiB.
    public var stderr: [UInt8]

    /// Both streams as text, stdout first, trimmed.
    public var combinedOutput: String {
        (String(decoding: stdout, as: UTF8.self) + String(decoding: stderr, as: UTF8.self))
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The parts of `GET /images/{name}/json` Berth reads.
public struct ImageInspect: Decodable, Sendable {
    public var id: String
    public var repoTags: [String]?
    public var config: ImageConfig?

    enum CodingKeys: String, CodingKey {
        case id = "Id", repoTags = "RepoTags", config = "Config"
    }
}

/// An image's default container settings.
public struct ImageConfig: Decodable, Sendable {
    public var healthcheck: HealthConfig?
    public var exposedPorts: [String: EmptyObject]?
    public var labels: [String: String]?

    enum CodingKeys: String, CodingKey {
        case healthcheck = "Healthcheck", exposedPorts = "ExposedPorts", labels = "Labels"
    }
}

/// One row of `GET /images/json`.
public struct ImageSummary: Decodable, Sendable {
    public var id: String
    public var repoTags: [String]?
    /// Seconds since the Unix epoch.
    public var created: Int64?

    enum CodingKeys: String, CodingKey {
        case id = "Id", repoTags = "RepoTags", created = "Created"
    }
}

/// One volume from `GET /volumes`.
public struct VolumeSummary: Decodable, Sendable {
    public var name: String
    public var labels: [String: String]?
    public var createdAt: String?

    enum CodingKeys: String, CodingKey {
        case name = "Name", labels = "Labels", createdAt = "CreatedAt"
    }
}

struct VolumeList: Decodable {
    var volumes: [VolumeSummary]?

    enum CodingKeys: String, CodingKey {
        case volumes = "Volumes"
    }
}

/// The parts of `GET /version` Berth reads.
public struct SystemVersion: Decodable, Sendable {
    public var version: String
    public var apiVersion: String
    public var minAPIVersion: String?
    public var os: String?
    public var arch: String?
    public var kernelVersion: String?

    enum CodingKeys: String, CodingKey {
        case version = "Version", apiVersion = "ApiVersion", minAPIVersion = "MinAPIVersion", os = "Os", arch = "Arch"
        case kernelVersion = "KernelVersion"
    }
}

/// One message of a pull or build progress stream.
public struct ProgressMessage: Decodable, Sendable {
    public var status: String?
    public var id: String?
    public var progress: String?
    public var stream: String?
    public var error: String?
    public var errorDetail: ErrorDetail?
    public var progressDetail: ProgressDetail?
    public var aux: AuxiliaryID?

    /// The error text carried in-stream, if any.
    public var errorMessage: String? { errorDetail?.message ?? error }

    /// `errorDetail` of a progress message.
    public struct ErrorDetail: Decodable, Sendable {
        public var message: String?
    }

    /// Byte counts of a layer download.
    public struct ProgressDetail: Decodable, Sendable {
        public var current: Int64?
        public var total: Int64?
    }

    /// The image id a build reports at its end.
    public struct AuxiliaryID: Decodable, Sendable {
        public var id: String?

        enum CodingKeys: String, CodingKey {
            case id = "ID"
        }
    }
}

struct DaemonErrorBody: Decodable {
    var message: String
}
