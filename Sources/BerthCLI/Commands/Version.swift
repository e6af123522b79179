import Berth
import Foundation

/// `berth version`: prints Berth's version, and the daemon's when it answers.
enum VersionCommand: BerthCommand {
    static let name = "version"
    static let summary = "Print Berth's version and the Docker daemon's."
    static let usage = "berth version"
    static let options: [OptionSpec] = []

    static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> Int32 {
        struct Versions: Encodable {
            var berth: String
            var daemon: String?
            var apiVersion: String?
            var daemonError: String?
        }
        var versions = Versions(berth: BerthVersion.current)
        do {
            let engine = try context.engine()
            let api = try await engine.apiVersion()
            versions.daemon = try await engine.version().version
            versions.apiVersion = api.description
        } catch {
            versions.daemonError = BerthMain.describe(error).split(separator: "\n").first.map(String.init)
        }

        if context.format == .json {
            context.console.output(try renderJSON(versions))
        } else {
            context.console.output("berth \(versions.berth)")
            if let daemon = versions.daemon, let api = versions.apiVersion {
                context.console.output("docker \(daemon) (API \(api))")
            } else if let problem = versions.daemonError {
                context.console.message("docker: not reachable (\(problem))")
            }
        }
        return versions.daemonError == nil ? 0 : 1
    }
}
