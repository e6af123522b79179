import Foundation

/// A scalar after GitHub's typing: null, a boolean, a number or a string.
enum TypedScalar: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)

    /// The text GitHub Actions uses where a string is expected, such as in `env:` or `image:`.
    ///
    /// Numbers print in .NET's "G15" format, so `3.10` becomes `3.1` and `0x1F` becomes `31`.
    var tokenText: String {
        switch self {
        case .null: return ""
        case .bool(let value): return value ? "true" : "false"
        case .number(let value): return NumberFormatting.g15(value)
        case .string(let text): return text
        }
    }
}

/// Types plain scalars with the YAML 1.2 core schema, as GitHub's workflow reader does.
///
/// `yes`, `Y`, `on` and `off` stay strings. `true`/`True`/`TRUE` and `false` are booleans; `null`, `~`
/// and the empty scalar are null. Decimal, `0x` and `0o` integers and floats (`3.10`, `1e3`, `.5`, `.inf`)
/// are numbers, stored as a double. Quoted and block scalars are always strings. The rules follow
/// `YamlObjectReader` in actions/runner (src/Sdk/WorkflowParser/Conversion), including its limits: hex and
/// octal numbers must fit in 32 bits and wrap to negative above 0x7FFFFFFF.
enum YAMLScalarTyping {
    static let stringTag = "tag:yaml.org,2002:str"

    /// Types `scalar`, honouring an explicit tag; `location` is used in errors.
    static func resolve(_ scalar: YAMLScalar, at location: SourceLocation) throws(WorkflowError) -> TypedScalar {
        if let tag = scalar.tag {
            return try resolveTagged(scalar, tag: tag, at: location)
        }
        guard scalar.style == .plain else { return .string(scalar.text) }
        let text = scalar.text
        if let null = matchNull(text) { return null }
        if let bool = matchBool(text) { return bool }
        if let integer = try matchInteger(text, at: location) { return integer }
        if let float = try matchFloat(text, at: location) { return float }
        return .string(text)
    }

    private static func resolveTagged(
        _ scalar: YAMLScalar, tag: String, at location: SourceLocation
    ) throws(WorkflowError) -> TypedScalar {
        if tag == stringTag || tag == "!" {
            return .string(scalar.text)
        }
        guard scalar.style == .plain else {
            throw WorkflowError(
                location: location, message: "the tag '\(tag)' cannot be used on a quoted or block value",
                hint: "remove the tag or the quotes")
        }
        let text = scalar.text
        let typed: TypedScalar?
        switch tag {
        case "tag:yaml.org,2002:bool": typed = matchBool(text)
        case "tag:yaml.org,2002:int": typed = try matchInteger(text, at: location)
        case "tag:yaml.org,2002:float": typed = try matchFloat(text, at: location)
        case "tag:yaml.org,2002:null": typed = matchNull(text)
        default: typed = nil
        }
        guard let typed else {
            throw WorkflowError(location: location, message: "the value '\(text)' is not valid for the tag '\(tag)'")
        }
        return typed
    }

    private static func matchNull(_ text: String) -> TypedScalar? {
        ["", "null", "Null", "NULL", "~"].contains(text) ? .null : nil
    }

    private static func matchBool(_ text: String) -> TypedScalar? {
        switch text {
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: return nil
        }
    }

    private static func matchInteger(_ text: String, at location: SourceLocation) throws(WorkflowError) -> TypedScalar?
    {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first else { return nil }
        let isDigit: (Unicode.Scalar) -> Bool = { ("0"..."9").contains($0) }
        if isDigit(first) && scalars.allSatisfy(isDigit) {
            return .number(Double(text) ?? .infinity)
        }
        if (first == "-" || first == "+") && scalars.count > 1 && scalars.dropFirst().allSatisfy(isDigit) {
            return .number(Double(text) ?? (first == "-" ? -.infinity : .infinity))
        }
        guard first == "0", scalars.count > 2 else { return nil }
        let digits = String(String.UnicodeScalarView(scalars.dropFirst(2)))
        let radix: Int
        switch scalars[1] {
        case "x" where scalars.dropFirst(2).allSatisfy({ YAMLParser.hexValue($0) != nil }): radix = 16
        case "o" where scalars.dropFirst(2).allSatisfy({ ("0"..."7").contains($0) }): radix = 8
        default: return nil
        }
        guard let value = UInt64(digits, radix: radix), value <= UInt64(UInt32.max) else {
            throw WorkflowError(
                location: location, message: "the number '\(text)' does not fit in 32 bits",
                hint: "GitHub Actions rejects larger hexadecimal and octal numbers; quote the value to keep it as text")
        }
        return .number(Double(Int32(bitPattern: UInt32(value))))
    }

