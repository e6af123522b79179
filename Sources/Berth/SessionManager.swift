import EngineAPI
import Foundation
import WorkflowSpec

/// The services and settings of one `berth up`.
public struct UpRequest: Sendable {
    /// The session id; nil makes a fresh one.
    public var sessionID: String?
    /// The services, in file order.
    public var services: [ServiceSpec]
    public var imageMappings: [ImageMapping] = []
    public var pullPolicy: PullPolicy = .missing
    /// Seconds to wait for every service to be ready.
    public var waitTimeout: Double = 120
    /// Whether to join Berth's own container to the session network.
    public var attach = true
    /// The session's owner; nil means Berth's own container, else a host process.
    public var owner: SessionOwner?
    /// Whether the calling process stays alive for the session's lifetime (`berth run`): the
    /// reaper then watches a connection this process holds, so even `kill -9` of Berth is noticed.
    /// Otherwise (`berth up`) it watches the owner container, or the long-lived process Berth was
    /// started from.
    public var ownerStaysAlive = false
    /// A host process whose end ends the session (`berth up --owner-pid`), for CI systems that
    /// run every step in a new shell; only on a host, where the reaper can see host processes.
    public var ownerProcess: Int32?
    /// Whether to start a reaper; `BERTH_NO_REAPER=1` turns it off.
    public var reaper = true
    /// The allocator of session subnets; nil lets the daemon pick from its own pools.
    public var subnets: SubnetAllocator? = try? SubnetAllocator()
    /// A token for the reaper's `berth.launch` label, by which a launch guard recognises it.
    public var launchToken: String?
    /// Runs once the reaper's start is sent, the moment from which the reaper covers a death of
    /// the calling process.
    public var onReaperStartSent: (@Sendable () -> Void)?

    /// Creates a request for `services`.
    public init(services: [ServiceSpec]) {
        self.services = services
    }
}

/// A session `up` started, with the reaper connection its caller must keep until `down`.
public struct StartedSession: Sendable {
    public var info: SessionInfo
    public var reaper: ReaperHandle?
}

/// Starts and removes sessions: one labelled network, its service containers, and Berth's own
/// container attached to it.
public struct SessionManager: Sendable {
    let engine: EngineClient
    let reporter: Reporter
    let environment: [String: String]

    /// Creates a manager.
    public init(engine: EngineClient, reporter: Reporter, environment: [String: String]) {
        self.engine = engine
        self.reporter = reporter
        self.environment = environment
    }

    /// Starts a session and waits until every service is ready.
    ///
    /// The reaper starts before the first resource of the session exists, so there is no moment in
    /// which Berth could die with resources that nothing watches. Its container name, and then the
    /// session network's, act as the session's lock: a session id that is taken fails there and the
    /// other session is left alone. Whatever fails after that, everything this call created is
    /// removed before the error is thrown, and the same happens when the task is cancelled.
    public func up(_ request: UpRequest) async throws -> StartedSession {
        let session = request.sessionID ?? SessionID.generate()
        try SessionID.validate(session)
        try checkServiceKeys(request.services)

        // These checks are independent; running them together keeps Berth's own start short.
        async let images = prepareImages(request)
        async let located = SelfLocator(engine: engine, environment: environment).locate()
        async let sessionIsFree: Void = checkSessionIsFree(session)
        let apiVersion = try await engine.apiVersion()
        let selfContainer = try await located
        let (owner, watch) = try ownership(request, selfContainer: selfContainer)
        try await sessionIsFree
        if !request.attach, let selfContainer {
            reporter.warning(
                "--no-attach: \(selfContainer.name) stays off the session network, so it reaches services only through ports published on the Docker host"
            )
        }

        // A missing image fails here, before anything exists that would need removing and before
        // a first use builds the reaper image.
        let resolvedImages = try await images
        let reaperImage = try await prepareReaperImage(request)

        let reaper = try await startReaper(
            image: reaperImage, session: session, owner: owner, watch: watch, selfContainer: selfContainer,
            launchToken: request.launchToken, serviceCount: request.services.count)
        if reaper != nil {
            request.onReaperStartSent?()
        }
        let network = SessionID.networkName(session)
        do {
            try await createSessionNetwork(network, session: session, owner: owner, allocator: request.subnets)
            let info = try await startServices(
                request, session: session, network: network, owner: owner, images: resolvedImages,
                selfContainer: request.attach ? selfContainer : nil,
                detachedInContainer: !request.attach && selfContainer != nil, apiVersion: apiVersion)
            try await reaper?.confirmStarted()
            return StartedSession(info: info, reaper: reaper)
        } catch let error as BerthError where error.isSessionConflict {
            // The network belongs to another session of the same id, so only the reaper is ours.
            _ = try? await withoutCancellation { try await removeReaper(reaper) }
            throw error
        } catch {
            reporter.info("removing session \(session) after the failure")
            _ = try? await withoutCancellation { try await down(session: session) }
            reaper?.release()
            throw error
        }
    }

