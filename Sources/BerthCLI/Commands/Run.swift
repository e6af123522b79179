import Berth
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `berth run`: starts the services, runs a command with their endpoints, and removes them.
enum RunCommand: BerthCommand {
    static let name = "run"
    static let summary = "Start services, run a command against them, then remove them."
    static let usage = "berth run [--workflow FILE [--job ID]] [--service KEY=IMAGE …] [options] -- COMMAND [ARGUMENTS]"
    static let discussion = """
        The command runs with the endpoint variables (POSTGRES_HOST, POSTGRES_PORT, …) added to
        its environment. The session is removed however the command ends: success, failure,
        SIGINT or SIGTERM (forwarded to the command first). Berth exits with the command's
        status, 128+n when signal n ended it.
        """
    static let options = ServiceSelection.specs

    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> Int32 {
        guard arguments.positionals.isEmpty else {
            throw UsageError(
                "unexpected argument '\(arguments.positionals[0])'; put the command after --", command: name)
        }
        guard let command = arguments.trailing, !command.isEmpty else {
            throw UsageError("no command given; write berth run [options] -- COMMAND", command: name)
        }
        // Checked before any service starts, so a typo costs no session.
        guard ChildProcess.isExecutable(command[0], path: context.environment["PATH"]) else {
            context.console.error(
                "command '\(command[0])' not found\nCheck that it exists, is executable and is on PATH.")
            return 127
        }
        let (services, job, _, diagnostics) = try ServiceSelection.resolveJob(
            arguments, context: context, command: name)
        var request = try ServiceSelection.upRequest(
            services, arguments: arguments, environment: context.environment, command: name)
        request.ownerStaysAlive = true
        diagnostics.forEach { context.reporter.warning("\($0.location): \($0.message)") }
        ServiceSelection.warnAboutUnusedMappings(request.imageMappings, services: services, reporter: context.reporter)
        ServiceSelection.warnAboutJobContainerPaths(services, reporter: context.reporter)
        let controller = RunController()
        let trap = SignalTrap { controller.deliver($0) }
        defer { trap.cancel() }

        guard !services.isEmpty else {
            // GitHub runs a job whose services are all skipped; so does Berth, without a session.
            context.reporter.info("job \(job?.id ?? "") has no services to start; running the command alone")
            return await runCommand(command, info: nil, context: context, controller: controller)
        }
        let manager = SessionManager(
            engine: try context.engine(), reporter: context.reporter, environment: context.environment)
        let started: StartedSession
        switch try await InterruptibleStart.up(request, manager: manager, controller: controller, context: context) {
        case .started(let session): started = session
        case .interrupted(let status): return status
        }
        let info = started.info
        defer { started.reaper?.release() }

        let status = await runCommand(command, info: info, context: context, controller: controller)
        context.reporter.info("removing session \(info.session)")
        do {
            _ = try await manager.down(session: info.session)
        } catch {
            // The command's own status matters more; the reaper or berth gc removes the rest.
            context.console.error("cannot remove session \(info.session): \(BerthMain.describe(error))")
            return status == 0 ? 1 : status
        }
        return status
    }

    private static func runCommand(
        _ command: [String], info: SessionInfo?, context: CommandContext, controller: RunController
    )
        async -> Int32
    {
        var environment = context.environment
        for (name, value) in info?.environment ?? [] {
            environment[name] = value
        }
        do {
            return try await ChildProcess.run(command, environment: environment) { child in
                controller.onSignalDuringCommand { child.send($0) }
                if let early = controller.receivedSignal {
                    child.send(early)
                }
            }
        } catch {
            context.console.error(BerthMain.describe(error))
            return 127
        }
    }
}

/// Routes signals to the phase `berth run` is in: cancel the start, or forward to the command.
final class RunController: Sendable {
    private let state = Mutex<
        (signal: Int32?, onStart: (@Sendable () -> Void)?, onCommand: (@Sendable (Int32) -> Void)?)
    >(
        (nil, nil, nil))

    var receivedSignal: Int32? { state.withLock { $0.signal } }

    func deliver(_ signal: Int32) {
        let (start, command) = state.withLock { value in
            value.signal = value.signal ?? signal
            return (value.onStart, value.onCommand)
        }
        if let command {
            command(signal)
        } else {
            start?()
        }
    }

    func onSignalDuringStart(_ action: @escaping @Sendable () -> Void) {
        let pending = state.withLock { value in
            value.onStart = action
            return value.signal != nil
        }
        if pending { action() }
    }

    func onSignalDuringCommand(_ action: @escaping @Sendable (Int32) -> Void) {
        state.withLock { value in
            value.onStart = nil
            value.onCommand = action
        }
    }
}
