import Foundation

/// A GitHub Actions workflow file, read far enough to resolve the services and container of its jobs.
public struct Workflow: Sendable {
    /// The file name used in every location.
    public var file: String
    /// The keys under `jobs:`, in file order.
    public var jobIDs: [String]
    /// The root mapping.
    var root: YAMLNode

    /// Reads and parses the workflow at `path`; a missing or unreadable file is an error naming the path.
    public static func load(path: String) throws(WorkflowError) -> Workflow {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw WorkflowError(location: nil, message: "workflow file '\(path)' not found", hint: "check the path")
        }
        guard !isDirectory.boolValue else {
            throw WorkflowError(
                location: nil, message: "'\(path)' is a directory, not a workflow file",
                hint: "name a file such as .github/workflows/ci.yml")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WorkflowError(
                location: nil, message: "cannot read workflow file '\(path)'", hint: "check its permissions")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw WorkflowError(location: nil, message: "workflow file '\(path)' is not UTF-8 text")
        }
        return try parse(text: text, file: path)
    }

    /// Parses workflow text; `file` names it in locations.
    public static func parse(text: String, file: String) throws(WorkflowError) -> Workflow {
        let documents = try YAMLReader.parse(text, file: file)
        guard let root = documents.first else {
            throw WorkflowError(
                location: SourceLocation(file: file, line: 1, column: 1), message: "the workflow file is empty",
                hint: "a workflow needs a 'jobs:' mapping")
        }
        guard documents.count == 1 else {
            throw WorkflowError(
                location: documents[1].location, message: "a workflow file must contain a single YAML document",
                hint: "remove the '---' and everything after it, or move it to its own file")
        }
        guard root.pairs != nil else {
            throw WorkflowError(
                location: root.location, message: "the workflow must be a mapping, not \(root.kindDescription)")
        }
        guard let jobs = root.value(forKey: "jobs"), let pairs = jobs.pairs else {
            throw WorkflowError(
                location: root.value(forKey: "jobs")?.location ?? root.location,
                message: "the workflow has no 'jobs:' mapping", hint: "add 'jobs:' with at least one job")
        }
        for pair in pairs where pair.value.pairs == nil {
            throw WorkflowError(
                location: pair.value.location,
                message: "the job '\(pair.key.keyText ?? "")' must be a mapping, not \(pair.value.kindDescription)")
        }
        return Workflow(file: file, jobIDs: pairs.compactMap(\.key.keyText), root: root)
    }

    /// Resolves one job: its matrix combination, its container and its services.
    ///
    /// An unknown job is an error that lists the jobs that exist. Diagnostics report values GitHub reads
    /// differently from their text, and secrets, variables or env values that are not set.
    public func job(_ id: String, context: ExpressionContext) throws(WorkflowError) -> (
        job: JobSpec, diagnostics: [Diagnostic]
    ) {
        guard let jobs = root.value(forKey: "jobs"), let jobNode = jobs.value(forKey: id) else {
            throw WorkflowError(
                location: nil, message: "the workflow '\(file)' has no job '\(id)'",
                hint: "choose one of: \(jobIDs.joined(separator: ", "))")
        }
        let resolver = JobResolver(
            id: id, node: jobNode, context: context,
            workflowEnv: root.value(forKey: "env")?.pairs ?? [])
        return try resolver.resolve()
    }
}

/// Resolves one job of a workflow.
struct JobResolver {
    let id: String
    let node: YAMLNode
    let job: JobContext
    let overrides: [String: String]

    init(id: String, node: YAMLNode, context: ExpressionContext, workflowEnv: [(key: YAMLNode, value: YAMLNode)]) {
        self.id = id
        self.node = node
        self.overrides = context.matrix
        job = JobContext(context: context, jobEnv: node.value(forKey: "env")?.pairs ?? [], workflowEnv: workflowEnv)
    }