    /// Fails when anything labelled with `session` exists already.
    ///
    /// Routes: `GET /containers/json` and `GET /networks`, filtered by the session label.
    private func checkSessionIsFree(_ session: String) async throws {
        let filter = ["label": ["\(BerthLabel.session)=\(session)"]]
        let networks = try await engine.listNetworks(filters: filter)
        let containers = try await engine.listContainers(all: true, filters: filter)
        if !networks.isEmpty || !containers.isEmpty {
            throw Self.sessionExists(session)
        }
    }

    static func sessionExists(_ session: String) -> BerthError {
        var error = BerthError(
            "session '\(session)' already exists",
            hint: "Pick another --session, or remove it first with berth down --session \(session).")
        error.isSessionConflict = true
        return error
    }

    /// The reaper image's tag, built on first use; nil when the session gets no reaper.
    private func prepareReaperImage(_ request: UpRequest) async throws -> String? {
        guard request.reaper, environment["BERTH_NO_REAPER"] != "1" else {
            return nil
        }
        return try await ReaperImage(engine: engine, reporter: reporter).ensure()
    }

    private func startReaper(
        image: String?, session: String, owner: SessionOwner, watch: ReaperWatch, selfContainer: SelfLocator.Found?,
        launchToken: String?, serviceCount: Int
    ) async throws -> ReaperHandle? {
        guard let image else {
            return nil
        }
        do {
            return try await ReaperLauncher(engine: engine, reporter: reporter).start(
                session: session, owner: owner, watch: watch, selfContainer: selfContainer, image: image,
                launchToken: launchToken, serviceCount: serviceCount)
        } catch let error as EngineError where error.isConflict {
            throw Self.sessionExists(session)
        }
    }

    /// Removes a reaper before it acts, then lets go of its connection.
    ///
    /// Route: `DELETE /containers/{id}?force=true`. The forced removal kills the reaper, so closing
    /// its stdin afterwards cannot make it remove the session.
    private func removeReaper(_ reaper: ReaperHandle?) async throws {
        guard let reaper else { return }
        try await engine.removeContainer(reaper.containerID, force: true, removeVolumes: true)
        reaper.release()
    }

    /// Returns the session's owner and what its reaper watches.
    func ownership(_ request: UpRequest, selfContainer: SelfLocator.Found?) throws(BerthError) -> (
        SessionOwner, ReaperWatch
    ) {
        var owner = request.owner ?? defaultOwner(selfContainer, ownerStaysAlive: request.ownerStaysAlive)
        if let pid = request.ownerProcess {
            guard selfContainer == nil else {
                throw BerthError(
                    "--owner-pid works only on a host; inside a container the session belongs to the container",
                    hint: "Leave out --owner-pid, or run berth on the host.")
            }
            guard let process = SessionOwner.hostProcess(pid) else {
                throw BerthError("--owner-pid \(pid): no such process", hint: "Give the pid of a running process.")
            }
            owner = process
        }
        if request.ownerStaysAlive {
            return (owner, .connection)
        }
        switch owner {
        case .container(let id): return (owner, .container(id: id))
        case .process(_, let pid, let ticks): return (owner, .process(pid: pid, startTicks: ticks))
        }
    }

