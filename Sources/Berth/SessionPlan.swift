import Foundation
import WorkflowSpec

/// The plan `berth up --dry-run` prints: the services a job would start, without touching the daemon.
///
/// Environment values are left out because they often come from secrets; only names are listed.
public struct SessionPlan: Encodable, Sendable {
    public var workflow: String?
    public var job: String?
    public var matrix: [String: String]
    public var services: [PlannedService]
    /// Services skipped because their image resolved to an empty string, as GitHub skips them.
    public var skipped: [String]
    /// The job's `container:`, which Berth reads but does not start.
    public var container: PlannedService?
    public var warnings: [String]

    /// Builds the plan for `services`.
    public init(
        services: [ServiceSpec], job: JobSpec?, workflow: String?, imageMappings: [ImageMapping],
        diagnostics: [Diagnostic]
    ) {
        self.workflow = workflow
        self.job = job?.id
        self.matrix = job?.matrix ?? [:]
        self.services = services.map { PlannedService($0, imageMappings: imageMappings) }
        self.skipped = job?.skippedServices ?? []
        self.container = job?.container.map { PlannedService($0, imageMappings: imageMappings) }
        self.warnings = diagnostics.map { "\($0.location): \($0.message)" }
    }
}

/// One service in a plan.
public struct PlannedService: Encodable, Sendable {
    public var key: String
    /// The image Berth will run, after `--image-map`.
    public var image: String
    /// The image as the workflow names it.
    public var sourceImage: String
    /// Published ports as `[hostIP:]hostPort->containerPort/proto`; a missing host port is random.
    public var ports: [String]
    /// Names of the environment variables set; values are not shown.
    public var env: [String]
    public var healthCheck: HealthCheck?
    /// The entrypoint that replaces the image's, from `--entrypoint` or `entrypoint:`.
    public var entrypoint: String?
    public var options: String
    public var volumes: [String]
    public var credentials: Bool
    public var location: String

    init(_ service: ServiceSpec, imageMappings: [ImageMapping]) {
        key = service.key
        image = ImageMapping.apply(imageMappings, to: service.image)
        sourceImage = service.image
        ports = (service.ports + service.options.publish).map(Self.describe)
        env =
            service.env.map(\.name)
            + service.options.env.map { String($0.split(separator: "=", maxSplits: 1).first ?? "") }
        healthCheck = service.options.healthCheck
        entrypoint = service.options.entrypoint ?? service.entrypoint
        options = service.rawOptions
        volumes = service.volumes + service.options.binds
        credentials = service.credentials != nil
        location = service.location.description
    }

    static func describe(_ port: PortSpec) -> String {
        let host = port.hostPort.map(String.init) ?? "random"
        let address = port.hostIP.map { "\($0):" } ?? ""
        return "\(address)\(host)->\(port.containerPort)/\(port.proto)"
    }
}
