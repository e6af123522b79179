/// A parsed expression.
indirect enum ExpressionNode: Sendable {
    case literal(ExpressionValue)
    /// A named context such as `matrix`, lower-cased.
    case context(String)
    /// `base.name` or `base['name']`.
    case property(ExpressionNode, String)
    /// `base[index]` with a computed index.
    case index(ExpressionNode, ExpressionNode)
    case not(ExpressionNode)
    case and(ExpressionNode, ExpressionNode)
    case or(ExpressionNode, ExpressionNode)
    case comparison(ComparisonOperator, ExpressionNode, ExpressionNode)
    /// A function call; the name is lower-cased.
    case call(String, [ExpressionNode])
}

enum ComparisonOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

/// The reason an expression cannot be parsed or evaluated; the caller adds the expression and location.
struct ExpressionFailure: Error {
    var message: String
    var hint: String?
}

/// Splits an expression into tokens the way GitHub's lexer does: `.` starts a number only where an operand
/// is expected, a keyword followed by `(` is a function, and a keyword after `.` is a property name.
struct ExpressionLexer {
    enum Token: Equatable {
        case punctuation(String)
        case number(Double)
        case string(String)
        case keyword(String)
        case function(String)
        case property(String)
        case end
    }

    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var previous: Token?

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    private static let boundaries: Set<Unicode.Scalar> = ["(", "[", ")", "]", ",", ".", "!", ">", "<", "=", "&", "|"]

    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace
    }

    private func isBoundary(_ scalar: Unicode.Scalar) -> Bool {
        Self.boundaries.contains(scalar) || Self.isWhitespace(scalar)
    }

    /// True when the previous token ends an operand, so `.` means property access.
    private var afterOperand: Bool {
        switch previous {
        case .punctuation(let symbol): return symbol == ")" || symbol == "]" || symbol == "*"
        case .number, .string, .keyword, .property: return true
        case .function, .end, nil: return false
        }
    }

    mutating func next() throws(ExpressionFailure) -> Token {
        while index < scalars.count && Self.isWhitespace(scalars[index]) {
            index += 1
        }
        guard index < scalars.count else { return .end }
        let token = try readToken()
        previous = token
        return token
    }

    private mutating func readToken() throws(ExpressionFailure) -> Token {
        let scalar = scalars[index]
        switch scalar {
        case "(", "[", ")", "]", ",", "*":
            index += 1
            return .punctuation(String(scalar))
        case "'":
            return try readString()
        case "!", ">", "<", "=", "&", "|":
            return try readOperator()
        case "." where afterOperand:
            index += 1
            return .punctuation(".")
        case ".", "-", "+", "0"..."9":
            return try readNumber()
        default:
            return try readKeyword()
        }
    }

    private mutating func readWord(continuingThroughDots: Bool) -> String {
        let start = index
        index += 1
        while index < scalars.count && (!isBoundary(scalars[index]) || (continuingThroughDots && scalars[index] == "."))
        {
            index += 1
        }
        return String(String.UnicodeScalarView(scalars[start..<index]))
    }

    private mutating func readNumber() throws(ExpressionFailure) -> Token {
        let text = readWord(continuingThroughDots: true)
        let value = ExpressionValue.parseNumber(text)
        guard !value.isNaN else { throw ExpressionFailure(message: "unexpected symbol '\(text)'") }
        return .number(value)
    }

    private mutating func readString() throws(ExpressionFailure) -> Token {
        var text = ""
        index += 1
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if scalar == "'" {
                guard index < scalars.count && scalars[index] == "'" else { return .string(text) }
                index += 1
            }
            text.unicodeScalars.append(scalar)
        }
        throw ExpressionFailure(
            message: "unterminated string literal", hint: "close the string with ' and write '' for a quote inside it")
    }

    private mutating func readOperator() throws(ExpressionFailure) -> Token {
        let first = scalars[index]
        if index + 1 < scalars.count {
            let pair = String(first) + String(scalars[index + 1])
            if ["==", "!=", ">=", "<=", "&&", "||"].contains(pair) {
                index += 2
                return .punctuation(pair)
            }
        }
        if first == "!" || first == ">" || first == "<" {
            index += 1
            return .punctuation(String(first))
        }
        let text = readWord(continuingThroughDots: false)
        throw ExpressionFailure(
            message: "unexpected symbol '\(text)'", hint: "use == for comparison, && for and, || for or")
    }

    private mutating func readKeyword() throws(ExpressionFailure) -> Token {
        let text = readWord(continuingThroughDots: false)
        guard Self.isLegalKeyword(text) else { throw ExpressionFailure(message: "unexpected symbol '\(text)'") }
        if case .punctuation(".") = previous {
            return .property(text)
        }
        var lookahead = index
        while lookahead < scalars.count && Self.isWhitespace(scalars[lookahead]) {
            lookahead += 1
        }
        if lookahead < scalars.count && scalars[lookahead] == "(" {
            return .function(text)
        }
        return .keyword(text)
    }

    /// Returns true for a letter or `_` followed by letters, digits, `_` and `-`.
    private static func isLegalKeyword(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, first.isASCIILetter || first == "_" else { return false }
        return scalars.dropFirst().allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}

/// Parses an expression with GitHub's precedence: `!`, then `< <= > >=`, then `== !=`, then `&&`, then `||`.
///
/// Named contexts and functions are checked while parsing, as GitHub does, so an expression that reads an
/// unavailable context fails even when that part would not be evaluated.
struct ExpressionParser {
    private var lexer: ExpressionLexer
    private var token: ExpressionLexer.Token = .end
    private var depth = 0
    private let checkContext: (String) throws(ExpressionFailure) -> Void

