import Berth
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes data to stdout and people's text to stderr.
///
/// Under GitHub Actions (`GITHUB_ACTIONS=true`) warnings and errors become workflow commands so
/// they show up as annotations; colour is used only on a terminal and never with `NO_COLOR`.
struct Console: Sendable {
    let githubActions: Bool
    let colour: Bool

    init(environment: [String: String]) {
        githubActions = environment["GITHUB_ACTIONS"] == "true"
        colour = isatty(STDERR_FILENO) == 1 && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }

    /// Writes data, e.g. export lines or JSON, to stdout.
    func output(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Writes a line for people to stderr.
    func message(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints a failure the way the exit contract says: `Error: …` then the fix.
    func error(_ text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let first = lines.first else { return }
        if githubActions {
            message("::error::\(escapeCommand(first))")
        }
        message(paint("Error: ", code: "31") + first)
        for line in lines.dropFirst() {
            message(line)
        }
    }

    /// A reporter that writes through this console.
    func reporter(level: Reporter.Level) -> Reporter {
        let console = self
        return Reporter(level: level) { messageLevel, text in
            switch messageLevel {
            case .debug: console.message(console.paint("debug: ", code: "2") + text)
            case .info: console.message(console.paint("berth: ", code: "36") + text)
            case .warning:
                console.message(
                    console.githubActions
                        ? "::warning::\(console.escapeCommand(text))" : console.paint("warning: ", code: "33") + text)
            case .error: console.error(text)
            }
        }
    }

    func paint(_ text: String, code: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// Escapes a workflow command's message as GitHub's runner expects.
    func escapeCommand(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }
}

/// How commands print their data.
enum OutputFormat: String, Sendable {
    case text, json
}

/// Encodes a value as pretty, key-sorted JSON.
func renderJSON(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
