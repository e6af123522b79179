import Foundation

/// One option a command accepts.
struct OptionSpec: Sendable {
    /// The long name with dashes, e.g. `--job`.
    var name: String
    /// A one-letter alias with a dash, e.g. `-e`.
    var short: String?
    /// The value's placeholder in help, e.g. `ID`; nil for a flag.
    var value: String?
    /// Whether the option may be given more than once.
    var repeatable = false
    /// One line of help.
    var help: String

    static func flag(_ name: String, help: String) -> OptionSpec {
        OptionSpec(name: name, short: nil, value: nil, help: help)
    }

    static func option(_ name: String, short: String? = nil, value: String, repeatable: Bool = false, help: String)
        -> OptionSpec
    {
        OptionSpec(name: name, short: short, value: value, repeatable: repeatable, help: help)
    }
}

/// A mistake in how a command was called; exits with 64 after printing usage.
struct UsageError: Error, CustomStringConvertible {
    var message: String
    var command: String?

    init(_ message: String, command: String? = nil) {
        self.message = message
        self.command = command
    }

    /// Creates a usage error for an option value that failed validation, keeping the validation's
    /// hint on the next line.
    init(_ message: String, hint: String?, command: String?) {
        self.init(message + (hint.map { "\n" + $0 } ?? ""), command: command)
    }

    var description: String { message }
}

/// The result of parsing a command's arguments.
struct ParsedArguments: Sendable {
    /// Every option occurrence in order, so options that depend on position (such as `--env`
    /// after `--service`) can be read in sequence.
    var occurrences: [(name: String, value: String?)] = []
    /// Words that are not options.
    var positionals: [String] = []
    /// Everything after `--`, untouched.
    var trailing: [String]?

    func values(_ name: String) -> [String] {
        occurrences.filter { $0.name == name }.compactMap(\.value)
    }

    func value(_ name: String) -> String? {
        values(name).last
    }

    func flag(_ name: String) -> Bool {
        occurrences.contains { $0.name == name }
    }
}

/// Parses `--name value`, `--name=value`, `-x value`, flags and a trailing `-- command`.
enum ArgumentParser {
    static func parse(_ arguments: [String], options: [OptionSpec], command: String) throws -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if word == "--" {
                parsed.trailing = Array(arguments[index...])
                break
            }
            guard word.hasPrefix("-"), word.count > 1 else {
                parsed.positionals.append(word)
                continue
            }

            var name = word
            var inlineValue: String?
            if word.hasPrefix("--"), let equals = word.firstIndex(of: "=") {
                name = String(word[..<equals])
                inlineValue = String(word[word.index(after: equals)...])
            }
            guard let spec = options.first(where: { $0.name == name || $0.short == name }) else {
                throw UsageError("unknown option '\(name)'", command: command)
            }

            if spec.value == nil {
                if inlineValue != nil {
                    throw UsageError("option '\(spec.name)' takes no value", command: command)
                }
                parsed.occurrences.append((spec.name, nil))
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else if index < arguments.count {
                value = arguments[index]
                index += 1
            } else {
                throw UsageError("option '\(spec.name)' needs a value (\(spec.value ?? "VALUE"))", command: command)
            }
            if !spec.repeatable && parsed.occurrences.contains(where: { $0.name == spec.name }) {
                throw UsageError("option '\(spec.name)' is given more than once", command: command)
            }
            parsed.occurrences.append((spec.name, value))
        }
        return parsed
    }

    /// Splits `KEY=VALUE`, naming the option in the error.
    static func keyValue(_ text: String, option: String, command: String) throws -> (String, String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw UsageError("option '\(option)' expects KEY=VALUE, got '\(text)'", command: command)
        }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }
}