    func resolve() throws(WorkflowError) -> (job: JobSpec, diagnostics: [Diagnostic]) {
        job.row = try matrixRow()
        for entry in job.row?.entries ?? [] {
            guard let valueNode = entry.value.node, let scalar = valueNode.scalar,
                let typed = try? YAMLScalarTyping.resolve(scalar, at: valueNode.location),
                let diagnostic = YAMLScalarTyping.diagnostic(for: scalar, typed: typed, at: valueNode.location)
            else { continue }
            job.log.add(diagnostic)
        }
        var spec = JobSpec(id: id, services: [], matrix: [:])
        for entry in job.row?.entries ?? [] {
            spec.matrix[entry.key] = entry.value.displayText
        }
        if let containerNode = node.value(forKey: "container"), !containerNode.isNull,
            let containerKey = node.pairs?.first(where: { $0.key.keyText == "container" })?.key
        {
            let reader = ServiceReader(job: job, field: "container", isContainer: true)
            spec.container = try reader.read(key: "container", keyNode: containerKey, node: containerNode)
        }
        try readServices(into: &spec)
        try checkMatrixOverridesRead()
        return (spec, job.log.diagnostics)
    }

    /// Rejects a `--matrix` key that a job without a matrix never reads. For a job with a matrix,
    /// `matrixRow()` already rejected keys the matrix does not have.
    private func checkMatrixOverridesRead() throws(WorkflowError) {
        guard try matrixCombinations() == nil, let read = job.readMatrixKeys else { return }
        for key in overrides.keys.sorted() where !read.contains(key.lowercased()) {
            throw WorkflowError(
                location: nil, message: "job '\(id)' has no matrix and does not use matrix.\(key)",
                hint: "leave out --matrix \(key)=…, or check the job name")
        }
    }

    private func readServices(into spec: inout JobSpec) throws(WorkflowError) {
        guard let services = node.value(forKey: "services"), !services.isNull else { return }
        guard let pairs = services.pairs else {
            throw WorkflowError(
                location: services.location, message: "services must be a mapping, not \(services.kindDescription)",
                hint: "list each service as 'name:' with an 'image:' under it")
        }
        for pair in pairs {
            let key = pair.key.keyText ?? ""
            let reader = ServiceReader(job: job, field: "services.\(key)", isContainer: false)
            if let service = try reader.read(key: key, keyNode: pair.key, node: pair.value) {
                spec.services.append(service)
            } else {
                spec.skippedServices.append(key)
            }
        }
    }

    // MARK: - Matrix

    /// Returns the combination the job runs with, or nil when it has no matrix and none was passed.
    ///
    /// A `--matrix` key the matrix does not have is an error, since it is most likely a typo that
    /// would otherwise leave the default value in place. A value no combination has is accepted
    /// with a warning, so that any image or version can be tried.
    private func matrixRow() throws(WorkflowError) -> MatrixRow? {
        guard let rows = try matrixCombinations() else {
            return overrides.isEmpty ? nil : MatrixExpansion.select([], overrides: overrides)
        }
        guard !rows.isEmpty, !overrides.isEmpty else {
            return MatrixExpansion.select(rows, overrides: overrides)
        }

        let keys = rows.flatMap { $0.entries.map(\.key) }.reduce(into: [String]()) { unique, key in
            if !unique.contains(where: { $0.lowercased() == key.lowercased() }) { unique.append(key) }
        }
        for key in overrides.keys.sorted() where !keys.contains(where: { $0.lowercased() == key.lowercased() }) {
            throw WorkflowError(
                location: nil, message: "the matrix of job '\(id)' has no key '\(key)'",
                hint: "Pass --matrix with one of its keys: \(keys.joined(separator: ", ")).")
        }
        let pairs = overrides.sorted { $0.key < $1.key }
        let matched = rows.contains { row in pairs.allSatisfy { row[$0.key]?.matches($0.value) ?? false } }
        if !matched, let location = node.value(forKey: "strategy")?.value(forKey: "matrix")?.location {
            let text = pairs.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
            job.log.add(
                at: location,
                "no combination of the matrix has \(text) (or it is excluded); using it over the first combination")
        }
        return MatrixExpansion.select(rows, overrides: overrides)
    }

