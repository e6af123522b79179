/// The field an expression is in and the contexts it may read there.
///
/// The lists follow GitHub's workflow schema (workflow-v1.0.json in actions/languageservices): `secrets`
/// and `env` only in a service's `env` and `credentials`, `matrix` anywhere in a job, `vars` everywhere.
/// GitHub's other contexts (github, needs, inputs, strategy …) never have values in Berth.
struct ExpressionScope {
    /// The field, such as "services.redis.image", for messages.
    var field: String
    var allowed: Set<String>

    static func serviceField(_ field: String) -> ExpressionScope {
        ExpressionScope(field: field, allowed: ["matrix", "vars"])
    }

    /// Returns the scope of a service's `env` values and `credentials`.
    static func serviceSecrets(_ field: String) -> ExpressionScope {
        ExpressionScope(field: field, allowed: ["matrix", "vars", "secrets", "env"])
    }

    static let jobEnv = ExpressionScope(field: "the job's env", allowed: ["matrix", "vars", "secrets"])
    static let workflowEnv = ExpressionScope(field: "the workflow's env", allowed: ["vars", "secrets"])
    static let strategy = ExpressionScope(field: "strategy.matrix", allowed: ["vars"])
}

/// A scalar turned into a string, with the way back to file positions for each character.
struct SubstitutedText {
    var text: String
    var node: YAMLNode
    var template: ExpressionTemplate.Result?

    var containsExpression: Bool { template != nil }

    /// Returns the file position of the character at `offset` in `text`. An expression's result maps to
    /// its `${{`.
    func location(atOffset offset: Int) -> SourceLocation {
        node.location(atOffset: template?.inputOffset(ofOutputOffset: offset) ?? offset)
    }
}

/// Supplies `matrix`, `secrets`, `vars` and `env` to the expressions of one job, and collects the
/// diagnostics they cause.
///
/// Concurrency model: one instance serves one call to `Workflow.job(_:context:)` on one thread.
final class JobContext {
    let context: ExpressionContext
    var row: MatrixRow?
    let jobEnv: [(key: YAMLNode, value: YAMLNode)]
    let workflowEnv: [(key: YAMLNode, value: YAMLNode)]
    var log = DiagnosticLog()
    /// The matrix keys that expressions read, or nil once an expression read the whole matrix.
    private(set) var readMatrixKeys: Set<String>? = []
    private(set) var scope = ExpressionScope.strategy
    private var resolvingEnv: Set<String> = []

    init(
        context: ExpressionContext, jobEnv: [(key: YAMLNode, value: YAMLNode)],
        workflowEnv: [(key: YAMLNode, value: YAMLNode)]
    ) {
        self.context = context
        self.jobEnv = jobEnv
        self.workflowEnv = workflowEnv
    }

    /// Runs `body` with expressions restricted to `scope`.
    func withScope<Result>(_ scope: ExpressionScope, _ body: () throws(WorkflowError) -> Result) throws(WorkflowError)
        -> Result
    {
        let saved = self.scope
        self.scope = scope
        defer { self.scope = saved }
        return try body()
    }

    // MARK: - Reading scalars

    /// Reads a scalar as the string GitHub makes of it: numbers in "G15" form, expressions substituted.
    func string(_ node: YAMLNode, scope: ExpressionScope) throws(WorkflowError) -> SubstitutedText {
        guard let scalar = node.scalar else {
            throw WorkflowError(
                location: node.location, message: "\(scope.field) must be a string, not \(node.kindDescription)")
        }
        let typed = try YAMLScalarTyping.resolve(scalar, at: node.location)
        guard case .string(let text) = typed, ExpressionTemplate.containsExpression(text) else {
            if let diagnostic = YAMLScalarTyping.diagnostic(for: scalar, typed: typed, at: node.location) {
                log.add(diagnostic)
            }
            return SubstitutedText(text: typed.tokenText, node: node, template: nil)
        }
        let result = try withScope(scope) { () throws(WorkflowError) in
            try ExpressionTemplate.evaluate(text, source: self, locate: node.location(atOffset:))
        }
        guard result.value.isPrimitive else {
            throw WorkflowError(
                location: node.location,
                message: "\(scope.field) must be a string, but its expression gives an \(result.value.kindName)")
        }
        return SubstitutedText(text: result.text, node: node, template: result)
    }

    /// Evaluates a scalar that may be one whole expression and keeps the result's type.
    func value(of node: YAMLNode, scope: ExpressionScope) throws(WorkflowError) -> ExpressionValue {
        guard let scalar = node.scalar,
            case .string(let text) = try YAMLScalarTyping.resolve(scalar, at: node.location),
            ExpressionTemplate.containsExpression(text)
        else { return try ExpressionValue(yaml: node) }
        return try withScope(scope) { () throws(WorkflowError) in
            try ExpressionTemplate.evaluate(text, source: self, locate: node.location(atOffset:)).value
        }
    }
}

