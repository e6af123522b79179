/// One value of a matrix combination and where it was written.
struct MatrixValue {
    /// The typed value. A value written as an expression is kept as its text until it is read.
    var value: ExpressionValue
    /// The node the value came from, or nil for a value passed with `--matrix`.
    var node: YAMLNode?
    /// True for a string from the file that contains `${{`, evaluated only when the job reads it.
    var isDeferredExpression = false

    init(yaml node: YAMLNode) throws(WorkflowError) {
        self.node = node
        value = try ExpressionValue(yaml: node)
        if node.scalar != nil, case .string(let text) = value, ExpressionTemplate.containsExpression(text) {
            isDeferredExpression = true
        }
    }

    /// Creates a value that an expression produced, such as an element of `fromJSON('[1, 2]')`.
    init(value: ExpressionValue, node: YAMLNode?) {
        self.value = value
        self.node = node
    }

    /// Creates a value passed on the command line: `true` and `false` are booleans, everything else a string.
    init(override text: String) {
        node = nil
        switch text {
        case "true": value = .bool(true)
        case "false": value = .bool(false)
        default: value = .string(text)
        }
    }

    /// The text shown for the value: numbers as GitHub prints them, collections as JSON.
    var displayText: String {
        switch value {
        case .array, .object: return ExpressionFunctions.toJSON(value)
        default: return value.stringValue
        }
    }

    /// True when a `--matrix key=text` pair selects this value: it compares as GitHub's `==` does
    /// (`"3.10"` matches the number 3.1, strings ignore case) or equals the text written in the file.
    func matches(_ text: String) -> Bool {
        if let scalar = node?.scalar, scalar.text == text { return true }
        if isDeferredExpression || !value.isPrimitive { return displayText == text }
        return value.looselyEquals(.string(text))
    }
}

/// A matrix combination: keys in order, looked up without regard to case.
typealias MatrixRow = CaseInsensitiveDictionary<MatrixValue>

extension ExpressionValue {
    /// Converts a YAML node: scalars are typed like GitHub's reader, mappings become objects.
    init(yaml node: YAMLNode) throws(WorkflowError) {
        switch node.kind {
        case .scalar(let scalar):
            self = ExpressionValue(try YAMLScalarTyping.resolve(scalar, at: node.location))
        case .sequence(let items):
            var elements: [ExpressionValue] = []
            for item in items {
                elements.append(try ExpressionValue(yaml: item))
            }
            self = .array(elements)
        case .mapping(let pairs):
            var object = ExpressionObject()
            for pair in pairs {
                object[pair.key.keyText ?? ""] = try ExpressionValue(yaml: pair.value)
            }
            self = .object(object)
        }
    }
}

/// Expands `strategy.matrix` into combinations as GitHub does (MatrixBuilder in actions/runner).
///
/// The cartesian product of the vectors comes first, the first key varying slowest. Each `exclude` entry
/// removes the combinations it matches (a partial match is enough). Each `include` entry then adds its
/// other keys to every remaining combination whose original values it matches. An entry that matches
/// none becomes a combination of its own, after all others. Values compare with the expression
/// language's `==`, so `"3.1"` matches `3.1`.
enum MatrixExpansion {
    /// GitHub runs at most 256 jobs for one matrix.
    static let maxCombinations = 256

    struct Parts {
        var vectors: [(key: String, node: YAMLNode, values: [MatrixValue])] = []
        var include: [[(key: String, value: MatrixValue)]] = []
        var exclude: [(node: YAMLNode, pairs: [(key: String, value: MatrixValue)])] = []
    }

