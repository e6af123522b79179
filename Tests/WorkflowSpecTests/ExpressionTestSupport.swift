@testable import WorkflowSpec

/// An expression context source with fixed values, for testing the evaluator alone.
final class FixedContexts {
    let values: [String: ExpressionValue]

    init(_ values: [String: ExpressionValue]) {
        self.values = values
    }
}

extension FixedContexts: ExpressionContextSource {
    func checkContext(_ name: String) throws(ExpressionFailure) {
        guard values[name] != nil else { throw ExpressionFailure(message: "unrecognized named-value '\(name)'") }
    }

    func value(
        ofContext name: String, key: String?, at location: WorkflowSpec.SourceLocation, expression: String
    ) throws(WorkflowError) -> ExpressionValue {
        let context = values[name] ?? .null
        guard let key else { return context }
        guard case .object(let object) = context else { return .null }
        return object[key] ?? .null
    }
}

/// Returns a `matrix` context made of string values.
func matrixContext(_ pairs: [String: String]) -> FixedContexts {
    let object = ExpressionObject(pairs.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: .string($0.value)) })
    return FixedContexts(["matrix": .object(object)])
}

/// Evaluates a template string such as `a ${{ 1 }}` against `source`.
func evaluateTemplate(_ text: String, source: FixedContexts) -> Result<ExpressionValue, WorkflowError> {
    do {
        let location = WorkflowSpec.SourceLocation(file: "test.yml", line: 1, column: 1)
        return .success(try ExpressionTemplate.evaluate(text, source: source) { location.advanced(by: $0) }.value)
    } catch {
        return .failure(error)
    }
}
