import Berth
import EngineAPI
import Foundation

/// What every command gets: global options, the environment and the console.
struct CommandContext: Sendable {
    /// `--host`, else `DOCKER_HOST`, else the default socket.
    var hostAddress: String?
    var format: OutputFormat
    var logLevel: Reporter.Level
    var environment: [String: String]
    var console: Console

    var reporter: Reporter { console.reporter(level: logLevel) }

    /// A client for the daemon the global options name.
    func engine() throws -> EngineClient {
        EngineClient(host: try DockerHost.resolve(explicit: hostAddress, environment: environment))
    }
}

/// A `berth` subcommand. Each lives in its own file under `Commands/`.
protocol BerthCommand {
    static var name: String { get }
    /// One line for the command list.
    static var summary: String { get }
    /// The usage line, e.g. `berth down [--session ID]`.
    static var usage: String { get }
    /// Paragraphs of help after the usage line.
    static var discussion: String { get }
    static var options: [OptionSpec] { get }
    /// Runs the command and returns the exit status.
    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> Int32
}

extension BerthCommand {
    static var discussion: String { "" }

    /// The full help text.
    static var help: String {
        var text = "\(summary)\n\nUsage: \(usage)\n"
        if !discussion.isEmpty {
            text += "\n\(discussion)\n"
        }
        text += "\nOptions:\n" + OptionHelp.render(options + GlobalOptions.specs)
        return text
    }
}

/// `--host`, `--log-level`, `--format`, accepted by every command.
enum GlobalOptions {
    static let specs: [OptionSpec] = [
        .option(
            "--host", short: "-H", value: "URL",
            help: "Docker daemon address (default: DOCKER_HOST, else unix:///var/run/docker.sock)"),
        .option("--log-level", value: "LEVEL", help: "debug, info, warning or error (default: info)"),
        .option("--format", value: "FORMAT", help: "text or json output on stdout (default: text)"),
        .flag("--help", help: "Show help for the command"),
    ]
}

enum OptionHelp {
    static func render(_ options: [OptionSpec]) -> String {
        let rows = options.map { spec -> (String, String) in
            var left = spec.short.map { "\($0), " } ?? "    "
            left += spec.name
            if let value = spec.value {
                left += " \(value)"
            }
            return (left, spec.help + (spec.repeatable ? " (repeatable)" : ""))
        }
        let width = min(34, rows.map(\.0.count).max() ?? 0)
        return rows.map { left, right in
            let padded =
                left.count >= width ? left + "  " : left + String(repeating: " ", count: width - left.count + 2)
            return "  " + padded + right
        }.joined(separator: "\n")
    }
}
