/// A position in a workflow file: file:line:column, all 1-based.
///
/// Columns count Unicode scalars, so a tab or a multi-byte character is one column.
public struct SourceLocation: Sendable, Hashable, Codable {
    /// The path of the file as the caller named it.
    public var file: String
    /// The line, starting at 1.
    public var line: Int
    /// The column, starting at 1.
    public var column: Int

    /// Creates a location from its parts.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// Returns the location `count` columns to the right on the same line.
    func advanced(by count: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column + count)
    }
}

extension SourceLocation: CustomStringConvertible {
    /// `file:line:column`, the form compilers and editors understand.
    public var description: String { "\(file):\(line):\(column)" }
}

/// An error found while reading a workflow, a YAML document, an expression or an `options:` string.
///
/// `message` names the offending value in one sentence, and `hint` gives the fix.
public struct WorkflowError: Error, Sendable, Equatable {
    /// The position of the offending text, or nil when the input did not come from a file.
    public var location: SourceLocation?
    /// One sentence that names the value, e.g. "unknown option flag '--helth-cmd'".
    public var message: String
    /// One sentence that gives the fix, or nil when the message is enough.
    public var hint: String?

    /// Creates an error from its parts.
    public init(location: SourceLocation?, message: String, hint: String? = nil) {
        self.location = location
        self.message = message
        self.hint = hint
    }
}

extension WorkflowError: CustomStringConvertible {
    /// `file:line:column: message`, without the location when there is none. The hint is not included.
    public var description: String {
        guard let location else { return message }
        return "\(location): \(message)"
    }
}

/// A finding that does not stop Berth, such as a number whose text GitHub Actions changes.
public struct Diagnostic: Sendable, Equatable, Codable {
    /// The position of the value that caused the finding.
    public var location: SourceLocation
    /// One sentence that names the value and what happens to it.
    public var message: String

    /// Creates a diagnostic from its parts.
    public init(location: SourceLocation, message: String) {
        self.location = location
        self.message = message
    }
}

extension Diagnostic: CustomStringConvertible {
    /// `file:line:column: warning: message`.
    public var description: String { "\(location): warning: \(message)" }
}

/// Collects diagnostics once each, in the order they were found.
struct DiagnosticLog {
    private(set) var diagnostics: [Diagnostic] = []

    mutating func add(_ diagnostic: Diagnostic) {
        guard !diagnostics.contains(diagnostic) else { return }
        diagnostics.append(diagnostic)
    }

    mutating func add(at location: SourceLocation, _ message: String) {
        add(Diagnostic(location: location, message: message))
    }
}
