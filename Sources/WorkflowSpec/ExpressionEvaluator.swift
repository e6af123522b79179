/// Supplies the values of named contexts (`matrix`, `secrets`, `vars`, `env`) to the evaluator.
protocol ExpressionContextSource: AnyObject {
    /// Throws when the context `name` (lower-cased) may not be read where the expression is.
    func checkContext(_ name: String) throws(ExpressionFailure)

    /// Returns the value of `name.key`, or of the whole context when `key` is nil.
    ///
    /// `location` and `expression` identify the expression that reads it, for diagnostics and errors.
    func value(
        ofContext name: String, key: String?, at location: SourceLocation, expression: String
    ) throws(WorkflowError) -> ExpressionValue
}

/// Evaluates one parsed expression with GitHub's semantics: `&&` and `||` return an operand and stop
/// early, comparisons coerce, and missing properties are null.
struct ExpressionEvaluator {
    let source: any ExpressionContextSource
    /// The text between `${{` and `}}`, for messages.
    let expression: String
    /// The position of the expression in the file.
    let location: SourceLocation

    /// Parses and evaluates `expression`.
    static func evaluate(
        _ expression: String, at location: SourceLocation, source: any ExpressionContextSource
    ) throws(WorkflowError) -> ExpressionValue {
        let evaluator = ExpressionEvaluator(source: source, expression: expression, location: location)
        let node: ExpressionNode
        do {
            node = try ExpressionParser.parse(expression) { (name) throws(ExpressionFailure) in
                try source.checkContext(name)
            }
        } catch {
            throw evaluator.wrap(error)
        }
        return try evaluator.evaluate(node)
    }

    /// The hint for failures that carry none, which are syntax errors.
    static let syntaxHint =
        "an expression combines literals ('text', 1, true, null), contexts such as matrix.name, "
        + "functions such as contains(a, b), and the operators ! && || == != < <= > >="

    func wrap(_ failure: ExpressionFailure) -> WorkflowError {
        let text = expression.trimmingCharacters(in: .whitespaces)
        return WorkflowError(
            location: location, message: "in '${{ \(text) }}': \(failure.message)",
            hint: failure.hint ?? Self.syntaxHint)
    }

    func evaluate(_ node: ExpressionNode) throws(WorkflowError) -> ExpressionValue {
        switch node {
        case .literal(let value):
            return value
        case .context(let name):
            return try source.value(ofContext: name, key: nil, at: location, expression: expression)
        case .property(.context(let name), let key):
            return try source.value(ofContext: name, key: key, at: location, expression: expression)
        case .property(let base, let key):
            return Self.property(key, of: try evaluate(base))
        case .index(let base, let indexNode):
            return try evaluateIndex(base: base, indexNode: indexNode)
        case .not(let operand):
            return .bool(!(try evaluate(operand)).isTruthy)
        case .and(let left, let right):
            let value = try evaluate(left)
            return value.isTruthy ? try evaluate(right) : value
        case .or(let left, let right):
            let value = try evaluate(left)
            return value.isTruthy ? value : try evaluate(right)
        case .comparison(let comparison, let left, let right):
            return .bool(Self.compare(comparison, try evaluate(left), try evaluate(right)))
        case .call(let name, let arguments):
            return try call(name, arguments)
        }
    }

    private func evaluateIndex(base: ExpressionNode, indexNode: ExpressionNode) throws(WorkflowError) -> ExpressionValue
    {
        let index = try evaluate(indexNode)
        if case .context(let name) = base, case .string(let key) = index {
            return try source.value(ofContext: name, key: key, at: location, expression: expression)
        }
        let value = try evaluate(base)
        switch (value, index) {
        case (.object, .string(let key)):
            return Self.property(key, of: value)
        case (.array(let elements), _):
            let number = index.numberValue
            guard number >= 0, number < Double(elements.count), number.rounded(.down) == number else { return .null }
            return elements[Int(number)]
        default:
            return .null
        }
    }

    private static func property(_ key: String, of value: ExpressionValue) -> ExpressionValue {
        guard case .object(let object) = value else { return .null }
        return object[key] ?? .null
    }

    private static func compare(_ comparison: ComparisonOperator, _ left: ExpressionValue, _ right: ExpressionValue)
        -> Bool
    {
        switch comparison {
        case .equal: return left.looselyEquals(right)
        case .notEqual: return !left.looselyEquals(right)
        case .less: return left.isLess(than: right)
        case .lessOrEqual: return left.isLess(than: right) || left.looselyEquals(right)
        case .greater: return left.isGreater(than: right)
        case .greaterOrEqual: return left.isGreater(than: right) || left.looselyEquals(right)
        }
    }

