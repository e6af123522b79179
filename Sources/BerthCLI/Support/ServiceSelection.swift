import Berth
import Foundation
import WorkflowSpec

/// The options `up` and `run` share: where services come from and how they start.
enum ServiceSelection {
    static let specs: [OptionSpec] = [
        .option("--workflow", value: "FILE", help: "GitHub Actions workflow file to read services from"),
        .option("--job", value: "ID", help: "Job whose services to start (default: the only job with services)"),
        .option(
            "--matrix", value: "KEY=VALUE", repeatable: true,
            help: "Matrix value (default: the job's first combination)"),
        .option(
            "--secret", value: "NAME=VALUE", repeatable: true,
            help: "Value for ${{ secrets.NAME }} (else the environment variable NAME)"),
        .option("--var", value: "NAME=VALUE", repeatable: true, help: "Value for ${{ vars.NAME }}"),
        .option(
            "--service", value: "KEY=IMAGE", repeatable: true,
            help: "Ad-hoc service; --env, --port and --options after it apply to it"),
        .option(
            "--env", short: "-e", value: "NAME=VALUE", repeatable: true,
            help: "Environment variable of the preceding --service"),
        .option(
            "--port", short: "-p", value: "PORT", repeatable: true,
            help: "Port of the preceding --service, as in ports: (5432, 5432:5432)"),
        .option(
            "--options", value: "STRING", repeatable: true, help: "docker create options of the preceding --service"),
        .option(
            "--image-map", value: "FROM=TO", repeatable: true,
            help: "Use image TO wherever FROM is named (mirrors, local images)"),
        .option("--pull", value: "POLICY", help: "never, missing or always (default: missing)"),
        .option("--wait-timeout", value: "SECONDS", help: "How long services may take to be ready (default: 120)"),
        .option("--session", value: "ID", help: "Session id (default: a fresh one)"),
        .flag("--no-attach", help: "Do not join Berth's own container to the session network"),
        .option(
            "--subnet-pool", value: "CIDR",
            help: "Range session subnets come from (default: 172.16.0.0/12, or BERTH_SUBNET_POOL)"),
        .option(
            "--subnet-size", value: "BITS",
            help: "Prefix length of each session subnet (default: 27, or BERTH_SUBNET_SIZE)"),
    ]

    /// The job (or ad-hoc services) the arguments select, with reader diagnostics.
    static func resolveJob(_ arguments: ParsedArguments, context: CommandContext, command: String) throws
        -> (services: [ServiceSpec], job: JobSpec?, workflow: String?, diagnostics: [Diagnostic])
    {
        let adHoc = try adHocServices(arguments, command: command)
        guard let path = arguments.value("--workflow") else {
            if arguments.value("--job") != nil {
                throw UsageError("--job needs --workflow", command: command)
            }
            guard !adHoc.isEmpty else {
                throw UsageError(
                    "give --workflow FILE (with --job ID) or at least one --service KEY=IMAGE", command: command)
            }
            return (adHoc, nil, nil, [])
        }

        let workflow = try Workflow.load(path: path)
        let expressionContext = ExpressionContext(
            matrix: try pairs(arguments, "--matrix", command: command),
            secrets: try pairs(arguments, "--secret", command: command),
            vars: try pairs(arguments, "--var", command: command), environment: context.environment)
        let jobID = try chooseJob(arguments.value("--job"), workflow: workflow, context: expressionContext)
        let (job, diagnostics) = try workflow.job(jobID, context: expressionContext)
        return (job.services + adHoc, job, path, diagnostics)
    }

    /// The explicit job, else the only job, else the only job that has services (a job whose
    /// services fail to resolve counts, so that its error is the one reported).
    private static func chooseJob(_ explicit: String?, workflow: Workflow, context: ExpressionContext) throws -> String
    {
        if let explicit {
            return explicit
        }
        if workflow.jobIDs.count == 1, let only = workflow.jobIDs.first {
            return only
        }
        let withServices = workflow.jobIDs.filter { id in
            guard let resolved = try? workflow.job(id, context: context) else { return true }
            return !resolved.job.services.isEmpty
        }
        if withServices.count == 1, let only = withServices.first {
            return only
        }
        throw BerthError(
            "\(workflow.file) has \(withServices.isEmpty ? "no job with services" : "several jobs with services"); say which with --job",
            hint: "Jobs in the file: \(workflow.jobIDs.joined(separator: ", ")).")
    }

    /// Builds ad-hoc services; `--env`, `--port` and `--options` attach to the `--service` before them.
    static func adHocServices(_ arguments: ParsedArguments, command: String) throws -> [ServiceSpec] {
        struct Draft {
            var key: String
            var image: String
            var env: [String] = []
            var ports: [String] = []
            var options: [String] = []
        }
        var drafts: [Draft] = []
        for (name, value) in arguments.occurrences {
            guard let value else { continue }
            switch name {
            case "--service":
                let (key, image) = try ArgumentParser.keyValue(value, option: name, command: command)
                drafts.append(Draft(key: key, image: image))
            case "--env", "--port", "--options":
                guard !drafts.isEmpty else {
                    throw UsageError("\(name) '\(value)' must follow the --service it belongs to", command: command)
                }
                if name == "--env" { drafts[drafts.count - 1].env.append(value) }
                if name == "--port" { drafts[drafts.count - 1].ports.append(value) }
                if name == "--options" { drafts[drafts.count - 1].options.append(value) }
            default:
                continue
            }
        }
        return try drafts.map {
            try ServiceSpec.adHoc(
                key: $0.key, image: $0.image, env: $0.env, ports: $0.ports, options: $0.options.joined(separator: " "))
        }
    }