    /// GitHub rejects expressions nested deeper than 50 levels.
    static let maxDepth = 50

    static func parse(
        _ text: String, checkContext: @escaping (String) throws(ExpressionFailure) -> Void
    ) throws(ExpressionFailure) -> ExpressionNode {
        var parser = ExpressionParser(lexer: ExpressionLexer(text), checkContext: checkContext)
        try parser.advance()
        guard parser.token != .end else {
            throw ExpressionFailure(message: "the expression is empty", hint: "write an expression between ${{ and }}")
        }
        let node = try parser.parseOr()
        guard parser.token == .end else { throw parser.unexpected() }
        return node
    }

    private init(lexer: ExpressionLexer, checkContext: @escaping (String) throws(ExpressionFailure) -> Void) {
        self.lexer = lexer
        self.checkContext = checkContext
    }

    private mutating func advance() throws(ExpressionFailure) {
        token = try lexer.next()
    }

    private func unexpected() -> ExpressionFailure {
        switch token {
        case .end: return ExpressionFailure(message: "unexpected end of expression")
        case .punctuation(let symbol): return ExpressionFailure(message: "unexpected symbol '\(symbol)'")
        case .number(let value): return ExpressionFailure(message: "unexpected number \(NumberFormatting.g15(value))")
        case .string(let text): return ExpressionFailure(message: "unexpected string '\(text)'")
        case .keyword(let word), .function(let word), .property(let word):
            return ExpressionFailure(message: "unexpected word '\(word)'")
        }
    }

    private mutating func expect(_ symbol: String) throws(ExpressionFailure) {
        guard token == .punctuation(symbol) else { throw unexpected() }
        try advance()
    }

    private mutating func parseOr() throws(ExpressionFailure) -> ExpressionNode {
        var node = try parseAnd()
        while token == .punctuation("||") {
            try advance()
            node = .or(node, try parseAnd())
        }
        return node
    }

    private mutating func parseAnd() throws(ExpressionFailure) -> ExpressionNode {
        var node = try parseEquality()
        while token == .punctuation("&&") {
            try advance()
            node = .and(node, try parseEquality())
        }
        return node
    }

    private mutating func parseEquality() throws(ExpressionFailure) -> ExpressionNode {
        var node = try parseComparison()
        while case .punctuation(let symbol) = token, symbol == "==" || symbol == "!=" {
            try advance()
            node = .comparison(symbol == "==" ? .equal : .notEqual, node, try parseComparison())
        }
        return node
    }

    private mutating func parseComparison() throws(ExpressionFailure) -> ExpressionNode {
        var node = try parseUnary()
        while case .punctuation(let symbol) = token, let comparison = ComparisonOperator(rawValue: symbol),
            ["<", "<=", ">", ">="].contains(symbol)
        {
            try advance()
            node = .comparison(comparison, node, try parseUnary())
        }
        return node
    }

    private mutating func parseUnary() throws(ExpressionFailure) -> ExpressionNode {
        guard token == .punctuation("!") else { return try parsePostfix() }
        try advance()
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw Self.tooDeep() }
        return .not(try parseUnary())
    }

    private mutating func parsePostfix() throws(ExpressionFailure) -> ExpressionNode {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw Self.tooDeep() }
        var node = try parsePrimary()
        while true {
            if token == .punctuation(".") {
                try advance()
                guard case .property(let name) = token else {
                    if token == .punctuation("*") { throw Self.filterUnsupported() }
                    throw unexpected()
                }
                try advance()
                node = .property(node, name)
            } else if token == .punctuation("[") {
                try advance()
                if token == .punctuation("*") { throw Self.filterUnsupported() }
                let index = try parseOr()
                try expect("]")
                if case .literal(.string(let name)) = index {
                    node = .property(node, name)
                } else {
                    node = .index(node, index)
                }
            } else {
                return node
            }
        }
    }

    private static func tooDeep() -> ExpressionFailure {
        ExpressionFailure(message: "the expression is nested more than \(maxDepth) levels deep")
    }

    private static func filterUnsupported() -> ExpressionFailure {
        ExpressionFailure(
            message: "object filters ('.*' and '[*]') are not supported", hint: "index the value by name instead")
    }

    private mutating func parsePrimary() throws(ExpressionFailure) -> ExpressionNode {
        let current = token
        switch current {
        case .number(let value):
            try advance()
            return .literal(.number(value))
        case .string(let text):
            try advance()
            return .literal(.string(text))
        case .keyword(let word):
            try advance()
            switch word {
            case "true": return .literal(.bool(true))
            case "false": return .literal(.bool(false))
            case "null": return .literal(.null)
            case "NaN": return .literal(.number(.nan))
            case "Infinity": return .literal(.number(.infinity))
            default:
                try checkContext(word.lowercased())
                return .context(word.lowercased())
            }
        case .function(let name):
            try advance()
            return try parseCall(name)
        case .punctuation("("):
            try advance()
            let node = try parseOr()
            try expect(")")
            return node
        default:
            throw unexpected()
        }
    }

    private mutating func parseCall(_ name: String) throws(ExpressionFailure) -> ExpressionNode {
        try expect("(")
        var arguments: [ExpressionNode] = []
        if token != .punctuation(")") {
            arguments.append(try parseOr())
            while token == .punctuation(",") {
                try advance()
                arguments.append(try parseOr())
            }
        }
        try expect(")")
        let lowered = name.lowercased()
        try ExpressionFunctions.checkCall(lowered, displayName: name, argumentCount: arguments.count)
        return .call(lowered, arguments)
    }
}