    private static func matchFloat(_ text: String, at location: SourceLocation) throws(WorkflowError) -> TypedScalar? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .number(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .number(-.infinity)
        case ".nan", ".NaN", ".NAN": return .number(.nan)
        default: break
        }
        guard isCoreFloat(text) else { return nil }
        return .number(Double(text) ?? .nan)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
    static func isCoreFloat(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        func digits() -> Int {
            let start = index
            while index < scalars.count && ("0"..."9").contains(scalars[index]) {
                index += 1
            }
            return index - start
        }
        if index < scalars.count && (scalars[index] == "-" || scalars[index] == "+") {
            index += 1
        }
        let integerDigits = digits()
        var fractionDigits = 0
        var hasDot = false
        if index < scalars.count && scalars[index] == "." {
            hasDot = true
            index += 1
            fractionDigits = digits()
        }
        guard integerDigits > 0 || (hasDot && fractionDigits > 0) else { return false }
        if index < scalars.count && (scalars[index] == "e" || scalars[index] == "E") {
            index += 1
            if index < scalars.count && (scalars[index] == "-" || scalars[index] == "+") {
                index += 1
            }
            guard digits() > 0 else { return false }
        }
        return index == scalars.count
    }

    /// Returns a warning when GitHub Actions reads a plain scalar as a value whose text differs from the
    /// file's text, such as `3.10` (the number 3.1) or `True` (the boolean true).
    static func diagnostic(for scalar: YAMLScalar, typed: TypedScalar, at location: SourceLocation) -> Diagnostic? {
        guard scalar.style == .plain, scalar.tag == nil, !scalar.text.isEmpty, typed.tokenText != scalar.text else {
            return nil
        }
        let text = scalar.text
        let message: String
        switch typed {
        case .number:
            message =
                "\(text) is read as the number \(typed.tokenText), as GitHub Actions does; quote it to keep \"\(text)\""
        case .bool(let value):
            message = "\(text) is read as the boolean \(value), as GitHub Actions does; quote it to keep \"\(text)\""
        case .null:
            message =
                "\(text) is read as null, which GitHub Actions passes on as an empty string; quote it to keep \"\(text)\""
        case .string:
            return nil
        }
        return Diagnostic(location: location, message: message)
    }
}

/// Formats numbers the way GitHub Actions prints them.
enum NumberFormatting {
    /// Returns the .NET `ToString("G15", CultureInfo.InvariantCulture)` form of `value`: at most 15 significant
    /// digits, no trailing zeros, and scientific notation (`1E+15`, `1E-05`) when the exponent is 15 or
    /// more or below -4.
    static func g15(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        let sign = value < 0 ? "-" : ""
        let scientific = String(format: "%.14e", abs(value))
        let parts = scientific.split(separator: "e")
        var digits = String(parts[0].filter { $0 != "." })
        let exponent = Int(parts[1]) ?? 0
        while digits.count > 1 && digits.hasSuffix("0") {
            digits.removeLast()
        }
        if exponent >= 15 || exponent < -4 {
            let mantissa = digits.count > 1 ? "\(digits.prefix(1)).\(digits.dropFirst())" : digits
            let exponentDigits = String(abs(exponent))
            let padded = exponentDigits.count < 2 ? "0" + exponentDigits : exponentDigits
            return "\(sign)\(mantissa)E\(exponent < 0 ? "-" : "+")\(padded)"
        }
        if exponent < 0 {
            return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits
        }
        if digits.count <= exponent + 1 {
            return sign + digits + String(repeating: "0", count: exponent + 1 - digits.count)
        }
        return sign + digits.prefix(exponent + 1) + "." + digits.dropFirst(exponent + 1)
    }
}