    private func call(_ name: String, _ arguments: [ExpressionNode]) throws(WorkflowError) -> ExpressionValue {
        var values: [ExpressionValue] = []
        for argument in arguments {
            values.append(try evaluate(argument))
        }
        do throws(ExpressionFailure) {
            switch name {
            case "contains": return ExpressionFunctions.contains(values[0], values[1])
            case "startswith": return ExpressionFunctions.startsWith(values[0], values[1])
            case "endswith": return ExpressionFunctions.endsWith(values[0], values[1])
            case "format": return try ExpressionFunctions.format(values[0].stringValue, Array(values.dropFirst()))
            case "join": return ExpressionFunctions.join(values[0], separator: values.count > 1 ? values[1] : nil)
            case "tojson": return .string(ExpressionFunctions.toJSON(values[0]))
            case "fromjson": return try JSONReader.parse(values[0].stringValue)
            default: throw ExpressionFailure(message: "unrecognized function '\(name)'")
            }
        } catch {
            throw wrap(error)
        }
    }
}

/// Substitutes every `${{ … }}` in a string, keeping the text around it.
enum ExpressionTemplate {
    /// A stretch of the output and where it came from in the input.
    struct Piece {
        var outputOffset: Int
        var inputOffset: Int
        /// True when the output copies the input one for one; false for an expression's result.
        var verbatim: Bool
    }

    /// The substituted text and how to map it back to the input.
    struct Result {
        /// The result; it keeps its type (number, boolean …) only when the input is exactly one expression.
        var value: ExpressionValue
        var pieces: [Piece]

        var text: String { value.stringValue }

        /// Returns the input offset (in Unicode scalars) that produced the output character at `offset`.
        func inputOffset(ofOutputOffset offset: Int) -> Int {
            guard var chosen = pieces.first else { return offset }
            for piece in pieces where piece.outputOffset <= offset {
                chosen = piece
            }
            return chosen.verbatim ? chosen.inputOffset + (offset - chosen.outputOffset) : chosen.inputOffset
        }
    }

    static func containsExpression(_ text: String) -> Bool {
        text.contains("${{")
    }

    /// Evaluates the expressions in `text`; `locate` turns an input offset into a file position.
    static func evaluate(
        _ text: String, source: any ExpressionContextSource, locate: (Int) -> SourceLocation
    ) throws(WorkflowError) -> Result {
        let scalars = Array(text.unicodeScalars)
        var pieces: [Piece] = []
        var output = ""
        var outputCount = 0
        var index = 0
        var singleValue: ExpressionValue?

        while index < scalars.count {
            guard let start = find("${{", in: scalars, from: index) else {
                pieces.append(Piece(outputOffset: outputCount, inputOffset: index, verbatim: true))
                output.unicodeScalars.append(contentsOf: scalars[index...])
                break
            }
            if start > index {
                pieces.append(Piece(outputOffset: outputCount, inputOffset: index, verbatim: true))
                output.unicodeScalars.append(contentsOf: scalars[index..<start])
                outputCount += start - index
            }

            guard let end = closingBraces(in: scalars, from: start + 3) else {
                throw WorkflowError(
                    location: locate(start),
                    message: "the expression '\(String(text.unicodeScalars.dropFirst(start)))' is not closed",
                    hint: "end the expression with }}")
            }

            let expression = String(String.UnicodeScalarView(scalars[(start + 3)..<end]))
            let value = try ExpressionEvaluator.evaluate(expression, at: locate(start), source: source)
            let isWhole = start == 0 && end + 2 == scalars.count
            singleValue = isWhole ? value : nil
            pieces.append(Piece(outputOffset: outputCount, inputOffset: start, verbatim: false))
            let produced = value.stringValue
            output += produced
            outputCount += produced.unicodeScalars.count
            index = end + 2
        }

        return Result(value: singleValue ?? .string(output), pieces: pieces)
    }

    private static func find(_ needle: String, in scalars: [Unicode.Scalar], from start: Int) -> Int? {
        let pattern = Array(needle.unicodeScalars)
        guard scalars.count >= pattern.count else { return nil }
        var index = start
        while index + pattern.count <= scalars.count {
            if Array(scalars[index..<(index + pattern.count)]) == pattern {
                return index
            }
            index += 1
        }
        return nil
    }

    /// Returns the index of the `}}` that ends an expression, skipping braces inside '…' string literals.
    private static func closingBraces(in scalars: [Unicode.Scalar], from start: Int) -> Int? {
        var inString = false
        var index = start
        while index + 1 < scalars.count {
            if scalars[index] == "'" {
                inString.toggle()
            } else if !inString && scalars[index] == "}" && scalars[index + 1] == "}" {
                return index
            }
            index += 1
        }
        return nil
    }
}
