import Foundation

/// A value of GitHub's expression language: null, a boolean, a number, a string, an array or an object.
///
/// Conversions and comparisons follow `EvaluationResult` and `ExpressionUtility` in actions/runner
/// (src/Sdk/Expressions): JavaScript-like coercion, except that strings compare without regard to case
/// and objects are never coerced to primitives.
enum ExpressionValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([ExpressionValue])
    case object(ExpressionObject)

    init(_ typed: TypedScalar) {
        switch typed {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .number(let value): self = .number(value)
        case .string(let text): self = .string(text)
        }
    }

    var isPrimitive: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    /// False for null, false, 0, NaN and the empty string; true for everything else.
    var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let value): return value
        case .number(let value): return value != 0 && !value.isNaN
        case .string(let text): return !text.isEmpty
        case .array, .object: return true
        }
    }

    /// The text GitHub Actions substitutes into a string: null is empty, numbers print in "G15" form
    /// (negative zero as 0), arrays and objects print as `Array` and `Object`.
    var stringValue: String {
        switch self {
        case .null: return ""
        case .bool(let value): return value ? "true" : "false"
        case .number(let value): return value == 0 ? "0" : NumberFormatting.g15(value)
        case .string(let text): return text
        case .array: return "Array"
        case .object: return "Object"
        }
    }

    /// The number JavaScript's `Number()` would give: null is 0, booleans 1 and 0, strings parsed, else NaN.
    var numberValue: Double {
        switch self {
        case .null: return 0
        case .bool(let value): return value ? 1 : 0
        case .number(let value): return value
        case .string(let text): return Self.parseNumber(text)
        case .array, .object: return .nan
        }
    }

    /// The name of the value's kind, for error messages.
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Parses a string the way GitHub converts one to a number: trimmed, empty is 0, decimal with an
    /// optional exponent, `0x` hex and `0o` octal within 32 bits, `Infinity` and `-Infinity`, else NaN.
    static func parseNumber(_ raw: String) -> Double {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return 0 }
        if isDecimalNumber(text), let value = Double(text) { return value }
        if text == "Infinity" { return .infinity }
        if text == "-Infinity" { return -.infinity }
        let scalars = Array(text.unicodeScalars)
        guard scalars.count > 2, scalars[0] == "0" else { return .nan }
        let digits = String(String.UnicodeScalarView(scalars.dropFirst(2)))
        let radix: Int
        switch scalars[1] {
        case "x" where digits.unicodeScalars.allSatisfy({ YAMLParser.hexValue($0) != nil }): radix = 16
        case "o" where digits.unicodeScalars.allSatisfy({ ("0"..."7").contains($0) }): radix = 8
        default: return .nan
        }
        guard let value = UInt64(digits, radix: radix), value <= UInt64(UInt32.max) else { return .nan }
        return Double(Int32(bitPattern: UInt32(value)))
    }

    /// Returns true for `[-+]?(digits[.digits?] | .digits)([eE][-+]?digits)?`, the forms .NET's invariant
    /// parser accepts.
    private static func isDecimalNumber(_ text: String) -> Bool {
        YAMLScalarTyping.isCoreFloat(text)
    }
}

/// An expression object: keys in insertion order, looked up without regard to case as GitHub does.
typealias ExpressionObject = CaseInsensitiveDictionary<ExpressionValue>

/// Key/value pairs in insertion order whose keys compare without regard to case, like GitHub's
/// `DictionaryExpressionData` for contexts and objects.
struct CaseInsensitiveDictionary<Value> {
    struct Entry {
        var key: String
        var value: Value
    }

    private(set) var entries: [Entry] = []

    init(_ entries: [Entry] = []) {
        for entry in entries {
            self[entry.key] = entry.value
        }
    }

    subscript(key: String) -> Value? {
        get {
            let folded = key.lowercased()
            return entries.first { $0.key.lowercased() == folded }?.value
        }
        set {
            let folded = key.lowercased()
            if let index = entries.firstIndex(where: { $0.key.lowercased() == folded }) {
                if let newValue {
                    entries[index].value = newValue
                } else {
                    entries.remove(at: index)
                }
            } else if let newValue {
                entries.append(Entry(key: key, value: newValue))
            }
        }
    }

    var keys: [String] { entries.map(\.key) }
}

extension CaseInsensitiveDictionary: Sendable where Value: Sendable {}
extension CaseInsensitiveDictionary.Entry: Sendable where Value: Sendable {}
extension CaseInsensitiveDictionary: Equatable where Value: Equatable {}
extension CaseInsensitiveDictionary.Entry: Equatable where Value: Equatable {}

// MARK: - Comparison

extension ExpressionValue {
    /// `==`: after coercion, numbers compare numerically (NaN equals nothing), strings without regard to
    /// case, booleans and null by value. Arrays and objects are never equal here, because GitHub compares
    /// them by reference and every value Berth builds is a fresh copy.
    func looselyEquals(_ other: ExpressionValue) -> Bool {
        let (left, right) = Self.coerce(self, other)
        switch (left, right) {
        case (.null, .null): return true
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a.lowercased() == b.lowercased()
        case (.bool(let a), .bool(let b)): return a == b
        default: return false
        }
    }

    /// `>`: numbers numerically, strings by ordinal comparison without regard to case, true > false.
    func isGreater(than other: ExpressionValue) -> Bool {
        let (left, right) = Self.coerce(self, other)
        switch (left, right) {
        case (.number(let a), .number(let b)): return a > b
        case (.string(let a), .string(let b)): return Self.compareIgnoringCase(a, b) > 0
        case (.bool(let a), .bool(let b)): return a && !b
        default: return false
        }
    }

    /// `<`, the mirror of `isGreater(than:)`.
    func isLess(than other: ExpressionValue) -> Bool {
        let (left, right) = Self.coerce(self, other)
        switch (left, right) {
        case (.number(let a), .number(let b)): return a < b
        case (.string(let a), .string(let b)): return Self.compareIgnoringCase(a, b) < 0
        case (.bool(let a), .bool(let b)): return !a && b
        default: return false
        }
    }

    /// Brings two values to one kind: a number and a string compare as numbers, and a boolean or null
    /// turns into a number before the other side is looked at.
    private static func coerce(_ left: ExpressionValue, _ right: ExpressionValue) -> (ExpressionValue, ExpressionValue)
    {
        switch (left, right) {
        case (.number, .string), (.string, .number):
            return (.number(left.numberValue), .number(right.numberValue))
        case (.null, .null), (.bool, .bool):
            return (left, right)
        case (.bool, _), (.null, _):
            return coerce(.number(left.numberValue), right)
        case (_, .bool), (_, .null):
            return coerce(left, .number(right.numberValue))
        default:
            return (left, right)
        }
    }

    /// Compares UTF-16 code units after upper-casing, like .NET's `StringComparison.OrdinalIgnoreCase`.
    private static func compareIgnoringCase(_ left: String, _ right: String) -> Int {
        let a = Array(left.uppercased().utf16)
        let b = Array(right.uppercased().utf16)
        for (x, y) in zip(a, b) where x != y {
            return x < y ? -1 : 1
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}
