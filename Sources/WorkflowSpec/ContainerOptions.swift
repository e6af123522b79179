/// A container health check in the Engine API's `HealthConfig` form.
public struct HealthCheck: Sendable, Equatable, Codable {
    /// `["CMD-SHELL", "pg_isready"]` for `--health-cmd`, `["NONE"]` for `--no-healthcheck`, or empty to keep
    /// the image's command while changing its timing.
    public var test: [String]
    /// Time between checks in nanoseconds, or nil for the image's (or Docker's) default.
    public var interval: Int64?
    /// Time a check may run, in nanoseconds.
    public var timeout: Int64?
    /// Grace period after start during which failures do not count, in nanoseconds.
    public var startPeriod: Int64?
    /// Time between checks during the start period, in nanoseconds (Engine API 1.44 and later).
    public var startInterval: Int64?
    /// Consecutive failures before the container is unhealthy.
    public var retries: Int?

    /// Creates a health check; every timing is optional.
    public init(
        test: [String] = [], interval: Int64? = nil, timeout: Int64? = nil, startPeriod: Int64? = nil,
        startInterval: Int64? = nil, retries: Int? = nil
    ) {
        self.test = test
        self.interval = interval
        self.timeout = timeout
        self.startPeriod = startPeriod
        self.startInterval = startInterval
        self.retries = retries
    }
}

/// A `--mount` entry in the Engine API's `Mount` form.
public struct MountSpec: Sendable, Equatable, Codable {
    /// "bind", "volume", "tmpfs", "image" or "npipe"; docker's default is "volume".
    public var type: String
    /// The host path or volume name, or nil for an anonymous volume or a tmpfs.
    public var source: String?
    /// The path inside the container.
    public var target: String
    /// True for `readonly` or `ro`.
    public var readOnly: Bool
    /// The other `key=value` fields as written, such as `bind-propagation` or `tmpfs-size`. Repeated
    /// `volume-opt=name=value` fields are stored as `volume-opt.name`.
    public var options: [String: String]

    /// Creates a mount from its parts.
    public init(type: String, source: String?, target: String, readOnly: Bool = false, options: [String: String] = [:])
    {
        self.type = type
        self.source = source
        self.target = target
        self.readOnly = readOnly
        self.options = options
    }
}

/// A `--ulimit name=soft[:hard]` entry.
public struct UlimitSpec: Sendable, Equatable, Codable {
    /// The resource, such as "nofile".
    public var name: String
    /// The soft limit; -1 means unlimited.
    public var soft: Int64
    /// The hard limit; -1 means unlimited.
    public var hard: Int64

    /// Creates a limit from its parts.
    public init(name: String, soft: Int64, hard: Int64) {
        self.name = name
        self.soft = soft
        self.hard = hard
    }
}

/// A `--restart policy[:max-retries]` entry.
public struct RestartPolicySpec: Sendable, Equatable, Codable {
    /// "no", "always", "unless-stopped" or "on-failure".
    public var name: String
    /// Retries for "on-failure"; 0 means no limit.
    public var maximumRetryCount: Int

    /// Creates a policy from its parts.
    public init(name: String, maximumRetryCount: Int = 0) {
        self.name = name
        self.maximumRetryCount = maximumRetryCount
    }
}

/// The settings of a service's `options:` string, typed. An empty collection or nil means "not given".
public struct ContainerOptions: Sendable, Equatable, Codable {
    /// Merged from all `--health-*` flags and `--no-healthcheck`; nil when none is given.
    public var healthCheck: HealthCheck?
    /// `--entrypoint` as written; "" resets the image's entrypoint.
    public var entrypoint: String?
    /// `--tmpfs /path[:options]`, options "" when none are given.
    public var tmpfs: [String: String] = [:]
    /// `-v`/`--volume` as written: "source:target[:mode]" or "target".
    public var binds: [String] = []
    /// `--mount type=…,source=…,target=…`.
    public var mounts: [MountSpec] = []
    /// `-e`/`--env` as written: "NAME=value", or "NAME" to pass the variable through.
    public var env: [String] = []
    /// `-u`/`--user`.
    public var user: String?
    /// `-h`/`--hostname`.
    public var hostname: String?
    /// `--name`.
    public var name: String?
    /// `-w`/`--workdir`.
    public var workingDir: String?
    /// `-l`/`--label key=value`, value "" for a bare key.
    public var labels: [String: String] = [:]
    /// `--network-alias`.
    public var networkAliases: [String] = []
    /// `--shm-size` in bytes.
    public var shmSize: Int64?
    /// `--cpus` in billionths of a CPU: 1.5 is 1_500_000_000.
    public var nanoCPUs: Int64?
    /// `-m`/`--memory` in bytes.
    public var memory: Int64?
    /// `--ulimit`.
    public var ulimits: [UlimitSpec] = []
    /// `--cap-add`.
    public var capAdd: [String] = []
    /// `--cap-drop`.
    public var capDrop: [String] = []
    /// `--privileged`.
    public var privileged = false
    /// `--restart`.
    public var restart: RestartPolicySpec?
    /// `-p`/`--publish`.
    public var publish: [PortSpec] = []
    /// `--add-host`, normalized to "host:address".
    public var extraHosts: [String] = []
    /// `--init`.
    public var initProcess = false
    /// `--read-only`.
    public var readOnlyRootfs = false
    /// `--stop-signal`.
    public var stopSignal: String?
    /// `--stop-timeout` in seconds.
    public var stopTimeout: Int?
    /// `--security-opt`.
    public var securityOptions: [String] = []
    /// `--sysctl key=value`.
    public var sysctls: [String: String] = [:]

    /// Creates empty options: nothing given.
    public init() {}
}