    /// Warns about each `--image-map` that matches none of the services' images, since a typo
    /// there otherwise leads straight to a pull of the unmapped image.
    static func warnAboutUnusedMappings(_ mappings: [ImageMapping], services: [ServiceSpec], reporter: Reporter) {
        for mapping in mappings where !services.contains(where: { mapping.matches($0.image) }) {
            let images = services.map(\.image).joined(separator: ", ")
            reporter.warning("--image-map \(mapping.from)=\(mapping.to) matches none of this job's images (\(images))")
        }
    }

    /// Warns about bind mounts from paths that exist only inside GitHub's job container
    /// (`/__w` is its view of the workspace): the daemon resolves bind sources on the Docker host
    /// and creates a missing one as an empty directory, so the mount silently carries nothing.
    static func warnAboutJobContainerPaths(_ services: [ServiceSpec], reporter: Reporter) {
        let prefixes = ["/__w/", "/__e/", "/__t/", "/github/"]
        for service in services {
            for bind in service.options.binds + service.volumes {
                let source = String(bind.split(separator: ":").first ?? "")
                guard prefixes.contains(where: { source.hasPrefix($0) }) else { continue }
                reporter.warning(
                    "service \(service.key) mounts \(source), a path inside GitHub's job container, not on the Docker host; the daemon will create it there empty"
                )
            }
        }
    }

    static func subnetAllocator(_ arguments: ParsedArguments, environment: [String: String], command: String) throws
        -> SubnetAllocator
    {
        let poolText = arguments.value("--subnet-pool") ?? environment["BERTH_SUBNET_POOL"]
        let sizeText = arguments.value("--subnet-size") ?? environment["BERTH_SUBNET_SIZE"]
        let poolSource = arguments.value("--subnet-pool") != nil ? "--subnet-pool" : "BERTH_SUBNET_POOL"
        let sizeSource = arguments.value("--subnet-size") != nil ? "--subnet-size" : "BERTH_SUBNET_SIZE"
        var pool = SubnetAllocator.defaultPool
        if let poolText, !poolText.isEmpty {
            guard let parsed = IPv4Network(poolText) else {
                throw UsageError(
                    "invalid \(poolSource) '\(poolText)'; write an IPv4 CIDR such as 172.16.0.0/12", command: command)
            }
            pool = parsed
        }
        var size = SubnetAllocator.defaultPrefixLength
        if let sizeText, !sizeText.isEmpty {
            guard let parsed = Int(sizeText.trimmingCharacters(in: ["/"])) else {
                throw UsageError(
                    "invalid \(sizeSource) '\(sizeText)'; give a prefix length such as 27", command: command)
            }
            size = parsed
        }
        do {
            return try SubnetAllocator(pool: pool, prefixLength: size)
        } catch {
            throw UsageError(
                "invalid \(sizeSource) /\(size) for pool \(pool); give a prefix length from 16 to 29 that fits the pool",
                command: command)
        }
    }

    static func pairs(_ arguments: ParsedArguments, _ option: String, command: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for text in arguments.values(option) {
            let (key, value) = try ArgumentParser.keyValue(text, option: option, command: command)
            result[key] = value
        }
        return result
    }

    /// Returns `--session`'s value, checked here so that a bad id is a usage error even for a dry run.
    static func validSession(_ arguments: ParsedArguments, command: String) throws(UsageError) -> String? {
        guard let session = arguments.value("--session") else {
            return nil
        }
        do {
            try SessionID.validate(session)
        } catch {
            throw UsageError(error.message, hint: error.hint, command: command)
        }
        return session
    }

    /// The start settings the arguments give.
    static func upRequest(
        _ services: [ServiceSpec], arguments: ParsedArguments, environment: [String: String], command: String
    ) throws -> UpRequest {
        var request = UpRequest(services: services)
        request.subnets = try subnetAllocator(arguments, environment: environment, command: command)
        request.sessionID = try validSession(arguments, command: command)
        request.attach = !arguments.flag("--no-attach")
        do {
            request.imageMappings = try arguments.values("--image-map").map { try ImageMapping(parsing: $0) }
        } catch let error as BerthError {
            throw UsageError(error.message, hint: error.hint, command: command)
        }
        if let policy = arguments.value("--pull") {
            guard let parsed = PullPolicy(rawValue: policy) else {
                throw UsageError("invalid --pull '\(policy)'; use never, missing or always", command: command)
            }
            request.pullPolicy = parsed
        }
        if let timeout = arguments.value("--wait-timeout") {
            guard let seconds = Double(timeout), seconds > 0 else {
                throw UsageError(
                    "invalid --wait-timeout '\(timeout)'; give a number of seconds above 0", command: command)
            }
            request.waitTimeout = seconds
        }
        return request
    }
}
