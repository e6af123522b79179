import Berth
import EngineAPI
import Foundation

/// `berth reap`: the entry point of a reaper container; not meant to be run by hand.
enum ReapCommand: BerthCommand {
    static let name = "reap"
    static let summary = "Remove a session once its owner dies (runs inside the reaper container)."
    static let usage =
        "berth reap (--session ID --watch stdin|container:ID|process:PID:TICKS | --session ID --launch-guard TOKEN | --escort ID --network NAME)"
    static let options: [OptionSpec] = [
        .option("--session", value: "ID", help: "The session to remove"),
        .option("--watch", value: "WHAT", help: "What to watch: stdin, container:ID or process:PID:TICKS"),
        .option("--services", value: "N", help: "How many service containers the started session has"),
        .option("--escort", value: "CONTAINER", help: "Take this container off --network when its job ends"),
        .option("--network", value: "NAME", help: "The job network of --escort"),
        .option(
            "--launch-guard", value: "TOKEN",
            help: "Remove the session's unstarted reaper with this token unless stdin first delivers a byte"),
    ]

    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> Int32 {
        if let escorted = arguments.value("--escort") {
            guard let network = arguments.value("--network") else {
                throw UsageError("--escort needs --network", command: name)
            }
            let loop = EscortLoop(
                engine: try context.engine(), reporter: context.reporter, network: network, container: escorted)
            try await loop.run()
            return 0
        }
        guard let session = arguments.value("--session") else {
            throw UsageError("missing --session", command: name)
        }
        if let token = arguments.value("--launch-guard") {
            try SessionID.validate(session)
            return try await guardLaunch(session: session, token: token, context: context)
        }
        guard let text = arguments.value("--watch"), let watch = ReaperWatch(argument: text) else {
            throw UsageError("--watch needs stdin, container:ID or process:PID:TICKS", command: name)
        }
        try SessionID.validate(session)

        var serviceCount: Int?
        if let text = arguments.value("--services") {
            guard let count = Int(text), count >= 0 else {
                throw UsageError("invalid --services '\(text)'; give a count of 0 or more", command: name)
            }
            serviceCount = count
        }
        let loop = ReapLoop(
            engine: try context.engine(), reporter: context.reporter, session: session, watch: watch,
            serviceCount: serviceCount)
        let report = try await loop.run()
        context.reporter.info(
            "removed \(report.containers.count) container(s) and \(report.networks.count) network(s) of session \(session)"
        )
        return 0
    }

    /// Waits for the starting Berth's byte on stdin. An end of input without it means Berth died
    /// before sending the reaper's start, so an unstarted reaper may be left to remove.
    private static func guardLaunch(session: String, token: String, context: CommandContext) async throws -> Int32 {
        let released = try await runBlocking { _ in !FileHandle.standardInput.availableData.isEmpty }
        if released {
            return 0
        }
        let launchGuard = LaunchGuard(
            engine: try context.engine(), reporter: context.reporter, session: session, token: token)
        _ = try await launchGuard.run()
        return 0
    }
}
