import Berth
import Foundation

/// `berth gc`: removes leaked sessions and stale GitHub job networks.
enum GCCommand: BerthCommand {
    static let name = "gc"
    static let summary = "Remove leaked sessions and job networks whose owner is gone."
    static let usage = "berth gc [--dry-run] [--older-than DURATION]"
    static let discussion = """
        Removes Berth sessions whose owner (container or process) is gone, and github_network_*
        networks that no longer hold a service or job container of their runner, disconnecting
        stale endpoints first. Sessions whose owner is alive and networks of running jobs are
        never touched. DURATION is like 30s, 10m or 2h. Job networks younger than 60 s (or
        BERTH_GC_JOB_NETWORK_GRACE) are kept, since a starting job has not attached its
        containers yet.
        """
    static let options: [OptionSpec] = [
        .flag("--dry-run", help: "List what would be removed without removing it"),
        .option("--older-than", value: "DURATION", help: "Only resources created at least this long ago (default: 0s)"),
    ]

    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> Int32 {
        guard arguments.positionals.isEmpty else {
            throw UsageError("unexpected argument '\(arguments.positionals[0])'", command: name)
        }
        var collector = GarbageCollector(engine: try context.engine(), reporter: context.reporter)
        if let text = arguments.value("--older-than") {
            guard let seconds = parseDuration(text) else {
                throw UsageError(
                    "invalid --older-than '\(text)'; write a duration such as 30s, 10m or 2h", command: name)
            }
            collector.olderThan = seconds
        }

        if let grace = context.environment["BERTH_GC_JOB_NETWORK_GRACE"].flatMap(parseDuration) {
            collector.jobNetworkGrace = grace
        }

        let dryRun = arguments.flag("--dry-run")
        let removals = try await collector.collect(dryRun: dryRun)
        if context.format == .json {
            context.console.output(try renderJSON(removals))
        } else if removals.isEmpty {
            context.reporter.info("nothing to remove")
        } else {
            context.console.output(table(removals, dryRun: dryRun))
        }
        return 0
    }

    static func table(_ removals: [GarbageCollector.Removal], dryRun: Bool) -> String {
        let header = ["KIND", "NAME", dryRun ? "WOULD REMOVE BECAUSE" : "REMOVED BECAUSE"]
        let rows = [header] + removals.map { [$0.kind, $0.name, $0.reason] }
        let widths = (0..<2).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row[0].padding(toLength: widths[0] + 2, withPad: " ", startingAt: 0)
                + row[1].padding(toLength: widths[1] + 2, withPad: " ", startingAt: 0) + row[2]
        }.joined(separator: "\n")
    }

    /// Parses `90`, `30s`, `10m`, `2h`, `1d` into seconds; negative, infinite and NaN values are nil.
    static func parseDuration(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var seconds = Double(text)
        if seconds == nil, let unit = text.last, let scale = units[unit], let value = Double(text.dropLast()) {
            seconds = value * scale
        }
        guard let seconds, seconds >= 0, seconds.isFinite else {
            return nil
        }
        return seconds
    }
}
