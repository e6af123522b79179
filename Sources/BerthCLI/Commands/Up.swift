import Berth
import Foundation
import WorkflowSpec

/// `berth up`: starts a job's services and prints how to reach them.
enum UpCommand: BerthCommand {
    static let name = "up"
    static let summary = "Start a job's service containers and print their endpoints."
    static let usage = "berth up [--workflow FILE [--job ID]] [--service KEY=IMAGE …] [options]"
    static let discussion = """
        Starts every service on a fresh network named berth-<session>, waits until each is ready,
        joins Berth's own container to the network when it runs in one, and prints the endpoints
        as export lines (or JSON with --format json). Inside a GitHub Actions job the variables
        are also appended to $GITHUB_ENV and $GITHUB_OUTPUT. Remove the session with berth down.
        """
    static let options =
        ServiceSelection.specs + [
            .flag("--dry-run", help: "Print the plan without touching the Docker daemon"),
            .option(
                "--owner-pid", value: "PID",
                help: "On a host, keep the session until this process ends (default: the shell that ran berth up)"),
        ]

    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> Int32 {
        guard arguments.positionals.isEmpty, arguments.trailing == nil else {
            throw UsageError(
                "unexpected argument '\((arguments.positionals + (arguments.trailing ?? [])).first ?? "")'",
                command: name)
        }
        let (services, job, workflow, diagnostics) = try ServiceSelection.resolveJob(
            arguments, context: context, command: name)
        var request = try ServiceSelection.upRequest(
            services, arguments: arguments, environment: context.environment, command: name)
        for diagnostic in diagnostics {
            context.reporter.warning("\(diagnostic.location): \(diagnostic.message)")
        }
        ServiceSelection.warnAboutUnusedMappings(request.imageMappings, services: services, reporter: context.reporter)
        ServiceSelection.warnAboutJobContainerPaths(services, reporter: context.reporter)
        if let text = arguments.value("--owner-pid") {
            guard let pid = Int32(text), pid > 0 else {
                throw UsageError("invalid --owner-pid '\(text)'; give a process id", command: name)
            }
            request.ownerProcess = pid
        }

        if arguments.flag("--dry-run") {
            let plan = SessionPlan(
                services: services, job: job, workflow: workflow, imageMappings: request.imageMappings,
                diagnostics: diagnostics)
            context.console.output(context.format == .json ? try renderJSON(plan) : PlanTable.render(plan))
            return 0
        }

        guard !services.isEmpty else {
            context.reporter.info("job \(job?.id ?? "") has no services to start; no session was created")
            return 0
        }
        let manager = SessionManager(
            engine: try context.engine(), reporter: context.reporter, environment: context.environment)
        let controller = RunController()
        let trap = SignalTrap { controller.deliver($0) }
        defer { trap.cancel() }
        let info: SessionInfo
        switch try await InterruptibleStart.up(request, manager: manager, controller: controller, context: context) {
        case .started(let started): info = started.info
        case .interrupted(let status): return status
        }

        do {
            try SessionState(environment: context.environment).save(info.session)
            try SessionOutput.publish(info, context: context)
        } catch {
            _ = try? await manager.down(session: info.session)
            throw error
        }
        return 0
    }
}

/// Prints a started session's endpoints and hands them to GitHub Actions.
enum SessionOutput {
    static func publish(_ info: SessionInfo, context: CommandContext) throws {
        if context.format == .json {
            struct Rendered: Encodable {
                var session: SessionInfo
                var environment: [String: String]
            }
            let environment = Dictionary(info.environment, uniquingKeysWith: { _, last in last })
            context.console.output(try renderJSON(Rendered(session: info, environment: environment)))
        } else {
            context.console.output(info.environment.map { "export \($0)=\(shellQuoted($1))" }.joined(separator: "\n"))
        }
        try appendToGitHubFiles(info, environment: context.environment)
        context.reporter.info(
            "session \(info.session) is ready; it lasts until \(lifetime(of: info)), or until berth down --session \(info.session)"
        )
    }

    /// Names what the session's lifetime is tied to, so a user knows why it may go away.
    static func lifetime(of info: SessionInfo) -> String {
        switch SessionOwner(label: info.owner) {
        case .container(let id): return "container \(id.prefix(12)) stops"
        case .process(_, let pid, _):
            let name = ProcessTable.name(of: pid).map { " (\($0))" } ?? ""
            return "process \(pid)\(name) ends (choose another with --owner-pid)"
        case nil: return "its owner ends"
        }
    }

    static func appendToGitHubFiles(_ info: SessionInfo, environment: [String: String]) throws {
        let lines = info.environment.map { "\($0)=\($1)" }.joined(separator: "\n") + "\n"
        for variable in ["GITHUB_ENV", "GITHUB_OUTPUT"] {
            guard let path = environment[variable], !path.isEmpty else { continue }
            if !FileManager.default.fileExists(atPath: path) {
                _ = FileManager.default.createFile(atPath: path, contents: nil)
            }
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw BerthError(
                    "cannot open \(variable) file '\(path)' for appending",
                    hint: "Check that the path exists and is writable.")
            }
            handle.seekToEndOfFile()
            handle.write(Data(lines.utf8))
            handle.closeFile()
        }
    }

    static func shellQuoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// Renders a plan as text for people.
enum PlanTable {
    /// Docker's own schedule for a health check, e.g. ` (interval 10s, timeout 5s, retries 5)`.
    static func healthSchedule(_ check: HealthCheck) -> String {
        func seconds(_ nanoseconds: Int64?) -> String? {
            nanoseconds.map { String(format: "%gs", Double($0) / 1e9) }
        }
        var parts: [String] = []
        if let interval = seconds(check.interval) { parts.append("interval \(interval)") }
        if let timeout = seconds(check.timeout) { parts.append("timeout \(timeout)") }
        if let start = seconds(check.startPeriod) { parts.append("start period \(start)") }
        if let retries = check.retries { parts.append("retries \(retries)") }
        return parts.isEmpty ? "" : " (\(parts.joined(separator: ", ")))"
    }

    static func render(_ plan: SessionPlan) -> String {
        var lines: [String] = []
        if let workflow = plan.workflow, let job = plan.job {
            lines.append("workflow \(workflow), job \(job)")
        }
        if !plan.matrix.isEmpty {
            lines.append(
                "matrix: "
                    + plan.matrix.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
        }
        for service in plan.services {
            var line = "service \(service.key): \(service.image)"
            if service.image != service.sourceImage {
                line += " (for \(service.sourceImage))"
            }
            lines.append(line)
            if !service.ports.isEmpty { lines.append("  ports: \(service.ports.joined(separator: ", "))") }
            if !service.env.isEmpty { lines.append("  env: \(service.env.joined(separator: ", "))") }
            if let entrypoint = service.entrypoint { lines.append("  entrypoint: \(entrypoint)") }
            if let check = service.healthCheck {
                lines.append("  health: \(check.test.joined(separator: " "))" + healthSchedule(check))
            }
            if service.credentials { lines.append("  credentials: yes") }
            if !service.volumes.isEmpty { lines.append("  volumes: \(service.volumes.joined(separator: ", "))") }
        }
        for skipped in plan.skipped {
            lines.append("service \(skipped): skipped (empty image)")
        }
        if let container = plan.container {
            lines.append("job container: \(container.image) (not started by Berth)")
        }
        return lines.joined(separator: "\n")
    }
}
