import Testing

@testable import WorkflowSpec

/// Renders a YAML tree compactly: scalars as Swift string literals, `{k: v}` and `[a, b]`.
func render(_ node: YAMLNode) -> String {
    switch node.kind {
    case .scalar(let scalar):
        return scalar.text.debugDescription
    case .sequence(let items):
        return "[" + items.map(render).joined(separator: ", ") + "]"
    case .mapping(let pairs):
        return "{" + pairs.map { render($0.key) + ": " + render($0.value) }.joined(separator: ", ") + "}"
    }
}

/// Parses `text` and renders every document, or returns the error.
func renderYAML(_ text: String) -> Result<[String], WorkflowError> {
    do {
        return .success(try YAMLReader.parse(text, file: "test.yml").map(render))
    } catch {
        return .failure(error)
    }
}

/// Returns the error that parsing `text` throws, or nil.
func yamlError(_ text: String) -> WorkflowError? {
    do {
        _ = try YAMLReader.parse(text, file: "test.yml")
        return nil
    } catch {
        return error
    }
}

/// Returns the first document's root node; the test fails when the text does not parse.
func firstDocument(_ text: String) throws -> YAMLNode {
    let documents = try YAMLReader.parse(text, file: "test.yml")
    return try #require(documents.first)
}

extension Result {
    var value: Success? {
        if case .success(let value) = self { return value }
        return nil
    }

    var error: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
