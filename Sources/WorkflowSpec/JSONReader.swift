/// Parses strict JSON (RFC 8259) into expression values for `fromJSON`, keeping object keys in order.
struct JSONReader {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    /// GitHub limits expression values to a nesting depth; 100 keeps hostile input from exhausting the stack.
    private static let maxDepth = 100

    static func parse(_ text: String) throws(ExpressionFailure) -> ExpressionValue {
        var reader = JSONReader(scalars: Array(text.unicodeScalars))
        let value = try reader.parseValue(depth: 0)
        reader.skipWhitespace()
        guard reader.index == reader.scalars.count else { throw reader.failure("unexpected text after the JSON value") }
        return value
    }

    private init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    private func failure(_ reason: String) -> ExpressionFailure {
        ExpressionFailure(message: "fromJSON could not parse its input: \(reason) at character \(index + 1)")
    }

    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private mutating func skipWhitespace() {
        while let scalar = current, scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
            index += 1
        }
    }

    private mutating func parseValue(depth: Int) throws(ExpressionFailure) -> ExpressionValue {
        guard depth <= Self.maxDepth else { throw failure("nesting deeper than \(Self.maxDepth) levels") }
        skipWhitespace()
        switch current {
        case "{": return try parseObject(depth: depth)
        case "[": return try parseArray(depth: depth)
        case "\"": return .string(try parseString())
        case "t": return try parseWord("true", .bool(true))
        case "f": return try parseWord("false", .bool(false))
        case "n": return try parseWord("null", .null)
        case nil: throw failure("unexpected end of input")
        default: return try parseNumber()
        }
    }

    private mutating func parseWord(_ word: String, _ value: ExpressionValue) throws(ExpressionFailure)
        -> ExpressionValue
    {
        for expected in word.unicodeScalars {
            guard current == expected else { throw failure("invalid literal") }
            index += 1
        }
        return value
    }

    private mutating func parseObject(depth: Int) throws(ExpressionFailure) -> ExpressionValue {
        index += 1
        var object = ExpressionObject()
        skipWhitespace()
        if current == "}" {
            index += 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard current == "\"" else { throw failure("expected a string key") }
            let key = try parseString()
            skipWhitespace()
            guard current == ":" else { throw failure("expected ':'") }
            index += 1
            object[key] = try parseValue(depth: depth + 1)
            skipWhitespace()
            if current == "," {
                index += 1
                continue
            }
            guard current == "}" else { throw failure("expected ',' or '}'") }
            index += 1
            return .object(object)
        }
    }

    private mutating func parseArray(depth: Int) throws(ExpressionFailure) -> ExpressionValue {
        index += 1
        var elements: [ExpressionValue] = []
        skipWhitespace()
        if current == "]" {
            index += 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            if current == "," {
                index += 1
                continue
            }
            guard current == "]" else { throw failure("expected ',' or ']'") }
            index += 1
            return .array(elements)
        }
    }

    private mutating func parseString() throws(ExpressionFailure) -> String {
        index += 1
        var text = ""
        while let scalar = current {
            index += 1
            switch scalar {
            case "\"":
                return text
            case "\\":
                text.unicodeScalars.append(try parseEscape())
            default:
                guard scalar.value >= 0x20 else { throw failure("control character in a string") }
                text.unicodeScalars.append(scalar)
            }
        }
        throw failure("unterminated string")
    }

    private mutating func parseEscape() throws(ExpressionFailure) -> Unicode.Scalar {
        guard let code = current else { throw failure("unterminated escape") }
        index += 1
        switch code {
        case "\"", "\\", "/": return code
        case "b": return "\u{8}"
        case "f": return "\u{C}"
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "u":
            let high = try parseHex4()
            if (0xD800..<0xDC00).contains(high), current == "\\", index + 1 < scalars.count, scalars[index + 1] == "u" {
                index += 2
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw failure("invalid surrogate pair") }
                let combined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                if let scalar = Unicode.Scalar(combined) { return scalar }
            }
            guard let scalar = Unicode.Scalar(high) else { throw failure("invalid \\u escape") }
            return scalar
        default:
            throw failure("invalid escape '\\\(code)'")
        }
    }

    private mutating func parseHex4() throws(ExpressionFailure) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let scalar = current, let digit = YAMLParser.hexValue(scalar) else {
                throw failure("invalid \\u escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(ExpressionFailure) -> ExpressionValue {
        let start = index
        if current == "-" { index += 1 }
        let digitsStart = index
        while let scalar = current, ("0"..."9").contains(scalar) { index += 1 }
        guard index > digitsStart else { throw failure("unexpected character") }
        guard scalars[digitsStart] != "0" || index - digitsStart == 1 else { throw failure("leading zero in a number") }
        if current == "." {
            index += 1
            let fractionStart = index
            while let scalar = current, ("0"..."9").contains(scalar) { index += 1 }
            guard index > fractionStart else { throw failure("digits expected after '.'") }
        }
        if current == "e" || current == "E" {
            index += 1
            if current == "+" || current == "-" { index += 1 }
            let exponentStart = index
            while let scalar = current, ("0"..."9").contains(scalar) { index += 1 }
            guard index > exponentStart else { throw failure("digits expected in the exponent") }
        }
        let text = String(String.UnicodeScalarView(scalars[start..<index]))
        guard let value = Double(text) else { throw failure("invalid number") }
        return .number(value)
    }
}