extension JobContext: ExpressionContextSource {
    func checkContext(_ name: String) throws(ExpressionFailure) {
        if scope.allowed.contains(name) { return }
        switch name {
        case "matrix", "vars", "secrets", "env":
            let allowedPlace = name == "matrix" ? "inside a job" : "in a service's env and credentials"
            throw ExpressionFailure(
                message: "the \(name) context is not available in \(scope.field)",
                hint:
                    "of the fields Berth reads, GitHub Actions allows \(name) only \(allowedPlace), so move the value there"
            )
        case "github", "needs", "steps", "runner", "job", "jobs", "inputs", "strategy":
            throw ExpressionFailure(
                message: "the \(name) context is not available to Berth",
                hint: "Berth reads the workflow outside a GitHub run; replace the expression, "
                    + "or pass its value with --matrix, --var or --secret")
        default:
            throw ExpressionFailure(
                message: "unrecognized named-value '\(name)'",
                hint: "Berth can read the contexts matrix, vars, secrets and env")
        }
    }

    func value(
        ofContext name: String, key: String?, at location: SourceLocation, expression: String
    ) throws(WorkflowError) -> ExpressionValue {
        switch name {
        case "matrix":
            return try matrixValue(key, at: location, expression: expression)
        case "secrets":
            guard let key else { return .object(Self.object(context.secrets)) }
            if let value = Self.lookup(key, in: context.secrets) ?? context.environment[key] { return .string(value) }
            log.add(
                at: location,
                "secrets.\(key) is not set, so it is empty; pass --secret \(key)=value or set \(key) in the environment"
            )
            return .string("")
        case "vars":
            guard let key else { return .object(Self.object(context.vars)) }
            if let value = Self.lookup(key, in: context.vars) { return .string(value) }
            log.add(at: location, "vars.\(key) is not set, so it is empty; pass --var \(key)=value")
            return .string("")
        default:
            guard let key else { return .object(try wholeEnv()) }
            return try envValue(key, at: location)
        }
    }

    private func matrixValue(_ key: String?, at location: SourceLocation, expression: String) throws(WorkflowError)
        -> ExpressionValue
    {
        let shown = "in '${{ \(expression.trimmingCharacters(in: .whitespaces)) }}'"
        if let key {
            readMatrixKeys?.insert(key.lowercased())
        } else {
            readMatrixKeys = nil
        }
        guard let row else {
            guard let key else { return .null }
            throw WorkflowError(
                location: location, message: "\(shown): this job has no matrix, so matrix.\(key) has no value",
                hint: "pass --matrix \(key)=value")
        }
        guard let key else {
            return .object(ExpressionObject(row.entries.map { .init(key: $0.key, value: $0.value.value) }))
        }
        guard let entry = row[key] else {
            let keys = row.keys.isEmpty ? "it has none" : "its keys are \(row.keys.joined(separator: ", "))"
            throw WorkflowError(
                location: location, message: "\(shown): the matrix has no key '\(key)'; \(keys)",
                hint: "check the name, or pass --matrix \(key)=value")
        }
        guard entry.isDeferredExpression, let node = entry.node else { return entry.value }
        return try value(of: node, scope: .strategy)
    }

    private func envValue(_ key: String, at location: SourceLocation) throws(WorkflowError) -> ExpressionValue {
        for (pairs, scope) in [(jobEnv, ExpressionScope.jobEnv), (workflowEnv, .workflowEnv)] {
            guard let node = Self.lookup(key, in: pairs) else { continue }
            guard !resolvingEnv.contains(key) else {
                throw WorkflowError(location: node.location, message: "env.\(key) refers to itself")
            }
            resolvingEnv.insert(key)
            defer { resolvingEnv.remove(key) }
            return .string(try string(node, scope: scope).text)
        }
        if let value = context.environment[key] { return .string(value) }
        log.add(at: location, "env.\(key) is not set in the job, the workflow or the environment, so it is empty")
        return .string("")
    }

    /// Returns the whole `env` context: the process environment, then the workflow's and the job's
    /// literal values.
    private func wholeEnv() throws(WorkflowError) -> ExpressionObject {
        var object = Self.object(context.environment)
        for pairs in [workflowEnv, jobEnv] {
            for pair in pairs {
                guard let key = pair.key.keyText, let scalar = pair.value.scalar else { continue }
                object[key] = .string(try YAMLScalarTyping.resolve(scalar, at: pair.value.location).tokenText)
            }
        }
        return object
    }

    // MARK: - Lookups

    /// Looks `key` up exactly, then without regard to case, as GitHub names of secrets and variables are.
    private static func lookup(_ key: String, in values: [String: String]) -> String? {
        if let value = values[key] { return value }
        let folded = key.lowercased()
        return values.first { $0.key.lowercased() == folded }?.value
    }

    private static func lookup(_ key: String, in pairs: [(key: YAMLNode, value: YAMLNode)]) -> YAMLNode? {
        if let exact = pairs.first(where: { $0.key.keyText == key }) { return exact.value }
        let folded = key.lowercased()
        return pairs.first { $0.key.keyText?.lowercased() == folded }?.value
    }

    private static func object(_ values: [String: String]) -> ExpressionObject {
        ExpressionObject(values.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: .string($0.value)) })
    }
}
