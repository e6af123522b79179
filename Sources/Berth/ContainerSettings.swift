import EngineAPI
import Foundation
import WorkflowSpec

/// Maps a workflow service to the body of `POST /containers/create`, the way GitHub's runner
/// maps it to `docker create`: service key as network alias, declared ports published, options
/// applied, `GITHUB_ACTIONS=true` and `CI=true` added to the environment.
enum ContainerSettings {
    static func createRequest(
        for service: ServiceSpec, image: String, network: String, labels: [String: String], apiVersion: APIVersion,
        environment callerEnvironment: [String: String] = [:], reporter: Reporter
    ) -> ContainerCreateRequest {
        let options = service.options
        var request = ContainerCreateRequest(image: image)

        request.env = environment(for: service, callerEnvironment: callerEnvironment)
        request.cmd = service.command
        if let entrypoint = options.entrypoint ?? service.entrypoint {
            request.entrypoint = [entrypoint]
        }
        request.labels = options.labels.merging(labels) { _, berth in berth }
        request.hostname = options.hostname
        request.user = options.user
        request.workingDir = options.workingDir
        request.stopSignal = options.stopSignal
        request.stopTimeout = options.stopTimeout
        request.healthcheck = healthConfig(
            options.healthCheck, apiVersion: apiVersion, service: service.key, reporter: reporter)

        let ports = service.ports + options.publish
        if !ports.isEmpty {
            var exposed: [String: EmptyObject] = [:]
            var bindings: [String: [PortBinding]] = [:]
            for port in ports {
                let key = "\(port.containerPort)/\(port.proto)"
                exposed[key] = EmptyObject()
                bindings[key, default: []].append(
                    PortBinding(hostIp: port.hostIP ?? "", hostPort: port.hostPort.map(String.init) ?? ""))
            }
            request.exposedPorts = exposed
            request.hostConfig.portBindings = bindings
        }

        request.hostConfig = hostConfig(
            request.hostConfig, options: options, volumes: service.volumes, network: network)
        let aliases = [service.key] + options.networkAliases
        request.networkingConfig = NetworkingConfig(endpointsConfig: [network: EndpointSettings(aliases: aliases)])
        return request
    }

    /// The service's variables, then its `-e` options, then `GITHUB_ACTIONS` and `CI` unless set.
    ///
    /// A bare `-e NAME` takes NAME's value from `callerEnvironment`, as `docker create` takes it
    /// from its own environment; the daemon reads an entry without `=` as "unset NAME".
    static func environment(for service: ServiceSpec, callerEnvironment: [String: String] = [:]) -> [String] {
        let passedThrough = service.options.env.map { entry in
            guard !entry.contains("="), let value = callerEnvironment[entry] else { return entry }
            return "\(entry)=\(value)"
        }
        var env = service.env.map { "\($0.name)=\($0.value)" } + passedThrough
        let names = Set(env.map { String($0.split(separator: "=", maxSplits: 1).first ?? "") })
        if !names.contains("GITHUB_ACTIONS") {
            env.append("GITHUB_ACTIONS=true")
        }
        if !names.contains("CI") {
            env.append("CI=true")
        }
        return env
    }

    private static func hostConfig(_ base: HostConfig, options: ContainerOptions, volumes: [String], network: String)
        -> HostConfig
    {
        var host = base
        host.networkMode = network
        let binds = options.binds + volumes
        host.binds = binds.isEmpty ? nil : binds
        host.mounts =
            options.mounts.isEmpty
            ? nil
            : options.mounts.map {
                MountConfig(type: $0.type, source: $0.source, target: $0.target, readOnly: $0.readOnly ? true : nil)
            }
        host.tmpfs = options.tmpfs.isEmpty ? nil : options.tmpfs
        host.privileged = options.privileged ? true : nil
        host.capAdd = options.capAdd.isEmpty ? nil : options.capAdd
        host.capDrop = options.capDrop.isEmpty ? nil : options.capDrop
        host.shmSize = options.shmSize
        host.nanoCpus = options.nanoCPUs
        host.memory = options.memory
        host.ulimits =
            options.ulimits.isEmpty ? nil : options.ulimits.map { Ulimit(name: $0.name, soft: $0.soft, hard: $0.hard) }
        host.restartPolicy = options.restart.map {
            RestartPolicy(name: $0.name, maximumRetryCount: $0.maximumRetryCount)
        }
        host.extraHosts = options.extraHosts.isEmpty ? nil : options.extraHosts
        host.initProcess = options.initProcess ? true : nil
        host.readonlyRootfs = options.readOnlyRootfs ? true : nil
        host.securityOpt = options.securityOptions.isEmpty ? nil : options.securityOptions
        host.sysctls = options.sysctls.isEmpty ? nil : options.sysctls
        return host
    }

    private static func healthConfig(_ check: HealthCheck?, apiVersion: APIVersion, service: String, reporter: Reporter)
        -> HealthConfig?
    {
        guard let check else { return nil }
        var config = HealthConfig(
            test: check.test, interval: check.interval, timeout: check.timeout, startPeriod: check.startPeriod,
            startInterval: check.startInterval, retries: check.retries)
        if check.startInterval != nil && apiVersion < APIVersion(1, 44) {
            reporter.warning(
                "service \(service): --health-start-interval needs Docker API 1.44; this daemon speaks \(apiVersion), so it is ignored"
            )
            config.startInterval = nil
        }
        return config
    }
}