    private func startServices(
        _ request: UpRequest, session: String, network: String, owner: SessionOwner, images: [String: String],
        selfContainer: SelfLocator.Found?, detachedInContainer: Bool, apiVersion: APIVersion
    ) async throws -> SessionInfo {
        async let joined: Void = join(selfContainer, to: network)
        let ids = try await createAndStart(
            request.services, session: session, network: network, owner: owner, images: images, apiVersion: apiVersion)
        try await joined

        let endpoints = try await describe(
            request.services, ids: ids, network: network, inContainer: selfContainer != nil)
        // Inside a container that stays off the session network, container addresses do not
        // route, so ports are checked from inside each service instead.
        try await waitUntilReady(
            request.services, endpoints: endpoints, timeout: request.waitTimeout, probeFromHere: !detachedInContainer)

        return SessionInfo(
            session: session, network: network, owner: owner.label, attachedContainer: selfContainer?.id,
            services: endpoints)
    }

    /// Joins Berth's own container to the session network, alongside the services' start.
    ///
    /// Route: `POST /networks/{id}/connect`.
    private func join(_ selfContainer: SelfLocator.Found?, to network: String) async throws {
        guard let selfContainer else { return }
        reporter.info("joining \(selfContainer.name) to network \(network)")
        try await engine.connectNetwork(network, container: selfContainer.id)
    }

    private func checkServiceKeys(_ services: [ServiceSpec]) throws(BerthError) {
        guard !services.isEmpty else {
            throw BerthError(
                "there are no services to start", hint: "Give --workflow with --job, or --service KEY=IMAGE.")
        }
        var seen = Set<String>()
        for service in services {
            guard seen.insert(service.key).inserted else {
                throw BerthError("service key '\(service.key)' is given twice", hint: "Give each service its own key.")
            }
        }
    }

    /// The container Berth runs in; else Berth's own process when it stays alive, else the
    /// process that outlives this call: GitHub's `Runner.Worker` when Berth runs under one, or
    /// the parent (the shell that ran `berth up`).
    func defaultOwner(_ selfContainer: SelfLocator.Found?, ownerStaysAlive: Bool) -> SessionOwner {
        if let selfContainer {
            return .container(id: selfContainer.id)
        }
        var pid = getpid()
        if !ownerStaysAlive {
            pid = ProcessTable.ancestor(named: "Runner.Worker", from: pid) ?? getppid()
        }
        return SessionOwner.hostProcess(pid) ?? .process(host: ProcessTable.hostIdentity(), pid: pid, startTicks: 0)
    }

    // MARK: - Images

    /// Resolves every image through the mappings and makes sure the daemon has it.
    private func prepareImages(_ request: UpRequest) async throws -> [String: String] {
        var images: [String: String] = [:]
        for service in request.services {
            images[service.key] = ImageMapping.apply(request.imageMappings, to: service.image)
        }

        try await withThrowingTaskGroup(of: Void.self) { group in
            for image in Set(images.values) {
                let credentials = request.services.first { images[$0.key] == image }?.credentials
                group.addTask { try await ensureImage(image, policy: request.pullPolicy, credentials: credentials) }
            }
            try await group.waitForAll()
        }
        return images
    }

    private func ensureImage(_ image: String, policy: PullPolicy, credentials: Credentials?) async throws {
        if policy != .always, try await engine.inspectImage(image) != nil {
            return
        }
        guard policy != .never else {
            throw BerthError(
                "image '\(image)' is not present locally and --pull never forbids pulling it",
                hint: "Load or build the image first, map it with --image-map FROM=TO, or use --pull missing.")
        }

        reporter.info("pulling \(image)")
        let reporter = self.reporter
        let throttle = PullThrottle()
        do {
            let registryCredentials = credentials.map {
                RegistryCredentials(username: $0.username, password: $0.password)
            }
            try await engine.pullImage(image, credentials: registryCredentials) { message in
                if let line = throttle.line(for: message) {
                    reporter.progress("pull \(image): \(line)")
                }
            }
        } catch let error as EngineError {
            throw BerthError(
                "cannot pull image '\(image)': \(error.message)",
                hint: "Check the image name and registry access, or map it to a local image with --image-map FROM=TO.")
        }
    }

    // MARK: - Network and containers

