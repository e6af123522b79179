import Foundation

/// `berth help [COMMAND]`.
enum HelpCommand: BerthCommand {
    static let name = "help"
    static let summary = "Show help for berth or one of its commands."
    static let usage = "berth help [COMMAND]"
    static let options: [OptionSpec] = []

    static var overview: String {
        let listed = BerthMain.commands.filter { $0.name != ReapCommand.name }
        let width = listed.map { $0.name.count }.max() ?? 0
        let rows = listed.map {
            "  \($0.name.padding(toLength: width + 2, withPad: " ", startingAt: 0))\($0.summary)"
        }
        return """
            Berth gives CI jobs throwaway service containers that work the same on a host, in a VM,
            on a laptop and inside a containerized runner that drives the host's Docker daemon.

            Usage: berth COMMAND [options]

            Commands:
            \(rows.joined(separator: "\n"))

            Global options:
            \(OptionHelp.render(GlobalOptions.specs))

            See 'berth help COMMAND' for a command's options.
            """
    }

    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> Int32 {
        guard let topic = arguments.positionals.first else {
            context.console.output(overview)
            return 0
        }
        guard let command = BerthMain.commands.first(where: { $0.name == topic }) else {
            throw UsageError("unknown command '\(topic)'", command: name)
        }
        context.console.output(command.help)
        return 0
    }
}
