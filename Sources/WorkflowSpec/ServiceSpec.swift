/// One environment variable of a service, in file order.
public struct EnvVar: Sendable, Equatable, Codable {
    /// The variable's name.
    public var name: String
    /// The value after expressions are filled in; numbers print as GitHub prints them.
    public var value: String

    /// Creates a variable from its parts.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// Registry credentials from a service's `credentials:` mapping.
public struct Credentials: Sendable, Equatable, Codable {
    /// The registry user name.
    public var username: String
    /// The registry password or token.
    public var password: String

    /// Creates credentials from their parts.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
}

/// One service (or the job container) after expressions are filled in.
public struct ServiceSpec: Sendable, Equatable, Codable {
    /// The key under `services:` (or "container"); Berth uses it as the network alias.
    public var key: String
    /// The image reference, without a `docker://` prefix.
    public var image: String
    /// The `env:` variables in file order.
    public var env: [EnvVar]
    /// The `ports:` entries, ranges expanded.
    public var ports: [PortSpec]
    /// The `volumes:` entries as written.
    public var volumes: [String]
    /// The `options:` string, typed.
    public var options: ContainerOptions
    /// The `options:` string after substitution, for display.
    public var rawOptions: String
    /// The `credentials:` mapping, or nil when it is absent or both fields are empty.
    public var credentials: Credentials?
    /// The `entrypoint:` key of newer runners, or nil.
    public var entrypoint: String?
    /// The `command:` key of newer runners, split into words as the runner splits it, or nil.
    public var command: [String]?
    /// The position of the service's key, or a `<command line>` position for a command-line service.
    public var location: SourceLocation

    /// Creates a service from its parts.
    public init(
        key: String, image: String, env: [EnvVar] = [], ports: [PortSpec] = [], volumes: [String] = [],
        options: ContainerOptions = ContainerOptions(), rawOptions: String = "", credentials: Credentials? = nil,
        entrypoint: String? = nil, command: [String]? = nil, location: SourceLocation
    ) {
        self.key = key
        self.image = image
        self.env = env
        self.ports = ports
        self.volumes = volumes
        self.options = options
        self.rawOptions = rawOptions
        self.credentials = credentials
        self.entrypoint = entrypoint
        self.command = command
        self.location = location
    }

    /// The file name in the locations of services given on the command line.
    public static let commandLineFile = "<command line>"

    /// Builds a service from `berth up --service key=image --env K=V --port 5432 --options "..."`.
    ///
    /// `env` entries are `NAME=value`; `ports` entries use the `ports:` syntax; `options` is parsed like
    /// a workflow's `options:`. Errors carry no location because the input is not a file.
    public static func adHoc(
        key: String, image: String, env: [String], ports: [String], options: String
    ) throws(WorkflowError) -> ServiceSpec {
        guard isValidKey(key) else {
            throw WorkflowError(
                location: nil, message: "invalid service name '\(key)'",
                hint:
                    "use letters, digits, '-', '_' and '.', starting with a letter or digit, as in --service db=postgres:16"
            )
        }
        guard !image.isEmpty else {
            throw WorkflowError(
                location: nil, message: "the service '\(key)' has no image", hint: "write --service \(key)=image")
        }
        var variables: [EnvVar] = []
        for entry in env {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw WorkflowError(
                    location: nil, message: "invalid environment variable '\(entry)'", hint: "write NAME=value")
            }
            variables.append(EnvVar(name: String(parts[0]), value: String(parts[1])))
        }
        var portSpecs: [PortSpec] = []
        for port in ports {
            portSpecs += try PortSpec.parse(port, location: nil)
        }
        return ServiceSpec(
            key: key, image: stripDockerScheme(image), env: variables, ports: portSpecs,
            options: try OptionsParser.parse(options, location: nil), rawOptions: options,
            location: SourceLocation(file: commandLineFile, line: 1, column: 1))
    }

    /// Docker network aliases are DNS names: letters, digits, `-`, `_` and `.`.
    private static func isValidKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first.isASCIILetter || ("0"..."9").contains(first) else {
            return false
        }
        return key.unicodeScalars.allSatisfy {
            $0.isASCIILetter || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)
        }
    }

    /// GitHub accepts `docker://image` and removes the scheme.
    static func stripDockerScheme(_ image: String) -> String {
        image.hasPrefix("docker://") ? String(image.dropFirst("docker://".count)) : image
    }
}

/// One job's services after its matrix combination and expressions are resolved.
public struct JobSpec: Sendable, Equatable, Codable {
    /// The job's key under `jobs:`.
    public var id: String
    /// The services in file order, without the skipped ones.
    public var services: [ServiceSpec]
    /// Keys of services whose image resolved to "", which GitHub Actions does not start.
    public var skippedServices: [String]
    /// The job container (`container:`), with key "container", or nil.
    public var container: ServiceSpec?
    /// The matrix combination the job uses, values as GitHub prints them (collections as JSON).
    public var matrix: [String: String]

    /// Creates a job from its parts.
    public init(
        id: String, services: [ServiceSpec], skippedServices: [String] = [], container: ServiceSpec? = nil,
        matrix: [String: String] = [:]
    ) {
        self.id = id
        self.services = services
        self.skippedServices = skippedServices
        self.container = container
        self.matrix = matrix
    }
}

/// The values that `${{ }}` expressions read.
public struct ExpressionContext: Sendable {
    /// Matrix values from `--matrix`, which choose or override the job's own matrix combination.
    /// A laid-over `true` or `false` is a boolean; every other value is a string.
    public var matrix: [String: String]
    /// Secrets from `--secret NAME=value`; a secret not given here is looked up in `environment`.
    public var secrets: [String: String]
    /// Configuration variables from `--var NAME=value`.
    public var vars: [String: String]
    /// The process environment, the last place `env.NAME` and `secrets.NAME` are looked up.
    public var environment: [String: String]

    /// Creates a context; every part defaults to empty.
    public init(
        matrix: [String: String] = [:], secrets: [String: String] = [:], vars: [String: String] = [:],
        environment: [String: String] = [:]
    ) {
        self.matrix = matrix
        self.secrets = secrets
        self.vars = vars
        self.environment = environment
    }
}