    /// Creates the session network on a free subnet of its own choosing.
    ///
    /// Routes: `GET /networks` for the subnets in use, then `POST /networks/create` with an IPAM
    /// config. A create that overlaps a network made concurrently is retried on another subnet.
    public func createSessionNetwork(
        _ name: String, session: String, owner: SessionOwner, allocator: SubnetAllocator?
    ) async throws {
        let labels = [
            BerthLabel.session: session, BerthLabel.owner: owner.label, BerthLabel.role: "network",
            BerthLabel.version: BerthVersion.current,
        ]
        reporter.info("creating network \(name)")
        guard let allocator else {
            try await createNetwork(NetworkCreateRequest(name: name, labels: labels), session: session)
            return
        }

        let used = SubnetAllocator.usedSubnets(
            networks: try await engine.listNetworks(), routeTable: ProcFile.read("/proc/net/route"))
        for subnet in allocator.candidates(avoiding: used, limit: 32) {
            let ipam = IPAM(config: [IPAMConfig(subnet: subnet.description, gateway: subnet.address(at: 1))])
            do {
                try await createNetwork(NetworkCreateRequest(name: name, labels: labels, ipam: ipam), session: session)
                reporter.debug("network \(name) uses subnet \(subnet)")
                return
            } catch let error as EngineError where error.message.lowercased().contains("overlap") {
                reporter.debug("subnet \(subnet) was taken meanwhile; trying another")
            }
        }
        throw BerthError(
            "no free /\(allocator.prefixLength) subnet is left in \(allocator.pool)",
            hint: "Remove leaked networks with berth gc, or give a larger pool with --subnet-pool.")
    }

    private func createNetwork(_ request: NetworkCreateRequest, session: String) async throws {
        do {
            _ = try await engine.createNetwork(request)
        } catch let error as EngineError where error.isConflict {
            throw Self.sessionExists(session)
        }
    }

    private func createAndStart(
        _ services: [ServiceSpec], session: String, network: String, owner: SessionOwner, images: [String: String],
        apiVersion: APIVersion
    ) async throws -> [String: String] {
        try await withThrowingTaskGroup(of: (String, String).self) { group in
            for service in services {
                let image = images[service.key] ?? service.image
                let labels = [
                    BerthLabel.session: session, BerthLabel.owner: owner.label, BerthLabel.service: service.key,
                    BerthLabel.role: "service", BerthLabel.version: BerthVersion.current,
                ]
                let body = ContainerSettings.createRequest(
                    for: service, image: image, network: network, labels: labels, apiVersion: apiVersion,
                    environment: environment, reporter: reporter)
                let name = service.options.name ?? SessionID.containerName(session: session, key: service.key)
                group.addTask {
                    let id = try await createContainer(name: name, body: body, service: service.key)
                    try await startContainer(id, service: service.key)
                    return (service.key, id)
                }
            }

            var ids: [String: String] = [:]
            for try await (key, id) in group {
                ids[key] = id
            }
            return ids
        }
    }

    private func createContainer(name: String, body: ContainerCreateRequest, service: String) async throws -> String {
        reporter.info("starting service \(service) (\(body.image))")
        do {
            return try await engine.createContainer(name: name, body)
        } catch let error as EngineError where error.code == .daemon {
            throw BerthError(
                "cannot create the container for service \(service): \(error.message)",
                hint: "Check the service's image and options.")
        }
    }

    private func startContainer(_ id: String, service: String) async throws {
        do {
            try await engine.startContainer(id)
        } catch let error as EngineError where error.code == .daemon {
            let portTaken =
                error.message.contains("port is already allocated") || error.message.contains("address already in use")
            throw BerthError(
                "cannot start service \(service): \(error.message)",
                hint: portTaken
                    ? "A published host port is already in use; change the service's ports: or free the port."
                    : "Check the service's image, entrypoint and options.")
        }
    }

    // MARK: - Endpoints and readiness

    private func describe(_ services: [ServiceSpec], ids: [String: String], network: String, inContainer: Bool)
        async throws -> [ServiceEndpoint]
    {
        var endpoints: [ServiceEndpoint] = []
        for service in services {
            guard let id = ids[service.key] else { continue }
            let inspect = try await engine.inspectContainer(id)
            endpoints.append(
                Self.endpoint(for: service.key, inspect: inspect, network: network, inContainer: inContainer))
        }
        return endpoints
    }

