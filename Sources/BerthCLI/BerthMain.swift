import Berth
import EngineAPI
import Foundation
import WorkflowSpec

/// The `berth` command line: parses global options, dispatches to a command, and applies the
/// exit contract in one place: help on stdout with 0, usage errors on stderr with 64, other
/// failures as `Error: …` on stderr with 1; `berth run` returns its command's status.
public enum BerthMain {
    /// Every command, in the order `berth help` lists them.
    static var commands: [any BerthCommand.Type] {
        [
            RunCommand.self, UpCommand.self, DownCommand.self, AttachCommand.self, DetachCommand.self, GCCommand.self,
            VersionCommand.self, HelpCommand.self, ReapCommand.self,
        ]
    }

    /// Runs `berth` with `arguments` (without the program name) and returns the exit status.
    public static func main(_ arguments: [String], environment: [String: String]) async -> Int32 {
        if arguments.first == ChildProcess.trampolineWord {
            ChildTrampoline.exec(arguments)
        }
        let console = Console(environment: environment)
        let (commandName, rest) = splitCommand(arguments)
        guard let commandName else {
            // Only global options were given; a mistake in them is still a usage error.
            do {
                _ = try ArgumentParser.parse(rest, options: GlobalOptions.specs, command: HelpCommand.name)
            } catch {
                return usageFailure(UsageError((error as? UsageError)?.message ?? "\(error)"), console: console)
            }
            console.output(HelpCommand.overview)
            return 0
        }
        guard let command = commands.first(where: { $0.name == commandName }) else {
            return usageFailure(UsageError("unknown command '\(commandName)'"), console: console)
        }

        do {
            let parsed = try ArgumentParser.parse(
                rest, options: command.options + GlobalOptions.specs, command: command.name)
            if parsed.flag("--help") {
                console.output(command.help)
                return 0
            }
            let context = try makeContext(parsed, environment: environment, console: console, command: command.name)
            return try await command.run(parsed, context: context)
        } catch let error as UsageError {
            return usageFailure(error, console: console)
        } catch let error as WorkflowError {
            let location = error.location
            console.error(describe(error), file: location?.file, line: location?.line, column: location?.column)
            return 1
        } catch {
            console.error(describe(error))
            return 1
        }
    }

    /// Finds the command word, skipping global options and their values before it.
    static func splitCommand(_ arguments: [String]) -> (String?, [String]) {
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word == "--help" || word == "-h" {
                return ("help", Array(arguments[(index + 1)...]))
            }
            if word == "--version" {
                return ("version", Array(arguments[(index + 1)...]))
            }
            if let spec = GlobalOptions.specs.first(where: { $0.name == word || $0.short == word }), spec.value != nil {
                index += 2
                continue
            }
            if word.hasPrefix("-") {
                index += 1
                continue
            }
            var rest = arguments
            rest.remove(at: index)
            return (word, rest)
        }
        return (nil, arguments)
    }

    private static func makeContext(
        _ parsed: ParsedArguments, environment: [String: String], console: Console, command: String
    ) throws -> CommandContext {
        var level = Reporter.Level.info
        if let text = parsed.value("--log-level") {
            guard let chosen = Reporter.Level.allCases.first(where: { "\($0)" == text }) else {
                throw UsageError("invalid --log-level '\(text)'; use debug, info, warning or error", command: command)
            }
            level = chosen
        }
        var format = OutputFormat.text
        if let text = parsed.value("--format") {
            guard let chosen = OutputFormat(rawValue: text) else {
                throw UsageError("invalid --format '\(text)'; use text or json", command: command)
            }
            format = chosen
        }
        // A malformed --host is the user's typing, unlike a malformed DOCKER_HOST, which surfaces
        // when a command first needs the daemon.
        if let host = parsed.value("--host") {
            do {
                _ = try DockerHost.resolve(explicit: host, environment: environment)
            } catch {
                throw UsageError(error.message, hint: error.hint, command: command)
            }
        }
        return CommandContext(
            hostAddress: parsed.value("--host"), format: format, logLevel: level, environment: environment,
            console: console)
    }

    private static func usageFailure(_ error: UsageError, console: Console) -> Int32 {
        console.error(error.message)
        if let name = error.command, let command = commands.first(where: { $0.name == name }) {
            console.message("Usage: \(command.usage)")
            console.message("  See 'berth \(name) --help'.")
        } else {
            console.message("  See 'berth help'.")
        }
        return 64
    }

    /// Writes a workflow error's hint, kept as a lowercase fragment, as a sentence like other hints.
    static func sentence(_ hint: String) -> String {
        let capitalized = hint.prefix(1).uppercased() + hint.dropFirst()
        return capitalized.last.map { ".!?".contains($0) } == true ? capitalized : capitalized + "."
    }

    /// One message for any error, with its hint on the next line.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as BerthError: return error.description
        case let error as EngineError: return error.description
        case let error as WorkflowError:
            return error.description + (error.hint.map { "\n" + sentence($0) } ?? "")
        case is CancellationError: return "interrupted"
        default: return "\(error)"
        }
    }
}
