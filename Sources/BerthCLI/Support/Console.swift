import Berth
import Foundation
import Synchronization

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
    let terminal: Bool
    /// Whether a progress line is on screen without its newline yet, shared by copies.
    private let progressLineOpen = ProgressLineState()

    init(environment: [String: String]) {
        githubActions = environment["GITHUB_ACTIONS"] == "true"
        terminal = isatty(STDERR_FILENO) == 1 && environment["TERM"] != "dumb"
        colour = terminal && environment["NO_COLOR"] == nil
    }

    /// Writes data, e.g. export lines or JSON, to stdout.
    func output(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Writes a line for people to stderr, ending a progress line first.
    func message(_ text: String) {
        let closing = progressLineOpen.open.withLock { open in
            defer { open = false }
            return open ? "\n" : ""
        }
        FileHandle.standardError.write(Data((closing + text + "\n").utf8))
    }

    /// Redraws one progress line in place on a terminal; elsewhere writes it as a plain line.
    func progress(_ text: String) {
        guard terminal else {
            message(paint("berth: ", code: "36") + text)
            return
        }
        progressLineOpen.open.withLock { $0 = true }
        let width = 100
        let shown = text.count > width ? String(text.prefix(width - 1)) + "…" : text
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + paint("berth: ", code: "36") + shown).utf8))
    }

    /// Prints a failure as the exit contract requires: `Error: …` then the fix. Under GitHub
    /// Actions an `::error` annotation comes first, pointing at the workflow line when known.
    func error(_ text: String, file: String? = nil, line: Int? = nil, column: Int? = nil) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let first = lines.first else { return }
        if githubActions {
            var properties: [String] = []
            if let file { properties.append("file=\(escapeProperty(file))") }
            if let line { properties.append("line=\(line)") }
            if let column { properties.append("col=\(column)") }
            let prefix = properties.isEmpty ? "::error::" : "::error \(properties.joined(separator: ","))::"
            message(prefix + escapeCommand(first))
        }
        message(paint("Error: ", code: "31") + first)
        for line in lines.dropFirst() {
            message(line)
        }
    }

    /// Returns a reporter that writes through this console.
    func reporter(level: Reporter.Level) -> Reporter {
        let console = self
        let sink: @Sendable (Reporter.Level, String) -> Void = { messageLevel, text in
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
        return Reporter(level: level, sink: sink, progressSink: { console.progress($0) })
    }

    func paint(_ text: String, code: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// Escapes a workflow command's property value, which also may not contain `:` or `,`.
    func escapeProperty(_ text: String) -> String {
        escapeCommand(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
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

/// The one mutable fact a `Console` and its copies share.
final class ProgressLineState: Sendable {
    let open = Mutex(false)
}
