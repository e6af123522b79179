import Berth
import Foundation

/// `berth detach`: leaves the job network `berth attach` joined.
enum DetachCommand: BerthCommand {
    static let name = "detach"
    static let summary = "Leave the job network joined with berth attach."
    static let usage = "berth detach [--network NAME]"
    static let options: [OptionSpec] = [
        .option(
            "--network", value: "NAME",
            help: "The network to leave (default: every github_network_* this container is on)")
    ]

    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> Int32 {
        guard arguments.positionals.isEmpty else {
            throw UsageError("unexpected argument '\(arguments.positionals[0])'", command: name)
        }
        let attacher = JobNetworkAttacher(
            engine: try context.engine(), reporter: context.reporter, environment: context.environment)
        let left = try await attacher.detach(network: arguments.value("--network"))
        if context.format == .json {
            context.console.output(try renderJSON(left))
        } else if left.isEmpty {
            context.reporter.info("this container is on no job network")
        } else {
            context.console.output(left.joined(separator: "\n"))
        }
        return 0
    }
}