    /// Returns all combinations of the matrix described by `parts`.
    static func combinations(_ parts: Parts, at location: SourceLocation) throws(WorkflowError) -> [MatrixRow] {
        let vectorKeys = Set(parts.vectors.map { $0.key.lowercased() })
        try checkExcludeKeys(parts, vectorKeys: vectorKeys)

        var rows: [MatrixRow] = []
        var includeMatched = Array(repeating: false, count: parts.include.count)
        for combination in try cartesianProduct(parts.vectors, at: location) {
            if parts.exclude.contains(where: { matches($0.pairs, combination) }) { continue }
            var row = combination
            for (index, entry) in parts.include.enumerated() {
                let filter = entry.filter { vectorKeys.contains($0.key.lowercased()) }
                guard matches(filter, combination) else { continue }
                includeMatched[index] = true
                for pair in entry where !vectorKeys.contains(pair.key.lowercased()) {
                    row[pair.key] = pair.value
                }
            }
            rows.append(row)
        }

        // An unmatched entry lists its matrix keys first, then its other keys, as GitHub's builder does.
        for (index, entry) in parts.include.enumerated() where !includeMatched[index] {
            var row = MatrixRow()
            for pair in entry where vectorKeys.contains(pair.key.lowercased()) {
                row[pair.key] = pair.value
            }
            for pair in entry where !vectorKeys.contains(pair.key.lowercased()) {
                row[pair.key] = pair.value
            }
            rows.append(row)
        }

        guard rows.count <= maxCombinations else {
            throw WorkflowError(
                location: location, message: "the matrix has \(rows.count) combinations",
                hint: "GitHub Actions runs at most \(maxCombinations) jobs per matrix; remove values or add excludes")
        }
        return rows
    }

    /// Rejects exclude keys that are not matrix keys, as GitHub does.
    private static func checkExcludeKeys(_ parts: Parts, vectorKeys: Set<String>) throws(WorkflowError) {
        for entry in parts.exclude {
            for pair in entry.pairs where !vectorKeys.contains(pair.key.lowercased()) {
                throw WorkflowError(
                    location: pair.value.node?.location ?? entry.node.location,
                    message: "the matrix exclude key '\(pair.key)' does not match any key of the matrix",
                    hint: "use one of the matrix keys: \(parts.vectors.map(\.key).joined(separator: ", "))")
            }
        }
    }

    private static func cartesianProduct(
        _ vectors: [(key: String, node: YAMLNode, values: [MatrixValue])], at location: SourceLocation
    ) throws(WorkflowError) -> [MatrixRow] {
        guard !vectors.isEmpty else { return [] }
        var size = 1
        for vector in vectors {
            let (product, overflow) = size.multipliedReportingOverflow(by: vector.values.count)
            guard !overflow, product <= 100 * maxCombinations else {
                throw WorkflowError(
                    location: location, message: "the matrix has too many combinations",
                    hint: "GitHub Actions runs at most \(maxCombinations) jobs per matrix; remove values")
            }
            size = product
        }
        var rows: [MatrixRow] = [MatrixRow()]
        for vector in vectors {
            var next: [MatrixRow] = []
            for row in rows {
                for value in vector.values {
                    var extended = row
                    extended[vector.key] = value
                    next.append(extended)
                }
            }
            rows = next
        }
        return rows
    }

    /// True when every pair matches the combination, comparing nested mappings and sequences leaf by leaf.
    static func matches(_ pairs: [(key: String, value: MatrixValue)], _ row: MatrixRow) -> Bool {
        pairs.allSatisfy { pair in
            leafMatches(pair.value.value, row[pair.key]?.value ?? .null)
        }
    }

    private static func leafMatches(_ filter: ExpressionValue, _ actual: ExpressionValue) -> Bool {
        switch filter {
        case .object(let object):
            return object.entries.allSatisfy { entry in
                guard case .object(let actualObject) = actual else { return leafMatches(entry.value, .null) }
                return leafMatches(entry.value, actualObject[entry.key] ?? .null)
            }
        case .array(let elements):
            return elements.enumerated().allSatisfy { index, element in
                guard case .array(let actualElements) = actual, index < actualElements.count else {
                    return leafMatches(element, .null)
                }
                return leafMatches(element, actualElements[index])
            }
        default:
            return actual.looselyEquals(filter)
        }
    }

    /// Returns the combination a job runs with: the first one, or the first that matches every `overrides` pair,
    /// or else the first with the pairs laid over it, so that any value a user passes works.
    static func select(_ rows: [MatrixRow], overrides: [String: String]) -> MatrixRow {
        let pairs = overrides.sorted { $0.key < $1.key }
        if let match = rows.first(where: { row in pairs.allSatisfy { row[$0.key]?.matches($0.value) ?? false } }) {
            return match
        }
        var row = rows.first ?? MatrixRow()
        for pair in pairs {
            row[pair.key] = MatrixValue(override: pair.value)
        }
        return row
    }
}
