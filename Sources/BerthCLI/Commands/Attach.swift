import Berth
import Foundation

/// `berth attach`: joins Berth's container to the network of services GitHub's runner started.
enum AttachCommand: BerthCommand {
    static let name = "attach"
    static let summary = "Join this container to the job network GitHub's runner created."
    static let usage = "berth attach [--network NAME]"
    static let discussion = """
        For jobs whose services: GitHub's runner starts. Without --network, Berth finds this
        runner's github_network_* network itself, by the runner's own label, so it never joins
        another job's network on a shared daemon. A small escort container then takes this
        container off the network as soon as the runner starts removing the job's services, so
        the runner's own teardown can remove the network without a detach step.
        """
    static let options: [OptionSpec] = [
        .option("--network", value: "NAME", help: "The network to join (default: this runner's job network)")
    ]

    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> Int32 {
        guard arguments.positionals.isEmpty else {
            throw UsageError("unexpected argument '\(arguments.positionals[0])'", command: name)
        }
        let attacher = JobNetworkAttacher(
            engine: try context.engine(), reporter: context.reporter, environment: context.environment)
        let attachment = try await attacher.attach(
            network: arguments.value("--network"), escort: !arguments.flag("--no-escort"))
        if context.format == .json {
            context.console.output(try renderJSON(attachment))
        } else {
            context.console.output(attachment.network)
        }
        return 0
    }
}