    static func endpoint(for key: String, inspect: ContainerInspect, network: String, inContainer: Bool)
        -> ServiceEndpoint
    {
        let address = inspect.networkSettings.networks?[network]?.ipAddress.flatMap { $0.isEmpty ? nil : $0 }
        var ports: [PortEndpoint] = []
        let exposed = (inspect.config.exposedPorts ?? [:]).keys.sorted { portNumber($0) < portNumber($1) }
        for spec in exposed {
            let parts = spec.split(separator: "/")
            guard let containerPort = Int(parts[0]) else { continue }
            let proto = parts.count > 1 ? String(parts[1]) : "tcp"
            let bindings = inspect.networkSettings.ports?[spec] ?? nil
            let hostPort = bindings?.first { ($0.hostIp ?? "").contains(".") || ($0.hostIp ?? "").isEmpty }
                .flatMap { $0.hostPort.flatMap(Int.init) }
            ports.append(
                PortEndpoint(containerPort: containerPort, proto: proto, port: containerPort, hostPort: hostPort))
        }

        let name = inspect.name.hasPrefix("/") ? String(inspect.name.dropFirst()) : inspect.name
        var host = key
        if !inContainer {
            let published = ports.contains { $0.hostPort != nil }
            host = published ? "127.0.0.1" : (address ?? "127.0.0.1")
            if published {
                ports = ports.filter { $0.hostPort != nil }.map {
                    var port = $0
                    port.port = $0.hostPort ?? $0.containerPort
                    return port
                }
            }
        }
        return ServiceEndpoint(
            key: key, containerID: inspect.id, containerName: name, image: inspect.config.image ?? "", host: host,
            ipAddress: address, ports: ports)
    }

    private static func portNumber(_ spec: String) -> Int {
        Int(spec.split(separator: "/").first ?? "") ?? 0
    }

    private func waitUntilReady(
        _ services: [ServiceSpec], endpoints: [ServiceEndpoint], timeout: Double, probeFromHere: Bool
    ) async throws {
        let deadline = ContinuousClock.now + .seconds(timeout)
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for endpoint in endpoints {
                group.addTask {
                    let inspect = try await engine.inspectContainer(endpoint.containerID)
                    let check = inspect.config.healthcheck
                    let targets = endpoint.ports.filter { $0.proto == "tcp" }.map { port in
                        ReadinessProbe.Target(
                            host: probeFromHere ? endpoint.ipAddress : nil, port: port.containerPort,
                            containerPort: port.containerPort)
                    }
                    let probe = ReadinessProbe(
                        engine: engine, reporter: reporter, containerID: endpoint.containerID, service: endpoint.key,
                        healthCommand: ReadinessProbe.command(fromHealthTest: check?.test),
                        healthTimeout: check?.timeout.map { Double($0) / 1e9 } ?? 30, targets: targets)
                    try await probe.wait(deadline: deadline)
                    let elapsed = ContinuousClock.now - started
                    reporter.info("service \(endpoint.key) is ready after \(String(format: "%.2f", elapsed.seconds)) s")
                }
            }
            try await group.waitForAll()
        }
    }
}

/// Turns a pull's progress stream into an occasional line, at most one per second per layer state.
final class PullThrottle: @unchecked Sendable {
    // Safe because the pull stream calls `line(for:)` from one thread at a time, under `lock`.
    private let lock = NSLock()
    private var lastLine = ContinuousClock.now - .seconds(10)

    func line(for message: ProgressMessage) -> String? {
        guard let status = message.status else { return nil }
        lock.lock()
        defer { lock.unlock() }
        let isMilestone =
            message.progressDetail == nil || status.hasPrefix("Pull complete") || status.hasPrefix("Digest")
        guard isMilestone || ContinuousClock.now - lastLine > .seconds(1) else { return nil }
        lastLine = .now
        return [message.id, status, message.progress].compactMap { $0 }.joined(separator: " ")
    }
}

/// Runs cleanup work even when the surrounding task was cancelled, because removing a session
/// must not stop halfway when a signal cancelled the task that created it.
func withoutCancellation<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
    try await Task.detached { try await work() }.value
}
