import Foundation

/// Where Berth sends text meant for people: progress, warnings and debug detail.
///
/// Data (endpoints, plans, tables) goes to stdout through the CLI; everything here goes to
/// stderr. The CLI decides the rendering, e.g. GitHub workflow commands under Actions.
public struct Reporter: Sendable {
    /// Message severity, in increasing order.
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case debug, info, warning, error

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The least severe level that is written.
    public var level: Level
    private let sink: @Sendable (Level, String) -> Void
    private let progressSink: (@Sendable (String) -> Void)?

    /// Creates a reporter writing through `sink`; `progressSink`, when given, shows transient
    /// progress such as a pull's, e.g. as one line redrawn in place on a terminal.
    public init(
        level: Level, sink: @escaping @Sendable (Level, String) -> Void,
        progressSink: (@Sendable (String) -> Void)? = nil
    ) {
        self.level = level
        self.sink = sink
        self.progressSink = progressSink
    }

    /// Shows transient progress; without a progress sink it is an info message.
    public func progress(_ message: @autoclosure () -> String) {
        guard level <= .info else { return }
        if let progressSink {
            progressSink(message())
        } else {
            sink(.info, message())
        }
    }

    /// A reporter that drops everything, for tests.
    public static let silent = Reporter(level: .error) { _, _ in }

    /// Writes a message at `level` when it passes the threshold.
    public func log(_ messageLevel: Level, _ message: @autoclosure () -> String) {
        if messageLevel >= level {
            sink(messageLevel, message())
        }
    }

    /// Writes debug detail.
    public func debug(_ message: @autoclosure () -> String) { log(.debug, message()) }
    /// Writes progress.
    public func info(_ message: @autoclosure () -> String) { log(.info, message()) }
    /// Writes a warning.
    public func warning(_ message: @autoclosure () -> String) { log(.warning, message()) }
}
