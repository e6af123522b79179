/// The functions of GitHub's expression language that make sense before a job runs.
///
/// Semantics follow src/Sdk/Expressions/Sdk/Functions in actions/runner: string functions ignore case,
/// `format` supports `{N}` with `{{`/`}}` escapes, and `toJSON` pretty-prints with two-space indentation.
enum ExpressionFunctions {
    /// Minimum and maximum argument counts by lower-cased name.
    static let arities: [String: (min: Int, max: Int)] = [
        "contains": (2, 2), "startswith": (2, 2), "endswith": (2, 2), "format": (1, 255),
        "join": (1, 2), "tojson": (1, 1), "fromjson": (1, 1),
    ]

    /// Functions GitHub has but that depend on a running job.
    private static let jobOnly: Set<String> = ["success", "always", "failure", "cancelled", "hashfiles"]

    static func checkCall(_ name: String, displayName: String, argumentCount: Int) throws(ExpressionFailure) {
        guard let arity = arities[name] else {
            if jobOnly.contains(name) {
                throw ExpressionFailure(
                    message: "the function \(displayName)() needs a running job and is not available here",
                    hint: "remove the call; services are read before any step runs")
            }
            throw ExpressionFailure(
                message: "unrecognized function '\(displayName)'",
                hint: "use contains, startsWith, endsWith, format, join, toJSON or fromJSON")
        }
        guard argumentCount >= arity.min && argumentCount <= arity.max else {
            let expected = arity.min == arity.max ? "\(arity.min)" : "\(arity.min) to \(arity.max)"
            throw ExpressionFailure(
                message: "\(displayName)() takes \(expected) arguments but \(argumentCount) were given")
        }
    }

    static func contains(_ search: ExpressionValue, _ item: ExpressionValue) -> ExpressionValue {
        if search.isPrimitive && item.isPrimitive {
            return .bool(search.stringValue.lowercased().contains(item.stringValue.lowercased()))
        }
        if case .array(let elements) = search {
            return .bool(elements.contains { item.looselyEquals($0) })
        }
        return .bool(false)
    }

    static func startsWith(_ text: ExpressionValue, _ prefix: ExpressionValue) -> ExpressionValue {
        guard text.isPrimitive && prefix.isPrimitive else { return .bool(false) }
        return .bool(text.stringValue.lowercased().hasPrefix(prefix.stringValue.lowercased()))
    }

    static func endsWith(_ text: ExpressionValue, _ suffix: ExpressionValue) -> ExpressionValue {
        guard text.isPrimitive && suffix.isPrimitive else { return .bool(false) }
        return .bool(text.stringValue.lowercased().hasSuffix(suffix.stringValue.lowercased()))
    }

    static func join(_ items: ExpressionValue, separator: ExpressionValue?) -> ExpressionValue {
        switch items {
        case .array(let elements):
            var joiner = ","
            if let separator, separator.isPrimitive {
                joiner = separator.stringValue
            }
            return .string(elements.map(\.stringValue).joined(separator: joiner))
        case .object:
            return .string("")
        default:
            return .string(items.stringValue)
        }
    }

    /// Replaces `{0}`, `{1}` … in `format` with the arguments' text; `{{` and `}}` stand for braces.
    static func format(_ format: String, _ arguments: [ExpressionValue]) throws(ExpressionFailure) -> ExpressionValue {
        let invalid = ExpressionFailure(
            message: "the format string '\(format)' is invalid",
            hint: "write {0}, {1} … for the arguments and {{ or }} for a literal brace")
        let scalars = Array(format.unicodeScalars)
        var result = ""
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "{" && index + 1 < scalars.count && scalars[index + 1] == "{" {
                result += "{"
                index += 2
            } else if scalar == "}" {
                guard index + 1 < scalars.count && scalars[index + 1] == "}" else { throw invalid }
                result += "}"
                index += 2
            } else if scalar == "{" {
                var end = index + 1
                while end < scalars.count && ("0"..."9").contains(scalars[end]) {
                    end += 1
                }
                let digits = String(String.UnicodeScalarView(scalars[(index + 1)..<end]))
                guard end < scalars.count, scalars[end] == "}", let argument = UInt8(digits) else { throw invalid }
                guard Int(argument) < arguments.count else {
                    throw ExpressionFailure(
                        message: "the format string '\(format)' refers to more arguments than were given")
                }
                result += arguments[Int(argument)].stringValue
                index = end + 1
            } else {
                result.unicodeScalars.append(scalar)
                index += 1
            }
        }
        return .string(result)
    }

    /// Pretty-printed JSON as GitHub's toJSON writes it: two spaces per level and `": "` after keys.
    static func toJSON(_ value: ExpressionValue, level: Int = 0) -> String {
        let indent = String(repeating: "  ", count: level + 1)
        let closingIndent = String(repeating: "  ", count: level)
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number: return value.stringValue
        case .string(let text): return jsonQuoted(text)
        case .array(let elements):
            guard !elements.isEmpty else { return "[]" }
            let body = elements.map { indent + toJSON($0, level: level + 1) }
            return "[\n" + body.joined(separator: ",\n") + "\n" + closingIndent + "]"
        case .object(let object):
            guard !object.entries.isEmpty else { return "{}" }
            let body = object.entries.map { indent + jsonQuoted($0.key) + ": " + toJSON($0.value, level: level + 1) }
            return "{\n" + body.joined(separator: ",\n") + "\n" + closingIndent + "}"
        }
    }

    /// Returns `text` as a JSON string literal with the escapes Newtonsoft.Json writes by default.
    static func jsonQuoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{8}": result += "\\b"
            case "\u{C}": result += "\\f"
            case "\u{85}", "\u{2028}", "\u{2029}":
                result += "\\u" + hex4(scalar.value)
            default:
                if scalar.value < 0x20 {
                    result += "\\u" + hex4(scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