    /// Returns every combination of the job's matrix, or nil when the job has none.
    ///
    /// A matrix written as one expression (for example fromJSON of another job's output) has no value
    /// outside a run, so it gives no combinations and only the values passed with `--matrix` exist.
    func matrixCombinations() throws(WorkflowError) -> [MatrixRow]? {
        guard let strategy = node.value(forKey: "strategy"), let matrix = strategy.value(forKey: "matrix"),
            !matrix.isNull
        else { return nil }
        if matrix.scalar != nil { return [] }
        guard let pairs = matrix.pairs else {
            throw WorkflowError(
                location: matrix.location, message: "strategy.matrix must be a mapping, not \(matrix.kindDescription)")
        }

        var parts = MatrixExpansion.Parts()
        for pair in pairs {
            let key = pair.key.keyText ?? ""
            switch key {
            case "include": parts.include = try filterEntries(pair.value, name: "include").map(\.pairs)
            case "exclude": parts.exclude = try filterEntries(pair.value, name: "exclude")
            default:
                if let values = try vector(key, pair.value) {
                    parts.vectors.append((key, pair.value, values))
                }
            }
        }

        guard !parts.vectors.isEmpty || !parts.include.isEmpty || !overrides.isEmpty else {
            throw WorkflowError(
                location: matrix.location, message: "the matrix must define at least one vector",
                hint: "add a key with a list of values, such as 'version: [1, 2]'")
        }
        return try MatrixExpansion.combinations(parts, at: matrix.location)
    }

    /// Returns a vector's values, or nil when it is an expression that cannot be evaluated and
    /// `--matrix` was used.
    private func vector(_ key: String, _ node: YAMLNode) throws(WorkflowError) -> [MatrixValue]? {
        if node.scalar != nil {
            if let override = overrides[key] { return [MatrixValue(override: override)] }
            let evaluated: ExpressionValue
            do {
                evaluated = try job.value(of: node, scope: .strategy)
            } catch {
                guard overrides.isEmpty else { return nil }
                throw error
            }
            guard case .array(let elements) = evaluated, !elements.isEmpty else {
                throw WorkflowError(
                    location: node.location, message: "the matrix vector '\(key)' must be a non-empty sequence",
                    hint: "write '\(key): [value1, value2]'")
            }
            return elements.map { MatrixValue(value: $0, node: nil) }
        }
        guard let items = node.items else {
            throw WorkflowError(
                location: node.location,
                message: "the matrix vector '\(key)' must be a sequence, not \(node.kindDescription)",
                hint: "write '\(key): [value1, value2]'")
        }
        guard !items.isEmpty else {
            throw WorkflowError(
                location: node.location, message: "the matrix vector '\(key)' does not contain any values")
        }
        var values: [MatrixValue] = []
        for item in items {
            values.append(try MatrixValue(yaml: item))
        }
        return values
    }

    /// Returns the mappings of `include:` or `exclude:`.
    private func filterEntries(
        _ node: YAMLNode, name: String
    ) throws(WorkflowError) -> [(node: YAMLNode, pairs: [(key: String, value: MatrixValue)])] {
        if node.isNull { return [] }
        if node.scalar != nil {
            do {
                return try evaluatedFilterEntries(node, name: name)
            } catch {
                guard overrides.isEmpty else { return [] }
                throw error
            }
        }
        guard let items = node.items else {
            throw WorkflowError(location: node.location, message: "matrix \(name) must be a sequence of mappings")
        }
        var entries: [(node: YAMLNode, pairs: [(key: String, value: MatrixValue)])] = []
        for item in items {
            guard let pairs = item.pairs, !pairs.isEmpty else {
                throw WorkflowError(
                    location: item.location, message: "each matrix \(name) entry must be a non-empty mapping",
                    hint: "write '- key: value'")
            }
            var entry: [(key: String, value: MatrixValue)] = []
            for pair in pairs {
                entry.append((pair.key.keyText ?? "", try MatrixValue(yaml: pair.value)))
            }
            entries.append((item, entry))
        }
        return entries
    }

    private func evaluatedFilterEntries(
        _ node: YAMLNode, name: String
    ) throws(WorkflowError) -> [(node: YAMLNode, pairs: [(key: String, value: MatrixValue)])] {
        guard case .array(let elements) = try job.value(of: node, scope: .strategy) else {
            throw WorkflowError(location: node.location, message: "matrix \(name) must be a sequence of mappings")
        }
        var entries: [(node: YAMLNode, pairs: [(key: String, value: MatrixValue)])] = []
        for element in elements {
            guard case .object(let object) = element, !object.entries.isEmpty else {
                throw WorkflowError(
                    location: node.location, message: "each matrix \(name) entry must be a non-empty mapping")
            }
            entries.append((node, object.entries.map { ($0.key, MatrixValue(value: $0.value, node: nil)) }))
        }
        return entries
    }
}
