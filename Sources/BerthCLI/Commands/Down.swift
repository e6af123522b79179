import Berth
import Foundation

/// `berth down`: removes a session and everything in it.
enum DownCommand: BerthCommand {
    static let name = "down"
    static let summary = "Remove a session: its containers, volumes and network."
    static let usage = "berth down [--session ID]"
    static let discussion = """
        Without --session, removes the session named by BERTH_SESSION, else the one the last
        berth up recorded. Removing a session that is already gone succeeds.
        """
    static let options: [OptionSpec] = [.option("--session", value: "ID", help: "The session to remove")]

    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> Int32 {
        guard arguments.positionals.isEmpty else {
            throw UsageError("unexpected argument '\(arguments.positionals[0])'", command: name)
        }
        let state = SessionState(environment: context.environment)
        let explicit =
            try ServiceSelection.validSession(arguments, command: name)
            ?? context.environment["BERTH_SESSION"].flatMap { $0.isEmpty ? nil : $0 }
        guard let session = explicit ?? state.load() else {
            // Nothing recorded means nothing to remove; down stays safe to run in an always() step.
            context.reporter.info("no session to remove: --session is not given and no berth up recorded one")
            return 0
        }
        try SessionID.validate(session)

        let manager = SessionManager(
            engine: try context.engine(), reporter: context.reporter, environment: context.environment)
        let report = try await manager.down(session: session)
        state.clear(session)

        if context.format == .json {
            context.console.output(try renderJSON(report))
        } else {
            let count = report.containers.count + report.networks.count + report.volumes.count
            context.reporter.info(
                count == 0
                    ? "session \(session) has nothing left to remove"
                    : "removed session \(session): \(describe(report))")
        }
        return 0
    }

    static func describe(_ report: DownReport) -> String {
        var parts: [String] = []
        if !report.containers.isEmpty { parts.append("\(report.containers.count) container(s)") }
        if !report.networks.isEmpty { parts.append("network \(report.networks.joined(separator: ", "))") }
        if !report.volumes.isEmpty { parts.append("\(report.volumes.count) volume(s)") }
        return parts.joined(separator: ", ")
    }
}
